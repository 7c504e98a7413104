"""Writing many incidents at once: the path of structured imports and synthetic data.

A transaction per document would be far too slow for a million incidents,
so rows go in with multi-row statements and the driver's executemany, many
incidents per transaction, idempotent by id: an incident already stored is
left exactly as it is (nothing is merged). Every function here runs inside
the caller's transaction (:meth:`Store.save_incidents_bulk`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, bindparam, select

from dashboard.models import Citation, Incident, Source, Span
from dashboard.store import changes, fusion, living, locks, reads, rows
from dashboard.store import schema as db
from dashboard.store.engine import StoreError
from dashboard.store.records import BulkSaveResult, ImportedPlace

# Anything keyed by ``id`` that the bulk path de-duplicates.
_Keyed = TypeVar("_Keyed", Source, Incident)

# Bind parameters per IN list; well below every backend's limit.
_IN_CHUNK = 500


def save_incidents_bulk(
    conn: Connection,
    sources: Sequence[Source],
    incidents: Sequence[Incident],
    places: Mapping[str, ImportedPlace],
    reports: fusion.ReportIndex | None = None,
) -> BulkSaveResult:
    """Store many incidents and the sources they cite, inside the caller's transaction.

    Parameters
    ----------
    sources
        Sources the incidents cite (one source may be cited by many
        incidents). A source whose id or content hash is already stored is
        left as it is.
    incidents
        Incidents keyed by ``id``. One already stored is left exactly as it
        is (nothing is merged into it, unlike
        :func:`~dashboard.store.writes.save_document`), so re-importing a file
        changes nothing, unless its record is a revised one
        (:mod:`~dashboard.store.living`: a newer ACLED ``timestamp`` or UCDP
        release rewrites it, with a revision; an incident an analyst changed
        is flagged instead, :mod:`~dashboard.store.locks`). Within one
        call the first incident with a given id wins. A new incident is
        synthetic when it cites at least one source and every source it
        cites is synthetic.
    places
        What the file says of each record (place names, dataset fields, its
        hash) by incident id: written with new incidents, compared for
        stored ones.
    reports
        The report incidents an import may fuse its new records with
        (:func:`~dashboard.store.fusion.report_index`, read once per import);
        ``None`` or empty: nothing is fused.

    Raises
    ------
    StoreError
        If an incident cites a source that is neither in ``sources`` nor
        already stored (the caller's transaction then rolls back).

    Notes
    -----
    New incidents are those whose id is not stored when the transaction
    starts. SQLite serialises writers (BEGIN IMMEDIATE), so that is exact;
    on PostgreSQL a concurrent writer may store the same id in between,
    and then every insert here does nothing on conflict: the data stay
    consistent and only this call's counts include that incident.
    """
    now = datetime.now(UTC)
    unique_sources = _first_by_id(sources)
    created_sources = _insert_ignore_many(
        conn, db.sources, [rows.source_row(s, now) for s in unique_sources]
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
    again = [i for i in unique if i.id in stored]
    revised = living.revise_records(conn, again, places) if again else living.Revised()
    _flag_reviewed(conn, [i for i in again if i.id not in revised.handled])
    new = [i for i in unique if i.id not in stored]
    synthetic = [_all_synthetic(i, synthetic_of) for i in new]
    _executemany_ignore(
        conn, db.incidents, rows.incident_columns(new, now, synthetic, changes.current_seq(conn))
    )
    _insert_children_bulk(conn, new, places)
    fused = 0
    if reports:
        records = [(i, flag) for i, flag in zip(new, synthetic, strict=True) if i.id in places]
        fused = fusion.fuse_new(conn, [i for i, _ in records], [f for _, f in records], reports)
    changed = revised.updated + revised.flagged + revised.older
    return BulkSaveResult(
        sources_created=len(created_sources),
        incidents_created=len(new),
        incidents_unchanged=len(incidents) - len(new) - changed,
        incidents_updated=revised.updated,
        incidents_flagged=revised.flagged,
        incidents_older=revised.older,
        incidents_fused=fused,
    )


def _flag_reviewed(conn: Connection, again: Sequence[Incident]) -> None:
    """Flag reviewed incidents whose re-imported record reads a corrected field otherwise.

    The stored incident is not changed (people win over machines,
    :mod:`~dashboard.store.locks`); only the few an analyst touched are read.
    """
    t = db.incidents.c
    by_id = {i.id: i for i in again}
    ids = sorted(by_id)
    for start in range(0, len(ids), _IN_CHUNK):
        query = select(db.incidents).where(t.id.in_(ids[start : start + _IN_CHUNK]), t.version > 0)
        for row in conn.execute(query).all():
            machine = by_id[row.id]
            reading = f"record {machine.citations[0].source_id}" if machine.citations else "import"
            locks.flag_differences(
                conn, reads.incident_fields(conn, row), machine, reading, row.locked_fields
            )


def _first_by_id(items: Iterable[_Keyed]) -> list[_Keyed]:
    """The items with the first of each id, in order."""
    first: dict[str, _Keyed] = {}
    for item in items:
        first.setdefault(item.id, item)
    return list(first.values())


def _all_synthetic(incident: Incident, synthetic_of: Mapping[str, bool]) -> bool:
    """Synthetic when it cites at least one source and every one it cites is."""
    return bool(incident.citations) and all(synthetic_of[c.source_id] for c in incident.citations)


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


def _insert_ignore_many(conn: Connection, table: Table, values: list[dict[str, Any]]) -> set[Any]:
    """Insert the rows that conflict with no unique key; the primary keys inserted.

    One multi-row statement per page of rows (SQLAlchemy's "insertmanyvalues");
    RETURNING names exactly the rows that went in, also when a concurrent
    PostgreSQL session inserted some of the same keys first.
    """
    if not values:
        return set()
    (key,) = table.primary_key.columns
    statement = rows.insert_ignore_statement(conn, table).returning(key)
    return set(conn.execute(statement, values).scalars())


def _executemany_ignore(conn: Connection, table: Table, columns: rows.Columns) -> None:
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
    statement = rows.insert_ignore_statement(conn, table).values({n: bindparam(n) for n in names})
    compiled = statement.compile(dialect=dialect)
    processed = {name: _bind_column(table.c[name], dialect, columns[name]) for name in names}
    if compiled.positional:
        order = [processed[name] for name in compiled.positiontup or ()]
        parameters: list[Any] = list(zip(*order, strict=True))
    else:
        parameters = rows.rows(processed)
    conn.exec_driver_sql(str(compiled), parameters)


def _bind_column(column: Any, dialect: Any, values: list[Any]) -> list[Any]:
    """Values as the driver takes them; each distinct value converted once.

    JSON lists come as tuples (hashable, so repeats are converted once);
    JSON objects, which differ per row anyway, are converted one by one.
    """
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return values
    try:
        converted = {value: process(value) for value in set(values)}
    except TypeError:  # unhashable (a JSON object per row): each is converted on its own
        return [process(value) for value in values]
    return [converted[value] for value in values]


def _insert_children_bulk(
    conn: Connection, new: Sequence[Incident], places: Mapping[str, ImportedPlace]
) -> None:
    """Provinces, segments, casualties, citations, excerpts, spans and file places of new
    incidents."""
    _executemany_ignore(conn, db.incident_provinces, rows.province_columns(new))
    _executemany_ignore(conn, db.incident_segments, rows.segment_columns(new))
    _executemany_ignore(conn, db.incident_casualties, rows.casualty_columns(new))
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
            **_record_columns([p for _, p in found]),
        },
    )


def _record_columns(places: Sequence[ImportedPlace]) -> dict[str, list[Any]]:
    """The dataset-field columns (migration 0006), only when some record has them.

    Synthetic data and older callers write none, so the bulk path still
    works on a store at an earlier revision (see the migration tests).
    """
    if not any(p.attributes or p.record_hash for p in places):
        return {}
    return {
        # An importer's attributes are a dict already: no copy of a million of them.
        "attributes": [
            (a if type(a) is dict else dict(a)) if (a := p.attributes) else None for p in places
        ],
        "record_hash": [p.record_hash for p in places],
        "dataset_timestamp": [p.dataset_timestamp for p in places],
    }


def _first_citations(citations: Sequence[Citation]) -> Sequence[Citation]:
    """One citation per source (the first), as the citations table keys them."""
    if len(citations) < 2:
        return citations
    first: dict[str, Citation] = {}
    for citation in citations:
        first.setdefault(citation.source_id, citation)
    return list(first.values())


def _insert_excerpts_bulk(conn: Connection, new: Sequence[Incident]) -> None:
    """Excerpts of new incidents, then their spans under the excerpt ids just assigned."""
    values: list[dict[str, Any]] = []
    spans: list[tuple[Span, ...]] = []
    for incident in new:
        for citation in incident.citations:
            seen: set[tuple[int, int]] = set()
            for excerpt in citation.excerpts:
                if (excerpt.start, excerpt.end) in seen:
                    continue
                seen.add((excerpt.start, excerpt.end))
                values.append(
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
    if not values:
        return
    statement = db.excerpts.insert().returning(db.excerpts.c.id, sort_by_parameter_order=True)
    excerpt_ids = conn.execute(statement, values).scalars().all()
    span_values = [
        row
        for excerpt_id, excerpt_spans in zip(excerpt_ids, spans, strict=True)
        for row in rows.span_rows(excerpt_id, excerpt_spans)
    ]
    if span_values:
        conn.execute(db.excerpt_spans.insert(), span_values)
