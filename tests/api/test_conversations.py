"""The conversations API over a real server: create, a verified customer cancels with a confirmation,
SSE streaming, request-id replay, transcript, and bad input answered with 4xx and a clear message."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy import select

from shopkeeper.sessions import TurnRow
from shopkeeper.store.schema import AuditRow
from tests.api.conftest import Server, sse_events


def _types(reply: dict) -> list[str]:  # type: ignore[type-arg]
    return [e["type"] for e in reply["events"]]


def test_create_conversation(server: Server) -> None:
    response = server.client.post("/api/conversations", json={"channel": "web"})
    assert response.status_code == 201
    assert set(response.json()) == {"id"}
    assert server.client.post("/api/conversations").status_code == 201  # the body is optional


def test_verified_customer_cancels_an_order_after_confirming(server: Server) -> None:
    customer, order = server.customer_with("pending")
    cid = server.conversation()
    first = server.say(cid, "Hi, I'd like to cancel an order.")
    assert {"type": "question", "slot": "identity", "options": []} in first["events"]
    server.say(cid, f"my email is {customer.email}")
    server.say(cid, f"It's order {order.id}")
    proposal = server.say(cid, "I don't need it anymore")
    proposals = [e for e in proposal["events"] if e["type"] == "proposal"]
    assert proposals and proposals[0]["arguments"] == {"order_id": order.id, "reason": "no longer needed"}
    assert server.order_status(order.id) == "pending"  # nothing is written before the yes
    done = server.say(cid, "yes")
    actions = [e for e in done["events"] if e["type"] == "action"]
    assert actions and actions[0]["ok"] and actions[0]["action"] == "cancel_order", done
    assert done["handoff"] is False and done["reply"] == done["events"][-1]["reply"]
    assert server.order_status(order.id) == "cancelled"
    with server.db.session() as s:
        actions = list(s.scalars(select(AuditRow.action).where(AuditRow.conversation_id == cid)))
    assert actions == ["cancel_order"]


def test_reply_streams_as_server_sent_events(server: Server) -> None:
    cid = server.conversation()
    with server.client.stream(
        "POST",
        f"/api/conversations/{cid}/messages",
        json={"text": "Which payment methods do you accept?"},
        headers={"Accept": "text/event-stream"},
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        body = "".join(response.iter_text())
    events = sse_events(body)
    names = [name for name, _ in events]
    assert names[0] == "text" and names[-1] == "done" and "citation" in names, names
    payloads = [json.loads(data) for _, data in events]
    assert [p["type"] for p in payloads] == names
    citation = next(p for p in payloads if p["type"] == "citation")
    assert citation["anchor"].startswith("/kb/")
    page = server.client.get(citation["anchor"].split("#")[0])
    assert page.status_code == 200 and citation["section"] in page.text


def test_streaming_errors_before_the_stream_are_plain_errors(server: Server) -> None:
    response = server.client.post(
        "/api/conversations/nope/messages", json={"text": "hi"}, headers={"Accept": "text/event-stream"}
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "conversation_not_found"


def test_retry_with_the_same_request_id_is_not_processed_twice(server: Server) -> None:
    customer, order = server.customer_with("pending")
    cid = server.conversation()
    server.say(cid, f"I am {customer.email}, please cancel order {order.id}, I don't need it anymore")
    first = server.say(cid, "yes", request_id="confirm-1")
    again = server.say(cid, "yes", request_id="confirm-1")
    assert first["events"] == again["events"] and first["reply"] == again["reply"]
    with server.db.session() as s:
        customer_turns = list(
            s.scalars(
                select(TurnRow.seq).where(TurnRow.conversation_id == cid, TurnRow.request_id == "confirm-1")
            )
        )
        writes = list(s.scalars(select(AuditRow.action).where(AuditRow.conversation_id == cid)))
    assert len(customer_turns) == 1
    assert writes == ["cancel_order"], first


def test_transcript(server: Server) -> None:
    cid = server.conversation()
    server.say(cid, "hello")
    server.say(cid, "Which payment methods do you accept?")
    response = server.client.get(f"/api/conversations/{cid}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == cid and body["status"] == "open"
    assert [t["role"] for t in body["turns"]] == ["customer", "assistant", "customer", "assistant"]
    assert [t["seq"] for t in body["turns"]] == [1, 2, 3, 4]
    assert body["turns"][2]["text"] == "Which payment methods do you accept?"
    assert "state" not in body and "customer_id" not in body  # internals never leak


def test_unknown_conversation_is_404(server: Server) -> None:
    for response in (
        server.client.get("/api/conversations/does-not-exist"),
        server.client.post("/api/conversations/does-not-exist/messages", json={"text": "hi"}),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["message"] == "That conversation doesn't exist."


@pytest.mark.parametrize(
    ("content", "body", "message"),
    [
        ("application/json", b"", "required"),
        ("application/json", b"{}", "The field 'text' is required."),
        ("application/json", b'{"text": ""}', "text"),
        ("application/json", b'{"text": "   "}', "The message is empty."),
        ("application/json", b'{"text": 42}', "text"),
        ("application/json", b'{"text": "hi", "admin": true}', "admin"),
        ("application/json", b'{"text": "hi"', "not valid JSON"),
        ("application/json", b"[1, 2]", "JSON object"),
        ("application/json", bytes(range(256)) * 4, "not valid JSON"),
        ("application/octet-stream", bytes(range(256)), "JSON"),
        ("text/plain", "你好 مرحبا hello".encode(), "JSON"),
        ("application/json", json.dumps({"text": "x" * 4001}).encode(), "at most 4000"),
    ],
)
def test_bad_messages_get_4xx_with_a_clear_message(
    server: Server, content: str, body: bytes, message: str
) -> None:
    cid = server.conversation()
    response = server.client.post(
        f"/api/conversations/{cid}/messages", content=body, headers={"Content-Type": content}
    )
    assert 400 <= response.status_code < 500, response.text
    error = response.json()["error"]
    assert message in error["message"], error
    assert "Traceback" not in response.text


def test_mixed_script_and_control_characters_are_answered(server: Server) -> None:
    cid = server.conversation()
    reply = server.say(cid, "Привет 你好 مرحبا \u200b\x00 where is my order? 🛒")
    assert reply["reply"] and _types(reply)[-1] == "done"


def test_body_over_the_limit_is_413(server: Server) -> None:
    cid = server.conversation()
    huge = json.dumps({"text": "x" * 100_000})
    response = server.client.post(
        f"/api/conversations/{cid}/messages", content=huge, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(20):
            yield b"x" * 8192

    chunked = server.client.post(  # no Content-Length: the guard counts the bytes it reads
        f"/api/conversations/{cid}/messages", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert chunked.status_code == 413


def test_unknown_route_and_method(server: Server) -> None:
    assert server.client.get("/api/nothing-here").status_code == 404
    response = server.client.delete("/api/conversations")
    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"


def test_concurrent_retries_with_one_request_id_run_once(server: Server) -> None:
    from concurrent.futures import ThreadPoolExecutor

    cid = server.conversation()

    def post(_: int) -> int:
        with httpx.Client(base_url=server.url, timeout=120) as client:
            body = {"text": "Which payment methods do you accept?", "request_id": "same"}
            return client.post(f"/api/conversations/{cid}/messages", json=body).status_code

    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(post, range(4)))
    assert statuses == [200] * 4, statuses  # a retry waiting for its first attempt gets the stored reply
    with server.db.session() as s:
        asked = list(
            s.scalars(select(TurnRow.seq).where(TurnRow.conversation_id == cid, TurnRow.role == "customer"))
        )
    assert len(asked) == 1
