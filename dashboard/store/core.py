"""The incident store: sources, incidents and their evidence in SQLite or PostgreSQL.

One code path serves both backends. SQLite (a file under ``var/``) is the
zero-setup default; PostgreSQL is for a shared deployment and later PostGIS.
Portability rules: only portable column types (see ``dashboard.store.schema``), no
dialect-specific SQL text, and the one dialect-specific statement, "insert
unless it already exists", lives in :func:`_insert_ignore`.

The schema is versioned with Alembic; the migrations ship inside the package
and run programmatically (:func:`upgrade_database`), so users need no
``alembic.ini``. Opening a store checks the revision first, so an out-of-date
database fails with a message saying what to run, not with a missing column
halfway through an import.

Writes go document by document (:meth:`Store.save_document`): one source and
the incidents it reports, in one transaction, idempotent by content hash.
Structured imports and synthetic data use the bulk path
(:meth:`Store.save_incidents_bulk`): many incidents per transaction in
multi-row statements, idempotent by id, each call all or nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import (
    URL,
    Connection,
    Engine,
    Row,
    Table,
    bindparam,
    create_engine,
    event,
    func,
    make_url,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from dashboard import paths
from dashboard.models import (
    Citation,
    DatePrecision,
    EventType,
    Excerpt,
    Incident,
    LocationPrecision,
    ProvinceRef,
    SegmentRef,
    Source,
    SourceKind,
    Span,
    SpanKind,
)
from dashboard.store import schema as db

DATABASE_URL_ENV = "BORDERWATCH_DATABASE_URL"
UPGRADE_COMMAND = "borderwatch db upgrade"
# Long enough to ride out another process's import transaction, short enough
# that a stuck writer surfaces as an error rather than a hung dashboard.
SQLITE_BUSY_TIMEOUT_MS = 10_000
SUPPORTED_BACKENDS = ("sqlite", "postgresql")

# Anything keyed by ``id`` that the bulk path de-duplicates.
_Keyed = TypeVar("_Keyed", Source, Incident)

# Execution option that makes a SQLite transaction start with BEGIN IMMEDIATE.
_WRITE_OPTION = "borderwatch_write"


class StoreError(Exception):
    """A problem the user can act on: bad URL, unusable file, outdated schema.

    Messages name the database URL with any password masked.
    """


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What :meth:`Store.save_document` changed.

    ``unchanged`` is true when the source was already stored (same content
    hash), in which case nothing at all was written.
    """

    sources_created: int = 0
    incidents_created: int = 0
    incidents_merged: int = 0
    unchanged: bool = False


@dataclass(frozen=True, slots=True)
class BulkSaveResult:
    """What :meth:`Store.save_incidents_bulk` changed.

    ``incidents_unchanged`` counts incidents not written because their id was
    already stored or appeared earlier in the same call.
    """

    sources_created: int = 0
    incidents_created: int = 0
    incidents_unchanged: int = 0


