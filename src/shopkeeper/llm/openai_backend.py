"""Any OpenAI-compatible chat-completions server (OpenAI, vLLM, Ollama, LM Studio, llama.cpp server).

Spec: `openai:MODEL` (https://api.openai.com/v1) or `openai:MODEL@BASE_URL`, e.g.
`openai:Qwen/Qwen2.5-7B-Instruct@http://127.0.0.1:8000/v1`. Environment:
- `SHOPKEEPER_OPENAI_API_KEY` (or `OPENAI_API_KEY`): sent as a bearer token when set;
- `SHOPKEEPER_LLM_TIMEOUT`: seconds to wait for the server to connect or send the next bytes (60);
- `SHOPKEEPER_LLM_RETRIES`: attempts after the first on 429, 5xx, timeouts and refused connections (3).

Streams over server-sent events (`stream: true`). Retries with exponential backoff (honouring
`Retry-After`) happen only before the first text delta, so a caller never sees text twice.
Errors say who must act: a wrong URL, a bad key or an unknown model raise `ConfigError` with the fix;
timeouts, overload and malformed replies raise `ModelError`. A `json_schema` or `choices` request is
sent as `response_format` (JSON schema), buffered, parsed and validated, with one repair attempt;
the validated JSON (or the bare choice) is then yielded as one delta.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator, Sequence
from typing import Any

import httpx

from shopkeeper.config import Settings
from shopkeeper.errors import ConfigError, ModelError
from shopkeeper.llm.base import Completion, GenerationSettings, Message, StreamItem
from shopkeeper.llm.schema import check_supported, describe, validate

__all__ = ["DEFAULT_BASE_URL", "OpenAIBackend", "create", "parse_argument"]

DEFAULT_BASE_URL = "https://api.openai.com/v1"
_RETRY_STATUS = {408, 409, 429, 500, 502, 503, 504}


def parse_argument(argument: str) -> tuple[str, str]:
    """`MODEL[@BASE_URL]` -> (model, base_url); the model name may contain ':' and '/'."""
    match = re.fullmatch(r"(?P<model>.*?)(?:@(?P<url>https?://\S+))?", argument.strip())
    model = (match.group("model") if match else "").strip()
    if not model:
        raise ConfigError(
            "SHOPKEEPER_LLM=openai needs a model name.",
            fix="Use openai:MODEL or openai:MODEL@http://host:port/v1 (e.g. openai:gpt-4o-mini).",
        )
    url = (match.group("url") if match else None) or DEFAULT_BASE_URL
    return model, url.rstrip("/")


class OpenAIBackend:
    """A remote model behind /v1/chat/completions."""

    name = "openai"

    def __init__(
        self,
        model: str,
        base_url: str = DEFAULT_BASE_URL,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        retries: int = 3,
        backoff_s: float = 0.5,
    ) -> None:
        self.model, self.base_url, self.retries, self.backoff_s = (
            model,
            base_url.rstrip("/"),
            retries,
            backoff_s,
        )
        self.timeout_s = timeout_s
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        timeout = httpx.Timeout(timeout_s, connect=min(10.0, timeout_s))
        self._client = httpx.Client(base_url=self.base_url, headers=headers, timeout=timeout)
        self._has_key = bool(api_key)

    def describe(self) -> dict[str, str]:
        return {
            "backend": self.name,
            "model": self.model,
            "base url": self.base_url,
            "api key": "set" if self._has_key else "not set",
            "timeout seconds": f"{self.timeout_s:g}",
            "retries": str(self.retries),
        }

    def close(self) -> None:
        self._client.close()

    # -- the seam -----------------------------------------------------------------------------------
    def stream(self, messages: Sequence[Message], settings: GenerationSettings) -> Iterator[StreamItem]:
        if settings.json_schema is None and settings.choices is None:
            yield from self._stream(messages, settings, None)
            return
        schema = settings.json_schema or {
            "type": "object",
            "properties": {"choice": {"type": "string", "enum": list(settings.choices or ())}},
            "required": ["choice"],
        }
        check_supported(schema)
        result = self._collect(messages, settings, schema)
        value = json.loads(result.text)
        text = value["choice"] if settings.json_schema is None else json.dumps(value)
        yield text
        yield Completion(
            text=text,
            model=result.model,
            prompt_tokens=result.prompt_tokens,
            completion_tokens=result.completion_tokens,
            finish_reason=result.finish_reason,
            first_token_s=result.total_s,
            total_s=result.total_s,
            extra=result.extra,
        )

    def _collect(
        self, messages: Sequence[Message], settings: GenerationSettings, schema: dict[str, Any]
    ) -> Completion:
        """Ask for JSON matching `schema`; validate; one repair attempt; raise ModelError if still bad."""
        first = _last(self._stream(messages, settings, schema))
        problems = _problems(first.text, schema)
        if not problems:
            return first
        repair = [
            *messages,
            Message("assistant", first.text),
            Message(
                "user",
                f"That reply is not valid ({'; '.join(problems[:3])}). Reply with only JSON shaped like "
                f"{describe(schema)}.",
            ),
        ]
        second = _last(self._stream(repair, settings, schema))
        again = _problems(second.text, schema)
        if again:
            raise ModelError(
                f"The model's JSON did not match the schema after one repair: {'; '.join(again[:3])}"
            )
        return second

    def _body(
        self, messages: Sequence[Message], settings: GenerationSettings, schema: dict[str, Any] | None
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [m.to_dict() for m in messages],
            "max_tokens": settings.max_tokens,
            "temperature": settings.temperature,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if settings.stop:
            body["stop"] = list(settings.stop)
        if settings.seed is not None:
            body["seed"] = settings.seed
        if schema is not None:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "reply", "schema": schema},
            }
        return body

    def _stream(
        self, messages: Sequence[Message], settings: GenerationSettings, schema: dict[str, Any] | None
    ) -> Iterator[StreamItem]:
        body = self._body(messages, settings, schema)
        start = time.perf_counter()
        attempt = 0
        while True:
            try:
                yield from self._attempt(body, start)
                return
            except _Retry as retry:
                if attempt >= self.retries:
                    raise retry.final from None
                time.sleep(min(retry.after if retry.after is not None else self.backoff_s * 2**attempt, 30.0))
                attempt += 1

    def _attempt(self, body: dict[str, Any], start: float) -> Iterator[StreamItem]:
        url = f"{self.base_url}/chat/completions"
        parts: list[str] = []
        first_s: float | None = None
        usage: dict[str, Any] = {}
        finish = "stop"
        model = self.model
        try:
            with self._client.stream("POST", "/chat/completions", json=body) as response:
                if response.status_code != 200:
                    response.read()
                    raise self._http_error(response, url)
                for data in _sse_data(response.iter_lines()):
                    if data == "[DONE]":
                        break
                    chunk = _json(data)
                    model = chunk.get("model") or model
                    usage = chunk.get("usage") or usage
                    for choice in chunk.get("choices") or []:
                        if not isinstance(choice, dict):
                            raise ModelError(f"Malformed reply from {url}: a choice is not an object.")
                        delta = (choice.get("delta") or {}).get("content")
                        if choice.get("finish_reason"):
                            finish = choice["finish_reason"]
                        if delta:
                            if first_s is None:
                                first_s = time.perf_counter() - start
                            parts.append(delta)
                            yield delta
        except httpx.TimeoutException as exc:
            error = ModelError(f"{url} did not answer within {self.timeout_s:g} s.", retryable=True)
            if parts:
                raise error from exc
            raise _Retry(error) from exc
        except httpx.TransportError as exc:
            config = ConfigError(
                f"Cannot reach the language model at {self.base_url} ({type(exc).__name__}: {exc}).",
                fix="Check the URL in SHOPKEEPER_LLM (openai:MODEL@http://host:port/v1) and that it runs.",
            )
            if parts:
                raise ModelError(f"The connection to {url} broke mid-answer.", retryable=True) from exc
            raise _Retry(config) from exc
        total = time.perf_counter() - start
        text = "".join(parts)
        yield Completion(
            text=text,
            model=model,
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            finish_reason="length" if finish == "length" else "stop",
            first_token_s=first_s if first_s is not None else total,
            total_s=total,
        )

    def _http_error(self, response: httpx.Response, url: str) -> Exception:
        status = response.status_code
        try:
            error = response.json().get("error") or {}
            detail = str(error.get("message") or error) if isinstance(error, dict) else str(error)
            code = str(error.get("code") or "") if isinstance(error, dict) else ""
        except (ValueError, AttributeError):
            detail, code = response.text[:200], ""
        if status in (401, 403):
            return ConfigError(
                f"The server at {self.base_url} refused the API key (HTTP {status}: {detail}).",
                fix="Set SHOPKEEPER_OPENAI_API_KEY (or OPENAI_API_KEY) to a valid key.",
            )
        if code == "model_not_found" or (status in (400, 404) and "model" in detail.lower()):
            return ConfigError(
                f"The server at {self.base_url} does not know the model {self.model!r} ({detail}).",
                fix="Name a model the server lists at GET /v1/models: SHOPKEEPER_LLM=openai:MODEL@URL.",
            )
        if status in (404, 405):
            return ConfigError(
                f"{url} is not a chat-completions endpoint (HTTP {status}).",
                fix="The base URL usually ends in /v1, e.g. openai:MODEL@http://127.0.0.1:8000/v1.",
            )
        error_out = ModelError(f"{url} answered HTTP {status}: {detail}", retryable=status in _RETRY_STATUS)
        if status in _RETRY_STATUS:
            after = response.headers.get("retry-after", "")
            return _Retry(error_out, float(after) if after.replace(".", "", 1).isdigit() else None)
        return error_out


class _Retry(Exception):
    """Internal: the attempt failed in a way worth retrying; `final` is raised when retries run out."""

    def __init__(self, final: Exception, after: float | None = None) -> None:
        self.final, self.after = final, after
        super().__init__(str(final))


def _sse_data(lines: Iterator[str]) -> Iterator[str]:
    for line in lines:
        if line.startswith("data:"):
            yield line[5:].strip()


def _json(data: str) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except ValueError:
        raise ModelError(f"Malformed streaming reply (not JSON): {data[:120]!r}") from None
    if not isinstance(value, dict):
        raise ModelError(f"Malformed streaming reply (not an object): {data[:120]!r}")
    return value


def _problems(text: str, schema: dict[str, Any]) -> list[str]:
    try:
        value = json.loads(text)
    except ValueError:
        return ["not JSON"]
    return validate(value, schema)


def _last(items: Iterator[StreamItem]) -> Completion:
    result = None
    for item in items:
        if isinstance(item, Completion):
            result = item
    assert result is not None
    return result


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        raise ConfigError(
            f"{name}={raw!r} is not a number.", fix=f"Set {name} to seconds, e.g. 60."
        ) from None


def create(argument: str, settings: Settings) -> OpenAIBackend:
    """Registry factory: `openai:MODEL[@BASE_URL]`, key and limits from the environment."""
    model, base_url = parse_argument(argument)
    key = os.environ.get("SHOPKEEPER_OPENAI_API_KEY") or os.environ.get("OPENAI_API_KEY")
    return OpenAIBackend(
        model,
        base_url,
        api_key=key,
        timeout_s=_env_float("SHOPKEEPER_LLM_TIMEOUT", 60.0),
        retries=int(_env_float("SHOPKEEPER_LLM_RETRIES", 3)),
    )
