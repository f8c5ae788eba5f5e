"""Staff accounts and sessions without a server: expiry, disabling, sign-out, names and roles; and the
dashboard's percentile."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shopkeeper.dashboard import percentile
from shopkeeper.errors import DataError
from shopkeeper.staff import Staff
from shopkeeper.store.db import open_store

PASSWORD = "correct horse battery"


@pytest.fixture
def staff(tmp_path: Path) -> Iterator[Staff]:
    db = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    yield Staff(db)
    db.dispose()


def test_sessions_expire_end_at_sign_out_and_when_disabled(staff: Staff) -> None:
    user = staff.create_user("Alice", PASSWORD, "agent")
    assert user.name == "alice" and user.actor == "staff:alice"
    assert staff.authenticate("alice", "wrong password!") is None
    assert staff.authenticate("nobody", PASSWORD) is None
    token, session = staff.open_session(staff.authenticate("ALICE ", PASSWORD) or user)
    assert staff.session(token) == session and staff.session("forged") is None
    staff.close_session(token)
    assert staff.session(token) is None
    token, _ = staff.open_session(user)
    staff.set_disabled("alice", True, by="staff:olga")
    assert staff.session(token) is None and staff.authenticate("alice", PASSWORD) is None
    staff.set_disabled("alice", False, by="staff:olga")
    expired = Staff(staff.db, session_hours=-1)
    token, _ = expired.open_session(user)
    assert staff.session(token) is None


@pytest.mark.parametrize(
    ("name", "password", "role", "problem"),
    [
        ("a", PASSWORD, "agent", "2-40 characters"),
        ("bad name", PASSWORD, "agent", "2-40 characters"),
        ("carol", PASSWORD, "admin", "agent, owner"),
        ("carol", "short", "agent", "at least 10"),
    ],
)
def test_bad_accounts_are_refused(staff: Staff, name: str, password: str, role: str, problem: str) -> None:
    with pytest.raises(DataError, match=problem):
        staff.create_user(name, password, role)


def test_names_are_unique(staff: Staff) -> None:
    staff.create_user("olga", PASSWORD, "owner")
    with pytest.raises(DataError, match="already"):
        staff.create_user("Olga", PASSWORD, "agent")


def test_percentile() -> None:
    assert percentile([], 50) == 0.0
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 100.0], 95) == pytest.approx(55.0)
