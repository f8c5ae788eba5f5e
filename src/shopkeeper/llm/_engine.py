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
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import torch
import torch.nn.functional as F

__all__ = ["FastLlama", "HFStepper", "Stepper", "checkpoint_tensors", "make_stepper"]

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


class Stepper(Protocol):
    description: str

    def keep(self, n: int) -> None:
        """Keep the cached context's first `n` positions and forget the rest (0 forgets all)."""

    def fill(self, ids: list[int], start: int) -> None:
        """Feed prompt tokens at positions start.. into the cache, computing no logits."""

    def forward(self, ids: list[int], start: int, prefill: bool) -> torch.Tensor:
        """Feed `ids` at positions start.. and return the float32 logits of the last position."""
        ...


def _int8(weight: torch.Tensor, levels: int = 127) -> Any:
    """Pack a [out, in] weight as int8 with one scale per output row, for quantized.linear_dynamic."""
    w = weight.detach().float().contiguous()
    scale = (w.abs().amax(dim=1) / levels).clamp(min=1e-8).double()
    zero = torch.zeros(w.shape[0], dtype=torch.long)
    # Quantized tensors are deprecated as a user-facing type; the fbgemm kernels still take them.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        qweight = torch.quantize_per_channel(w, scale, zero, 0, torch.qint8)
        return torch.ops.quantized.linear_prepack(qweight, None)


@functools.cache
def int8_saturates() -> bool:
    """Whether this CPU's int8 kernels saturate on full-range operands (AVX2 without VNNI).

    fbgemm multiplies uint8 activations by int8 weights in pairs summed into int16 on CPUs without
    VNNI, so 255 * 127 * 2 overflows and the result is silently clipped: the model then writes
    fluent nonsense. Probed rather than read from CPU flags: all-ones in, 64 out, or half of it.
    """
    packed = _int8(torch.ones(4, 64))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = torch.ops.quantized.linear_dynamic(torch.ones(1, 64), packed, False)
    return bool((out - 64).abs().max() > 1)


def native_bf16() -> bool:
    """Whether this CPU multiplies bf16 in hardware (AVX512-BF16 or AMX); emulated bf16 is ~8x slower."""
    cpu: Any = torch.cpu
    probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(bool(getattr(cpu, name, lambda: False)()) for name in probes)


class _Linear:
    """A projection: fp32 (exact mode), or int8-packed plus, where the CPU has fast bf16, a bf16 copy.

    In int8 mode decode always runs int8 (a quarter of fp32's bytes per token); prefill runs the bf16
    copy on CPUs with native bf16 and int8 otherwise (twice fp32's speed on AVX2; fp32 would be
    exact but misses the first-token target by 2x there).
    """

    def __init__(
        self, weight: torch.Tensor, int8: bool, bf16_prefill: bool, unnormalised: bool = False
    ) -> None:
        # Where int8 products saturate, weights get 7 bits instead of activations: measured on AVX2,
        # greedy choices then track fp32's 91% of the time against 85% with reduce_range.
        self.packed = _int8(weight, 63 if int8_saturates() else 127) if int8 else None
        self.out_features = weight.shape[0]
        self.unnormalised = unnormalised
        self.dense: torch.Tensor | None = (
            weight if not int8 else weight.to(torch.bfloat16) if bf16_prefill else None
        )

    def __call__(self, x: torch.Tensor, prefill: bool) -> torch.Tensor:
        if self.packed is None:
            assert self.dense is not None
            return F.linear(x, self.dense)
        if prefill and self.dense is not None:
            return F.linear(x.to(self.dense.dtype), self.dense).to(x.dtype)
        if x.shape[1] > 1 and self.unnormalised:
            return self._by_magnitude(x)
        out: torch.Tensor = torch.ops.quantized.linear_dynamic(x, self.packed, False)
        return out

    def _by_magnitude(self, x: torch.Tensor) -> torch.Tensor:
        """int8 over many positions, quantising rows of similar magnitude together.

        Dynamic quantisation takes one scale per call. A few positions (the first one above all)
        carry activations thousands of times larger than the rest ("massive activations"); in one
        call they would leave every other row a handful of levels. Rows up to 4x the median's largest
        value share one call; larger rows are grouped by powers of 4 above that. On the demo
        prompts this cuts the mean error of the MLP's down projection from 21% to 9%. Only inputs
        that no norm precedes need it (the down projection's); the others' rows differ at most 5x.
        """
        rows = x[0]
        amax = rows.abs().amax(dim=-1).clamp(min=1e-6)
        group = torch.log2(amax / amax.median()).div(2).floor().clamp(min=0).to(torch.int64)
        levels = torch.unique(group)
        if len(levels) == 1:
            return torch.ops.quantized.linear_dynamic(x, self.packed, False)  # type: ignore[no-any-return]
        out = torch.empty(rows.shape[0], self.out_features, dtype=x.dtype)
        for level in levels.tolist():
            pick = (group == level).nonzero()[:, 0]
            out[pick] = torch.ops.quantized.linear_dynamic(rows[pick], self.packed, False)
        return out[None]


