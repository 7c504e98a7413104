"""Report text → incidents, each tied to the sentences and words that placed it.

Pure: a :class:`~dashboard.models.Source` and a gazetteer in, an
:class:`Extraction` out; nothing is read or written. The steps:

1. split the text into sentences; find place mentions (gazetteer), incident
   cues, date mentions and casualty statements;
2. an *incident sentence* has a cue that is not negated ("there is no
   shooting there" is not one), or a weak cue (escalation, casualties) next
   to a place in coverage;
3. its places are the in-coverage places in it that are not mere context (a
   meeting in Dushanbe, a statement made in Baku, a dateline); a sentence
   without places borrows them from its neighbour; places outside the
   border's coverage are reported, never placed on the map;
4. its date window comes from its own date mentions, else its neighbours',
   else the document's, else the week before publication (with a warning);
5. sentences with the same date window and overlapping provinces are one
   incident; its location precision says honestly what the words support
   (a named place, a border segment, a province or a country).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol, TypeVar

from dashboard.extract.cues import WEAK_CATEGORIES, CasualtyMention, Cue, find_casualties, find_cues
from dashboard.extract.dates import DateMention, find_dates
from dashboard.extract.sentences import Sentence, split_sentences
from dashboard.models import (
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


class PlaceLike(Protocol):
    """What extraction needs to know of a gazetteer place."""

    id: str
    kind: str
    name: str
    country: str | None
    province_code: str | None
    lat: float | None
    lon: float | None
    segment_ids: tuple[str, ...]
    distance_km: float | None
    in_coverage: bool


class MatchLike(Protocol):
    start: int
    end: int
    place_id: str
    matched: str
    alias: str


class GazetteerLike(Protocol):
    def find(self, text: str) -> Sequence[MatchLike]: ...
    def place(self, place_id: str) -> PlaceLike: ...


POINT_KINDS = frozenset({"settlement", "landmark"})
_T = TypeVar("_T", bound=Any)


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


@dataclass
class _Evidence:
    """What one incident sentence (with borrowed neighbours) contributes."""

    sentences: list[Sentence]
    places: list[MatchLike]
    cues: list[Cue]
    dates: list[DateMention]
    casualties: list[CasualtyMention]
    window: tuple[date, date, DatePrecision] | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Doc:
    """The document's mentions, found once and shared by every step."""

    source: Source
    text: str
    sentences: list[Sentence]
    places: list[MatchLike]
    cues: list[Cue]
    dates: list[DateMention]
    gazetteer: GazetteerLike

    def in_sentence(self, items: Iterable[_T], sentence: Sentence) -> list[_T]:
        """The items (anything with start/end offsets) inside ``sentence``."""
        return [i for i in items if sentence.start <= i.start and i.end <= sentence.end]

    def place(self, match: MatchLike) -> PlaceLike:
        return self.gazetteer.place(match.place_id)


def extract_incidents(source: Source, gazetteer: GazetteerLike) -> Extraction:
    """Incidents reported by ``source`` (a report with text), with their evidence."""
    text = source.text or ""
    dates, skipped = find_dates(text, source.published)
    doc = _Doc(
        source, text, split_sentences(text), list(gazetteer.find(text)), find_cues(text),
        dates, gazetteer,
    )  # fmt: skip
    warnings = _document_warnings(source, skipped)
    evidence, outside = _incident_evidence(doc)
    groups = _group(doc, evidence, warnings)
    incidents = [_build_incident(doc, group, len(groups)) for group in groups]
    if not incidents and not outside:
        warnings.append("no incident found: no sentence with an incident cue and a place")
    return Extraction(source, tuple(incidents), tuple(outside), tuple(warnings))


def _document_warnings(source: Source, skipped_dates: int) -> list[str]:
    warnings = []
    if source.published is None:
        warnings.append("no publication date: relative dates cannot be resolved")
    if skipped_dates:
        warnings.append(f"{skipped_dates} date mention(s) skipped: they need a publication date")
    return warnings


# -------------------------------------------------------------- incident sentences


