"""Import a table a chunk at a time: validate rows, place them, build incidents, write.

Every imported record keeps what its file said beside the incident (place
names, the dataset's other fields, a hash of the row that tells a revised
record on re-import: :class:`~dashboard.store.ImportedPlace`).

Each chunk's rows are mapped by their format and validated one by one; a
bad row is reported with its line and reason, sent to the rejects and
skipped, so it is never half-written. The chunk's good rows are re-geocoded
together (:mod:`.placing`) and written in one transaction
(:meth:`~dashboard.store.Store.save_incidents_bulk`).

Automatic garbage collection is paused while importing (:func:`gc_paused`):
a big file makes millions of short-lived objects without reference cycles,
which reference counting frees at once, while the collector's repeated
passes over the growing heap cost a third of the run.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from dashboard.importers.files import RawRow, Table
from dashboard.importers.naming import NamedPlace, NamePlacer
from dashboard.importers.placing import SEGMENT_WITHIN_KM, Placement, Placer
from dashboard.importers.records import (
    ImportRecord,
    RowError,
    RowMapper,
    SourceRecord,
    validate_record,
)
from dashboard.models import Citation, Incident, Source
from dashboard.store import ImportedPlace, Store

# Row problems kept in the report for printing; all of them go to the rejects.
MAX_PROBLEMS_KEPT = 100

Progress = Callable[[int, int], None]
"""Called with (bytes read so far, file size) after each chunk."""


class RejectSink(Protocol):
    """Where rejected rows go: the rejects file, or a worker's list for its parent."""

    def add(self, row: RawRow, reason: str) -> None: ...


