"""`MedusaBackend`: the store seam (`shopkeeper.store.backend.StoreBackend`) over Medusa v2's Admin API.

Reads go to Medusa on every call (no cache: an order changed in Medusa's admin is seen at the next
turn). Every write re-reads the order (or customer) from Medusa first, returns at once when the
request key is already applied, then runs Medusa's own flow (`writes.py`) and reads the result back.
Knows Medusa and the domain records; nothing about policy, conversations or configuration.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import httpx

from shopkeeper.domain import Address, Customer, Order, Product
from shopkeeper.errors import UnsupportedAction
from shopkeeper.store.backend import customer_not_found, order_not_found, product_not_found
from shopkeeper.store.medusa import writes
from shopkeeper.store.medusa.client import Json, MedusaClient, MedusaError
from shopkeeper.store.medusa.mapping import ORDER_FIELDS, PRODUCT_FIELDS, to_customer, to_order, to_product

__all__ = ["MedusaBackend"]

_CUSTOMER_FIELDS = "id,first_name,last_name,email,*addresses"
_PAGE = 200
_SUPPORTED = frozenset(
    {
        "cancel_order",
        "modify_order_address",
        "modify_order_items",
        "modify_customer_address",
        "return_order_items",
        "exchange_order_items",
    }
)


class MedusaBackend:
    """A Medusa v2 store reached at `url` with a secret admin API key (`sk_...`)."""

    name = "medusa"

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        timeout: float = 30.0,
        currency: str = "usd",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.client = MedusaClient(url, api_key, timeout=timeout, transport=transport)
        self.currency = currency
        self._location_id: str | None = None

    # ---- what this backend can do ---------------------------------------------------------

    def supports(self, action: str) -> bool:
        return action in _SUPPORTED

    def check(self) -> list[str]:
        from shopkeeper.store.medusa.check import problems

        return problems(self.client)

    def close(self) -> None:
        self.client.close()

    # ---- reads ----------------------------------------------------------------------------

    def _customer_raw(self, customer_id: str) -> Json:
        try:
            found: Json = self.client.get(f"/admin/customers/{customer_id}", fields=_CUSTOMER_FIELDS)[
                "customer"
            ]
        except MedusaError as exc:
            raise customer_not_found() from exc
        return found

    def _orders_raw(self, customer_id: str) -> list[Json]:
        return self._list(
            "/admin/orders", "orders", customer_id=customer_id, fields=ORDER_FIELDS, order="created_at"
        )

    def _list(self, path: str, what: str, **params: str) -> list[Json]:
        found: list[Json] = []
        while True:
            page = self.client.get(path, limit=_PAGE, offset=len(found), **params)
            found.extend(page[what])
            if not page[what] or len(found) >= int(page.get("count", 0)):
                return found

    def _customer(self, raw: Json) -> Customer:
        return to_customer(raw, self._orders_raw(raw["id"]))

    def find_customer_by_email(self, email: str) -> Customer:
        key = email.strip().lower()
        for raw in self.client.get("/admin/customers", q=key, fields=_CUSTOMER_FIELDS, limit=50)["customers"]:
            if str(raw.get("email", "")).lower() == key:
                return self._customer(raw)
        raise customer_not_found()

    def find_customer_by_name_zip(self, first_name: str, last_name: str, zip_code: str) -> Customer:
        first, last, zip_code = first_name.strip().lower(), last_name.strip().lower(), zip_code.strip()
        for raw in self.client.get("/admin/customers", q=last, fields=_CUSTOMER_FIELDS, limit=100)[
            "customers"
        ]:
            names = (str(raw.get("first_name", "")).lower(), str(raw.get("last_name", "")).lower())
            zips = {str(a.get("postal_code", "")).strip() for a in raw.get("addresses") or []}
            if names == (first, last) and zip_code in zips:
                return self._customer(raw)
        raise customer_not_found()

    def customers_at_zip(self, zip_code: str) -> list[Customer]:
        # Medusa's customer search (`q`) does not cover addresses: page through the customers.
        key = zip_code.strip()
        return [
            self._customer(raw)
            for raw in self._list("/admin/customers", "customers", fields=_CUSTOMER_FIELDS)
            if key in {str(a.get("postal_code", "")).strip() for a in raw.get("addresses") or []}
        ]

    def customers_at_email_domain(self, domain: str) -> list[Customer]:
        # Candidates for matching only: without their orders (one request each); `get_customer`
        # reads the account that matched.
        key = "@" + domain.strip().lower().lstrip("@")
        found = self.client.get("/admin/customers", q=key, fields=_CUSTOMER_FIELDS, limit=_PAGE)
        return [
            to_customer(raw, [])
            for raw in found["customers"]
            if str(raw.get("email", "")).lower().endswith(key)
        ]

    def get_customer(self, customer_id: str) -> Customer:
        return self._customer(self._customer_raw(customer_id))

    def _order_domain(self, raw: Json) -> Order:
        edited = False
        if (
            raw.get("status") != "canceled"
            and (raw.get("fulfillment_status") or "not_fulfilled") == "not_fulfilled"
        ):
            edited = any(
                ch.get("change_type") == "edit" and ch.get("status") == "confirmed"
                for ch in writes.changes(self.client, raw["id"])
            )
        exchange = None
        if exchange_id := next(
            (r["exchange_id"] for r in raw.get("returns") or [] if r.get("exchange_id")), None
        ):
            exchange = self.client.get(
                f"/admin/exchanges/{exchange_id}", fields="id,metadata,*additional_items"
            )["exchange"]
        return to_order(raw, edited=edited, exchange=exchange)

    def list_orders(self, customer_id: str) -> list[Order]:
        return [self._order_domain(raw) for raw in self._orders_raw(customer_id)]

    def _order_raw(self, order_id: str) -> Json:
        """A Medusa order by display number ("1001", "#1001") or Medusa id ("order_...")."""
        ref = str(order_id).strip()
        if ref.startswith("order_"):  # the list route: the single-order route omits item quantities
            by_id: list[Json] = self.client.get("/admin/orders", id=ref, fields=ORDER_FIELDS)["orders"]
            if not by_id:
                raise order_not_found()
            return by_id[0]
        digits = re.sub(r"\D", "", ref)
        if not digits:
            raise order_not_found()
        found: list[Json] = self.client.get(
            "/admin/orders", q=str(int(digits)), fields=ORDER_FIELDS, limit=50
        )["orders"]
        for raw in found:
            if int(raw.get("display_id") or -1) == int(digits):
                return raw
        raise order_not_found()

    def get_order(self, order_id: str) -> Order:
        return self._order_domain(self._order_raw(order_id))

    def get_product(self, product_id: str) -> Product:
        try:
            raw = self.client.get(f"/admin/products/{product_id}", fields=PRODUCT_FIELDS)["product"]
        except MedusaError as exc:
            raise product_not_found() from exc
        return to_product(raw, self.currency)

    def list_products(self) -> list[Product]:
        raws = self._list("/admin/products", "products", fields=PRODUCT_FIELDS, order="title")
        return [to_product(raw, self.currency) for raw in raws]

    def list_product_types(self) -> dict[str, str]:
        raws = self._list("/admin/products", "products", fields="id,title")
        return dict(sorted((str(r["title"]), str(r["id"])) for r in raws))

    def order_baskets(self) -> list[frozenset[str]]:
        """Product ids of the latest 500 orders that were not cancelled."""
        page = self.client.get(
            "/admin/orders", fields="id,status,items.product_id", order="-created_at", limit=500
        )
        return [
            frozenset(i["product_id"] for i in o.get("items") or [] if i.get("product_id"))
            for o in page["orders"]
            if o.get("status") != "canceled"
        ]

    # ---- writes ---------------------------------------------------------------------------

    def applied(self, key: str, record_id: str) -> bool:
        if record_id.startswith("cus_"):
            raw = self._customer_raw(record_id)
            return any((a.get("metadata") or {}).get(writes.MARK) == key for a in raw.get("addresses") or [])
        return writes.was_applied(self.client, self._order_raw(record_id), key)

    def _fresh(self, order_id: str, key: str) -> tuple[Json, bool]:
        """The order re-read from Medusa, and whether `key` is already applied to it."""
        raw = self._order_raw(order_id)
        return raw, writes.was_applied(self.client, raw, key)

    def cancel_order(self, order_id: str, reason: str, *, key: str) -> Order:
        raw, done = self._fresh(order_id, key)
        if not done:
            writes.cancel_order(self.client, raw, reason, key)
        return self.get_order(raw["id"])

    def modify_order_address(self, order_id: str, address: Address, *, key: str) -> Order:
        raw, done = self._fresh(order_id, key)
        if not done:
            writes.modify_order_address(self.client, raw, address, key)
        return self.get_order(raw["id"])

    def modify_order_payment(self, order_id: str, payment_method_id: str, *, key: str) -> Order:
        raise UnsupportedAction(
            "modify_order_payment",
            "I can't change the payment method of an order in our store system. "
            "A member of our team can do it for you.",
        )

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
        raw, done = self._fresh(order_id, key)
        if not done:
            writes.modify_items(self.client, raw, item_ids, new_item_ids, key)
        return self.get_order(raw["id"])

    def modify_customer_address(self, customer_id: str, address: Address, *, key: str) -> Customer:
        raw = self._customer_raw(customer_id)
        if not any((a.get("metadata") or {}).get(writes.MARK) == key for a in raw.get("addresses") or []):
            writes.modify_customer_address(self.client, raw, address, key)
        return self.get_customer(customer_id)

    def return_order_items(
        self, order_id: str, item_ids: Sequence[str], payment_method_id: str, *, key: str
    ) -> Order:
        raw, done = self._fresh(order_id, key)
        if not done:
            writes.return_items(self.client, raw, item_ids, payment_method_id, self._stock_location(), key)
        return self.get_order(raw["id"])

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
        raw, done = self._fresh(order_id, key)
        if not done:
            writes.exchange_items(
                self.client, raw, item_ids, new_item_ids, payment_method_id, price_difference_cents, key
            )
        return self.get_order(raw["id"])

    def _stock_location(self) -> str | None:
        """Where returned items go: the store's first stock location (None: Medusa decides)."""
        if self._location_id is None:
            try:
                found = self.client.get("/admin/stock-locations", fields="id", limit=1)["stock_locations"]
            except MedusaError:
                return None
            self._location_id = found[0]["id"] if found else None
        return self._location_id
