"""The backend registry, a third-party backend installed through a real entry point, and the helpers
above the seam exercised through it."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from shopkeeper.config import load_settings
from shopkeeper.errors import ConfigError, ModelError
from shopkeeper.llm import (
    ENTRY_POINT_GROUP,
    Backend,
    GenerationSettings,
    Message,
    available,
    choose,
    complete,
    complete_json,
    create,
    messages,
    parse_spec,
    registry,
    with_retries,
)

PLUGIN = '''
"""A third-party backend: echoes the last user message, or a canned answer given as the argument."""
from shopkeeper.llm import Completion


class Echo:
    name = "echo"

    def __init__(self, argument, settings):
        self.argument = argument

    def stream(self, messages, settings):
        text = self.argument or messages[-1].content
        for word in text.split(" "):
            yield word + " "
        yield Completion(text=text + " ", model="echo", prompt_tokens=1, completion_tokens=1,
                         finish_reason="stop", first_token_s=0.0, total_s=0.0)
'''


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Install a package that declares a backend in the entry-point group, the way pip would."""
    (tmp_path / "echo_backend.py").write_text(textwrap.dedent(PLUGIN))
    info = tmp_path / "echo_backend-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: echo-backend\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\necho = echo_backend:Echo\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(registry, "_plugins_loaded", False)
    monkeypatch.setattr(registry, "_registered", {})
    yield


def test_specs_split_on_the_first_colon() -> None:
    assert parse_spec("transformers") == ("transformers", "")
    assert parse_spec(" Transformers:/m/x.gguf ") == ("transformers", "/m/x.gguf")
    assert parse_spec("openai:llama3:8b@http://h:1/v1") == ("openai", "llama3:8b@http://h:1/v1")
    with pytest.raises(ConfigError):
        parse_spec(":x")


def test_an_unknown_backend_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError) as caught:
        create("nonesuch", load_settings())
    assert "transformers" in caught.value.fix and "openai" in caught.value.fix


def test_a_backend_installed_through_an_entry_point_is_found(plugin: None) -> None:
    assert {"echo", "openai", "transformers"} <= set(available())
    backend = create("echo", load_settings())
    assert isinstance(backend, Backend)
    assert complete(backend, [Message("user", "hi there")]).text == "hi there "
    assert "".join(
        x for x in backend.stream([Message("user", "a b")], GenerationSettings()) if isinstance(x, str)
    ) == ("a b ")


def test_helpers_validate_what_any_backend_returns(plugin: None) -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    assert complete_json(create('echo:{"n": 3}'), [], schema) == {"n": 3}
    with pytest.raises(ModelError, match="not JSON"):
        complete_json(create("echo:nope"), [], schema)
    with pytest.raises(ModelError, match="does not match"):
        complete_json(create('echo:{"n": "x"}'), [], schema)
    assert choose(create("echo:yes"), [], ["yes", "no"]) == "yes"
    with pytest.raises(ModelError, match="not one of"):
        choose(create("echo:maybe"), [], ["yes", "no"])


def test_register_replaces_a_factory_in_process(plugin: None) -> None:
    registry.register("fixed", lambda argument, settings: create("echo:fixed", settings))
    assert complete(create("fixed"), []).text == "fixed "


def test_retries_only_what_may_succeed_later() -> None:
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ModelError("busy", retryable=True)
        return "ok"

    assert with_retries(flaky, attempts=3, backoff_s=0.001) == "ok"

    def broken() -> str:
        calls.append(1)
        raise ModelError("bad output")

    calls.clear()
    with pytest.raises(ModelError):
        with_retries(broken, attempts=3, backoff_s=0.001)
    assert len(calls) == 1


def test_messages_builds_alternating_turns() -> None:
    chat = messages("be brief", "hi", "hello!", ("user", "where is my order?"))
    assert [(m.role, m.content) for m in chat] == [
        ("system", "be brief"),
        ("user", "hi"),
        ("assistant", "hello!"),
        ("user", "where is my order?"),
    ]