def _incident_evidence(doc: _Doc) -> tuple[list[_Evidence], list[MatchLike]]:
    """One piece of evidence per incident sentence, and places outside coverage."""
    evidence: list[_Evidence] = []
    outside: list[MatchLike] = []
    for sentence in doc.sentences:
        cues = [c for c in doc.in_sentence(doc.cues, sentence) if not c.negated]
        places = [
            m
            for m in doc.in_sentence(doc.places, sentence)
            if not _is_context_mention(doc.text, sentence, m)
        ]
        covered = [m for m in places if doc.place(m).in_coverage]
        strong = [c for c in cues if c.category not in WEAK_CATEGORIES]
        if not strong and not (cues and covered):
            continue
        outside.extend(m for m in places if not doc.place(m).in_coverage)
        evidence.append(
            _Evidence(
                sentences=[sentence],
                places=covered,
                cues=cues,
                dates=_event_dates(doc, sentence),
                casualties=_casualties(doc.text, sentence),
            )
        )
    for item in evidence:
        _borrow_from_neighbours(doc, item)
    _take_following_casualties(doc, evidence)
    return [e for e in evidence if e.places], outside


def _take_following_casualties(doc: _Doc, evidence: list[_Evidence]) -> None:
    """ "Troops shelled Syunik. Two soldiers were killed.": the toll follows the event.

    The sentence after an incident sentence gives its casualties when it is
    not an incident sentence itself and names no place and no date of its own.
    """
    taken = {s.index for item in evidence for s in item.sentences}
    for item in evidence:
        index = item.sentences[0].index + 1
        if index >= len(doc.sentences) or index in taken:
            continue
        following = doc.sentences[index]
        if doc.in_sentence(doc.places, following) or _event_dates(doc, following):
            continue
        casualties = _casualties(doc.text, following)
        if casualties:
            item.casualties.extend(casualties)
            item.sentences.append(following)


def _event_dates(doc: _Doc, sentence: Sentence) -> list[DateMention]:
    """Date mentions in a sentence, except a dateline's (when the copy was filed)."""
    end = dateline_end(doc.text, sentence) or sentence.start
    return [d for d in doc.in_sentence(doc.dates, sentence) if d.start >= end]


def _casualties(text: str, sentence: Sentence) -> list[CasualtyMention]:
    return [
        CasualtyMention(c.start + sentence.start, c.end + sentence.start, c.matched, c.count,
                        c.is_total)
        for c in find_casualties(sentence.text)
    ]  # fmt: skip


def _borrow_from_neighbours(doc: _Doc, item: _Evidence) -> None:
    """A sentence without places or dates takes them from the sentence before, else after."""
    index = item.sentences[0].index
    neighbours = [i for i in (index - 1, index + 1) if 0 <= i < len(doc.sentences)]
    for wanted in ("places", "dates"):
        if getattr(item, wanted):
            continue
        for i in neighbours:
            sentence = doc.sentences[i]
            found = (
                [
                    m
                    for m in doc.in_sentence(doc.places, sentence)
                    if doc.place(m).in_coverage and not _is_context_mention(doc.text, sentence, m)
                ]
                if wanted == "places"
                else _event_dates(doc, sentence)
            )
            if found:
                setattr(item, wanted, found)
                if sentence not in item.sentences:
                    item.sentences.append(sentence)
                break


