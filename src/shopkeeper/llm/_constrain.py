"""Constrained decoding for the embedded model: output that always parses, by construction.

A `Walker` produces the output as a sequence of requests to the decode loop:
- `Force(text)`: structure the model does not choose (braces, keys, separators, the rest of the only
  enum value still possible); the loop appends it and feeds its tokens to the model;
- `Pick(ids)`: the model chooses the next token among `ids` only (the loop masks all other logits)
  and the walker receives `(token_id, text)`;
- `Accept(id, text)`: the picked token becomes part of the output (a pick may also be discarded,
  e.g. the `,` that only signals "another array item").
Strings admit only tokens free of quotes, backslashes and control characters, so every string is a
valid JSON string; integers admit digit tokens; enums and choice lists admit only tokens that keep
a prefix of some allowed value. When the token budget runs out the loop sets `closing`, and the
walker finishes with the shortest valid completion without asking the model again, so the result
is valid JSON (or exactly one choice) even when cut short. The schema subset is `schema.py`'s.

`Vocabulary` holds the per-tokenizer tables (built once per model). Nothing here runs the model.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Any

import torch

__all__ = ["Accept", "Force", "Pick", "Vocabulary", "Walker"]


@dataclass(frozen=True)
class Force:
    text: str


@dataclass(frozen=True)
class Pick:
    ids: torch.Tensor


@dataclass(frozen=True)
class Accept:
    token_id: int
    text: str


Request = Force | Pick | Accept
Program = Generator[Request, tuple[int, str] | None, None]


class Vocabulary:
    """Token texts and the id sets the walker allows, computed once per tokenizer."""

    def __init__(self, tokenizer: Any, end_id: int) -> None:
        size = len(tokenizer)
        self.texts: list[str] = tokenizer.batch_decode([[i] for i in range(size)])
        special = set(tokenizer.all_special_ids)
        self.end_id = end_id
        self.by_text: dict[str, int] = {}
        string_ids, digit_ids, first_digit_ids = [], [], []
        for i, text in enumerate(self.texts):
            if i in special or not text:
                continue
            self.by_text.setdefault(text, i)
            if '"' in text or "\\" in text or "\ufffd" in text or any(ord(c) < 0x20 for c in text):
                continue
            string_ids.append(i)
            if text.isascii() and text.isdigit():
                digit_ids.append(i)
                if text == "0" or not text.startswith("0"):
                    first_digit_ids.append(i)
        self.quote_id = self._single('"')
        self.ids_string = torch.tensor([*string_ids, self.quote_id])
        self.ids_digit_first = torch.tensor(first_digit_ids)
        self.number_ends = {self._single(c) for c in ",}] "}
        self.ids_digit_more = torch.tensor(digit_ids + sorted(self.number_ends))
        self.close_id, self.comma_id = self._single("]"), self._single(",")

    def _single(self, char: str) -> int:
        if char not in self.by_text:
            raise ValueError(f"the tokenizer has no token for {char!r}; constrained output is unavailable")
        return self.by_text[char]

    def prefix_ids(self, remainders: Sequence[str]) -> list[int]:
        """Tokens whose text is a non-empty prefix of one of `remainders`."""
        found = {
            self.by_text[r[:n]] for r in remainders for n in range(1, len(r) + 1) if r[:n] in self.by_text
        }
        return sorted(found)


class Walker:
    """Drives one constrained generation; `closing` is set by the loop when the budget is spent."""

    def __init__(
        self, vocab: Vocabulary, schema: dict[str, Any] | None, choices: Sequence[str] | None
    ) -> None:
        self.vocab = vocab
        self.schema = schema
        self.choices = list(choices) if choices is not None else None
        self.closing = False

    def program(self) -> Program:
        if self.choices is not None:
            yield from self._choice(self.choices, top_level=True)
        else:
            assert self.schema is not None
            yield from self._value(self.schema)

    def _value(self, schema: dict[str, Any]) -> Program:
        if "enum" in schema:
            yield from self._choice([json.dumps(v) for v in schema["enum"]], top_level=False)
            return
        kind = schema.get("type")
        if kind == "object":
            yield Force("{")
            for n, (key, sub) in enumerate(schema["properties"].items()):
                yield Force(("" if n == 0 else ", ") + json.dumps(key) + ": ")
                yield from self._value(sub)
            yield Force("}")
        elif kind == "array":
            yield from self._array(schema.get("items", {"type": "string"}), int(schema.get("maxItems", 8)))
        elif kind == "string":
            yield from self._string(int(schema.get("maxLength", 200)))
        elif kind in ("integer", "number"):
            yield from self._integer()
        elif kind == "boolean":
            yield from self._choice(["true", "false"], top_level=False)
        else:
            raise ValueError(f"unsupported schema type {kind!r}")

    def _string(self, max_chars: int) -> Program:
        yield Force('"')
        used = 0
        while not self.closing and used < max_chars:
            picked = yield Pick(self.vocab.ids_string)
            assert picked is not None
            yield Accept(*picked)
            if picked[0] == self.vocab.quote_id:
                return
            used += len(picked[1])
        yield Force('"')

    def _integer(self) -> Program:
        digits = ""
        while not self.closing and len(digits) < 12 and digits != "0":
            picked = yield Pick(self.vocab.ids_digit_more if digits else self.vocab.ids_digit_first)
            assert picked is not None
            if picked[0] in self.vocab.number_ends:
                break  # the model signalled the end; the structure that follows is forced
            yield Accept(*picked)
            digits += picked[1]
        if not digits:
            yield Force("0")

    def _start_ids(self, schema: dict[str, Any]) -> list[int]:
        if "enum" in schema:
            return self.vocab.prefix_ids([json.dumps(v) for v in schema["enum"]])
        kind = schema.get("type")
        if kind == "string":
            return [self.vocab.quote_id]
        if kind in ("integer", "number"):
            return [int(i) for i in self.vocab.ids_digit_first]
        if kind == "boolean":
            return self.vocab.prefix_ids(["true", "false"])
        return [self.vocab.by_text["{" if kind == "object" else "["]]

    def _array(self, items: dict[str, Any], max_items: int) -> Program:
        yield Force("[")
        count = 0
        starts = torch.tensor(sorted({self.vocab.close_id, *self._start_ids(items)}))
        more = torch.tensor([self.vocab.close_id, self.vocab.comma_id])
        while not self.closing and count < max_items:
            picked = yield Pick(starts if count == 0 else more)
            assert picked is not None
            if picked[0] == self.vocab.close_id:
                break
            # The picked token only meant "one more item"; the item itself is produced below.
            if count:
                yield Force(", ")
            yield from self._value(items)
            count += 1
        yield Force("]")

    def _choice(self, options: list[str], top_level: bool) -> Program:
        emitted = ""
        while True:
            live = [o for o in options if o.startswith(emitted)]
            longer = [o[len(emitted) :] for o in live if len(o) > len(emitted)]
            complete = emitted in live
            if not longer or (complete and (self.closing or not top_level)):
                return
            if self.closing or (len(longer) == 1 and not complete):
                yield Force(min(longer, key=len))
                return
            allowed = self.vocab.prefix_ids(longer)
            if not allowed:  # no single token starts any remainder: take the shortest one
                yield Force(min(longer, key=len))
                return
            if complete:
                allowed.append(self.vocab.end_id)
            picked = yield Pick(torch.tensor(allowed))
            assert picked is not None
            if picked[0] == self.vocab.end_id:
                return
            yield Accept(*picked)
            emitted += picked[1]
