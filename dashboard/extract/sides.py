"""Which country's side a word names: "Armenian", «азербайджанских», "Shehid", "Baku".

Tolls, claims and speakers all ask whose a count, a ministry or a statement
is. The words that answer are a small table per country (:data:`SIDE_WORDS`,
word stems) plus the capitals that speak for their governments
(:data:`CAPITALS`); a new border adds its two countries' rows here.
"""

from __future__ import annotations

import re

# A word starting with one of these names the country's side (folded to lower case).
SIDE_WORDS: dict[str, tuple[str, ...]] = {
    "AM": ("armenia", "армян", "армени", "հայ"),
    "AZ": ("azerbaij", "azeri", "azərbaycan", "азербайдж", "азерб", "shehid", "şəhid", "шехид"),
    "KG": ("kyrgyz", "kirgiz", "кыргыз", "киргиз"),
    "TJ": ("tajik", "таджик"),
}
# Capitals standing for their governments ("Baku said…"); case endings follow the stem.
CAPITALS: dict[str, tuple[str, ...]] = {"AM": ("yerevan", "ереван"), "AZ": ("baku", "баку")}

SIDE_WORD = re.compile(
    r"\b(?:" + "|".join(re.escape(w) for words in SIDE_WORDS.values() for w in words) + r")\w*",
    re.IGNORECASE,
)
SIDE_OR_CAPITAL = re.compile(
    r"\b(?:"
    + "|".join(re.escape(w) for words in (*SIDE_WORDS.values(), *CAPITALS.values()) for w in words)
    + r")\w*",
    re.IGNORECASE,
)
CAPITAL_WORDS = "|".join(name for names in CAPITALS.values() for name in names)


def side_of_word(word: str) -> str | None:
    """The country a side word names ("Azerbaijani" → AZ), if any."""
    lowered = word.casefold()
    for code, stems in SIDE_WORDS.items():
        if lowered.startswith(stems):
            return code
    return None


def capital_side(word: str) -> str | None:
    """The country whose capital ``word`` names ("Baku", «Еревана» → its country), if any."""
    lowered = word.casefold()
    return next((code for code, names in CAPITALS.items() if lowered.startswith(names)), None)


def side_within(phrase: str) -> str | None:
    """The one side the side words in ``phrase`` name, if exactly one."""
    sides = {side_of_word(m.group(0)) for m in SIDE_WORD.finditer(phrase)} - {None}
    return sides.pop() if len(sides) == 1 else None
