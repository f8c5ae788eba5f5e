"""Alembic environment: runs migrations on the connection handed over by `Database.migrate()`."""

from alembic import context

from shopkeeper import sessions as _sessions  # noqa: F401  (registers conversation tables)
from shopkeeper.knowledge import schema as _knowledge_schema  # noqa: F401  (registers kb_* tables)
from shopkeeper import staff as _staff  # noqa: F401  (registers staff_* tables)
from shopkeeper.store.schema import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the programmatic path is supported
    raise RuntimeError("Run migrations through shopkeeper.store.db.Database.migrate().")
context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
