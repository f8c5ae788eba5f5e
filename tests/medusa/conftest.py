"""A real Medusa v2 store for the connector tests.

Uses the server named by SHOPKEEPER_MEDUSA_URL (with SHOPKEEPER_MEDUSA_API_KEY, or the key the seed
wrote to medusa/.runtime/api_key); when unset, starts one through `medusa/run.sh --fresh` (the same
script as `make medusa`: installs, migrates and seeds the first time, then restores the seeded
database) and stops it at the end. Skips, saying why, only when Node.js or PostgreSQL is missing; a
Medusa that fails to install or start fails the tests.

Before the first test, `_warm_up` makes one read of each kind the tests make (customers, one
customer's orders, the whole catalog) with a long timeout. CI starts the server before a long test run
(about 15 minutes), and the first Admin API reads after that have timed out at the client's 30 s once
(test_reads_customers_orders_and_products, httpx ReadTimeout) while the same reads take 0.2-1.4 s on a
warm server (measured: the catalog, 64 products and 548 variants with prices and stock, 1.3 s;
cold after a restart, the same). Whatever the server's first reads cost after idling (pages of Node
and PostgreSQL read back in on a machine other tests have loaded), it is paid here, once, and
reported: a server that cannot answer them within `WARM_UP_TIMEOUT_S` fails here, saying which read,
how long it took, and the end of the server's log, instead of failing inside a test.

Tests choose their orders by status at run time (`pick`), each order that a test changes once per
session. A server that earlier runs have changed may have too few left: `medusa/run.sh --fresh`
restores the seeded store.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from shopkeeper.domain import Customer, Order
from shopkeeper.errors import BackendUnavailable
from shopkeeper.store.medusa import MedusaBackend
from shopkeeper.store.medusa.mapping import ORDER_FIELDS, PRODUCT_FIELDS

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "medusa" / "run.sh"
KEY_FILE = ROOT / "medusa" / ".runtime" / "api_key"
START_TIMEOUT_S = 1800  # a first install + migrate + seed on a busy 2-core machine
WARM_UP_TIMEOUT_S = 300
SERVER_LOG = ROOT / "medusa" / ".runtime" / "server.log"


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


def _warm_up(url: str, key: str) -> None:
    """One read of each kind the tests make, each allowed `WARM_UP_TIMEOUT_S`; fails saying which
    read did not answer, how long it waited, and the end of the server's log."""
    client = MedusaBackend(url, key, timeout=WARM_UP_TIMEOUT_S).client
    reads = {
        "customers": lambda: client.get("/admin/customers", fields="id", limit=1)["customers"],
        "a customer's orders": lambda: client.get("/admin/orders", fields=ORDER_FIELDS, limit=10),
        "the catalog": lambda: client.get("/admin/products", fields=PRODUCT_FIELDS, limit=200),
    }
    try:
        for what, read in reads.items():
            started = time.perf_counter()
            try:
                read()
            except BackendUnavailable as exc:
                log = SERVER_LOG.read_text()[-3000:] if SERVER_LOG.exists() else "(no server log here)"
                pytest.fail(
                    f"Medusa at {url} did not answer a first read of {what} within "
                    f"{time.perf_counter() - started:.0f} s: {exc.reason}\n{log}"
                )
    finally:
        client.close()


@pytest.fixture(scope="session")
def medusa() -> Iterator[tuple[str, str]]:
    """(URL, secret API key) of a running, seeded Medusa, warmed up (`_warm_up`)."""
    url = os.environ.get("SHOPKEEPER_MEDUSA_URL")
    if url:
        key = os.environ.get("SHOPKEEPER_MEDUSA_API_KEY") or (
            KEY_FILE.read_text().strip() if KEY_FILE.exists() else ""
        )
        if not key:
            pytest.fail(
                "SHOPKEEPER_MEDUSA_URL is set but no SHOPKEEPER_MEDUSA_API_KEY (nor medusa/.runtime/api_key)"
            )
        _warm_up(url, key)
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
        url, key = out.stdout.strip().splitlines()[-1], KEY_FILE.read_text().strip()
        _warm_up(url, key)
        yield url, key
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
