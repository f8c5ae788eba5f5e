"""The HTTP API and web chat: `create_app(ServeSettings(...))` returns the FastAPI application.

Layout: `app` (create_app, lifespan), `settings` (validated settings, start-up checks), `deps`
(state, rate limit, size guard), `errors` (the one error translator), `schemas` (bodies by direction),
`turns` (agent turns in a threadpool, SSE), `metrics`, `routes/` (one router per resource) and
`static/` (the chat page and widget). The API calls the agent; nothing below the agent imports this.
"""

from shopkeeper.api.app import create_app
from shopkeeper.api.settings import ServeSettings, check

__all__ = ["ServeSettings", "check", "create_app"]
