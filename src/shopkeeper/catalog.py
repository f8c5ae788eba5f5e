"""Catalog search: free-text product questions answered with the matching variants, stock and prices.

`search_catalog(products, "waterproof hiking boots size 10 under $250")` parses the query into product
words, option constraints (option values such as "leather" or "space grey", "size 10" style key-value
pairs, and yes/no options named by their key such as "waterproof"), a price range ("under $100",
"over 50", "between $20 and $40", "$20-$40") and an in-stock wish ("in stock", "available"). Products
are scored by how their name, category and description match the product words; when any product is
named, products matched only by an option are dropped. Each `ProductMatch` lists the variants that
satisfy every constraint the product can satisfy, in-stock ones first, and `describe()` says which
are in stock and at what price (asked "in stock?" about a product with none, it says so).
Products without a category (tau-bench) get coarse categories from their names, so "footwear" or
"kitchen" work everywhere. Pure functions over `shopkeeper.domain` records: no database, no model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from shopkeeper.domain import Product, Variant, cents, format_money
from shopkeeper.knowledge.text import STOPWORDS, stem

__all__ = ["CatalogQuery", "ProductMatch", "categories", "parse_query", "product_tokens", "search_catalog"]

# Coarse categories inferred from product names when the catalog has none: category -> name words.
_CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "footwear": ("shoe", "boot", "sneaker", "sandal", "slipper"),
    "clothing": ("shirt", "jacket", "fleece", "pullover", "hoodie", "sock", "pant"),
    "electronics": (
        "laptop", "smartphone", "tablet", "reader", "camera", "speaker", "earbud", "headphone", "charger",
        "mouse", "keyboard", "thermostat", "bulb", "watch", "purifier", "vacuum", "toothbrush",
    ),
    "kitchen": ("coffee", "espresso", "kettle", "grill", "bottle"),
    "outdoor": ("hiking", "hose", "umbrella", "bicycle", "grill", "backpack", "bottle", "sunglass", "helmet"),
    "sports": ("yoga", "dumbbell", "running", "cycling", "bicycle", "skateboard", "helmet"),
    "home": ("lamp", "clock", "bed", "bookshelf", "purifier", "vacuum", "thermostat", "bulb", "chair"),
    "office": ("notebook", "lamp", "chair", "keyboard", "mouse", "laptop"),
    "travel": ("luggage", "backpack", "bottle"),
    "beauty": ("makeup", "perfume", "toothbrush"),
    "toys": ("puzzle", "skateboard"),
    "accessories": ("sunglass", "wristwatch", "watch", "backpack"),
}  # fmt: skip
# Words that mean "this yes/no option is yes", whatever the catalog calls the option.
_FLAG_SYNONYMS = {
    "waterproof": ("waterproof", "water resistance", "water resistant"),
    "water resistant": ("waterproof", "water resistance", "water resistant"),
    "water-resistant": ("waterproof", "water resistance", "water resistant"),
}
_CATEGORY_ALIASES = {"shoes": "footwear", "apparel": "clothing", "clothes": "clothing", "fitness": "sports"}

_PRICE_RANGE = re.compile(
    r"(?:between\s+\$?(\d+(?:\.\d+)?)\s*(?:and|-|to)\s*\$?(\d+(?:\.\d+)?))"
    r"|(?:(?:from\s+)?\$(\d+(?:\.\d+)?)\s*(?:-|to)\s*\$?(\d+(?:\.\d+)?))"
)
_PRICE_MAX = re.compile(
    r"(?:under|below|less than|cheaper than|up to|at most|max(?:imum)?|no more than|<=?)\s*\$?(\d+(?:\.\d+)?)"
)
_PRICE_MIN = re.compile(r"(?:over|above|more than|at least|min(?:imum)?|from|>=?)\s*\$?(\d+(?:\.\d+)?)")
_IN_STOCK = re.compile(r"\b(?:in stock|available|in-stock)\b")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def product_tokens(product: Product) -> set[str]:
    """Stemmed words of a product's name (what "names the product" means)."""
    return {stem(w) for w in _words(product.name) if w not in STOPWORDS}


