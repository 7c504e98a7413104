"""Import one structured file into the store: :func:`import_file`, the entry point.

It opens the file, checks the format's columns, then imports chunk by chunk
(:mod:`.chunks`), in one process or shared between workers (:mod:`.workers`).
A failure of the store stops the import with the chunks before it committed;
as every incident has a stable id and existing ids are left alone, running
the import again finishes the job and re-importing a finished file changes
nothing.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from pathlib import Path

from dashboard.formats import IMPORT_FORMATS as FORMATS
from dashboard.geo.geocode import Geocoder
from dashboard.geo.layers import load_border
from dashboard.importers import deletions
from dashboard.importers.acled import AcledMapper
from dashboard.importers.chunks import ChunkImport, ImportReport, Progress, gc_paused
from dashboard.importers.dates import DateReader
from dashboard.importers.files import (
    Rejects,
    Table,
    choose_rejects_path,
    normalise_rename,
    open_table,
)
from dashboard.importers.placing import Placer
from dashboard.importers.records import ImportFileError, ImportRecord, RowMapper
from dashboard.importers.tabular import TabularMapper
from dashboard.importers.ucdp import UcdpMapper
from dashboard.importers.workers import WorkerJob, default_workers, run_in_workers
from dashboard.store import Store

CHUNK_ROWS = 20_000


def mapper_for(fmt: str) -> RowMapper:
    """The row mapper of a format name in :data:`FORMATS`."""
    if fmt == "acled":
        return AcledMapper()
    if fmt == "ucdp":
        return UcdpMapper()
    if fmt in ("csv", "geojson"):
        return TabularMapper(fmt)
    raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")


def parse_mapping(pairs: Sequence[str], fields: Collection[str]) -> dict[str, str]:
    """``["date=Date", ...]`` → ``{field: column}``; ``Date=date`` is read the same way.

    The side that names one of the format's ``fields`` is the field; when
    both do, the left one is. Raises :class:`ValueError` with a message.
    """
    mapping: dict[str, str] = {}
    for pair in pairs:
        left, sep, right = (part.strip() for part in pair.partition("="))
        if not sep or not left or not right:
            raise ValueError(f"--map {pair!r}: write FIELD=COLUMN")
        if left in fields:
            mapping[left] = right
        elif right in fields:
            mapping[right] = left
        else:
            raise ValueError(
                f"--map {pair!r}: neither {left!r} nor {right!r} is a field "
                f"(fields: {', '.join(fields)})"
            )
    return mapping


def import_file(
    path: Path,
    fmt: str,
    store: Store,
    *,
    mapping: dict[str, str] | None = None,
    geocoder: Geocoder | None = None,
    chunk_rows: int = CHUNK_ROWS,
    progress: Progress | None = None,
    workers: int | None = None,
    rejects_to: Path | None = None,
    day_first: bool | None = None,
) -> ImportReport:
    """Import ``path`` (format ``fmt``, one of :data:`FORMATS`) into ``store``.

    Parameters
    ----------
    path
        The file; rejected rows go beside it, or to the store's folder when
        its own cannot be written (see :mod:`.files`).
    fmt
        ``acled``, ``ucdp``, ``csv`` or ``geojson``.
    store
        Where incidents go; one transaction per chunk of ``chunk_rows`` rows.
    mapping
        ``{field: column}``: read ``field`` from the file's ``column``.
    geocoder
        Built from the default border's layers when not given.
    progress
        Called after each chunk with (bytes read, file size).
    workers
        Processes sharing the work chunk by chunk (see :func:`default_workers`,
        which decides when not given).
    rejects_to
        Where rejected rows go instead (``--rejects``).
    day_first
        How ``a/b/yyyy`` dates read; ``None`` decides from all the file's
        dates (:mod:`.dates`, reported in the summary).

    Returns
    -------
    ImportReport
        Counts, disagreements, the first problems and the rejects file.

    Raises
    ------
    ImportFileError
        When the file cannot be read or lacks a required column (nothing is written).
    dashboard.store.StoreError
        When the store fails; chunks before the failure stay committed.
    """
    started = time.perf_counter()
    mapper = mapper_for(fmt)
    rename = normalise_rename(mapping or {})
    kind = table_kind(path, fmt)
    table = open_table(path, kind, rename)
    report = ImportReport(path=path, format=fmt)
    try:
        where, note = choose_rejects_path(path, kind, rejects_to, store_folder(store))
        if note:
            report.notes.append(note)
        if deletions.is_deletions(fmt, table.columns):
            rejects = Rejects(table, kind, where)
            try:
                deletions.delete_listed(
                    table, store, rejects, report, chunk_rows=chunk_rows, progress=progress
                )
            finally:
                report.rejects_path = rejects.close()
        else:
            _check_columns(mapper, table, fmt)
            learn_dates(mapper, table, day_first, report)
            placer = Placer(geocoder or Geocoder(load_border()))
            column_of = _columns_for_messages(mapper, rename, table.spelling)
            rejects = Rejects(table, kind, where)
            try:
                count = default_workers(table, store) if workers is None else max(1, workers)
                report.workers = count
                job = WorkerJob(
                    path, fmt, kind, rename, mapper, column_of, placer, chunk_rows, store
                )
                _import_records(job, count, table, rejects, report, progress=progress)
            finally:
                report.rejects_path = rejects.close()
    finally:
        table.close()
    report.seconds = time.perf_counter() - started
    return report


def _import_records(
    job: WorkerJob,
    count: int,
    table: Table,
    rejects: Rejects,
    report: ImportReport,
    *,
    progress: Progress | None,
) -> None:
    """The records of a checked file, in ``count`` processes or in this one."""
    if count > 1:
        run_in_workers(job, count, table, rejects, report, progress=progress)
        return
    run = ChunkImport(table, job.mapper, job.column_of, job.placer, report)
    with gc_paused():
        run.run(job.store, rejects, job.chunk_rows, progress)


def _check_columns(mapper: RowMapper, table: Table, fmt: str) -> None:
    """Stop, writing nothing, when the file lacks a column the format needs."""
    missing = mapper.missing_columns(table.columns)
    if missing:
        raise ImportFileError(
            f"{table.path}: no column {', '.join(repr(m) for m in missing)} for {fmt} "
            f"(columns: {', '.join(sorted(table.spelling.get(c, c) for c in table.columns))}); "
            f"name one with --map FIELD=COLUMN"
        )


def table_kind(path: Path, fmt: str) -> str:
    """``geojson`` for that format, ``json`` for an API's answer saved as .json, else ``csv``."""
    if fmt == "geojson":
        return "geojson"
    return "json" if path.suffix.lower() == ".json" else "csv"


