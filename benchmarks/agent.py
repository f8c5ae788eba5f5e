"""Agent benchmark: conversation success on simulated tau-bench customers (the `make bench` figure).

The honest figure (issue 12): the text-only customer, which reads nothing but the agent's reply
text, on the two reporting splits, in four styles (regular, casual, instruction: the task's own
human-written instruction in the first person, bitext: a Bitext utterance), each conversation on a
fresh copy of the store. A conversation succeeds when the final store equals the task's expected
result exactly; a wrong write is a conversation whose store ends with a change the customer did not
ask for (an accepted write in the audit log that matches none of its goals).

Splits (fixed; docs/evaluation.md): dev = the 20 dev tasks; setaside = train tasks with
i % 5 == 0 (100), never read for tuning; tune = the other 400 train tasks, the only ones whose
transcripts may be read to improve the agent. Failures of dev and setaside are counted, never
printed. `--customer events` (or `both`) adds the old event-reading customer (asked / upfront, all
520 tasks by default) as a regression check.

Prints a table per split (success per style, turns, p50/p95 seconds per reply, wrong writes), a
summary, and ends with `success: 0.xxx` (all text conversations of the reported splits).
Usage: python benchmarks/agent.py [--splits dev,setaside] [--styles all] [--customer text|events|both]
       [--limit N] [--sample N --seed S] [--workers N] [--wording W] [--no-model] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from shopkeeper.evaluation.agents import ShopkeeperAgent
from shopkeeper.evaluation.report import CaseResult, Report, percentile, render
from shopkeeper.evaluation.taubench import SPLITS, TauBench, load_tasks, run_taubench, select
from shopkeeper.evaluation.text_customer import TEXT_STYLES

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TAU = ROOT.parent / "shared" / "data" / "tau-bench-retail"
REPORTING = ("dev", "setaside")
NOTE = (
    "setaside = train tasks with i % 5 == 0 (100), dev = the 20 dev tasks: reported, never read for tuning "
    "(their failures are counted, not printed). Tune only on --splits tune."
)


def _run(
    args: argparse.Namespace, bench: TauBench, split: str, styles: list[str], console: Console
) -> Report:
    tasks = select(load_tasks(args.tau, split), limit=args.limit, sample=args.sample, seed=args.seed)  # type: ignore[arg-type]
    total, count, started = len(tasks) * len(styles), {"done": 0, "ok": 0}, time.perf_counter()

    def progress(result: CaseResult) -> None:
        count["done"] += 1
        count["ok"] += result.success
        if count["done"] % 40 == 0 or count["done"] == total:
            console.print(
                f"  {split}: {count['done']}/{total} conversations, {count['ok']} succeeded, "
                f"{time.perf_counter() - started:.0f} s",
                highlight=False,
            )

    return run_taubench(
        bench,
        tasks,
        styles,  # type: ignore[arg-type]
        ShopkeeperAgent(model=not args.no_model),
        turn_limit=args.turn_limit,
        wording=args.wording,
        workers=args.workers,
        progress=progress,
        title=f"tau-bench retail {split}, {len(tasks)} tasks x {len(styles)} styles"
        + (" (no model)" if args.no_model else ""),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tau", type=Path, default=DEFAULT_TAU)
    parser.add_argument("--customer", choices=("text", "events", "both"), default="text")
    parser.add_argument(
        "--splits", default="dev,setaside", help=f"text customer: comma-separated, of {SPLITS}"
    )
    parser.add_argument(
        "--styles", default="all", help="text customer: all or comma-separated of " + ", ".join(TEXT_STYLES)
    )
    parser.add_argument(
        "--events-split", choices=SPLITS, default="all", help="event-reading customer's tasks"
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N tasks of each split")
    parser.add_argument(
        "--sample", type=int, default=None, help="a seeded random sample of N tasks of each split"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=max(1, min(8, (os.cpu_count() or 2) - 1)))
    parser.add_argument("--turn-limit", type=int, default=30)
    parser.add_argument(
        "--wording", default="", help="vary the customers' wording (same goals) with this seed"
    )
    parser.add_argument("--no-model", action="store_true", help="run the agent without a language model")
    parser.add_argument("--json", type=Path, default=None, help="write the reports (with transcripts) here")
    parser.add_argument(
        "--transcripts", type=int, default=3, help="failing transcripts to print (tune split only)"
    )
    args = parser.parse_args()
    if not (args.tau / "tasks_train.json").exists():
        sys.exit(f"no tau-bench retail data in {args.tau} (use --tau DIR)")
    splits = [s for s in args.splits.split(",") if s]
    styles = list(TEXT_STYLES) if args.styles == "all" else [s for s in args.styles.split(",") if s]
    if unknown := [s for s in splits if s not in SPLITS] + [s for s in styles if s not in TEXT_STYLES]:
        sys.exit(f"unknown split or style: {unknown}")
    console = Console()
    started = time.perf_counter()
    reports: dict[str, Report] = {}
    with tempfile.TemporaryDirectory(prefix="shopkeeper-bench-") as work:
        bench = TauBench.prepare(args.tau, Path(work))
        if args.customer in ("text", "both"):
            console.print(NOTE, highlight=False)
            for split in splits:
                reports[split] = report = _run(args, bench, split, styles, console)
                private = split not in ("tune",)
                render(
                    report,
                    console,
                    failures=0 if private else 30,
                    transcripts=0 if private else args.transcripts,
                )
        if args.customer in ("events", "both"):
            console.print("Regression: the event-reading customer (reads the agent's events, not its text)")
            reports["events"] = report = _run(args, bench, args.events_split, ["asked", "upfront"], console)
            render(report, console, failures=30, transcripts=args.transcripts)
    if args.json:
        args.json.write_text(json.dumps({k: r.as_dict() for k, r in reports.items()}, indent=1, default=str))
    text = [r for k, r in reports.items() if k != "events"]
    summary(console, {k: r for k, r in reports.items() if k != "events"})
    console.print(f"wall time: {time.perf_counter() - started:.0f} s with {args.workers} worker(s)")
    if "events" in reports:
        print(f"events success: {reports['events'].overall().rate:.3f}")
    results = [x for r in text for x in r.results] or reports["events"].results
    print(f"success: {sum(x.success for x in results) / max(1, len(results)):.3f}")


def summary(console: Console, reports: dict[str, Report]) -> None:
    """One line per split and style: success, wrong writes; then reply time over everything."""
    rows: list[dict[str, Any]] = []
    for split, report in reports.items():
        for s in [*report.by_style(), report.overall()]:
            rows.append({"split": split, **s.__dict__, "rate": s.rate})
    for row in rows:
        console.print(
            f"{row['split']:>9} {row['label']:>11}: {row['successes']:>3}/{row['cases']:<3} = {row['rate']:6.1%}"
            f"   wrong writes {row['wrong_writes']}",
            highlight=False,
        )
    seconds = [s for r in reports.values() for x in r.results for s in x.seconds]
    if seconds:
        console.print(
            f"reply seconds over {len(seconds)} replies: p50 {percentile(seconds, 50):.3f}, "
            f"p95 {percentile(seconds, 95):.3f}",
            highlight=False,
        )


if __name__ == "__main__":
    main()
