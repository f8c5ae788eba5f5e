"""The store seam: what Shopkeeper needs from the system that holds products, customers and orders.

`StoreBackend` is implemented by the built-in SQL store (`store/sql.py`) and by platform connectors
(`store/medusa/`). Everything above the seam (actions, flows, agent, recommendations, API, CLI) reads
and writes the store only through it. A backend knows its platform and the domain records
(`shopkeeper.domain`); it knows nothing about policy, conversations, the audit log or configuration.

Contract
--------
Reads return domain records built fresh from the platform on every call (no cache that could serve a
stale order to the next turn). A lookup that finds nothing raises the `ActionError` made by
`customer_not_found()` / `order_not_found()` / `product_not_found()` below, so every backend refuses
in the same customer-safe words. A platform that cannot be reached, times out or answers 5xx raises
`BackendUnavailable`; nothing else about transport leaks out.

Writes are the seven actions the agent performs (`WRITE_ACTIONS`). They are called only by
`shopkeeper.actions`, which has already validated the arguments, verified the customer, re-read the
order through this backend and checked policy on it. A write therefore does the change and nothing
more: it must not re-decide policy, and it returns the changed record as the platform now holds it.
Each write gets an idempotency `key`:

* a backend must apply a change made with a given key at most once: if a call with the same key is
  repeated, return the record as it is and change nothing (a connector can keep the key on the record
  it changed, e.g. in the platform's order metadata, or send it as the platform's idempotency header);
* `applied(key, record_id)` answers whether a change made with `key` to that order or customer is
  already in the store; the action layer asks it when an earlier attempt with the same key was started
  but never reported back (the process or the network died in between);
* a write either happens completely or not at all. A multi-step platform flow (an order edit that is
  requested, then confirmed) that fails half-way is undone before raising; if it cannot be undone,
  raise `BackendUnavailable` all the same: `applied()` tells the retry what happened.

A write the platform cannot do at all raises `UnsupportedAction`; `supports(action)` says so in
advance, so the agent offers a person instead of proposing something it cannot do. A refusal by the
platform itself (the order changed under us) raises `ActionError` with a customer-safe message.

The built-in SQL store shares Shopkeeper's own database, so `shopkeeper.actions` runs its writes in
the same transaction as the audit entry and idempotency record. Any other backend is remote: the
action layer records the request key before the write and the outcome after it (see docs/store.md).

Writing a connector: one folder under `store/` (e.g. `store/medusa/`) with a class that satisfies this
protocol (mypy checks it structurally; no base class needed), selected by `open_backend()` in `store/factory.py`. It may
import `shopkeeper.domain`, `shopkeeper.errors` and this module, and nothing above the seam
(`tests/store/test_layering.py` enforces this).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol, runtime_checkable

from shopkeeper.domain import Address, Customer, Order, Product
from shopkeeper.errors import ActionError, BackendUnavailable, UnsupportedAction

__all__ = [
    "WRITE_ACTIONS",
    "BackendUnavailable",
    "StoreBackend",
    "UnsupportedAction",
    "WriteAction",
    "customer_not_found",
    "order_not_found",
    "product_not_found",
]

WriteAction = Literal[
    "cancel_order",
    "modify_order_address",
    "modify_order_payment",
    "modify_order_items",
    "modify_customer_address",
    "return_order_items",
    "exchange_order_items",
]
WRITE_ACTIONS: tuple[WriteAction, ...] = (
    "cancel_order",
    "modify_order_address",
    "modify_order_payment",
    "modify_order_items",
    "modify_customer_address",
    "return_order_items",
    "exchange_order_items",
)


def customer_not_found() -> ActionError:
    return ActionError(
        "customer_not_found",
        "I couldn't find a customer with those details.",
        "Error: user not found",
    )


def order_not_found() -> ActionError:
    return ActionError("order_not_found", "I couldn't find that order.", "Error: order not found")


def product_not_found() -> ActionError:
    return ActionError("product_not_found", "I couldn't find that product.", "Error: product not found")


@runtime_checkable
class StoreBackend(Protocol):
    """One store: reads as domain records, the seven writes, and what the platform can do."""

    @property
    def name(self) -> str:
        """Short name for logs and `shopkeeper store check` ("sql", "medusa")."""
        ...

    # ---- what this backend can do ---------------------------------------------------------

    def supports(self, action: str) -> bool:
        """Whether the write `action` (one of `WRITE_ACTIONS`) can be done on this platform."""
        ...

    def check(self) -> list[str]:
        """What an operator must fix before this backend can serve: one sentence per problem, saying
        what is wrong and how to fix it (unreachable URL, rejected key, missing permission,
        unsupported API version, missing schema). Empty when ready. Never raises for a problem it can
        describe."""
        ...

    def close(self) -> None:
        """Release connections; the backend is not used afterwards."""
        ...

    # ---- reads ----------------------------------------------------------------------------

    def find_customer_by_email(self, email: str) -> Customer:
        """The customer whose email matches case-insensitively (the first one, if several)."""
        ...

    def find_customer_by_name_zip(self, first_name: str, last_name: str, zip_code: str) -> Customer:
        """Names compared case-insensitively, the zip code exactly after trimming spaces."""
        ...

    def customers_at_zip(self, zip_code: str) -> list[Customer]:
        """Every customer whose address has this zip code (trimmed): the accounts a name given with
        that zip code is matched against, typo-tolerantly, above the seam."""
        ...

    def customers_at_email_domain(self, domain: str) -> list[Customer]:
        """Every customer whose email is at `domain` (any case): the accounts an email written with a
        typo is matched against. A large platform may return the first few hundred."""
        ...

    def get_customer(self, customer_id: str) -> Customer:
        """A customer with their default address and payment methods (gift cards with balance)."""
        ...

    def list_orders(self, customer_id: str) -> list[Order]:
        """A customer's orders with lines, status, fulfillments and payments, oldest first."""
        ...

    def get_order(self, order_id: str) -> Order:
        """One order, read fresh from the platform."""
        ...

    def get_product(self, product_id: str) -> Product:
        """One product with every variant, its price and whether it is available."""
        ...

    def list_products(self) -> list[Product]:
        """The whole catalog with variants, prices and availability (catalog search, "in stock?")."""
        ...

    def list_product_types(self) -> dict[str, str]:
        """Product name -> product id, sorted by name."""
        ...

    def order_baskets(self) -> list[frozenset[str]]:
        """The product ids of each order that was not cancelled (for "bought together"
        recommendations). A large platform may return a recent sample."""
        ...

    # ---- writes (policy already checked by shopkeeper.actions) ------------------------------

    def applied(self, key: str, record_id: str) -> bool:
        """Whether a write made with idempotency `key` to the order or customer `record_id` is in
        the store."""
        ...

    def cancel_order(self, order_id: str, reason: str, *, key: str) -> Order:
        """Cancel a pending order and refund what is still owed to each payment method."""
        ...

    def modify_order_address(self, order_id: str, address: Address, *, key: str) -> Order:
        """Change a pending order's shipping address."""
        ...

    def modify_order_payment(self, order_id: str, payment_method_id: str, *, key: str) -> Order:
        """Pay a pending order with another of the customer's methods (charge new, refund old)."""
        ...

    def modify_order_items(
        self,
        order_id: str,
        item_ids: Sequence[str],
        new_item_ids: Sequence[str],
        payment_method_id: str,
        price_difference_cents: int,
        *,
        key: str,
    ) -> Order:
        """Swap items of a pending order for other variants (`item_ids[i]` -> `new_item_ids[i]`);
        charge a positive difference to `payment_method_id`, refund a negative one to it. The order's
        status becomes "pending (item modified)"."""
        ...

    def modify_customer_address(self, customer_id: str, address: Address, *, key: str) -> Customer:
        """Change a customer's default address."""
        ...

    def return_order_items(
        self, order_id: str, item_ids: Sequence[str], payment_method_id: str, *, key: str
    ) -> Order:
        """Open a return of delivered items, refund to `payment_method_id`; the order's status becomes
        "return requested" and `return_items` lists the items."""
        ...

    def exchange_order_items(
        self,
        order_id: str,
        item_ids: Sequence[str],
        new_item_ids: Sequence[str],
        payment_method_id: str,
        price_difference_cents: int,
        *,
        key: str,
    ) -> Order:
        """Open an exchange of delivered items for other variants; the order's status becomes
        "exchange requested" and the `exchange_*` fields describe it."""
        ...