class ImportedPlace(NamedTuple):
    """The place names a structured file gave an imported incident, beside ours.

    ``country_agrees`` / ``admin_agrees`` say whether the file's country and
    admin names match the country and province borderwatch's geocoder found
    (``None``: nothing to compare).
    """

    dataset: str
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    country_agrees: bool | None = None
    admin_agrees: bool | None = None


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
    immediate = connection.get_execution_options().get(_WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# Page cache of a bulk-writing SQLite connection, in KiB (the default is 2 MiB).
# Each chunk inserts into indexes keyed by incident id all over their key
# range; with the indexes in cache a million-row import is a third faster.
SQLITE_BULK_CACHE_KIB = 262_144


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


@contextmanager
def _translate_errors(url: str | URL, doing: str) -> Iterator[None]:
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


# --- migrations -------------------------------------------------------------


def migrations_dir() -> Path:
    """Where the Alembic environment ships: inside the package."""
    return paths.migrations_dir()


def _alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The schema revision this version of the code expects."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships 0001
        raise StoreError(f"no migrations found in {migrations_dir()}")
    return head


def current_revision(url: str | None = None) -> str | None:
    """The revision the database is at, or ``None`` if it has no schema yet."""
    engine = create_store_engine(url)
    try:
        with _translate_errors(engine.url, "read the schema revision of"), engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def upgrade_database(url: str | None = None) -> str:
    """Bring the database to the newest schema; returns the new revision.

    This is what ``borderwatch db upgrade`` runs. Safe to repeat.
    """
    engine = create_store_engine(url)
    try:
        return _upgrade(engine)
    finally:
        engine.dispose()


def _upgrade(engine: Engine, target: str = "head") -> str:
    """Run the migrations to ``target`` in one transaction on ``engine``.

    On SQLite, foreign keys are switched off for the duration (they cannot be
    switched inside a transaction): Alembic's batch mode rebuilds a table by
    copy-and-drop, and a DROP with ON DELETE CASCADE would empty its children.
    ``PRAGMA foreign_key_check`` then verifies integrity before the commit.
    """
    is_sqlite = engine.dialect.name == "sqlite"
    with _translate_errors(engine.url, "upgrade"), engine.connect() as conn:
        conn.execution_options(**{_WRITE_OPTION: True})
        if is_sqlite:
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                command.upgrade(_alembic_config(conn), target)
                if is_sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise StoreError(f"migration broke foreign keys in {mask_url(engine.url)}")
                revision = MigrationContext.configure(conn).get_current_revision()
        finally:
            if is_sqlite:
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys = ON")
    return revision or "base"


def _check_revision(conn: Connection, url: URL) -> None:
    """Refuse to work on a database whose schema is not the one this code expects."""
    current = MigrationContext.configure(conn).get_current_revision()
    head = head_revision()
    if current == head:
        return
    where = mask_url(url)
    if current is None:
        raise StoreError(
            f"database {where} has no borderwatch schema yet: run `{UPGRADE_COMMAND}` to create it"
        )
    script = ScriptDirectory.from_config(_alembic_config())
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


def open_store(url: str | None = None, *, upgrade: bool = False) -> Store:
    """Open the store at ``url`` (default: :func:`default_database_url`).

    Fails with a :class:`StoreError` unless the schema is current; pass
    ``upgrade=True`` to migrate first (tests, and in-memory SQLite, where a
    separate :func:`upgrade_database` would see a different database).
    """
    engine = create_store_engine(url)
    try:
        if upgrade:
            _upgrade(engine)
        with _translate_errors(engine.url, "open"), engine.connect() as conn:
            _check_revision(conn, engine.url)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)


# --- the store --------------------------------------------------------------


