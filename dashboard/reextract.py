"""Re-extraction: the stored reports read again by the current extractor, their incidents replaced.

After the extractor improves, a store still holds what the old one made.
Ingest cannot fix that (a stored source is "unchanged" and never re-read),
so this reads each stored report's own text again and hands the fresh
incidents to :meth:`Store.replace_reports`: one transaction per group of
reports that share incidents (a merged incident is re-derived from all its
reports), in the order they were stored (so each event takes its id from
the report that gave it its id at ingest).

Only reports ingest wrote are re-read, recognised by ingest's identity rule
(``id = "src-" + content_hash[:16]``, :func:`dashboard.sources.document.source_id`):
dataset records (ACLED, UCDP) have no text, and ``borderwatch demo``'s
synthetic reports carry generated incidents, not an extraction. A report is
dated as ingest dated it: by the stored incidents its year-less days match
(:mod:`dashboard.undated`), else by the day it was stored. Running it twice
changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dashboard.extract.evidence import GazetteerLike
from dashboard.models import Incident, Source, SourceKind
from dashboard.run_notes import RunNotes
from dashboard.sources.document import source_id as ingest_source_id
from dashboard.store import Store, StoreError
from dashboard.undated import extract_with_store


@dataclass
class ReextractSummary(RunNotes):
    """What a re-extraction did, for the summary line and the exit status.

    Sources are counted once each. Incident counts add up each group's
    rebuild (:class:`~dashboard.store.ReplaceResult`): a report pulled into a
    second group has its incidents counted in both.
    """

    sources_read: int = 0
    sources_unchanged: int = 0
    sources_failed: int = 0
    incidents_before: int = 0
    incidents_after: int = 0
    incidents_created: int = 0
    incidents_kept: int = 0
    incidents_merged: int = 0
    incidents_removed: int = 0

    def line(self) -> str:
        return (
            f"{self.sources_read} sources re-read ({self.sources_unchanged} unchanged, "
            f"{self.sources_failed} failed), incidents {self.incidents_before} → "
            f"{self.incidents_after}: {self.incidents_created} created, "
            f"{self.incidents_kept} kept their id, {self.incidents_merged} merged, "
            f"{self.incidents_removed} removed, {len(self.warnings)} warnings, "
            f"{len(self.errors)} errors"
        )


def reextract(
    store: Store,
    gazetteer: GazetteerLike,
    *,
    source_ids: Sequence[str] = (),
    progress: Callable[[str], None] = lambda _id: None,
) -> ReextractSummary:
    """Re-extract ``source_ids`` (default: every ingested report) and replace their incidents."""
    summary = ReextractSummary()
    reextract_sources(reports_to_reextract(store, source_ids), store, gazetteer, summary, progress)
    return summary


def reports_to_reextract(store: Store, source_ids: Sequence[str] = ()) -> list[str]:
    """The ingested reports to re-read, in storing order; ``source_ids`` narrows them.

    Raises :class:`StoreError` naming a requested id that is no ingested
    report, before anything is written.
    """
    reports = [i for i in store.report_source_ids() if _ingested(store, i)]
    if not source_ids:
        return reports
    known = set(reports)
    for wanted in source_ids:
        if wanted not in known:
            raise StoreError(f"source {wanted!r} {_why_not(store, wanted)}")
    wanted_ids = set(source_ids)
    return [i for i in reports if i in wanted_ids]


def reextract_sources(
    source_ids: Sequence[str],
    store: Store,
    gazetteer: GazetteerLike,
    summary: ReextractSummary,
    progress: Callable[[str], None] = lambda _id: None,
) -> None:
    """Re-extract these reports into ``summary``, a group of reports sharing incidents at a time.

    ``progress`` is called once per id of ``source_ids`` (so a caller can
    show progress); the groups may add reports that share incidents with them.
    """
    eligible = frozenset(reports_to_reextract(store))
    extract = _Extractor(store, gazetteer)
    summary.incidents_before = store.count_incidents()
    read: set[str] = set()
    changed: set[str] = set()
    for source_id in source_ids:
        if source_id not in read:
            _rebuild_group(
                source_id, store, eligible, extract, summary=summary, read=read, changed=changed
            )
        progress(source_id)
    summary.sources_read = len(read)
    summary.sources_unchanged = len(read - changed)
    summary.incidents_after = store.count_incidents()


class _Extractor:
    """The fresh incidents of stored reports, each report extracted once per run."""

    def __init__(self, store: Store, gazetteer: GazetteerLike) -> None:
        self.store, self.gazetteer = store, gazetteer
        self.done: dict[str, tuple[Source, list[Incident], list[str]]] = {}

    def __call__(self, source_id: str) -> tuple[Source, list[Incident], list[str]]:
        """The stored report, its fresh incidents and the extraction's warnings."""
        if source_id not in self.done:
            stored = self.store.stored_report(source_id)
            if stored is None:
                raise StoreError("no longer a stored report")
            extraction = extract_with_store(
                stored.source, self.gazetteer, self.store, stored.received
            )
            warnings = [*extraction.warnings]
            warnings += [
                f"{m.matched!r} is outside this border's coverage: not placed"
                for m in extraction.outside_coverage
            ]
            incidents = [found.incident for found in extraction.incidents]
            self.done[source_id] = (stored.source, incidents, warnings)
        return self.done[source_id]


def _rebuild_group(
    source_id: str,
    store: Store,
    eligible: frozenset[str],
    extract: _Extractor,
    *,
    summary: ReextractSummary,
    read: set[str],
    changed: set[str],
) -> None:
    """Rebuild the group of reports sharing incidents with ``source_id``.

    A report may be read in two groups: a fresh incident that merges with
    a report's record pulls that report into the group (``regroup``), even
    one rebuilt before. ``read`` and ``changed`` collect ids, so the
    summary counts each report once.
    """
    group = store.report_group([source_id], eligible)
    try:
        while True:
            documents = [extract(member)[:2] for member in group]
            result = store.replace_reports(documents, eligible)
            if not result.regroup:
                break
            group = list(result.regroup)
    except (StoreError, ValueError) as exc:
        summary.sources_failed += len(set(group) - read)
        changed.update(group)
        read.update(group)
        summary.errors.append(f"{', '.join(group)}: {exc}")
        return
    summary.warnings.extend(f"{m}: {w}" for m in group if m not in read for w in extract(m)[2])
    read.update(group)
    if not result.unchanged:
        changed.update(group)
    summary.incidents_created += result.incidents_created
    summary.incidents_kept += result.incidents_kept
    summary.incidents_merged += result.incidents_merged
    summary.incidents_removed += result.incidents_removed


def _ingested(store: Store, source_id: str) -> bool:
    """Whether ingest wrote this source: its id follows from its content hash."""
    source = store.get_source(source_id)
    return source is not None and source.id == ingest_source_id(source.content_hash)


def _why_not(store: Store, source_id: str) -> str:
    """Why a requested source cannot be re-extracted, for the error message."""
    source = store.get_source(source_id)
    if source is None:
        return "is not stored"
    if source.text is None or source.kind is not SourceKind.REPORT:
        return "is a dataset record (no text): only reports are re-extracted"
    return "was not written by ingest (its incidents are not an extraction)"
