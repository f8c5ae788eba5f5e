"""tau-bench import/export round trip, malformed files, and the deterministic demo store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from shopkeeper.errors import DataError
from shopkeeper.evaluation.storediff import to_cents
from shopkeeper.store.db import Database, open_store
from shopkeeper.store.demo import STATUSES, build_demo
from shopkeeper.store.taubench import export_taubench, import_taubench
from tests.store.conftest import table_rows

MINI: dict[str, dict[str, Any]] = {
    "products.json": {
        "111": {
            "name": "Lamp",
            "product_id": "111",
            "variants": {
                "1001": {"item_id": "1001", "options": {"color": "red"}, "available": True, "price": 20.5},
                "1002": {"item_id": "1002", "options": {"color": "blue"}, "available": False, "price": 21.0},
            },
        },
    },
    "users.json": {
        "ann_lee_1": {
            "name": {"first_name": "Ann", "last_name": "Lee"},
            "address": {
                "address1": "1 A St",
                "address2": "",
                "city": "X",
                "country": "USA",
                "state": "CA",
                "zip": "90001",
            },
            "email": "ann@example.com",
            "payment_methods": {"gift_card_1": {"source": "gift_card", "balance": 40, "id": "gift_card_1"}},
            "orders": ["#W1"],
        },
    },
    "orders.json": {
        "#W1": {
            "order_id": "#W1",
            "user_id": "ann_lee_1",
            "address": {
                "address1": "1 A St",
                "address2": "",
                "city": "X",
                "country": "USA",
                "state": "CA",
                "zip": "90001",
            },
            "items": [
                {
                    "name": "Lamp",
                    "product_id": "111",
                    "item_id": "1001",
                    "price": 20.5,
                    "options": {"color": "red"},
                }
            ],
            "fulfillments": [],
            "status": "pending",
            "payment_history": [
                {"transaction_type": "payment", "amount": 20.5, "payment_method_id": "gift_card_1"}
            ],
        },
    },
}


def write_store(directory: Path, data: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in data.items():
        (directory / name).write_text(content if isinstance(content, str) else json.dumps(content))
    return directory


def test_mini_round_trip(db: Database, tmp_path: Path) -> None:
    src = write_store(tmp_path / "in", MINI)
    assert import_taubench(db, src) == {"customers": 1, "orders": 1, "products": 1}
    export_taubench(db, tmp_path / "out")
    for name, content in MINI.items():
        assert to_cents(json.loads((tmp_path / "out" / name).read_text())) == to_cents(content)


def test_full_tau_bench_round_trip(sqlite_db: Database, tmp_path: Path, tau_dir: Path) -> None:
    import_taubench(sqlite_db, tau_dir)
    export_taubench(sqlite_db, tmp_path / "out")
    for name in ("users.json", "orders.json", "products.json"):
        assert to_cents(json.loads((tmp_path / "out" / name).read_text())) == to_cents(
            json.loads((tau_dir / name).read_text())
        )


def _broken(mutate: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(MINI))
    mutate(data)
    return data


BROKEN = {
    "truncated JSON": ({**MINI, "orders.json": json.dumps(MINI["orders.json"])[:-25]}, "not valid JSON"),
    "missing field": (_broken(lambda d: d["users.json"]["ann_lee_1"].pop("email")), "field email"),
    "negative price": (
        _broken(lambda d: d["products.json"]["111"]["variants"]["1001"].update(price=-3)),
        "greater than or equal to 0",
    ),
    "unknown field": (_broken(lambda d: d["orders.json"]["#W1"].update(colour="red")), "colour"),
    "mismatched id": (_broken(lambda d: d["orders.json"]["#W1"].update(order_id="#W2")), "must match"),
    "unknown user": (_broken(lambda d: d["orders.json"]["#W1"].update(user_id="nobody")), "unknown user"),
    "not an object": ({**MINI, "users.json": "[1, 2]"}, "expected a JSON object"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_malformed_files_change_nothing(case: str, db: Database, tmp_path: Path) -> None:
    import_taubench(
        db, write_store(tmp_path / "ok", _broken(lambda d: None) | {"users.json": {}, "orders.json": {}})
    )
    before = table_rows(db)
    data, message = BROKEN[case]
    with pytest.raises(DataError, match=message):
        import_taubench(db, write_store(tmp_path / "bad", data))
    assert table_rows(db) == before


def test_import_twice_is_refused(sqlite_db: Database, tmp_path: Path) -> None:
    src = write_store(tmp_path / "in", MINI)
    import_taubench(sqlite_db, src)
    before = table_rows(sqlite_db)
    with pytest.raises(DataError, match="already has"):
        import_taubench(sqlite_db, src)
    assert table_rows(sqlite_db) == before


def test_demo_store_is_complete_and_deterministic(tmp_path: Path) -> None:
    dbs = [open_store(f"sqlite:///{tmp_path / f'demo{i}.db'}") for i in range(2)]
    counts = [build_demo(db, seed=3) for db in dbs]
    assert counts[0] == counts[1]
    assert counts[0]["products"] >= 60 and counts[0]["customers"] == 300 and counts[0]["orders"] == 1500
    assert set(counts[0]["statuses"]) == set(STATUSES)
    for i, db in enumerate(dbs):
        export_taubench(db, tmp_path / f"out{i}")
    for name in ("users.json", "orders.json", "products.json"):
        assert (tmp_path / "out0" / name).read_text() == (tmp_path / "out1" / name).read_text()
    with pytest.raises(DataError, match="already holds a store"):
        build_demo(dbs[0])
