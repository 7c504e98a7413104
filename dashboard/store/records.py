"""Small values the store takes and gives beside the models: write results, file places.

They live apart from the write and read code so that callers (importers,
the CLI, tests) can name them without reaching into either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from dashboard.models import ReviewStatus, Source


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What :meth:`Store.save_document` changed.

    ``unchanged`` is true when the source was already stored (same content
    hash), in which case nothing at all was written. ``incidents_merged``
    counts incidents merged into stored ones, by id or as the same event;
    ``incidents_matched`` is the part of them merged as the same event under
    another id (compatible window and places, see :mod:`~dashboard.store.matching`).
    """

    sources_created: int = 0
    incidents_created: int = 0
    incidents_merged: int = 0
    unchanged: bool = False
    incidents_matched: int = 0


@dataclass(frozen=True, slots=True)
class BulkSaveResult:
    """What :meth:`Store.save_incidents_bulk` changed.

    ``incidents_unchanged`` counts incidents not written because their id was
    already stored with the same record or appeared earlier in the same call.
    """

    sources_created: int = 0
    incidents_created: int = 0
    incidents_unchanged: int = 0
    incidents_updated: int = 0
    """Stored records a newer version replaced (the earlier values kept as a revision)."""
    incidents_flagged: int = 0
    """Revised records of incidents an analyst has reviewed: flagged, not changed."""
    incidents_older: int = 0
    """Records older than the stored version (ACLED ``timestamp``): left as stored."""
    incidents_fused: int = 0
    """New records fused with the text reports of the same event (:mod:`.fusion`)."""


class ImportedPlace(NamedTuple):
    """What a structured file said about an imported incident: its place names, beside ours,
    and the dataset's other fields.

    ``country_agrees`` / ``admin_agrees`` say whether the file's country and
    admin names match the country and province borderwatch's geocoder found
    (``None``: nothing to compare). ``attributes`` are the dataset's own
    columns as written (ACLED's sub-event type, UCDP's deaths by side…);
    ``record_hash`` and ``dataset_timestamp`` identify the version of the
    record, so a re-import tells a revised record (``None``: imported before
    borderwatch kept them).
    """

    dataset: str
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    country_agrees: bool | None = None
    admin_agrees: bool | None = None
    attributes: Mapping[str, str] | None = None
    record_hash: str | None = None
    dataset_timestamp: int | None = None


@dataclass(frozen=True, slots=True)
class StoredReport:
    """A stored report and the day it was received, for re-extracting it.

    ``received`` is the day the store took the report in: ingest dates a
    page that carries no date at all by the day it read it, and re-reading
    the page later must date it the same way.
    """

    source: Source
    received: date


@dataclass(frozen=True, slots=True)
class ReplaceResult:
    """What :meth:`Store.replace_reports` changed.

    ``unchanged``: the rebuilt incidents were what was stored, and nothing
    was written. ``regroup``: nothing was written because the fresh
    incidents merge with a report outside the group; call again with this
    larger group (in storing order). ``incidents_kept`` counts incidents
    stored before and after under one id (the same window and places);
    ``incidents_created`` new ids; ``incidents_merged`` fresh incidents merged
    into another (by id or as one event); ``incidents_removed`` incidents no
    report of the group reports any more and no other source cites.
    """

    unchanged: bool = False
    regroup: tuple[str, ...] = ()
    incidents_created: int = 0
    incidents_kept: int = 0
    incidents_merged: int = 0
    incidents_removed: int = 0


@dataclass(frozen=True, slots=True)
class Revision:
    """One analyst change of one incident, as :meth:`Store.history` lists them.

    ``version`` is the incident's version this change made (1 for the first);
    ``changes`` maps each changed field to ``{"before": …, "after": …}`` in
    the JSON form of :mod:`~dashboard.store.corrections` (a merge also lists the
    incident's ``sources``, and a save that cleared a machine's flag its
    ``flag``). ``action`` is ``review``, ``merge`` or ``revert``; a revert
    names the revision it undid in ``reverts``. ``at`` is UTC.
    """

    id: int
    incident_id: str
    version: int
    action: str
    by: str
    at: datetime
    reason: str
    changes: dict[str, dict[str, Any]]
    reverts: int | None = None


@dataclass(frozen=True, slots=True)
class ReviewState:
    """An incident's review as an editor opens it: pass ``version`` back when saving.

    ``locked`` names the fields analysts corrected (machine writes keep
    them); ``flag`` says, one line per finding, where a machine's later
    reading disagrees with them (``None``: nothing to look at). ``changed_by``
    and ``changed_at`` are those of the latest revision (``None`` before any).
    """

    incident_id: str
    status: ReviewStatus
    version: int
    duplicate_of: str | None = None
    locked: tuple[str, ...] = ()
    note: str | None = None
    flag: str | None = None
    changed_by: str | None = None
    changed_at: datetime | None = None


class ExcerptRef(NamedTuple):
    """One stored excerpt of an incident, by source and character offsets (a split picks them)."""

    source_id: str
    start: int
    end: int
