"""Live intake's part of the store: watched sources, their state, and the evidence of each fetch.

A fetched article is saved with its report in one transaction
(:func:`save_fetched`): the report and its incidents as any ingest saves them
(:func:`~dashboard.store.writes.save_document`), and an ``intake_items`` row
with the raw page, its content type, the final URL and the fetch time. An
article is known by its canonical URL; a changed text is the next
``version``, a report of its own, so what the site said before stays.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, and_, distinct, func, insert, or_, select, true, update

from dashboard.models import Incident, Source, WatchedSource, WatchKind
from dashboard.store import schema as db
from dashboard.store import writes
from dashboard.store.records import SaveResult


@dataclass(frozen=True)
class WatchState:
    """A watched source as stored, with what the last runs left."""

    source: WatchedSource
    etag: str | None
    last_modified: str | None
    last_fetch_at: datetime | None
    last_ok_at: datetime | None
    last_error: str | None
    active: bool = True


@dataclass(frozen=True)
class FetchedItem:
    """The evidence of one fetched article (its text is the report's)."""

    watched: str
    link_url: str
    canonical_url: str
    final_url: str
    text_hash: str
    author: str | None
    raw: bytes
    raw_type: str
    fetched_at: datetime


@dataclass(frozen=True)
class KnownItem:
    """The newest stored version of an article."""

    canonical_url: str
    version: int
    text_hash: str
    source_id: str


@dataclass(frozen=True)
class SourceOverview:
    """One row of the Sources page."""

    state: WatchState
    items: int
    incidents: int


@dataclass(frozen=True)
class NewIncident:
    """An incident a watched source's report created, for "new since your last visit"."""

    incident_id: str
    summary: str
    created_at: datetime
    watched: str


def save_watched(conn: Connection, sources: Sequence[WatchedSource]) -> None:
    """Add or update watched sources by name (followed again if stopped); a changed URL
    forgets the old validators."""
    table = db.watched_sources
    for source in sources:
        values = {
            "url": source.url, "kind": source.kind.value, "selector": source.selector,
            "language": source.language, "notes": source.notes, "active": True,
        }  # fmt: skip
        stored = conn.execute(select(table.c.url).where(table.c.name == source.name)).first()
        if stored is None:
            conn.execute(
                insert(table).values(name=source.name, created_at=datetime.now(UTC), **values)
            )
            continue
        if stored.url != source.url:
            values |= {"etag": None, "last_modified": None}
        conn.execute(update(table).where(table.c.name == source.name).values(**values))


def watch_states(
    conn: Connection, names: Collection[str] | None = None, *, active_only: bool = True
) -> list[WatchState]:
    """The stored watched sources (those followed, or also the stopped; all, or those
    named), by name."""
    table = db.watched_sources
    query = select(table).order_by(table.c.name)
    if names is not None:
        query = query.where(table.c.name.in_(list(names)))
    if active_only:
        query = query.where(table.c.active)
    return [_state(row) for row in conn.execute(query)]


def stop_watching(conn: Connection, name: str) -> bool:
    """Stop following a source (its items and reports stay); False if none has that name."""
    table = db.watched_sources
    done = conn.execute(update(table).where(table.c.name == name).values(active=False))
    return done.rowcount > 0


def _state(row: object) -> WatchState:
    source = WatchedSource(
        name=row.name, url=row.url, kind=WatchKind(row.kind), selector=row.selector,
        language=row.language, notes=row.notes,
    )  # fmt: skip
    return WatchState(
        source, row.etag, row.last_modified, _utc(row.last_fetch_at), _utc(row.last_ok_at),
        row.last_error, bool(row.active),
    )  # fmt: skip


def record_fetch(
    conn: Connection,
    name: str,
    *,
    at: datetime,
    error: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> None:
    """A run's outcome for one source: a success keeps the new validators, an error says why."""
    values: dict[str, object] = {"last_fetch_at": at, "last_error": error}
    if error is None:
        values |= {"last_ok_at": at, "etag": etag, "last_modified": last_modified}
    table = db.watched_sources
    conn.execute(update(table).where(table.c.name == name).values(**values))


def known_links(conn: Connection, urls: Collection[str]) -> dict[str, datetime]:
    """Which of ``urls`` were fetched before (as linked, or as their canonical URL), and
    when last."""
    if not urls:
        return {}
    items = db.intake_items
    wanted = list(urls)
    query = select(items.c.link_url, items.c.canonical_url, items.c.fetched_at).where(
        or_(items.c.link_url.in_(wanted), items.c.canonical_url.in_(wanted))
    )
    found: dict[str, datetime] = {}
    for row in conn.execute(query):
        when = _utc(row.fetched_at)
        for url in (row.link_url, row.canonical_url):
            if url in urls and (url not in found or found[url] < when):
                found[url] = when
    return found


def latest_item(conn: Connection, canonical_url: str) -> KnownItem | None:
    """The newest stored version of the article at ``canonical_url``."""
    items = db.intake_items
    row = conn.execute(
        select(items.c.version, items.c.text_hash, items.c.source_id)
        .where(items.c.canonical_url == canonical_url)
        .order_by(items.c.version.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return KnownItem(canonical_url, row.version, row.text_hash, row.source_id)


def text_known(conn: Connection, text_hash: str) -> str | None:
    """The canonical URL of a stored article with this very text, if any."""
    items = db.intake_items
    query = select(items.c.canonical_url).where(items.c.text_hash == text_hash).limit(1)
    return conn.execute(query).scalar()


def save_fetched(
    conn: Connection, source: Source, incidents: list[Incident], item: FetchedItem
) -> tuple[SaveResult, int]:
    """Store the report, its incidents and the fetch's evidence as the article's next version."""
    result = writes.save_document(conn, source, incidents)
    latest = latest_item(conn, item.canonical_url)
    version = 1 if latest is None else latest.version + 1
    conn.execute(
        insert(db.intake_items).values(
            watched=item.watched, link_url=item.link_url, canonical_url=item.canonical_url,
            final_url=item.final_url, version=version, text_hash=item.text_hash,
            source_id=source.id, author=item.author, raw=item.raw, raw_type=item.raw_type,
            fetched_at=item.fetched_at,
        )
    )  # fmt: skip
    return result, version


def evidence(conn: Connection, source_id: str) -> FetchedItem | None:
    """What was fetched for a stored report: the raw page, its final URL and fetch time."""
    items = db.intake_items
    row = conn.execute(
        select(items).where(items.c.source_id == source_id).order_by(items.c.id).limit(1)
    ).first()
    if row is None:
        return None
    return FetchedItem(
        watched=row.watched, link_url=row.link_url, canonical_url=row.canonical_url,
        final_url=row.final_url, text_hash=row.text_hash, author=row.author, raw=row.raw,
        raw_type=row.raw_type, fetched_at=_utc(row.fetched_at),
    )  # fmt: skip


def source_overview(conn: Connection) -> list[SourceOverview]:
    """Each watched source with its items (article versions) and the incidents they report."""
    items, citations = db.intake_items, db.citations
    item_counts = dict(
        conn.execute(select(items.c.watched, func.count()).group_by(items.c.watched)).all()
    )
    incident_counts = dict(
        conn.execute(
            select(items.c.watched, func.count(distinct(citations.c.incident_id)))
            .join(citations, citations.c.source_id == items.c.source_id)
            .group_by(items.c.watched)
        ).all()
    )
    return [
        SourceOverview(
            state,
            item_counts.get(state.source.name, 0),
            incident_counts.get(state.source.name, 0),
        )
        for state in watch_states(conn, active_only=False)
    ]


def incidents_since(
    conn: Connection, since: datetime, *, include_synthetic: bool = False, limit: int = 200
) -> list[NewIncident]:
    """Incidents created after ``since`` that a watched source's report cites, newest first."""
    items, citations, incidents = db.intake_items, db.citations, db.incidents
    query = (
        select(
            incidents.c.id,
            incidents.c.summary,
            incidents.c.created_at,
            func.min(items.c.watched).label("watched"),
        )
        .join(citations, citations.c.incident_id == incidents.c.id)
        .join(items, items.c.source_id == citations.c.source_id)
        .where(
            and_(
                incidents.c.created_at > since,
                true() if include_synthetic else ~incidents.c.synthetic,
            )
        )
        .group_by(incidents.c.id, incidents.c.summary, incidents.c.created_at)
        .order_by(incidents.c.created_at.desc())
        .limit(limit)
    )
    return [
        NewIncident(row.id, row.summary, _utc(row.created_at), row.watched)
        for row in conn.execute(query)
    ]


def _utc(value: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back: they were written in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
