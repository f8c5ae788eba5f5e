"""Alembic environment: runs migrations on the connection handed over by `Database.migrate()`.

The migrations are written by hand and cover every table of Shopkeeper's database, including those
defined above the store seam (conversations, knowledge base, staff); no autogenerate, so nothing here
imports those modules and `store/` stays at the bottom of the import graph.
"""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the programmatic path is supported
    raise RuntimeError("Run migrations through shopkeeper.store.db.Database.migrate().")
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
