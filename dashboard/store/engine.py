"""Connections to the store's database: URLs, engines, transactions and their errors.

One code path serves both backends. SQLite (a file under ``var/``) is the
zero-setup default; PostgreSQL is for a shared deployment and later PostGIS.
This module is where the two differ in how they connect: SQLite gets its
pragmas per connection and real ``BEGIN IMMEDIATE`` write transactions, so
the rest of the store can treat both alike.

Errors from drivers and the filesystem leave the store as :class:`StoreError`
naming the database URL (password masked) and, where one helps, what to do.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic.util.exc import CommandError
from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from dashboard import paths
from dashboard.store import changes

DATABASE_URL_ENV = "BORDERWATCH_DATABASE_URL"
# Long enough to ride out another process's import transaction, short enough
# that a stuck writer surfaces as an error rather than a hung dashboard.
SQLITE_BUSY_TIMEOUT_MS = 10_000
SUPPORTED_BACKENDS = ("sqlite", "postgresql")

# Execution option that makes a SQLite transaction start with BEGIN IMMEDIATE.
WRITE_OPTION = "borderwatch_write"

# Page cache of a bulk-writing SQLite connection, in KiB (the default is 2 MiB).
# Each chunk inserts into indexes keyed by incident id all over their key
# range; with the indexes in cache a million-row import is a third faster.
SQLITE_BULK_CACHE_KIB = 262_144


class StoreError(Exception):
    """A problem the user can act on: bad URL, unusable file, outdated schema.

    Messages name the database URL with any password masked.
    """


# --- URLs -------------------------------------------------------------------


def default_database_url() -> str:
    """``$BORDERWATCH_DATABASE_URL`` if set, else the SQLite file under ``var/``."""
    configured = os.environ.get(DATABASE_URL_ENV, "").strip()
    if configured:
        return configured
    return f"sqlite:///{paths.default_sqlite_path()}"


def mask_url(url: str | URL) -> str:
    """The URL as safe to print: any password replaced by ``***``."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        return _parse_url(url).render_as_string(hide_password=True)
    except StoreError:
        return "<unparsable database URL>"


def _parse_url(url: str) -> URL:
    """Parse and normalise: plain ``postgresql://`` means psycopg 3, our driver."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a valid database URL: {exc}") from None
    if parsed.get_backend_name() not in SUPPORTED_BACKENDS:
        raise StoreError(
            f"unsupported database {parsed.get_backend_name()!r} in "
            f"{parsed.render_as_string(hide_password=True)}: use sqlite or postgresql"
        )
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


# --- engines ----------------------------------------------------------------


def create_store_engine(url: str | None = None) -> Engine:
    """An engine configured the way the store needs, for either backend.

    For SQLite this creates the file's folder and installs the connection
    settings (WAL, foreign keys, busy timeout, real transactions).
    """
    parsed = _parse_url(url or default_database_url())
    masked = mask_url(parsed)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        folder = Path(parsed.database).expanduser().resolve().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as exc:
            raise StoreError(
                f"cannot create the folder for {masked}: {exc.filename} is a file, not a folder"
            ) from exc
        except OSError as exc:
            raise StoreError(f"cannot create the folder for {masked}: {exc}") from exc
    try:
        engine = create_engine(parsed)
    except NoSuchModuleError as exc:
        raise StoreError(
            f"no driver for {masked}: install it with pip install 'borderwatch[postgres]' ({exc})"
        ) from exc
    except ImportError as exc:
        raise StoreError(f"the database driver for {masked} is not installed: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    """Per-connection SQLite settings; pragmas are per connection, not per file.

    ``isolation_level = None`` stops Python's sqlite3 from issuing its own
    deferred BEGIN (it skips SELECTs and DDL); :func:`_begin_sqlite_transaction`
    issues a real one instead, so reads inside a write are consistent.
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        # WAL lets the dashboard read while an import writes.
        cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()


def _begin_sqlite_transaction(connection: Connection) -> None:
    """BEGIN IMMEDIATE for writes, so two writers queue on the busy timeout.

    A deferred transaction that reads and then writes fails at once with
    "database is locked" when another writer got in between; taking the
    write lock up front makes the second writer wait instead.
    """
    immediate = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _tune_for_bulk(conn: Connection) -> None:
    """Give an SQLite connection a large page cache and ``synchronous = NORMAL``.

    NORMAL is what SQLite recommends with WAL: a commit no longer waits for
    the disk; a power cut can lose the last commits but never corrupts the
    file, and a lost chunk of an import comes back by running it again. The
    settings stay with the pooled connection (a dropped cache would have to
    be read again for the next chunk); they cannot change inside a
    transaction, hence before BEGIN.
    """
    if conn.dialect.name != "sqlite":
        return
    dbapi = conn.connection.dbapi_connection
    dbapi.execute(f"PRAGMA cache_size = -{SQLITE_BULK_CACHE_KIB}")
    dbapi.execute("PRAGMA synchronous = NORMAL")


# --- connections and transactions -------------------------------------------


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """A connection for reads, driver errors turned into :class:`StoreError`."""
    with translate_errors(engine.url, "read from"), engine.connect() as conn:
        yield conn


@contextmanager
def writing(engine: Engine, *, bulk: bool = False) -> Iterator[Connection]:
    """One write transaction: committed if the block finishes, rolled back otherwise.

    On SQLite it starts with BEGIN IMMEDIATE (see :func:`_begin_sqlite_transaction`).
    ``bulk`` tunes an SQLite connection for large transactions first
    (see :func:`_tune_for_bulk`). Every write is numbered in the change log
    (:func:`changes.begin_write`); a bulk write inserts only new incidents and
    their rows.
    """
    with translate_errors(engine.url, "write to"), engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        if bulk:
            _tune_for_bulk(conn)
        with conn.begin():
            changes.begin_write(conn, bulk=bulk)
            yield conn
            changes.end_write(conn)


@contextmanager
def translate_errors(url: str | URL, doing: str) -> Iterator[None]:
    """Turn driver and filesystem errors into a :class:`StoreError` naming the URL."""
    try:
        yield
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise StoreError(f"cannot {doing} {mask_url(url)}: {reason}{_hint(reason)}") from exc
    except CommandError as exc:
        raise StoreError(f"cannot {doing} {mask_url(url)}: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"cannot {doing} {mask_url(url)}: {exc}") from exc


def _hint(reason: str) -> str:
    """What to do about a driver error, where the message alone leaves users guessing."""
    lowered = reason.lower()
    if "unable to open database file" in lowered:
        return " (check that the folder exists and is writable)"
    if "file is not a database" in lowered:
        return " (the file exists but is not an SQLite database; move it away or pick another URL)"
    if "readonly database" in lowered:
        return " (the file or its folder is read-only)"
    if "extension" in lowered and "postgis" in lowered:
        return " (install PostGIS on the database server: Debian package postgresql-postgis)"
    return ""
