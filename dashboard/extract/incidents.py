"""Report text → incidents, each tied to the sentences and words that placed it.

Pure: a :class:`~dashboard.models.Source` and a gazetteer in, an
:class:`Extraction` out; nothing is read or written. The steps, one module each:

1. find the report's own day and its date mentions (:mod:`.timeline`,
   :mod:`.dates`), sentences, place mentions (the gazetteer) and cues (:mod:`.cues`);
2. find the incident sentences and their places, leaving out datelines,
   speaking capitals and meeting places (:mod:`.evidence`, :mod:`.context`);
3. read the report as a whole: one main incident, history and asides left
   out, another incident only where the report dates and places it on its own
   (:mod:`.grouping`);
4. build each incident here: its location precision says honestly what the
   words support (a named place, a border segment, a province or a country),
   its excerpts carry the words that placed it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from dashboard.extract.boilerplate import boilerplate_spans, inside
from dashboard.extract.casualties import (
    CasualtyMention,
    find_casualties,
    incident_casualties,
    incident_toll,
)
from dashboard.extract.claims import incident_claim
from dashboard.extract.cues import WEAK_CATEGORIES, Cue, find_cues
from dashboard.extract.evidence import (
    Doc,
    Evidence,
    GazetteerLike,
    MatchLike,
    approximate_mentions,
    find_evidence,
    segment_units,
)
from dashboard.extract.grouping import group_incidents
from dashboard.extract.homonyms import prefer_named_provinces
from dashboard.extract.sentences import Sentence, split_sentences
from dashboard.extract.timeline import Anchor, AnchorBasis, find_anchor, report_dates
from dashboard.models import (
    CasualtyKind,
    Citation,
    DatePrecision,
    EventType,
    Excerpt,
    Incident,
    LocationPrecision,
    ProvinceRef,
    SegmentRef,
    Source,
    Span,
    SpanKind,
    window_label,
)

if TYPE_CHECKING:
    from dashboard.gazetteer.data import Place as PlaceLike

POINT_KINDS = frozenset({"settlement", "landmark"})


@dataclass(frozen=True)
class ExtractedIncident:
    """An incident and the place mentions that placed it."""

    incident: Incident
    places: tuple[MatchLike, ...]


@dataclass(frozen=True)
class Extraction:
    """Everything extraction found in one source."""

    source: Source
    incidents: tuple[ExtractedIncident, ...]
    outside_coverage: tuple[MatchLike, ...]
    warnings: tuple[str, ...]
    anchor: Anchor | None = None


def extract_incidents(
    source: Source,
    gazetteer: GazetteerLike,
    received: date | None = None,
    store_day: date | None = None,
) -> Extraction:
    """Incidents reported by ``source`` (a report with text), with their evidence.

    The main incident comes first. ``received`` is the day the report was
    ingested: it dates a page that carries no date at all (with a warning).
    ``store_day`` is the day a page without publication date or year was
    matched to by :mod:`dashboard.undated`; it anchors the page in its year.
    """
    text = source.text or ""
    anchor = find_anchor(source.published, text, received, store_day)
    dates, skipped = report_dates(text, anchor)
    furniture = boilerplate_spans(text)
    found = [m for m in gazetteer.find(text) if not inside(m.start, furniture)]
    places = prefer_named_provinces(sorted(found, key=lambda m: (m.start, m.end)), gazetteer)
    sentences = split_sentences(text)
    if furniture:  # renumbered: evidence and claims look at a sentence's neighbours by index
        kept = [s for s in sentences if not inside(s.start, furniture)]
        sentences = [dataclasses.replace(s, index=i) for i, s in enumerate(kept)]
    doc = Doc(
        source, text, sentences, places, find_cues(text), dates, gazetteer, anchor,
        approximate_mentions(text, places),
    )  # fmt: skip
    warnings = _document_warnings(doc, skipped)
    evidence, outside = find_evidence(doc)
    groups = group_incidents(doc, evidence, warnings)
    incidents = [_build_incident(doc, group, len(groups)) for group in groups]
    if not incidents and not outside:
        warnings.append("no incident found: no sentence with an incident cue and a place")
    return Extraction(source, tuple(incidents), tuple(outside), tuple(warnings), anchor)


def _document_warnings(doc: Doc, skipped_dates: int) -> list[str]:
    warnings = []
    if doc.source.published is None:
        if doc.anchor is not None and doc.anchor.basis is AnchorBasis.TEXT:
            day = doc.anchor.day.isoformat()
            warnings.append(f"no publication date: read against the latest date in the text, {day}")
        elif doc.anchor is not None and doc.anchor.basis is AnchorBasis.STORE:
            day = doc.anchor.day.isoformat()
            warnings.append(
                "no publication date and no year in the text: read against "
                f"{day}, the day of the one stored incident at the same places that its "
                "dates without a year (a day and month, or a weekday) fit"
            )
        else:
            warnings.append("no publication date: relative dates cannot be resolved")
    if skipped_dates:
        warnings.append(f"{skipped_dates} date mention(s) skipped: they need a publication date")
    return warnings


# ------------------------------------------------------------------- building


@dataclass(frozen=True)
class _Location:
    precision: LocationPrecision
    lat: float | None
    lon: float | None
    provinces: tuple[ProvinceRef, ...]
    segments: tuple[SegmentRef, ...]
    distance_km: float | None
    place_name: str | None


def _build_incident(doc: Doc, group: list[Evidence], incidents_in_doc: int) -> ExtractedIncident:
    places = _unique_places([m for item in group for m in item.places])
    location = _locate(doc, places)
    first, last, precision = group[0].window  # type: ignore[misc]
    cues = [c for item in group for c in item.cues]
    # The incident sentences first (the map's popup quotes the first excerpt),
    # then the sentences that lent a place, a date or a casualty count.
    primary = sorted({item.sentences[0] for item in group}, key=lambda s: s.start)
    lent = sorted(
        {s for item in group for s in item.sentences} - set(primary), key=lambda s: s.start
    )
    sentences = primary + lent
    casualties = [c for item in group for c in item.casualties]
    event_type = _event_type(cues, casualties)
    key = "|".join(
        [
            first.isoformat(),
            last.isoformat(),
            *sorted(p.code for p in location.provinces),
            *sorted(s.id for s in location.segments),
            location.place_name or "",
        ]
    )
    incident = Incident(
        id="inc-" + hashlib.sha256(key.encode()).hexdigest()[:16],
        date_start=first,
        date_end=last,
        date_precision=precision,
        event_type=event_type,
        location_precision=location.precision,
        lat=location.lat,
        lon=location.lon,
        summary=_summary(event_type, cues, location, (first, last, precision)),
        fatalities=_fatalities(doc, casualties, incidents_in_doc),
        casualties=incident_casualties(casualties),
        actors=_actors(" ".join(s.text for s in sentences)),
        place_name=location.place_name,
        provinces=location.provinces,
        segments=location.segments,
        distance_km=location.distance_km,
        citations=(
            Citation(
                doc.source.id,
                claim=incident_claim(doc.source, doc.sentences, sentences),
                excerpts=tuple(_excerpt(doc, s, group) for s in sentences),
            ),
        ),
    )
    return ExtractedIncident(incident, tuple(places))


def _unique_places(matches: list[MatchLike]) -> list[MatchLike]:
    seen, unique = set(), []
    for match in sorted(matches, key=lambda m: m.start):
        if (match.start, match.place_id) not in seen:
            seen.add((match.start, match.place_id))
            unique.append(match)
    return unique


def _locate(doc: Doc, matches: list[MatchLike]) -> _Location:
    """The finest location the words support, and the provinces and segments it implies.

    A village gives a point only when the words put the incident at it: "in
    the direction of Basarkechar" or "the Yeraskh section of the border" say
    where along the line, not that it happened in the town (a *vague* place),
    and a village known only by its province has no point to give.
    """
    places = list({m.place_id: doc.place(m) for m in matches}.values())
    approximate = {m.place_id for m in matches if m.start in doc.approximate}
    located = [p for p in places if p.kind in POINT_KINDS and p.lat is not None]
    points = [p for p in located if p.id not in approximate]
    vague = [p for p in places if p.kind in POINT_KINDS and p not in points]
    segments = [p for p in places if p.kind == "segment"]
    provinces = [p for p in places if p.kind == "province"]
    province_codes = [p.province_code for p in (*points, *vague, *provinces) if p.province_code]
    if points:
        point = points[0]
        # A village known only by its province spans all of that province's segments;
        # next to a located place it would only blur the point's own segment.
        pointed = [p for p in vague if len(p.segment_ids) == 1]
        segment_ids = list(dict.fromkeys(s for p in (*points, *pointed) for s in p.segment_ids))
        return _Location(
            LocationPrecision.NEAR_PLACE, point.lat, point.lon,
            _province_refs(doc, province_codes), _segment_refs(doc, segment_ids),
            point.distance_km, point.name,
        )  # fmt: skip
    toward = [f"segment:{p.segment_ids[0]}" for p in vague if len(p.segment_ids) == 1]
    segments += [doc.gazetteer.place(s) for s in dict.fromkeys(toward)]
    if segments:
        segment_ids = [p.id.split(":", 1)[-1] for p in segments]
        codes = [*province_codes, *(u for s in segments for u in segment_units(s.id))]
        first = segments[0]
        return _Location(
            LocationPrecision.BORDER_SEGMENT, first.lat, first.lon,
            _province_refs(doc, codes), _segment_refs(doc, segment_ids), 0.0, first.name,
        )  # fmt: skip
    provinces += [
        doc.gazetteer.place(f"province:{code}")
        for code in dict.fromkeys(p.province_code for p in vague if p.province_code)
        if f"province:{code}" not in {p.id for p in provinces}
    ]
    if provinces:
        return _province_location(doc, provinces)
    country = next((p for p in places if p.kind == "country"), None)
    return _Location(
        LocationPrecision.COUNTRY, None, None, (), (), None, country.name if country else None
    )


def _province_location(doc: Doc, provinces: list[PlaceLike]) -> _Location:
    """Provinces only: on a segment if both sides are named and share one, else the provinces."""
    codes = [p.province_code for p in provinces if p.province_code]
    by_province = {p.province_code: set(p.segment_ids) for p in provinces}
    countries = {p.country for p in provinces}
    shared: list[str] = []
    if len(countries) > 1:
        shared = sorted(
            s for s in set().union(*by_province.values()) if set(segment_units(s)) <= set(codes)
        )
    shared = _named_on_both_sides(provinces, shared)
    segment_ids = shared or list(dict.fromkeys(s for p in provinces for s in p.segment_ids))
    precision = LocationPrecision.BORDER_SEGMENT if shared else LocationPrecision.PROVINCE
    first = provinces[0]
    name = " and ".join(p.name for p in provinces)
    return _Location(
        precision, first.lat, first.lon, _province_refs(doc, codes),
        _segment_refs(doc, segment_ids), None, name,
    )  # fmt: skip


def _named_on_both_sides(provinces: list[PlaceLike], shared: list[str]) -> list[str]:
    """Of the shared segments, those that a named place on each side is party to.

    Two provinces share exactly their common segments already; two districts
    ("Batken District and Isfara District") name their own segments, which
    narrows the provinces' pairs down to the districts' one.
    """
    per_country: dict[str | None, set[str]] = {}
    for place in provinces:
        per_country.setdefault(place.country, set()).update(place.segment_ids)
    both = set.intersection(*per_country.values()) if len(per_country) > 1 else set()
    narrowed = [s for s in shared if s in both]
    return narrowed or shared


def _province_refs(doc: Doc, codes: Iterable[str]) -> tuple[ProvinceRef, ...]:
    refs = []
    for code in dict.fromkeys(codes):
        place = doc.gazetteer.place(f"province:{code}")
        refs.append(ProvinceRef(code, place.name, place.country or code[:2]))
    return tuple(refs)


def _segment_refs(doc: Doc, segment_ids: Iterable[str]) -> tuple[SegmentRef, ...]:
    return tuple(
        SegmentRef(sid, doc.gazetteer.place(f"segment:{sid}").name)
        for sid in dict.fromkeys(segment_ids)
    )


def _event_type(cues: list[Cue], casualties: list[CasualtyMention]) -> EventType:
    """The ACLED type the way its coders read a border report.

    Fire between the two armies is Battles even when one side mostly shells
    (ACLED codes the armed clash); shelling or drone strikes with no fighting
    reported are Explosions/Remote violence; people killed or wounded with
    neither said are Battles; troops moving, digging in or taking soldiers
    with no fight are Strategic developments.
    """
    types = {c.event_type for c in cues if c.category not in WEAK_CATEGORIES}
    if EventType.BATTLES in types:
        return EventType.BATTLES
    if EventType.EXPLOSIONS in types:
        return EventType.EXPLOSIONS
    harmed = (CasualtyKind.KILLED, CasualtyKind.WOUNDED)
    if any(c.count > 0 and not c.is_total and c.kind in harmed for c in casualties):
        return EventType.BATTLES
    return EventType.STRATEGIC_DEVELOPMENTS


def _fatalities(doc: Doc, casualties: list[CasualtyMention], incidents_in_doc: int) -> int | None:
    """This incident's deaths: each side's latest figure, summed; 0 only when said so."""
    toll = incident_toll(casualties)
    if toll is not None:
        return toll
    if incidents_in_doc == 1:
        zero = [
            c
            for s in doc.sentences
            for c in find_casualties(s.text)
            if c.count == 0 and c.kind is CasualtyKind.KILLED
        ]
        if zero:
            return 0
    return None


_ACTOR = re.compile(
    r"\b(Azerbaijani|Armenian|Russian|азербайджанск\w*|армянск\w*)\s+"
    r"(troops|forces|army|military|side|servicemen|soldiers|border\s+guards|"
    r"военн\w*|войск\w*|сторон\w*|сил\w*)",
    re.IGNORECASE,
)
_ACTOR_NAMES = {
    "azerb": "Azerbaijani forces",
    "armen": "Armenian forces",
    "russian": "Russian forces",
}
_ACTOR_NAMES |= {"азерб": "Azerbaijani forces", "армян": "Armenian forces"}


def _actors(text: str) -> tuple[str, ...]:
    found = []
    for match in _ACTOR.finditer(text):
        word = match.group(1).lower()
        for prefix, name in _ACTOR_NAMES.items():
            if word.startswith(prefix):
                found.append(name)
    return tuple(dict.fromkeys(found))


_CUE_WORDS = {
    "incursion": "incursion",
    "engineering": "engineering works",
    "shooting": "shooting",
    "shelling": "shelling",
    "casualties": "casualties",
    "escalation": "escalation",
}


def _summary(
    event_type: EventType,
    cues: list[Cue],
    location: _Location,
    window: tuple[date, date, DatePrecision],
) -> str:
    """A generated one-line description (not a quotation: the excerpts are the quotes)."""
    first, last, precision = window
    words = list(dict.fromkeys(_CUE_WORDS[c.category] for c in cues))
    what = ", ".join(words) if words else event_type.value.lower()
    where = location.place_name or "the border"
    when = window_label(first, last, precision)
    return f"{what.capitalize()} reported in {where}, {when} ({event_type.value})."


# ------------------------------------------------------------------- excerpts


def _excerpt(doc: Doc, sentence: Sentence, group: list[Evidence]) -> Excerpt:
    """The sentence with its matched places, cues, dates and casualty words as spans."""
    inside = lambda items: doc.in_sentence(items, sentence)  # noqa: E731
    spans = [
        Span(m.start, m.end, SpanKind.PLACE, m.place_id, m.alias)
        for m in inside(_unique_places([p for item in group for p in item.places]))
    ]
    spans += [Span(c.start, c.end, SpanKind.CUE, c.category, c.matched) for c in inside(doc.cues)]
    spans += [
        Span(d.start, d.end, SpanKind.DATE, d.precision.value, d.text) for d in inside(doc.dates)
    ]
    spans += [
        Span(c.start, c.end, SpanKind.FATALITIES, str(c.count), c.matched)
        for c in inside([c for item in group for c in item.casualties])
    ]
    return Excerpt(sentence.start, sentence.end, sentence.text, tuple(_drop_overlaps(spans)))


def _drop_overlaps(spans: list[Span]) -> list[Span]:
    """Keep spans in order, dropping any that overlaps one already kept (places first)."""
    kept: list[Span] = []
    for span in spans:
        if not any(span.start < k.end and k.start < span.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)
