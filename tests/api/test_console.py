"""The staff console over a real server, without a browser: accounts (argon2, `create-user` from stdin),
sign-in cookie flags, signed-out redirect, CSRF and same-origin checks, sign-out ending the session,
the atomic take-over (two staff at once: one wins), reply reaching the customer's event stream,
hand back, and staff actions in the audit log under the staff member's name."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from shopkeeper import audit
from shopkeeper.staff import Staff, StaffUserRow
from tests.api.conftest import Server, cli, sse_events

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def users(server: Server) -> Staff:
    staff = Staff(server.db)
    staff.create_user("alice", PASSWORD, "agent")
    staff.create_user("bob", PASSWORD, "agent")
    staff.create_user("olga", PASSWORD, "owner")
    return staff


def sign_in(server: Server, name: str) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=60)
    response = client.post("/console/login", data={"name": name, "password": PASSWORD})
    assert response.status_code == 303, response.text
    return client


def csrf(client: httpx.Client, path: str = "/console") -> str:
    page = client.get(path).text
    return page.split('name="csrf-token" content="')[1].split('"')[0]


@pytest.fixture
def alice(server: Server, users: Staff) -> Iterator[httpx.Client]:
    client = sign_in(server, "alice")
    yield client
    client.close()


def handed_off(server: Server) -> str:
    cid = server.conversation()
    assert server.say(cid, "I want to talk to a human please")["handoff"]
    return cid


def test_signed_out_requests_go_to_the_sign_in_page(server: Server) -> None:
    for path in ("/console", "/console/c/abc", "/console/dashboard"):
        response = server.client.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/console/login?next=%2Fconsole")
    assert "Sign in" in server.client.get("/console/login").text


def test_passwords_are_argon2_and_wrong_ones_refused(server: Server, users: Staff) -> None:
    with server.db.session() as s:
        stored = s.scalars(select(StaffUserRow.password_hash).where(StaffUserRow.name == "alice")).one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    response = server.client.post("/console/login", data={"name": "alice", "password": "wrong password!"})
    assert response.status_code == 401 and "Wrong name or password" in response.text
    assert "set-cookie" not in response.headers


def test_cookie_is_httponly_strict_scoped_and_expiring(server: Server, users: Staff) -> None:
    response = httpx.post(f"{server.url}/console/login", data={"name": "alice", "password": PASSWORD})
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/console" in cookie
    assert "max-age=28800" in cookie
    assert "secure" not in cookie  # plain http here; set when the request came over https
    assert response.headers["location"] == "/console"


def test_sign_in_redirects_only_inside_the_console(server: Server, users: Staff) -> None:
    for target, expected in (
        ("/console/dashboard", "/console/dashboard"),
        ("https://evil.example", "/console"),
    ):
        response = httpx.post(
            f"{server.url}/console/login", data={"name": "alice", "password": PASSWORD, "next": target}
        )
        assert response.headers["location"] == expected


def test_posts_need_the_csrf_token_and_the_same_origin(server: Server, alice: httpx.Client) -> None:
    cid = handed_off(server)
    assert alice.post(f"/console/c/{cid}/take-over", data={}).status_code == 403
    assert alice.post(f"/console/c/{cid}/take-over", data={"csrf": "forged"}).status_code == 403
    token = csrf(alice)
    cross = alice.post(
        f"/console/c/{cid}/take-over", data={"csrf": token}, headers={"Origin": "https://evil.example"}
    )
    assert cross.status_code == 403
    assert alice.post(f"/console/c/{cid}/take-over", data={"csrf": token}).status_code == 303


def test_sign_out_ends_the_session(server: Server, users: Staff) -> None:
    client = sign_in(server, "bob")
    token, cookie = csrf(client), client.cookies.get("shopkeeper_staff")
    assert client.post("/console/logout", data={"csrf": token}).status_code == 303
    client.close()
    again = httpx.get(f"{server.url}/console", cookies={"shopkeeper_staff": cookie or ""})
    assert again.status_code == 303 and "/console/login" in again.headers["location"]


def test_two_staff_cannot_take_the_same_conversation(server: Server, users: Staff) -> None:
    cid = handed_off(server)
    clients = [sign_in(server, "alice"), sign_in(server, "bob")]
    tokens = [csrf(c) for c in clients]
    results: list[httpx.Response] = []
    barrier = threading.Barrier(2)

    def take(i: int) -> None:
        barrier.wait()
        results.append(clients[i].post(f"/console/c/{cid}/take-over", data={"csrf": tokens[i]}))

    threads = [threading.Thread(target=take, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c in clients:
        c.close()
    codes = sorted(r.status_code for r in results)
    assert codes == [303, 409], [r.text[:300] for r in results]
    refused = next(r for r in results if r.status_code == 409)
    assert "has already taken over this conversation" in refused.text
    row = server.client.get(f"/api/conversations/{cid}").json()
    assert row["status"] == "staff"
    takes = [e for e in audit.entries(server.db, conversation_id=cid) if e.action == "conversation.take_over"]
    assert len(takes) == 1 and takes[0].actor in ("staff:alice", "staff:bob")


def test_reply_reaches_the_customer_and_hand_back_returns_to_the_assistant(
    server: Server, alice: httpx.Client
) -> None:
    cid = handed_off(server)
    token = csrf(alice)
    page = alice.get("/console").text
    assert cid in page and "Reason for handoff" in page
    assert alice.post(f"/console/c/{cid}/take-over", data={"csrf": token}).status_code == 303
    # while staff hold it, the assistant stays silent
    assert server.say(cid, "hello? anyone there?")["reply"] == ""
    sent = alice.post(
        f"/console/c/{cid}/reply", data={"csrf": token, "text": "Hi, Alice here. How can I help?"}
    )
    assert sent.status_code == 303
    turns = server.client.get(f"/api/conversations/{cid}").json()["turns"]
    assert turns[-1]["role"] == "staff" and turns[-1]["text"] == "Hi, Alice here. How can I help?"
    with server.client.stream("GET", f"/api/conversations/{cid}/events", params={"after": 0}) as stream:
        body = ""
        for chunk in stream.iter_text():
            body += chunk
            if "Alice here" in body:
                break
    events = sse_events(body)
    assert ("status", '{"status": "staff"}') in events
    assert any(name == "staff" and "Alice here" in data for name, data in events)
    assert alice.post(f"/console/c/{cid}/hand-back", data={"csrf": token}).status_code == 303
    assert server.client.get(f"/api/conversations/{cid}").json()["status"] == "open"
    assert server.say(cid, "Which payment methods do you accept?")["reply"]
    actions = [(e.actor, e.action) for e in audit.entries(server.db, conversation_id=cid)]
    assert ("staff:alice", "conversation.reply") in actions and (
        "staff:alice",
        "conversation.hand_back",
    ) in actions


def test_reply_needs_the_conversation_taken_over(server: Server, alice: httpx.Client) -> None:
    cid = handed_off(server)
    response = alice.post(f"/console/c/{cid}/reply", data={"csrf": csrf(alice), "text": "hello"})
    assert response.status_code == 409 and "Take the conversation over" in response.text


def test_create_user_reads_the_password_from_stdin(server: Server, tmp_path: Path) -> None:
    result = subprocess.run(
        cli(
            "admin",
            "create-user",
            "carol",
            "--role",
            "owner",
            "--password-stdin",
            "--db",
            f"sqlite:///{server.db_path}",
        ),
        input="a long enough secret\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Created owner carol" in result.stdout
    assert Staff(server.db).authenticate("carol", "a long enough secret") is not None
    short = subprocess.run(
        cli("admin", "create-user", "dave", "--password-stdin", "--db", f"sqlite:///{server.db_path}"),
        input="short\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert short.returncode == 2 and "at least 10 characters" in short.stderr


def test_staff_cancel_goes_through_the_action_layer(server: Server, alice: httpx.Client) -> None:
    customer, order = server.customer_with("pending")
    cid = server.conversation()
    server.say(cid, f"my email is {customer.email}")
    server.say(cid, "I want to talk to a person")
    token = csrf(alice)
    assert alice.post(f"/console/c/{cid}/take-over", data={"csrf": token}).status_code == 303
    page = alice.get(f"/console/c/{cid}").text
    assert order.id in page and customer.email in page
    key = page.split('name="request_key" value="')[1].split('"')[0]
    form = {"csrf": token, "reason": "no longer needed", "request_key": key}
    path = f"/console/c/{cid}/orders/{order.id.lstrip('#')}/cancel"
    assert alice.post(path, data=form).status_code == 303
    assert alice.post(path, data=form).status_code == 303  # a double submit replays, changes nothing
    assert server.order_status(order.id) == "cancelled"
    writes = [e for e in audit.entries(server.db, conversation_id=cid) if e.action == "cancel_order"]
    assert [(e.actor, e.outcome) for e in writes] == [("staff:alice", "ok")]
    again = alice.post(path, data={**form, "request_key": key + "-2"})
    assert again.status_code == 409 and "cancel" in again.text.lower()


def test_dashboard_charts_and_csv(server: Server, alice: httpx.Client) -> None:
    cid = server.conversation()
    server.say(cid, "Do you offer a loyalty discount for students?")
    server.say(cid, "Is there a student discount?")
    page = alice.get("/console/dashboard")
    assert page.status_code == 200 and page.text.count("<svg") == 5
    assert "Conversations per day" in page.text
    csv_text = alice.get("/console/dashboard.csv").text
    lines = csv_text.splitlines()
    assert lines[0] == "figure,label,value"
    figures = {line.split(",")[0] for line in lines[1:]}
    assert {"conversations_per_day", "outcome", "assistant_reply_seconds"} <= figures
    handed = next(line for line in lines if line.startswith("outcome,handed off,"))
    assert int(handed.rsplit(",", 1)[1]) >= 1
    assert "writes_by_action,cancel_order,1" in csv_text  # the staff cancel of the test above
    assert "unanswered_question_group,Do you offer a loyalty discount for students?,2" in csv_text


def test_only_owners_manage_knowledge_keys_and_users(server: Server, alice: httpx.Client) -> None:
    token = csrf(alice)
    for path in ("/console/knowledge", "/console/team"):
        assert alice.get(path).status_code == 403
    assert alice.post("/console/team/keys", data={"csrf": token, "name": "x"}).status_code == 403
    files = {"file": ("notes.md", b"# Notes\n\nSome text.\n", "text/markdown")}
    assert alice.post("/console/knowledge/upload", data={"csrf": token}, files=files).status_code == 403


def test_owner_uploads_replaces_and_removes_a_document(server: Server, users: Staff) -> None:
    olga = sign_in(server, "olga")
    token = csrf(olga)
    doc = b"# Store hours\n\n## Opening hours\n\nThe warehouse ships orders Monday to Saturday.\n"
    sent = olga.post(
        "/console/knowledge/upload",
        data={"csrf": token},
        files={"file": ("Store Hours.md", doc, "text/markdown")},
    )
    assert sent.status_code == 303
    assert "store-hours" in olga.get("/console/knowledge").text
    answer = olga.get("/console/knowledge", params={"q": "Does the warehouse ship orders on Saturday?"}).text
    assert "/kb/store-hours#opening-hours" in answer
    newer = (
        b"<h1>Store hours</h1><h2>Opening hours</h2><p>The warehouse ships orders every day of the week.</p>"
    )
    replaced = olga.post(
        "/console/knowledge/store-hours/replace",
        data={"csrf": token},
        files={"file": ("hours.html", newer, "text/html")},
    )
    assert replaced.status_code == 303
    assert "every day of the week" in server.client.get("/kb/store-hours").text
    bad = olga.post(
        "/console/knowledge/upload", data={"csrf": token}, files={"file": ("run.exe", b"MZ", "application/x")}
    )
    assert bad.status_code == 422 and "Markdown, HTML, PDF or text" in bad.text
    assert olga.post("/console/knowledge/store-hours/remove", data={"csrf": token}).status_code == 303
    assert server.client.get("/kb/store-hours").status_code == 404
    actions = [(e.actor, e.action) for e in audit.entries(server.db) if e.action.startswith("knowledge.")]
    assert ("staff:olga", "knowledge.upload") in actions and ("staff:olga", "knowledge.remove") in actions
    key_page = olga.post("/console/team/keys", data={"csrf": token, "name": "helpdesk"})
    assert key_page.status_code == 200 and "sk_admin_" in key_page.text
    olga.close()


def test_console_and_admin_api_share_one_take_over(server: Server, alice: httpx.Client) -> None:
    from shopkeeper.api.keys import KeyStore

    _, secret = KeyStore(server.db_path.parent / "data" / "admin_keys.json").create("helpdesk")
    api = {"Authorization": f"Bearer {secret}"}
    cid = handed_off(server)
    assert alice.post(f"/console/c/{cid}/take-over", data={"csrf": csrf(alice)}).status_code == 303
    refused = server.client.post(f"/api/admin/conversations/{cid}/takeover", headers=api)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "conversation_taken"
    blocked = server.client.post(f"/api/admin/conversations/{cid}/messages", headers=api, json={"text": "hi"})
    assert blocked.status_code == 409


def test_close_takes_it_out_of_the_inbox_and_the_assistant_answers_again(
    server: Server, alice: httpx.Client
) -> None:
    cid = handed_off(server)
    token = csrf(alice)
    assert alice.post(f"/console/c/{cid}/take-over", data={"csrf": token}).status_code == 303
    closed = alice.post(f"/console/c/{cid}/close", data={"csrf": token})
    assert closed.status_code == 303 and closed.headers["location"] == "/console"
    assert cid not in alice.get("/console").text
    assert server.client.get(f"/api/conversations/{cid}").json()["status"] == "closed"
    assert "PayPal" in server.say(cid, "Which payment methods do you accept?")["reply"]
    entries = [(e.actor, e.action) for e in audit.entries(server.db, conversation_id=cid)]
    assert ("staff:alice", "conversation.close") in entries
