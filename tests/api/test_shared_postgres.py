"""Two server processes sharing one PostgreSQL store: a conversation moves between them turn by turn
and survives one of them being killed (SIGKILL); the confirmed write happens exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from shopkeeper.knowledge import index_demo_documents
from shopkeeper.store.db import open_store
from shopkeeper.store.demo import build_demo
from shopkeeper.store.schema import AuditRow
from tests.api.conftest import Server, cli, free_port
from tests.conftest import create_pg_database, drop_pg_database, pg_unavailable

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


class PgServer(Server):
    """A `Server` whose store is a PostgreSQL URL rather than a SQLite file."""

    def __init__(self, url: str, directory: Path) -> None:
        self.db_path = directory / "unused.db"
        self.log_path = directory / f"server-{free_port()}.log"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            cli("serve", "--db", url, "--port", str(self.port), "--no-model"),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "SHOPKEEPER_DATA_DIR": str(directory)},
        )
        self.client = httpx.Client(base_url=self.url, timeout=120)
        self.db = open_store(url, migrate=False)
        self._taken = set()


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    reason = pg_unavailable()
    if reason:
        pytest.skip(reason)
    url = create_pg_database()
    db = open_store(url)
    build_demo(db, seed=5)
    index_demo_documents(db)
    db.dispose()
    yield url
    drop_pg_database(url)


@pytest.fixture(scope="module")
def pair(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PgServer, PgServer]]:
    directory = tmp_path_factory.mktemp("api-pg")
    first, second = PgServer(pg_url, directory), PgServer(pg_url, directory)
    try:
        first.wait_ready()
        second.wait_ready()
        yield first, second
    finally:
        first.stop()
        second.stop()


def test_a_conversation_moves_between_servers_and_survives_a_kill(pair: tuple[PgServer, PgServer]) -> None:
    a, b = pair
    customer, order = a.customer_with("pending")
    cid = a.conversation()
    a.say(cid, f"I am {customer.email}, please cancel order {order.id}")
    proposal = b.say(cid, "I don't need it anymore")
    assert any(e["type"] == "proposal" for e in proposal["events"]), proposal
    a.process.send_signal(signal.SIGKILL)
    a.process.wait()
    done = b.say(cid, "yes", request_id="yes-1")
    assert any(e["type"] == "action" and e["ok"] for e in done["events"]), done
    assert b.say(cid, "yes", request_id="yes-1") == done  # a retry returns the same answer
    assert b.order_status(order.id) == "cancelled"
    with b.db.session() as s:
        writes = list(s.scalars(select(AuditRow.action).where(AuditRow.conversation_id == cid)))
    assert writes == ["cancel_order"]
    transcript = b.client.get(f"/api/conversations/{cid}").json()
    assert [t["role"] for t in transcript["turns"]].count("customer") == 3


def _allow_connections(pg_url: str, allow: bool) -> None:
    import psycopg

    from tests.conftest import PG_ADMIN_URL

    name = pg_url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allow).lower()}')
        if not allow:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )


def test_database_going_away_is_a_clear_503_and_the_server_recovers(
    pg_url: str, pair: tuple[PgServer, PgServer]
) -> None:
    _, b = pair
    cid = b.conversation()
    _allow_connections(pg_url, False)
    try:
        response = b.client.post(f"/api/conversations/{cid}/messages", json={"text": "hello"})
        assert response.status_code == 503, response.text
        assert response.json()["error"] == {
            "code": "store_unavailable",
            "message": "The store is unavailable right now; please try again shortly.",
            "type": "server_error",
        }
        ready = b.client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["checks"]["database"].startswith("unreachable")
    finally:
        _allow_connections(pg_url, True)
    assert b.say(cid, "hello")["reply"]
    assert b.client.get("/readyz").status_code == 200
