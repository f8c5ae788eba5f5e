"""`create_app(settings)`: the FastAPI application, with all state wired in its lifespan.

At start-up the lifespan opens (and migrates) Shopkeeper's database, opens the configured store
(`SHOPKEEPER_STORE`: the built-in one or Medusa), builds the knowledge base and the agent, and
starts one background thread that warms the understanding and embedding models and, unless disabled,
loads the language model; `/readyz` reports 503 until that is done. At shutdown it closes the store.
Importing this module does no work. Middleware: the request-size guard and, when origins are
configured, CORS. Errors are translated in `api.errors` only.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from shopkeeper.api import errors
from shopkeeper.api.console import router as console_router
from shopkeeper.api.deps import AppState, BodyLimit
from shopkeeper.api.keys import KeyStore
from shopkeeper.api.metrics import Metrics
from shopkeeper.api.routes import admin, conversations, health, openai, web
from shopkeeper.api.settings import ServeSettings

__all__ = ["create_app"]

log = logging.getLogger("shopkeeper.api")


def _warm_up(state: AppState) -> None:
    """Load what the first turn would otherwise wait for; never raises."""
    try:
        if state.settings.warm_up:
            from shopkeeper.understanding import UnderstandingContext, understand

            understand("hello, where is my order?", UnderstandingContext())
            state.kb.search("refund policy")
        state.warm.set()
    except Exception:
        log.exception("warming up the understanding models failed; the first turns will be slower")
        state.warm.set()
    if state.settings.load_model:
        try:
            from shopkeeper.llm import registry

            backend = registry.get(settings=state.settings.store)
            # The embedded backend loads its weights on first use; load them now so that /readyz
            # means "loaded" (`load` is not part of the backend interface: remote backends have none).
            load = getattr(backend, "load", None)
            if callable(load):
                load()
            state.agent.llm = backend
            state.model_status = "ready"
        except Exception:
            log.exception("the language model did not load; replies use templates")
            state.model_status = "failed"


def create_app(settings: ServeSettings) -> FastAPI:
    """The application for `settings`; nothing is opened until the server starts it."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from shopkeeper.agent import Agent
        from shopkeeper.knowledge import KnowledgeBase
        from shopkeeper.privacy import install_log_redaction
        from shopkeeper.store.db import open_store
        from shopkeeper.store.factory import open_backend

        install_log_redaction()  # no email, card or address reaches the server's logs
        db = open_store(settings.store.db_url)
        store = open_backend(settings.store, db)  # checked by `api.check` before the server starts
        kb = KnowledgeBase(db)
        state = AppState(
            settings=settings,
            db=db,
            kb=kb,
            agent=Agent(db, kb=kb, store=store),
            metrics=Metrics(),
            keys=KeyStore(settings.admin_keys_path()),
            model_status="loading" if settings.load_model else "disabled",
        )
        app.state.shopkeeper = state
        threading.Thread(target=_warm_up, args=(state,), name="shopkeeper-warm-up", daemon=True).start()
        try:
            yield
        finally:
            store.close()
            db.dispose()

    app = FastAPI(
        title="Shopkeeper",
        summary="Self-hostable AI customer-support agent for online retailers",
        version="0.1.0",
        lifespan=lifespan,
    )
    errors.install(app)
    app.include_router(conversations.router)
    app.include_router(openai.router)
    app.include_router(admin.router)
    app.include_router(health.router)
    app.include_router(web.router)
    app.include_router(console_router)
    app.mount("/static", StaticFiles(directory=str(web.STATIC)), name="static")
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Accept", "X-Conversation-Id", "X-Request-Id", "Authorization"],
            expose_headers=["X-Conversation-Id"],
        )
    return app
