"""A report's mentions, found once, and its incident sentences: what extraction reasons over.

An *incident sentence* has a cue that is not negated ("there is no shooting
there" is not one), or a weak cue (escalation, casualties) next to a place in
coverage. Its places are the places in coverage it names that are not mere
context (a dateline, a capital speaking for its government, a meeting
place); a sentence without places borrows them from its neighbour. Its
dates are its own: a neighbour's date belongs to the neighbour, so a
background sentence ("the two fought a war in 2020") never dates the one
after it. What extraction knows of a place is the gazetteer's own record
(``PlaceLike`` is :class:`dashboard.gazetteer.data.Place`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from dashboard.extract.casualties import CasualtyMention, find_casualties
from dashboard.extract.context import dateline_end, is_capital, is_context_mention
from dashboard.extract.cues import WEAK_CATEGORIES, Cue
from dashboard.extract.dates import DateMention
from dashboard.extract.sentences import Sentence
from dashboard.extract.timeline import Anchor, Window
from dashboard.models import DatePrecision, Source, segment_units

if TYPE_CHECKING:  # extraction needs the record's type, not the gazetteer's loading code
    from dashboard.gazetteer.data import Place as PlaceLike


class MatchLike(Protocol):
    start: int
    end: int
    place_id: str
    matched: str
    alias: str


class GazetteerLike(Protocol):
    def find(self, text: str) -> Sequence[MatchLike]: ...
    def place(self, place_id: str) -> PlaceLike: ...


_T = TypeVar("_T", bound=Any)


@dataclass(frozen=True)
class Doc:
    """The document's mentions, found once and shared by every step."""

    source: Source
    text: str
    sentences: list[Sentence]
    places: list[MatchLike]
    cues: list[Cue]
    dates: list[DateMention]
    gazetteer: GazetteerLike
    anchor: Anchor | None
    # Offsets of place mentions the words make approximate ("in the direction of X").
    approximate: frozenset[int] = frozenset()
    # Several steps ask for one sentence's incident places; found once.
    incident_places_of: dict[int, list[MatchLike]] = field(default_factory=dict)
    # Offsets of the sorted mention lists, for bisection (see in_sentence).
    starts_of: dict[int, list[int]] = field(default_factory=dict)

    def in_sentence(self, items: Iterable[_T], sentence: Sentence) -> list[_T]:
        """The items (anything with start/end offsets) inside ``sentence``.

        The document's own mention lists are sorted by offset, so they are cut
        by bisection: every step asks every sentence for its mentions.
        """
        if any(items is own for own in (self.places, self.cues, self.dates)):
            ordered: list[Any] = items  # type: ignore[assignment]
            starts = self.starts_of.setdefault(id(ordered), [i.start for i in ordered])
            window = ordered[
                bisect_left(starts, sentence.start) : bisect_left(starts, sentence.end)
            ]
            return [i for i in window if i.end <= sentence.end]
        return [i for i in items if sentence.start <= i.start and i.end <= sentence.end]

    def place(self, match: MatchLike) -> PlaceLike:
        return self.gazetteer.place(match.place_id)


@dataclass
class Evidence:
    """What one incident sentence (with borrowed neighbours) contributes."""

    sentences: list[Sentence]
    places: list[MatchLike]
    cues: list[Cue]
    dates: list[DateMention]
    casualties: list[CasualtyMention]
    window: Window | None = None
    notes: list[str] = field(default_factory=list)


# "in/from the direction of X", «в/с направлени(и/я) X», "X istiqamətində": toward X.
_TOWARD_BEFORE = re.compile(
    r"(?:\bdirections?\s+of|направлени[ия]\w*|\btoward(?:s)?|\bnear\s+the\s+direction\s+of)"
    r"(?:\s+(?:the\s+)?(?:village|settlement|town|city|населенн\w+\s+пункт\w*|сел\w*|"
    r"город\w*))?\s+$",
    re.IGNORECASE,
)
# "the Yeraskh section of the border", «на Ерасхском участке границы»: a stretch, not the village.
_SECTION_AFTER = re.compile(
    r"^\s+(?:section|sector|stretch|direction|участк\w*|направлени\w*|istiqamət\w*)\b",
    re.IGNORECASE,
)


