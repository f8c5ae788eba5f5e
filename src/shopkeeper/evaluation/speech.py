"""How the text-only customer words things, in two voices of its own ("regular": clean first-person
sentences; "casual": lowercase, terse, slangy, abbreviated), and the perturbations it adds: typos in
product and option names, lowercase, a wrong detail then corrected, a change of mind, a question in
the middle, several answers at once.

The wording here is deliberately not `phrasing.py`'s (that is the event-reading customer's). Every
choice comes from the RNG the caller passes, seeded per task and style, so a run is repeatable.
Pure functions of a `CustomerView`, a goal and an RNG; nothing here knows the agent.
"""

from __future__ import annotations

import random
from collections import Counter

from shopkeeper.domain import Order
from shopkeeper.evaluation.goals import STATUS, Goal
from shopkeeper.evaluation.profile import CustomerView

__all__ = [
    "MID_QUESTIONS",
    "Voice",
    "typo",
]

MID_QUESTIONS = [
    "btw how long do refunds usually take?",
    "Quick question: do you ship to Canada?",
    "By the way, what's your return window?",
    "also, how long does shipping normally take?",
]
_ASK = {  # the request alone, regular voice
    "cancel_order": ["I need to cancel something I ordered.", "Could you help me cancel an order?"],
    "modify_order_address": [
        "One of my orders needs to go to a different address.",
        "I have to fix the delivery address on an order.",
    ],
    "modify_order_payment": [
        "I'd like to pay for an order with a different card or account.",
        "Can I switch how one of my orders is paid?",
    ],
    "modify_order_items": [
        "I need to change an item in an order that hasn't shipped yet.",
        "I ordered the wrong version of something and want to change it before it ships.",
    ],
    "modify_customer_address": [
        "I moved, so the address on my account needs updating.",
        "Could you update the address saved on my profile?",
    ],
    "return_order_items": [
        "I'd like to send some things back for a refund.",
        "I need to return a couple of things.",
    ],
    "exchange_order_items": [
        "Something I received isn't quite right and I'd like to swap it for another version.",
        "I'd like to exchange an item I got.",
    ],
    STATUS: ["Could you check on an order for me?", "I'm wondering where my order is."],
}
_ASK_CASUAL = {
    "cancel_order": ["need to cancel an order", "can u cancel an order for me"],
    "modify_order_address": [
        "gotta change the shipping addy on an order",
        "wrong address on my order, can u fix",
    ],
    "modify_order_payment": [
        "wanna pay w a different card for an order",
        "can i switch the payment on my order",
    ],
    "modify_order_items": [
        "need to change smth in my order before it ships",
        "ordered the wrong one, can i swap it b4 it ships",
    ],
    "modify_customer_address": ["moved, need to update my address on the acct", "pls update my acct address"],
    "return_order_items": ["wanna return some stuff", "need to send some things back"],
    "exchange_order_items": ["wanna exchange smth i got", "need to swap an item i received"],
    STATUS: ["wheres my order", "can u check on my order"],
}
_REASONS = {
    "no longer needed": (
        ["I don't need it anymore.", "I no longer need it."],
        ["dont need it anymore", "dont need it"],
    ),
    "ordered by mistake": (
        ["I ordered it by accident.", "It was a mistake, I ordered it by accident."],
        ["ordered it by mistake", "misclick lol, ordered by mistake"],
    ),
}


def typo(word: str, rng: random.Random) -> str:
    """One slip of the keyboard in a word of five letters or more (swap, drop or double a letter)."""
    if len(word) < 5 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1] if parts else ""


