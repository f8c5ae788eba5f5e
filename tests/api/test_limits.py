"""Rate limit and CORS, configured at start-up, over a real server (`--rate-limit 3 --cors-origin ...`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.conftest import Server, start_server

ORIGIN = "https://shop.example"


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    instance = start_server(
        demo_db, tmp_path_factory.mktemp("api-limits"), "--rate-limit", "3", "--cors-origin", ORIGIN
    )
    yield instance
    instance.stop()


def test_messages_over_the_rate_limit_get_429(server: Server) -> None:
    cid = server.conversation()
    statuses = [
        server.client.post(f"/api/conversations/{cid}/messages", json={"text": "hello"}).status_code
        for _ in range(4)
    ]
    if statuses[:3] != [200, 200, 200]:  # the one-minute window turned over mid-test; try once more
        statuses = [
            server.client.post(f"/api/conversations/{cid}/messages", json={"text": "hello"}).status_code
            for _ in range(4)
        ]
    assert statuses[-1] == 429, statuses
    limited = server.client.post(f"/api/conversations/{cid}/messages", json={"text": "hello"})
    assert limited.status_code == 429 and limited.headers["retry-after"] == "60"
    assert limited.json()["error"]["code"] == "rate_limited"
    assert server.client.get(f"/api/conversations/{cid}").status_code == 200  # reading is not limited


def test_cors_allows_the_configured_origin_only(server: Server) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    allowed = server.client.options("/api/conversations", headers={"Origin": ORIGIN, **preflight})
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == ORIGIN
    other = server.client.options(
        "/api/conversations", headers={"Origin": "https://evil.example", **preflight}
    )
    assert "access-control-allow-origin" not in other.headers
    created = server.client.post("/api/conversations", headers={"Origin": ORIGIN})
    assert created.headers["access-control-allow-origin"] == ORIGIN