def categories(product: Product) -> set[str]:
    if product.category:
        return {product.category.lower()}
    words = {stem(w) for w in _words(product.name)}
    return {cat for cat, hints in _CATEGORY_WORDS.items() if any(stem(h) in words for h in hints)}


@dataclass
class CatalogQuery:
    text: str
    words: list[str] = field(default_factory=list)
    values: set[str] = field(default_factory=set)
    soft_values: set[str] = field(default_factory=set)
    pairs: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    min_cents: int | None = None
    max_cents: int | None = None
    in_stock_only: bool = False


def _option_vocabulary(products: Iterable[Product]) -> tuple[set[str], set[str], set[str]]:
    values: set[str] = set()
    keys: set[str] = set()
    yes_keys: set[str] = set()
    for p in products:
        for v in p.variants:
            for key, value in v.options.items():
                values.add(str(value).lower())
                keys.add(key.lower())
                if str(value).lower() == "yes":
                    yes_keys.add(key.lower())
    return values, keys, yes_keys


def _take(pattern: re.Pattern[str], text: str) -> tuple[re.Match[str] | None, str]:
    match = pattern.search(text)
    if match is None:
        return None, text
    return match, text[: match.start()] + " " + text[match.end() :]


def parse_query(text: str, products: Sequence[Product]) -> CatalogQuery:
    q = CatalogQuery(text=text)
    rest = " " + text.lower().replace(",", " ") + " "
    match, rest = _take(_IN_STOCK, rest)
    q.in_stock_only = match is not None
    match, rest = _take(_PRICE_RANGE, rest)
    if match:
        low, high = [g for g in match.groups() if g is not None]
        q.min_cents, q.max_cents = sorted((cents(low), cents(high)))
    else:
        for pattern, bound in ((_PRICE_MAX, "max"), (_PRICE_MIN, "min")):
            match, rest = _take(pattern, rest)
            if match:
                setattr(q, f"{bound}_cents", cents(match.group(1)))
    values, keys, yes_keys = _option_vocabulary(products)
    # "size 10", "storage 256gb": an option key directly followed by one of its values.
    for key in sorted(keys, key=len, reverse=True):
        for m in re.finditer(rf"\b{re.escape(key)}\s+([a-z0-9.\-%]+(?:\s[a-z]+)?)\b", rest):
            candidate = m.group(1)
            found = next((val for val in (candidate, candidate.split()[0]) if val in values), None)
            if found:
                q.pairs[key] = found
                rest = rest.replace(f"{key} {found}", " ", 1)
    name_words = {w for p in products for w in _words(p.name)}
    for value in sorted(values, key=len, reverse=True):
        value_re = rf"(?<![a-z0-9]){re.escape(value)}(?![a-z0-9])"
        if len(value) > 1 and re.search(value_re, rest):
            if value in name_words:
                # "laptop" names a product and is a backpack compartment: keep it as a product word too.
                q.soft_values.add(value)
            else:
                q.values.add(value)
                rest = re.sub(value_re, " ", rest, count=1)
    for phrase, group in _FLAG_SYNONYMS.items():
        if re.search(rf"\b{phrase}\b", rest):
            q.flags |= set(group) & yes_keys
            rest = re.sub(rf"\b{phrase}\b", " ", rest, count=1)
    for key in sorted(yes_keys, key=len, reverse=True):
        if re.search(rf"\b{re.escape(key)}\b", rest):
            q.flags.add(key)
            rest = re.sub(rf"\b{re.escape(key)}\b", " ", rest, count=1)
    q.words = [stem(w) for w in _words(rest) if w not in STOPWORDS and not w.isdigit()]
    return q


@dataclass(frozen=True)
class ProductMatch:
    product: Product
    score: float
    variants: tuple[Variant, ...]
    constraints: tuple[str, ...]

    @property
    def in_stock(self) -> tuple[Variant, ...]:
        return tuple(v for v in self.variants if v.available)

    def describe(self, limit: int = 3) -> str:
        """One short paragraph: what is in stock, at what price, and what is not."""
        wanted = f" matching {', '.join(self.constraints)}" if self.constraints else ""
        stock = self.in_stock
        if not self.variants:
            return f"{self.product.name}: no variant{wanted}."
        if not stock:
            return f"{self.product.name}: {len(self.variants)} variant(s){wanted}, none in stock right now."
        lowest = min(v.price_cents for v in stock)
        shown = "; ".join(
            f"{v.describe_options()} at {format_money(v.price_cents)} (item {v.item_id})"
            for v in stock[:limit]
        )
        more = f"; and {len(stock) - limit} more" if len(stock) > limit else ""
        return (
            f"{self.product.name}: {len(stock)} of {len(self.variants)} variant(s){wanted} in stock, "
            f"from {format_money(lowest)}: {shown}{more}."
        )


