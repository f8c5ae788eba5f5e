"""Recommendations: what to suggest to a verified customer or an anonymous shopper, each with a reason.

`Recommender(products, baskets)` learns from every order in the store which products are bought
together (co-occurrence counts, normalised by popularity so best-sellers do not win everywhere) and
how alike products are by content (shared categories, option names and name words).
- `for_customer(orders)`: seeds are the products in the customer's orders (cancelled ones excluded);
  candidates are scored by how often they are bought with the seeds plus content similarity. Products
  already bought are not suggested again, and a product the customer returned (an order in status
  "return requested" listing it in `return_items`) is never suggested.
- `for_shopper(queries)`: seeds are the catalog matches for what the shopper asked about
  (`shopkeeper.catalog.search_catalog`); the matches themselves come first, then things bought with them.
Only products with an in-stock variant are recommended, and a concrete in-stock variant is proposed,
preferring option values the customer chose before (their size, their color) and then the lowest price.
`recommender_from_store(store)` reads the catalog and the order baskets through the store seam
(`StoreBackend.list_products` / `order_baskets`), so a Medusa store recommends from Medusa's products
and stock. Nothing here writes.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shopkeeper.catalog import categories, search_catalog
from shopkeeper.domain import Order, Product, Variant, format_money
from shopkeeper.store.backend import StoreBackend

__all__ = [
    "Recommendation",
    "Recommender",
    "recommend_for_customer",
    "recommender_from_store",
    "returned_products",
]

_CO_WEIGHT = 1.0
_CONTENT_WEIGHT = 0.35


@dataclass(frozen=True)
class Recommendation:
    product_id: str
    name: str
    item_id: str
    options: dict[str, str]
    price_cents: int
    reason: str
    score: float

    def describe(self) -> str:
        opts = ", ".join(f"{k}: {v}" for k, v in self.options.items())
        return f"{self.name} ({opts}) at {format_money(self.price_cents)}: {self.reason}"


def returned_products(orders: Iterable[Order]) -> tuple[set[str], set[str]]:
    """(product ids, item ids) the customer has asked to return."""
    product_ids: set[str] = set()
    item_ids: set[str] = set()
    for order in orders:
        if order.status == "return requested" and order.return_items:
            item_ids.update(order.return_items)
            product_ids.update(line.product_id for line in order.lines if line.item_id in order.return_items)
    return product_ids, item_ids


def _features(product: Product) -> set[str]:
    words = {f"w:{w}" for w in re.findall(r"[a-z]+", product.name.lower()) if len(w) > 2}
    cats = {f"c:{c}" for c in categories(product)}
    keys = {f"k:{k.lower()}" for v in product.variants for k in v.options}
    return words | cats | keys


class Recommender:
    def __init__(self, products: Sequence[Product], baskets: Iterable[Iterable[str]]) -> None:
        """`baskets`: the product ids of each order in the store (one iterable per order)."""
        self.products = {p.id: p for p in products}
        self._features = {p.id: _features(p) for p in products}
        self._pop: Counter[str] = Counter()
        self._co: dict[str, Counter[str]] = defaultdict(Counter)
        for basket in baskets:
            ids = sorted(set(basket) & self.products.keys())
            self._pop.update(ids)
            for a in ids:
                for b in ids:
                    if a != b:
                        self._co[a][b] += 1

    # --- scores -------------------------------------------------------------------------------------

    def together(self, a: str, b: str) -> float:
        """Co-purchase strength in [0, 1] (cosine of the two products' order sets)."""
        n = self._co[a][b]
        return n / math.sqrt(self._pop[a] * self._pop[b]) if n else 0.0

    def similarity(self, a: str, b: str) -> float:
        fa, fb = self._features[a], self._features[b]
        return len(fa & fb) / len(fa | fb) if fa and fb else 0.0

    def _shared(self, a: str, b: str) -> str:
        cats = categories(self.products[a]) & categories(self.products[b])
        if cats:
            return f"also {sorted(cats)[0]}"
        keys = {k for v in self.products[a].variants for k in v.options} & {
            k for v in self.products[b].variants for k in v.options
        }
        return f"similar options ({', '.join(sorted(keys)[:2])})" if keys else "a similar kind of product"

    # --- variants -----------------------------------------------------------------------------------

    @staticmethod
    def _pick_variant(product: Product, liked: Counter[str]) -> Variant | None:
        stock = [v for v in product.variants if v.available]
        if not stock:
            return None
        return max(
            stock,
            key=lambda v: (sum(liked[f"{k}={val}".lower()] for k, val in v.options.items()), -v.price_cents),
        )

    def _make(self, pid: str, score: float, reason: str, liked: Counter[str]) -> Recommendation | None:
        product = self.products[pid]
        variant = self._pick_variant(product, liked)
        if variant is None:
            return None
        return Recommendation(
            product.id,
            product.name,
            variant.item_id,
            dict(variant.options),
            variant.price_cents,
            reason,
            score,
        )

    def _rank(
        self, seeds: Sequence[str], exclude: set[str], liked: Counter[str], k: int, lead: str
    ) -> list[Recommendation]:
        scored: list[tuple[float, str, str]] = []
        for pid in self.products:
            if pid in exclude:
                continue
            best_co = max(seeds, key=lambda s: self.together(s, pid), default=None)
            best_sim = max(seeds, key=lambda s: self.similarity(s, pid), default=None)
            co = sum(self.together(s, pid) for s in seeds)
            sim = max((self.similarity(s, pid) for s in seeds), default=0.0)
            score = _CO_WEIGHT * co + _CONTENT_WEIGHT * sim
            if score <= 0:
                continue
            if best_co is not None and _CO_WEIGHT * co >= _CONTENT_WEIGHT * sim and self._co[best_co][pid]:
                n = self._co[best_co][pid]
                reason = (
                    f"Often bought together with the {self.products[best_co].name} {lead} "
                    f"({n} order{'s' if n != 1 else ''} in our store)."
                )
            else:
                assert best_sim is not None
                reason = (
                    f"Similar to the {self.products[best_sim].name} {lead} ({self._shared(best_sim, pid)})."
                )
            scored.append((score, pid, reason))
        scored.sort(key=lambda t: (-t[0], self.products[t[1]].name))
        out: list[Recommendation] = []
        for score, pid, reason in scored:
            rec = self._make(pid, round(score, 4), reason, liked)
            if rec is not None:
                out.append(rec)
            if len(out) == k:
                break
        return out

    # --- public -------------------------------------------------------------------------------------

    def for_customer(self, orders: Sequence[Order], k: int = 5) -> list[Recommendation]:
        """Suggestions from a verified customer's own orders (see the module docstring)."""
        returned, _ = returned_products(orders)
        kept = [o for o in orders if o.status != "cancelled"]
        bought = [line.product_id for o in kept for line in o.lines if line.product_id in self.products]
        seeds = [pid for pid, _ in Counter(p for p in bought if p not in returned).most_common()]
        liked: Counter[str] = Counter(
            f"{key}={val}".lower() for o in kept for line in o.lines for key, val in line.options.items()
        )
        exclude = set(bought) | returned
        if not seeds:
            return self.popular(k, exclude=exclude)
        return self._rank(seeds, exclude, liked, k, lead="you bought")

    def for_shopper(self, queries: Sequence[str], k: int = 5) -> list[Recommendation]:
        """Suggestions for an anonymous shopper from what they asked about."""
        products = list(self.products.values())
        seeds: list[str] = []
        out: list[Recommendation] = []
        for query in queries:
            for match in search_catalog(products, query, limit=2):
                pid = match.product.id
                if pid in seeds:
                    continue
                seeds.append(pid)
                stock = match.in_stock
                if stock and len(out) < k:
                    v = stock[0]
                    out.append(
                        Recommendation(
                            pid, match.product.name, v.item_id, dict(v.options), v.price_cents,
                            f"Matches what you asked about (\u201c{query}\u201d).", float(match.score),
                        )
                    )  # fmt: skip
        if not seeds:
            return self.popular(k)
        more = (
            self._rank(seeds, set(seeds), Counter(), k - len(out), lead="you asked about")
            if len(out) < k
            else []
        )
        return out + more

    def popular(self, k: int = 5, exclude: set[str] | None = None) -> list[Recommendation]:
        """Best-sellers with stock, for someone we know nothing about."""
        out: list[Recommendation] = []
        for pid, n in self._pop.most_common():
            if exclude and pid in exclude:
                continue
            rec = self._make(pid, float(n), f"One of our most popular products ({n} orders).", Counter())
            if rec is not None:
                out.append(rec)
            if len(out) == k:
                break
        return out


def recommender_from_store(store: StoreBackend) -> Recommender:
    """Build a recommender from the store's catalog and every non-cancelled order basket."""
    return Recommender(store.list_products(), store.order_baskets())


def recommend_for_customer(store: StoreBackend, customer_id: str, k: int = 5) -> list[Recommendation]:
    """Convenience: build from the store and recommend for one (already verified) customer."""
    return recommender_from_store(store).for_customer(store.list_orders(customer_id), k=k)
