"""The one place where errors become HTTP responses: `translate(exc)` -> (status, body), and handlers.

Every error body has one shape, also what OpenAI clients expect: `{"error": {"code", "message", "type"}}`.
- `ActionError` (customer-safe by contract): its code and message; status from the code (404, 409, 422).
- Request validation (malformed JSON, wrong fields, too long): 422 with the first problem in words.
- HTTP errors raised by routes or the body-size guard (404, 405, 413, 429): their status and detail.
- A write that conflicts with a concurrent one (a retry racing its first attempt): 409.
- Database or store platform (Medusa) unreachable: 503, "try again shortly". Configuration or model failures: 503.
- Anything else: 500 with a generic message; the traceback goes to the server log, never to the client.
The SSE stream uses the same `translate` for an error after the response has started.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from shopkeeper.errors import ActionError, BackendUnavailable, ConfigError, ModelError

__all__ = ["error_body", "install", "translate"]

log = logging.getLogger("shopkeeper.api")

_ACTION_STATUS = {
    "conversation_not_found": 404,
    "model_not_found": 404,
    "customer_not_found": 404,
    "order_not_found": 404,
    "document_not_found": 404,
    "conversation_busy": 409,
    "conversation_taken": 409,
    "conversation_not_held": 409,
    "empty_message": 422,
    "message_too_long": 422,
    "invalid_message": 422,
}
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "request_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def error_body(code: str, message: str, kind: str = "invalid_request_error") -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "type": kind}}


def _validation_message(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "The request is not valid."
    first = errors[0]
    if first.get("type") == "json_invalid":
        return "The request body is not valid JSON."
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    message = str(first.get("msg", "is not valid"))
    if first.get("type") == "missing":
        return f"The field '{where}' is required." if where else "The request body is required."
    if first.get("type") in ("model_attributes_type", "dict_type") and not where:
        return "The request body must be a JSON object."
    return f"{where}: {message}" if where else message


def translate(exc: Exception) -> tuple[int, dict[str, Any]]:
    """Status and body for any exception (the only mapping from errors to HTTP)."""
    if isinstance(exc, ActionError):
        return _ACTION_STATUS.get(exc.code, 400), error_body(exc.code, exc.message)
    if isinstance(exc, RequestValidationError):
        return 422, error_body("invalid_request", _validation_message(exc))
    if isinstance(exc, StarletteHTTPException):
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        detail = str(exc.detail)
        if exc.status_code == 400 and "parsing the body" in detail:  # FastAPI's words for undecodable bytes
            detail = "The request body is not valid JSON text (UTF-8 expected)."
        return exc.status_code, error_body(code, detail)
    if isinstance(exc, IntegrityError):  # e.g. a retry racing its first attempt (same request_id)
        log.warning("conflicting write: %s", exc.orig)
        return 409, error_body("conflict", "This request conflicts with one being processed; please retry.")
    if isinstance(exc, BackendUnavailable):  # the store platform (Medusa) did not answer
        log.error("store unavailable: %s", exc.reason)
        return 503, error_body(
            "store_unavailable",
            "The store is unavailable right now; please try again shortly.",
            "server_error",
        )
    if isinstance(exc, OperationalError):
        log.error("database error: %s", exc.orig)
        return 503, error_body(
            "store_unavailable",
            "The store is unavailable right now; please try again shortly.",
            "server_error",
        )
    if isinstance(exc, ConfigError | ModelError):
        log.error("service unavailable: %s", exc)
        return 503, error_body(
            "service_unavailable",
            "The assistant is unavailable right now; please try again shortly.",
            "server_error",
        )
    log.exception("unexpected error", exc_info=exc)
    return 500, error_body(
        "internal_error", "Something went wrong on our side; please try again.", "server_error"
    )


def install(app: FastAPI) -> None:
    """Register the handlers on `app`; each one goes through `translate` and counts the error."""

    async def handle(request: Request, exc: Exception) -> JSONResponse:
        status, body = translate(exc)
        metrics = getattr(request.app.state, "shopkeeper", None)
        if metrics is not None:
            metrics.metrics.record_error(body["error"]["code"])
        headers = getattr(exc, "headers", None) if isinstance(exc, StarletteHTTPException) else None
        return JSONResponse(body, status_code=status, headers=headers)

    for kind in (
        ActionError,
        RequestValidationError,
        StarletteHTTPException,
        IntegrityError,
        OperationalError,
        BackendUnavailable,
    ):
        app.add_exception_handler(kind, handle)
    app.add_exception_handler(ConfigError, handle)
    app.add_exception_handler(ModelError, handle)
    app.add_exception_handler(Exception, handle)