def _variant_ok(
    v: Variant, q: CatalogQuery, values: set[str], pairs: dict[str, str], flags: set[str]
) -> bool:
    opts = {k.lower(): str(val).lower() for k, val in v.options.items()}
    if any(opts.get(k) != val for k, val in pairs.items()):
        return False
    if any(opts.get(k) != "yes" for k in flags):
        return False
    if not values <= set(opts.values()):
        return False
    if q.min_cents is not None and v.price_cents < q.min_cents:
        return False
    if q.max_cents is not None and v.price_cents > q.max_cents:
        return False
    return not (q.in_stock_only and not v.available)


def _match(product: Product, q: CatalogQuery) -> ProductMatch | None:
    name = product_tokens(product)
    cats = {stem(c) for cat in categories(product) for c in _words(cat)}
    desc = {stem(w) for w in _words(product.description or "")}
    aliases = {stem(alias): stem(cat) for alias, cat in _CATEGORY_ALIASES.items()}
    words = set(q.words) | {aliases[w] for w in q.words if w in aliases}
    name_hits = len(words & name)
    score = 3.0 * name_hits + 2.0 * len(words & cats) + 0.5 * len(words & desc)
    # Constraints apply to a product only where it has that option; a product with none of them is
    # still shown when it was named, with no variant filter but the price/stock ones.
    own_values = {str(val).lower() for v in product.variants for val in v.options.values()}
    own_keys = {k.lower() for v in product.variants for k in v.options}
    own_yes = {
        k.lower() for v in product.variants for k, val in v.options.items() if str(val).lower() == "yes"
    }
    values = (q.values | (q.soft_values - name)) & own_values
    pairs = {k: val for k, val in q.pairs.items() if k in own_keys}
    flags = q.flags & own_yes
    score += 1.0 * (len(values) + len(pairs) + len(flags))
    if score == 0:
        return None
    variants = [v for v in product.variants if _variant_ok(v, q, values, pairs, flags)]
    if not variants and q.in_stock_only:
        # "Is it in stock?" and none is: keep the matching variants so the answer says so.
        anyway = replace(q, in_stock_only=False)
        variants = [v for v in product.variants if _variant_ok(v, anyway, values, pairs, flags)]
    variants.sort(key=lambda v: (not v.available, v.price_cents))
    constraints = sorted(values) + [f"{k} {val}" for k, val in sorted(pairs.items())] + sorted(flags)
    if q.max_cents is not None:
        constraints.append(f"under {format_money(q.max_cents)}")
    if q.min_cents is not None:
        constraints.append(f"over {format_money(q.min_cents)}")
    return ProductMatch(product, score + (0.5 if name_hits else 0.0), tuple(variants), tuple(constraints))


def search_catalog(products: Sequence[Product], query: str, limit: int = 5) -> list[ProductMatch]:
    """Products matching a free-text query, best first (see the module docstring)."""
    q = parse_query(query, products)
    matches = [m for m in (_match(p, q) for p in products) if m is not None]
    named = [m for m in matches if (set(q.words) & (product_tokens(m.product) | _cat_words(m.product)))]
    if named:
        matches = named
    if q.in_stock_only or q.min_cents is not None or q.max_cents is not None or q.values or q.pairs:
        with_variants = [m for m in matches if (m.in_stock if q.in_stock_only else m.variants)]
        matches = with_variants or matches
    matches.sort(key=lambda m: (-m.score, -len(m.in_stock), m.product.name))
    return matches[:limit]


def _cat_words(product: Product) -> set[str]:
    cats = categories(product)
    words = {stem(w) for c in cats for w in _words(c)}
    return words | {stem(alias) for alias, cat in _CATEGORY_ALIASES.items() if cat in cats}
