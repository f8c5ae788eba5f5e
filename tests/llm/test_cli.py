"""`shopkeeper model info` and `shopkeeper model prepare` through the real CLI and the real model."""

from __future__ import annotations

from typer.testing import CliRunner

from shopkeeper.cli import _mount, app
from shopkeeper.llm.transformers_backend import TransformersBackend


def test_model_info_shows_the_weights_and_measures_speed(embedded: TransformersBackend) -> None:
    _mount()
    result = CliRunner().invoke(app, ["model", "info", "--llm", "transformers", "--tokens", "8"])
    assert result.exit_code == 0, result.output
    flat = result.output.replace("\n", "")
    assert "SmolLM2-135M-Instruct" in flat and str(embedded.files.checkpoint) in flat.replace(" ", "")
    assert "decode tokens/s" in result.output and "first token (s)" in result.output


def test_model_info_for_a_remote_backend_needs_no_server() -> None:
    _mount()
    result = CliRunner().invoke(
        app, ["model", "info", "--llm", "openai:m@http://127.0.0.1:9/v1", "--no-speed"]
    )
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:9/v1" in result.output and "not set" in result.output


def test_model_prepare_is_idempotent(embedded: TransformersBackend) -> None:
    _mount()
    result = CliRunner().invoke(app, ["model", "prepare", "--llm", "transformers"])
    assert result.exit_code == 0, result.output
    assert "already prepared" in result.output
