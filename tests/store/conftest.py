"""Store fixtures: a demo store per backend, built once per module and shared by its tests.

Tests that write pick orders no earlier test touched (`fresh_order`), so sharing stays sound.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shopkeeper.domain import Customer, Order
from shopkeeper.store import repository
from shopkeeper.store.db import Database, open_store
from shopkeeper.store.demo import build_demo
from shopkeeper.store.schema import Base, CustomerRow, OrderRow
from tests.conftest import create_pg_database, drop_pg_database, pg_unavailable


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def demo_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    url = None
    if request.param == "sqlite":
        db = open_store(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    else:
        if reason := pg_unavailable():
            pytest.skip(reason)
        url = create_pg_database()
        db = open_store(url)
    build_demo(db, seed=11)
    try:
        yield db
    finally:
        db.dispose()
        if url:
            drop_pg_database(url)


_used: set[str] = set()


@pytest.fixture
def fresh_order(demo_db: Database) -> Callable[..., Order]:
    """Find an order nobody touched yet that satisfies `accept(order_row, customer_row)`."""

    def find(status: str, accept: Callable[[Order, Customer], bool] = lambda o, c: True) -> Order:
        with demo_db.session() as s:
            rows = s.scalars(
                select(OrderRow)
                .where(OrderRow.status == status)
                .options(
                    selectinload(OrderRow.lines),
                    selectinload(OrderRow.transactions),
                    selectinload(OrderRow.fulfillments),
                )
                .order_by(OrderRow.position)
            ).all()
            for row in rows:
                key = f"{id(demo_db)}:{row.id}"
                customer = s.get(
                    CustomerRow, row.customer_id, options=[selectinload(CustomerRow.payment_methods)]
                )
                assert customer is not None
                order = repository.to_order(row)
                if key not in _used and accept(order, repository.to_customer(customer)):
                    _used.add(key)
                    return order
        raise AssertionError(f"no untouched {status} order fits")

    return find


def table_rows(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every store table, for before/after comparisons."""
    with db.engine.connect() as conn:
        return {
            name: sorted((tuple(str(v) for v in row) for row in conn.execute(select(table))), key=str)
            for name, table in Base.metadata.tables.items()
        }
