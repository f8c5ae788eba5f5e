"""What an operator must fix before Shopkeeper can serve from a Medusa store (`shopkeeper store check`).

Checks, in order, stopping at the first that makes the rest meaningless: the URL answers `/health`;
the key is accepted; the Admin API is Medusa v2's (`/admin/stores`, a v2 route); the key may read
orders, products, customers and stock locations. One sentence per problem, with the fix.
"""

from __future__ import annotations

from shopkeeper.errors import BackendUnavailable
from shopkeeper.store.medusa.client import MedusaClient, MedusaError

__all__ = ["problems"]

_READS = {
    "orders": "/admin/orders",
    "products": "/admin/products",
    "customers": "/admin/customers",
    "stock locations": "/admin/stock-locations",
}


def problems(c: MedusaClient) -> list[str]:
    if not c.health():
        return [
            f"Medusa does not answer at {c.url} (GET /health failed): check SHOPKEEPER_MEDUSA_URL and "
            "that the Medusa server is running and reachable from here."
        ]
    try:
        c.get("/admin/stores", fields="id", limit=1)
    except BackendUnavailable as exc:
        return [f"Medusa at {c.url} answered /health but its Admin API failed ({exc.reason})."]
    except MedusaError as exc:
        if exc.status == 401:
            return [
                "Medusa rejected the API key: set SHOPKEEPER_MEDUSA_API_KEY to a secret API key "
                "(sk_..., Medusa admin > Settings > Secret API Keys) that has not been revoked."
            ]
        if exc.status == 404:
            return [
                f"{c.url} has no Medusa v2 Admin API (/admin/stores answered 404): Shopkeeper needs "
                "Medusa 2.x; upgrade the store or point SHOPKEEPER_MEDUSA_URL at the Medusa v2 server."
            ]
        return [f"Medusa refused to read the store settings ({exc.status}: {exc.message})."]
    found = []
    for what, path in _READS.items():
        try:
            c.get(path, fields="id", limit=1)
        except MedusaError as exc:
            found.append(
                f"The API key may not read {what} ({path} answered {exc.status}: {exc.message}); "
                "use a key of an admin user who can."
            )
        except BackendUnavailable as exc:
            found.append(f"Reading {what} failed: {exc.reason}.")
    try:
        c.get("/admin/orders/order_shopkeeper_check/changes", fields="id")
    except MedusaError as exc:
        if exc.status == 404 and "Cannot GET" in exc.message:
            found.append(
                "This Medusa has no order changes API (/admin/orders/{id}/changes): upgrade to Medusa 2.x."
            )
    except BackendUnavailable:
        pass
    return found