class Store:
    """Reads and writes incidents; create one with :func:`open_store`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def url(self) -> str:
        """The database URL, password masked, for messages and logs."""
        return mask_url(self.engine.url)

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    def close(self) -> None:
        """Release pooled connections (and SQLite file handles)."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def upgrade(self) -> str:
        """Migrate this store's database to the newest schema; see :func:`upgrade_database`."""
        return _upgrade(self.engine)

    def current_revision(self) -> str | None:
        """The schema revision of this store's database."""
        with self._reading() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def reading(self) -> AbstractContextManager[Connection]:
        """A connection for reads, errors as :class:`StoreError` (modules beside the store)."""
        return self._reading()

    def writing(self, *, bulk: bool = False) -> AbstractContextManager[Connection]:
        """One write transaction, as the store's own writes use (see ``_writing``).

        For modules that write what the store's methods do not: the PostGIS
        layers (:mod:`dashboard.store.postgis`), a copy of a whole store
        (:mod:`dashboard.store.copy_store`).
        """
        return self._writing(bulk=bulk)

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        with _translate_errors(self.engine.url, "read from"), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _writing(self, *, bulk: bool = False) -> Iterator[Connection]:
        """One transaction: committed if the block finishes, rolled back otherwise.

        ``bulk`` tunes an SQLite connection for large transactions first
        (see :func:`_tune_for_bulk`).
        """
        with _translate_errors(self.engine.url, "write to"), self.engine.connect() as conn:
            conn.execution_options(**{_WRITE_OPTION: True})
            if bulk:
                _tune_for_bulk(conn)
            with conn.begin():
                yield conn

    # --- writing ------------------------------------------------------------

    def save_document(self, source: Source, incidents: list[Incident]) -> SaveResult:
        """Store one source and the incidents it reports, all or nothing.

        Idempotent by ``source.content_hash``: a source already stored makes
        this a no-op reported as ``unchanged``. Incidents are keyed by ``id``:
        a new one is written whole; an existing one (another report of the
        same event) gains the citations and excerpts it lacks and otherwise
        keeps its stored attributes, so the first report's fields win.

        Raises :class:`StoreError` if the source id is already stored with
        different content, or if an incident cites a source that is neither
        this one nor already stored.
        """
        with self._writing() as conn:
            if not _insert_source(conn, source):
                return SaveResult(unchanged=True)
            created = merged = 0
            known_sources = {source.id}
            # A fixed order means two concurrent documents lock shared incidents
            # in the same order, so PostgreSQL sessions queue instead of deadlocking.
            for incident in sorted(incidents, key=lambda i: i.id):
                for citation in incident.citations:
                    _require_source(conn, citation.source_id, known_sources, incident.id)
                if _insert_incident(conn, incident, synthetic=source.synthetic):
                    created += 1
                elif _merge_incident(conn, incident, synthetic=source.synthetic):
                    merged += 1
        return SaveResult(sources_created=1, incidents_created=created, incidents_merged=merged)

    def save_incidents_bulk(
        self,
        sources: Sequence[Source],
        incidents: Sequence[Incident],
        places: Mapping[str, ImportedPlace] | None = None,
    ) -> BulkSaveResult:
        """Store many incidents and the sources they cite in one transaction, all or nothing.

        The write path for structured imports and synthetic data, where a
        transaction per document would be far too slow: rows go in with
        multi-row statements. Call it once per chunk (thousands to tens of
        thousands of incidents); each call commits or rolls back as a whole.

        Parameters
        ----------
        sources
            Sources the incidents cite (one source may be cited by many
            incidents). A source whose id or content hash is already stored is
            left as it is.
        incidents
            Incidents keyed by ``id``. One already stored is left exactly as it
            is: unlike :meth:`save_document` nothing is merged into it, so
            re-importing a file changes nothing. Within one call the first
            incident with a given id wins. A new incident is synthetic when it
            cites at least one source and every source it cites is synthetic.
        places
            The file's own place names by incident id, written with new
            incidents only.

        Raises
        ------
        StoreError
            If an incident cites a source that is neither in ``sources`` nor
            already stored (then nothing is written).

        Notes
        -----
        New incidents are those whose id is not stored when the transaction
        starts. SQLite serialises writers (BEGIN IMMEDIATE), so that is exact;
        on PostgreSQL a concurrent writer may store the same id in between,
        and then every insert here does nothing on conflict: the data stay
        consistent and only this call's counts include that incident.
        """
        places = places or {}
        with self._writing(bulk=True) as conn:
            now = datetime.now(UTC)
            unique_sources = _first_by_id(sources)
            created_sources = _insert_ignore_many(
                conn, db.sources, [_source_row(s, now) for s in unique_sources]
            )
            synthetic_of = {s.id: s.synthetic for s in unique_sources if s.id in created_sources}
            cited = {c.source_id for incident in incidents for c in incident.citations}
            synthetic_of.update(_stored_synthetic_flags(conn, cited - synthetic_of.keys()))
            missing = cited - synthetic_of.keys()
            if missing:
                raise StoreError(
                    f"{len(missing)} cited source(s) are neither being saved nor already stored "
                    f"(e.g. {sorted(missing)[0]!r}; a source with the same content may be stored "
                    f"under another id)"
                )
            # Sorted, so concurrent PostgreSQL writers lock shared ids in one order.
            unique = sorted(_first_by_id(incidents), key=lambda i: i.id)
            stored = _stored_keys(conn, db.incidents.c.id, [i.id for i in unique])
            new = [i for i in unique if i.id not in stored]
            synthetic = [_all_synthetic(i, synthetic_of) for i in new]
            _executemany_ignore(conn, db.incidents, _incident_columns(new, now, synthetic))
            _insert_children_bulk(conn, new, places)
        return BulkSaveResult(
            sources_created=len(created_sources),
            incidents_created=len(new),
            incidents_unchanged=len(incidents) - len(new),
        )

    # --- reading ------------------------------------------------------------

    def get_source(self, source_id: str) -> Source | None:
        """The stored source, or ``None``."""
        with self._reading() as conn:
            row = conn.execute(select(db.sources).where(db.sources.c.id == source_id)).first()
        if row is None:
            return None
        return Source(
            id=row.id,
            title=row.title,
            content_hash=row.content_hash,
            kind=SourceKind(row.kind),
            url=row.url,
            publisher=row.publisher,
            published=row.published,
            language=row.language,
            text=row.text,
        )

    def get_incident(self, incident_id: str) -> Incident | None:
        """The stored incident with its places and all merged citations, or ``None``."""
        with self._reading() as conn:
            row = conn.execute(select(db.incidents).where(db.incidents.c.id == incident_id)).first()
            if row is None:
                return None
            return _incident_from_rows(conn, row)

    def get_imported_place(self, incident_id: str) -> ImportedPlace | None:
        """The file's own place names for an imported incident, or ``None``."""
        with self._reading() as conn:
            row = conn.execute(
                select(db.imported_places).where(db.imported_places.c.incident_id == incident_id)
            ).first()
        if row is None:
            return None
        return ImportedPlace(
            dataset=row.dataset,
            country=row.country,
            admin1=row.admin1,
            admin2=row.admin2,
            country_agrees=row.country_agrees,
            admin_agrees=row.admin_agrees,
        )

    def is_synthetic(self, incident_id: str) -> bool | None:
        """Whether the incident is flagged synthetic (``None`` if not stored)."""
        with self._reading() as conn:
            return conn.execute(
                select(db.incidents.c.synthetic).where(db.incidents.c.id == incident_id)
            ).scalar_one_or_none()

    def count_incidents(self, *, include_synthetic: bool = True) -> int:
        """How many incidents are stored."""
        return self._count(db.incidents, include_synthetic)

    def count_sources(self, *, include_synthetic: bool = True) -> int:
        """How many sources are stored."""
        return self._count(db.sources, include_synthetic)

    def _count(self, table: Table, include_synthetic: bool) -> int:
        query = select(func.count()).select_from(table)
        if not include_synthetic:
            query = query.where(table.c.synthetic.is_(False))
        with self._reading() as conn:
            return conn.execute(query).scalar_one()


