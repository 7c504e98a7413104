"""Alembic environment for the incident store.

Users never see this file or an ``alembic.ini``: ``dashboard.store`` builds
the Alembic configuration in code and hands over an open connection inside a
transaction (``config.attributes["connection"]``), so that a whole upgrade
either commits or rolls back, and so that the connection carries the store's
own settings (SQLite pragmas, driver choice). There is deliberately no other
way in: a migration run over a differently configured connection is a
migration nobody tested.
"""

from __future__ import annotations

from alembic import context

from dashboard.store.postgis import include_object
from dashboard.store.schema import metadata


def run_migrations_online() -> None:
    """Run the pending migrations over the connection the store handed over."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "run migrations through dashboard.store.upgrade_database "
            "(the `borderwatch db upgrade` command), not the alembic command"
        )
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # The PostGIS extras (migration 0003) are PostgreSQL-only and not in schema.py.
        include_object=include_object,
        # SQLite cannot ALTER most things in place; batch mode copies tables.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline (--sql) migrations are not supported; migrate a live database")
run_migrations_online()
