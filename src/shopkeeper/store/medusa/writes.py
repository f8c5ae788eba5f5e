"""The seven writes as Medusa's own flows, each done completely or undone.

| action                  | Medusa Admin API flow                                                    |
|-------------------------|--------------------------------------------------------------------------|
| cancel_order            | tag the order, `POST /admin/orders/{id}/cancel` (Medusa refunds payments) |
| modify_order_address    | `POST /admin/orders/{id}` with the shipping address (one request)         |
| modify_order_items      | order edit: create, lower old items, add new variants, request, confirm  |
| return_order_items      | return: create, request items, confirm the request                      |
| exchange_order_items    | exchange: create, inbound items, outbound variants, confirm the request  |
| modify_customer_address | update the customer's default address (or add one)                      |
| modify_order_payment    | not possible in Medusa: `UnsupportedAction`                              |

Idempotency: every change carries the request key where Medusa keeps it: the order's metadata
(`shopkeeper_request:<key>`, set in the same request as an address change, and before a cancel), the
internal note of the order change an edit, return or exchange makes, or the metadata of the customer
address. `was_applied` reads those back. A multi-step flow that fails is undone (the order edit,
return request or exchange request is deleted) so no half-made change stays; if even that fails
(Medusa is down), the unconfirmed change tagged by Shopkeeper is deleted before the next attempt on
that order (`sweep_stale_changes`). A change staff are making in Medusa is never touched.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Sequence

from shopkeeper.domain import Address
from shopkeeper.errors import ActionError, BackendUnavailable
from shopkeeper.store.medusa.client import Json, MedusaClient, MedusaError
from shopkeeper.store.medusa.mapping import address_payload

__all__ = [
    "MARK",
    "cancel_order",
    "exchange_items",
    "marker",
    "modify_customer_address",
    "modify_items",
    "modify_order_address",
    "return_items",
    "sweep_stale_changes",
    "was_applied",
]

MARK = "shopkeeper_request"
_UNDO = {
    "edit": lambda ch: f"/admin/order-edits/{ch['order_id']}",
    "return": lambda ch: f"/admin/returns/{ch['return_id']}/request",
    "exchange": lambda ch: f"/admin/exchanges/{ch['exchange_id']}/request",
}
_CHANGE_FIELDS = "id,order_id,change_type,status,internal_note,return_id,exchange_id"


def marker(key: str) -> str:
    """What records a write made with request key `key`: a key of the order's metadata, or the
    internal note of the order change (edit, return, exchange) it made."""
    return f"{MARK}:{key}"


def _ours(change: Json) -> str | None:
    """The request key of an order change Shopkeeper made, else None."""
    note = str(change.get("internal_note") or "")
    return note[len(MARK) + 1 :] if note.startswith(f"{MARK}:") else None


def refused(exc: MedusaError) -> ActionError:
    """Medusa refused a change (the order changed under us, or a member of staff is editing it)."""
    return ActionError(
        "store_refused",
        "The store didn't accept that change; the order may have just changed. "
        "A member of our team can look at it for you.",
        f"Error: Medusa refused the change ({exc.status} {exc.kind}: {exc.message})",
    )


def changes(c: MedusaClient, order_id: str) -> list[Json]:
    found: list[Json] = c.get(f"/admin/orders/{order_id}/changes", fields=_CHANGE_FIELDS)["order_changes"]
    return found


def was_applied(c: MedusaClient, order: Json, key: str) -> bool:
    """Whether a write with request `key` is in this (raw Medusa) order."""
    action = (order.get("metadata") or {}).get(marker(key))
    if action == "cancel_order":
        return order.get("status") == "canceled"
    if action:
        return True
    return any(ch.get("status") == "confirmed" and _ours(ch) == key for ch in changes(c, order["id"]))


def sweep_stale_changes(c: MedusaClient, order_id: str) -> None:
    """Undo an unconfirmed order edit, return or exchange that an earlier, failed attempt of
    Shopkeeper's left on the order (never a change staff are making)."""
    for ch in changes(c, order_id):
        undo = _UNDO.get(ch.get("change_type") or "")
        if ch.get("status") in ("pending", "requested") and _ours(ch) and undo:
            c.delete(undo(ch))


def _all_or_nothing(c: MedusaClient, steps: Callable[[], None], undo_path: str) -> None:
    """Run a multi-step flow; on any failure delete the unconfirmed change, then re-raise."""
    try:
        steps()
    except (MedusaError, BackendUnavailable) as exc:
        # Gone already, or Medusa is down: sweep_stale_changes cleans up before the next attempt.
        with contextlib.suppress(MedusaError, BackendUnavailable):
            c.delete(undo_path)
        if isinstance(exc, MedusaError):
            raise refused(exc) from exc
        raise


