"""Split report text into sentences, keeping character offsets into the original text.

Excerpts shown to users are sentence spans of the stored text, so the
splitter must never rewrite the text: it only finds boundaries. It knows the
abbreviations that end in a full stop in English and Russian news copy
(``Gen.``, ``Lt.``, ``т.е.``, initials), and treats a paragraph break as a
boundary even without punctuation, since the last sentence of a cut-off
article has none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = {
    # English titles and common abbreviations that end with a full stop.
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "st", "no", "vs",
    "etc", "e.g", "i.e", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "approx", "dept", "gov", "rep", "sen", "u.s", "u.n",
    # Russian: "г." (year/city), "гг.", "ул.", "т.е.", "т.д.", "др.", "им.", "тыс.", "млн."
    "г", "гг", "ул", "т.е", "т.д", "т.п", "др", "им", "тыс", "млн", "ген", "см",
}  # fmt: skip

# A candidate end: ., ! or ? (with closing quotes/brackets), then space and a
# capital letter, digit or opening quote; or a blank line.
_BOUNDARY = re.compile(
    r"(?P<end>[.!?…]+[\"'”’»)\]]*)(?P<gap>\s+)(?=[\"'“‘«(\[]?[A-ZА-ЯЁԱ-Ֆ0-9])"
    r"|(?P<para>\n\s*\n)"
)
_LAST_WORD = re.compile(r"([\w.]+)\.$")


@dataclass(frozen=True, slots=True)
class Sentence:
    """``text[start:end]`` of the original text, stripped of surrounding space."""

    index: int
    start: int
    end: int
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` in order; offsets index into ``text`` itself."""
    pieces: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group("para"):
            cut, resume = match.start("para"), match.end("para")
        else:
            cut, resume = match.end("end"), match.end("gap")
            if _is_abbreviation(text[start:cut]):
                continue
        pieces.append((start, cut))
        start = resume
    pieces.append((start, len(text)))
    sentences = []
    for raw_begin, raw_finish in pieces:
        begin, finish = _strip(text, raw_begin, raw_finish)
        if finish > begin:
            sentences.append(Sentence(len(sentences), begin, finish, text[begin:finish]))
    return sentences


def _is_abbreviation(candidate: str) -> bool:
    """Does this stretch end in an abbreviation or an initial rather than a sentence end?"""
    if not candidate.endswith("."):
        return False
    match = _LAST_WORD.search(candidate)
    if not match:
        return False
    word = match.group(1).lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _strip(text: str, begin: int, finish: int) -> tuple[int, int]:
    while begin < finish and text[begin].isspace():
        begin += 1
    while finish > begin and text[finish - 1].isspace():
        finish -= 1
    return begin, finish
