"""The built-in store behind the seam: `SqlStore` satisfies `StoreBackend`, reads what the repository
reads, and a keyed write on its own applies once."""

from __future__ import annotations

import pytest

from shopkeeper.domain import Address
from shopkeeper.errors import ActionError
from shopkeeper.store.backend import WRITE_ACTIONS, StoreBackend
from shopkeeper.store.db import Database
from shopkeeper.store.sql import SqlStore


def test_sql_store_reads_through_the_seam(demo_db: Database, fresh_order) -> None:  # type: ignore[no-untyped-def]
    store = SqlStore(demo_db)
    assert isinstance(store, StoreBackend) and store.name == "sql" and store.check() == []
    assert all(store.supports(a) for a in WRITE_ACTIONS) and not store.supports("delete_everything")
    order = fresh_order("delivered")
    customer = store.get_customer(order.customer_id)
    assert store.find_customer_by_email(customer.email.upper()) == customer
    zip_code = customer.address.zip
    assert (
        store.find_customer_by_name_zip(customer.first_name, customer.last_name, f" {zip_code} ") == customer
    )
    assert order in store.list_orders(customer.id) and store.get_order(order.id) == order
    product = store.get_product(order.lines[0].product_id)
    assert product in store.list_products() and store.list_product_types()[product.name] == product.id
    assert any(product.id in basket for basket in store.order_baskets())
    for missing in (lambda: store.get_order("#W0"), lambda: store.find_customer_by_email("nobody@x.y")):
        with pytest.raises(ActionError):
            missing()


def test_a_keyed_write_on_its_own_applies_once(demo_db: Database, fresh_order) -> None:  # type: ignore[no-untyped-def]
    store = SqlStore(demo_db)
    order = fresh_order("pending")
    address = Address(address1="1 Seam St", city="Reno", state="NV", country="USA", zip="89501")
    assert not store.applied("sql-1", order.id)
    changed = store.modify_order_address(order.id, address, key="sql-1")
    assert changed.address == address and store.applied("sql-1", order.id)
    again = store.cancel_order(order.id, "no longer needed", key="sql-1")  # same key: nothing changes
    assert again == changed and store.get_order(order.id).status == "pending"
