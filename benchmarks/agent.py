"""Agent benchmark: conversation success on simulated tau-bench customers (the `make bench` figure).

Every task of tau-bench retail train + dev (520) in both customer styles ("asked": reveals things
only when asked; "upfront": says everything in the first message), each on a fresh copy of the
store; a conversation succeeds when the final store equals the task's expected result exactly.
Prints the report (success rate per style, turns per conversation, p50/p95 seconds per agent reply,
failure reasons) and ends with the line `success: 0.xxx`.
Usage: python benchmarks/agent.py [--limit N] [--sample N --seed S] [--style both] [--workers N]
       [--wording W] [--no-model] [--json FILE] [--tau DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

from shopkeeper.evaluation.agents import ShopkeeperAgent
from shopkeeper.evaluation.report import CaseResult, render
from shopkeeper.evaluation.taubench import TauBench, load_tasks, run_taubench, select

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TAU = ROOT.parent / "shared" / "data" / "tau-bench-retail"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tau", type=Path, default=DEFAULT_TAU)
    parser.add_argument("--split", choices=("train", "dev", "all"), default="all")
    parser.add_argument("--style", choices=("asked", "upfront", "both"), default="both")
    parser.add_argument("--limit", type=int, default=None, help="only the first N tasks")
    parser.add_argument("--sample", type=int, default=None, help="a seeded random sample of N tasks")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=max(1, min(8, (os.cpu_count() or 2) - 1)))
    parser.add_argument("--turn-limit", type=int, default=30)
    parser.add_argument(
        "--wording", default="", help="vary the customers' wording (same goals) with this seed"
    )
    parser.add_argument("--no-model", action="store_true", help="run the agent without a language model")
    parser.add_argument("--json", type=Path, default=None, help="write the full report with transcripts here")
    parser.add_argument("--transcripts", type=int, default=3, help="print this many failing transcripts")
    args = parser.parse_args()
    if not (args.tau / "tasks_train.json").exists():
        sys.exit(f"no tau-bench retail data in {args.tau} (use --tau DIR)")
    console = Console()
    styles = ["asked", "upfront"] if args.style == "both" else [args.style]
    tasks = select(load_tasks(args.tau, args.split), limit=args.limit, sample=args.sample, seed=args.seed)
    total = len(tasks) * len(styles)
    count = {"done": 0, "ok": 0}
    started = time.perf_counter()

    def progress(result: CaseResult) -> None:
        count["done"] += 1
        count["ok"] += result.success
        if count["done"] % 20 == 0 or count["done"] == total:
            console.print(
                f"{count['done']}/{total} conversations, {count['ok']} succeeded, "
                f"{time.perf_counter() - started:.0f} s",
                highlight=False,
            )

    with tempfile.TemporaryDirectory(prefix="shopkeeper-bench-") as work:
        bench = TauBench.prepare(args.tau, Path(work))
        report = run_taubench(
            bench,
            tasks,
            styles,  # type: ignore[arg-type]
            ShopkeeperAgent(model=not args.no_model),
            turn_limit=args.turn_limit,
            wording=args.wording,
            workers=args.workers,
            progress=progress,
            title=f"tau-bench retail, {len(tasks)} tasks x {len(styles)} styles"
            + (" (no model)" if args.no_model else ""),
        )
    render(report, console, failures=30, transcripts=args.transcripts)
    if args.json:
        args.json.write_text(json.dumps(report.as_dict(), indent=1, default=str))
    console.print(f"wall time: {time.perf_counter() - started:.0f} s with {args.workers} worker(s)")
    print(f"success: {report.overall().rate:.3f}")


if __name__ == "__main__":
    main()
