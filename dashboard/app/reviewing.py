"""Analysts' changes from the dashboard: what a form asks for, and the writes themselves.

Every write function here starts by asking :func:`auth.require_analyst` who
the session's user is *now* (the role comes from the secrets at that
moment): hiding the forms from viewers is a courtesy, this is the check. A
change names the incident version the panel was opened with
(:func:`opened_version`), so a save over someone else's change is refused
by the store with "changed by X at T" instead of overwriting it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from dashboard import resolve
from dashboard.app import auth
from dashboard.models import (
    CasualtyCount,
    CasualtyKind,
    DatePrecision,
    EventType,
    Incident,
    LocationPrecision,
    ReviewStatus,
)
from dashboard.store import KEEP, Correction, ExcerptRef, Place, Revision, Store

# Session key: {incident id: the version its panel was opened with}.
OPENED = "_review_opened"
# Session keys of picking a place on the map: the analyst's toggle, and the point clicked.
PICKING = "review_pick_point"
PICKED = "_review_picked_point"


def opened_version(state: MutableMapping[str, Any], incident_id: str, current: int) -> int:
    """The version this session opened the incident at (``current`` the first time)."""
    opened = state.setdefault(OPENED, {})
    return int(opened.setdefault(incident_id, current))


def reopen(state: MutableMapping[str, Any], incident_id: str) -> None:
    """Forget the opened version: the next panel run opens the incident as it is now."""
    state.get(OPENED, {}).pop(incident_id, None)


def _author(state: Mapping[str, Any]) -> str:
    return auth.require_analyst(auth.current_user(state))


def _expected(state: Mapping[str, Any], incident_id: str) -> int:
    """The opened version; -1 (never a stored version) if the panel never opened it."""
    return int(state.get(OPENED, {}).get(incident_id, -1))


def save_correction(
    state: MutableMapping[str, Any],
    store: Store,
    incident_id: str,
    correction: Correction,
    *,
    reason: str,
) -> Revision:
    """Apply an analyst's correction at the opened version; the panel then holds the new one.

    Raises :class:`auth.NotAllowedError` for anyone but a signed-in analyst,
    and the store's :class:`ReviewError` family (changed since, no reason,
    nothing changed).
    """
    by = _author(state)
    revision = store.review_incident(
        incident_id,
        correction,
        by=by,
        reason=reason,
        expected_version=_expected(state, incident_id),
    )
    state.setdefault(OPENED, {})[incident_id] = revision.version
    return revision


def set_status(
    state: MutableMapping[str, Any],
    store: Store,
    incident_id: str,
    status: ReviewStatus,
    *,
    reason: str,
) -> Revision:
    """The review queue's one-key change: a status, at the opened version."""
    return save_correction(state, store, incident_id, Correction(status=status), reason=reason)


def merge_into(
    state: MutableMapping[str, Any], store: Store, incident_id: str, keep_id: str, *, reason: str
) -> Revision:
    """Merge the opened incident into ``keep_id`` (its sources go there; it becomes a duplicate).

    The kept incident is taken at its current version: the analyst named it
    just now, and its fields do not change.
    """
    by = _author(state)
    kept = store.review_state(keep_id.strip())
    keep_version = kept.version if kept is not None else -1
    _, other = store.merge_incidents(
        keep_id.strip(),
        incident_id,
        by=by,
        reason=reason,
        keep_version=keep_version,
        other_version=_expected(state, incident_id),
    )
    state.setdefault(OPENED, {})[incident_id] = other.version
    return other


def excerpt_choices(incident: Incident) -> dict[str, tuple[ExcerptRef, str]]:
    """The incident's stored excerpts a split can take, and their words, by a key for a
    form widget."""
    return {
        f"{c.source_id}:{e.start}:{e.end}": (ExcerptRef(c.source_id, e.start, e.end), e.text)
        for c in incident.citations
        for e in c.excerpts
    }


def split_off(
    state: MutableMapping[str, Any],
    store: Store,
    incident: Incident,
    excerpts: Sequence[ExcerptRef],
    window: tuple[date, date],
    *,
    reason: str,
) -> Revision:
    """Split the chosen excerpts of the opened incident off into a new incident with the
    given date window (the other event's); the new incident's revision comes back.

    The store refuses a split that takes every excerpt, none, or changes nothing
    (the new incident would repeat the old one).
    """
    by = _author(state)
    correction = Correction()
    if window != (incident.date_start, incident.date_end):
        correction = Correction(window=resolve.date_window(*window))
    kept, split = store.split_incident(
        incident.id,
        list(excerpts),
        correction,
        by=by,
        reason=reason,
        expected_version=_expected(state, incident.id),
    )
    state.setdefault(OPENED, {})[incident.id] = kept.version
    return split


def revert(
    state: MutableMapping[str, Any],
    store: Store,
    incident_id: str,
    revision_id: int,
    *,
    reason: str,
) -> Revision:
    """Put back what revision ``revision_id`` of the opened incident changed, as a new revision."""
    by = _author(state)
    revision = store.revert_revision(
        revision_id, by=by, reason=reason, expected_version=_expected(state, incident_id)
    )
    state.setdefault(OPENED, {})[incident_id] = revision.version
    return revision


# ------------------------------------------------------------------- the form


