"""Store benchmark: tau-bench import time and read/write action throughput, SQLite and PostgreSQL.

Prints, per backend: seconds to import the tau-bench retail store (500 customers, 1,000 orders,
50 products), read actions per second (order + customer lookups), and write actions per second
(address changes on pending orders, each a full audited, idempotent transaction). PostgreSQL is
measured when reachable at $SHOPKEEPER_BENCH_PG (default postgresql://127.0.0.1:5432/test).
Usage: python benchmarks/store.py [--tau DIR] [--seconds 5]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import select

from shopkeeper.actions import Actions, Context
from shopkeeper.store import repository
from shopkeeper.store.db import Database, open_store
from shopkeeper.store.schema import OrderRow
from shopkeeper.store.taubench import import_taubench

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TAU = ROOT.parent / "shared" / "data" / "tau-bench-retail"
PG = os.environ.get("SHOPKEEPER_BENCH_PG", "postgresql://127.0.0.1:5432/test")
ADDRESS = {
    "address1": "1 Bench St",
    "address2": "",
    "city": "Reno",
    "state": "NV",
    "country": "USA",
    "zip": "89501",
}


def measure(db: Database, tau: Path, seconds: float) -> dict[str, float]:
    start = time.perf_counter()
    import_taubench(db, tau)
    imported = time.perf_counter() - start
    with db.session() as s:
        rows = s.execute(select(OrderRow.id, OrderRow.customer_id, OrderRow.status)).all()
    pending = [r.id for r in rows if r.status == "pending"]
    reads, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        oid, cid, _ = rows[reads % len(rows)]
        with db.session() as s:
            repository.get_order(s, oid)
            repository.get_customer(s, cid)
        reads += 2
    read_rate = reads / (time.perf_counter() - start)
    actions, writes, start = Actions(db), 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        actions.modify_order_address(
            pending[writes % len(pending)], ADDRESS, Context(request_key=uuid.uuid4().hex)
        )
        writes += 1
    write_rate = writes / (time.perf_counter() - start)
    return {"import_s": imported, "reads_per_s": read_rate, "writes_per_s": write_rate}


def pg_database() -> str | None:
    try:
        import psycopg

        name = f"sk_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return PG.rsplit("/", 1)[0] + "/" + name
    except Exception as exc:
        print(f"postgresql: skipped ({exc})")
        return None


def drop(url: str) -> None:
    import psycopg

    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tau", type=Path, default=DEFAULT_TAU)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    if not args.tau.exists():
        raise SystemExit(f"{args.tau} not found: pass --tau DIR with users.json, orders.json, products.json")
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = open_store(f"sqlite:///{tmp}/bench.db")
        results["sqlite"] = measure(db, args.tau, args.seconds)
        db.dispose()
    if url := pg_database():
        db = open_store(url)
        try:
            results["postgresql"] = measure(db, args.tau, args.seconds)
        finally:
            db.dispose()
            drop(url)
    print(f"{'backend':<12}{'import s':>10}{'reads/s':>10}{'writes/s':>10}")
    for name, r in results.items():
        print(f"{name:<12}{r['import_s']:>10.2f}{r['reads_per_s']:>10.0f}{r['writes_per_s']:>10.0f}")
    if "postgresql" in results:
        pg, sq = results["postgresql"], results["sqlite"]
        print(
            f"postgresql/sqlite ratio: import {pg['import_s'] / sq['import_s']:.2f}x time, "
            f"reads {pg['reads_per_s'] / sq['reads_per_s']:.2f}x, writes {pg['writes_per_s'] / sq['writes_per_s']:.2f}x"
        )


if __name__ == "__main__":
    main()
