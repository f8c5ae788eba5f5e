"""API fixtures: a real server process (uvicorn via `shopkeeper serve`) on a free 127.0.0.1 port.

The demo store (SQLite, documents indexed) is built once per test session as a template file; each test
module copies it and starts its own server with `--no-model`, so modules never see each other's writes.
`Server` has the base URL, an httpx client, the database (read directly to check outcomes) and the
server's log, shown when start-up fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from shopkeeper.domain import Customer, Order
from shopkeeper.knowledge import index_demo_documents
from shopkeeper.store import repository
from shopkeeper.store.db import open_store
from shopkeeper.store.demo import build_demo
from shopkeeper.store.schema import CustomerRow

START_TIMEOUT_S = 300  # the first start may train the understanding classifier (cached afterwards)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from shopkeeper.cli import main; main()", *args]


class Server:
    def __init__(self, db_path: Path, log_path: Path, *extra: str) -> None:
        self.db_path = db_path
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            cli("serve", "--db", f"sqlite:///{db_path}", "--port", str(self.port), "--no-model", *extra),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "SHOPKEEPER_DATA_DIR": str(db_path.parent / "data")},  # keys, added documents
        )
        self.client = httpx.Client(base_url=self.url, timeout=120)
        self.db = open_store(f"sqlite:///{db_path}", migrate=False)
        self._taken: set[str] = set()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"the server exited ({self.process.returncode}):\n{self.log()}")
            try:
                if self.client.get("/readyz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        raise AssertionError(f"the server was not ready after {START_TIMEOUT_S}s:\n{self.log()}")

    def log(self, tail: int = 4000) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-tail:]

    def stop(self) -> None:
        self.client.close()
        self.db.dispose()
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()

    def conversation(self) -> str:
        response = self.client.post("/api/conversations")
        assert response.status_code == 201, response.text
        cid: str = response.json()["id"]
        return cid

    def say(self, cid: str, text: str, **extra: str) -> dict:  # type: ignore[type-arg]
        response = self.client.post(f"/api/conversations/{cid}/messages", json={"text": text, **extra})
        assert response.status_code == 200, response.text
        return response.json()  # type: ignore[no-any-return]

    def customer_with(self, status: str) -> tuple[Customer, Order]:
        """A customer not used before in this module with an order in `status`."""
        with self.db.session() as s:
            for customer_id in s.scalars(select(CustomerRow.id).order_by(CustomerRow.position)):
                if customer_id in self._taken:
                    continue
                for order in repository.list_orders(s, customer_id):
                    if order.status == status:
                        self._taken.add(customer_id)
                        return repository.get_customer(s, customer_id), order
        raise AssertionError(f"no free customer with a {status} order")

    def order_status(self, order_id: str) -> str:
        with self.db.session() as s:
            return repository.get_order(s, order_id).status


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store with its documents indexed, built once per session (copied by each module)."""
    path = tmp_path_factory.mktemp("api-template") / "demo.db"
    db = open_store(f"sqlite:///{path}")
    build_demo(db, seed=5)
    index_demo_documents(db)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


def start_server(demo_db: Path, directory: Path, *extra: str) -> Server:
    db_path = directory / "store.db"
    shutil.copyfile(demo_db, db_path)
    server = Server(db_path, directory / "server.log", *extra)
    try:
        server.wait_ready()
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server of this module's own, on a copy of the demo store."""
    instance = start_server(demo_db, tmp_path_factory.mktemp("api-server"), "--max-body-bytes", "65536")
    yield instance
    instance.stop()


def sse_events(body: str) -> list[tuple[str, str]]:
    """(event name, data) pairs of a text/event-stream body."""
    out = []
    for block in body.split("\n\n"):
        name, data = "message", []
        for line in block.splitlines():
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())
        if data:
            out.append((name, "\n".join(data)))
    return out
