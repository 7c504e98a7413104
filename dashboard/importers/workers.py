"""Share an import between processes, chunk by chunk.

Each worker reads the whole file but maps, validates, places and writes
only the chunks whose index is its own modulo the number of workers, so the
parsing in one overlaps the writing in another. SQLite takes one writer at
a time; a lock shared by the workers hands the turn over as soon as a chunk
is written. Workers are forked, so they inherit the placer and the mapper
instead of building them again; each opens its own store connection and
sends back its counts and rejected rows, which the parent merges in line
order. A file that repeats an incident id keeps one of its rows, the first
when one process imports it.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from dashboard.importers.chunks import (
    MAX_PROBLEMS_KEPT,
    ChunkImport,
    ImportReport,
    Progress,
    gc_paused,
)
from dashboard.importers.files import RawRow, Rejects, Table, open_table
from dashboard.importers.placing import Placer
from dashboard.importers.records import RowMapper
from dashboard.store import Store, open_store

# Files smaller than this import in one process: starting workers costs more.
PARALLEL_MIN_BYTES = 32 * 1024 * 1024
# With SQLite the writes queue on one lock; two workers already keep it busy.
MAX_WORKERS = 2


def default_workers(table: Table, store: Store) -> int:
    """Processes for an import: two for a big file on a machine with two cores, else one.

    Work is shared by chunk: each worker reads the whole file but maps,
    validates, places and writes only its own chunks, so the parsing of one
    overlaps the writing of the other (SQLite takes one writer at a time).
    An in-memory SQLite store lives in one connection, so it gets one.
    """
    if table.size < PARALLEL_MIN_BYTES or not _multiprocessing_usable(store):
        return 1
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def _multiprocessing_usable(store: Store) -> bool:
    if "fork" not in multiprocessing.get_all_start_methods():
        return False  # workers inherit the placer and mapper by fork
    url = store.engine.url
    return not (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"))


@dataclass(frozen=True)
class WorkerJob:
    """What a worker needs; inherited by fork, so nothing here is pickled."""

    path: Path
    fmt: str
    kind: str
    rename: dict[str, str]
    mapper: RowMapper
    column_of: dict[str, str]
    placer: Placer
    chunk_rows: int
    store: Store
    write_lock: Any = None


class CollectedRejects:
    """A worker's rejected rows, sent to the parent, which writes them in line order."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, str, Any]] = []

    def add(self, row: RawRow, reason: str) -> None:
        self.rows.append((row.number, reason, row.original))


def run_in_workers(
    job: WorkerJob,
    count: int,
    table: Table,
    rejects: Rejects,
    report: ImportReport,
    *,
    progress: Progress | None,
) -> None:
    """Import with ``count`` forked workers, then merge their reports and rejects."""
    context = multiprocessing.get_context("fork")
    events = context.Queue()
    if job.store.backend == "sqlite":
        # SQLite takes one writer at a time; a lock hands the turn over at once,
        # where SQLite's busy handler would sleep up to 100 ms between tries.
        job = replace(job, write_lock=context.Lock())
    processes = [
        context.Process(target=_work, args=(job, index, count, events), daemon=True)
        for index in range(count)
    ]
    for process in processes:
        process.start()
    positions = [0] * count
    results: list[tuple[ImportReport, list[tuple[int, str, Any]]]] = []
    try:
        while len(results) < count:
            try:
                kind, index, payload = events.get(timeout=1.0)
            except queue.Empty:
                stopped = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
                if stopped:
                    raise RuntimeError(
                        f"an import worker stopped with exit status {stopped[0]}"
                    ) from None
                continue
            if kind == "progress":
                positions[index] = payload
                if progress is not None:
                    progress(max(positions), table.size)
            elif kind == "done":
                results.append(payload)
            else:
                raise payload
    finally:
        for process in processes:
            if process.is_alive() and len(results) < count:
                process.terminate()
            process.join()
    _merge(report, results, rejects, table)


def _work(job: WorkerJob, index: int, count: int, events: Any) -> None:
    """A worker: import the chunks whose index is ``index`` modulo ``count``."""
    try:
        with gc_paused():
            # The parent's pooled connections must not be used in a child.
            store = open_store(job.store.engine.url.render_as_string(hide_password=False))
            table = open_table(job.path, job.kind, job.rename)
            report = ImportReport(path=job.path, format=job.fmt)
            collected = CollectedRejects()
            try:
                run = ChunkImport(table, job.mapper, job.column_of, job.placer, report)
                if job.write_lock is not None:
                    run.write_lock = job.write_lock
                run.run(
                    store,
                    collected,
                    job.chunk_rows,
                    lambda done, _size: events.put(("progress", index, done)),
                    keep=lambda chunk: chunk % count == index,
                )
            finally:
                table.close()
                store.close()
        events.put(("done", index, (report, collected.rows)))
    except BaseException as exc:  # every failure goes back to the parent
        events.put(("error", index, _sendable(exc)))


def _sendable(exc: BaseException) -> BaseException:
    """The exception itself if it survives pickling, else a RuntimeError saying what it was."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # anything unpicklable is described instead
        return RuntimeError(f"import worker failed: {type(exc).__name__}: {exc}")
    return exc


def _merge(
    report: ImportReport,
    results: list[tuple[ImportReport, list[tuple[int, str, Any]]]],
    rejects: Rejects,
    table: Table,
) -> None:
    """Add the workers' counts to ``report`` and write their rejects in line order."""
    for part, _ in results:
        for name in (
            "rows", "imported", "updated", "unchanged", "flagged", "older", "rejected",
            "sources_created", "outside", "near_border", "widened", "placed_by_name", "fused",
            "without_source", "country_disagreements", "admin_disagreements",
        ):  # fmt: skip
            setattr(report, name, getattr(report, name) + getattr(part, name))
    rejected = sorted((r for _, rows in results for r in rows), key=lambda r: r[0])
    for number, reason, original in rejected:
        rejects.add(RawRow(number, {}, original), reason)
    report.problems = [
        f"{table.path}: {table.unit} {number}: {reason}"
        for number, reason, _ in rejected[:MAX_PROBLEMS_KEPT]
    ]
