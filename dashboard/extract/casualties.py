"""Death tolls in report text: who was killed, on which side, and the figure that stands.

"Two servicemen were killed" → 2, "there are no casualties" → 0, "a
serviceman received a fatal gunshot wound" → 1, «погиб военнослужащий» → 1.
Measured on real reports, the labelled toll of the main incident was on an
incident in 6 of 16 reports: tolls of earlier clashes, running totals and
wounded counts were taken, and each side's figures were not combined. So:

* a count in a sentence that speaks of a running total ("bringing to 11 the
  number killed since May", «всего», "in total") is flagged, never this
  incident's;
* each count is given the side its own words name ("three Azerbaijani
  soldiers", "servicemen of the Armed Forces of Armenia", «азербайджанских
  военнослужащих»); a side word outside the phrase may be the attacker's;
* :func:`incident_toll`: per side, the latest figure in the report stands
  (tolls are revised as the day goes on); the toll is the sides' sum, or a
  larger overall figure given without a side.

Which side a word names is :mod:`dashboard.extract.sides`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from dashboard.extract.sides import (
    SIDE_OR_CAPITAL,
    SIDE_WORD,
    capital_side,
    side_of_word,
    side_within,
)
from dashboard.models import CasualtyCount, CasualtyKind

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "an": 1,
    "один": 1, "одного": 1, "два": 2, "двое": 2, "двух": 2, "три": 3, "трое": 3, "трех": 3,
    "трёх": 3, "четыре": 4, "четверо": 4, "четырех": 4, "четырёх": 4, "пять": 5, "пятеро": 5,
    "пяти": 5, "шесть": 6, "шестеро": 6, "шести": 6, "семь": 7, "семеро": 7, "семи": 7,
    "восемь": 8, "восьми": 8, "девять": 9, "девяти": 9, "десять": 10, "десяти": 10,
    # «об одном погибшем», «о гибели двоих», «троих военнослужащих»: case forms.
    "одном": 1, "одному": 1, "двоих": 2, "троих": 3, "четверых": 4, "пятерых": 5,
    "шестерых": 6, "семерых": 7,
}  # fmt: skip
# "6,500" is one number, not a 500; "1,200" likewise.
_NUMBER = (
    r"(?P<n>(?<![\d,.])\d{1,3}(?:,\d{3})+(?!\d)|(?<![\d,.])\d{1,4}(?![\d,])|"
    + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")"
)
_ABOUT = (
    r"(?:(?:at\s+least|nearly|about|some|more\s+than|over|almost|around|"
    r"не\s+менее|более|около|по\s+меньшей\s+мере)\s+)?"
)
_PERSON = (
    r"(?:soldiers?|servicem[ae]n|servicewom[ae]n|troops|people|civilians?|persons?|officers?|"
    r"conscripts?|border\s+guards?|militar\w+|военнослужащ\w+|солдат\w*|человек\w*|"
    r"пограничник\w*|мирн\w+\s+жител\w+|офицер\w*)"
)
_WHO = (
    rf"(?:\s+(?:\w+\s+){{0,2}}?{_PERSON}"
    r"(?:\s+(?:of|from|in|из)\s+(?:[\w-]+\s+){0,5}?|\s+(?:армении|азербайджана)\b)?)?"
)
# «погибли четверо военнослужащих ВС Армении», "killing two soldiers of the Armenian army"
_WHOSE = (
    r"(?:\s+(?:ВС\s+|вооруженных\s+сил\s+)?(?:армении|азербайджана)\b"
    r"|\s+of\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:armenia|azerbaijan)\w*)?"
)
_KILLED_AFTER = re.compile(
    rf"\b{_NUMBER}{_WHO}\s*(?:(?:were|was|have\s+been|had\s+been|are|got)\s+)?"
    r"(?:killed|dead|(?:had\s+|have\s+)?died|became\s+(?:shehids?|martyrs?)|погибл?\w*|"
    r"убит\w*|стал\w*\s+шехид\w*)",
    re.IGNORECASE,
)
_KILLED_BEFORE = re.compile(
    rf"\b(?:killed|killing|kills?|погибл?\w*|убит\w*|гибел\w*)\s+{_ABOUT}{_NUMBER}\b"
    rf"(?:\s+(?:\w+\s+){{0,2}}?{_PERSON}{_WHOSE})?",
    re.IGNORECASE,
)
# Wounded, captured and missing: counted the same way, a number before its person.
_OTHER_KINDS = {
    CasualtyKind.WOUNDED: (
        re.compile(
            rf"\b{_NUMBER}{_WHO}\s*(?:(?:were|was|have\s+been|had\s+been|are|got)\s+)?"
            r"(?:wounded|injured|ранен\w*|получил\w*\s+ранени\w*)",
            re.IGNORECASE,
        ),
        re.compile(
            rf"\b(?:wounding|injuring|ранив)\s+{_ABOUT}{_NUMBER}\b"
            rf"(?:\s+(?:\w+\s+){{0,2}}?{_PERSON})?",
            re.IGNORECASE,
        ),
    ),
    CasualtyKind.CAPTURED: (
        re.compile(
            rf"\b{_NUMBER}{_WHO}\s*(?:(?:were|was|have\s+been|had\s+been|are)\s+)?"
            r"(?:captured|taken\s+(?:prisoner|captive)|(?:\w+\s+){0,3}?в\s+плен\w*|пленен\w*)",
            re.IGNORECASE,
        ),
    ),
    CasualtyKind.MISSING: (
        re.compile(
            rf"\b{_NUMBER}{_WHO}\s*(?:(?:were|was|are|is|remain)\s+)?"
            r"(?:missing|unaccounted\s+for|пропал\w*\s+без\s+вести|числ\w+\s+пропавш\w*)",
            re.IGNORECASE,
        ),
    ),
}
# "the number of servicemen who became martyrs has risen to 71", «число погибших возросло до 7».
_ROSE_TO = re.compile(
    rf"\b(?:risen|rose|climbed|grown|increased|reached|возросл\w*|выросл\w*|достигл\w*)\s+"
    rf"(?:(?:to|до)\s+)?{_ABOUT}{_NUMBER}\b",
    re.IGNORECASE,
)
# "a serviceman … received a fatal gunshot wound", «смертельное ранение получил военнослужащий»,
# "Serviceman killed …", «погиб военнослужащий»: one person, no number.
_ONE_FATAL = re.compile(
    r"\b(?:fatal(?:ly)?\s+(?:\w+\s+)?wound\w*|mortally\s+wounded|"
    r"смертельн\w+\s+(?:\w+\s+)?ранени\w*)",
    re.IGNORECASE,
)
_ONE_KILLED = re.compile(
    r"(?:^|[.:;]\s+)(?:(?:an?|the)\s+)?(?:\w+\s+){0,2}?"
    r"(?:soldier|serviceman|servicewoman|conscript|officer|border\s+guard|civilian)"
    # "A contract serviceman (born 1991) was killed": the bulletin's parenthesis.
    r"(?:\s*\([^)]{0,30}\))?\s+(?:was\s+|has\s+been\s+)?killed\b"
    r"|\b(?:погиб|убит)\s+(?:\w+\s+){0,2}?(?:военнослужащий|солдат|пограничник|офицер)\b",
    re.IGNORECASE,
)
_ZERO = re.compile(
    r"\b(?:no\s+(?:casualties|one\s+(?:was\s+)?(?:killed|hurt|injured)|deaths|fatalities|"
    r"losses|dead)|(?:without|with\s+no)\s+casualties|nobody\s+was\s+(?:killed|hurt)|"
    r"жертв\s+(?:\w+\s+){0,4}?нет|потерь\s+(?:\w+\s+){0,4}?нет|без\s+(?:жертв|потерь)|"
    r"никто\s+не\s+пострадал|"
    r"(?:нет|не\s+было)\s+(?:жертв|потерь|погибших))",
    re.IGNORECASE,
)
_TOTAL = re.compile(
    r"\b(?:total|overall|in\s+all|altogether|so\s+far|cumulative|this\s+year|"
    r"bringing|brings|всего|в\s+общей\s+сложности|с\s+начала|общее\s+число|с\s+тех\s+пор)\b"
    # "since May", "since the 2020 war", "since the start of the year": counted over time;
    # "since the fighting began" is this incident's own count.
    r"|\bsince\s+(?:\w+\s+){0,2}?(?:(?:19|20)\d\d|january|february|march|april|may|june|"
    r"july|august|september|october|november|december|(?:start|beginning|end)\s+of|"
    r"ceasefire|truce|war)\b",
    re.IGNORECASE,
)
# "the deadliest clashes since the 2020 war" compares; it does not count over time.
_SUPERLATIVE_SINCE = re.compile(
    r"\b(?:worst|deadliest|heaviest|biggest|largest|bloodiest|first|most\s+\w+)\b"
    r"[^.;]{0,60}?\bsince\b",
    re.IGNORECASE,
)
_YEARS = range(1900, 2100)
# A toll in the thousands is a war's (the 1990s, 2020), never a border incident's: the
# worst border fighting measured (Armenia–Azerbaijan, September 2022) killed about 300.
_WAR_SCALE = 1000

# Every casualty phrase contains one of these; most sentences contain none.
# Searched in the lower-cased sentence: a case-blind alternation costs ~100 times more
# (3.7 s against 0.04 s on a 10 MB line with no sentence break).
_CASUALTY_HINT = re.compile(
    r"kill|dead|died|deaths|casualt|fatal|mortal|losses|nobody|no\s+one|martyr|shehid|погиб|"
    r"убит|гибел|жертв|потер|никто|смертельн|шехид|wound|injur|captur|prisoner|captive|missing|"
    r"unaccounted|ранен|ранив|плен|пропал"
)


@dataclass(frozen=True, slots=True)
class CasualtyMention:
    """A death toll (0 for an explicit "no casualties") at ``text[start:end]``, with its side."""

    start: int
    end: int
    matched: str
    count: int
    is_total: bool
    side: str | None = None
    kind: CasualtyKind = CasualtyKind.KILLED
    # "Earlier the ministry reported two dead": a figure the report itself says was revised.
    superseded: bool = False


def find_casualties(sentence: str) -> list[CasualtyMention]:
    """Death tolls stated in one sentence; running totals are flagged."""
    return list(_casualties_of(sentence))


@lru_cache(maxsize=4096)
def _casualties_of(sentence: str) -> tuple[CasualtyMention, ...]:
    """Each sentence is asked for its counts several times (evidence, toll, zero rule)."""
    return tuple(_read_casualties(sentence))


def _read_casualties(sentence: str) -> list[CasualtyMention]:
    if not _CASUALTY_HINT.search(sentence.lower()):
        return []
    is_total = any(
        not _SUPERLATIVE_SINCE.search(sentence[: m.end()]) for m in _TOTAL.finditer(sentence)
    )
    found: list[CasualtyMention] = []
    for pattern in (_KILLED_AFTER, _KILLED_BEFORE, _ROSE_TO):
        for match in pattern.finditer(sentence):
            if _overlaps(match, found) or _is_a_day(sentence, match):
                continue
            word = match.group("n").lower().replace(",", "")
            count = int(word) if word.isdigit() else _NUMBER_WORDS[word]
            if count in _YEARS or count >= _WAR_SCALE:
                continue
            found.append(_mention(sentence, match, count, is_total))
    for pattern in (_ONE_FATAL, _ONE_KILLED):
        for match in pattern.finditer(sentence):
            if not _overlaps(match, found):
                found.append(_mention(sentence, match, 1, is_total))
    for match in _ZERO.finditer(sentence):
        found.append(_mention(sentence, match, 0, False))
    found.extend(_other_kinds(sentence, is_total))
    found = _inherit_sides(sentence, sorted(found, key=lambda c: c.start))
    if _EARLIER.search(sentence):
        return [replace(m, superseded=True) for m in found]
    return [
        replace(m, superseded=True) if _REVISED_FROM.search(sentence[: m.start]) else m
        for m in found
    ]


# "raising its earlier figure of one dead", "up from two", «против ранее сообщавшихся двух»:
# the figure the count replaced.
_REVISED_FROM = re.compile(
    r"(?:\b(?:earlier|previous|initial|first)\s+(?:figure|toll|count|number|report)\s+of|"
    r"\bup\s+from|\bfrom\s+an?\s+earlier|ранее\s+сообщ\w*)\s+$",
    re.IGNORECASE,
)


# "Earlier the ministry reported two dead", "In its first statement…", «Ранее ведомство
# сообщало о двух погибших»: an earlier figure the report goes on to revise.
_EARLIER = re.compile(
    r"^\W*(?:earlier|previously|initially|at\s+first|at\s+the\s+time(?!\s+of)|ранее|"
    r"до\s+этого|первоначально|сначала)\b"
    r"|\bin\s+(?:its|the|a)\s+(?:first|earlier|initial)\s+(?:statement|report|update)\b"
    r"|\bв\s+(?:первом|первоначальном)\s+сообщени\w*",
    re.IGNORECASE,
)


# "four servicemen of Armenia were killed and one was wounded": a count joined to the one
# before it by "and" or a comma alone is of the same side.
_JOINED = re.compile(
    r"\s*(?:,\s*)?(?:and|и|а\s+также|as\s+well\s+as)?\s*(?:ещ[её]|another)?\s*", re.IGNORECASE
)


def _inherit_sides(sentence: str, found: list[CasualtyMention]) -> list[CasualtyMention]:
    """Counts with no side of their own take the side of the sided count they are joined to."""
    result: list[CasualtyMention] = []
    for mention in found:
        previous = result[-1] if result else None
        joined = (
            mention.side is None
            and previous is not None
            and previous.side is not None
            and _JOINED.fullmatch(sentence[previous.end : mention.start])
        )
        result.append(replace(mention, side=previous.side) if joined and previous else mention)
    return result


def _other_kinds(sentence: str, is_total: bool) -> list[CasualtyMention]:
    """Wounded, captured and missing counts in the sentence."""
    found = []
    for kind, patterns in _OTHER_KINDS.items():
        for match in (m for pattern in patterns for m in pattern.finditer(sentence)):
            word = match.group("n").lower().replace(",", "")
            count = int(word) if word.isdigit() else _NUMBER_WORDS[word]
            if count in _YEARS or count >= _WAR_SCALE:
                continue
            before = sentence[: match.start()]
            side = side_within(match.group(0)) or side_that_has(before) or speaker_side(before)
            found.append(
                CasualtyMention(
                    match.start(), match.end(), match.group(0), count, is_total, side, kind
                )
            )
    return found


# "wounded on July 12 died in hospital": 12 is the day, not a count.
_MONTH_BEFORE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+$", re.IGNORECASE
)


def _is_a_day(sentence: str, match: re.Match[str]) -> bool:
    return bool(_MONTH_BEFORE.search(sentence[max(0, match.start() - 12) : match.start()]))


def _mention(sentence: str, match: re.Match[str], count: int, is_total: bool) -> CasualtyMention:
    before = sentence[: match.start()]
    # "The number of Armenian servicemen killed has reached 105": the subject names the side.
    # Only the clause's own subject: "As a result of the Azerbaijani provocation, the number
    # of killed servicemen has risen to four" names the attacker before the comma.
    subject = side_within(re.split(r"[,;:]", before)[-1]) if match.re is _ROSE_TO else None
    side = side_within(match.group(0)) or subject or side_that_has(before) or speaker_side(before)
    return CasualtyMention(match.start(), match.end(), match.group(0), count, is_total, side)


# "the Armenian side has 4 killed and 6 wounded", «армянская сторона потеряла двух военных»:
# a side that has or lost the counts after it, in the same clause.
_SIDE_HAS = re.compile(
    rf"(?P<side>{SIDE_WORD.pattern})\s+(?:side|сторон\w*)\s+"
    r"(?:has|had|lost|suffered|потерял\w*|имеет)\b[^.;:]*$",
    re.IGNORECASE,
)


def side_that_has(before: str) -> str | None:
    """The side whose losses the clause before a count announces, if it does."""
    found = _SIDE_HAS.search(before[-80:])
    return side_of_word(found.group("side")) if found else None


# "Baku said seven of its servicemen were killed", «Азербайджанское Минобороны сообщило о
# гибели трех своих военных»: a side that speaks just before a count gives its own losses.
_SPEAKS = re.compile(
    r"\b(?:said|says|reported|reports|announced|confirmed|stated|сообщил\w*|заявил\w*|"
    r"подтвердил\w*|назвал\w*|уточнил\w*)\b",
    re.IGNORECASE,
)
# "its own", «своих»: the losses are the speaker's, who is the sentence's subject.
_OWN = re.compile(r"\b(?:its|their\s+own|сво(?:их|его|ей|и))\b", re.IGNORECASE)


def speaker_side(before: str) -> str | None:
    """The side of the one country (or capital) that speaks in the clause before a count."""
    if _OWN.search(before[-40:]):
        first = SIDE_OR_CAPITAL.search(before)
        return _speaker_of(first.group(0)) if first else None
    clause = re.split(r"[;:]|,\s+(?:and|but|while|а|но|и)\s", before)[-1]
    if not _SPEAKS.search(clause):
        return None
    sides = {_speaker_of(m.group(0)) for m in SIDE_OR_CAPITAL.finditer(clause)} - {None}
    return sides.pop() if len(sides) == 1 else None


def _speaker_of(word: str) -> str | None:
    return capital_side(word) or side_of_word(word)


def _overlaps(match: re.Match[str], found: list[CasualtyMention]) -> bool:
    return any(match.start() < c.end and c.start < match.end() for c in found)


def incident_toll(mentions: Iterable[CasualtyMention]) -> int | None:
    """The death toll that stands: per side the latest figure, summed; 0 only if said; else None."""
    sided, unsided = _standing([m for m in mentions if m.kind is CasualtyKind.KILLED])
    if not sided:
        return unsided
    total = sum(sided.values())
    return unsided if unsided is not None and unsided > total else total


def incident_casualties(mentions: Iterable[CasualtyMention]) -> tuple[CasualtyCount, ...]:
    """Each kind's standing figures by side; an overall figure only where it says more."""
    counts: list[CasualtyCount] = []
    listed = list(mentions)
    for kind in CasualtyKind:
        sided, unsided = _standing([m for m in listed if m.kind is kind])
        counts.extend(CasualtyCount(kind, side, n) for side, n in sorted(sided.items()))
        if (unsided is not None and unsided > sum(sided.values())) or (unsided == 0 and not sided):
            counts.append(CasualtyCount(kind, None, unsided))
    return tuple(counts)


def _standing(mentions: list[CasualtyMention]) -> tuple[dict[str, int], int | None]:
    """Per side the latest figure, and the latest figure given without a side.

    A figure the report calls earlier ("Earlier it reported two dead") stands
    only where no other figure of that side does.
    """
    sided: dict[str, int] = {}
    unsided: int | None = None
    # Figures the report says were revised count only where nothing replaces them.
    for mention in sorted(mentions, key=lambda m: (not m.superseded, m.start)):
        if mention.is_total:
            continue
        if mention.side is None:
            unsided = mention.count
        else:
            sided[mention.side] = mention.count
    return sided, unsided
