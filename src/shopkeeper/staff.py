"""Staff accounts for the console: users with a role, argon2-hashed passwords, sign-in sessions, and
the audit entries of what staff do.

`Staff(db)` creates and lists users (`agent` handles conversations; `owner` also manages knowledge, keys
and users), checks a name and password, and opens sessions: the client gets a random token, the database
keeps only its SHA-256 with an expiry and a CSRF token, so signing out (or disabling the user) ends the
session everywhere at once. `record(db, user, action, ...)` writes one audit entry under
`staff:<name>`, serialised with the action layer's writers so the hash chain stays linear.
Nothing here knows about HTTP, cookies or HTML.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, DateTime, ForeignKey, String, delete, func, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from shopkeeper import audit
from shopkeeper.errors import DataError
from shopkeeper.store.db import Database
from shopkeeper.store.schema import Base

__all__ = ["ROLES", "SESSION_HOURS", "Role", "Staff", "StaffSession", "StaffUser", "lock_writers", "record"]

Role = Literal["agent", "owner"]
ROLES: tuple[Role, ...] = ("agent", "owner")
SESSION_HOURS = 8
MIN_PASSWORD = 10
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
_DUMMY_HASH = _HASHER.hash("not a password of anyone")  # equal work for unknown names


class StaffUserRow(Base):
    __tablename__ = "staff_users"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    password_hash: Mapped[str] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class StaffSessionRow(Base):
    __tablename__ = "staff_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class StaffUser:
    id: str
    name: str
    role: str
    disabled: bool = False

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"

    @property
    def actor(self) -> str:
        """How this person appears in the audit log."""
        return f"staff:{self.name}"


@dataclass(frozen=True)
class StaffSession:
    user: StaffUser
    csrf: str
    expires_at: datetime


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _user(row: StaffUserRow) -> StaffUser:
    return StaffUser(row.id, row.name, row.role, row.disabled)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def lock_writers(s: Session) -> None:
    """Take the action layer's write lock (PostgreSQL); SQLite write transactions are already exclusive."""
    if s.get_bind().dialect.name == "postgresql":
        from shopkeeper.store.db import PG_WRITE_LOCK

        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_WRITE_LOCK})


def record(
    s: Session,
    actor: str,
    action: str,
    arguments: dict[str, Any] | None = None,
    *,
    conversation_id: str | None = None,
    outcome: str = "ok",
) -> None:
    """Append one audit entry for a staff action inside the caller's write transaction."""
    lock_writers(s)
    audit.append(
        s,
        actor=actor,
        action=action,
        arguments=arguments or {},
        outcome=outcome,
        result={},
        conversation_id=conversation_id,
    )


class Staff:
    """Users and sessions in the store's database."""

    def __init__(self, db: Database, session_hours: float = SESSION_HOURS) -> None:
        self.db = db
        self.session_hours = session_hours

    # ---- users ------------------------------------------------------------------------------

    def create_user(self, name: str, password: str, role: str, by: str = "system") -> StaffUser:
        """A new user; `DataError` for a bad name, role or short password, or a name already taken."""
        name = name.strip().lower()
        if not _NAME.match(name):
            raise DataError("A user name is 2-40 characters: lower-case letters, digits, '.', '_' or '-'.")
        if role not in ROLES:
            raise DataError(f"The role must be one of: {', '.join(ROLES)}.")
        if len(password) < MIN_PASSWORD:
            raise DataError(f"The password must have at least {MIN_PASSWORD} characters.")
        row = StaffUserRow(id=uuid.uuid4().hex, name=name, role=role, password_hash=_HASHER.hash(password))
        with self.db.transaction() as s:
            if s.scalars(select(StaffUserRow).where(StaffUserRow.name == name)).first() is not None:
                raise DataError(f"There is already a user called {name!r}.")
            s.add(row)
            record(s, by, "staff.create_user", {"name": name, "role": role})
        return _user(row)

    def users(self) -> list[StaffUser]:
        with self.db.session() as s:
            return [_user(r) for r in s.scalars(select(StaffUserRow).order_by(StaffUserRow.name))]

    def set_disabled(self, name: str, disabled: bool, by: str) -> bool:
        """Disable (signing out all its sessions) or enable a user; false if there is none by that name."""
        with self.db.transaction() as s:
            row = s.scalars(select(StaffUserRow).where(StaffUserRow.name == name)).first()
            if row is None:
                return False
            row.disabled = disabled
            if disabled:
                s.execute(delete(StaffSessionRow).where(StaffSessionRow.user_id == row.id))
            record(s, by, "staff.disable_user" if disabled else "staff.enable_user", {"name": name})
            return True

    # ---- signing in and out -----------------------------------------------------------------

    def authenticate(self, name: str, password: str) -> StaffUser | None:
        """The user if the name and password match an enabled account; the same work either way."""
        with self.db.session() as s:
            row = s.scalars(select(StaffUserRow).where(StaffUserRow.name == name.strip().lower())).first()
            user = _user(row) if row is not None else None
            stored = row.password_hash if row is not None else _DUMMY_HASH
        try:
            _HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return None
        if user is None or user.disabled:
            return None
        if _HASHER.check_needs_rehash(stored):
            with self.db.transaction() as s:
                fresh = s.get(StaffUserRow, user.id)
                if fresh is not None:
                    fresh.password_hash = _HASHER.hash(password)
        return user

    def open_session(self, user: StaffUser) -> tuple[str, StaffSession]:
        """A new session for `user`: the token for the cookie (shown once) and the session."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        expires = _now() + timedelta(hours=self.session_hours)
        with self.db.transaction() as s:
            s.execute(delete(StaffSessionRow).where(StaffSessionRow.expires_at < _now()))
            s.add(
                StaffSessionRow(token_hash=_token_hash(token), user_id=user.id, csrf=csrf, expires_at=expires)
            )
            record(s, user.actor, "staff.sign_in")
        return token, StaffSession(user, csrf, expires)

    def session(self, token: str | None) -> StaffSession | None:
        """The live session of a cookie token; None when unknown, expired or the user is disabled."""
        if not token:
            return None
        with self.db.session() as s:
            found = s.execute(
                select(StaffSessionRow, StaffUserRow)
                .join(StaffUserRow, StaffUserRow.id == StaffSessionRow.user_id)
                .where(StaffSessionRow.token_hash == _token_hash(token))
            ).first()
            if found is None:
                return None
            row, user = found
            live = StaffSession(_user(user), row.csrf, row.expires_at.replace(tzinfo=None))
        if live.expires_at < _now() or live.user.disabled:
            return None
        return live

    def close_session(self, token: str) -> None:
        """Sign out: the token stops working at once."""
        with self.db.transaction() as s:
            found = s.get(StaffSessionRow, _token_hash(token))
            if found is None:
                return
            user = s.get(StaffUserRow, found.user_id)
            s.delete(found)
            if user is not None:
                record(s, _user(user).actor, "staff.sign_out")
