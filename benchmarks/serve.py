"""Serving benchmark: N concurrent simulated conversations over loopback HTTP for a bounded time.

Builds the demo store in a temporary directory (or uses --db), starts `shopkeeper serve` as a separate
process on a free 127.0.0.1 port (`--no-model` unless --model), waits for /readyz, then runs two phases
of --seconds each: one conversation alone, and --concurrency conversations at once. Each simulated
customer repeats a realistic script (greeting, identity, a cancellation declined at the confirmation,
a policy question), so nothing is written and the phases can run for as long as asked. Reports, per
phase: turns/s, p50/p95/p99 turn latency as the client sees it, the error count (must be 0), and the
server's peak resident memory. Exit status 1 on any error.
Run: `.venv/bin/python benchmarks/serve.py [--concurrency 8] [--seconds 20] [--model] [--json OUT]`.
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from shopkeeper.knowledge import index_demo_documents
from shopkeeper.store import repository
from shopkeeper.store.db import open_store
from shopkeeper.store.demo import build_demo
from shopkeeper.store.schema import CustomerRow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _scripts(db_url: str, count: int) -> list[list[str]]:
    """One script per customer with a pending order (cycled if there are fewer than `count`)."""
    db = open_store(db_url)
    scripts: list[list[str]] = []
    with db.session() as s:
        for customer_id in s.scalars(select(CustomerRow.id).order_by(CustomerRow.position)):
            pending = [o for o in repository.list_orders(s, customer_id) if o.status == "pending"]
            if pending:
                email = repository.get_customer(s, customer_id).email
                scripts.append(
                    [
                        "Hi, I'd like to cancel an order.",
                        f"my email is {email}",
                        f"It's order {pending[0].id}",
                        "I don't need it anymore",
                        "no, keep it",
                        "Which payment methods do you accept?",
                    ]
                )
            if len(scripts) >= count:
                break
    db.dispose()
    return [scripts[i % len(scripts)] for i in range(count)]


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _phase(url: str, scripts: list[list[str]], seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def customer(script: list[str]) -> None:
        with httpx.Client(base_url=url, timeout=120) as client:
            while time.monotonic() < stop_at:
                try:
                    cid = client.post("/api/conversations", json={"channel": "bench"}).json()["id"]
                except Exception as exc:  # counted, reported, and the benchmark fails
                    with lock:
                        errors.append(f"create: {exc}")
                    continue
                for text in script:
                    if time.monotonic() >= stop_at:
                        return
                    started = time.perf_counter()
                    try:
                        response = client.post(f"/api/conversations/{cid}/messages", json={"text": text})
                        ok = response.status_code == 200
                        detail = f"{response.status_code} {response.text[:200]}"
                    except Exception as exc:
                        ok, detail = False, repr(exc)
                    elapsed = time.perf_counter() - started
                    with lock:
                        if ok:
                            latencies.append(elapsed)
                        else:
                            errors.append(detail)

    threads = [threading.Thread(target=customer, args=(s,)) for s in scripts]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else float("nan")

    return {
        "conversations": len(scripts),
        "turns": len(latencies),
        "turns_per_s": len(latencies) / wall,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": statistics.fmean(ordered) * 1000 if ordered else float("nan"),
        "errors": len(errors),
        "first_errors": errors[:3],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--db", help="Use this store (default: a fresh demo store in a temporary directory)")
    parser.add_argument("--model", action="store_true", help="Load the language model in the server")
    parser.add_argument("--json", type=Path, help="Also write the results here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db_url = args.db or f"sqlite:///{Path(tmp) / 'demo.db'}"
        if not args.db:
            print("building the demo store ...", flush=True)
            db = open_store(db_url)
            build_demo(db, seed=5)
            index_demo_documents(db)
            db.dispose()
        scripts = _scripts(db_url, args.concurrency)
        port = _free_port()
        command = [sys.executable, "-c", "from shopkeeper.cli import main; main()", "serve", "--db", db_url]
        command += ["--port", str(port)] + ([] if args.model else ["--no-model"])
        log = (Path(tmp) / "server.log").open("wb")
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 600
            while True:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    print((Path(tmp) / "server.log").read_text()[-3000:], file=sys.stderr)
                    return 1
                try:
                    if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.3)
            _phase(url, scripts[:2], min(5.0, args.seconds))  # warm-up, not reported
            results = {
                "alone": _phase(url, scripts[:1], args.seconds),
                "concurrent": _phase(url, scripts, args.seconds),
                "server_peak_rss_mb": _peak_rss_mb(server.pid),
                "model": args.model,
            }
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()

    print(
        f"{'phase':<12}{'convs':>6}{'turns':>7}{'turns/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
    )
    for name in ("alone", "concurrent"):
        r = results[name]
        print(
            f"{name:<12}{r['conversations']:>6}{r['turns']:>7}{r['turns_per_s']:>9.1f}"
            f"{r['p50_ms']:>9.0f}{r['p95_ms']:>9.0f}{r['p99_ms']:>9.0f}{r['errors']:>8}"
        )
        for error in r["first_errors"]:
            print(f"  error: {error}")
    print(f"server peak RSS: {results['server_peak_rss_mb']:.0f} MiB")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 1 if results["alone"]["errors"] or results["concurrent"]["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
