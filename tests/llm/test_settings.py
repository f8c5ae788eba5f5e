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


def test_prompt_chunks_end_after_turns_and_every_max_chunk() -> None:
    from shopkeeper.llm import _generation as tb

    end = 2
    system, user = [5] * 40 + [end], [6] * 50 + [end]
    header = [7, 8, 9]
    # A short tail (the assistant header) joins the last turn's chunk; earlier ends stay.
    assert tb._chunk_ends(system + user + header, {end}) == [41, 95]
    # A long tail keeps its own chunk.
    assert tb._chunk_ends(system + [6] * 40, {end}) == [41, 81]
    # Within a long turn, a chunk ends every _MAX_CHUNK tokens, counted from the turn's start.
    long_turn = [5] * (tb._MAX_CHUNK + 100) + [end]
    assert tb._chunk_ends(system + long_turn, {end}) == [41, 41 + tb._MAX_CHUNK, 41 + len(long_turn)]
    # Every end but the last depends only on the tokens before it.
    whole = system + user + user + header
    ends = tb._chunk_ends(whole, {end})
    for cut in ends[:-1]:
        assert set(tb._chunk_ends(whole[:cut], {end})) <= set(ends) | {cut}
