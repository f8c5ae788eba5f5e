"""Filling a request's slots from what the customer said: items, new variants, reason, address (the
order: `flows/orders.py`; the payment method: `flows/payment.py`). Each `fill_*` reads the message; each `ask_*` asks for one missing thing.

The understanding layer proposes (ids, mentions, resolutions); these functions accept a proposal
only if it points at the verified customer's own records. They never write to the store.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from shopkeeper.domain import Order, OrderLine, Product, format_money
from shopkeeper.flows.state import Task
from shopkeeper.flows.turn import Turn
from shopkeeper.policy import CANCEL_REASONS
from shopkeeper.understanding import Candidate
from shopkeeper.understanding.described import split_wanted
from shopkeeper.understanding.models import VariantResolution
from shopkeeper.understanding.references import option_mentions
from shopkeeper.understanding.segments import segment, wanted_parts
from shopkeeper.understanding.understand import read_items, read_variant

__all__ = [
    "METHOD_ID",
    "adds_items",
    "describe_line",
    "describe_options",
    "fill_address",
    "fill_items",
    "fill_new_items",
    "fill_reason",
    "line_candidates",
    "variant_candidates",
]

METHOD_ID = re.compile(r"\b((?:credit_card|paypal|gift_card)_\d+)\b")
_SAME = re.compile(
    r"\b(the )?same (one|item|variant|version|model|thing|options?|specs?|configuration|settings)\b"
    r"|\bidentical\b|\bkeep (it|that one) as is\b|\blike for like\b",
    re.I,
)
_MISSING = re.compile(r"\b(?:is|are) (?:missing|left out)\b|\byou (?:forgot|missed|left out)\b", re.I)
# "the bag is missing", "the bag too": an item added to the ones chosen, said after we moved on
_ADDED = re.compile(_MISSING.pattern + r"|\b(?:too|also|as well|plus|and the)\b", re.I)
_ONLY = re.compile(r"\b(?:only|just)\b", re.I)
_OTHER = re.compile(r"\b(?:other|another|both|second|two)\b", re.I)


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


def _new_variant_said(text: str, order: Order, ids: list[str], variants: Sequence[Candidate]) -> bool:
    """Whether the text gives one of the named lines a value it does not have now, without "only"."""
    if _ONLY.search(text):
        return False
    lines = _lines(order, ids)
    own = [v for v in variants if any(line.product_id == v.product_id for line in lines)]
    said = option_mentions(text, own, loose=True)
    return any(line.options.get(k) not in (None, v) for line in lines for k, vs in said.items() for v in vs)


def _order_variants(turn: Turn, order: Order) -> tuple[Candidate, ...]:
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
    variants = _order_variants(turn, order)  # "ventilation low" is an option, not a missing item
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
    if replace and task.item_ids and (adds or _MISSING.search(turn.text)):
        # "the earbuds is missing", "the earbuds too": added to what is chosen, not instead of it.
        # A second line of a product already chosen joins only when the words say so ("the other
        # helmet too"): "the helmet is missing" most likely means the helmet proposed.
        chosen_names = {line.name for line in _lines(order, task.item_ids)}
        added = [
            i
            for i in ids
            if i not in task.item_ids
            and (
                _OTHER.search(turn.text) or all(line.name not in chosen_names for line in _lines(order, [i]))
            )
        ]
        task.item_ids += added
        task.new_item_ids += [None] * len(added)
        return True
    if replace and set(ids) <= set(task.item_ids) and _new_variant_said(turn.text, order, ids, variants):
        return True  # "the speaker should be red": a new variant for it; the other items stay
    task.item_ids = ids
    task.new_item_ids = [None] * len(ids)
    return True


def adds_items(text: str) -> bool:
    """Whether `text` may add an item to the ones already chosen ("oh, the bag is missing")."""
    return bool(_ADDED.search(text))


def ask_items(turn: Turn, task: Task, order: Order) -> None:
    verb = {"return": "return", "exchange": "exchange", "modify_items": "change"}[task.kind]
    listing = "; ".join(describe_line(line) for line in order.lines)
    turn.ask(
        f"Which items from order {order.id} would you like to {verb}? It has: {listing}.",
        "items",
        [describe_line(line) for line in order.lines],
    )


# ---- new variants ------------------------------------------------------------------------


def fill_new_items(turn: Turn, task: Task, order: Order, *, replace: bool = False) -> None:
    """For each chosen item still without a replacement, find the variant the message asks for.

    With `replace` (a correction to a proposal), an item that has one gets the variant the message
    now asks for: when it names the item, or when it is the only one.
    """
    chosen = [c for c in line_candidates(order) if c.item_id in task.item_ids]
    by_name: dict[str, list[Candidate]] = {}
    for v in _order_variants(turn, order):
        if any(c.product_id == v.product_id for c in chosen):
            by_name.setdefault(v.name, []).append(v)
    first_open = next((i for i, new in enumerate(task.new_item_ids) if new is None), None)
    for index, item_id in enumerate(task.item_ids):
        line = next((line for line in order.lines if line.item_id == item_id), None)
        if line is None or (task.new_item_ids[index] is not None and not replace):
            continue
        product = turn.product(line.product_id)
        asked_about = index == first_open or (replace and len(task.item_ids) == 1)
        this = next(c for c in chosen if c.item_id == item_id)
        text = segment(
            turn.text, this, chosen, asked_about=asked_about, others=line_candidates(order), variants=by_name
        )
        if not text:
            continue
        if _SAME.search(text) and (original := product.variant(item_id)) is not None and original.available:
            task.new_item_ids[index] = item_id  # an identical replacement
            continue
        ids = METHOD_ID.sub("", text)
        direct = [v for v in product.variants if v.item_id in ids.split() or v.item_id in text]
        if direct and direct[0].item_id != item_id:
            task.new_item_ids[index] = direct[0].item_id
            continue
        variants = variant_candidates(product)
        resolved = None
        for wanted in wanted_parts(text, line.name):
            resolved = read_variant(wanted, this, variants)
            if resolved is not None and resolved.unread:
                turn.say(_unread_note(line.name, resolved.unread, variants))
                break
            if (
                resolved is not None
                and resolved.item_id is not None
                and resolved.requested
                and resolved.exact
            ):
                break
        else:
            if asked_about and resolved and (only := _only_other_with(resolved, this, variants)):
                # asked what instead, "purple then" of a purple mat: the one other purple mat
                turn.say(
                    f"The {line.name} is already {describe_options(resolved.requested)}; the only other "
                    f"one that is comes in {describe_options(_differs(only, this))}."
                )
                task.new_item_ids[index] = only.item_id
                continue
            if asked_about and turn.state.asked == "new_items" and _all_its_own(resolved, this, product):
                task.new_item_ids[index] = item_id  # asked what instead, every option it has: the same
                continue
            _say_if_already(turn, text, this, variants, order.id)
            if asked_about and (missing := _not_offered(turn, product, text)):
                turn.say(_unread_note(line.name, missing, variants))  # "blue", of a hat in tan or olive
            continue
        if resolved is None or resolved.item_id is None:
            continue
        if not resolved.available:
            turn.say(f"Sorry, the {line.name} with {describe_options(resolved.options)} is out of stock.")
            continue
        if (
            resolved.other_changes
            and task.new_item_ids[index] is None
            and _ask_among(turn, line, resolved, variants)
        ):
            continue  # "a drip one, same everything else": no drip one keeps the rest; which drip one?
        for said, value in resolved.guessed.items():  # a typo read is said, so a wrong guess shows
            turn.say(f"I took “{said}” to mean {value} for the {line.name}.")
        task.new_item_ids[index] = resolved.item_id


def _ask_among(
    turn: Turn, line: OrderLine, resolved: VariantResolution, variants: Sequence[Candidate]
) -> bool:
    """Several variants have what was asked for, none keeps the line's other options: say which could
    not be kept and ask among those, rather than pick one that quietly changes them."""
    fits = [
        v
        for v in variants
        if v.item_id != line.item_id
        and v.available is not False
        and all(v.options.get(k) == x for k, x in resolved.requested.items())
    ]
    if len(fits) < 2:
        return False
    kept = describe_options({k: line.options[k] for k in resolved.other_changes if k in line.options})
    choices = [f"{describe_options(v.options)} ({format_money(v.price_cents or 0)})" for v in fits[:12]]
    turn.say(f"There's no {line.name} with {describe_options(resolved.requested)} that keeps {kept}.")
    turn.ask(
        f"Which of these would you like instead of the {describe_line(line)}: {'; '.join(choices)}?",
        "new_items",
        choices,
    )
    return True


def _only_other_with(
    resolved: VariantResolution, line: Candidate, variants: Sequence[Candidate]
) -> Candidate | None:
    """The one available variant other than the line's own that has the values asked for, when all of
    them are the line's own already."""
    if resolved.reason != "only the original's options mentioned":
        return None
    fits = [
        v
        for v in variants
        if v.item_id != line.item_id
        and v.available is not False
        and all(v.options.get(k) == x for k, x in resolved.requested.items())
    ]
    return fits[0] if len(fits) == 1 else None


