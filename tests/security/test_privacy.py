"""Privacy: redaction of tricky formats, retention purge, forgetting a customer, audit CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from shopkeeper import audit
from shopkeeper.actions import Actions, Context
from shopkeeper.errors import ActionError
from shopkeeper.privacy import forget, parse_age, purge, redact
from shopkeeper.sessions import ConversationRow, Sessions
from shopkeeper.store import repository
from shopkeeper.store.db import Database, open_store
from shopkeeper.store.demo import build_demo
from shopkeeper.store.schema import AuditRow, OrderRow

REDACTED = [
    ("write to jane.doe+shop@mail.example.co.uk please", "jane.doe"),
    ("my card is 4111 1111 1111 1111", "4111"),
    ("card 4111-1111-1111-1111 exp 12/29", "4111-"),
    ("call me at (415) 555-0132", "555-0132"),
    ("or +1 415.555.0132", "555.0132"),
    ("ship to 742 Evergreen Terrace, Apt 3B", "Evergreen"),
    ("I live at 12 Oak Street", "Oak Street"),
    ("gift card code ABCD-EFGH-1234-WXYZ", "ABCD-EFGH"),
    ("gift card number: GC99887766", "GC99887766"),
]
KEPT = [
    "order #W1234567 please",  # order ids are not personal data
    "item 6469567736 in blue",  # 10-digit item ids are not phone numbers... unless they look like one
    "it costs $1,234.56",
    "my zip is 80218",
]


@pytest.mark.parametrize(("text", "secret"), REDACTED)
def test_personal_data_is_masked(text: str, secret: str) -> None:
    assert secret not in redact(text)


@pytest.mark.parametrize("text", KEPT[:1] + KEPT[2:])
def test_ordinary_text_is_kept(text: str) -> None:
    assert redact(text) == text


def test_non_luhn_numbers_are_not_cards() -> None:
    assert "[card]" not in redact("tracking 1234 5678 9012 3456")


def test_ages() -> None:
    assert parse_age("30d").days == 30 and parse_age("12h").seconds == 12 * 3600
    with pytest.raises(ActionError):
        parse_age("thirty days")


@pytest.fixture
def store(tmp_path: Path) -> Database:
    db = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    build_demo(db, seed=2)
    return db


def test_forget_removes_conversations_and_erases_audit_data_but_keeps_orders(store: Database) -> None:
    with store.session() as s:
        row = s.scalars(select(OrderRow).where(OrderRow.status == "pending")).first()
        assert row is not None
        order = repository.to_order(row)
        customer = repository.get_customer(s, order.customer_id)
    sessions = Sessions(store)
    cid = sessions.create()
    sessions.append(cid, "customer", f"I'm {customer.email}")
    sessions.save(cid, state={}, customer_id=customer.id, status="open", handoff_summary=None)
    Actions(store).modify_order_address(
        order.id,
        {
            "address1": "9 Secret Lane",
            "address2": "",
            "city": "Reno",
            "state": "NV",
            "country": "USA",
            "zip": "89501",
        },
        Context(actor="bot", conversation_id=cid),
    )
    done = forget(store, customer.email.upper())
    assert done.conversations == 1 and done.audit_entries >= 1
    assert not sessions.exists(cid)
    with store.session() as s:
        assert s.get(OrderRow, order.id) is not None  # the books still balance
    entries = [e for e in audit.entries(store, limit=1000) if e.arguments.get("order_id") == order.id]
    assert entries and "Secret" not in str(entries) and customer.email not in str(entries)
    assert audit.verify(store).ok  # erasure keeps the chain verifiable
    with pytest.raises(ActionError):
        forget(store, "nobody@example.com")


def test_purge_deletes_old_conversations(store: Database) -> None:
    sessions = Sessions(store)
    old, new = sessions.create(), sessions.create()
    from datetime import datetime, timedelta

    with store.transaction() as s:
        row = s.get(ConversationRow, old)
        assert row is not None
        row.updated_at = datetime(2020, 1, 1) - timedelta(days=1)
    assert purge(store, parse_age("30d")) == 1
    assert not sessions.exists(old) and sessions.exists(new)


def test_audit_cli_verifies_and_detects_tampering(store: Database, tmp_path: Path) -> None:
    with store.session() as s:
        order_id = s.scalars(select(OrderRow.id).where(OrderRow.status == "pending")).first()
        assert order_id is not None
    Actions(store).cancel_order(order_id, "no longer needed", Context(actor="staff"))
    url = store.engine.url.render_as_string(hide_password=False)
    exe = str(Path(sys.executable).parent / "shopkeeper")
    ok = subprocess.run([exe, "audit", "--verify", "--db", url], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0 and "intact" in ok.stdout
    wide = {**os.environ, "COLUMNS": "200"}
    shown = subprocess.run([exe, "audit", "--db", url], capture_output=True, text=True, timeout=120, env=wide)
    assert shown.returncode == 0 and "cancel_order" in shown.stdout
    with store.transaction() as s:
        entry = s.scalars(select(AuditRow)).first()
        assert entry is not None
        entry.outcome = "rejected"
    bad = subprocess.run([exe, "audit", "--verify", "--db", url], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "broken" in bad.stdout


def test_log_records_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from shopkeeper.privacy import install_log_redaction

    install_log_redaction()
    log = logging.getLogger("shopkeeper.api")
    with caplog.at_level(logging.INFO, logger="shopkeeper.api"):
        log.error("database error: Key (email)=(%s) already exists", "ann@example.com")
        try:
            raise ValueError("card 4111 1111 1111 1111 declined")
        except ValueError:
            log.exception("unexpected error")
    text = caplog.text
    assert "ann@example.com" not in text and "4111 1111" not in text and "[email]" in text
