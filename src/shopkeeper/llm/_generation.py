"""One generation on a loaded local model: the prompt into the KV cache, then the decode loop.

`Generation` is what `TransformersBackend.stream` runs under its generate lock:
- the prompt goes in through `_fill`, in chunks that end at turn ends, reusing the chunks the
  previous call already put in the cache and using the CPUs idle at that moment (`_threads.py`);
- then one token at a time: greedy when temperature is 0, otherwise seeded sampling; free text with
  stop strings, or `json_schema` / `choices` enforced token by token (`_constrain`).
`Loaded` is the model as loaded once per backend, with the record of what its KV cache holds.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from shopkeeper.llm._threads import prefill_threads
from shopkeeper.llm.base import Completion, GenerationSettings, StreamItem

__all__ = ["Generation", "Loaded"]

# Prompts are fed in chunks ending after each end-of-turn token and at most `_MAX_CHUNK` long (see
# `Generation._fill`); a tail shorter than `_MIN_TAIL` joins the chunk before it. Measured cold first token,
# 302 tokens, medians of 12: fixed chunks of 128 0.60 s, one piece 0.52 s, turns capped at 256 with
# tails of their own (256+7+34+4 tokens) 0.69 s. Fewer new positions than `_PARALLEL_PREFILL` are fed
# on the decode threads: too little work to gain from more.
_MAX_CHUNK = 1024
_MIN_TAIL = 32
_PARALLEL_PREFILL = 16


@dataclass
class Loaded:
    tokenizer: Any
    config: Any
    stepper: Any
    end_ids: set[int]
    device: str
    load_s: float
    prepare_s: float
    vocab: Any = None
    # The tokens whose keys and values the stepper holds, in order (positions 0..len-1): the previous
    # call's prompt and output. A new prompt reuses the shared whole chunks of the previous prompt
    # instead of recomputing them (the agent's prompts share their system prompt and the
    # conversation so far).
    cached: list[int] = field(default_factory=list)
    # Where the last prompt's chunks ended; the last end is how many of `cached` they put there (the
    # rest is that call's output).
    chunk_ends: list[int] = field(default_factory=list)


class Generation:
    """One generation: the decode loop, free or constrained (used under the generate lock only)."""

    def __init__(
        self,
        loaded: Loaded,
        settings: GenerationSettings,
        prompt: list[int],
        model: str,
        threads: tuple[int, int | None],
    ) -> None:
        import torch

        self.torch = torch
        self.loaded, self.settings, self.prompt, self.model = loaded, settings, prompt, model
        self.threads = threads  # decode threads, prefill threads (None: auto)
        self.prefill_threads = threads[0]
        self.pending_ids = list(prompt)
        self.pending_text = ""
        self.position = 0
        self.prefill = True
        self.logits: Any = None
        self.start = time.perf_counter()
        self.first_s: float | None = None
        self.reused = 0
        self.rng = torch.Generator().manual_seed(settings.seed) if settings.seed is not None else None

    def _forward(self) -> Any:
        self._flush_text()
        if self.pending_ids:
            loaded, ids = self.loaded, self.pending_ids
            cached, loaded.cached = loaded.cached, []  # unknown until this forward completes
            torch, prefill = self.torch, self.prefill
            try:
                if prefill:
                    self._fill(cached, ids[:-1])  # leaves torch on the prefill threads
                    ids = ids[-1:]
                with torch.inference_mode():
                    self.logits = loaded.stepper.forward(ids, self.position, False)
            finally:
                if prefill:
                    torch.set_num_threads(self.threads[0])
            cached += ids
            loaded.cached = cached
            self.position += len(ids)
            self.pending_ids, self.prefill = [], False
            if self.first_s is None:
                self.first_s = time.perf_counter() - self.start
        return self.logits

    def _fill(self, cached: list[int], body: list[int]) -> None:
        """Put the prompt (less its last token) into the KV cache, reusing what is already there.

        The prompt is fed in chunks that end after each end-of-turn token (and every
        `_MAX_CHUNK` tokens within a long turn; see `_chunk_ends`), and a new prompt reuses the
        chunks it shares with the previous prompt up to an end both chunkings have (or all of it,
        for the same prompt again). Such an end depends only on the tokens before it, so the chunks
        before it are the same in both, their keys and values depend on their tokens alone, and an
        answer never depends on what was asked before. (Fed in other pieces, int8 scales, float
        rounding and attention's tiling follow the piece.) A conversation's next prompt thus
        reuses the system prompt and all but the last turns, and a cold prompt is fed in a few
        large pieces.
        The thread count changes no result (tested), so the prompt's last token, which yields the
        first answer token, runs on the prefill threads too.
        """
        loaded = self.loaded
        filled = loaded.chunk_ends[-1] if loaded.chunk_ends else 0
        shared = _shared_prefix(cached[:filled], body, len(body))
        ends = _chunk_ends(body, loaded.end_ids)
        if shared == len(body) == filled:
            reuse = shared
        else:  # a chunk end both prompts have (not a last one, which may hold a joined tail)
            before = set(loaded.chunk_ends[:-1])
            reuse = max((end for end in ends[:-1] if end <= shared and end in before), default=0)
        del cached[reuse:]
        loaded.stepper.keep(reuse)
        self.reused = self.position = reuse
        decode, setting = self.threads
        threads = prefill_threads(decode, setting) if len(body) - reuse >= _PARALLEL_PREFILL else decode
        self.prefill_threads = threads
        self.torch.set_num_threads(threads)  # the caller restores the decode threads
        with self.torch.inference_mode():
            begin = reuse
            for end in ends:
                if end > begin:
                    chunk = body[begin:end]
                    loaded.stepper.fill(chunk, begin)
                    cached += chunk
                    begin = end
        self.position = len(body)
        loaded.chunk_ends = ends

    def _choose(self, allowed: Any = None) -> int:
        torch = self.torch
        logits = self._forward()
        if allowed is not None:
            logits = logits[allowed.to(logits.device)]
        if self.settings.temperature == 0:
            index = int(torch.argmax(logits))
        else:
            probs = torch.softmax(logits.float().cpu() / self.settings.temperature, dim=-1)
            index = int(torch.multinomial(probs, 1, generator=self.rng))
        return int(allowed[index]) if allowed is not None else index

    def _done(self, text: str, tokens: int, reason: str) -> Completion:
        total = time.perf_counter() - self.start
        return Completion(
            text=text,
            model=self.model,
            prompt_tokens=len(self.prompt),
            completion_tokens=tokens,
            finish_reason="length" if reason == "length" else "stop",
            first_token_s=self.first_s if self.first_s is not None else total,
            total_s=total,
            extra={
                "decode_path": self.loaded.stepper.description,
                "cached_prompt_tokens": self.reused,
                "prefill_threads": self.prefill_threads,
            },
        )

    def run(self) -> Iterator[StreamItem]:
        if self.settings.json_schema is not None or self.settings.choices is not None:
            return self._constrained()
        return self._free()

    def _free(self) -> Iterator[StreamItem]:
        settings, tokenizer = self.settings, self.loaded.tokenizer
        stops = [s for s in settings.stop if s]
        hold = max((len(s) for s in stops), default=1) - 1
        out: list[int] = []
        sent, text, reason = 0, "", "length"
        while len(out) < settings.max_tokens:
            token = self._choose()
            if token in self.loaded.end_ids:
                reason = "stop"
                break
            out.append(token)
            self.pending_ids.append(token)
            text = tokenizer.decode(out, skip_special_tokens=True)
            cut = min((i for i in (text.find(s) for s in stops) if i >= 0), default=-1)
            if cut >= 0:
                text, reason = text[:cut], "stop"
                break
            safe = len(text) - hold
            if text.endswith("\ufffd"):
                safe = min(safe, len(text) - 1)
            if safe > sent:
                yield text[sent:safe]
                sent = safe
        if len(text) > sent:
            yield text[sent:]
        yield self._done(text, len(out), reason)

    def _constrained(self) -> Iterator[StreamItem]:
        from shopkeeper.llm._constrain import Accept, Force, Vocabulary, Walker

        loaded, settings = self.loaded, self.settings
        if loaded.vocab is None:
            loaded.vocab = Vocabulary(loaded.tokenizer, min(loaded.end_ids))
        walker = Walker(loaded.vocab, settings.json_schema, settings.choices)
        program = walker.program()
        parts: list[str] = []
        picks = 0
        reply: tuple[int, str] | None = None
        while True:
            try:
                request = program.send(reply)
            except StopIteration:
                break
            reply = None
            if isinstance(request, Force):
                parts.append(request.text)
                self.pending_text += request.text
                yield request.text
            elif isinstance(request, Accept):
                self._flush_text()
                parts.append(request.text)
                self.pending_ids.append(request.token_id)
                yield request.text
            else:
                token = self._choose(request.ids)
                picks += 1
                walker.closing = picks >= settings.max_tokens
                reply = (token, loaded.vocab.texts[token])
        text = "".join(parts)
        tokens = len(loaded.tokenizer.encode(text, add_special_tokens=False))
        yield self._done(text, tokens, "length" if walker.closing else "stop")

    def _flush_text(self) -> None:
        if self.pending_text:
            self.pending_ids += self.loaded.tokenizer.encode(self.pending_text, add_special_tokens=False)
            self.pending_text = ""


def _chunk_ends(tokens: list[int], turn_ends: set[int]) -> list[int]:
    """Where prompt chunks end: after each end-of-turn token, every `_MAX_CHUNK` tokens within a
    turn, and at the end. Each end but the last depends only on the tokens before it. A short tail
    after the last turn (the template's "assistant" header) joins the last turn's chunk: a pass of
    a few tokens costs as much as a decode step."""
    ends: list[int] = []
    start = 0
    for i, token in enumerate(tokens):
        if token in turn_ends or i + 1 - start == _MAX_CHUNK:
            start = i + 1
            ends.append(start)
    if start < len(tokens):
        if ends and len(tokens) - start < _MIN_TAIL:
            ends.pop()
        ends.append(len(tokens))
    return ends


def _shared_prefix(a: list[int], b: list[int], limit: int) -> int:
    """How many leading tokens `a` and `b` share, at most `limit`."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if n >= limit or x != y:
            break
        n += 1
    return n