def _differs(variant: Candidate, line: Candidate) -> dict[str, str]:
    return {k: v for k, v in variant.options.items() if line.options.get(k) != v}


def _all_its_own(resolved: VariantResolution | None, line: Candidate, product: Product) -> bool:
    """Whether the words ask for every option the item has now, as it has it ("black, optical, wired"
    of a black optical wired mouse), and that variant is still sold: an identical replacement."""
    original = product.variant(line.item_id)
    return (
        resolved is not None
        and resolved.reason == "only the original's options mentioned"
        and set(resolved.requested) == set(line.options)
        and original is not None
        and original.available
    )


def _not_offered(turn: Turn, product: Product, text: str) -> dict[str, str]:
    """Values of the product's options that other products in the catalog have and it doesn't, named
    in the text: "blue" asked of a hat that comes in tan, white and olive."""
    own = {(k, value) for v in product.variants for k, value in v.options.items()}
    keys = {k for k, _ in own}
    elsewhere = {
        (k, value)
        for p in turn.catalog
        if p.id != product.id
        for v in p.variants
        for k, value in v.options.items()
        if k in keys and (k, value) not in own
    }
    found = option_mentions(
        text, [Candidate(item_id="", options={k: value}) for k, value in sorted(elsewhere)]
    )
    return {k: next(iter(values)) for k, values in found.items() if len(values) == 1}


