"""Catalog search and recommendations, on small hand-made catalogs and on the tau-bench store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from shopkeeper.catalog import parse_query, search_catalog
from shopkeeper.domain import Address, Order, OrderLine, Product, Variant
from shopkeeper.recommend import Recommender, recommend_for_customer, recommender_from_store
from shopkeeper.store.db import Database, open_store
from shopkeeper.store.repository import list_orders, list_products
from shopkeeper.store.schema import CustomerRow, OrderRow
from shopkeeper.store.sql import SqlStore
from tests.conftest import TAU_DIR, require_shared

HOME = Address(address1="1 Main St", city="Springfield", state="IL", country="USA", zip="62701")


def _product(pid: str, name: str, *variants: tuple[str, dict[str, str], bool, int]) -> Product:
    return Product(
        id=pid,
        name=name,
        variants=tuple(
            Variant(item_id=i, product_id=pid, options=o, available=a, price_cents=c)
            for i, o, a, c in variants
        ),
    )


def _order(
    oid: str, status: str, *lines: tuple[Product, str], returned: tuple[str, ...] | None = None
) -> Order:
    return Order(
        id=oid,
        customer_id="c",
        status=status,
        address=HOME,
        lines=tuple(
            OrderLine(
                position=n,
                name=p.name,
                product_id=p.id,
                item_id=item,
                price_cents=p.variant(item).price_cents,  # type: ignore[union-attr]
                options=dict(p.variant(item).options),  # type: ignore[union-attr]
            )
            for n, (p, item) in enumerate(lines)
        ),
        return_items=returned,
    )


BOOTS = _product(
    "p1",
    "Hiking Boots",
    ("b1", {"size": "10", "waterproof": "yes", "material": "leather"}, True, 18000),
    ("b2", {"size": "10", "waterproof": "no", "material": "leather"}, True, 12000),
    ("b3", {"size": "9", "waterproof": "yes", "material": "synthetic"}, False, 15000),
    ("b4", {"size": "10", "waterproof": "yes", "material": "synthetic"}, False, 16000),
)
SOCKS = _product("p2", "Wool Socks", ("s1", {"size": "M"}, True, 1500), ("s2", {"size": "L"}, True, 1500))
TENT = _product("p3", "Camping Tent", ("t1", {"capacity": "2 person"}, False, 20000))
STOVE = _product("p4", "Camp Stove", ("v1", {"fuel": "gas"}, True, 6000))
LAPTOP = _product(
    "p5",
    "Laptop",
    ("l1", {"color": "space grey", "ram": "16GB"}, True, 99900),
    ("l2", {"color": "silver"}, True, 89900),
)
CATALOG = [BOOTS, SOCKS, TENT, STOVE, LAPTOP]


def test_query_parsing_finds_options_prices_and_stock() -> None:
    q = parse_query("Waterproof hiking boots size 10 under $170, in stock", CATALOG)
    assert q.pairs == {"size": "10"} and q.flags == {"waterproof"}
    assert q.max_cents == 17000 and q.in_stock_only
    assert parse_query("laptop between $800 and $950", CATALOG).min_cents == 80000
    assert parse_query("space grey laptop", CATALOG).values == {"space grey"}


def test_catalog_search_reports_matching_variants_stock_and_price() -> None:
    [boots] = search_catalog(CATALOG, "waterproof hiking boots size 10")
    assert boots.product.id == "p1"
    assert [v.item_id for v in boots.variants] == ["b1", "b4"]  # in stock first
    assert [v.item_id for v in boots.in_stock] == ["b1"]
    text = boots.describe()
    assert "1 of 2" in text and "$180.00" in text and "b1" in text
    cheap = search_catalog(CATALOG, "hiking boots under $130")[0]
    assert [v.item_id for v in cheap.variants] == ["b2"]
    tent = search_catalog(CATALOG, "camping tent")[0]
    assert "none in stock" in tent.describe()
    assert search_catalog(CATALOG, "space grey laptop")[0].variants[0].item_id == "l1"
    assert search_catalog(CATALOG, "footwear")[0].product.id == "p1"
    assert search_catalog(CATALOG, "zebra") == []


def test_recommendations_are_in_stock_skip_returns_and_give_reasons() -> None:
    baskets = [["p1", "p2"], ["p1", "p2"], ["p1", "p3"], ["p1", "p3"], ["p1", "p3"], ["p4", "p3"], ["p5"]]
    rec = Recommender(CATALOG, baskets)
    bought_boots = [_order("o1", "delivered", (BOOTS, "b2"))]
    picks = rec.for_customer(bought_boots, k=3)
    ids = [r.product_id for r in picks]
    assert "p3" not in ids, "the tent is bought with boots most often but is out of stock"
    assert "p1" not in ids, "already bought"
    assert ids[0] == "p2" and "Hiking Boots" in picks[0].reason and "\n" not in picks[0].reason
    # Returned boots neither come back nor drive the suggestions.
    returned = [
        _order("o1", "return requested", (BOOTS, "b2"), returned=("b2",)),
        _order("o2", "delivered", (STOVE, "v1")),
    ]
    after = rec.for_customer(returned, k=3)
    assert all(r.product_id != "p1" and "Hiking Boots" not in r.reason for r in after)
    # Option values the customer chose before win among in-stock variants.
    socks_l = [
        _order(
            "o3", "delivered", (BOOTS, "b1"), (_product("px", "Shirt", ("x", {"size": "L"}, True, 100)), "x")
        )
    ]
    assert rec.for_customer(socks_l, k=1)[0].item_id == "s2"


def test_anonymous_shopper_gets_what_they_asked_about_first() -> None:
    rec = Recommender(CATALOG, [["p1", "p2"], ["p1", "p2"]])
    picks = rec.for_shopper(["waterproof hiking boots size 10"], k=3)
    assert picks[0].item_id == "b1" and "asked" in picks[0].reason
    assert picks[1].product_id == "p2" and "Hiking Boots" in picks[1].reason
    assert rec.for_shopper(["zebra"], k=2), "falls back to popular products"


# --- the tau-bench store ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tau_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    directory = require_shared(TAU_DIR)
    from shopkeeper.store.taubench import import_taubench

    db = open_store(f"sqlite:///{tmp_path_factory.mktemp('tau') / 'tau.db'}")
    import_taubench(db, directory)
    try:
        yield db
    finally:
        db.dispose()


def test_tau_catalog_search(tau_store: Database) -> None:
    with tau_store.session() as s:
        products = list_products(s)
    best = search_catalog(products, "waterproof hiking boots size 10")[0]
    assert best.product.name == "Hiking Boots" and best.variants
    assert all(v.options["size"] == "10" and v.options["waterproof"] == "yes" for v in best.variants)
    stocked = search_catalog(products, "wireless headphones in stock under $400")[0]
    assert stocked.product.name == "Headphones" and stocked.variants
    assert all(
        v.available and v.price_cents <= 40000 and v.options["connectivity"] == "wireless"
        for v in stocked.variants
    )


def test_tau_recommendations(tau_store: Database) -> None:
    rec = recommender_from_store(SqlStore(tau_store))
    with tau_store.session() as s:
        products = {p.id: p for p in list_products(s)}
        customers = s.scalars(select(CustomerRow.id).order_by(CustomerRow.position).limit(40)).all()
        histories = {cid: list_orders(s, cid) for cid in customers}
    results = {}
    for cid, orders in histories.items():
        picks = rec.for_customer(orders, k=5)
        assert len(picks) == 5
        bought = {line.product_id for o in orders if o.status != "cancelled" for line in o.lines}
        for r in picks:
            variant = products[r.product_id].variant(r.item_id)
            assert variant is not None and variant.available, "in stock only"
            assert r.product_id not in bought and r.reason
        results[cid] = [r.product_id for r in picks]
    # Customers who bought different things get different suggestions.
    product_sets = {
        cid: frozenset(line.product_id for o in histories[cid] for line in o.lines) for cid in customers
    }
    pairs = [(a, b) for a in customers for b in customers if a < b and not product_sets[a] & product_sets[b]]
    assert pairs
    assert sum(results[a] != results[b] for a, b in pairs) / len(pairs) > 0.9
    assert len({tuple(v) for v in results.values()}) > len(results) * 0.8


def test_tau_returned_items_are_never_recommended(tau_store: Database) -> None:
    with tau_store.transaction() as s:
        order = s.scalars(
            select(OrderRow).where(OrderRow.status == "delivered").order_by(OrderRow.position)
        ).first()
        assert order is not None
        customer_id, returned = order.customer_id, order.lines[0]
        order.status = "return requested"
        order.return_items = [returned.item_id]
        order.return_payment_method_id = order.transactions[0].payment_method_id
    picks = recommend_for_customer(SqlStore(tau_store), customer_id, k=10)
    assert picks and all(r.product_id != returned.product_id for r in picks)
    assert all(returned.name not in r.reason for r in picks)
