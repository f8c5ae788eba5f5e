"""`benchmarks/understanding.py` on a tiny hand-written file in the Bitext format: it maps labels, scores,
and ends with the `accuracy:` line (the full Bitext run is `make bench`)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from shopkeeper.understanding import IntentClassifier

ROOT = Path(__file__).resolve().parents[2]


def test_benchmark_on_a_small_file(
    classifier: IntentClassifier, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {"text": "please cancel my order 12345", "intent": "cancel_order"},
        {"text": "where is the parcel I ordered last week", "intent": "track_order"},
        {"text": "I forgot my password and can't log in", "intent": "recover_password"},
    ]
    data = tmp_path / "mini.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location(
        "bench_understanding", ROOT / "benchmarks" / "understanding.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--data", str(data), "--part", "all"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "accuracy: 1.000"
    assert any("messages/s" in line for line in out)


def test_bitext_sample_accuracy(classifier: IntentClassifier) -> None:
    """A regression guard on 10 messages per Bitext intent (measured, never trained on)."""
    from shopkeeper.understanding import BITEXT_TO_INTENT
    from shopkeeper.understanding.classifier import classify_messages
    from tests.conftest import BITEXT, require_shared

    rows = [json.loads(line) for line in require_shared(BITEXT).read_text(encoding="utf-8").splitlines()]
    sample: list[dict[str, str]] = []
    for label in BITEXT_TO_INTENT:
        sample.extend([r for r in rows if r["intent"] == label][::20][:10])
    guesses = classify_messages([r["text"] for r in sample], classifier)
    correct = sum(g[0].intent == BITEXT_TO_INTENT[r["intent"]] for r, g in zip(sample, guesses, strict=True))
    assert len(sample) == 270
    assert correct / len(sample) >= 0.88
