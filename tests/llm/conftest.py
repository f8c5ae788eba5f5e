"""Fixtures for the language-model tests: the real embedded model, loaded once per test session.

The model is the process-wide backend from `shopkeeper.llm.get("transformers")`, so the CLI tests in
this session reuse it instead of loading a second copy. The first run on a machine converts the GGUF
into the user cache directory (about 30 s); later runs load it in a few seconds.
"""

from __future__ import annotations

import pytest

from shopkeeper.llm import get
from shopkeeper.llm.transformers_backend import TransformersBackend


@pytest.fixture(scope="session")
def embedded() -> TransformersBackend:
    backend = get("transformers")
    assert isinstance(backend, TransformersBackend)
    backend.load()
    return backend
