"""Store benchmark: tau-bench import time and read/write action throughput, SQLite and PostgreSQL.

Prints, per backend: seconds to import the tau-bench retail store (500 customers, 1,000 orders,
50 products), read actions per second (order + customer lookups), and write actions per second
(address changes on pending orders, each a full audited, idempotent transaction). PostgreSQL is
measured when reachable at $SHOPKEEPER_BENCH_PG (default postgresql://127.0.0.1:5432/test).

Then latencies (p50 and p95) of a read (an order and its customer), a write (an address change on a
pending order) and a whole agent turn ("what's the status of order N?" from a verified customer, no
language model), for the built-in store (SQLite) and for Medusa, in the same run. Medusa is the server
named by SHOPKEEPER_MEDUSA_URL (+ SHOPKEEPER_MEDUSA_API_KEY), else the one `medusa/run.sh` starts; it
is skipped, saying why, when it cannot start.
Usage: python benchmarks/store.py [--tau DIR] [--seconds 5] [--samples 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def percentiles(run: Callable[[int], object], samples: int) -> tuple[float, float]:
    """p50 and p95 of `run(i)` in milliseconds over `samples` calls."""
    times = []
    for i in range(samples):
        start = time.perf_counter()
        run(i)
        times.append((time.perf_counter() - start) * 1000)
    cuts = statistics.quantiles(times, n=20, method="inclusive")
    return statistics.median(times), cuts[18]


def latencies_builtin(samples: int) -> dict[str, tuple[float, float]]:
    from shopkeeper.agent import Agent
    from shopkeeper.store.demo import build_demo

    out: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = open_store(f"sqlite:///{tmp}/demo.db")
        build_demo(db)
        with db.session() as s:
            rows = s.execute(select(OrderRow.id, OrderRow.customer_id, OrderRow.status)).all()
        pending = [r for r in rows if r.status == "pending"]

        def read(i: int) -> object:
            oid, cid, _ = rows[i % len(rows)]
            with db.session() as s:
                return repository.get_order(s, oid), repository.get_customer(s, cid)

        actions = Actions(db)
        out["read"] = percentiles(read, samples)
        out["write"] = percentiles(
            lambda i: actions.modify_order_address(
                pending[i].id, ADDRESS, Context(request_key=uuid.uuid4().hex)
            ),
            samples,
        )
        with db.session() as s:
            customer = repository.get_customer(s, pending[0].customer_id)
        out["agent turn"] = _turns(Agent(db), customer.email, pending[0].id, samples)
        db.dispose()
    return out


def _turns(agent: Any, email: str, order_id: str, samples: int) -> tuple[float, float]:
    """p50/p95 of the status turn alone (verification happens before the clock starts)."""
    times = []
    for _ in range(samples):
        cid = agent.start()
        agent.reply(cid, f"Hi, I'm {email}")
        start = time.perf_counter()
        agent.reply(cid, f"What's the status of order {order_id}?")
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), statistics.quantiles(times, n=20, method="inclusive")[18]


def latencies_medusa(samples: int) -> dict[str, tuple[float, float]] | str:
    """Medusa's figures, or why it was skipped."""
    from shopkeeper.domain import Address
    from shopkeeper.store.medusa import MedusaBackend

    url, key = os.environ.get("SHOPKEEPER_MEDUSA_URL"), os.environ.get("SHOPKEEPER_MEDUSA_API_KEY")
    if not url:
        try:
            done = subprocess.run(
                [str(ROOT / "medusa" / "run.sh")], capture_output=True, text=True, timeout=3600, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"medusa/run.sh could not run ({exc})"
        if done.returncode != 0:
            return f"medusa/run.sh failed: {done.stderr.strip().splitlines()[-1:]}"
        url = done.stdout.strip().splitlines()[-1]
    key_file = ROOT / "medusa" / ".runtime" / "api_key"
    key = key or (key_file.read_text().strip() if key_file.exists() else None)
    if not key:
        return "no API key (SHOPKEEPER_MEDUSA_API_KEY or medusa/.runtime/api_key)"
    backend = MedusaBackend(url, key, timeout=60)
    try:
        if problems := backend.check():
            return "; ".join(problems)
        customers = backend.client.get("/admin/customers", fields="id", limit=50)["customers"]
        orders = [o for c in customers for o in backend.list_orders(c["id"])]
        pending = [o for o in orders if o.status == "pending"]
        if not pending:
            return "no pending order left to change (medusa/run.sh --fresh restores the store)"
        out: dict[str, tuple[float, float]] = {}
        out["read"] = percentiles(
            lambda i: (
                backend.get_order(orders[i % len(orders)].id),
                backend.get_customer(orders[i % len(orders)].customer_id),
            ),
            samples,
        )
        address = Address(**ADDRESS)
        out["write"] = percentiles(
            lambda i: backend.modify_order_address(
                pending[i % len(pending)].id, address, key=uuid.uuid4().hex
            ),
            samples,
        )
        out["agent turn"] = _medusa_turns(backend, pending[0], samples)
        return out
    finally:
        backend.close()


def _medusa_turns(backend: Any, order: Any, samples: int) -> tuple[float, float]:
    import inspect

    from shopkeeper.agent import Agent

    if "store" not in inspect.signature(Agent).parameters:
        print("medusa agent turn: not measured, this checkout's Agent takes no store backend")
        return (float("nan"), float("nan"))
    with tempfile.TemporaryDirectory() as tmp:
        db = open_store(f"sqlite:///{tmp}/own.db")
        email = backend.get_customer(order.customer_id).email
        try:
            agent: Any = Agent  # takes `store` once the store seam is wired in (checked above)
            return _turns(agent(db, store=backend), email, order.id, samples)
        finally:
            db.dispose()


def print_latencies(samples: int) -> None:
    rows: dict[str, dict[str, tuple[float, float]] | str] = {"built-in (SQLite)": latencies_builtin(samples)}
    rows["medusa"] = latencies_medusa(samples)
    print(f"\nlatency in ms, p50 / p95 over {samples} samples")
    print(f"{'store':<18}{'read':>16}{'write':>16}{'agent turn':>16}")
    for name, r in rows.items():
        if isinstance(r, str):
            print(f"{name:<18} skipped: {r}")
            continue
        cells = "".join(
            f"{f'{r[k][0]:.0f} / {r[k][1]:.0f}' if r[k][0] == r[k][0] else 'n/a':>16}"  # NaN: not measured
            for k in ("read", "write", "agent turn")
        )
        print(f"{name:<18}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tau", type=Path, default=DEFAULT_TAU)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--samples", type=int, default=20)
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

    print_latencies(args.samples)


if __name__ == "__main__":
    main()
