"""`shopkeeper understand "TEXT"` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from shopkeeper.cli import _mount, app
from shopkeeper.understanding import IntentClassifier


def test_understand_prints_json(classifier: IntentClassifier) -> None:
    _mount()
    result = CliRunner().invoke(app, ["understand", "please cancel #W1234567, I ordered it by mistake"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["intents"][0]["intent"] == "cancel_order"
    assert 0 < data["intents"][0]["confidence"] <= 1
    assert data["entities"]["order_ids"] == ["#W1234567"]
    assert data["entities"]["reason"] == "ordered by mistake"


def test_understand_with_a_context_file(classifier: IntentClassifier, tmp_path: Path) -> None:
    context = tmp_path / "context.json"
    context.write_text(
        json.dumps(
            {
                "items": [
                    {"item_id": "1", "name": "Desk Lamp"},
                    {"item_id": "2", "name": "Mechanical Keyboard"},
                ]
            }
        ),
        encoding="utf-8",
    )
    _mount()
    result = CliRunner().invoke(app, ["understand", "return the lamp", "--context", str(context)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["items"]["item_ids"] == ["1"]


def test_a_bad_context_file_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "context.json"
    bad.write_text("{not json", encoding="utf-8")
    _mount()
    result = CliRunner().invoke(app, ["understand", "hi", "--context", str(bad)])
    assert result.exit_code != 0


def test_the_docs_example_runs(classifier: IntentClassifier) -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "understanding.md").read_text(encoding="utf-8")
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(code, "docs/understanding.md", "exec"), {})
