"""Whether what a stored source reports is already what its fresh extraction makes.

Re-extraction (:mod:`~dashboard.store.reextract`) must change nothing when
the extractor did not change. Removing a source's citations and saving its
incidents again would still move rows (citation positions, excerpt row ids,
write times, a refined window re-merged), so it first asks this module and
writes nothing when the answer is yes.

The stored side is every incident citing the source; each must be claimed
by exactly one fresh incident, with this source's citation (claim, excerpts,
spans) unchanged, and:

- an incident only this source cites must equal the fresh one whole (same
  id, fields and citation): it is the fresh incident as saving it would write;
- an incident other sources cite too must have the fresh incident's id, or
  be one event with it (:func:`~dashboard.store.matching.same_event`), as
  saving would merge it there. Its fields are the merged record's and are
  not compared (see the limitation in :mod:`~dashboard.store.reextract`).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from dashboard.models import Citation, Incident, Source
from dashboard.store import reads
from dashboard.store.matching import Facts, same_event


def is_current(
    conn: Connection, source: Source, fresh: Sequence[Incident], cited: Sequence[str]
) -> bool:
    """True if the incidents ``cited`` by ``source`` are what ``fresh`` would make of them."""
    if len(cited) != len(fresh):
        return False
    unclaimed: dict[str, Incident] = {}
    for incident_id in cited:
        stored = reads.get_incident(conn, incident_id)
        if stored is None:
            return False
        unclaimed[incident_id] = stored
    for incident in sorted(fresh, key=lambda i: i.id):
        holder = _holder(unclaimed, incident, source)
        if holder is None:
            return False
        del unclaimed[holder]
    return True


def _holder(unclaimed: dict[str, Incident], fresh: Incident, source: Source) -> str | None:
    """The id of the stored incident that already holds ``fresh``, or ``None``."""
    own = _citations_of(fresh, source.id)
    same_id = unclaimed.get(fresh.id)
    if same_id is not None:
        if _citations_of(same_id, source.id) != own:
            return None
        return fresh.id if same_id.reports > 1 or same_id == fresh else None
    facts = Facts.of(fresh, synthetic=source.synthetic)
    for stored in sorted(unclaimed.values(), key=lambda i: i.id):
        if (
            stored.reports > 1
            and _citations_of(stored, source.id) == own
            and same_event(facts, Facts.of(stored, synthetic=source.synthetic))
        ):
            return stored.id
    return None


def _citations_of(incident: Incident, source_id: str) -> tuple[Citation, ...]:
    return tuple(c for c in incident.citations if c.source_id == source_id)
