"""Health, readiness, metrics and the OpenAPI schema of a real server; start-up checks of `serve`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.api.conftest import Server, cli, free_port


def test_healthz_and_readyz(server: Server) -> None:
    assert server.client.get("/healthz").json() == {"status": "ok"}
    ready = server.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "understanding": "ok", "model": "disabled"}


def test_metrics_count_turns_actions_refusals_handoffs_and_errors(server: Server) -> None:
    customer, order = server.customer_with("pending")
    cid = server.conversation()
    server.say(cid, f"I am {customer.email}, please cancel order {order.id}, I don't need it anymore")
    server.say(cid, "yes")
    server.say(server.conversation(), "I want to talk to a human")
    other, delivered = server.customer_with("delivered")
    server.say(server.conversation(), f"I am {other.email}, please cancel order {delivered.id}")
    server.client.get("/api/conversations/missing")
    response = server.client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'shopkeeper_turns_total{channel="api"} 4.0' in text
    assert 'shopkeeper_turn_seconds_count{channel="api"} 4.0' in text
    assert 'shopkeeper_actions_total{action="cancel_order",outcome="ok"} 1.0' in text
    assert 'shopkeeper_refusals_total{action="cancel_order",code="not_pending"} 1.0' in text
    assert "shopkeeper_handoffs_total 1.0" in text
    assert 'shopkeeper_errors_total{code="conversation_not_found"} 1.0' in text
    assert customer.email not in text


def test_openapi_schema_is_published(server: Server) -> None:
    schema = server.client.get("/openapi.json").json()
    assert {
        "/api/conversations",
        "/api/conversations/{conversation_id}/messages",
        "/v1/chat/completions",
    } <= set(schema["paths"])


def test_web_page_widget_and_static_files(server: Server) -> None:
    page = server.client.get("/")
    assert page.status_code == 200 and 'aria-live="polite"' in page.text and "static/chat.js" in page.text
    assert server.client.get("/static/chat.js").status_code == 200
    widget = server.client.get("/widget.js")
    assert widget.status_code == 200 and widget.headers["content-type"].startswith("text/javascript")
    assert server.client.get("/kb/no-such-document").status_code == 404


def _serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli("serve", *args), capture_output=True, text=True, timeout=120)


def test_serve_rejects_a_bad_port_with_the_fix(tmp_path: Path) -> None:
    result = _serve("--db", f"sqlite:///{tmp_path / 's.db'}", "--port", "70000", "--no-model")
    assert result.returncode == 2
    assert "Port 70000 is out of range" in result.stderr and "Fix:" in result.stderr


def test_serve_rejects_an_unreachable_database_with_the_fix() -> None:
    result = _serve("--db", "postgresql://nobody@127.0.0.1:1/none", "--port", str(free_port()), "--no-model")
    assert result.returncode == 2
    assert "Cannot open the database" in result.stderr and "Fix:" in result.stderr


def test_serve_rejects_a_port_in_use(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = _serve("--db", f"sqlite:///{tmp_path / 's.db'}", "--port", str(port), "--no-model")
    assert result.returncode == 2
    assert f"Cannot listen on 127.0.0.1:{port}" in result.stderr and "--port" in result.stderr


def test_run_serves_the_web_chat_on_the_demo_store_and_prints_its_url(demo_db: Path, tmp_path: Path) -> None:
    import os
    import shutil
    import time

    import httpx

    shutil.copyfile(demo_db, tmp_path / "demo.db")
    port = free_port()
    env = {**os.environ, "SHOPKEEPER_DATA_DIR": str(tmp_path)}
    out = (tmp_path / "run.log").open("wb")
    process = subprocess.Popen(
        cli("run", "--db", f"sqlite:///{tmp_path / 'demo.db'}", "--port", str(port), "--no-model"),
        stdout=out,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=30).status_code == 200
        out.flush()
        assert f"http://127.0.0.1:{port}/" in (tmp_path / "run.log").read_text()
    finally:
        process.terminate()
        process.wait(timeout=30)
        out.close()


def test_serve_refuses_a_store_that_cannot_serve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPKEEPER_STORE", "medusa")
    monkeypatch.setenv("SHOPKEEPER_MEDUSA_URL", f"http://127.0.0.1:{free_port()}")  # nothing listens
    monkeypatch.setenv("SHOPKEEPER_MEDUSA_API_KEY", "sk_never_printed")
    result = _serve("--db", f"sqlite:///{tmp_path / 's.db'}", "--port", str(free_port()), "--no-model")
    said = " ".join(result.stderr.split())
    assert result.returncode == 2
    assert "The medusa store is not ready: Medusa does not answer" in said and "store check" in said
    assert "sk_never_printed" not in result.stdout + result.stderr