class Voice:
    """One customer's way of saying things: `casual` or not, perturbations drawn from `rng`."""

    def __init__(self, view: CustomerView, rng: random.Random, casual: bool, typos: float) -> None:
        self.view, self.rng, self.casual, self.typos = view, rng, casual, typos

    def pick(self, regular: list[str], casual: list[str] | None = None) -> str:
        options = casual if self.casual and casual else regular
        return options[self.rng.randrange(len(options))]

    def finish(self, text: str) -> str:
        """The voice applied to a whole message: casual is lowercase without final periods."""
        if self.casual:
            return text.lower().replace("'", "" if self.rng.random() < 0.5 else "'").rstrip(".")
        return text

    def name(self, text: str) -> str:
        """A product or option name as typed: sometimes with a typo, casual sometimes lowercase."""
        words = text.split()
        if words and self.rng.random() < self.typos:
            i = self.rng.randrange(len(words))
            words[i] = typo(words[i], self.rng)
        said = " ".join(words)
        return said.lower() if self.casual or self.rng.random() < 0.2 else said

    # ---- pieces --------------------------------------------------------------------------------

    def greeting(self) -> str:
        return self.pick(["Hello,", "Hi,", "Good morning.", "Hi there,"], ["hey", "hi", "yo", "hiya,"])

    def identity(self, email: bool) -> str:
        c = self.view.customer
        if email:
            return self.pick(
                [f"My email is {c.email}.", f"It's {c.email}.", f"{c.email}"], [c.email, f"its {c.email}"]
            )
        first, last, zip_code = c.first_name, c.last_name, c.address.zip
        return self.pick(
            [
                f"I'm {first} {last}, zip {zip_code}.",
                f"{first} {last}, and my zip is {zip_code}.",
                f"Name: {first} {last}. Zip code: {zip_code}.",
            ],
            [
                f"{first} {last} {zip_code}",
                f"name's {first} {last}, zip {zip_code}",
                f"{first.lower()} {last.lower()}, {zip_code}",
            ],
        )

    def order(self, order_id: str) -> str:
        bare = order_id.lstrip("#")
        return self.pick(
            [f"It's order {order_id}.", f"Order number {bare}.", f"{order_id}", f"The order is {order_id}."],
            [bare.lower(), f"order {bare}", f"{order_id} i think", f"its {bare.lower()}"],
        )

    def wrong_order(self, order_id: str, other: str) -> str:
        """A wrong order number, corrected in the same message."""
        return self.pick(
            [f"It's order {other}... sorry, I mean {order_id}.", f"Order {other}, no wait, it's {order_id}."],
            [f"{other.lower()} sorry i mean {order_id.lower()}", f"order {other} oops no {order_id}"],
        )

    def _label(self, order: Order | None, item_id: str, name: str, options: dict[str, str]) -> str:
        said = self.name(name)
        if order is None:
            return said
        others = [x for x in order.lines if x.name == name and x.item_id != item_id]
        distinct = [v for k, v in options.items() if any(x.options.get(k) != v for x in others)]
        if others and distinct:
            return (
                f"{self.name(', '.join(distinct))} {said}"
                if self.rng.random() < 0.5
                else f"{said} ({', '.join(distinct)})"
            )
        return said

    def _line(self, goal: Goal, item_id: str) -> tuple[str, dict[str, str]]:
        line = self.view.line(goal.order_id or "", item_id)
        if line is not None:
            return line.name, line.options
        variant = self.view.variant(item_id)
        product = self.view.products.get(variant.product_id) if variant else None
        return (product.name if product else item_id), (variant.options if variant else {})

    def items(self, goal: Goal) -> str:
        order = self.view.orders.get(goal.order_id or "")
        parts = []
        for item_id, count in Counter(goal.arguments.get("item_ids", [])).items():
            name, options = self._line(goal, item_id)
            label = self._label(order, item_id, name, options)
            parts.append(
                f"the {label}" if count == 1 else f"both {label}s" if count == 2 else f"{count} {label}s"
            )
        return _join(parts)

    def changes(self, goal: Goal, about: str = "") -> str:
        """Which new variant each item should become, said by the options that change."""
        order = self.view.orders.get(goal.order_id or "")
        pairs = list(
            zip(goal.arguments.get("item_ids", []), goal.arguments.get("new_item_ids", []), strict=False)
        )
        named = [p for p in pairs if self._line(goal, p[0])[0].lower() in about.lower()]
        if named and len({self._line(goal, p[0])[0] for p in named}) == 1:
            pairs = named  # asked about one product: answer for that one
        parts = []
        for old_id, new_id in pairs:
            name, options = self._line(goal, old_id)
            new = self.view.variant(new_id)
            wanted = new.options if new else {}
            changed = {k: v for k, v in wanted.items() if options.get(k) != v}
            if not changed:  # the data's "change" to the very same variant: a replacement
                values = ", ".join(f"{k} {v}" for k, v in wanted.items())
                label = self._label(order, old_id, name, options)
                parts.append(
                    self.pick(
                        [
                            f"the {label} for an identical new one ({values})",
                            f"a replacement {label}, the same one ({values})",
                        ],
                        [f"{label} for the exact same one ({values})"],
                    )
                )
                continue
            values = _join(
                [
                    f"{self.name(v)}" if len(v) > 3 and self.rng.random() < 0.5 else f"{k} {self.name(v)}"
                    for k, v in changed.items()
                ]
            )
            label = self._label(order, old_id, name, options)
            parts.append(
                self.pick(
                    [
                        f"the {label} in {values}",
                        f"the {label} changed to {values}",
                        f"{values} for the {label}",
                    ],
                    [f"{label} -> {values}", f"{label} in {values}"],
                )
            )
        return _join(parts)

    def payment(self, method_id: str) -> str:
        m = self.view.method(method_id)
        if m is None:
            return method_id
        several = sum(x.source == m.source for x in self.view.customer.payment_methods) > 1
        if m.source == "credit_card" and m.last_four:
            brand = (m.brand or "card").title()
            return self.pick(
                [f"my {brand} ending in {m.last_four}", f"the {brand} card ending {m.last_four}"],
                [f"{brand.lower()} {m.last_four}", f"my cc ending {m.last_four}"],
            )
        if several:
            return m.id
        if m.source == "paypal":
            return self.pick(["my PayPal", "PayPal"], ["paypal", "pp"])
        if m.source == "gift_card":
            return self.pick(["my gift card", "the gift card"], ["gift card", "gc"])
        return m.id

    def reason(self, value: str) -> str:
        regular, casual = _REASONS.get(value, ([value], [value]))
        return self.pick(regular, casual)

    def address(self, fields: dict[str, str]) -> str:
        values = [str(fields.get(k) or "") for k in ("address1", "address2", "city")]
        place = f"{fields.get('state', '')} {fields.get('zip', '')}".strip()
        line = ", ".join(v for v in [*values, place, str(fields.get("country") or "")] if v)
        return line.lower() if self.casual else line

    def ask(self, goal: Goal) -> str:
        """The request alone: what kind of help, no details."""
        return self.pick(_ASK.get(goal.action, ["I need help with an order."]), _ASK_CASUAL.get(goal.action))

    def request(self, goal: Goal) -> str:
        """The whole request: what, which order, items, new options, payment, address, reason."""
        a, oid = goal.arguments, goal.order_id or ""
        pay = self.payment(a["payment_method_id"]) if "payment_method_id" in a else ""
        if goal.action == "cancel_order":
            return self.pick(
                [
                    f"I'd like to cancel order {oid}. {self.reason(a.get('reason', ''))}",
                    f"Please cancel {oid}, {self.reason(a.get('reason', '')).lower()}",
                ],
                [f"cancel {oid} pls, {self.reason(a.get('reason', ''))}"],
            )
        if goal.action == "modify_order_address":
            return self.pick(
                [f"Could you ship order {oid} to {self.address(a['address'])} instead?"],
                [f"ship {oid} to {self.address(a['address'])} instead"],
            )
        if goal.action == "modify_order_payment":
            return self.pick(
                [f"For order {oid}, I'd like to pay with {pay} instead."],
                [f"switch payment on {oid} to {pay}"],
            )
        if goal.action == "modify_customer_address":
            return self.pick(
                [f"My new address is {self.address(a['address'])}, please update my account."],
                [f"new addy for my acct: {self.address(a['address'])}"],
            )
        if goal.action == "modify_order_items":
            return self.pick(
                [
                    f"In order {oid}, which hasn't shipped yet, I want {self.changes(goal)}. Any difference can go on {pay}."
                ],
                [f"order {oid}: {self.changes(goal)}, diff on {pay}"],
            )
        if goal.action == "exchange_order_items":
            return self.pick(
                [
                    f"From order {oid} I'd like to exchange {self.changes(goal)}. Settle any difference with {pay}."
                ],
                [f"wanna exchange {self.changes(goal)} from {oid}, use {pay} for the diff"],
            )
        if goal.action == "return_order_items":
            return self.pick(
                [f"I want to return {self.items(goal)} from order {oid}, refund to {pay} please."],
                [f"return {self.items(goal)} from {oid}, refund to {pay}"],
            )
        if goal.action == STATUS:
            return self.pick(
                [f"Can you tell me what's going on with order {oid}?" if oid else "Where is my order?"],
                [f"wheres {oid}" if oid else "wheres my order"],
            )
        return self.ask(goal)

    def yes(self) -> str:
        return self.pick(
            ["Yes, please go ahead.", "That's right, go ahead.", "Yes please.", "Sounds good, yes."],
            ["yep", "ya go ahead", "sure do it", "ok yes"],
        )

    def no(self, problems: list[str]) -> str:
        what = "; ".join(problems)
        return self.pick(
            [f"No, that's not right: {what}.", f"No, {what}."], [f"nah, {what}", f"no no, {what}"]
        )

    def nothing_else(self) -> str:
        return self.pick(
            ["No, that's everything. Thank you!", "That's all, thanks."],
            ["nope thats it thx", "thats all ty"],
        )

    def goodbye(self) -> str:
        return self.pick(["Okay, thanks. Bye.", "Alright, thank you."], ["ok thx bye", "k thanks"])