class FastLlama:
    """Llama-architecture forward on the loaded weights with a preallocated KV cache."""

    @staticmethod
    def supports(cfg: Any) -> bool:
        """Whether a model with this config can run here (else use `HFStepper`)."""
        rope = getattr(cfg, "rope_parameters", None) or {}
        return (
            cfg.model_type in ("llama", "mistral")
            and not getattr(cfg, "attention_bias", False)
            and not getattr(cfg, "mlp_bias", False)
            and rope.get("rope_type", "default") == "default"
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
    ) -> None:
        """Build from a config and a function returning checkpoint tensors by their transformers name.

        `prefill` picks the int8 mode's prompt kernels, "bf16" or "int8" (default: bf16 where the CPU
        has it natively, else int8).
        """
        self.device = torch.device(device)
        self.heads, self.kv_heads = cfg.num_attention_heads, cfg.num_key_value_heads
        self.head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // self.heads
        self.eps = float(cfg.rms_norm_eps)
        self.inter = cfg.intermediate_size
        self.int8 = int8 = precision == "int8" and self.device.type == "cpu"
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

        def linear(*names: str, dense_prefill: bool = bf16, unnormalised: bool = False) -> _Linear:
            # Built one layer at a time, so only that layer's full-precision copy is alive at once.
            w = torch.cat([weight(n) for n in names]) if len(names) > 1 else weight(names[0])
            return _Linear(w, int8, dense_prefill, unnormalised)

        self.layers: list[dict[str, Any]] = []
        for i in range(cfg.num_hidden_layers):
            p = f"model.layers.{i}."
            self.layers.append(
                {
                    "n1": weight(p + "input_layernorm.weight"),
                    "n2": weight(p + "post_attention_layernorm.weight"),
                    "qkv": linear(*(p + f"self_attn.{x}_proj.weight" for x in "qkv")),
                    "o": linear(p + "self_attn.o_proj.weight"),
                    "gate_up": linear(p + "mlp.gate_proj.weight", p + "mlp.up_proj.weight"),
                    "down": linear(p + "mlp.down_proj.weight", unnormalised=True),
                }
            )
        self.norm = weight("model.norm.weight")
        tied = bool(getattr(cfg, "tie_word_embeddings", False))
        # The head only ever sees the last position, which takes the decode path: no prefill copy.
        self.head = linear("model.embed_tokens.weight" if tied else "lm_head.weight", dense_prefill=False)
        # The embedding table is only indexed: bf16 halves it in int8 mode (rows are upcast on use).
        embed = self.head.dense if tied and not int8 else weight("model.embed_tokens.weight")
        assert embed is not None
        self.embed = embed.to(torch.bfloat16) if int8 else embed
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
