"""Filling a request's slots from what the customer said: items, reason, address (the
order: `flows/orders.py`; the payment method: `flows/payment.py`; what an item should become:
`flows/new_items.py`). Each `fill_*` reads the message's reading (its entities, resolutions and
cues: "is missing", "only", "the other one"); each `ask_*` asks for one missing thing.

The understanding layer proposes (ids, mentions, resolutions); these functions accept a proposal
only if it points at the verified customer's own records. They never write to the store.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from shopkeeper.domain import Order, OrderLine, Product
from shopkeeper.flows.state import Task
from shopkeeper.flows.turn import Turn
from shopkeeper.policy import CANCEL_REASONS
from shopkeeper.understanding import Candidate
from shopkeeper.understanding.references import option_mentions
from shopkeeper.understanding.understand import read_items

__all__ = [
    "describe_line",
    "describe_options",
    "fill_address",
    "fill_items",
    "fill_reason",
    "line_candidates",
    "order_variants",
    "variant_candidates",
]


def describe_line(line: OrderLine) -> str:
    options = ", ".join(f"{k} {v}" for k, v in line.options.items())
    return f"{line.name} ({options})" if options else line.name


def line_candidates(order: Order) -> tuple[Candidate, ...]:
    return tuple(
        Candidate(
            item_id=line.item_id,
            name=line.name,
            options=line.options,
            product_id=line.product_id,
            order_id=order.id,
            price_cents=line.price_cents,
        )
        for line in order.lines
    )


def variant_candidates(product: Product) -> tuple[Candidate, ...]:
    return tuple(
        Candidate(
            item_id=v.item_id,
            name=product.name,
            options=v.options,
            product_id=product.id,
            available=v.available,
            price_cents=v.price_cents,
        )
        for v in product.variants
    )


# ---- items -------------------------------------------------------------------------------


def _named_items(text: str, order: Order) -> list[str]:
    """Items named by product name, in the order named, when each name fits one line of the order.

    Option words after a name may describe the wanted variant, so they don't pick lines here; a
    name shared by several lines is left to the reference resolver.
    """
    low = text.lower()
    by_name: dict[str, list[str]] = {}
    for line in order.lines:
        by_name.setdefault(line.name.lower(), []).append(line.item_id)
    found = sorted((low.find(name), ids) for name, ids in by_name.items() if name in low)
    if not found or any(len(ids) > 1 for _, ids in found):
        return []
    return [ids[0] for _, ids in found]


def _lines(order: Order, ids: list[str]) -> list[OrderLine]:
    return [line for line in order.lines if line.item_id in ids]


def _new_variant_said(turn: Turn, order: Order, ids: list[str], variants: Sequence[Candidate]) -> bool:
    """Whether the message gives one of the named lines a value it does not have now, without "only"."""
    if turn.u.cues.only:
        return False
    lines = _lines(order, ids)
    own = [v for v in variants if any(line.product_id == v.product_id for line in lines)]
    said = option_mentions(turn.text, own, loose=True)
    return any(line.options.get(k) not in (None, v) for line in lines for k, vs in said.items() for v in vs)


def order_variants(turn: Turn, order: Order) -> tuple[Candidate, ...]:
    """Every variant of the products in `order`, as candidates."""
    products = dict.fromkeys(line.product_id for line in order.lines)
    return tuple(v for product_id in products for v in variant_candidates(turn.product(product_id)))


def fill_items(
    turn: Turn, task: Task, order: Order, *, replace: bool = False, narrow: bool = True, adds: bool = False
) -> bool:
    """Set the items of `order` the message points at; True if it named any.

    With `replace`, named items replace the chosen ones (choices for the same items are kept); without
    `narrow`, naming some of the chosen items keeps them all ("the vacuum as bagless", answering what
    the vacuum should become, does not drop the speaker chosen with it). A correction that adds
    (`adds`: the reply to a proposal reads as adding, "the backpack too") or says an item "is
    missing" adds it to the chosen ones, with their new variants: the one place that does. One
    that gives a chosen item a new variant ("the speaker should be red") keeps the others, unless
    it says "only" or "just".
    """
    variants = order_variants(turn, order)  # "ventilation low" is an option, not a missing item
    ids = _named_items(turn.text, order)
    resolved = read_items(turn.text, line_candidates(order), variants)
    if resolved is not None and resolved.unmatched:  # named, not dropped: "the toaster" is not there
        listed = " or ".join(f'"{m}"' for m in resolved.unmatched)
        turn.say(f"I couldn't find {listed} in order {order.id}.")
    if ids and resolved is not None and resolved.reason.startswith("name") and not resolved.ambiguous:
        # "my hose and the backpack": the exact name found one; nicknames and typos find the rest,
        # also when option words were read too ("the Garden Hose (black) and the Samrt Watch").
        ids += [i for i in resolved.item_ids if i not in ids and order.line_count(i) > 0]
    if not ids:
        if resolved is None or resolved.ambiguous:
            return False
        if not narrow and resolved.reason == "options":
            # "capacity 18L and color black", asked what the daypack should become, describes the new
            # daypack, not the black office chair of the same order
            return False
        ids = [i for i in resolved.item_ids if order.line_count(i) > 0]
    if not ids or (task.item_ids and not replace) or sorted(ids) == sorted(task.item_ids):
        return bool(ids)
    if not narrow and set(ids) <= set(task.item_ids):
        return True
    if replace and task.item_ids and (adds or turn.u.cues.missing):
        # "the earbuds is missing", "the earbuds too": added to what is chosen, not instead of it.
        # A second line of a product already chosen joins only when the words say so ("the other
        # helmet too"): "the helmet is missing" most likely means the helmet proposed.
        chosen_names = {line.name for line in _lines(order, task.item_ids)}
        added = [
            i
            for i in ids
            if i not in task.item_ids
            and (turn.u.cues.other or all(line.name not in chosen_names for line in _lines(order, [i])))
        ]
        task.item_ids += added
        task.new_item_ids += [None] * len(added)
        return True
    if replace and set(ids) <= set(task.item_ids) and _new_variant_said(turn, order, ids, variants):
        return True  # "the speaker should be red": a new variant for it; the other items stay
    task.item_ids = ids
    task.new_item_ids = [None] * len(ids)
    return True


def ask_items(turn: Turn, task: Task, order: Order) -> None:
    verb = {"return": "return", "exchange": "exchange", "modify_items": "change"}[task.kind]
    listing = "; ".join(describe_line(line) for line in order.lines)
    turn.ask(
        f"Which items from order {order.id} would you like to {verb}? It has: {listing}.",
        "items",
        [describe_line(line) for line in order.lines],
    )


def describe_options(options: dict[str, str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in options.items())


# ---- reason, address ---------------------------------------------------------------------


def fill_reason(turn: Turn, task: Task) -> None:
    if turn.u.entities.reason:
        task.reason = turn.u.entities.reason
        return
    low = turn.text.lower()
    for reason in CANCEL_REASONS:
        if reason in low:
            task.reason = reason


def ask_reason(turn: Turn, order_id: str) -> None:
    """Why the order is cancelled, naming the order (the customer sees which one we mean)."""
    turn.ask(
        f"May I ask why you'd like to cancel order {order_id}: is it no longer needed, or was it ordered "
        "by mistake?",
        "reason",
        list(CANCEL_REASONS),
    )


_UNIT = re.compile(r"^(apt|apartment|suite|ste|unit|floor|fl|room|#)\b", re.I)
_STATE_ZIP = re.compile(r"^([A-Za-z .]+?)\s+(\d{5}(?:-\d{4})?)$")


def _comma_address(text: str) -> dict[str, str]:
    """'580 Broadway, Suite 162, Denver, CO 80265, USA' when the address extractor found too little."""
    parts = [p.strip(" .") for p in text.split(",") if p.strip(" .")]
    if len(parts) < 3 or not re.match(r"^\d+\s+\S", parts[0]):
        return {}
    out = {"address1": parts[0], "address2": ""}
    rest = parts[1:]
    if rest and _UNIT.match(rest[0]):
        out["address2"], rest = rest[0], rest[1:]
    if rest and rest[-1].isalpha() and len(rest) >= 3:
        out["country"], rest = rest[-1], rest[:-1]
    if len(rest) >= 2 and (m := _STATE_ZIP.match(rest[-1])):
        out["city"], out["state"], out["zip"] = rest[-2], m.group(1).strip(), m.group(2)
    elif len(rest) >= 3 and re.fullmatch(r"\d{5}(-\d{4})?", rest[-1]):
        out["city"], out["state"], out["zip"] = rest[-3], rest[-2], rest[-1]
    else:
        return {}
    return out


def fill_address(turn: Turn, task: Task) -> None:
    mention = turn.u.entities.address
    found = {k: v for k, v in mention.model_dump().items() if v} if mention is not None else {}
    if not address_complete(found) and (lenient := _comma_address(turn.text)):
        found = lenient
    if not found:
        return
    merged = {**(task.address or {}), **found}
    merged.setdefault("country", "USA")
    task.address = merged


def address_complete(address: dict[str, str] | None) -> bool:
    return bool(address) and all(address.get(k) for k in ("address1", "city", "state", "zip"))  # type: ignore[union-attr]


def ask_address(turn: Turn, task: Task) -> None:
    what = "the new shipping address" if task.kind == "modify_address" else "your new default address"
    if task.address:
        missing = [k for k in ("address1", "city", "state", "zip") if not task.address.get(k)]
        labels = {"address1": "street address", "city": "city", "state": "state", "zip": "zip code"}
        turn.ask(f"I still need the {', '.join(labels[m] for m in missing)} for {what}.", "address")
    else:
        turn.ask(
            f"Please give me {what}: street, apartment or suite (if any), city, state, zip code and country.",
            "address",
        )
