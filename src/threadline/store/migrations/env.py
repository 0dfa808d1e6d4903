"""Alembic environment: migrations run on the connection Threadline hands over."""

from __future__ import annotations

from alembic import context

from threadline.store.partitions import schema_filter
from threadline.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - Threadline always passes its own connection
    raise RuntimeError("run migrations through threadline.store.Store.migrate()")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_object=schema_filter(connection),
)
with context.begin_transaction():
    context.run_migrations()
