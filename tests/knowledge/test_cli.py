"""`shopkeeper kb`: add (with progress), list, search, ask, remove against a real SQLite store."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from shopkeeper.cli.kb import app
from shopkeeper.knowledge import demo_docs_dir


def test_kb_commands(tmp_path: Path) -> None:
    runner = CliRunner()
    db = ["--db", f"sqlite:///{tmp_path / 'kb.db'}"]
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("returns.md", "shipping.md"):
        (docs / name).write_text((demo_docs_dir() / name).read_text())

    result = runner.invoke(app, ["add", str(docs), *db])
    assert result.exit_code == 0, result.output
    assert "2 added, 0 updated, 0 unchanged" in result.output
    again = runner.invoke(app, ["add", str(docs / "returns.md"), *db])
    assert "0 added, 0 updated, 1 unchanged" in again.output

    listing = runner.invoke(app, ["list", *db])
    assert listing.exit_code == 0 and "returns" in listing.output and "shipping" in listing.output

    found = runner.invoke(app, ["search", "how much is overnight shipping", "-k", "1", *db])
    assert found.exit_code == 0 and "Shipping options and costs" in found.output

    asked = runner.invoke(app, ["ask", "How long does a refund to my credit card take?", *db])
    assert asked.exit_code == 0 and "5 to 7 business days" in asked.output
    assert "/kb/returns#how-long-a-refund-takes" in asked.output.replace("\n", "")

    unknown = runner.invoke(app, ["ask", "Do you have a loyalty program?", *db])
    assert "couldn't find" in unknown.output and "grounded=False" in unknown.output

    removed = runner.invoke(app, ["remove", "shipping", "nothing-here", *db])
    assert removed.exit_code == 1 and "Removed shipping" in removed.output
    assert "shipping" not in runner.invoke(app, ["list", *db]).output
