"""The Medusa v2 connector: Shopkeeper's store seam over Medusa's Admin API (see docs/medusa.md).

`connect(url, api_key)` is what `store/factory.py` calls when `SHOPKEEPER_STORE=medusa`. Imports
nothing above the seam: only `shopkeeper.domain`, `shopkeeper.errors`, `shopkeeper.store.backend`
and httpx.
"""

from shopkeeper.store.medusa.backend import MedusaBackend

__all__ = ["MedusaBackend", "connect"]


def connect(url: str, api_key: str) -> MedusaBackend:
    """The Medusa store at `url` (its base URL, without /admin), authenticated with a secret API key."""
    return MedusaBackend(url, api_key)
