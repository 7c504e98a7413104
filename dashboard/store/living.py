"""Living datasets: a newer release revises a stored record, a deletions list removes it.

ACLED revises events after publishing them (their ``timestamp`` changes) and
publishes the ids of events it deleted; each UCDP GED release (yearly, or
candidate) may change the rows of an id it published before. A re-import
compares each record with the stored one by the hash of the row as read
(``imported_places.record_hash``, migration 0006, prefixed by the import
format):

- the same hash, or a row of another format (an export imported back):
  unchanged, nothing written;
- an older ACLED ``timestamp`` than the stored one: an older export, left
  as stored (counted *older*);
- otherwise the record is revised: its fields, places, citations and
  dataset fields are rewritten, the incident's version goes up and the
  earlier values are kept as a revision (action and author ``import``, the
  same trail an analyst's correction leaves: :mod:`~dashboard.store.audit`),
  so an analyst sees what changed and can revert it.

People win over machines (:mod:`~dashboard.store.locks`): an incident an
analyst has changed (any revision not by the import) is never rewritten or
deleted by a release; it is *flagged* with what the dataset now says.
Records stored before migration 0006 have no hash: a re-import fills in
their dataset fields and counts them unchanged (nothing to compare with).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, select, update

from dashboard.models import Incident, SourceKind
from dashboard.store import audit, fusion, locks, reads, writes
from dashboard.store import schema as db
from dashboard.store.corrections import machine_values
from dashboard.store.records import ImportedPlace

IMPORT_AUTHOR = "import"
_IN_CHUNK = 500


@dataclass
class Revised:
    """What a re-import did to stored records."""

    updated: int = 0
    flagged: int = 0
    older: int = 0
    handled: frozenset[str] = frozenset()
    """Ids compared by record (the rest are left to the plain re-import rule)."""


@dataclass(frozen=True)
class Deleted:
    """What a deletions list did: events removed, flagged instead, or never stored."""

    deleted: int = 0
    flagged: int = 0
    absent: int = 0


def revise_records(
    conn: Connection, again: Sequence[Incident], places: Mapping[str, ImportedPlace]
) -> Revised:
    """Compare re-imported records (already stored ids) with the stored ones; revise changed."""
    by_id = {i.id: i for i in again if (p := places.get(i.id)) is not None and p.record_hash}
    if not by_id:
        return Revised()
    stored = _stored_places(conn, sorted(by_id))
    result = Revised(handled=frozenset(by_id))
    changed: list[str] = []
    for incident_id in sorted(by_id):
        new, old = places[incident_id], stored.get(incident_id)
        if old is None or old.record_hash is None:
            _write_place(conn, incident_id, new, exists=old is not None)
        elif old.record_hash == new.record_hash or not _comparable(old.record_hash, new):
            continue
        elif _older(new, old):
            result.older += 1
        else:
            changed.append(incident_id)
    touched = analyst_touched(conn, changed)
    for incident_id in changed:
        incident, new, old = by_id[incident_id], places[incident_id], stored[incident_id]
        if incident_id in touched:
            _flag_revised(conn, incident, new)
            result.flagged += 1
        else:
            _revise(conn, incident, new, old)
            result.updated += 1
    return result


def delete_records(conn: Connection, deletions: Mapping[str, int | None]) -> Deleted:
    """Delete the listed incidents (id → the dataset's deletion time), but flag reviewed ones."""
    ids = sorted(deletions)
    stored: set[str] = set()
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        stored.update(
            conn.execute(select(db.incidents.c.id).where(db.incidents.c.id.in_(chunk))).scalars()
        )
    touched = analyst_touched(conn, stored)
    for incident_id in sorted(touched):
        when = deletions[incident_id]
        at = f" (deleted_timestamp {when})" if when is not None else ""
        locks.flag(
            conn, incident_id, f"the dataset deleted this record{at}; it is kept as reviewed"
        )
    gone = sorted(stored - touched)
    for start in range(0, len(gone), _IN_CHUNK):
        conn.execute(
            delete(db.incidents).where(db.incidents.c.id.in_(gone[start : start + _IN_CHUNK]))
        )
    return Deleted(deleted=len(gone), flagged=len(touched), absent=len(ids) - len(stored))


def analyst_touched(conn: Connection, incident_ids: Collection[str]) -> set[str]:
    """Those incidents with a revision by anyone but the import (a person's work to keep).

    Fusing reports with a record, or separating one again, changes its
    sources, not its fields: the dataset still revises those.
    """
    ids = sorted(incident_ids)
    r = db.incident_revisions.c
    found: set[str] = set()
    for start in range(0, len(ids), _IN_CHUNK):
        query = select(r.incident_id).where(
            r.incident_id.in_(ids[start : start + _IN_CHUNK]),
            r.action.not_in((IMPORT_AUTHOR, *fusion.MACHINE_ACTIONS)),
        )
        found.update(conn.execute(query).scalars())
    return found


def _comparable(stored_hash: str, new: ImportedPlace) -> bool:
    """Whether two record hashes come from the same format (``acled:…``, ``csv:…``).

    An export of the store imported back holds the same events in another
    layout: its rows are no newer release, and are left as stored.
    """
    return stored_hash.partition(":")[0] == (new.record_hash or "").partition(":")[0]


def _older(new: ImportedPlace, old: Any) -> bool:
    """Whether the record is an older version than the stored one (ACLED's ``timestamp``)."""
    stamps = (new.dataset_timestamp, old.dataset_timestamp)
    return None not in stamps and stamps[0] < stamps[1]


def _stored_places(conn: Connection, ids: list[str]) -> dict[str, Any]:
    """Each stored record's hash and timestamp (not its fields: a re-import of a million
    unchanged records must not decode a million JSON objects)."""
    p = db.imported_places.c
    found: dict[str, Any] = {}
    for start in range(0, len(ids), _IN_CHUNK):
        query = select(p.incident_id, p.record_hash, p.dataset_timestamp).where(
            p.incident_id.in_(ids[start : start + _IN_CHUNK])
        )
        found.update({row.incident_id: row for row in conn.execute(query)})
    return found


def _stored_fields(conn: Connection, incident_id: str) -> dict[str, str]:
    p = db.imported_places.c
    query = select(p.attributes).where(p.incident_id == incident_id)
    return dict(conn.execute(query).scalar_one_or_none() or {})


def _write_place(conn: Connection, incident_id: str, place: ImportedPlace, *, exists: bool) -> None:
    """Store what the file says about the record (its names, fields and version)."""
    values = place._asdict()
    values["attributes"] = dict(place.attributes) if place.attributes else None
    if exists:
        p = db.imported_places.c
        conn.execute(update(db.imported_places).where(p.incident_id == incident_id).values(values))
    else:
        conn.execute(db.imported_places.insert().values(incident_id=incident_id, **values))


def _revise(conn: Connection, incident: Incident, new: ImportedPlace, old: Any) -> None:
    """Rewrite a revised record's incident, keeping the earlier values as a revision."""
    row = conn.execute(select(db.incidents).where(db.incidents.c.id == incident.id)).one()
    stored = reads.get_incident(conn, incident.id)
    assert stored is not None  # the row was just read in this transaction
    before, after = machine_values(stored), machine_values(incident)
    changes: dict[str, dict[str, Any]] = {
        name: {"before": value, "after": after[name]}
        for name, value in before.items()
        if after[name] != value
    }
    if incident.summary != stored.summary:
        changes["summary"] = {"before": stored.summary, "after": incident.summary}
    fields = _changed_fields(_stored_fields(conn, incident.id), dict(new.attributes or {}))
    if fields:
        changes["dataset_fields"] = fields
    own = _dataset_sources(conn, [c.source_id for c in stored.citations])
    cited = (
        [c.source_id for c in stored.citations if c.source_id in own],
        [c.source_id for c in incident.citations],
    )
    if cited[0] != cited[1]:
        changes["sources"] = {"before": cited[0], "after": cited[1]}
        _replace_citations(conn, incident)
    writes.rewrite_incident(conn, incident)
    _write_place(conn, incident.id, new, exists=True)
    version = row.version + 1
    conn.execute(
        update(db.incidents).where(db.incidents.c.id == incident.id).values(version=version)
    )
    audit.record_revision(
        conn,
        incident.id,
        version=version,
        action=IMPORT_AUTHOR,
        by=IMPORT_AUTHOR,
        reason=_reason(new, old),
        changes=changes,
        reverts=None,
    )


def _changed_fields(before: Mapping[str, str], after: Mapping[str, str]) -> dict[str, Any]:
    """The dataset fields that differ, before and after (``None``: absent)."""
    names = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    if not names:
        return {}
    return {
        "before": {k: before.get(k) for k in names},
        "after": {k: after.get(k) for k in names},
    }


def _reason(new: ImportedPlace, old: Any) -> str:
    """Why the import changed the incident, for the history."""
    if new.dataset_timestamp is not None:
        return (
            f"{new.dataset} revised the record (timestamp {old.dataset_timestamp} → "
            f"{new.dataset_timestamp})"
        )
    return f"a newer {new.dataset} release changed the record"


def _dataset_sources(conn: Connection, source_ids: Sequence[str]) -> set[str]:
    """Those of the sources that are a dataset's (not the reports fused with the record)."""
    s = db.sources.c
    query = select(s.id).where(
        s.id.in_(sorted(set(source_ids))), s.kind == SourceKind.DATASET_RECORD.value
    )
    return set(conn.execute(query).scalars())


def _replace_citations(conn: Connection, incident: Incident) -> None:
    """The record's sources now (a dataset record's citations carry no excerpts); the reports
    fused with it keep theirs, after them (:mod:`~dashboard.store.fusion`)."""
    c = db.citations.c
    stored = list(conn.execute(select(c.source_id).where(c.incident_id == incident.id)).scalars())
    own = _dataset_sources(conn, stored)
    fused = [s for s in stored if s not in own]
    conn.execute(
        delete(db.citations).where(c.incident_id == incident.id, c.source_id.in_(sorted(own)))
    )
    seen: dict[str, Any] = {}
    for citation in incident.citations:
        if citation.source_id not in fused:
            seen.setdefault(citation.source_id, citation)
    if seen:
        conn.execute(
            db.citations.insert(),
            [
                {
                    "incident_id": incident.id,
                    "source_id": s,
                    "position": n,  # first: fused reports' citations keep theirs, after
                    "claim": cit.claim,
                }
                for n, (s, cit) in enumerate(seen.items())
            ],
        )


def _flag_revised(conn: Connection, incident: Incident, new: ImportedPlace) -> None:
    """Flag a reviewed incident with each field the revised record reads otherwise."""
    stored = reads.get_incident(conn, incident.id)
    assert stored is not None
    before, after = machine_values(stored), machine_values(incident)
    reading = f"{new.dataset} revised record"
    differ = [name for name in sorted(before) if after[name] != before[name]]
    for name in differ:
        locks.flag(conn, incident.id, f"{reading} reads {name} as {_json(after[name])}")
    if not differ:
        locks.flag(conn, incident.id, f"{reading}: only its dataset fields changed")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