# --- write helpers (each runs inside the caller's transaction) --------------


def _insert_ignore(conn: Connection, table: Table, values: dict[str, Any]) -> Row[Any] | None:
    """INSERT unless a unique key already holds the row.

    Returns the new row's primary key, or ``None`` if nothing was inserted.
    The only dialect-specific statement in the store. ON CONFLICT DO NOTHING
    (rather than select-then-insert) stays correct when two PostgreSQL
    sessions save the same thing at once: the second waits, then skips.
    RETURNING (SQLite 3.35+) says whether a row went in; ``rowcount`` cannot,
    as drivers need not report it for INSERT.
    """
    statement = _insert_ignore_statement(conn, table).values(values)
    return conn.execute(statement.returning(*table.primary_key.columns)).first()


def _insert_ignore_statement(conn: Connection, table: Table) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING`` (any unique key) for this backend."""
    name = conn.dialect.name
    if name == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    if name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    raise StoreError(f"unsupported database backend {name!r}")  # pragma: no cover


def _insert_ignore_many(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> set[Any]:
    """Insert the rows that conflict with no unique key; the primary keys inserted.

    One multi-row statement per page of rows (SQLAlchemy's "insertmanyvalues");
    RETURNING names exactly the rows that went in, also when a concurrent
    PostgreSQL session inserted some of the same keys first.
    """
    if not rows:
        return set()
    (key,) = table.primary_key.columns
    statement = _insert_ignore_statement(conn, table).returning(key)
    return set(conn.execute(statement, rows).scalars())


def _source_row(source: Source, now: datetime) -> dict[str, Any]:
    return {
        "id": source.id,
        "kind": str(source.kind),
        "title": source.title,
        "url": source.url,
        "publisher": source.publisher,
        "published": source.published,
        "language": source.language,
        "text": source.text,
        "content_hash": source.content_hash,
        "synthetic": source.synthetic,
        "created_at": now,
    }


def _insert_source(conn: Connection, source: Source) -> bool:
    """Insert the source; False if the same content is already stored."""
    inserted = _insert_ignore(conn, db.sources, _source_row(source, datetime.now(UTC)))
    if inserted is not None:
        return True
    same_content = conn.execute(
        select(db.sources.c.id).where(db.sources.c.content_hash == source.content_hash)
    ).first()
    if same_content is not None:
        return False
    raise StoreError(
        f"source {source.id!r} is already stored with different content "
        f"(content hash differs); give the changed document a new source id"
    )


def _require_source(conn: Connection, source_id: str, known: set[str], incident_id: str) -> None:
    """Fail clearly (instead of with a bare foreign-key error) on a dangling citation."""
    if source_id in known:
        return
    if conn.execute(select(db.sources.c.id).where(db.sources.c.id == source_id)).first() is None:
        raise StoreError(
            f"incident {incident_id!r} cites source {source_id!r}, which is neither the "
            f"document being saved nor already stored"
        )
    known.add(source_id)


def _insert_incident(conn: Connection, incident: Incident, *, synthetic: bool) -> bool:
    """Write a new incident whole; False (and nothing written) if its id exists."""
    inserted = _insert_ignore(
        conn, db.incidents, _incident_row(incident, datetime.now(UTC), synthetic=synthetic)
    )
    if inserted is None:
        return False
    if incident.provinces:
        conn.execute(db.incident_provinces.insert(), _province_rows(incident))
    if incident.segments:
        conn.execute(db.incident_segments.insert(), _segment_rows(incident))
    for citation in incident.citations:
        _add_citation(conn, incident.id, citation)
    return True


# Rows are built a column at a time (name → one value per row): the bulk path
# hands the columns to the driver; the single-document path takes row 0.
Columns = dict[str, list[Any]]


def _rows(columns: Columns) -> list[dict[str, Any]]:
    return [
        dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)
    ]


def _incident_row(incident: Incident, now: datetime, *, synthetic: bool) -> dict[str, Any]:
    return _rows(_incident_columns([incident], now, [synthetic]))[0]


def _incident_columns(
    incidents: Sequence[Incident], now: datetime, synthetic: list[bool]
) -> Columns:
    return {
        "id": [i.id for i in incidents],
        "date_start": [i.date_start for i in incidents],
        "date_end": [i.date_end for i in incidents],
        "date_precision": [i.date_precision.value for i in incidents],
        "event_type": [i.event_type.value for i in incidents],
        "location_precision": [i.location_precision.value for i in incidents],
        "lat": [i.lat for i in incidents],
        "lon": [i.lon for i in incidents],
        "summary": [i.summary for i in incidents],
        "fatalities": [i.fatalities for i in incidents],
        "actors": [tuple(i.actors) for i in incidents],
        "place_name": [i.place_name for i in incidents],
        "distance_km": [i.distance_km for i in incidents],
        "synthetic": synthetic,
        "created_at": [now] * len(incidents),
    }


def _province_rows(incident: Incident) -> list[dict[str, Any]]:
    return _rows(_province_columns([incident]))


def _province_columns(incidents: Sequence[Incident]) -> Columns:
    links = [(i.id, n, p) for i in incidents for n, p in enumerate(i.provinces)]
    return {
        "incident_id": [incident_id for incident_id, _, _ in links],
        "position": [n for _, n, _ in links],
        "code": [p.code for _, _, p in links],
        "name": [p.name for _, _, p in links],
        "country": [p.country for _, _, p in links],
    }


def _segment_rows(incident: Incident) -> list[dict[str, Any]]:
    return _rows(_segment_columns([incident]))


def _segment_columns(incidents: Sequence[Incident]) -> Columns:
    links = [(i.id, n, s) for i in incidents for n, s in enumerate(i.segments)]
    return {
        "incident_id": [incident_id for incident_id, _, _ in links],
        "position": [n for _, n, _ in links],
        "segment_id": [s.id for _, _, s in links],
        "name": [s.name for _, _, s in links],
    }


def _first_by_id(items: Iterable[_Keyed]) -> list[_Keyed]:
    """The items with the first of each id, in order."""
    first: dict[str, _Keyed] = {}
    for item in items:
        first.setdefault(item.id, item)
    return list(first.values())


def _all_synthetic(incident: Incident, synthetic_of: Mapping[str, bool]) -> bool:
    """Synthetic when it cites at least one source and every one it cites is."""
    return bool(incident.citations) and all(synthetic_of[c.source_id] for c in incident.citations)


# Bind parameters per IN list; well below every backend's limit.
_IN_CHUNK = 500


def _stored_synthetic_flags(conn: Connection, source_ids: set[str]) -> dict[str, bool]:
    """``synthetic`` of the given sources that are stored (absent ids are left out)."""
    ids = sorted(source_ids)
    flags: dict[str, bool] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        statement = select(db.sources.c.id, db.sources.c.synthetic).where(
            db.sources.c.id.in_(ids[start : start + _IN_CHUNK])
        )
        flags.update({row.id: bool(row.synthetic) for row in conn.execute(statement)})
    return flags


def _stored_keys(conn: Connection, key: Any, values: Sequence[str]) -> set[str]:
    """The given values of ``key`` (a unique column) that are already stored."""
    found: set[str] = set()
    for start in range(0, len(values), _IN_CHUNK):
        chunk = values[start : start + _IN_CHUNK]
        found.update(conn.execute(select(key).where(key.in_(chunk))).scalars())
    return found


def _executemany_ignore(conn: Connection, table: Table, columns: Columns) -> None:
    """``INSERT ... ON CONFLICT DO NOTHING`` of many rows through the driver's executemany.

    At import sizes SQLAlchemy's per-row parameter handling costs more than
    the database's own work, so the Core statement is compiled once, each
    column's bind processor (dates to text on SQLite, JSON, booleans) is
    applied a column at a time, remembering repeated values, and the driver
    gets plain parameter sets.
    """
    names = list(columns)
    if not names or not columns[names[0]]:
        return
    dialect = conn.dialect
    statement = _insert_ignore_statement(conn, table).values({n: bindparam(n) for n in names})
    compiled = statement.compile(dialect=dialect)
    processed = {name: _bind_column(table.c[name], dialect, columns[name]) for name in names}
    if compiled.positional:
        order = [processed[name] for name in compiled.positiontup or ()]
        parameters: list[Any] = list(zip(*order, strict=True))
    else:
        parameters = _rows(processed)
    conn.exec_driver_sql(str(compiled), parameters)


def _bind_column(column: Any, dialect: Any, values: list[Any]) -> list[Any]:
    """Values as the driver takes them; each distinct value converted once.

    Values must be hashable (the bulk path passes JSON lists as tuples).
    """
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return values
    converted = {value: process(value) for value in set(values)}
    return [converted[value] for value in values]


def _insert_children_bulk(
    conn: Connection, new: Sequence[Incident], places: Mapping[str, ImportedPlace]
) -> None:
    """Provinces, segments, citations, excerpts, spans and file places of new incidents."""
    _executemany_ignore(conn, db.incident_provinces, _province_columns(new))
    _executemany_ignore(conn, db.incident_segments, _segment_columns(new))
    links = [(i.id, n, c) for i in new for n, c in enumerate(_first_citations(i.citations))]
    _executemany_ignore(
        conn,
        db.citations,
        {
            "incident_id": [incident_id for incident_id, _, _ in links],
            "source_id": [c.source_id for _, _, c in links],
            "position": [n for _, n, _ in links],
            "claim": [c.claim for _, _, c in links],
        },
    )
    _insert_excerpts_bulk(conn, new)
    found = [(i.id, place) for i in new if (place := places.get(i.id)) is not None]
    _executemany_ignore(
        conn,
        db.imported_places,
        {
            "incident_id": [incident_id for incident_id, _ in found],
            "dataset": [p.dataset for _, p in found],
            "country": [p.country for _, p in found],
            "admin1": [p.admin1 for _, p in found],
            "admin2": [p.admin2 for _, p in found],
            "country_agrees": [p.country_agrees for _, p in found],
            "admin_agrees": [p.admin_agrees for _, p in found],
        },
    )


def _first_citations(citations: Sequence[Citation]) -> Sequence[Citation]:
    """One citation per source (the first), as the citations table keys them."""
    if len(citations) < 2:
        return citations
    first: dict[str, Citation] = {}
    for citation in citations:
        first.setdefault(citation.source_id, citation)
    return list(first.values())


def _insert_many(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(table.insert(), rows)


def _insert_excerpts_bulk(conn: Connection, new: Sequence[Incident]) -> None:
    """Excerpts of new incidents, then their spans under the excerpt ids just assigned."""
    rows: list[dict[str, Any]] = []
    spans: list[tuple[Span, ...]] = []
    for incident in new:
        for citation in incident.citations:
            seen: set[tuple[int, int]] = set()
            for excerpt in citation.excerpts:
                if (excerpt.start, excerpt.end) in seen:
                    continue
                seen.add((excerpt.start, excerpt.end))
                rows.append(
                    {
                        "incident_id": incident.id,
                        "source_id": citation.source_id,
                        "position": len(seen) - 1,
                        "start_char": excerpt.start,
                        "end_char": excerpt.end,
                        "text": excerpt.text,
                    }
                )
                spans.append(excerpt.spans)
    if not rows:
        return
    statement = db.excerpts.insert().returning(db.excerpts.c.id, sort_by_parameter_order=True)
    excerpt_ids = conn.execute(statement, rows).scalars().all()
    _insert_many(
        conn,
        db.excerpt_spans,
        [
            {
                "excerpt_id": excerpt_id,
                "position": n,
                "start_char": s.start,
                "end_char": s.end,
                "kind": str(s.kind),
                "label": s.label,
                "matched": s.matched,
            }
            for excerpt_id, excerpt_spans in zip(excerpt_ids, spans, strict=True)
            for n, s in enumerate(excerpt_spans)
        ],
    )


def _merge_incident(conn: Connection, incident: Incident, *, synthetic: bool) -> bool:
    """Add the citations and excerpts a stored incident lacks; True if any were new.

    An incident stays synthetic only while every report of it is synthetic:
    a real source confirming it makes it real.
    """
    added = False
    for citation in incident.citations:
        added = _add_citation(conn, incident.id, citation) or added
    if added and not synthetic:
        conn.execute(
            update(db.incidents).where(db.incidents.c.id == incident.id).values(synthetic=False)
        )
    return added


def _next_position(conn: Connection, table: Table, *where: Any) -> int:
    """One past the highest ``position`` among the rows matching ``where``."""
    highest = conn.execute(select(func.max(table.c.position)).where(*where)).scalar_one()
    return 0 if highest is None else highest + 1


def _add_citation(conn: Connection, incident_id: str, citation: Citation) -> bool:
    """Insert the citation if new, then any of its excerpts not yet stored."""
    position = _next_position(conn, db.citations, db.citations.c.incident_id == incident_id)
    inserted = _insert_ignore(
        conn,
        db.citations,
        {
            "incident_id": incident_id,
            "source_id": citation.source_id,
            "position": position,
            "claim": citation.claim,
        },
    )
    added = inserted is not None
    for excerpt in citation.excerpts:
        added = _add_excerpt(conn, incident_id, citation.source_id, excerpt) or added
    return added


def _add_excerpt(conn: Connection, incident_id: str, source_id: str, excerpt: Excerpt) -> bool:
    """Insert the excerpt and its spans unless the same offsets are already stored."""
    key = (
        db.excerpts.c.incident_id == incident_id,
        db.excerpts.c.source_id == source_id,
    )
    inserted = _insert_ignore(
        conn,
        db.excerpts,
        {
            "incident_id": incident_id,
            "source_id": source_id,
            "position": _next_position(conn, db.excerpts, *key),
            "start_char": excerpt.start,
            "end_char": excerpt.end,
            "text": excerpt.text,
        },
    )
    if inserted is None:
        return False
    excerpt_id = inserted.id
    if excerpt.spans:
        conn.execute(
            db.excerpt_spans.insert(),
            [
                {
                    "excerpt_id": excerpt_id,
                    "position": i,
                    "start_char": s.start,
                    "end_char": s.end,
                    "kind": str(s.kind),
                    "label": s.label,
                    "matched": s.matched,
                }
                for i, s in enumerate(excerpt.spans)
            ],
        )
    return True


# --- read helpers -----------------------------------------------------------


def _incident_from_rows(conn: Connection, row: Any) -> Incident:
    """Rebuild the dataclass from its row and its child tables, in stored order."""
    provinces = conn.execute(
        select(db.incident_provinces)
        .where(db.incident_provinces.c.incident_id == row.id)
        .order_by(db.incident_provinces.c.position)
    )
    segments = conn.execute(
        select(db.incident_segments)
        .where(db.incident_segments.c.incident_id == row.id)
        .order_by(db.incident_segments.c.position)
    )
    return Incident(
        id=row.id,
        date_start=row.date_start,
        date_end=row.date_end,
        date_precision=DatePrecision(row.date_precision),
        event_type=EventType(row.event_type),
        location_precision=LocationPrecision(row.location_precision),
        lat=row.lat,
        lon=row.lon,
        summary=row.summary,
        fatalities=row.fatalities,
        actors=tuple(row.actors),
        place_name=row.place_name,
        provinces=tuple(
            ProvinceRef(code=p.code, name=p.name, country=p.country) for p in provinces
        ),
        segments=tuple(SegmentRef(id=s.segment_id, name=s.name) for s in segments),
        distance_km=row.distance_km,
        citations=_citations_for(conn, row.id),
    )


def _citations_for(conn: Connection, incident_id: str) -> tuple[Citation, ...]:
    """The incident's citations, each with its excerpts and their spans."""
    spans_by_excerpt: dict[int, list[Span]] = {}
    for s in conn.execute(
        select(db.excerpt_spans)
        .join(db.excerpts, db.excerpts.c.id == db.excerpt_spans.c.excerpt_id)
        .where(db.excerpts.c.incident_id == incident_id)
        .order_by(db.excerpt_spans.c.excerpt_id, db.excerpt_spans.c.position)
    ):
        spans_by_excerpt.setdefault(s.excerpt_id, []).append(
            Span(
                start=s.start_char,
                end=s.end_char,
                kind=SpanKind(s.kind),
                label=s.label,
                matched=s.matched,
            )
        )
    excerpts_by_source: dict[str, list[Excerpt]] = {}
    for e in conn.execute(
        select(db.excerpts)
        .where(db.excerpts.c.incident_id == incident_id)
        .order_by(db.excerpts.c.source_id, db.excerpts.c.position, db.excerpts.c.id)
    ):
        excerpts_by_source.setdefault(e.source_id, []).append(
            Excerpt(
                start=e.start_char,
                end=e.end_char,
                text=e.text,
                spans=tuple(spans_by_excerpt.get(e.id, ())),
            )
        )
    return tuple(
        Citation(
            source_id=c.source_id,
            claim=c.claim,
            excerpts=tuple(excerpts_by_source.get(c.source_id, ())),
        )
        for c in conn.execute(
            select(db.citations)
            .where(db.citations.c.incident_id == incident_id)
            # Concurrent merges may give two citations one position; then the
            # source id decides, so reads stay deterministic.
            .order_by(db.citations.c.position, db.citations.c.source_id)
        )
    )


__all__ = [
    "DATABASE_URL_ENV",
    "BulkSaveResult",
    "ImportedPlace",
    "SaveResult",
    "Store",
    "StoreError",
    "create_store_engine",
    "current_revision",
    "default_database_url",
    "head_revision",
    "mask_url",
    "open_store",
    "upgrade_database",
]
