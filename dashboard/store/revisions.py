"""Schema versions: which revision a database is at, and migrating it to the newest.

The schema is versioned with Alembic; the migrations ship inside the package
(``migrations/``) and run programmatically, so users need no ``alembic.ini``.
Opening a store checks the revision first (:func:`check_revision`), so an
out-of-date database fails with a message saying what to run, not with a
missing column halfway through an import.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import URL, Connection, Engine

from dashboard import paths
from dashboard.store.engine import (
    DATABASE_URL_ENV,
    WRITE_OPTION,
    StoreError,
    create_store_engine,
    mask_url,
    translate_errors,
)

UPGRADE_COMMAND = "borderwatch db upgrade"


def migrations_dir() -> Path:
    """Where the Alembic environment ships: inside the package."""
    return paths.migrations_dir()


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration built in code; ``connection`` is what ``env.py`` migrates."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The schema revision this version of the code expects."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships 0001
        raise StoreError(f"no migrations found in {migrations_dir()}")
    return head


def revision_of(conn: Connection) -> str | None:
    """The revision the connected database is at, or ``None`` if it has no schema yet."""
    return MigrationContext.configure(conn).get_current_revision()


def current_revision(url: str | None = None) -> str | None:
    """The revision the database at ``url`` is at, or ``None`` if it has no schema yet."""
    engine = create_store_engine(url)
    try:
        with translate_errors(engine.url, "read the schema revision of"), engine.connect() as conn:
            return revision_of(conn)
    finally:
        engine.dispose()


def upgrade_database(url: str | None = None) -> str:
    """Bring the database to the newest schema; returns the new revision.

    This is what ``borderwatch db upgrade`` runs. Safe to repeat.
    """
    engine = create_store_engine(url)
    try:
        return migrate(engine)
    finally:
        engine.dispose()


def migrate(engine: Engine, target: str = "head") -> str:
    """Run the migrations to ``target`` in one transaction on ``engine``.

    On SQLite, foreign keys are switched off for the duration (they cannot be
    switched inside a transaction): Alembic's batch mode rebuilds a table by
    copy-and-drop, and a DROP with ON DELETE CASCADE would empty its children.
    ``PRAGMA foreign_key_check`` then verifies integrity before the commit.
    """
    is_sqlite = engine.dialect.name == "sqlite"
    with translate_errors(engine.url, "upgrade"), engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        if is_sqlite:
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                command.upgrade(alembic_config(conn), target)
                if is_sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise StoreError(f"migration broke foreign keys in {mask_url(engine.url)}")
                revision = revision_of(conn)
        finally:
            if is_sqlite:
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys = ON")
    return revision or "base"


def check_revision(conn: Connection, url: URL) -> None:
    """Refuse to work on a database whose schema is not the one this code expects."""
    current = revision_of(conn)
    head = head_revision()
    if current == head:
        return
    where = mask_url(url)
    if current is None:
        raise StoreError(
            f"database {where} has no borderwatch schema yet: run `{UPGRADE_COMMAND}` to create it"
        )
    script = ScriptDirectory.from_config(alembic_config())
    try:
        known = script.get_revision(current) is not None
    except CommandError:
        known = False
    if known:
        raise StoreError(
            f"database {where} is out of date (schema revision {current}, this version of "
            f"borderwatch needs {head}): run `{UPGRADE_COMMAND}`"
        )
    raise StoreError(
        f"database {where} is at schema revision {current!r}, which this version of "
        f"borderwatch does not know: it was written by a newer borderwatch (upgrade the "
        f"package) or it is not a borderwatch database (set {DATABASE_URL_ENV})"
    )
