"""The admin API over a real server: keys created with `shopkeeper admin create-key`, stored hashed;
401 without a valid key; revocation works on the running server; handoff, take over, staff message,
hand back; customer and order lookup; audit log; knowledge documents."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import Server, cli, start_server


def _create_key(keys: Path, name: str) -> tuple[str, str]:
    result = subprocess.run(
        cli("admin", "create-key", "--name", name, "--keys-file", str(keys)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    key_id = result.stderr.split("key id ")[1].split()[0]
    return result.stdout.strip(), key_id


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("keys") / "admin_keys.json"


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory, keys: Path) -> Iterator[Server]:
    instance = start_server(demo_db, tmp_path_factory.mktemp("api-admin"), "--admin-keys", str(keys))
    yield instance
    instance.stop()


@pytest.fixture(scope="module")
def admin(server: Server, keys: Path) -> Iterator[httpx.Client]:
    secret, _ = _create_key(keys, "alice")
    with httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {secret}"}, timeout=60
    ) as client:
        yield client


def test_keys_are_stored_hashed_and_required(server: Server, admin: httpx.Client, keys: Path) -> None:
    secret = admin.headers["Authorization"].split()[1]
    assert secret.startswith("sk_admin_") and secret not in keys.read_text()
    assert oct(keys.stat().st_mode & 0o777) == "0o600"
    for headers in ({}, {"Authorization": "Bearer sk_admin_nope"}, {"Authorization": secret}):
        response = server.client.get("/api/admin/conversations", headers=headers)
        assert response.status_code == 401 and "create-key" in response.json()["error"]["message"]
    assert admin.get("/api/admin/conversations").status_code == 200


def test_revoked_key_stops_working_on_the_running_server(server: Server, keys: Path) -> None:
    secret, key_id = _create_key(keys, "temp")
    headers = {"Authorization": f"Bearer {secret}"}
    assert server.client.get("/api/admin/audit", headers=headers).status_code == 200
    revoked = subprocess.run(
        cli("admin", "revoke-key", key_id, "--keys-file", str(keys)), capture_output=True, timeout=120
    )
    assert revoked.returncode == 0
    assert server.client.get("/api/admin/audit", headers=headers).status_code == 401


def test_handoff_take_over_staff_message_and_hand_back(server: Server, admin: httpx.Client) -> None:
    cid = server.conversation()
    assert server.say(cid, "I want to talk to a human")["handoff"] is True
    waiting = admin.get("/api/admin/conversations", params={"status": "handoff"}).json()
    assert cid in [c["id"] for c in waiting]
    assert admin.post(f"/api/admin/conversations/{cid}/messages", json={"text": "hi"}).status_code == 409
    assert admin.post(f"/api/admin/conversations/{cid}/takeover").json()["status"] == "staff"
    assert (
        admin.post(f"/api/admin/conversations/{cid}/messages", json={"text": "Hi, I'm Alice."}).status_code
        == 201
    )
    quiet = server.say(cid, "thanks Alice")
    assert quiet["reply"] == ""  # the assistant stays silent while staff answer
    assert admin.post(f"/api/admin/conversations/{cid}/release").json()["status"] == "open"
    back = server.say(cid, "Which payment methods do you accept?")
    assert "PayPal" in back["reply"]
    turns = admin.get(f"/api/admin/conversations/{cid}").json()["turns"]
    assert [t["role"] for t in turns].count("staff") == 1
    assert server.client.get(f"/api/conversations/{cid}").json()["status"] == "open"


def test_customer_order_and_audit_lookup(server: Server, admin: httpx.Client) -> None:
    customer, order = server.customer_with("pending")
    cid = server.conversation()
    server.say(cid, f"I am {customer.email}, please cancel order {order.id}, I don't need it anymore")
    server.say(cid, "yes")
    found = admin.get("/api/admin/customers", params={"email": customer.email}).json()
    assert found["customer"]["id"] == customer.id and order.id in [o["id"] for o in found["orders"]]
    assert admin.get(f"/api/admin/orders/{order.id.lstrip('#')}").json()["status"] == "cancelled"
    assert admin.get("/api/admin/customers", params={"email": "nobody@example.com"}).status_code == 404
    log = admin.get("/api/admin/audit", params={"conversation_id": cid}).json()
    assert log["verified"]["ok"] and [e["action"] for e in log["entries"]] == ["cancel_order"]


def test_knowledge_documents(server: Server, admin: httpx.Client) -> None:
    added = admin.post(
        "/api/admin/knowledge",
        json={
            "filename": "gift-wrapping.md",
            "content": "# Gift wrapping\n\nWe gift-wrap any order for $5 with a card.",
        },
    )
    assert added.status_code == 201, added.text
    assert added.json()["id"] in [d["id"] for d in admin.get("/api/admin/knowledge").json()]
    assert (
        admin.post("/api/admin/knowledge", json={"filename": "../etc/passwd", "content": "x"}).status_code
        == 422
    )
    assert admin.delete(f"/api/admin/knowledge/{added.json()['id']}").json()["removed"] is True
    assert admin.delete("/api/admin/knowledge/no-such-doc").status_code == 404
