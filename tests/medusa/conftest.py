"""A real Medusa v2 store for the connector tests.

Uses the server named by SHOPKEEPER_MEDUSA_URL (with SHOPKEEPER_MEDUSA_API_KEY, or the key the seed
wrote to medusa/.runtime/api_key); when unset, starts one through `medusa/run.sh --fresh` (the same
script as `make medusa`: installs, migrates and seeds the first time, then restores the seeded
database) and stops it at the end. Skips, saying why, only when Node.js or PostgreSQL is missing; a
Medusa that fails to install or start fails the tests.

Tests choose their orders by status at run time (`pick`), each order that a test changes once per
session. A server that earlier runs have changed may have too few left: `medusa/run.sh --fresh`
restores the seeded store.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from shopkeeper.domain import Customer, Order
from shopkeeper.store.medusa import MedusaBackend

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "medusa" / "run.sh"
KEY_FILE = ROOT / "medusa" / ".runtime" / "api_key"
START_TIMEOUT_S = 1800  # a first install + migrate + seed on a busy 2-core machine


def _missing() -> str | None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "Node.js (node and npm) is not installed; the Medusa tests need it"
    if shutil.which("psql") is None:
        return "PostgreSQL's client (psql) is not installed; the Medusa tests need PostgreSQL"
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=3).close()
    except OSError:
        return "PostgreSQL is not reachable at 127.0.0.1:5432; the Medusa tests need it"
    return None


@pytest.fixture(scope="session")
def medusa() -> Iterator[tuple[str, str]]:
    """(URL, secret API key) of a running, seeded Medusa."""
    url = os.environ.get("SHOPKEEPER_MEDUSA_URL")
    if url:
        key = os.environ.get("SHOPKEEPER_MEDUSA_API_KEY") or (
            KEY_FILE.read_text().strip() if KEY_FILE.exists() else ""
        )
        if not key:
            pytest.fail(
                "SHOPKEEPER_MEDUSA_URL is set but no SHOPKEEPER_MEDUSA_API_KEY (nor medusa/.runtime/api_key)"
            )
        yield url, key
        return
    if reason := _missing():
        pytest.skip(reason)
    out = subprocess.run(
        [str(RUN), "--fresh"], capture_output=True, text=True, timeout=START_TIMEOUT_S, check=False
    )
    if out.returncode != 0:
        pytest.fail(f"medusa/run.sh failed ({out.returncode}):\n{out.stderr[-4000:]}")
    try:
        yield out.stdout.strip().splitlines()[-1], KEY_FILE.read_text().strip()
    finally:
        subprocess.run([str(RUN), "--stop"], capture_output=True, timeout=120, check=False)


@pytest.fixture(scope="session")
def backend(medusa: tuple[str, str]) -> Iterator[MedusaBackend]:
    store = MedusaBackend(*medusa, timeout=60)
    yield store
    store.close()


_taken_orders: set[str] = set()
_taken_customers: set[str] = set()


@pytest.fixture(scope="session")
def pick(backend: MedusaBackend) -> Callable[..., tuple[Customer, Order]]:
    """A customer with an order in `status` (that `accept`s), and that order. The order is taken: no
    other test gets it, unless `take=False` (the test changes nothing). `whole_customer=True` takes
    the customer too (for a test that changes the customer's own record)."""

    def find(
        status: str,
        accept: Callable[[Customer, Order], bool] = lambda c, o: True,
        *,
        take: bool = True,
        whole_customer: bool = False,
    ) -> tuple[Customer, Order]:
        customers = backend.client.get("/admin/customers", fields="id", limit=200, order="created_at")[
            "customers"
        ]
        for raw in customers:
            if raw["id"] in _taken_customers:
                continue
            customer = backend.get_customer(raw["id"])
            orders = backend.list_orders(customer.id)
            if whole_customer and any(o.id in _taken_orders for o in orders):
                continue
            for order in orders:
                if order.id not in _taken_orders and order.status == status and accept(customer, order):
                    if take:
                        _taken_orders.add(order.id)
                    if whole_customer:
                        _taken_customers.add(customer.id)
                    return customer, order
        raise AssertionError(
            f"no unused {status} order is left in this Medusa store; restore it with medusa/run.sh --fresh"
        )

    return find
