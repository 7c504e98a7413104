"""The parts of a page that are not the report: related-news lists, tags, share bars.

Pages end (and sometimes pause) with lists of other stories — "Related:",
"Read also:", «Читайте также», "Most read" — whose headlines name places,
cues and tolls of other events ("Serviceman fatally wounded in Gegharkunik
direction – May 25"), and with tag lines ("Tags: Tavush, Movses") and share
bars. Read as text, they lend this report other events' places and deaths.
:func:`boilerplate_spans` finds them so extraction can leave them out; the
text itself is kept whole, so every offset still points into the source.

A list is its marker line and the list-like lines after it (a bullet, or a
short line with no closing full stop); it ends at the first prose line.
"""

from __future__ import annotations

import re

_MARKER = re.compile(
    r"^\W*(?:related(?:\s+(?:materials|news|posts|stories|articles))?|read\s+(?:also|more)|"
    r"see\s+also|more\s+on\s+(?:this|the\s+topic)|most\s+read|also\s+read|"
    r"читайте\s+(?:также|еще|ещё)|материалы\s+по\s+теме|по\s+теме|смотрите\s+также|"
    r"самое\s+читаемое)\b\s*:?",
    re.IGNORECASE,
)
# Whole lines that are page furniture: tags, share and print bars, copyright, language links.
_FURNITURE = re.compile(
    r"^\W*(?:tags|теги|метки)\s*:"
    r"|^\W*(?:share|print|comment|subscribe|leave\s+a\s+comment|поделиться)\b.*(?:\||$)"
    r"|^\W*(?:©|\(c\)\s)|^this\s+article\s+is\s+available\s+in\b|все\s+права\s+защищены",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-–—•*›»]|\d+[.)])\s+")
_LIST_LINE_CHARS = 160


def boilerplate_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the related-news lists and furniture lines in ``text``."""
    spans: list[tuple[int, int]] = []
    in_list = False
    offset = 0
    for line in text.splitlines(keepends=True):
        start, end = offset, offset + len(line)
        offset = end
        stripped = line.strip()
        if _MARKER.match(stripped) or _FURNITURE.search(stripped):
            spans.append((start, end))
            in_list = bool(_MARKER.match(stripped))
            continue
        if in_list and (not stripped or _list_like(stripped)):
            if stripped:
                spans.append((start, end))
            continue
        in_list = False
    return spans


def _list_like(line: str) -> bool:
    """A bullet, or a headline: short, with no full stop at its end."""
    if _BULLET.match(line):
        return True
    return len(line) <= _LIST_LINE_CHARS and not line.endswith((".", "!", "?", "»", '"', "”"))


def inside(position: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``position`` falls in one of ``spans``."""
    return any(start <= position < end for start, end in spans)