def _unread_note(name: str, unread: dict[str, str], variants: Sequence[Candidate]) -> str:
    """'color wyte': say which words matched none of the option's values, and what the values are."""
    notes = []
    for key, said in unread.items():
        values = sorted({v.options[key] for v in variants if key in v.options and v.available is not False})
        choices = f" (the choices are {', '.join(values)})" if values else ""
        notes.append(f"“{said}” isn't a {key} the {name} comes in{choices}")
    return f"Sorry, {'; '.join(notes)}."


def _say_if_already(
    turn: Turn, text: str, line: Candidate, variants: Sequence[Candidate], order_id: str
) -> None:
    """ "the speaker for a red one" when it is red already: say so rather than ask as if unheard."""
    _, asked = split_wanted(text, [line.name])
    resolved = read_variant(asked, line, variants)
    if (
        resolved is not None
        and resolved.requested
        and resolved.reason == "only the original's options mentioned"
    ):
        turn.say(f"The {line.name} in order {order_id} is already {describe_options(resolved.requested)}.")


def describe_options(options: dict[str, str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in options.items())


def ask_new_item(turn: Turn, task: Task, order: Order) -> None:
    if any(getattr(e, "slot", None) == "new_items" for e in turn.events):
        return  # asked already this turn, among the variants that fit (`_ask_among`)
    index = next(i for i, new in enumerate(task.new_item_ids) if new is None)
    line = next(line for line in order.lines if line.item_id == task.item_ids[index])
    product = turn.product(line.product_id)
    available = [v for v in product.variants if v.available and v.item_id != line.item_id]
    if not available:
        turn.say(f"There's no other variant of the {line.name} in stock right now, so it can't be swapped.")
        del task.item_ids[index]
        del task.new_item_ids[index]
        return
    choices = [f"{describe_options(v.options)} ({format_money(v.price_cents)})" for v in available[:12]]
    turn.ask(
        f"What would you like instead of the {describe_line(line)}? Available: {'; '.join(choices)}.",
        "new_items",
        choices,
    )


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
