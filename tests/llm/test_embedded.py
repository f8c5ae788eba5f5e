"""The embedded SmolLM2 backend, for real: determinism, streaming, constrained output, threads."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from shopkeeper.errors import ConfigError
from shopkeeper.llm import Completion, GenerationSettings, Message, choose, complete, complete_json
from shopkeeper.llm.schema import validate
from shopkeeper.llm.transformers_backend import TransformersBackend

GREEDY = GenerationSettings(max_tokens=12)
HELLO = [Message("user", "Say hello to a customer called Ana.")]

INTENT_SCHEMA = {
    "type": "object",
    "properties": {
        "intent": {"enum": ["order_status", "cancel_order", "return_item", "exchange_item", "other"]},
        "order_id": {"type": "string", "maxLength": 12},
        "quantity": {"type": "integer"},
        "urgent": {"type": "boolean"},
        "items": {"type": "array", "items": {"type": "string", "maxLength": 16}, "maxItems": 2},
    },
    "required": ["intent", "order_id", "quantity", "urgent", "items"],
}
CUSTOMER_MESSAGES = [
    "Where is my order #W2378156?",
    "Please cancel order #W9911 right now.",
    "I want to return the blue lamp from my last order.",
    "Can I exchange my shoes for a bigger size?",
    "My package never arrived, what happened?",
    "Hi! Do you sell gift cards?",
    "I ordered 3 mugs but only 2 came.",
    "Cancel everything, I changed my mind about the chair.",
    "What's the status of #W1234567?",
    "The jacket is too small, can I swap it for a large?",
    "I need a refund for the broken headphones.",
    "How long does shipping to Canada take?",
    "Change the address on order #W555 please.",
    "I was charged twice for one order!!",
    "Send me 2 more of the red water bottles.",
    "Is the grey sofa in stock?",
    "return the keyboard and the mouse",
    "where's my stuff",
    "Could you tell me if order W42 has shipped yet?",
    "I'd like to exchange the black t-shirt for a white one, order #W7.",
]


def _stream(
    backend: TransformersBackend, chat: list[Message], settings: GenerationSettings
) -> tuple[str, Completion]:
    deltas: list[str] = []
    final: Completion | None = None
    for item in backend.stream(chat, settings):
        if isinstance(item, Completion):
            final = item
        else:
            deltas.append(item)
    assert final is not None
    return "".join(deltas), final


def test_greedy_generation_is_deterministic(embedded: TransformersBackend) -> None:
    first = complete(embedded, HELLO, GREEDY)
    second = complete(embedded, HELLO, GREEDY)
    assert first.text == second.text
    assert first.text.strip()
    assert first.prompt_tokens > 5
    assert 1 <= first.completion_tokens <= 12
    assert 0 < first.first_token_s <= first.total_s


def test_streaming_yields_the_same_text_as_a_plain_call(embedded: TransformersBackend) -> None:
    streamed, final = _stream(embedded, HELLO, GREEDY)
    assert streamed == final.text == complete(embedded, HELLO, GREEDY).text


def test_stop_string_ends_the_text_before_it(embedded: TransformersBackend) -> None:
    full = complete(embedded, HELLO, GenerationSettings(max_tokens=16)).text
    words = full.split()
    assert len(words) >= 3, full
    stop = " " + words[2]
    streamed, final = _stream(embedded, HELLO, GenerationSettings(max_tokens=16, stop=(stop,)))
    assert streamed == final.text == full[: full.index(stop)]
    assert final.finish_reason == "stop"


def test_a_shared_prompt_prefix_is_reused_and_changes_nothing(embedded: TransformersBackend) -> None:
    """The next turn of a conversation starts with the previous prompt and answer: only the new
    part is computed (from the first prompt's last chunk on: the user's turn joined with the
    template's short assistant header), and the answer is exactly the one a cold start gives,
    whatever was asked before."""
    policy = " ".join(
        f"Rule {n}: be brief, be polite, never invent order details, and offer a human when unsure."
        for n in range(1, 9)
    )
    system = Message("system", f"You are a shop assistant. {policy}")
    first = [system, Message("user", "What is the capital of France?")]
    answer = complete(embedded, first, GREEDY)
    follow_up = [*first, Message("assistant", answer.text), Message("user", "Thank you! And of Italy?")]
    warm = complete(embedded, follow_up, GREEDY)
    ids, ends = embedded.prompt_ids(first), embedded.load().end_ids
    system_end = min(i for i, token in enumerate(ids) if token in ends) + 1
    assert warm.extra["cached_prompt_tokens"] == system_end > 128
    complete(embedded, [Message("user", "Write the word banana.")], GREEDY)
    cold = complete(embedded, follow_up, GREEDY)
    assert cold.extra["cached_prompt_tokens"] == 0
    assert warm.text == cold.text
    again = complete(embedded, follow_up, GREEDY)  # the same prompt again: all but its last token
    assert again.extra["cached_prompt_tokens"] == again.prompt_tokens - 1
    assert again.text == cold.text


def test_sampling_with_a_seed_repeats(embedded: TransformersBackend) -> None:
    settings = GenerationSettings(max_tokens=8, temperature=0.9, seed=11)
    assert complete(embedded, HELLO, settings).text == complete(embedded, HELLO, settings).text


@pytest.mark.parametrize("message", CUSTOMER_MESSAGES)
def test_constrained_json_always_parses_and_matches_the_schema(
    embedded: TransformersBackend, message: str
) -> None:
    chat = [
        Message("system", "Extract the customer's request as JSON."),
        Message("user", message),
    ]
    streamed, final = _stream(embedded, chat, GenerationSettings(max_tokens=20, json_schema=INTENT_SCHEMA))
    assert streamed == final.text
    value = json.loads(final.text)
    assert validate(value, INTENT_SCHEMA) == []
    assert list(value) == list(INTENT_SCHEMA["properties"])  # type: ignore[call-overload]


def test_constrained_json_closes_validly_when_the_budget_runs_out(embedded: TransformersBackend) -> None:
    value = complete_json(embedded, [Message("user", CUSTOMER_MESSAGES[0])], INTENT_SCHEMA, max_tokens=2)
    assert validate(value, INTENT_SCHEMA) == []


def test_choice_list_returns_exactly_one_choice(embedded: TransformersBackend) -> None:
    options = ["yes", "no", "not sure"]
    for question in ["Is water wet? Answer yes or no.", "Is fire cold? Answer yes or no."]:
        assert choose(embedded, [Message("user", question)], options) in options


def test_concurrent_requests_are_serialised_and_each_correct(embedded: TransformersBackend) -> None:
    prompts = [
        [Message("user", text)] for text in ("Name a fruit.", "Name a colour.", "Name a city.", "Count to 3.")
    ]
    settings = GenerationSettings(max_tokens=8)
    expected = [complete(embedded, chat, settings).text for chat in prompts]
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            results[index] = complete(embedded, prompts[index], settings).text
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(prompts)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert [results[i] for i in range(len(prompts))] == expected


def test_abandoned_stream_releases_the_model(embedded: TransformersBackend) -> None:
    stream = embedded.stream(HELLO, GenerationSettings(max_tokens=30))
    next(stream)
    stream.close()  # what a dropped HTTP client does
    assert complete(embedded, HELLO, GREEDY).text


def test_a_missing_model_path_is_an_operator_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        TransformersBackend(str(tmp_path / "no-such-model.gguf"), cache_dir=tmp_path)
