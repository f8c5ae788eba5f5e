"""Bounded soak: concurrent conversations against a real server while it is killed and restarted.

Several simulated customers each verify and cancel one of their pending orders over HTTP, retrying
the same message with the same `request_id` whenever the server is down. Every `--fault-every`
seconds the server is SIGKILLed and started again (with `--restart-db` on PostgreSQL, the database
server is restarted too). Afterwards it checks that no write was lost or duplicated: the store
equals a fresh build of the same demo store with the audit log's accepted writes replayed in order,
and no order was cancelled twice. Prints conversations completed, writes, faults and the verdict.
Usage: python benchmarks/soak.py [--minutes 10] [--conversations 4] [--fault-every 30] [--db URL]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from shopkeeper import audit
from shopkeeper.actions import Actions
from shopkeeper.store.db import Database, open_store
from shopkeeper.store.demo import build_demo
from shopkeeper.store.schema import CustomerRow, OrderRow
from shopkeeper.store.taubench import export_customers, export_orders, export_products

SEED = 21
EXE = str(Path(sys.executable).parent / "shopkeeper")


class Server:
    def __init__(self, db_url: str, log: Path) -> None:
        self.db_url, self.log = db_url, log
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [EXE, "serve", "--db", self.db_url, "--port", str(self.port), "--no-model"],
                stdout=out,
                stderr=out,
            )
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"server did not become ready; see {self.log}")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()


def send(url: str, cid: str, text: str, stop: threading.Event) -> dict[str, Any] | None:
    """One customer message, retried with the same request id until the server answers."""
    request_id = uuid.uuid4().hex
    while not stop.is_set():
        try:
            r = httpx.post(
                f"{url}/api/conversations/{cid}/messages",
                json={"text": text, "request_id": request_id},
                timeout=60,
            )
            if r.status_code == 200:
                return dict(r.json())
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    return None


def converse(server: Server, email: str, order_id: str, stop: threading.Event) -> bool:
    cid = None
    while cid is None and not stop.is_set():
        try:
            cid = httpx.post(f"{server.url}/api/conversations", timeout=30).json()["id"]
        except (httpx.HTTPError, KeyError, ValueError):
            time.sleep(0.5)
    if cid is None:
        return False
    message = f"Hi, my email is {email}. Please cancel order {order_id}, I no longer need it."
    for _ in range(8):
        reply = send(server.url, cid, message, stop)
        if reply is None:
            return False
        events = reply["events"]
        if any(e["type"] == "action" and e["ok"] for e in events):
            return True
        question = next((e for e in events if e["type"] == "question"), None)
        if any(e["type"] == "proposal" for e in events):
            message = "yes"
        elif question and question["slot"] == "reason":
            message = "no longer needed"
        elif question and question["slot"] == "order_id":
            message = order_id
        else:
            message = f"cancel order {order_id} please, it's no longer needed"
    return False


def _export(db: Database) -> list[dict[str, Any]]:
    with db.session() as s:
        return [export_customers(s), export_orders(s), export_products(s)]


def replay_matches(live_url: str, tmp: Path) -> tuple[bool, int, int]:
    """Rebuild the store from the seed, replay the audit log's accepted writes; compare."""
    live = open_store(live_url)
    writes = [e for e in reversed(audit.entries(live, limit=1_000_000)) if e.outcome == "ok"]
    cancelled = [e.arguments["order_id"] for e in writes if e.action == "cancel_order"]
    fresh = open_store(f"sqlite:///{tmp / 'replay.db'}")
    build_demo(fresh, seed=SEED)
    actions = Actions(fresh)
    for e in writes:
        getattr(actions, e.action)(**e.arguments)
    same = _export(live) == _export(fresh)  # records, not raw rows: the two may be different backends
    live.dispose()
    fresh.dispose()
    return same and len(cancelled) == len(set(cancelled)), len(writes), len(cancelled) - len(set(cancelled))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--conversations", type=int, default=4)
    parser.add_argument("--fault-every", type=float, default=30.0)
    parser.add_argument("--db", default=None, help="database URL (default: a SQLite file in a temp folder)")
    parser.add_argument("--restart-db", action="store_true", help="also restart PostgreSQL at each fault")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="soak-"))
    url = args.db or f"sqlite:///{tmp / 'soak.db'}"
    db = open_store(url)
    build_demo(db, seed=SEED)
    with db.session() as s:
        pending = [
            (o.id, c.email)
            for o, c in s.execute(
                select(OrderRow, CustomerRow)
                .join(CustomerRow, OrderRow.customer_id == CustomerRow.id)
                .where(OrderRow.status == "pending")
            ).all()
        ]
    db.dispose()
    random.Random(SEED).shuffle(pending)
    server = Server(url, tmp / "server.log")
    server.start()
    stop, lock = threading.Event(), threading.Lock()
    done, faults, failed = [0], [0], [0]

    def worker() -> None:
        while not stop.is_set():
            with lock:
                if not pending:
                    return
                order_id, email = pending.pop()
            ok = converse(server, email, order_id, stop)
            with lock:
                (done if ok else failed)[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(args.conversations)]
    started = time.monotonic()
    for t in threads:
        t.start()
    while time.monotonic() - started < args.minutes * 60:
        time.sleep(min(args.fault_every, args.minutes * 60 - (time.monotonic() - started)))
        if time.monotonic() - started >= args.minutes * 60:
            break
        server.kill()
        if args.restart_db:
            subprocess.run(["pg_ctlcluster", "15", "main", "restart"], check=False)
        server.start()
        faults[0] += 1
    stop.set()
    for t in threads:
        t.join()
    server.kill()
    same, writes, duplicates = replay_matches(url, tmp)
    print(
        f"minutes: {args.minutes}, concurrent conversations: {args.conversations}, faults injected: {faults[0]}"
    )
    print(
        f"conversations completed: {done[0]}, not completed (deadline, or no write within 8 turns): {failed[0]}, writes executed: {writes}"
    )
    print(f"duplicate cancellations: {duplicates}")
    print(f"store equals the replay of the audit log: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
