"""Forward passes for the embedded model, without `generate()`: prefill a prompt, then one step at a time.

Why this exists: for a 135M-parameter model on a CPU, `AutoModelForCausalLM.generate` spends most of
each token in Python and framework overhead, not in reading weights. `FastLlama` runs the Llama
architecture (SmolLM2, Llama, Mistral-style checkpoints without biases) on tensors read straight
from the safetensors checkpoint, one layer at a time, with fused q/k/v and gate/up projections and
a preallocated KV cache:
- with `precision == "int8"` on CPU (the default), every generated token, plus the last prompt
  token, runs through int8 copies of the weights (per-output-channel scales, fbgemm dynamic
  quantisation), which read a quarter of fp32's bytes per token. The rest of the prompt is prefilled
  with bf16 copies where the CPU multiplies bf16 in hardware (AVX512-BF16, AMX: about 3x fp32), and
  with the int8 copies elsewhere (AVX2: about 1.6x fp32; emulated bf16 would be 8x slower than fp32).
  CPUs whose int8 kernels saturate (AVX2 without VNNI) get 7-bit weights. The residual stream,
  norms, attention and KV cache stay fp32;
- with `precision == "fp32"` both phases use the fp32 weights (exact: matches `generate` token for
  token, about 3x slower);
- on CUDA both phases run in bf16.
`HFStepper` is the fallback for any other architecture: the model's own forward with a DynamicCache.

A stepper is used by one thread at a time (the backend serialises generation); it knows nothing
about prompts, sampling or constraints, only token ids in and last-position logits out. Its KV cache
survives between calls: the backend keeps the positions a new prompt shares with the previous
call's tokens (`keep`) and feeds only the rest.
"""

from __future__ import annotations

import functools
import json
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import torch
import torch.nn.functional as F

from shopkeeper.llm._kernels import Linear, int8_available, native_bf16, quantize

__all__ = [
    "FastLlama",
    "HFStepper",
    "Stepper",
    "TensorStore",
    "checkpoint_tensors",
    "make_stepper",
]

_DTYPES = {"F32": torch.float32, "BF16": torch.bfloat16, "F16": torch.float16}


def checkpoint_tensors(folder: Path) -> Callable[[str], torch.Tensor]:
    """Read tensors from a (possibly sharded) safetensors checkpoint one at a time, by name.

    Plain reads rather than a memory map: a map of the whole file would count towards the process's
    peak memory while the model is being built, which is what the int8 path is trying to keep small.
    """
    index = folder / "model.safetensors.index.json"
    files = (
        {name: folder / shard for name, shard in json.loads(index.read_text())["weight_map"].items()}
        if index.exists()
        else None
    )
    headers: dict[Path, tuple[int, dict[str, Any]]] = {}

    def header(path: Path) -> tuple[int, dict[str, Any]]:
        if path not in headers:
            with path.open("rb") as f:
                size = struct.unpack("<Q", f.read(8))[0]
                headers[path] = (8 + size, json.loads(f.read(size)))
        return headers[path]

    def read(name: str) -> torch.Tensor:
        path = files[name] if files is not None else folder / "model.safetensors"
        base, entries = header(path)
        entry = entries[name]
        begin, end = entry["data_offsets"]
        buffer = bytearray(end - begin)
        with path.open("rb") as f:
            f.seek(base + begin)
            f.readinto(buffer)
        return torch.frombuffer(buffer, dtype=_DTYPES[entry["dtype"]]).reshape(entry["shape"])

    return read


class TensorStore(Protocol):
    """Where int8 mode keeps its ready-made tensors between processes (see `weights.Prepared`)."""

    def get(self, name: str) -> torch.Tensor | None:
        """The stored tensor, or None (then it is computed and `put`)."""

    def put(self, name: str, tensor: torch.Tensor) -> None:
        """Remember a tensor computed from the checkpoint."""


class Stepper(Protocol):
    description: str

    def keep(self, n: int) -> None:
        """Keep the cached context's first `n` positions and forget the rest (0 forgets all)."""

    def fill(self, ids: list[int], start: int) -> None:
        """Feed prompt tokens at positions start.. into the cache, computing no logits."""

    def forward(self, ids: list[int], start: int, prefill: bool) -> torch.Tensor:
        """Feed `ids` at positions start.. and return the float32 logits of the last position."""
        ...