_CONTEXT_BEFORE = re.compile(
    r"(?:meeting|met|summit|talks|negotiations|council|conference|session|visit(?:ed)?|"
    r"ministerial|forum|held|statement|said|told|announced|press|briefing|capital|"
    r"встреч\w*|саммит\w*|переговор\w*|совет\w*|заседани\w*|визит\w*|заявил\w*|сообщил\w*|"
    r"конференци\w*)"
    r"[^.;!?]{0,60}?\b(?:in|at|в|во|на)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "YEREVAN, Sept 14 (Reuters) — …": an upper-case place, a date, an optional
# agency, a dash. The place is where the copy was filed, the date when.
_DATELINE = re.compile(
    r"[A-ZА-ЯЁ][A-ZА-ЯЁ .'’-]{1,40},\s+[^—–\n]{1,40}?\s*(?:\([^)\n]{1,40}\)\s*)?[—–-]\s"
)


def dateline_end(text: str, sentence: Sentence) -> int | None:
    """Where a dateline at the start of ``sentence`` ends (absolute offset), if it has one."""
    match = _DATELINE.match(text, sentence.start, sentence.end)
    return match.end() if match else None


# "Baku denied…", "Yerevan said…": a capital standing for its government.
_SPEAKER_AFTER = re.compile(
    r"\s+(?:(?:has|have|had|also|officially)\s+)*(?:said|says|denied|denies|claimed|claims|"
    r"accused|accuses|stated|states|reported|insisted|rejected|urged|warned|announced|blamed|"
    r"responded|called|condemned|заявил\w*|сообщил\w*|обвинил\w*|опроверг\w*|отверг\w*)\b",
    re.IGNORECASE,
)


def _is_context_mention(text: str, sentence: Sentence, match: MatchLike) -> bool:
    """A meeting place, a speaking government, or a dateline: not where it happened."""
    before = text[max(sentence.start, match.start - 120) : match.start]
    if _CONTEXT_BEFORE.search(before):
        return True
    if _SPEAKER_AFTER.match(text, match.end, sentence.end):
        return True
    end = dateline_end(text, sentence)
    return end is not None and match.end <= end


# ------------------------------------------------------------------ grouping


def _group(doc: _Doc, evidence: list[_Evidence], warnings: list[str]) -> list[list[_Evidence]]:
    """Evidence with the same date window and overlapping provinces is one incident."""
    fallback, fallback_mention = _document_window(doc)
    groups: list[list[_Evidence]] = []
    for item in evidence:
        item.window = _window(item.dates)
        if item.window is None and fallback is not None:
            item.window = fallback
            _note_fallback(doc, item, fallback_mention, warnings)
        if item.window is None:
            warnings.append(
                f"undatable incident in sentence {item.sentences[0].index + 1}: no date in the "
                "text and no publication date"
            )
            continue
        provinces = _province_codes(doc, item.places)
        for group in groups:
            if group[0].window == item.window and provinces & _group_provinces(doc, group):
                group.append(item)
                break
        else:
            groups.append([item])
    return groups


def _note_fallback(
    doc: _Doc, item: _Evidence, mention: DateMention | None, warnings: list[str]
) -> None:
    """Say where a borrowed date came from, and show its sentence as evidence too."""
    where = f"sentence {item.sentences[0].index + 1}"
    if mention is None:
        warnings.append(f"{where}: no date in the text; assumed the week before publication")
        return
    warnings.append(f"{where}: no date in the sentence; took {mention.text!r} from the document")
    item.dates.append(mention)
    sentence = next(s for s in doc.sentences if s.start <= mention.start < s.end)
    if sentence not in item.sentences:
        item.sentences.append(sentence)


def _document_window(
    doc: _Doc,
) -> tuple[tuple[date, date, DatePrecision] | None, DateMention | None]:
    """The document's earliest event date on or before publication, else the week before it."""
    published = doc.source.published
    datelines = [dateline_end(doc.text, s) for s in doc.sentences]
    usable = [
        d
        for d in doc.dates
        if (published is None or d.first <= published)
        and not any(end is not None and d.end <= end and d.start >= s.start
                    for s, end in zip(doc.sentences, datelines, strict=True))
    ]  # fmt: skip
    if usable:
        earliest = min(usable, key=lambda d: (d.first, d.last))
        return (earliest.first, earliest.last, earliest.precision), earliest
    if published is not None:
        return (published - timedelta(days=6), published, DatePrecision.WEEK), None
    return None, None


def _window(dates: list[DateMention]) -> tuple[date, date, DatePrecision] | None:
    if not dates:
        return None
    if len(dates) == 1:
        return dates[0].first, dates[0].last, dates[0].precision
    first = min(d.first for d in dates)
    last = max(d.last for d in dates)
    coarse = max((d.precision for d in dates), key=lambda p: p.ucdp_code)
    precision = DatePrecision.DAYS if coarse in (DatePrecision.DAY, DatePrecision.DAYS) else coarse
    return first, last, precision if first != last else DatePrecision.DAY


def _province_codes(doc: _Doc, places: Iterable[MatchLike]) -> set[str]:
    codes = set()
    for match in places:
        place = doc.place(match)
        if place.province_code:
            codes.add(place.province_code)
        if place.kind == "segment":
            codes.update(_segment_units(place.id))
    return codes


def _group_provinces(doc: _Doc, group: list[_Evidence]) -> set[str]:
    return set().union(*(_province_codes(doc, item.places) for item in group))


def _segment_units(place_id: str) -> tuple[str, ...]:
    """Segment ids are ``FIRST_SECOND`` unit codes (see geodata/README.md)."""
    return tuple(place_id.split(":", 1)[-1].split("_"))


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


def _build_incident(doc: _Doc, group: list[_Evidence], incidents_in_doc: int) -> ExtractedIncident:
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
        actors=_actors(" ".join(s.text for s in sentences)),
        place_name=location.place_name,
        provinces=location.provinces,
        segments=location.segments,
        distance_km=location.distance_km,
        citations=(
            Citation(
                doc.source.id,
                claim=doc.source.publisher,
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


def _locate(doc: _Doc, matches: list[MatchLike]) -> _Location:
    """The finest location the words support, and the provinces and segments it implies."""
    places = list({m.place_id: doc.place(m) for m in matches}.values())
    points = [p for p in places if p.kind in POINT_KINDS and p.lat is not None]
    segments = [p for p in places if p.kind == "segment"]
    provinces = [p for p in places if p.kind == "province"]
    province_codes = [p.province_code for p in (*points, *provinces) if p.province_code]
    if points:
        point = points[0]
        segment_ids = list(dict.fromkeys(s for p in points for s in p.segment_ids))
        return _Location(
            LocationPrecision.NEAR_PLACE, point.lat, point.lon,
            _province_refs(doc, province_codes), _segment_refs(doc, segment_ids),
            point.distance_km, point.name,
        )  # fmt: skip
    if segments:
        segment_ids = [p.id.split(":", 1)[-1] for p in segments]
        codes = [*province_codes, *(u for s in segments for u in _segment_units(s.id))]
        first = segments[0]
        return _Location(
            LocationPrecision.BORDER_SEGMENT, first.lat, first.lon,
            _province_refs(doc, codes), _segment_refs(doc, segment_ids), 0.0, first.name,
        )  # fmt: skip
    if provinces:
        return _province_location(doc, provinces)
    country = next((p for p in places if p.kind == "country"), None)
    return _Location(
        LocationPrecision.COUNTRY, None, None, (), (), None, country.name if country else None
    )


def _province_location(doc: _Doc, provinces: list[PlaceLike]) -> _Location:
    """Provinces only: on a segment if both sides are named and share one, else the provinces."""
    codes = [p.province_code for p in provinces if p.province_code]
    by_province = {p.province_code: set(p.segment_ids) for p in provinces}
    countries = {p.country for p in provinces}
    shared: list[str] = []
    if len(countries) > 1:
        shared = sorted(
            s for s in set().union(*by_province.values()) if set(_segment_units(s)) <= set(codes)
        )
    segment_ids = shared or list(dict.fromkeys(s for p in provinces for s in p.segment_ids))
    precision = LocationPrecision.BORDER_SEGMENT if shared else LocationPrecision.PROVINCE
    first = provinces[0]
    name = " and ".join(p.name for p in provinces)
    return _Location(
        precision, first.lat, first.lon, _province_refs(doc, codes),
        _segment_refs(doc, segment_ids), None, name,
    )  # fmt: skip


def _province_refs(doc: _Doc, codes: Iterable[str]) -> tuple[ProvinceRef, ...]:
    refs = []
    for code in dict.fromkeys(codes):
        place = doc.gazetteer.place(f"province:{code}")
        refs.append(ProvinceRef(code, place.name, place.country or code[:2]))
    return tuple(refs)


def _segment_refs(doc: _Doc, segment_ids: Iterable[str]) -> tuple[SegmentRef, ...]:
    return tuple(
        SegmentRef(sid, doc.gazetteer.place(f"segment:{sid}").name)
        for sid in dict.fromkeys(segment_ids)
    )


_EVENT_PRIORITY = (EventType.EXPLOSIONS, EventType.BATTLES, EventType.STRATEGIC_DEVELOPMENTS)


def _event_type(cues: list[Cue], casualties: list[CasualtyMention]) -> EventType:
    """Shelling outranks fighting, which outranks movements and works (ACLED's precedence)."""
    types = {c.event_type for c in cues if c.category not in WEAK_CATEGORIES}
    if any(c.count > 0 and not c.is_total for c in casualties):
        types.add(EventType.BATTLES)
    for event_type in _EVENT_PRIORITY:
        if event_type in types:
            return event_type
    return EventType.STRATEGIC_DEVELOPMENTS


def _fatalities(doc: _Doc, casualties: list[CasualtyMention], incidents_in_doc: int) -> int | None:
    """This incident's deaths: the largest count stated for it; 0 only when said so."""
    counts = [c.count for c in casualties if not c.is_total]
    if counts:
        return max(counts)
    if incidents_in_doc == 1:
        zero = [c for s in doc.sentences for c in find_casualties(s.text) if c.count == 0]
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


def _excerpt(doc: _Doc, sentence: Sentence, group: list[_Evidence]) -> Excerpt:
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
