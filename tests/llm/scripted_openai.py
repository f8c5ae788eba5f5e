"""A scripted OpenAI-compatible server on 127.0.0.1 that speaks /v1/chat/completions.

Each request takes the next behaviour from `Script.behaviours` (stream an answer, answer a status,
stall, send garbage, refuse the key, or `("reply", fn)`: stream `fn(request_body)`), and the request
body and headers are recorded. Used by the backend tests and by the agent tests that read messages
with a capable model.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Script:
    behaviours: list[Any] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


def _sse(handler: BaseHTTPRequestHandler, pieces: list[str], usage: bool = True) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.end_headers()
    for piece in pieces:
        chunk = {"model": "m1", "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
        handler.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        handler.wfile.flush()
    end = {"model": "m1", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    handler.wfile.write(f"data: {json.dumps(end)}\n\n".encode())
    if usage:
        tail = {"model": "m1", "choices": [], "usage": {"prompt_tokens": 7, "completion_tokens": len(pieces)}}
        handler.wfile.write(f"data: {json.dumps(tail)}\n\n".encode())
    handler.wfile.write(b"data: [DONE]\n\n")


def _error(
    handler: BaseHTTPRequestHandler, status: int, message: str, code: str = "", **headers: str
) -> None:
    body = json.dumps({"error": {"message": message, "code": code or None}}).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    for key, value in headers.items():
        handler.send_header(key.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


def _make_handler(script: Script) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            script.requests.append(body)
            script.headers.append(dict(self.headers))
            if self.path != "/v1/chat/completions":
                _error(self, 404, "Not Found")
                return
            behaviour = script.behaviours.pop(0) if script.behaviours else ("stream", ["ok"])
            kind, arg = behaviour
            if kind == "stream":
                _sse(self, arg)
            elif kind == "status":
                _error(self, arg, f"status {arg}", retry_after="0")
            elif kind == "reply":
                _sse(self, [arg(body)])
            elif kind == "stall":
                time.sleep(arg)
                _sse(self, ["late"])
            elif kind == "garbage":
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                self.wfile.write(b"data: {this is not json\n\n")
            elif kind == "unauthorized":
                _error(self, 401, "Incorrect API key provided")
            elif kind == "no_model":
                _error(self, 404, f"The model `{body['model']}` does not exist", code="model_not_found")

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (the timeout test) is expected


@pytest.fixture
def server() -> Iterator[tuple[str, Script]]:
    script = Script()
    httpd = _Server(("127.0.0.1", 0), _make_handler(script))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1", script
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
