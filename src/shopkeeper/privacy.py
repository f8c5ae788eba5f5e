"""Personal data: redaction for logs, metrics and exported transcripts; retention; erasure.

`redact(text)` masks email addresses, phone numbers, payment card numbers (Luhn-checked), gift-card
codes and street addresses. `purge(db, older_than)` deletes conversations idle for longer than the
retention period. `forget(db, email)` deletes a customer's conversations and erases their personal data
from the audit log while keeping order records and the audit chain consistent.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from shopkeeper import audit
from shopkeeper.errors import ActionError
from shopkeeper.sessions import ConversationRow, TurnRow
from shopkeeper.store.backend import StoreBackend
from shopkeeper.store.db import Database
from shopkeeper.store.schema import AuditRow
from shopkeeper.store.sql import SqlStore

__all__ = [
    "LOGGERS",
    "Forgotten",
    "RedactingFilter",
    "forget",
    "install_log_redaction",
    "parse_age",
    "purge",
    "redact",
    "redact_value",
]

LOGGERS = ("shopkeeper", "shopkeeper.api", "shopkeeper.agent")

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
_PHONE = re.compile(r"(?<![\w#])(?:\+?\d{1,3}[\s.-]?)?(?:\(\d{3}\)|\d{3})[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)")
_GIFT_CODE = re.compile(
    r"\b(?:[A-Z0-9]{4}-){3}[A-Z0-9]{4}\b|\bgift[\s-]?card\s+(?:code|number|no\.?|#)\s*[:#]?\s*[A-Za-z0-9-]{6,}",
    re.I,
)
_STREET = re.compile(
    r"\b\d{1,6}\s+(?:[A-Z][\w'.-]*\s+){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|"
    r"Place|Pl|Terrace|Circle|Cir|Parkway|Pkwy|Highway|Hwy)\b\.?(?:,?\s*(?:Apt|Suite|Unit|#)\s*[\w-]+)?",
    re.I,
)


def _luhn(digits: str) -> bool:
    total, parity = 0, len(digits) % 2
    for i, ch in enumerate(digits):
        d = int(ch)
        if i % 2 == parity:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "[card]" if 13 <= len(digits) <= 19 and _luhn(digits) else match.group(0)


def redact(text: str) -> str:
    """Mask personal data in free text."""
    text = _EMAIL.sub("[email]", text)
    text = _GIFT_CODE.sub("[gift card code]", text)
    text = _CARD.sub(_card, text)
    text = _PHONE.sub("[phone]", text)
    return _STREET.sub("[address]", text)


def redact_value(value: Any) -> Any:
    """`redact` applied to every string inside a JSON-like value; address dicts are blanked."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        if {"address1", "city"} <= value.keys():
            return {k: "[redacted]" for k in value}
        return {k: redact_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v) for v in value]
    return value


class RedactingFilter(logging.Filter):
    """Masks personal data in a log record's message and traceback before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install_log_redaction(names: tuple[str, ...] = LOGGERS) -> None:
    """Put the redacting filter on Shopkeeper's loggers (filters are not inherited, hence each name)."""
    for name in names:
        target = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in target.filters):
            target.addFilter(RedactingFilter())


def parse_age(text: str) -> timedelta:
    """'30d', '12h', '90m', '2w' -> a duration."""
    match = re.fullmatch(r"\s*(\d+)\s*([mhdw])\s*", text)
    if not match:
        raise ActionError("invalid_age", "Give the age as a number and a unit: 90m, 12h, 30d or 2w.")
    amount, unit = int(match.group(1)), match.group(2)
    return timedelta(**{{"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}[unit]: amount})


def purge(db: Database, older_than: timedelta) -> int:
    """Delete conversations (and their turns) not updated within `older_than`; returns how many."""
    cutoff = datetime.now(UTC).replace(tzinfo=None) - older_than
    with db.transaction() as s:
        ids = list(s.scalars(select(ConversationRow.id).where(ConversationRow.updated_at < cutoff)))
        if ids:
            s.execute(delete(TurnRow).where(TurnRow.conversation_id.in_(ids)))
            s.execute(delete(ConversationRow).where(ConversationRow.id.in_(ids)))
    return len(ids)


@dataclass(frozen=True)
class Forgotten:
    customer_id: str
    conversations: int
    audit_entries: int


def forget(db: Database, email: str, store: StoreBackend | None = None) -> Forgotten:
    """Delete a customer's conversations and erase their personal data from the audit log.

    The customer and their orders are found in `store` (the built-in store in `db` by default; Medusa
    when configured). Order records stay (the store's books must balance); the audit chain stays
    verifiable.
    """
    store = store or SqlStore(db)
    customer = store.find_customer_by_email(email)
    order_ids = [order.id for order in store.list_orders(customer.id)]
    with db.transaction() as s:
        ids = list(s.scalars(select(ConversationRow.id).where(ConversationRow.customer_id == customer.id)))
        if ids:
            s.execute(delete(TurnRow).where(TurnRow.conversation_id.in_(ids)))
            s.execute(delete(ConversationRow).where(ConversationRow.id.in_(ids)))
        erased = audit.anonymise(
            s, customer_id=customer.id, order_ids=order_ids, redact=lambda _v: "[forgotten]"
        )
        for row in s.scalars(select(AuditRow).where(AuditRow.conversation_id.in_(ids))):
            if not row.anonymised:
                row.arguments, row.result = redact_value(row.arguments), redact_value(row.result)
                row.anonymised = True
                erased += 1
    return Forgotten(customer.id, len(ids), erased)
