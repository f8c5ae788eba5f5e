"""A small client for Medusa v2's Admin API: JSON over HTTP, authenticated with a secret API key.

The key goes in HTTP Basic auth as the user name with an empty password, as Medusa v2 expects
(`Authorization: Basic base64("sk_...:")`). Transport failures, timeouts and 5xx answers become
`BackendUnavailable`; 4xx answers become `MedusaError` (status and Medusa's own message) for the
caller to translate. Knows nothing about Shopkeeper's records.
"""

from __future__ import annotations

import contextlib
from typing import Any

import httpx

from shopkeeper.errors import BackendUnavailable

__all__ = ["Json", "MedusaClient", "MedusaError"]

Json = dict[str, Any]


class MedusaError(Exception):
    """Medusa answered a request with a 4xx status: `status`, Medusa's `type` and `message`."""

    def __init__(self, status: int, kind: str, message: str) -> None:
        self.status = status
        self.kind = kind
        self.message = message
        super().__init__(f"Medusa {status} {kind}: {message}")


class MedusaClient:
    """Admin API calls on one connection pool; `timeout` bounds each request (seconds)."""

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.url,
            auth=httpx.BasicAuth(api_key, ""),
            timeout=timeout,
            transport=transport,
            headers={"Accept": "application/json"},
        )

    def close(self) -> None:
        self._http.close()

    def get(self, path: str, **params: Any) -> Json:
        return self._send("GET", path, params=params)

    def post(self, path: str, body: Json | None = None, **params: Any) -> Json:
        return self._send("POST", path, json=body or {}, params=params)

    def delete(self, path: str) -> Json:
        return self._send("DELETE", path)

    def health(self) -> bool:
        """Whether `/health` answers 200 (needs no key)."""
        try:
            return self._http.get("/health", auth=None).status_code == 200
        except httpx.HTTPError:
            return False

    def _send(self, method: str, path: str, **kwargs: Any) -> Json:
        params = {k: v for k, v in (kwargs.pop("params", None) or {}).items() if v is not None}
        try:
            response = self._http.request(method, path, params=params, **kwargs)
        except httpx.TimeoutException as exc:
            raise BackendUnavailable(f"Medusa at {self.url} timed out on {method} {path}") from exc
        except httpx.HTTPError as exc:
            raise BackendUnavailable(
                f"Medusa at {self.url} is unreachable ({exc.__class__.__name__})"
            ) from exc
        if response.status_code >= 500:
            raise BackendUnavailable(
                f"Medusa answered {response.status_code} on {method} {path}: {_message(response)}"
            )
        if response.status_code >= 400:
            kind = ""
            with contextlib.suppress(ValueError):
                kind = str(response.json().get("type", ""))
            raise MedusaError(response.status_code, kind, _message(response))
        try:
            body: Json = response.json() if response.content else {}
        except ValueError as exc:
            raise BackendUnavailable(f"Medusa answered {method} {path} with something not JSON") from exc
        return body


def _message(response: httpx.Response) -> str:
    try:
        return str(response.json().get("message", response.text[:200]))
    except ValueError:
        return response.text[:200]
