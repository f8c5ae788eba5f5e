"""`shopkeeper store check` against the real Medusa: ready with the right URL and key; a closed port and
a wrong key each named in plain words with a non-zero exit; the key never printed."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from shopkeeper.config import load_settings
from shopkeeper.store.db import open_store
from shopkeeper.store.factory import open_backend
from shopkeeper.store.medusa import MedusaBackend
from tests.store.test_store_check import shopkeeper

pytestmark = pytest.mark.timeout(2400)  # the first Medusa test may install, migrate and seed Medusa


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_store_check_on_medusa(
    medusa: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, key = medusa
    db = ["--db", f"sqlite:///{tmp_path / 'own.db'}"]
    env = {"SHOPKEEPER_STORE": "medusa", "SHOPKEEPER_MEDUSA_URL": url, "SHOPKEEPER_MEDUSA_API_KEY": key}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    own = open_store(db[1])
    backend = open_backend(load_settings(), own)
    assert isinstance(backend, MedusaBackend)
    backend.close()
    own.dispose()

    ready = shopkeeper("store", "check", *db, **env)
    assert ready.returncode == 0, ready.stdout + ready.stderr
    assert ready.stdout.strip() == f"The medusa store at {url} is ready: 64 products."

    wrong_key = shopkeeper("store", "check", *db, **{**env, "SHOPKEEPER_MEDUSA_API_KEY": "sk_wrong_key"})
    assert wrong_key.returncode == 1
    assert "not ready" in wrong_key.stdout and "Medusa rejected the API key" in wrong_key.stdout

    closed = f"http://127.0.0.1:{_closed_port()}"
    nowhere = shopkeeper("store", "check", *db, **{**env, "SHOPKEEPER_MEDUSA_URL": closed})
    assert nowhere.returncode == 1
    assert f"Medusa does not answer at {closed}" in nowhere.stdout
    for run in (ready, wrong_key, nowhere):
        assert key not in run.stdout + run.stderr and "sk_wrong_key" not in run.stdout + run.stderr
