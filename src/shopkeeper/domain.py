"""Domain records: what the rest of Shopkeeper reads about products, customers and orders.

Plain pydantic models, detached from the database. Money is integer cents everywhere inside
Shopkeeper; `cents()` and `dollars()`/`format_money()` convert only at the edges (files, replies).
This module knows nothing about storage, HTTP or models.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Address",
    "Customer",
    "Fulfillment",
    "Order",
    "OrderLine",
    "PaymentMethod",
    "Product",
    "Transaction",
    "Variant",
    "cents",
    "dollars",
    "format_money",
]

PaymentSource = Literal["credit_card", "paypal", "gift_card"]


def cents(amount: float | int | str | Decimal) -> int:
    """Exact integer cents from a decimal amount, rounding half up (0.04999999999999716 -> 5)."""
    value = Decimal(str(amount)) * 100
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def dollars(amount_cents: int) -> float:
    """Cents back to a float amount, for files in a published float format."""
    return round(amount_cents / 100, 2)


def format_money(amount_cents: int, currency: str = "$") -> str:
    sign = "-" if amount_cents < 0 else ""
    whole, frac = divmod(abs(amount_cents), 100)
    return f"{sign}{currency}{whole:,}.{frac:02d}"


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class Address(_Record):
    address1: str
    address2: str = ""
    city: str
    state: str
    country: str
    zip: str

    def one_line(self) -> str:
        parts = [self.address1, self.address2, self.city, f"{self.state} {self.zip}".strip(), self.country]
        return ", ".join(p for p in parts if p)


class PaymentMethod(_Record):
    id: str
    source: PaymentSource
    brand: str | None = None
    last_four: str | None = None
    balance_cents: int | None = None

    @property
    def is_gift_card(self) -> bool:
        return self.source == "gift_card"

    def describe(self) -> str:
        if self.source == "credit_card":
            brand = (self.brand or "card").title()
            return (
                f"{brand} credit card ending in {self.last_four}"
                if self.last_four
                else f"{brand} credit card"
            )
        if self.source == "gift_card":
            balance = (
                f" (balance {format_money(self.balance_cents)})" if self.balance_cents is not None else ""
            )
            return f"gift card{balance}"
        return "PayPal account"


class Customer(_Record):
    id: str
    first_name: str
    last_name: str
    email: str
    address: Address
    payment_methods: tuple[PaymentMethod, ...] = ()
    order_ids: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def payment_method(self, method_id: str) -> PaymentMethod | None:
        return next((m for m in self.payment_methods if m.id == method_id), None)


class Variant(_Record):
    item_id: str
    product_id: str
    options: dict[str, str]
    available: bool
    price_cents: int
    stock: int | None = Field(default=None, description="units in stock, where the platform counts them")

    def describe_options(self) -> str:
        return ", ".join(f"{k}: {v}" for k, v in self.options.items())


class Product(_Record):
    id: str
    name: str
    category: str | None = None
    description: str | None = None
    variants: tuple[Variant, ...] = ()

    def variant(self, item_id: str) -> Variant | None:
        return next((v for v in self.variants if v.item_id == item_id), None)


class OrderLine(_Record):
    position: int
    name: str
    product_id: str
    item_id: str
    price_cents: int
    options: dict[str, str]


class Fulfillment(_Record):
    tracking_ids: tuple[str, ...]
    item_ids: tuple[str, ...]


class Transaction(_Record):
    transaction_type: Literal["payment", "refund"]
    amount_cents: int
    payment_method_id: str


class Order(_Record):
    id: str
    customer_id: str
    status: str
    address: Address
    lines: tuple[OrderLine, ...]
    fulfillments: tuple[Fulfillment, ...] = ()
    payments: tuple[Transaction, ...] = ()
    cancel_reason: str | None = None
    return_items: tuple[str, ...] | None = None
    return_payment_method_id: str | None = None
    exchange_items: tuple[str, ...] | None = None
    exchange_new_items: tuple[str, ...] | None = None
    exchange_payment_method_id: str | None = None
    exchange_price_difference_cents: int | None = None
    placed_at: str | None = Field(default=None, description="ISO timestamp, when known")

    @property
    def total_cents(self) -> int:
        return sum(line.price_cents for line in self.lines)

    def line_count(self, item_id: str) -> int:
        return sum(1 for line in self.lines if line.item_id == item_id)
