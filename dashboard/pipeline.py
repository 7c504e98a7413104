"""The one place that knows the order of the ingest steps: read → extract → store.

Each document is its own transaction: a bad file is reported and skipped,
the others still go in, and re-ingesting the same files changes nothing
(the store is idempotent by content hash).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from dashboard import paths
from dashboard.extract.evidence import GazetteerLike, MatchLike
from dashboard.extract.incidents import (
    ExtractedIncident,
    Extraction,
    extract_incidents,
)
from dashboard.gazetteer import load_gazetteer
from dashboard.models import Source
from dashboard.reextract import ReextractSummary, reextract_sources
from dashboard.run_notes import RunNotes
from dashboard.sources import (
    SkippedPath,
    SourceDocument,
    SourceError,
    discover,
    read_source_items,
)
from dashboard.store import Store, StoreError, open_store
from dashboard.store.intake import FetchedItem
from dashboard.undated import extract_with_store, stale_undated

SAMPLE_DIR = paths.sample_reports_dir()


@dataclass
class IngestSummary(RunNotes):
    """What an ingest run did, for the summary line and the exit status."""

    documents_read: int = 0
    documents_failed: int = 0
    documents_unchanged: int = 0
    incidents_created: int = 0
    incidents_merged: int = 0
    # Provinces of what this run stored: where undated pages may now be datable.
    provinces: set[str] = field(default_factory=set, repr=False)
    redated: int = 0

    def line(self) -> str:
        return (
            f"{self.documents_read} documents read ({self.documents_unchanged} unchanged, "
            f"{self.documents_failed} failed), {self.incidents_created} incidents created, "
            f"{self.incidents_merged} merged, {self.redated} undated reports redated, "
            f"{len(self.warnings)} warnings, "
            f"{len(self.errors)} errors"
        )


def extract_document(
    document: SourceDocument,
    gazetteer: GazetteerLike,
    received: date | None = None,
    store: Store | None = None,
) -> Extraction:
    """Extract one read document; the reader's warnings come first.

    ``received`` (default: today) dates a page that carries no date at all;
    with a ``store``, such a page is first dated by the stored incidents at
    its places (:mod:`dashboard.undated`).
    """
    received = received or date.today()
    if store is None:
        extraction = extract_incidents(document.source, gazetteer, received)
    else:
        extraction = extract_with_store(document.source, gazetteer, store, received)
    warnings = (*document.warnings, *extraction.warnings)
    return Extraction(
        extraction.source, extraction.incidents, extraction.outside_coverage, warnings
    )


def ingest(
    paths: Sequence[Path],
    store: Store,
    gazetteer: GazetteerLike,
    *,
    follow_symlinks: bool = False,
    progress: Callable[[Path], None] = lambda _path: None,
) -> IngestSummary:
    """Read, extract and store every report under ``paths`` (files and folders)."""
    summary = IngestSummary()
    files = report_files(paths, follow_symlinks, summary)
    ingest_files(files, store, gazetteer, summary, progress)
    return summary


def ingest_files(
    files: Sequence[Path],
    store: Store,
    gazetteer: GazetteerLike,
    summary: IngestSummary,
    progress: Callable[[Path], None] = lambda _path: None,
) -> None:
    """Ingest already discovered files into ``summary`` (so a caller can show progress)."""
    for path in files:
        progress(path)
        _ingest_file(path, store, gazetteer, summary)
    redate_undated(store, gazetteer, summary)


def redate_undated(store: Store, gazetteer: GazetteerLike, summary: IngestSummary) -> None:
    """Re-extract stored undated pages that this run's incidents now date (order-free ingest).

    Ingest calls it after its files, live intake after each run.
    """
    if not summary.provinces:
        return
    stale = stale_undated(store, gazetteer, summary.provinces)
    if not stale:
        return
    redone = ReextractSummary()
    reextract_sources(stale, store, gazetteer, redone)
    summary.redated += len(stale) - redone.sources_failed
    summary.errors.extend(redone.errors)


def report_files(
    paths: Sequence[Path], follow_symlinks: bool, summary: IngestSummary
) -> list[Path]:
    """Report files under ``paths``; what discovery passes over becomes a warning."""

    def skipped(notice: SkippedPath) -> None:
        missing = notice.reason == "no such file or folder"
        (summary.errors if missing else summary.warnings).append(str(notice))

    return list(discover(paths, follow_symlinks=follow_symlinks, on_skip=skipped))


def _ingest_file(
    path: Path, store: Store, gazetteer: GazetteerLike, summary: IngestSummary
) -> None:
    """Every document in one file (a JSON list holds several), each its own transaction."""
    for item in read_source_items(path):
        if isinstance(item, SourceError):
            summary.documents_failed += 1
            summary.errors.append(str(item))
            continue
        summary.documents_read += 1
        try:
            extraction = extract_document(item, gazetteer, store=store)
            result = store.save_document(
                extraction.source, [found.incident for found in extraction.incidents]
            )
        except (StoreError, ValueError) as exc:
            summary.documents_failed += 1
            summary.errors.append(f"{path}: {exc}")
            continue
        summary.warnings.extend(f"{path}: {w}" for w in extraction.warnings)
        summary.warnings.extend(
            f"{path}: {m.matched!r} is outside this border's coverage: not placed"
            for m in extraction.outside_coverage
        )
        summary.documents_unchanged += int(result.unchanged)
        summary.incidents_created += result.incidents_created
        summary.incidents_merged += result.incidents_merged
        summary.provinces.update(
            p.code for found in extraction.incidents for p in found.incident.provinces
        )


def ingest_fetched(
    source: Source,
    evidence: FetchedItem,
    store: Store,
    gazetteer: GazetteerLike,
    summary: IngestSummary,
) -> int | None:
    """One article live intake fetched: extract, then store it with its evidence.

    The same steps as a report file's (extraction dated by the store, merging
    by event), in one transaction with the raw page (:meth:`Store.save_fetched`).
    Returns the article's stored version, or ``None`` when it failed (the
    error is in ``summary``).
    """
    where = evidence.final_url
    summary.documents_read += 1
    try:
        extraction = extract_with_store(source, gazetteer, store, date.today())
        result, version = store.save_fetched(
            extraction.source, [found.incident for found in extraction.incidents], evidence
        )
    except (StoreError, ValueError) as exc:
        summary.documents_failed += 1
        summary.errors.append(f"{where}: {exc}")
        return None
    summary.warnings.extend(f"{where}: {w}" for w in extraction.warnings)
    summary.documents_unchanged += int(result.unchanged)
    summary.incidents_created += result.incidents_created
    summary.incidents_merged += result.incidents_merged
    summary.provinces.update(
        p.code for found in extraction.incidents for p in found.incident.provinces
    )
    return version


def ensure_sample_store(url: str | None = None, gazetteer: GazetteerLike | None = None) -> bool:
    """Create the store and load the bundled sample reports if it holds no source yet.

    Returns True when it loaded them. The dashboard calls this on a first run
    so that a newcomer sees real data (the founding article), not an empty map.
    """
    with open_store(url, upgrade=True) as store:
        if store.count_sources() > 0:
            return False
        summary = ingest([SAMPLE_DIR], store, gazetteer or load_gazetteer())
    if not summary.ok:
        raise StoreError("could not load the sample reports: " + "; ".join(summary.errors))
    return True


# ----------------------------------------------------------------- JSON output


def extraction_json(extraction: Extraction, gazetteer: GazetteerLike) -> dict[str, Any]:
    """The ``borderwatch extract --json`` document (offsets index the source text)."""
    source = extraction.source
    return {
        "source": {
            "title": source.title,
            "url": source.url,
            "published": source.published.isoformat() if source.published else None,
            "publisher": source.publisher,
            "language": source.language,
        },
        "incidents": [_incident_json(found, gazetteer) for found in extraction.incidents],
        "outside_coverage": [_match_json(m, gazetteer) for m in extraction.outside_coverage],
        "warnings": list(extraction.warnings),
    }


def _incident_json(found: ExtractedIncident, gazetteer: GazetteerLike) -> dict[str, Any]:
    incident = found.incident
    return {
        "id": incident.id,
        "date_start": incident.date_start.isoformat(),
        "date_end": incident.date_end.isoformat(),
        "date_precision": incident.date_precision.value,
        "event_type": incident.event_type.value,
        "fatalities": incident.fatalities,
        "location_precision": incident.location_precision.value,
        "lat": incident.lat,
        "lon": incident.lon,
        "distance_km": incident.distance_km,
        "summary": incident.summary,
        "actors": list(incident.actors),
        "provinces": [
            {"code": p.code, "name": p.name, "country": p.country} for p in incident.provinces
        ],
        "segments": [{"id": s.id, "name": s.name} for s in incident.segments],
        "places": [_match_json(m, gazetteer) for m in found.places],
        "excerpts": [
            {
                "start": e.start,
                "end": e.end,
                "text": e.text,
                "spans": [
                    {"start": s.start, "end": s.end, "kind": s.kind.value, "label": s.label,
                     "matched": s.matched}
                    for s in e.spans
                ],
            }
            for c in incident.citations
            for e in c.excerpts
        ],
    }  # fmt: skip


def _match_json(match: MatchLike, gazetteer: GazetteerLike) -> dict[str, Any]:
    place = gazetteer.place(match.place_id)
    return {
        "id": match.place_id,
        "name": place.name,
        "matched": match.matched,
        "alias": match.alias,
        "start": match.start,
        "end": match.end,
    }