def approximate_mentions(text: str, places: Sequence[MatchLike]) -> frozenset[int]:
    """Start offsets of the mentions that say where along the line, not the place itself."""
    return frozenset(
        m.start
        for m in places
        if _TOWARD_BEFORE.search(text[max(0, m.start - 60) : m.start])
        or _SECTION_AFTER.match(text[m.end : m.end + 30])
    )


def incident_places(doc: Doc, sentence: Sentence) -> list[MatchLike]:
    """Places in coverage that ``sentence`` names as where something happened."""
    cached = doc.incident_places_of.get(sentence.index)
    if cached is None:
        cached = [
            m
            for m in doc.in_sentence(doc.places, sentence)
            if doc.place(m).in_coverage
            and not is_context_mention(doc.text, sentence, m)
            and not is_capital(doc.place(m).name)
        ]
        doc.incident_places_of[sentence.index] = cached
    return list(cached)


def find_evidence(doc: Doc) -> tuple[list[Evidence], list[MatchLike]]:
    """One piece of evidence per incident sentence, and places outside coverage."""
    evidence: list[Evidence] = []
    outside: list[MatchLike] = []
    for sentence in doc.sentences:
        cues = [c for c in doc.in_sentence(doc.cues, sentence) if not c.negated]
        covered = incident_places(doc, sentence)
        strong = [c for c in cues if c.category not in WEAK_CATEGORIES]
        if not strong and not (cues and covered):
            continue
        outside.extend(
            m
            for m in doc.in_sentence(doc.places, sentence)
            if not doc.place(m).in_coverage and not is_context_mention(doc.text, sentence, m)
        )
        evidence.append(
            Evidence(
                sentences=[sentence],
                places=covered,
                cues=cues,
                dates=event_dates(doc, sentence),
                casualties=casualties_in(doc.text, sentence),
            )
        )
    for item in evidence:
        _borrow_places(doc, item)
    _take_following_casualties(doc, evidence)
    return [e for e in evidence if e.places], outside


def _borrow_places(doc: Doc, item: Evidence) -> None:
    """A sentence without places takes them from the sentence before, else after."""
    if item.places:
        return
    index = item.sentences[0].index
    for i in (index - 1, index + 1):
        if not 0 <= i < len(doc.sentences):
            continue
        sentence = doc.sentences[i]
        found = incident_places(doc, sentence)
        if found:
            item.places = found
            if sentence not in item.sentences:
                item.sentences.append(sentence)
            return


def _take_following_casualties(doc: Doc, evidence: list[Evidence]) -> None:
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
        if doc.in_sentence(doc.places, following) or event_dates(doc, following):
            continue
        casualties = casualties_in(doc.text, following)
        if casualties:
            item.casualties.extend(casualties)
            item.sentences.append(following)


def event_dates(doc: Doc, sentence: Sentence) -> list[DateMention]:
    """Date mentions in a sentence, except a dateline's (when the copy was filed).

    The day of a statement ("the ministry reported on Wednesday morning") is
    when it was said, not when the fire was: the event is that day or the
    one before, so such a day stands for both.
    """
    end = dateline_end(doc.text, sentence) or sentence.start
    return [
        _said_on(d) if _SAID_BEFORE.search(doc.text[max(end, d.start - 30) : d.start]) else d
        for d in doc.in_sentence(doc.dates, sentence)
        if d.start >= end
    ]


# "reported on Wednesday", "said on 12 January", «сообщило в среду»: a statement's day.
_SAID_BEFORE = re.compile(
    r"\b(?:said|says|reported|announced|stated|confirmed|told\s+\w+|added|wrote|"
    r"сообщил\w*|заявил\w*|объявил\w*|подтвердил\w*)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)


def _said_on(mention: DateMention) -> DateMention:
    if mention.precision is not DatePrecision.DAY:
        return mention
    return replace(mention, first=mention.first - timedelta(days=1), precision=DatePrecision.DAYS)


def casualties_in(text: str, sentence: Sentence) -> list[CasualtyMention]:
    """The sentence's casualty statements, with offsets into the whole text."""
    return [
        replace(c, start=c.start + sentence.start, end=c.end + sentence.start)
        for c in find_casualties(sentence.text)
    ]


def province_codes(doc: Doc, places: Iterable[MatchLike]) -> set[str]:
    """The provinces the places lie in (a segment counts for both of its provinces)."""
    codes = set()
    for match in places:
        place = doc.place(match)
        if place.province_code:
            codes.add(place.province_code)
        if place.kind == "segment":
            codes.update(segment_units(place.id))
    return codes
