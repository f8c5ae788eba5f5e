"""Operator mistakes in the language-model settings fail fast with the fix in the message."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopkeeper.errors import ConfigError
from shopkeeper.llm import weights
from shopkeeper.llm.transformers_backend import TransformersBackend


@pytest.mark.parametrize(
    ("name", "value", "fix"),
    [
        ("SHOPKEEPER_LLM_THREADS", "two", "SHOPKEEPER_LLM_THREADS=1"),
        ("SHOPKEEPER_LLM_THREADS", "0", "SHOPKEEPER_LLM_THREADS=1"),
        ("SHOPKEEPER_LLM_PRECISION", "int4", "int8, fp32"),
        ("SHOPKEEPER_LLM_DEVICE", "tpu", "auto, cpu, cuda"),
    ],
)
def test_bad_backend_environment_is_refused_up_front(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str, fix: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        TransformersBackend(None, tmp_path)
    assert fix in caught.value.fix


def test_model_paths_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no config\.json"):
        weights.resolve(str(tmp_path), tmp_path)
    other = tmp_path / "model.bin"
    other.write_bytes(b"x")
    with pytest.raises(ConfigError, match=r"neither a directory nor a \.gguf"):
        weights.resolve(str(other), tmp_path)


def test_the_embedded_default_converts_into_the_cache_dir(tmp_path: Path) -> None:
    files = weights.resolve(None, tmp_path)
    assert files.source == weights.default_gguf() and files.source.name.endswith(".gguf")
    assert files.checkpoint.parent == tmp_path / "llm" and files.converted and not files.ready