class FastLlama:
    """Llama-architecture forward on the loaded weights with a preallocated KV cache."""

    @staticmethod
    def supports(cfg: Any) -> bool:
        """Whether a model with this config can run here (else use `HFStepper`)."""
        rope = getattr(cfg, "rope_parameters", None) or getattr(cfg, "rope_scaling", None) or {}
        return (
            cfg.model_type in ("llama", "mistral")
            and not getattr(cfg, "attention_bias", False)
            and not getattr(cfg, "mlp_bias", False)
            and rope.get("rope_type", rope.get("type", "default")) == "default"
            and getattr(cfg, "hidden_act", "silu") == "silu"
            and getattr(cfg, "sliding_window", None) is None
        )

    def __init__(
        self,
        cfg: Any,
        tensor: Callable[[str], torch.Tensor],
        precision: str,
        device: str = "cpu",
        prefill: str | None = None,
        store: TensorStore | None = None,
    ) -> None:
        """Build from a config and a function returning checkpoint tensors by their transformers name.

        `prefill` picks the int8 mode's prompt kernels, "bf16" or "int8" (default: bf16 where the CPU
        has it natively, else int8). In int8 mode, `store` supplies what an earlier process
        computed (int8 weights, scales, bf16 copies, norms), so the checkpoint is not read at all,
        and keeps what is computed now.
        """
        self.device = torch.device(device)
        self.heads, self.kv_heads = cfg.num_attention_heads, cfg.num_key_value_heads
        self.head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // self.heads
        self.eps = float(cfg.rms_norm_eps)
        self.inter = cfg.intermediate_size
        self.int8 = int8 = precision == "int8" and self.device.type == "cpu" and int8_available()
        # int8 mode keeps the residual stream, norms, attention and cache in fp32 (matmuls are bf16 for
        # prefill, int8 for decode); fp32 mode is fp32 throughout; CUDA runs bf16 throughout.
        self.dtype = torch.bfloat16 if self.device.type == "cuda" else torch.float32
        bf16 = (prefill or ("bf16" if native_bf16() else "int8")) == "bf16"
        self.description = (
            f"{'bf16' if bf16 else 'int8'} prefill + int8 decode"
            if int8
            else f"{str(self.dtype).removeprefix('torch.')} prefill and decode"
        )

        def weight(name: str) -> torch.Tensor:
            return tensor(name).to(self.device, self.dtype)

        saved = store if int8 else None

        def kept(name: str, make: Callable[[], torch.Tensor] | None = None) -> torch.Tensor:
            """A tensor from the store, else made now (default: read from the checkpoint) and kept."""
            found = saved.get(name) if saved is not None else None
            if found is None:
                found = make() if make is not None else weight(name)
                if saved is not None:
                    saved.put(name, found)
            return found

        def linear(*names: str, dense_prefill: bool = bf16, unnormalised: bool = False) -> Linear:
            # Built one layer at a time, so only that layer's full-precision copy is alive at once.
            def full() -> torch.Tensor:
                return torch.cat([weight(n) for n in names]) if len(names) > 1 else weight(names[0])

            if not int8:
                return Linear(full(), unnormalised=unnormalised)
            # Read and quantised at most once, and only for what the store lacks.
            read, quantised = functools.cache(full), functools.cache(lambda: quantize(read()))
            key = "+".join(names)
            q = kept(f"{key}.int8", lambda: quantised()[0])
            scale = kept(f"{key}.scale", lambda: quantised()[1])
            dense = kept(f"{key}.bf16", lambda: read().to(torch.bfloat16)) if dense_prefill else None
            return Linear(dense, (q, scale), unnormalised)

        self.layers: list[dict[str, Any]] = []
        for i in range(cfg.num_hidden_layers):
            p = f"model.layers.{i}."
            self.layers.append(
                {
                    "n1": kept(p + "input_layernorm.weight"),
                    "n2": kept(p + "post_attention_layernorm.weight"),
                    "qkv": linear(*(p + f"self_attn.{x}_proj.weight" for x in "qkv")),
                    "o": linear(p + "self_attn.o_proj.weight"),
                    "gate_up": linear(p + "mlp.gate_proj.weight", p + "mlp.up_proj.weight"),
                    "down": linear(p + "mlp.down_proj.weight", unnormalised=True),
                }
            )
        self.norm = kept("model.norm.weight")
        tied = bool(getattr(cfg, "tie_word_embeddings", False))
        # The head only ever sees the last position, which takes the decode path: no prefill copy.
        self.head = linear("model.embed_tokens.weight" if tied else "lm_head.weight", dense_prefill=False)
        # The embedding table is only indexed: bf16 halves it in int8 mode (rows are upcast on use).
        if not int8:
            self.embed = (
                self.head.dense
                if tied and self.head.dense is not None
                else weight("model.embed_tokens.weight")
            )
        else:
            self.embed = kept("embed.bf16", lambda: weight("model.embed_tokens.weight").to(torch.bfloat16))
        self._init_cache(cfg)

    @classmethod
    def from_model(cls, model: Any, precision: str) -> FastLlama:
        """Build from a loaded transformers model (its weights are copied as needed)."""
        state = model.state_dict()
        return cls(model.config, lambda name: state[name].detach(), precision, str(model.device))

    def _init_cache(self, cfg: Any) -> None:
        rope = getattr(cfg, "rope_parameters", None) or {}
        theta = float(rope.get("rope_theta", getattr(cfg, "rope_theta", 10000.0)))
        self.inv_freq = 1.0 / (
            theta
            ** (torch.arange(0, self.head_dim, 2, dtype=torch.float32, device=self.device) / self.head_dim)
        )
        self.capacity = 0
        self.keys = self.values = self.cos = self.sin = torch.empty(0)
        self._grow(1024)

    def _grow(self, needed: int) -> None:
        if needed <= self.capacity:
            return
        size = max(needed, 2 * self.capacity)
        shape = (len(self.layers), 1, self.kv_heads, size, self.head_dim)
        keys = torch.zeros(shape, dtype=self.dtype, device=self.device)
        values = torch.zeros_like(keys)
        if self.capacity:
            keys[:, :, :, : self.capacity] = self.keys
            values[:, :, :, : self.capacity] = self.values
        self.keys, self.values = keys, values
        freqs = torch.outer(torch.arange(size, dtype=torch.float32, device=self.device), self.inv_freq)
        emb = torch.cat([freqs, freqs], dim=-1)
        self.cos, self.sin = emb.cos().to(self.dtype), emb.sin().to(self.dtype)
        self.capacity = size

    def keep(self, n: int) -> None:
        pass  # positions from n on are rewritten by the next forward; nothing to clear

    def _rope(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        half = self.head_dim // 2
        return x * cos + torch.cat([-x[..., half:], x[..., :half]], dim=-1) * sin

    def forward(self, ids: list[int], start: int, prefill: bool) -> torch.Tensor:
        if prefill and self.int8:
            # The last prompt token goes through the decode (int8) path: the first answer token is
            # then chosen like every later one (also when the rest of the prompt was cached), and
            # measured greedy choices track fp32's more closely than with bf16 activations all the
            # way (a near-tie on "capital of France" flipped).
            if len(ids) > 1:
                self.fill(ids[:-1], start)
            return self._run(ids[-1:], start + len(ids) - 1, False, logits=True)
        return self._run(ids, start, prefill, logits=True)

    def fill(self, ids: list[int], start: int) -> None:
        self._run(ids, start, True, logits=False)

    def _run(self, ids: list[int], start: int, prefill: bool, logits: bool) -> torch.Tensor:
        n = len(ids)
        end = start + n
        self._grow(end)
        h, kv, d = self.heads, self.kv_heads, self.head_dim
        x = self.embed[torch.tensor([ids], device=self.device)].to(self.dtype)
        cos, sin = self.cos[start:end][None, None], self.sin[start:end][None, None]
        mask = None
        if n > 1 and start > 0:  # a chunk after cached context: row i sees positions <= start + i
            mask = torch.ones(n, end, dtype=torch.bool, device=self.device).tril(diagonal=start)
        for i, layer in enumerate(self.layers):
            y = F.rms_norm(x, (x.shape[-1],), layer["n1"], self.eps)
            q, k, v = layer["qkv"](y, prefill).split([h * d, kv * d, kv * d], dim=-1)
            q = self._rope(q.view(1, n, h, d).transpose(1, 2), cos, sin)
            k = self._rope(k.view(1, n, kv, d).transpose(1, 2), cos, sin)
            self.keys[i, :, :, start:end] = k
            self.values[i, :, :, start:end] = v.view(1, n, kv, d).transpose(1, 2)
            if not logits and i == len(self.layers) - 1:
                return x  # only the cache was wanted: the last layer's output would go unused
            att = F.scaled_dot_product_attention(
                q,
                self.keys[i, :, :, :end],
                self.values[i, :, :, :end],
                attn_mask=mask,
                is_causal=mask is None and n > 1,
                enable_gqa=True,
            )
            x = x + layer["o"](att.transpose(1, 2).reshape(1, n, h * d), prefill)
            y = F.rms_norm(x, (x.shape[-1],), layer["n2"], self.eps)
            gate, up = layer["gate_up"](y, prefill).split([self.inter, self.inter], dim=-1)
            x = x + layer["down"](F.silu(gate) * up, prefill)
        last = F.rms_norm(x[:, -1:], (x.shape[-1],), self.norm, self.eps)
        return self.head(last, prefill)[0, -1].float()


class HFStepper:
    """Any causal LM through its own forward and a DynamicCache (slower, always correct)."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.description = f"transformers forward ({model.dtype})"
        self.cache: Any = None

    def keep(self, n: int) -> None:
        if n == 0:
            self.cache = None
        elif self.cache is not None and n < self.cache.get_seq_length():
            self.cache.crop(n - self.cache.get_seq_length())  # a negative count drops that many

    def fill(self, ids: list[int], start: int) -> None:
        self.forward(ids, start, True)

    def forward(self, ids: list[int], start: int, prefill: bool) -> torch.Tensor:
        from transformers import DynamicCache

        if self.cache is None:
            self.cache = DynamicCache(config=self.model.config)
        input_ids = torch.tensor([ids], device=self.model.device)
        out = self.model(input_ids=input_ids, cache=self.cache, use_cache=True, logits_to_keep=1)
        logits: torch.Tensor = out.logits[0, -1].float()
        return logits


def make_stepper(model: Any, precision: str) -> Stepper:
    """The fastest correct stepper for `model`; `precision` is "int8" or "fp32" (CPU decode weights)."""
    if FastLlama.supports(model.config):
        return FastLlama.from_model(model, precision)
    return HFStepper(model)