@dataclass
class ImportReport:
    """What an import did, for the summary and the exit status."""

    path: Path
    format: str
    rows: int = 0
    imported: int = 0
    """New records (incidents created)."""
    updated: int = 0
    unchanged: int = 0
    flagged: int = 0
    older: int = 0
    deleted: int = 0
    not_stored: int = 0
    """Ids of a deletions list that were not stored."""
    rejected: int = 0
    sources_created: int = 0
    outside: int = 0
    near_border: int = 0
    widened: int = 0
    placed_by_name: int = 0
    """Rows without coordinates, placed by their own place names."""
    fused: int = 0
    """New records fused with the text reports of the same event."""
    without_source: int = 0
    country_disagreements: int = 0
    admin_disagreements: int = 0
    seconds: float = 0.0
    workers: int = 1
    rejects_path: Path | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the run decided that the user should know (where rejects went, date order)."""

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> list[str]:
        """The summary printed after an import, one line per item."""
        if self.format.endswith("deletions"):
            return self._deletion_summary()
        lines = [
            f"{self.path.name} ({self.format}): {self.rows:,} rows: {self.imported:,} new, "
            f"{self.updated:,} updated, {self.unchanged:,} unchanged, {self.deleted:,} deleted, "
            f"{self.rejected:,} rejected",
            f"  placed by borderwatch's layers: {self.near_border:,} near a border segment "
            f"(≤ {SEGMENT_WITHIN_KM:g} km), {self.outside:,} outside both countries",
            f"  the file's own place names disagree with ours: {self.country_disagreements:,} "
            f"on the country, {self.admin_disagreements:,} on the province",
        ]
        if self.older:
            lines.append(f"  {self.older:,} older than the stored version: left as stored")
        if self.flagged:
            lines.append(
                f"  {self.flagged:,} revised but reviewed by an analyst: flagged, not changed"
            )
        if self.widened:
            lines.append(
                f"  {self.widened:,} placed on a border segment but more than "
                f"{SEGMENT_WITHIN_KM:g} km from the line: widened to province"
            )
        if self.fused:
            lines.append(
                f"  {self.fused:,} one event with text reports already stored: fused with them "
                "(each source's figures kept; `borderwatch review ID --split-source` undoes one)"
            )
        if self.placed_by_name:
            lines.append(
                f"  {self.placed_by_name:,} without coordinates: placed by their own place names"
            )
        if self.without_source:
            lines.append(
                f"  {self.without_source:,} without a source "
                "(name a column with --map source=COLUMN)"
            )
        if self.sources_created:
            lines.append(f"  {self.sources_created:,} new sources")
        lines.extend(f"  {note}" for note in self.notes)
        if self.rejects_path is not None:
            lines.append(f"  rejected rows, with the reason: {self.rejects_path}")
        lines.append(self._speed())
        return lines

    def _deletion_summary(self) -> list[str]:
        lines = [
            f"{self.path.name} ({self.format}): {self.rows:,} rows: {self.deleted:,} deleted, "
            f"{self.not_stored:,} not stored, {self.rejected:,} rejected"
        ]
        if self.flagged:
            lines.append(f"  {self.flagged:,} reviewed by an analyst: flagged, not deleted")
        lines.extend(f"  {note}" for note in self.notes)
        if self.rejects_path is not None:
            lines.append(f"  rejected rows, with the reason: {self.rejects_path}")
        return [*lines, self._speed()]

    def _speed(self) -> str:
        processes = f" in {self.workers} processes" if self.workers > 1 else ""
        return f"  {self.seconds:.1f} s{processes}, {self.rows_per_second:,.0f} rows/s"


def record_hash(fmt: str, row: RawRow, keys: Sequence[str]) -> str:
    """``<format>:<hash of the row as read>``, 64 characters.

    The values are taken in the order of ``keys`` (the file's columns,
    sorted), so an API's JSON and CSV of one record agree. Stored with the
    record: a re-import in the same format whose hash differs is a revised
    record. Rows of another format (an export of the store, imported back)
    are not comparable, and the format says so.
    """
    values = row.values
    try:  # every cell text and every column present: the common case, at C speed
        text = "\x1f".join(map(values.__getitem__, keys))
    except (KeyError, TypeError):
        text = "\x1f".join(f"{k}={v}" for k, v in sorted(values.items()))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return f"{fmt}:{digest[: 63 - len(fmt)]}"


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause automatic garbage collection inside the block, then collect once."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.collect()


@dataclass
class ChunkImport:
    """One import's state: the file, its format, the placer, caches and the running report."""

    table: Table
    mapper: RowMapper
    column_of: dict[str, str]
    placer: Placer
    report: ImportReport
    sources: dict[str, Source] = field(default_factory=dict)
    write_lock: AbstractContextManager[Any] = field(default_factory=nullcontext)
    namer: NamePlacer | None = None
    """Places rows without coordinates; made from the placer's border on first need."""
    _citations: dict[tuple[int, ...], tuple[tuple[SourceRecord, ...], tuple[Citation, ...]]] = (
        field(default_factory=dict)
    )

    def citations(self, sources: tuple[SourceRecord, ...]) -> tuple[Citation, ...]:
        """The citations of a record's sources (shared: most rows cite the same few).

        Keyed by the source records' identities, which stay valid because the
        cache holds the records themselves.
        """
        key = tuple(map(id, sources))
        found = self._citations.get(key)
        if found is None:
            citations = tuple(Citation(s.id, claim=s.claim) for s in sources)
            if len(self._citations) < 100_000:
                self._citations[key] = (sources, citations)
            return citations
        return found[1]

    def run(
        self,
        store: Store,
        rejects: RejectSink,
        chunk_rows: int,
        progress: Progress | None,
        keep: Callable[[int], bool] | None = None,
    ) -> None:
        """Import the table's chunks (only those ``keep`` accepts, if given)."""
        to_fields, column_of = self.mapper.to_fields, self.column_of
        # Read once: the reports the file's new records may be one event with.
        reports = store.report_index()
        for chunk in self.table.chunks(chunk_rows, keep):
            self.report.rows += len(chunk)
            good: list[tuple[RawRow, ImportRecord]] = []
            add = good.append
            for row in chunk:
                try:
                    if row.problem:
                        raise RowError(row.problem)
                    add((row, validate_record(to_fields(row.values), column_of)))
                except RowError as exc:
                    self.reject(rejects, row, str(exc))
            if good:
                incidents, sources, places = self.build(good, rejects)
                with self.write_lock:
                    result = store.save_incidents_bulk(sources, incidents, places, reports)
                self.report.imported += result.incidents_created
                self.report.unchanged += result.incidents_unchanged
                self.report.updated += result.incidents_updated
                self.report.flagged += result.incidents_flagged
                self.report.older += result.incidents_older
                self.report.sources_created += result.sources_created
                self.report.fused += result.incidents_fused
            if progress is not None:
                progress(self.table.position(), self.table.size)

    def reject(self, rejects: RejectSink, row: RawRow, reason: str) -> None:
        self.report.rejected += 1
        rejects.add(row, reason)
        if len(self.report.problems) < MAX_PROBLEMS_KEPT:
            self.report.problems.append(
                f"{self.table.path}: {self.table.unit} {row.number}: {reason}"
            )

    def build(
        self, good: list[tuple[RawRow, ImportRecord]], rejects: RejectSink
    ) -> tuple[list[Incident], list[Source], dict[str, ImportedPlace]]:
        """Re-geocode a chunk's valid records; its incidents, cited sources and file places."""
        records = [r for _, r in good]
        # A missing point reads as NaN here (a record's own is never NaN): one C-speed test.
        lat = np.array([r.lat for r in records], dtype=float)
        lon = np.array([r.lon for r in records], dtype=float)
        named: dict[int, NamedPlace] = {}
        if np.isnan(lat).any():
            good, named = self.place_by_names(good, rejects)
            records = [r for _, r in good]
            lat = np.array([r.lat if r.lat is not None else 0.0 for r in records], dtype=float)
            lon = np.array([r.lon if r.lon is not None else 0.0 for r in records], dtype=float)
        placed = self.placer.place(lat, lon, [r.location_precision for r in records])
        country_agrees, admin_agrees = self.placer.compare(
            placed,
            [r.country for r in records],
            [r.admin1 for r in records],
            [r.admin2 for r in records],
        )
        for k, where in named.items():
            _by_names(placed, k, where, country_agrees, admin_agrees)
        incidents: list[Incident] = []
        places: dict[str, ImportedPlace] = {}
        cited: dict[str, Source] = {}
        kept: list[int] = []
        known, citations = self.sources, self.citations
        keys = sorted(self.table.columns)
        precisions, provinces = placed.location_precision, placed.provinces
        segments, distances = placed.segments, placed.distance_km
        for k, (row, record) in enumerate(good):
            try:
                incident = Incident(
                    id=record.id,
                    date_start=record.date_start,
                    date_end=record.date_end,
                    date_precision=record.date_precision,
                    event_type=record.event_type,
                    location_precision=precisions[k],
                    lat=record.lat,
                    lon=record.lon,
                    summary=record.summary,
                    fatalities=record.fatalities,
                    casualties=record.casualties,
                    actors=record.actors,
                    place_name=record.place_name,
                    provinces=provinces[k],
                    segments=segments[k],
                    distance_km=distances[k],
                    citations=citations(record.sources),
                )
            except ValueError as exc:  # the model's own checks; validation should catch all
                self.reject(rejects, row, str(exc))
                continue
            incidents.append(incident)
            kept.append(k)
            for s in record.sources:
                if s.id not in cited:
                    cited[s.id] = known.get(s.id) or known.setdefault(s.id, s.to_source())
            # A row with neither place names nor dataset fields (a monitor's bare
            # table, an export of reports) has nothing to keep.
            named = record.country or record.admin1 or record.admin2 or record.attributes
            if named and record.id not in places:
                places[record.id] = ImportedPlace(
                    record.dataset,
                    record.country,
                    record.admin1,
                    record.admin2,
                    country_agrees[k],
                    admin_agrees[k],
                    record.attributes or None,
                    record_hash(self.mapper.dataset, row, keys),
                    record.dataset_timestamp,
                )
        self.count(kept, records, placed, country_agrees, admin_agrees)
        return incidents, list(cited.values()), places

    def place_by_names(
        self, good: list[tuple[RawRow, ImportRecord]], rejects: RejectSink
    ) -> tuple[list[tuple[RawRow, ImportRecord]], dict[int, NamedPlace]]:
        """Give each row without coordinates the point its names support (:mod:`.naming`).

        Returns the rows kept (those no name places are rejected) and, by
        their new position, where the names put them.
        """
        if self.namer is None:
            self.namer = NamePlacer.for_layers(self.placer.geocoder.layers)
        kept: list[tuple[RawRow, ImportRecord]] = []
        named: dict[int, NamedPlace] = {}
        for row, given in good:
            record = given
            if given.lat is None:
                try:
                    where = self.namer.place(given)
                except RowError as exc:
                    self.reject(rejects, row, str(exc))
                    continue
                named[len(kept)] = where
                record = given.model_copy(
                    update={
                        "lat": where.lat,
                        "lon": where.lon,
                        "location_precision": where.precision,
                        "place_name": given.place_name or where.by,
                    }
                )
                self.report.placed_by_name += 1
            kept.append((row, record))
        return kept, named

    def count(
        self,
        kept: list[int],
        records: list[ImportRecord],
        placed: Placement,
        country_agrees: list[bool | None],
        admin_agrees: list[bool | None],
    ) -> None:
        """Add the kept records' placing figures to the report."""
        report = self.report
        report.without_source += sum(1 for k in kept if not records[k].sources)
        report.outside += sum(1 for k in kept if placed.country[k] is None)
        report.near_border += sum(1 for k in kept if placed.segments[k])
        report.widened += sum(1 for k in kept if placed.widened[k])
        report.country_disagreements += sum(1 for k in kept if country_agrees[k] is False)
        report.admin_disagreements += sum(1 for k in kept if admin_agrees[k] is False)


def _by_names(
    placed: Placement,
    k: int,
    where: NamedPlace,
    country_agrees: list[bool | None],
    admin_agrees: list[bool | None],
) -> None:
    """Record ``k`` was placed by its names: a named unit is its province, a country its country.

    The placer found the unit containing the unit's anchor point; the unit
    named is what the row said (a parent unit's anchor may lie in one of its
    parts). A row known only to its country has no point to compare.
    """
    if where.provinces:
        placed.provinces[k] = where.provinces
        placed.province_code[k] = where.provinces[0].code
    if where.lat is None:
        placed.country[k] = where.country
        placed.province_code[k] = None
        country_agrees[k] = None
        admin_agrees[k] = None
