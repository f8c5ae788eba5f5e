"""Admin API keys, stored hashed: create, verify, list, revoke.

A key is `sk_admin_<id>_<secret>`; only the SHA-256 of the whole key is kept (keys are 256-bit random,
so a fast hash is enough; there is nothing to brute-force). The store is a JSON file (default
`<data dir>/admin_keys.json`, mode 0600), rewritten atomically and re-read when it changes, so
`shopkeeper admin create-key` and `revoke-key` take effect on a running server without a restart.
Servers sharing one database must share this file too. Nothing here knows about HTTP.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

__all__ = ["ApiKey", "KeyStore"]

_PREFIX = "sk_admin_"


@dataclass(frozen=True)
class ApiKey:
    id: str
    name: str
    sha256: str
    created: str
    revoked: bool = False


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class KeyStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._cache: tuple[float, list[ApiKey]] | None = None

    def all(self) -> list[ApiKey]:
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            return []
        with self._lock:
            if self._cache is None or self._cache[0] != mtime:
                rows = json.loads(self.path.read_text(encoding="utf-8"))
                self._cache = (mtime, [ApiKey(**row) for row in rows])
            return list(self._cache[1])

    def _write(self, keys: list[ApiKey]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump([asdict(k) for k in keys], f, indent=1)
        os.replace(tmp, self.path)
        self._cache = None

    def create(self, name: str) -> tuple[ApiKey, str]:
        """A new key; the returned secret is shown once and never stored."""
        key_id = secrets.token_hex(4)
        secret = f"{_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        record = ApiKey(key_id, name, _hash(secret), datetime.now(UTC).isoformat(timespec="seconds"))
        self._write([*self.all(), record])
        return record, secret

    def revoke(self, key_id: str) -> bool:
        keys = self.all()
        found = any(k.id == key_id and not k.revoked for k in keys)
        if found:
            self._write(
                [ApiKey(k.id, k.name, k.sha256, k.created, k.revoked or k.id == key_id) for k in keys]
            )
        return found

    def verify(self, presented: str) -> ApiKey | None:
        """The live key matching `presented`, compared in constant time; None otherwise."""
        if not presented.startswith(_PREFIX):
            return None
        digest = _hash(presented)
        match = None
        for key in self.all():
            if hmac.compare_digest(key.sha256, digest) and not key.revoked:
                match = key
        return match
