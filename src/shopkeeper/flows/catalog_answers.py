"""Answers about the catalog: what the store sells, how many options a product has, which are in
stock, what costs least.

`answer_catalog(turn, question, asks_catalog=True)` answers only when the question names a product
(or a category) of the catalog; with `asks_catalog` it must also ask a catalog thing (options, stock,
price), so that a policy question that merely names a product ("can I return boots after a month?")
is left to the knowledge base. The facts come from the store's product records. Reads only.
"""

from __future__ import annotations

import re

from shopkeeper.catalog import ProductMatch, product_tokens, search_catalog
from shopkeeper.domain import Product, format_money
from shopkeeper.flows.turn import Turn
from shopkeeper.knowledge.text import stem

__all__ = ["answer_catalog"]

_CATALOG_WORDS = re.compile(
    r"\b(?:how many|options?|variants?|versions?|colou?rs?|sizes?|materials?|in stock|stock|available|"
    r"availability|cheap\w*|least|lowest|price[sd]?|cost\w*|how much|expensive|sell|carry|have any)\b",
    re.I,
)
# "what do you sell?", "what kind of stuff do u have": the range, not one product
_WHAT_SOLD = re.compile(
    r"\bwhat (?:do|does|can) (?:you|u|y'?all|the store|this store|your store) (?:guys )?(?:sell|carry|stock|offer)\b"
    r"|\bwhat (?:kinds?|sorts?|types?) of (?:stuff|things|products|items)\b|\bwhat products\b",
    re.I,
)
# "does it come in red?", "what sizes does this one have": the product in hand
_POINTS_BACK = re.compile(r"\b(?:it|its|this|that|they|them|these|those|there|ones?)\b", re.I)
_STOCK_WORDS = re.compile(r"\b(?:in[ -]stock|available)\b", re.I)
_CHEAPEST = re.compile(r"\b(?:cheap\w*|least expensive|costs? (?:the )?least|lowest price|lowest)\b", re.I)


def _in_hand(turn: Turn) -> Product | None:
    """The product of the request being served: its first chosen item, or its order's only line."""
    task = turn.state.task
    order = turn.order(task.order_id) if task is not None else None
    if task is None or order is None:
        return None
    lines = [x for x in order.lines if x.item_id in task.item_ids] or (
        order.lines if len(order.lines) == 1 else []
    )
    return turn.product(lines[0].product_id) if lines else None


def _names(match: ProductMatch, question: str) -> bool:
    words = {stem(w) for w in re.findall(r"[a-z0-9]+", question.lower())}
    return bool(words & product_tokens(match.product))


def _option_values(match: ProductMatch) -> str:
    stock = match.in_stock
    keys = list(dict.fromkeys(k for v in stock for k in v.options))
    shown = []
    for key in keys:
        values = list(dict.fromkeys(v.options[key] for v in stock if key in v.options))
        if len(values) > 1:
            shown.append(f"{key}: {', '.join(values)}")
    return ("In stock, by option: " + "; ".join(shown) + ".") if shown else ""


def _describe(match: ProductMatch, cheapest: bool) -> str:
    text = match.describe()
    stock = match.in_stock
    if cheapest and stock:
        low = min(stock, key=lambda v: v.price_cents)
        text += (
            f" The least expensive in stock is {low.describe_options()} at {format_money(low.price_cents)}."
        )
    if (values := _option_values(match)) and len(stock) > 3:
        text += " " + values
    return text


def _range(products: list[Product]) -> str:
    """The catalog in one sentence: each category with some of its products' names."""
    by_category: dict[str, list[str]] = {}
    for p in products:
        by_category.setdefault(p.category or "Other", []).append(p.name)
    if len(by_category) == 1:
        names = next(iter(by_category.values()))
        return f"We sell {len(names)} products, such as {', '.join(names[:8])}."
    parts = [
        f"{category} ({', '.join(names[:3])}{', ...' if len(names) > 3 else ''})"
        for category, names in by_category.items()
    ]
    return (
        f"We sell {len(products)} products in these categories: {'; '.join(parts)}. "
        "Ask me about any of them, or tell me what you're looking for."
    )


def answer_catalog(turn: Turn, question: str, *, asks_catalog: bool = True) -> bool:
    """Answer from the catalog; False when the question names no product we sell."""
    if _WHAT_SOLD.search(question) and (products := turn.catalog):
        turn.say(_range(products))
        return True
    if asks_catalog and not _CATALOG_WORDS.search(question):
        return False
    # "which are in stock?" wants the count of all options too: the answer says how many are in stock
    query = _STOCK_WORDS.sub(" ", question)
    matches = [m for m in search_catalog(turn.catalog, query, limit=3) if _names(m, question)]
    in_hand = _POINTS_BACK.search(question) and _CATALOG_WORDS.search(question)
    if not matches and in_hand and (product := _in_hand(turn)) is not None:
        whole_product = ProductMatch(product, 1.0, product.variants, ())  # "what colors does it come in?"
        turn.say(_describe(whole_product, bool(_CHEAPEST.search(question))))
        return True
    if not matches:
        return False
    # "desk lamps" names the Desk Lamp wholly and the Standing Desk in part: the whole name first, alone
    words = {stem(w) for w in re.findall(r"[a-z0-9]+", question.lower())}
    whole = [m for m in matches if product_tokens(m.product) <= words]
    shown = whole[:1] or matches[:2]
    cheapest = bool(_CHEAPEST.search(question))
    turn.say(" ".join(_describe(m, cheapest) for m in shown))
    return True
