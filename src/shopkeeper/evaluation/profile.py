"""What a simulated customer knows about themself: their account, their orders and the products in
them, read from the store once before the conversation starts.

A real customer knows their own name, email, zip code, cards and what they bought; the simulator
gets exactly that (read through `shopkeeper.store.repository`) and nothing about the agent.
"""

from __future__ import annotations

from dataclasses import dataclass

from shopkeeper.domain import Customer, Order, OrderLine, PaymentMethod, Product, Variant
from shopkeeper.errors import ActionError
from shopkeeper.store import repository
from shopkeeper.store.db import Database

__all__ = ["CustomerView", "load_view"]


@dataclass(frozen=True)
class CustomerView:
    customer: Customer
    orders: dict[str, Order]
    products: dict[str, Product]

    def line(self, order_id: str, item_id: str) -> OrderLine | None:
        order = self.orders.get(order_id)
        return next((x for x in order.lines if x.item_id == item_id), None) if order else None

    def variant(self, item_id: str) -> Variant | None:
        return next((v for p in self.products.values() if (v := p.variant(item_id)) is not None), None)

    def method(self, method_id: str) -> PaymentMethod | None:
        return self.customer.payment_method(method_id)


def load_view(db: Database, customer_id: str, extra_order_ids: tuple[str, ...] = ()) -> CustomerView:
    """The customer's account, every order of theirs (plus any other named order), and their products."""
    with db.session() as s:
        customer = repository.get_customer(s, customer_id)
        orders = {o.id: o for o in repository.list_orders(s, customer_id)}
        for oid in extra_order_ids:
            if oid not in orders:
                try:
                    orders[oid] = repository.get_order(s, oid)
                except ActionError:  # an order that does not exist is simply unknown to the customer
                    continue
        product_ids = {line.product_id for o in orders.values() for line in o.lines}
        products = {pid: repository.get_product(s, pid) for pid in sorted(product_ids)}
    return CustomerView(customer, orders, products)
