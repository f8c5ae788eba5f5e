"""Which store serves, from the environment only: `SHOPKEEPER_STORE`, `SHOPKEEPER_MEDUSA_URL` and
`SHOPKEEPER_MEDUSA_API_KEY`; mistakes fail with the fix in the message, and the key is never echoed."""

from __future__ import annotations

import pytest

from shopkeeper.config import load_settings
from shopkeeper.errors import ConfigError

KEY = "sk_0123456789abcdef"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "SHOPKEEPER_STORE",
        "SHOPKEEPER_MEDUSA_URL",
        "SHOPKEEPER_MEDUSA_API_KEY",
        "SHOPKEEPER_DB_URL",
    ):
        monkeypatch.delenv(name, raising=False)


def test_the_built_in_store_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().store == "sql" and load_settings().medusa is None
    # Medusa settings alone do not switch stores.
    monkeypatch.setenv("SHOPKEEPER_MEDUSA_URL", "http://127.0.0.1:9000")
    assert load_settings().store == "sql"


def test_medusa_from_the_environment_keeps_the_key_out_of_sight(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPKEEPER_STORE", " Medusa ")
    monkeypatch.setenv("SHOPKEEPER_MEDUSA_URL", "https://shop.example.com/")
    monkeypatch.setenv("SHOPKEEPER_MEDUSA_API_KEY", KEY)
    settings = load_settings()
    assert settings.store == "medusa" and settings.medusa is not None
    assert settings.medusa.url == "https://shop.example.com"
    assert settings.medusa.api_key.get_secret_value() == KEY
    assert KEY not in repr(settings) and KEY not in str(settings) and KEY not in settings.model_dump_json()


@pytest.mark.parametrize(
    ("environment", "problem", "fix"),
    [
        ({"SHOPKEEPER_STORE": "shopify"}, "Unknown store 'shopify'", "SHOPKEEPER_STORE=medusa"),
        (
            {"SHOPKEEPER_MEDUSA_API_KEY": KEY},
            "SHOPKEEPER_MEDUSA_URL is not set",
            "export SHOPKEEPER_MEDUSA_URL=",
        ),
        (
            {"SHOPKEEPER_MEDUSA_URL": "http://127.0.0.1:9000"},
            "SHOPKEEPER_MEDUSA_API_KEY is not set",
            "Secret API Keys",
        ),
        (
            {"SHOPKEEPER_MEDUSA_URL": "shop.example.com", "SHOPKEEPER_MEDUSA_API_KEY": KEY},
            "not an http(s) URL",
            "https://",
        ),
        (
            {"SHOPKEEPER_MEDUSA_URL": "ftp://shop.example.com", "SHOPKEEPER_MEDUSA_API_KEY": KEY},
            "not an http(s) URL",
            "https://",
        ),
        (
            {"SHOPKEEPER_MEDUSA_URL": "https://shop.example.com/admin/", "SHOPKEEPER_MEDUSA_API_KEY": KEY},
            "/admin API",
            "=https://shop.example.com",
        ),
        (
            {"SHOPKEEPER_MEDUSA_URL": "https://me:pw@shop.example.com", "SHOPKEEPER_MEDUSA_API_KEY": KEY},
            "credentials",
            "SHOPKEEPER_MEDUSA_API_KEY",
        ),
        (
            {"SHOPKEEPER_MEDUSA_URL": "https://shop.example.com", "SHOPKEEPER_MEDUSA_API_KEY": "pk_123"},
            "publishable key",
            "sk_",
        ),
    ],
)
def test_medusa_mistakes_say_what_to_fix(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], problem: str, fix: str
) -> None:
    monkeypatch.setenv("SHOPKEEPER_STORE", "medusa")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert problem in caught.value.problem and fix in caught.value.fix
    assert KEY not in str(caught.value) and "pk_123" not in str(caught.value)
