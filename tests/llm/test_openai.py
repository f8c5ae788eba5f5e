"""The openai backend against a real HTTP server on 127.0.0.1 that speaks /v1/chat/completions.

The server (`tests/llm/scripted_openai.py`) is scripted per test: each request takes the next
behaviour from a queue (stream an answer, answer 429, stall, send garbage, refuse the key, ...) and
records the request body.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from shopkeeper.config import load_settings
from shopkeeper.errors import ConfigError, ModelError
from shopkeeper.llm import Completion, GenerationSettings, Message, choose, complete, complete_json, create
from shopkeeper.llm.openai_backend import DEFAULT_BASE_URL, OpenAIBackend, parse_argument
from tests.llm.scripted_openai import Script, server

__all__ = ["server"]  # the fixture, re-exported for pytest

HELLO = [Message("user", "hello")]


@pytest.fixture
def backend(server: tuple[str, Script]) -> Iterator[OpenAIBackend]:
    url, _ = server
    client = OpenAIBackend("m1", url, api_key="sk-test", timeout_s=0.5, retries=2, backoff_s=0.01)
    try:
        yield client
    finally:
        client.close()


def test_streaming_yields_deltas_then_a_final_result(
    backend: OpenAIBackend, server: tuple[str, Script]
) -> None:
    _, script = server
    script.behaviours = [("stream", ["Hel", "lo", " there"])]
    items = list(backend.stream(HELLO, GenerationSettings(max_tokens=5, stop=("!",))))
    assert items[:3] == ["Hel", "lo", " there"]
    final = items[-1]
    assert isinstance(final, Completion)
    assert (final.text, final.prompt_tokens, final.completion_tokens, final.model) == (
        "Hello there",
        7,
        3,
        "m1",
    )
    sent = script.requests[0]
    assert sent["stream"] is True and sent["max_tokens"] == 5 and sent["stop"] == ["!"]
    assert sent["messages"] == [{"role": "user", "content": "hello"}]
    assert script.headers[0]["Authorization"] == "Bearer sk-test"


def test_a_429_then_success_is_retried(backend: OpenAIBackend, server: tuple[str, Script]) -> None:
    _, script = server
    script.behaviours = [("status", 429), ("status", 503), ("stream", ["fine"])]
    assert complete(backend, HELLO).text == "fine"
    assert len(script.requests) == 3


def test_overload_that_persists_is_a_retryable_model_error(
    backend: OpenAIBackend, server: tuple[str, Script]
) -> None:
    _, script = server
    script.behaviours = [("status", 429)] * 10
    with pytest.raises(ModelError) as caught:
        list(backend.stream(HELLO, GenerationSettings()))
    assert caught.value.retryable and "429" in str(caught.value)
    assert len(script.requests) == 3  # the first try and two retries


def test_a_stalled_server_times_out_with_a_clear_error(
    backend: OpenAIBackend, server: tuple[str, Script]
) -> None:
    _, script = server
    script.behaviours = [("stall", 1.5)] * 3
    started = time.perf_counter()
    with pytest.raises(ModelError, match=r"did not answer within 0\.5 s"):
        list(backend.stream(HELLO, GenerationSettings()))
    assert time.perf_counter() - started < 5


def test_a_malformed_reply_is_a_model_error(backend: OpenAIBackend, server: tuple[str, Script]) -> None:
    _, script = server
    script.behaviours = [("garbage", None)]
    with pytest.raises(ModelError, match="Malformed"):
        list(backend.stream(HELLO, GenerationSettings()))


def test_a_bad_key_says_which_variable_to_set(backend: OpenAIBackend, server: tuple[str, Script]) -> None:
    _, script = server
    script.behaviours = [("unauthorized", None)]
    with pytest.raises(ConfigError) as caught:
        list(backend.stream(HELLO, GenerationSettings()))
    assert "SHOPKEEPER_OPENAI_API_KEY" in caught.value.fix
    assert len(script.requests) == 1  # not retried


def test_an_unknown_model_is_named(backend: OpenAIBackend, server: tuple[str, Script]) -> None:
    _, script = server
    script.behaviours = [("no_model", None)]
    with pytest.raises(ConfigError, match="does not know the model 'm1'"):
        list(backend.stream(HELLO, GenerationSettings()))


def test_a_wrong_url_path_suggests_v1(server: tuple[str, Script]) -> None:
    url, _ = server
    client = OpenAIBackend("m1", url.removesuffix("/v1"), retries=0)
    try:
        with pytest.raises(ConfigError) as caught:
            list(client.stream(HELLO, GenerationSettings()))
        assert "/v1" in caught.value.fix
    finally:
        client.close()


def test_nothing_listening_is_an_operator_error() -> None:
    client = OpenAIBackend("m1", "http://127.0.0.1:9/v1", retries=1, backoff_s=0.01, timeout_s=2)
    try:
        with pytest.raises(ConfigError, match="Cannot reach"):
            list(client.stream(HELLO, GenerationSettings()))
    finally:
        client.close()


def test_json_is_requested_validated_and_repaired_once(
    backend: OpenAIBackend, server: tuple[str, Script]
) -> None:
    _, script = server
    schema = {
        "type": "object",
        "properties": {"intent": {"enum": ["cancel", "return"]}, "n": {"type": "integer"}},
    }
    script.behaviours = [
        ("stream", ['{"intent": "refund"', ', "n": 1}']),
        ("stream", ['{"intent": "return", "n": 2}']),
    ]
    assert complete_json(backend, HELLO, schema) == {"intent": "return", "n": 2}
    assert script.requests[0]["response_format"]["json_schema"]["schema"] == schema
    repair = script.requests[1]["messages"]
    assert repair[-2] == {"role": "assistant", "content": '{"intent": "refund", "n": 1}'}
    assert "not one of" in repair[-1]["content"]


def test_json_still_wrong_after_the_repair_is_a_model_error(
    backend: OpenAIBackend, server: tuple[str, Script]
) -> None:
    _, script = server
    script.behaviours = [("stream", ["not json"]), ("stream", ["{}"])]
    with pytest.raises(ModelError, match="after one repair"):
        complete_json(backend, HELLO, {"type": "object", "properties": {"a": {"type": "string"}}})


def test_a_choice_comes_back_bare(backend: OpenAIBackend, server: tuple[str, Script]) -> None:
    _, script = server
    script.behaviours = [("stream", ['{"choice": "no"}'])]
    assert choose(backend, HELLO, ["yes", "no"]) == "no"
    assert script.requests[0]["response_format"]["json_schema"]["schema"]["properties"]["choice"]["enum"] == [
        "yes",
        "no",
    ]


def test_spec_parsing_and_the_api_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_argument("gpt-4o-mini") == ("gpt-4o-mini", DEFAULT_BASE_URL)
    assert parse_argument("llama3:8b@http://127.0.0.1:11434/v1/") == (
        "llama3:8b",
        "http://127.0.0.1:11434/v1",
    )
    with pytest.raises(ConfigError, match="needs a model name"):
        parse_argument("@http://x/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-a")
    monkeypatch.setenv("SHOPKEEPER_OPENAI_API_KEY", "sk-b")
    monkeypatch.setenv("SHOPKEEPER_LLM_TIMEOUT", "7")
    created = create("openai:m@http://127.0.0.1:1/v1", load_settings())
    assert isinstance(created, OpenAIBackend)
    try:
        assert created.describe()["api key"] == "set" and created.timeout_s == 7
        assert created._client.headers["Authorization"] == "Bearer sk-b"
    finally:
        created.close()