def learn_dates(
    mapper: RowMapper, table: Table, day_first: bool | None, report: ImportReport
) -> None:
    """The pre-pass: read every date of the file before any row, so one order holds for all."""
    mapper.dates = DateReader(day_first)
    columns = [c for c in mapper.date_columns() if c in table.columns]
    if not columns:
        return
    named = ", ".join(table.spelling.get(c, c) for c in columns)
    mapper.dates.learn(table.distinct(columns), named)
    if mapper.dates.note:
        report.notes.append(mapper.dates.note)


def store_folder(store: Store) -> Path:
    """The folder of a SQLite store's file; the working folder for any other store."""
    url = store.engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database).resolve().parent
    return Path.cwd()


def _columns_for_messages(
    mapper: RowMapper, rename: dict[str, str], spelling: dict[str, str]
) -> dict[str, str]:
    """Record field → the file's own column name, as the file spells it."""
    file_column = {format_field: column for column, format_field in rename.items()}
    columns = {}
    for field_name in ImportRecord.model_fields:
        column = file_column.get(mapper.column_of(field_name), mapper.column_of(field_name))
        columns[field_name] = spelling.get(column, column)
    return columns


__all__ = [
    "FORMATS",
    "ImportReport",
    "import_file",
    "mapper_for",
    "parse_mapping",
    "store_folder",
]