@dataclass(frozen=True)
class FormValues:
    """What the correction form holds when saved (``place_id``: a gazetteer place or none)."""

    status: str
    duplicate_of: str
    date_from: date
    date_to: date
    precision: str
    provinces: Sequence[str]
    segments: Sequence[str]
    place_id: str | None
    event_type: str
    fatalities: int | None
    casualties: str
    summary: str
    note: str
    point: tuple[float, float] | None = None  # a point clicked on the map, to place it at


def pick_point(state: MutableMapping[str, Any], returned: Mapping[str, Any]) -> bool:
    """Keep a map click as the place being picked, if the analyst is picking one; True if
    it was taken (then the click is not also a filter).

    ``returned`` is what the map sends back. A click on open map comes as
    ``last_clicked``; a click on a province, segment or marker stops there and
    comes as ``last_object_clicked`` (its point is still where the click was).
    The one that changed since the last click is the new one.
    """
    clicks = {key: returned.get(key) for key in _CLICK_KEYS}
    seen, state[_SEEN_CLICKS] = state.get(_SEEN_CLICKS) or {}, clicks
    if not state.get(PICKING):
        return False
    for key in _CLICK_KEYS:
        clicked = clicks[key]
        if not clicked or clicked == seen.get(key):
            continue
        try:
            lat, lon = float(clicked["lat"]), float(clicked["lng"])
        except (KeyError, TypeError, ValueError):
            return False
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return False
        state[PICKED] = (round(lat, 5), round(lon, 5))
        return True
    return False


_CLICK_KEYS = ("last_clicked", "last_object_clicked")
_SEEN_CLICKS = "_review_seen_clicks"


def form_defaults(incident: Incident, status: str, note: str | None) -> FormValues:
    """The form as it opens: the incident as stored."""
    return FormValues(
        status=status,
        duplicate_of="",
        date_from=incident.date_start,
        date_to=incident.date_end,
        precision=incident.date_precision.value,
        provinces=[p.code for p in incident.provinces],
        segments=[s.id for s in incident.segments],
        place_id=None,
        event_type=incident.event_type.value,
        fatalities=incident.fatalities,
        casualties=casualty_text(incident.casualties),
        summary=incident.summary or "",
        note=note or "",
    )


def correction_from_form(
    incident: Incident,
    before: FormValues,
    form: FormValues,
    places: Any,
    layers: Any,
    *,
    point_at: Any = None,
) -> Correction:
    """Only what the analyst changed (unchanged fields stay unlocked); ``ValueError`` if invalid.

    ``places`` resolves a gazetteer place id to ``(place, provinces,
    segments)`` (:func:`resolve.point_place` at the place's point), and
    ``point_at`` a point clicked on the map (which wins over a place); provinces
    or segments picked by hand win over the place's own. Provinces changed
    without a place make the incident known to its province only: its old
    point lies in the old province and would contradict the correction.
    """
    changes: dict[str, Any] = {}
    if form.status != before.status or form.duplicate_of.strip():
        changes["status"] = ReviewStatus(form.status)
        changes["duplicate_of"] = form.duplicate_of.strip() or None
    window = (form.date_from, form.date_to, form.precision)
    if window != (before.date_from, before.date_to, before.precision):
        changes["window"] = resolve.date_window(
            form.date_from, form.date_to, DatePrecision(form.precision)
        )
    if form.point is not None and point_at is not None:
        changes["place"], changes["provinces"], changes["segments"] = point_at(*form.point)
    elif form.place_id:
        changes["place"], changes["provinces"], changes["segments"] = places(form.place_id)
    if list(form.provinces) != list(before.provinces):
        changes["provinces"] = resolve.province_refs(layers, list(form.provinces))
        if not form.place_id and form.point is None:
            # The old point lies in the old province: keep only what the analyst said.
            changes["place"] = Place(LocationPrecision.PROVINCE)
    if list(form.segments) != list(before.segments):
        changes["segments"] = resolve.segment_refs(layers, list(form.segments))
    if form.event_type != before.event_type:
        changes["event_type"] = EventType(form.event_type)
    if form.fatalities != before.fatalities:
        changes["fatalities"] = form.fatalities
    if parse_casualties(form.casualties) != parse_casualties(before.casualties):
        changes["casualties"] = parse_casualties(form.casualties)
    for name in ("summary", "note"):
        if getattr(form, name).strip() != getattr(before, name).strip():
            changes[name] = getattr(form, name).strip()
    correction = Correction(**{"fatalities": KEEP, **changes})
    correction.values()  # raises ValueError for a window that ends first, a lone duplicate
    return correction


_CASUALTY = re.compile(r"^\s*(killed|wounded|captured|missing)\s+(?:([A-Za-z]{2})\s+)?(\d+)\s*$")


def parse_casualties(text: str) -> tuple[CasualtyCount, ...]:
    """``"killed AM 3; wounded 2"`` as counts (a side is a country code, or none given).

    ``ValueError`` names the first part it cannot read.
    """
    counts = []
    for part in re.split(r"[;,\n]", text):
        if not part.strip():
            continue
        found = _CASUALTY.match(part.lower())
        if found is None:
            raise ValueError(
                f"casualties: cannot read “{part.strip()}” (write e.g. “killed AM 3; wounded 2”)"
            )
        kind, side, count = found.groups()
        counts.append(CasualtyCount(CasualtyKind(kind), side.upper() if side else None, int(count)))
    return tuple(counts)


def casualty_text(counts: Sequence[CasualtyCount]) -> str:
    """The counts as :func:`parse_casualties` reads them."""
    return "; ".join(
        " ".join(str(p) for p in (c.kind.value, c.side, c.count) if p is not None) for c in counts
    )
