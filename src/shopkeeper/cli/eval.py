"""`shopkeeper eval ...`: run the agent against simulated tau-bench customers or YAML scenarios and
print the report (success rate, turns per conversation, p50/p95 seconds per reply, failures)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from shopkeeper.errors import DataError

app = typer.Typer(
    help="Evaluate the agent: simulated tau-bench customers and scenario files.", no_args_is_help=True
)
_console = Console()
DEFAULT_TAU = Path("../shared/data/tau-bench-retail")

NoModel = Annotated[
    bool, typer.Option("--no-model", help="Run the agent without a language model (templates only).")
]
JsonOut = Annotated[
    Path | None, typer.Option("--json", help="Also write the full report (with transcripts) here.")
]
Transcripts = Annotated[int, typer.Option(help="Print the transcripts of this many failures.")]


def _write_json(path: Path | None, data: object) -> None:
    if path is not None:
        path.write_text(json.dumps(data, indent=1, default=str))
        _console.print(f"Report written to {path}")


CUSTOMER_STYLES = {
    "text": ("regular", "casual", "instruction", "bitext"),
    "events": ("asked", "upfront"),
}


@app.command("taubench")
def taubench(
    split: Annotated[
        str, typer.Option(help="Tasks: tune (train i%5!=0), setaside (train i%5==0), dev, train or all")
    ] = "dev",
    customer: Annotated[
        str,
        typer.Option(
            help="text: reads only the reply text (honest figure); events: reads events (regression)"
        ),
    ] = "text",
    style: Annotated[
        str,
        typer.Option(
            help="Comma-separated styles, or all. text: regular, casual, instruction, bitext; "
            "events: asked, upfront (both = all)"
        ),
    ] = "all",
    limit: Annotated[int | None, typer.Option(help="Only the first N tasks (after sampling)")] = None,
    sample: Annotated[int | None, typer.Option(help="A random sample of N tasks (see --seed)")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the sample")] = 0,
    tau: Annotated[Path, typer.Option(help="Folder with the tau-bench retail files")] = DEFAULT_TAU,
    turn_limit: Annotated[int, typer.Option(help="Customer messages before a conversation is cut off")] = 30,
    workers: Annotated[int, typer.Option(help="Conversations run in this many processes")] = 1,
    wording: Annotated[
        str, typer.Option(help="Vary the customers' wording (same goals) with this seed")
    ] = "",
    no_model: NoModel = False,
    json_out: JsonOut = None,
    transcripts: Transcripts = 0,
) -> None:
    """Simulated customers from tau-bench tasks; success = the final store equals the expected one.

    Tune only on --split tune; setaside and dev are for reporting, never for reading failures."""
    from shopkeeper.evaluation.agents import ShopkeeperAgent
    from shopkeeper.evaluation.report import render
    from shopkeeper.evaluation.taubench import SPLITS, TauBench, load_tasks, run_taubench, select

    if split not in SPLITS:
        raise DataError(f"--split must be one of {', '.join(SPLITS)}, not {split!r}")
    styles = parse_styles(customer, style)
    if not (tau / "tasks_train.json").exists():
        raise DataError(f"No tau-bench retail data in {tau} (use --tau DIR)")
    tasks = select(load_tasks(tau, split), limit=limit, sample=sample, seed=seed)
    with tempfile.TemporaryDirectory(prefix="shopkeeper-eval-") as work:
        bench = TauBench.prepare(tau, Path(work))
        with _console.status("") as status:
            done: list[bool] = []

            def progress(result: object) -> None:
                done.append(bool(getattr(result, "success", False)))
                status.update(f"{len(done)}/{len(tasks) * len(styles)} conversations, {sum(done)} succeeded")

            report = run_taubench(
                bench,
                tasks,
                styles,  # type: ignore[arg-type]
                ShopkeeperAgent(model=not no_model),
                turn_limit=turn_limit,
                wording=wording,
                workers=workers,
                progress=progress,
                title=f"tau-bench retail ({split}, {len(tasks)} tasks, {customer} customer)",
            )
    render(report, _console, transcripts=transcripts)
    _write_json(json_out, report.as_dict())


def parse_styles(customer: str, style: str) -> list[str]:
    """The styles to run for `--customer` and `--style` ("all", "both" or a comma-separated list)."""
    known = CUSTOMER_STYLES.get(customer)
    if known is None:
        raise DataError(f"--customer must be text or events, not {customer!r}")
    if style in ("all", "both"):
        return list(known)
    styles = [s.strip() for s in style.split(",") if s.strip()]
    unknown = [s for s in styles if s not in known]
    if unknown or not styles:
        raise DataError(f"--style for the {customer} customer must be all or among {', '.join(known)}")
    return styles


@app.command("scenarios")
def scenarios(
    files: Annotated[list[Path], typer.Argument(help="Scenario YAML files")],
    tau: Annotated[Path, typer.Option(help="Folder with the tau-bench retail files")] = DEFAULT_TAU,
    no_model: NoModel = False,
    json_out: JsonOut = None,
    transcripts: Transcripts = 5,
) -> None:
    """Run scenario files; each passes when all its expectations hold."""
    from shopkeeper.evaluation.agents import ShopkeeperAgent
    from shopkeeper.evaluation.report import render
    from shopkeeper.evaluation.scenarios import load, run_scenarios

    loaded = [s for f in files for s in load(f)]
    with tempfile.TemporaryDirectory(prefix="shopkeeper-eval-") as work:
        report = run_scenarios(loaded, ShopkeeperAgent(model=not no_model), Path(work), tau_dir=tau)
    render(report, _console, transcripts=transcripts)
    _write_json(json_out, report.as_dict())
    if report.failures:
        raise typer.Exit(1)
