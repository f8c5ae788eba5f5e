"""Property-based fuzzing of every operation in the published OpenAPI schema: no input gets a 5xx.

Hypothesis builds request bodies from each operation's schema (its property names, with values of any
JSON type, text in any script, control characters, huge numbers), plus raw bytes, wrong content types,
odd path parameters and Accept headers, and sends them to a real server. Every answer must be below 500
and, when it is an error, carry the one error shape with a message.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import Server

pytestmark = pytest.mark.slow

_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=300)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
_messages = st.lists(
    st.fixed_dictionaries(
        {
            "role": st.sampled_from(["user", "assistant", "system", "tool", "x"]),
            "content": _json | st.text(max_size=200),
        }
    ),
    max_size=3,
)
_path_ids = st.text(max_size=80) | st.sampled_from(["", "..", "%00", "a" * 300, "oai-1"])
_accept = st.sampled_from(["application/json", "text/event-stream", "*/*", "text/html", ""])


def _operations(server: Server) -> list[tuple[str, str, list[str]]]:
    schema = server.client.get("/openapi.json").json()
    ops = []
    for path, item in schema["paths"].items():
        for method, op in item.items():
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            ref = body.get("$ref") or next(
                (s.get("$ref") for s in body.get("anyOf", []) if "$ref" in s), None
            )
            props = list(schema["components"]["schemas"][ref.split("/")[-1]]["properties"]) if ref else []
            ops.append((method.upper(), path, props))
    return ops


@pytest.fixture(scope="module")
def operations(server: Server) -> list[tuple[str, str, list[str]]]:
    ops = _operations(server)
    assert any(path == "/v1/chat/completions" for _, path, _ in ops)
    return ops


def _check(response: Any) -> None:
    assert response.status_code < 500, (response.request.method, response.request.url, response.text[:500])
    if response.status_code >= 400:
        error = response.json()["error"]
        assert error["message"] and error["code"], response.text


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_input_gets_a_5xx(
    server: Server, operations: list[tuple[str, str, list[str]]], data: st.DataObject
) -> None:
    method, path, props = data.draw(st.sampled_from(operations))
    conversation = server.conversation()
    url = path.replace("{conversation_id}", data.draw(st.sampled_from([conversation]) | _path_ids))
    kind = data.draw(st.sampled_from(["schema", "json", "bytes"]))
    headers = {"Accept": data.draw(_accept)}
    if kind == "schema":
        values = {
            name: data.draw(_messages if name == "messages" else _json | st.text(max_size=500))
            for name in props
        }
        keep = data.draw(st.lists(st.sampled_from(props), unique=True)) if props else []
        body = json.dumps({k: v for k, v in values.items() if k in keep}).encode()
        headers["Content-Type"] = "application/json"
    elif kind == "json":
        body = json.dumps(data.draw(_json)).encode()
        headers["Content-Type"] = data.draw(st.sampled_from(["application/json", "text/plain"]))
    else:
        body = data.draw(st.binary(max_size=2000))
        headers["Content-Type"] = data.draw(st.sampled_from(["application/json", "application/octet-stream"]))
    first = None
    try:
        # streamed: a conversation's `GET .../events` stays open for as long as the client listens
        with server.client.stream(
            method, url, content=body if method == "POST" else None, headers=headers
        ) as response:
            if response.headers.get("content-type", "").startswith("text/event-stream"):
                first = next(response.iter_text(), "")
            else:
                response.read()
    except Exception as exc:  # an invalid URL that httpx itself refuses is not the server's answer
        if "Invalid" in type(exc).__name__ or "URL" in str(exc):
            return
        raise
    if first is not None:
        assert response.status_code == 200
        assert first.startswith(("event:", "data:", "retry:", ":")) and "Traceback" not in first, first
        return
    if response.headers.get("content-type", "").startswith("application/json"):
        _check(response)
    else:
        assert response.status_code < 500


def test_the_server_logged_no_unhandled_error(server: Server) -> None:
    log = server.log(tail=10**9)
    assert "Traceback" not in log and "Exception in ASGI application" not in log, log