def _line_items(order: Json, variant_ids: Sequence[str]) -> list[Json]:
    """The order's line items holding these variants: [{"id": line item id, "quantity": n}]."""
    wanted = Counter(variant_ids)
    picked: list[Json] = []
    for item in order.get("items") or []:
        n = min(wanted[item.get("variant_id")], int(item.get("quantity") or 0))
        if n:
            picked.append({"id": item["id"], "quantity": n})
            wanted[item["variant_id"]] -= n
    if +wanted:
        raise ActionError(
            "item_not_found", "Some of those items aren't on the order.", "Error: some item not found"
        )
    return picked


def cancel_order(c: MedusaClient, order: Json, reason: str, key: str) -> None:
    oid = order["id"]
    c.post(
        f"/admin/orders/{oid}",
        {"metadata": {marker(key): "cancel_order", "shopkeeper_cancel_reason": reason}},
    )
    try:
        c.post(f"/admin/orders/{oid}/cancel")
    except MedusaError as exc:
        c.post(f"/admin/orders/{oid}", {"metadata": {marker(key): "", "shopkeeper_cancel_reason": ""}})
        raise refused(exc) from exc


def modify_order_address(c: MedusaClient, order: Json, address: Address, key: str) -> None:
    body = {"shipping_address": address_payload(address), "metadata": {marker(key): "modify_order_address"}}
    try:
        c.post(f"/admin/orders/{order['id']}", body)
    except MedusaError as exc:
        raise refused(exc) from exc


def modify_items(c: MedusaClient, order: Json, old: Sequence[str], new: Sequence[str], key: str) -> None:
    oid = order["id"]
    sweep_stale_changes(c, oid)
    try:
        c.post(
            "/admin/order-edits",
            {
                "order_id": oid,
                "description": "Items changed at the customer's request (Shopkeeper)",
                "internal_note": marker(key),
            },
        )
    except MedusaError as exc:
        raise refused(exc) from exc

    def steps() -> None:
        for line in _line_items(order, old):
            current = next(int(i["quantity"]) for i in order["items"] if i["id"] == line["id"])
            c.post(
                f"/admin/order-edits/{oid}/items/item/{line['id']}", {"quantity": current - line["quantity"]}
            )
        added = Counter(new)
        c.post(
            f"/admin/order-edits/{oid}/items",
            {"items": [{"variant_id": v, "quantity": n} for v, n in added.items()]},
        )
        c.post(f"/admin/order-edits/{oid}/request")
        c.post(f"/admin/order-edits/{oid}/confirm")

    _all_or_nothing(c, steps, f"/admin/order-edits/{oid}")


def return_items(
    c: MedusaClient, order: Json, item_ids: Sequence[str], refund_to: str, location_id: str | None, key: str
) -> None:
    oid = order["id"]
    sweep_stale_changes(c, oid)
    # Medusa refunds a return to the payment that paid the order, when staff receive the items.
    body: Json = {
        "order_id": oid,
        "description": f"Return requested by the customer (Shopkeeper); refund to {refund_to}",
        "internal_note": marker(key),
    }
    if location_id:
        body["location_id"] = location_id
    try:
        rid = c.post("/admin/returns", body)["return"]["id"]
    except MedusaError as exc:
        raise refused(exc) from exc

    def steps() -> None:
        c.post(f"/admin/returns/{rid}/request-items", {"items": _line_items(order, item_ids)})
        c.post(f"/admin/returns/{rid}/request")

    _all_or_nothing(c, steps, f"/admin/returns/{rid}/request")


def exchange_items(
    c: MedusaClient,
    order: Json,
    old: Sequence[str],
    new: Sequence[str],
    payment_method_id: str,
    difference_cents: int,
    key: str,
) -> None:
    oid = order["id"]
    sweep_stale_changes(c, oid)
    body = {
        "order_id": oid,
        "description": f"Exchange requested by the customer (Shopkeeper); difference via {payment_method_id}",
        "internal_note": marker(key),
    }
    try:
        eid = c.post("/admin/exchanges", body)["exchange"]["id"]
    except MedusaError as exc:
        raise refused(exc) from exc

    def steps() -> None:
        c.post(f"/admin/exchanges/{eid}/inbound/items", {"items": _line_items(order, old)})
        added = Counter(new)
        c.post(
            f"/admin/exchanges/{eid}/outbound/items",
            {"items": [{"variant_id": v, "quantity": n} for v, n in added.items()]},
        )
        c.post(f"/admin/exchanges/{eid}/request")

    _all_or_nothing(c, steps, f"/admin/exchanges/{eid}/request")


def modify_customer_address(c: MedusaClient, customer: Json, address: Address, key: str) -> None:
    """Update the default address in place (one request), or add one as the default."""
    cid = customer["id"]
    body = {**address_payload(address), "metadata": {MARK: key}}
    addresses: list[Json] = customer.get("addresses") or []
    default = next(
        (a for a in addresses if a.get("is_default_shipping")), addresses[0] if addresses else None
    )
    try:
        if default is None:
            c.post(
                f"/admin/customers/{cid}/addresses",
                {**body, "is_default_shipping": True, "is_default_billing": True},
            )
        else:
            c.post(f"/admin/customers/{cid}/addresses/{default['id']}", body)
    except MedusaError as exc:
        raise refused(exc) from exc
