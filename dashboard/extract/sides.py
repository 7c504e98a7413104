"""Which country's side a word names: "Armenian", «азербайджанских», "Shehid", "Baku".

Tolls, claims and speakers all ask whose a count, a ministry or a statement
is. The words that answer are a small table per country (:data:`SIDE_WORDS`,
word stems) plus the capitals that speak for their governments
(:data:`CAPITALS`), read from ``geodata/names/sides.csv``: a new border adds its two
countries' rows there.
"""

from __future__ import annotations

import csv
import re

from dashboard.paths import geodata_root


def _read_sides() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Side words and capitals per country, from ``geodata/names/sides.csv``.

    A table, not code, so a new border adds its countries' rows beside its
    other names; stems are folded to lower case and match any ending.
    """
    sides: dict[str, list[str]] = {}
    capitals: dict[str, list[str]] = {}
    with (geodata_root() / "names" / "sides.csv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            table = capitals if row["kind"] == "capital" else sides
            table.setdefault(row["country"], []).append(row["stem"].casefold())
    return (
        {code: tuple(stems) for code, stems in sides.items()},
        {code: tuple(stems) for code, stems in capitals.items()},
    )


# A word starting with one of these names the country's side (folded to lower case);
# capitals stand for their governments ("Baku said…").
SIDE_WORDS, CAPITALS = _read_sides()

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
