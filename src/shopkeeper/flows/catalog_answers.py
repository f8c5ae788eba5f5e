"""Answers about the catalog: what the store sells, how many options a product has, which are in
stock, what costs least.

`answer_catalog(turn, question, asks_catalog=True)` answers only when the question (`QuestionReading`)
names a product (or a category) of the catalog; with `asks_catalog` it must also ask a catalog thing
(options, stock, price: `question.catalog`), so that a policy question that merely names a product
("can I return boots after a month?") is left to the knowledge base. What the question asks is read
by `understanding/questions.py`; the facts come from the store's product records. Reads only.
"""

from __future__ import annotations

from shopkeeper.catalog import ProductMatch, product_tokens, search_catalog
from shopkeeper.domain import Product, format_money
from shopkeeper.flows.turn import Turn
from shopkeeper.knowledge.text import stem
from shopkeeper.understanding.models import QuestionReading

__all__ = ["answer_catalog"]


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


def _names(match: ProductMatch, question: QuestionReading) -> bool:
    return bool({stem(w) for w in question.words} & product_tokens(match.product))


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


def answer_catalog(turn: Turn, question: QuestionReading, *, asks_catalog: bool = True) -> bool:
    """Answer from the catalog; False when the question names no product we sell."""
    if question.what_sold and (products := turn.catalog):
        turn.say(_range(products))
        return True
    if asks_catalog and not question.catalog:
        return False
    matches = [
        m for m in search_catalog(turn.catalog, question.catalog_query, limit=3) if _names(m, question)
    ]
    in_hand = question.product_points_back and question.catalog  # "what colors does it come in?"
    if not matches and in_hand and (product := _in_hand(turn)) is not None:
        whole_product = ProductMatch(product, 1.0, product.variants, ())
        turn.say(_describe(whole_product, question.cheapest))
        return True
    if not matches:
        return False
    # "desk lamps" names the Desk Lamp wholly and the Standing Desk in part: the whole name first, alone
    words = {stem(w) for w in question.words}
    whole = [m for m in matches if product_tokens(m.product) <= words]
    shown = whole[:1] or matches[:2]
    turn.say(" ".join(_describe(m, question.cheapest) for m in shown))
    return True
