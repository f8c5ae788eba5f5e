"""What a chosen item should become: the variant the customer asks for instead of it.

`fill_new_items` reads the variant from the message (closed world: only the product's own variants),
says what it could not read or what the item already is, and asks among the variants that fit when
none keeps the item's other options; `ask_new_item` asks for the next item still without one. Never
writes to the store.
"""

from __future__ import annotations

from collections.abc import Sequence

from shopkeeper.domain import Order, OrderLine, Product, format_money
from shopkeeper.flows import slots
from shopkeeper.flows.state import Task
from shopkeeper.flows.turn import Turn
from shopkeeper.understanding import Candidate
from shopkeeper.understanding.cues import read_cues
from shopkeeper.understanding.described import split_wanted
from shopkeeper.understanding.models import VariantResolution
from shopkeeper.understanding.references import option_mentions
from shopkeeper.understanding.segments import segment, wanted_parts
from shopkeeper.understanding.understand import read_variant

__all__ = ["ask_new_item", "fill_new_items"]


def fill_new_items(turn: Turn, task: Task, order: Order, *, replace: bool = False) -> None:
    """For each chosen item still without a replacement, find the variant the message asks for.

    With `replace` (a correction to a proposal), an item that has one gets the variant the message
    now asks for: when it names the item, or when it is the only one.
    """
    chosen = [c for c in slots.line_candidates(order) if c.item_id in task.item_ids]
    by_name: dict[str, list[Candidate]] = {}
    for v in slots.order_variants(turn, order):
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
            turn.text,
            this,
            chosen,
            asked_about=asked_about,
            others=slots.line_candidates(order),
            variants=by_name,
        )
        if not text:
            continue
        if (
            read_cues(text).same_item
            and (original := product.variant(item_id)) is not None
            and original.available
        ):
            task.new_item_ids[index] = item_id  # an identical replacement
            continue
        direct = [v for v in product.variants if v.item_id in text]  # an item id written out
        if direct and direct[0].item_id != item_id:
            task.new_item_ids[index] = direct[0].item_id
            continue
        variants = slots.variant_candidates(product)
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
                    f"The {line.name} is already {slots.describe_options(resolved.requested)}; the only other "
                    f"one that is comes in {slots.describe_options(_differs(only, this))}."
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
            turn.say(
                f"Sorry, the {line.name} with {slots.describe_options(resolved.options)} is out of stock."
            )
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
    fits = _others_with(resolved.requested, line.item_id, variants)
    if len(fits) < 2:
        return False
    kept = slots.describe_options({k: line.options[k] for k in resolved.other_changes if k in line.options})
    choices = [f"{slots.describe_options(v.options)} ({format_money(v.price_cents or 0)})" for v in fits[:12]]
    turn.say(f"There's no {line.name} with {slots.describe_options(resolved.requested)} that keeps {kept}.")
    turn.ask(
        f"Which of these would you like instead of the {slots.describe_line(line)}: {'; '.join(choices)}?",
        "new_items",
        choices,
    )
    return True


def _others_with(values: dict[str, str], item_id: str, variants: Sequence[Candidate]) -> list[Candidate]:
    """The available variants other than the item's own that have these option values."""
    return [
        v
        for v in variants
        if v.item_id != item_id
        and v.available is not False
        and all(v.options.get(k) == x for k, x in values.items())
    ]


def _only_other_with(
    resolved: VariantResolution, line: Candidate, variants: Sequence[Candidate]
) -> Candidate | None:
    """The one available variant other than the line's own that has the values asked for, when all of
    them are the line's own already."""
    if resolved.reason != "only the original's options mentioned":
        return None
    fits = _others_with(resolved.requested, line.item_id, variants)
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
        turn.say(
            f"The {line.name} in order {order_id} is already {slots.describe_options(resolved.requested)}."
        )


def ask_new_item(turn: Turn, task: Task, order: Order) -> None:
    if turn.asked_now("new_items"):
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
    choices = [f"{slots.describe_options(v.options)} ({format_money(v.price_cents)})" for v in available[:12]]
    turn.ask(
        f"What would you like instead of the {slots.describe_line(line)}? Available: {'; '.join(choices)}.",
        "new_items",
        choices,
    )
