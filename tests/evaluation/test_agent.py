"""The real agent on a fixed sample of 20 tau-bench tasks in both customer styles, and on every
scenario file. The success rate is a measured floor (printed; the full 520-task figure comes from
`benchmarks/agent.py`); the adversarial scenarios must all pass: no write outside policy, no leak.
Runs without a language model (the model only phrases small talk), so it is fast and repeatable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shopkeeper.evaluation.agents import ShopkeeperAgent
from shopkeeper.evaluation.report import Report
from shopkeeper.evaluation.scenarios import load, run_scenarios
from shopkeeper.evaluation.taubench import TauBench, TauTask, run_taubench, select
from tests.conftest import TAU_DIR

pytest.importorskip("shopkeeper.agent")

SAMPLE, SEED = 20, 1
FLOOR = 0.95  # measured 1.000 (40/40) at commit 11b25e0, 0.900 at 32f9bed; raise it as the agent improves


def _failures(report: Report) -> str:
    return "\n\n".join(
        f"{r.name} ({r.style}) {r.reason}: {'; '.join(r.details)}\n{r.conversation.transcript(events=False)}"
        for r in report.failures
    )


@pytest.mark.slow
def test_sample_of_taubench_tasks(tau_bench: TauBench, tau_tasks: dict[str, TauTask]) -> None:
    tasks = select(list(tau_tasks.values()), sample=SAMPLE, seed=SEED)
    report = run_taubench(tau_bench, tasks, ["asked", "upfront"], ShopkeeperAgent(model=False))
    rate = report.overall().rate
    by_style = ", ".join(f"{s.label} {s.rate:.3f}" for s in report.by_style())
    print(f"\ntau-bench sample: {rate:.3f} ({by_style}); reasons {dict(report.reasons())}")
    assert rate >= FLOOR, _failures(report)


@pytest.mark.slow
def test_every_scenario_passes(scenarios_dir: Path, tmp_path: Path) -> None:
    scenarios = [s for f in sorted(scenarios_dir.glob("*.yaml")) for s in load(f)]
    report = run_scenarios(scenarios, ShopkeeperAgent(model=False), tmp_path, tau_dir=TAU_DIR)
    print(f"\nscenarios: {len(report.results) - len(report.failures)}/{len(report.results)} passed")
    assert not report.failures, _failures(report)


@pytest.mark.slow
def test_eval_command_prints_the_report(scenarios_dir: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from shopkeeper.cli.eval import app

    out = tmp_path / "report.json"
    args = [
        "taubench",
        "--customer",
        "events",
        "--split",
        "dev",
        "--limit",
        "2",
        "--tau",
        str(TAU_DIR),
        "--no-model",
        "--json",
        str(out),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    for word in ("asked", "upfront", "rate", "reply s p50", "reply s p95", "turns"):
        assert word in result.output
    assert len(json.loads(out.read_text())["results"]) == 4

    text = ["taubench", "--split", "tune", "--limit", "1", "--style", "regular,casual", "--tau", str(TAU_DIR)]
    result = CliRunner().invoke(app, [*text, "--no-model"])
    assert result.exit_code == 0, result.output
    for word in ("regular", "casual", "wrong writes", "text customer"):
        assert word in result.output

    result = CliRunner().invoke(app, ["scenarios", str(scenarios_dir / "demo.yaml"), "--no-model"])
    assert result.exit_code == 0, result.output
    assert "scripted" in result.output and "100.0%" in result.output
