"""ACLED's deletions file: the events ACLED removed from its data, and when.

ACLED publishes the ids of deleted events as a table of ``event_id_cnty``
and ``deleted_timestamp`` (epoch seconds). ``borderwatch import FILE
--format acled`` recognises one by its columns (those two, and no
``event_date``) and removes the listed events from the store
(:meth:`~dashboard.store.Store.delete_records`): an event an analyst has
changed is flagged instead, never deleted. A listed id that is not stored
is counted, not an error (deletions files cover all of ACLED's countries).
A row without an id, or with a timestamp that is not epoch seconds, is
rejected like any bad row.
"""

from __future__ import annotations

from collections.abc import Collection

from dashboard.importers.acled import DATASET
from dashboard.importers.chunks import ImportReport, Progress
from dashboard.importers.files import RawRow, Rejects, Table
from dashboard.importers.records import RowError
from dashboard.store import Store

FORMAT = "acled deletions"


def is_deletions(fmt: str, columns: Collection[str]) -> bool:
    """Whether an ``acled`` file is ACLED's deletions list (by its columns)."""
    return (
        fmt == "acled"
        and {"event_id_cnty", "deleted_timestamp"} <= set(columns)
        and ("event_date" not in columns)
    )


def listed(row: RawRow) -> tuple[str, int | None]:
    """The incident id a row lists, and when ACLED deleted it; :class:`RowError` if unusable."""
    if row.problem:
        raise RowError(row.problem)
    event_id = str(row.values.get("event_id_cnty") or "").strip()
    if not event_id:
        raise RowError("event_id_cnty is empty")
    stamp = str(row.values.get("deleted_timestamp") or "").strip().removesuffix(".0")
    if stamp and not stamp.isdigit():
        raise RowError(f"deleted_timestamp: {stamp!r} is not epoch seconds")
    return f"{DATASET}:{event_id}", int(stamp) if stamp else None


def delete_listed(
    table: Table,
    store: Store,
    rejects: Rejects,
    report: ImportReport,
    *,
    chunk_rows: int,
    progress: Progress | None,
) -> None:
    """Delete the events a deletions file lists, one transaction per chunk."""
    report.format = FORMAT
    for chunk in table.chunks(chunk_rows):
        report.rows += len(chunk)
        deletions: dict[str, int | None] = {}
        for row in chunk:
            try:
                incident_id, stamp = listed(row)
            except RowError as exc:
                report.rejected += 1
                rejects.add(row, str(exc))
                report.problems.append(f"{table.path}: {table.unit} {row.number}: {exc}")
                continue
            deletions[incident_id] = stamp
        if deletions:
            result = store.delete_records(deletions)
            report.deleted += result.deleted
            report.flagged += result.flagged
            report.not_stored += result.absent
        if progress is not None:
            progress(table.position(), table.size)
