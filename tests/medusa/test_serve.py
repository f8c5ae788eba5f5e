"""`shopkeeper serve` with SHOPKEEPER_STORE=medusa: the server checks the store at start-up, the
conversation answers "in stock?" from Medusa's inventory, the admin API finds Medusa's customers and
orders, and the key never reaches the server's log."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from shopkeeper.domain import Customer, Order
from tests.api.conftest import Server, cli

pytestmark = pytest.mark.timeout(2400)  # the first Medusa test may install, migrate and seed Medusa


def test_the_server_serves_from_medusa(
    medusa: tuple[str, str],
    pick: Callable[..., tuple[Customer, Order]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, key = medusa
    monkeypatch.setenv("SHOPKEEPER_STORE", "medusa")
    monkeypatch.setenv("SHOPKEEPER_MEDUSA_URL", url)
    monkeypatch.setenv("SHOPKEEPER_MEDUSA_API_KEY", key)
    keys = tmp_path / "admin_keys.json"
    made = subprocess.run(
        cli("admin", "create-key", "--name", "ops", "--keys-file", str(keys)),
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    server = Server(tmp_path / "own.db", tmp_path / "server.log", "--admin-keys", str(keys))
    try:
        server.wait_ready()
        cid = server.conversation()
        reply = server.say(cid, "do you have the air purifier in stock?")
        text = " ".join(e.get("text", "") for e in reply["events"] if e["type"] == "text")
        assert "Air Purifier" in text and "in stock" in text and "item variant_" in text

        customer, order = pick("delivered", take=False)
        admin = httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {made.stdout.strip()}"}, timeout=120
        )
        found = admin.get("/api/admin/customers", params={"email": customer.email})
        assert found.status_code == 200, found.text
        assert found.json()["customer"]["id"] == customer.id
        assert order.id in {o["id"] for o in found.json()["orders"]}
        assert admin.get(f"/api/admin/orders/{order.id}").json()["status"] == "delivered"
        assert admin.get("/api/admin/customers", params={"email": "nobody@example.com"}).status_code == 404
        admin.close()
    finally:
        server.stop()
    assert key not in (tmp_path / "server.log").read_text(errors="replace")


def test_privacy_forget_finds_the_customer_in_medusa(
    medusa: tuple[str, str], pick: Callable[..., tuple[Customer, Order]], tmp_path: Path
) -> None:
    url, key = medusa
    customer, _ = pick("delivered", take=False)
    env = {
        **os.environ,
        "SHOPKEEPER_STORE": "medusa",
        "SHOPKEEPER_MEDUSA_URL": url,
        "SHOPKEEPER_MEDUSA_API_KEY": key,
    }
    done = subprocess.run(
        cli("privacy", "forget", customer.email, "--db", f"sqlite:///{tmp_path / 'own.db'}"),
        capture_output=True, text=True, timeout=300, env={**env, "COLUMNS": "300"}, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"Forgot customer {customer.id}: 0 conversation(s) deleted" in done.stdout
