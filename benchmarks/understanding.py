"""Benchmark: intent accuracy of the understanding layer on Bitext's customer-support intents.

Usage: `python benchmarks/understanding.py [--data FILE] [--part report|tune|all] [--limit N]`. FILE is
JSONL with `text` and `intent` (Bitext labels, mapped one-to-one onto ours by `BITEXT_TO_INTENT`);
default is `../shared/data/bitext-customer-support/intent_dev.jsonl`. The classifier is trained only
on the project's own examples.

Bitext is split once, by text (`shopkeeper.evaluation.bitext.part`: the SHA-256 of the utterance, odd
-> report, even -> tune). The reported figure is on the *report* half (the default `--part report`),
which must never be read to improve understanding; `--part tune` is the half that may be. Prints the
part and its size, accuracy per Bitext intent, the top confusions (confusions only for the tune half:
the report half's messages are counted, not shown) and messages per second, and ends with the line
`accuracy: 0.xxx`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "bitext-customer-support" / "intent_dev.jsonl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="JSONL file with text and intent")
    parser.add_argument(
        "--part", choices=("report", "tune", "all"), default="report", help="which fixed half of Bitext"
    )
    parser.add_argument("--limit", type=int, default=0, help="only the first N rows (0: all)")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"no data at {args.data}", file=sys.stderr)
        return 2

    from shopkeeper.evaluation.bitext import part
    from shopkeeper.understanding.classifier import classify_messages, get_classifier
    from shopkeeper.understanding.intents import BITEXT_TO_INTENT

    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.part != "all":
        rows = [row for row in rows if part(row["text"]) == args.part]
    if args.limit:
        rows = rows[: args.limit]
    started = time.perf_counter()
    classifier = get_classifier()
    ready = time.perf_counter()
    correct = 0
    per_label: Counter[str] = Counter()
    per_label_ok: Counter[str] = Counter()
    confusions: Counter[tuple[str, str]] = Counter()
    results = classify_messages([row["text"] for row in rows], classifier)
    for row, guesses in zip(rows, results, strict=True):
        label = row["intent"]
        expected = BITEXT_TO_INTENT[label]
        got = guesses[0].intent
        per_label[label] += 1
        if got == expected:
            correct += 1
            per_label_ok[label] += 1
        else:
            confusions[(f"{label}->{expected}", str(got))] += 1
    elapsed = time.perf_counter() - ready
    print(
        f"part: {args.part}   rows: {len(rows)}   classifier ready in {ready - started:.1f}s   "
        f"{len(rows) / elapsed:.0f} messages/s"
    )
    print("\nper Bitext intent (ours):")
    for label in sorted(per_label, key=lambda k: per_label_ok[k] / per_label[k]):
        print(f"  {per_label_ok[label] / per_label[label]:6.3f}  {label} -> {BITEXT_TO_INTENT[label]}")
    if args.part != "report":  # the report half is for measuring only: no messages to tune on
        print("\ntop confusions (expected -> got: count):")
        for (expected, got), count in confusions.most_common(15):
            print(f"  {count:4d}  {expected} -> {got}")
    print(f"\naccuracy: {correct / max(1, len(rows)):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
