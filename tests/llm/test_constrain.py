"""Constrained decoding as a proof by exhaustion of choices: whatever tokens a model picks among the
allowed ones, and wherever the budget runs out, the output parses and matches the schema.

A seeded random "model" drives the walker with the real SmolLM2 tokenizer (no weights needed).
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from shopkeeper.llm._constrain import Accept, Force, Vocabulary, Walker
from shopkeeper.llm.schema import check_supported, validate
from shopkeeper.llm.transformers_backend import TransformersBackend

SCHEMAS: list[dict[str, Any]] = [
    {"type": "object", "properties": {"answer": {"type": "string"}}},
    {
        "type": "object",
        "properties": {
            "intent": {"enum": ["cancel", "cancel_all", "return", "exchange"]},
            "count": {"type": "integer"},
            "ok": {"type": "boolean"},
            "tags": {"type": "array", "items": {"type": "string", "maxLength": 10}, "maxItems": 3},
            "ids": {"type": "array", "items": {"type": "integer"}},
            "kinds": {"type": "array", "items": {"enum": ["a", "b", 3]}},
            "nested": {
                "type": "object",
                "properties": {"flag": {"type": "boolean"}, "note": {"type": "string"}},
            },
        },
    },
    {"enum": ["x", "y", "xy"]},
    {"type": "array", "items": {"type": "object", "properties": {"n": {"type": "integer"}}}, "maxItems": 2},
]


@pytest.fixture(scope="module")
def vocab(embedded: TransformersBackend) -> Vocabulary:
    loaded = embedded.load()
    return Vocabulary(loaded.tokenizer, min(loaded.end_ids))


def _walk(vocab: Vocabulary, walker: Walker, rng: random.Random, budget: int) -> str:
    program = walker.program()
    parts: list[str] = []
    picks = 0
    reply: tuple[int, str] | None = None
    while True:
        try:
            request = program.send(reply)
        except StopIteration:
            return "".join(parts)
        reply = None
        if isinstance(request, Force | Accept):
            parts.append(request.text)
        else:
            token = int(request.ids[rng.randrange(len(request.ids))])
            picks += 1
            walker.closing = picks >= budget
            reply = (token, vocab.texts[token])


@pytest.mark.parametrize("schema", SCHEMAS, ids=["string", "everything", "enum", "array-of-objects"])
def test_random_walks_always_produce_valid_json(vocab: Vocabulary, schema: dict[str, Any]) -> None:
    check_supported(schema)
    rng = random.Random(1234)
    for trial in range(150):
        text = _walk(vocab, Walker(vocab, schema, None), rng, budget=rng.choice([1, 3, 10, 60]))
        value = json.loads(text)
        assert validate(value, schema) == [], (trial, text)


def test_random_walks_over_choices_yield_exactly_one_choice(vocab: Vocabulary) -> None:
    options = ["yes", "no", "yes please", "order_status", "über"]
    rng = random.Random(7)
    seen = set()
    for _ in range(300):
        text = _walk(vocab, Walker(vocab, None, options), rng, budget=rng.choice([1, 2, 20]))
        assert text in options
        seen.add(text)
    assert len(seen) >= 4


def test_unsupported_schema_keywords_are_refused_up_front() -> None:
    with pytest.raises(ValueError, match="anyOf"):
        check_supported({"anyOf": [{"type": "string"}]})
    with pytest.raises(ValueError, match="type"):
        check_supported({"type": "object", "properties": {"a": {"type": "null"}}})
