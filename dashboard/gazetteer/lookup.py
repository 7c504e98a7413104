"""Place names in report text → places: provinces, border segments, settlements, landmarks.

The extraction step asks :meth:`Gazetteer.find` for the place mentions of
each document. Every listed alias (see :mod:`dashboard.gazetteer.build` for
where they come from) is expanded once into its inflected forms
(:mod:`dashboard.gazetteer.text`) and stored by its folded words; ``find``
folds each word of the text once and looks word sequences up in that
dictionary, so its cost grows with the length of the text, not with the
number of names.

Rules that decide hard cases:

* **Longest match wins**, left to right, without overlaps: "Syunik –
  Lachin" is the segment, not two provinces; "Lake Sevan" is the lake.
* **One spelling, several places** (Kalbajar the district and the town;
  Ararat the province and the town): the curated and layer names win over
  GeoNames', provinces over towns, in-coverage places over places
  elsewhere, then the larger population. A qualifier next to the name
  overrides this ("the village of Vardenis", "Kalbajar district"), and
  :attr:`PlaceMatch.others` lists the places not chosen.
* **Names that are also words or people's names** (Ararat Mirzoyan, Lori,
  "Того") carry the ``context`` flag and match only next to a qualifier
  (province, село, rayonu, մարզ …), after a locative preposition (in, near,
  в, у …), or in a locative case (Արարատում, Laçında) — and never when a
  surname follows ("in Ararat Mirzoyan's words"). Names from GeoNames and
  country lists carry ``cap``: they match only when capitalised.
* A qualifier right after a province or settlement name is part of the
  match ("Syunik province", "Сюникской области").
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dashboard.gazetteer.data import (
    SOURCE_RANK,
    AliasRow,
    Ambiguity,
    ContextWords,
    ExtraRow,
    GazetteerDataError,
    Place,
    read_aliases,
    read_extra,
    read_places,
)
from dashboard.gazetteer.text import Tokenizer, inflected_forms, is_locative, joinable
from dashboard.geo.layers import default_border_id, geodata_root

__all__ = [
    "Gazetteer",
    "GazetteerDataError",
    "GazetteerWarning",
    "Place",
    "PlaceMatch",
    "load_gazetteer",
]

EXTRA_ENV = "BORDERWATCH_GAZETTEER_EXTRA"
_KIND_RANK = {
    "province": 0,
    "segment": 0,
    "landmark": 1,
    "country": 2,
    "settlement": 3,
    "outside": 4,
}
# Which qualifier class speaks for which kind of place.
_QUALIFIER_KINDS = {
    "admin": ("province",),
    "settlement": ("settlement", "outside"),
    "feature": ("landmark",),
}
# A capitalised word with one of these endings after a name is a surname: "Ararat Mirzoyan".
_SURNAME_ENDINGS = (
    *("yan", "ian", "yants", "ov", "ova", "ev", "eva", "yev", "yeva", "in", "ina", "zade", "li"),
    *("ly", "lu", "sky", "skiy", "ян", "янц", "ов", "ова", "ев", "ева", "ин", "ина", "заде"),
    *("ли", "ский", "յան", "եան", "յանց"),
)


# Endings of nationality adjectives ("Kyrgyz Batken", "Russian Moscow"), which are no first names.
_DEMONYM_ENDINGS = ("an", "ish", "ese", "i", "ic", "yz", "ik", "ek", "ch", "ский", "ская")


class GazetteerWarning(UserWarning):
    """A bad row of an extra CSV; the message says ``file:line: reason``."""


@dataclass(frozen=True)
class PlaceMatch:
    """One place mention: ``text[start:end] == matched``, offsets into the original text.

    ``alias`` is the alias as listed (``Сюник`` for "Сюникской области");
    ``others`` are the other places the same words may name, best first.
    """

    start: int
    end: int
    place_id: str
    matched: str
    alias: str
    lang: str = ""
    others: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Entry:
    """One place an indexed word sequence may name, with what the match requires."""

    place_id: str
    kind: str
    alias: str
    lang: str
    needs_context: bool
    needs_capital: bool
    locative: bool
    foreign: bool
    rank: tuple[int, int, int, str, int, str]


class Gazetteer:
    """Places and their names; :meth:`find` finds them in text. Build once, share."""

    def __init__(
        self,
        places: Iterable[Place],
        aliases: Iterable[AliasRow],
        context: ContextWords,
        problems: Iterable[str] = (),
    ) -> None:
        self._places = {p.id: p for p in places}
        self._context = context
        self.problems: tuple[str, ...] = tuple(problems)
        self._aliases: dict[str, list[AliasRow]] = {}
        self._index: dict[tuple[str, ...], tuple[_Entry, ...]] = {}
        self._longest: dict[str, int] = {}
        self._tokenizer = Tokenizer()
        self._add(aliases)

    # -- lookup ---------------------------------------------------------------------------

    def place(self, place_id: str) -> Place:
        """The place with this id (``KeyError`` naming the id if there is none)."""
        try:
            return self._places[place_id]
        except KeyError:
            raise KeyError(f"no place {place_id!r} in the gazetteer") from None

    def places(self) -> Iterable[Place]:
        """Every place, in id order."""
        return [self._places[k] for k in sorted(self._places)]

    def aliases(self, place_id: str) -> list[AliasRow]:
        """The listed names of a place."""
        return list(self._aliases.get(place_id, ()))

    def __len__(self) -> int:
        return len(self._places)

    def named(self, name: str) -> tuple[Place, ...]:
        """The places a cell that holds one place name may name, best first.

        For a dataset's place columns (ACLED's ``location``, ``admin1``…), not
        running text: the whole cell is the name, so the context and capital
        rules of :meth:`find` do not apply, and a qualifier after it ("Syunik
        province", "Qazax rayonu") is dropped.
        """
        folded = self._tokenizer.tokens(name)[2]
        while len(folded) > 1 and folded[-1] in self._context.qualifiers:
            folded = folded[:-1]
        entries = self._index.get(tuple(folded), ())
        return tuple(self._places[e.place_id] for e in entries)

    # -- index ----------------------------------------------------------------------------

    def _add(self, aliases: Iterable[AliasRow]) -> None:
        grouped: dict[tuple[str, ...], dict[str, _Entry]] = {}
        for key, entries in self._index.items():
            grouped[key] = {e.place_id: e for e in entries}
        for row in aliases:
            place = self._places.get(row.place_id)
            if place is None:
                continue
            self._aliases.setdefault(row.place_id, []).append(row)
            rank = (
                SOURCE_RANK.get(row.source, 0),
                _KIND_RANK.get(place.kind, 5),
                -(place.population or 0),
                place.id,
                # Of one place's spellings, report the plainest: Gegharkunik, not Geghark'unik'.
                sum(not (ch.isalnum() or ch.isspace()) for ch in row.alias),
                row.alias,
            )
            forms = inflected_forms(row.alias, row.lang, row.flags)
            listed_last = forms[0][-1] if forms and forms[0] else ""
            for form in forms:
                if not form:
                    continue
                entry = _Entry(
                    place.id,
                    place.kind,
                    row.alias,
                    row.lang,
                    "context" in row.flags,
                    "cap" in row.flags,
                    is_locative(form[-1], listed_last, row.lang),
                    not place.in_coverage,
                    rank,
                )
                known = grouped.setdefault(form, {}).get(place.id)
                if known is None or entry.rank < known.rank:
                    grouped[form][place.id] = entry
        self._index = {
            key: tuple(sorted(by_place.values(), key=lambda e: e.rank))
            for key, by_place in grouped.items()
        }
        longest: dict[str, int] = {}
        for key in self._index:
            longest[key[0]] = max(longest.get(key[0], 0), len(key))
        self._longest = longest

    # -- matching -------------------------------------------------------------------------

    def find(self, text: str) -> list[PlaceMatch]:
        """Place mentions in ``text``: non-overlapping, longest first, in order of start."""
        doc = _Words(text, *self._tokenizer.tokens(text))
        folded, longest, index = doc.folded, self._longest, self._index
        found: list[PlaceMatch] = []
        i = 0
        while i < len(folded):
            most = longest.get(folded[i])
            if most is None:
                i += 1
                continue
            run = 1
            while run < most and doc.joined(i + run):
                run += 1
            match = None
            for length in range(run, 0, -1):
                entries = index.get(tuple(folded[i : i + length]))
                if entries:
                    match = self._choose(entries, doc, i, i + length)
                    if match is not None:
                        break
            if match is None:
                i += 1
                continue
            found.append(match[0])
            i = match[1]
        return found

    def _choose(
        self, entries: tuple[_Entry, ...], doc: _Words, i: int, j: int
    ) -> tuple[PlaceMatch, int] | None:
        """The entry words ``i..j`` name here and where the mention ends, or ``None``."""
        qualifier, after = self._qualifier(doc, i, j)
        capital = _capitalised(doc.text[doc.starts[i]])
        licensed = (qualifier is not None or self._preposition_before(doc, i)) and not (
            _surname_after(doc, j)
        )
        named_after = self._name_before(doc, i)
        usable = [
            e
            for e in entries
            if (capital or not e.needs_capital)
            and (licensed or e.locative or not e.needs_context)
            and not (e.foreign and named_after)
        ]
        if not usable:
            return None
        chosen = usable[0]
        kinds = _QUALIFIER_KINDS.get(qualifier or "", ())
        chosen = next((e for e in usable if e.kind in kinds), chosen)
        # "Syunik province": a qualifier that follows is part of the mention.
        end = j + 1 if after and chosen.kind in kinds else j
        start, stop = doc.starts[i], doc.ends[end - 1]
        others = tuple(e.place_id for e in usable if e is not chosen)
        text = doc.text[start:stop]
        return PlaceMatch(
            start, stop, chosen.place_id, text, chosen.alias, chosen.lang, others
        ), end

    def _qualifier(self, doc: _Words, i: int, j: int) -> tuple[str | None, bool]:
        """The class of a qualifier next to words ``i..j``, and whether it follows them."""
        qualifiers, folded = self._context.qualifiers, doc.folded
        if j < len(folded) and folded[j] in qualifiers and doc.joined(j):
            return qualifiers[folded[j]], True
        if i >= 1 and folded[i - 1] in qualifiers and doc.joined(i):
            return qualifiers[folded[i - 1]], False
        if (
            i >= 2
            and folded[i - 1] in self._context.linkers
            and folded[i - 2] in qualifiers
            and doc.spaced(i - 1)
            and doc.spaced(i)
        ):
            return qualifiers[folded[i - 2]], False  # "the province of Ararat"
        return None, False

    def _name_before(self, doc: _Words, i: int) -> bool:
        """Whether a capitalised word that is no place, qualifier or demonym stands just before.

        "Barry Warsaw", "Mark Adler": a first name before a foreign city's
        name makes it a surname. Applied to places outside the coverage only,
        where a miss costs little; "Kyrgyz Batken" survives by its demonym.
        """
        if not doc.spaced(i):
            return False
        word, raw = doc.folded[i - 1], doc.text[doc.starts[i - 1]]
        if not raw.isupper() or word in self._longest or word in self._context.function_words:
            return False
        return not (
            word in self._context.qualifiers
            or word in self._context.prepositions
            or word.endswith(_DEMONYM_ENDINGS)
        )

    def _preposition_before(self, doc: _Words, i: int) -> bool:
        if i < 1 or not doc.spaced(i):
            return False
        word = doc.folded[i - 1]
        return word in self._context.prepositions or word in self._context.linkers


@dataclass(frozen=True, slots=True)
class _Words:
    """A text's words: offsets into the text and folded forms, in parallel lists."""

    text: str
    starts: list[int]
    ends: list[int]
    folded: list[str]

    def joined(self, k: int) -> bool:
        """Whether word ``k`` may continue the name begun before it (space, hyphen, dash)."""
        return 0 < k < len(self.folded) and joinable(self.text, self.ends[k - 1], self.starts[k])

    def spaced(self, k: int) -> bool:
        """Whether only white space separates word ``k`` from the word before it."""
        return 0 < k < len(self.folded) and not self.text[self.ends[k - 1] : self.starts[k]].strip()


def _capitalised(char: str) -> bool:
    """Upper case, or a script without case."""
    return char.isupper() or char.lower() == char.upper()


def _surname_after(doc: _Words, j: int) -> bool:
    """Whether a capitalised surname-like word follows (a person, not a place)."""
    if not doc.spaced(j):
        return False
    return doc.text[doc.starts[j]].isupper() and doc.folded[j].endswith(_SURNAME_ENDINGS)


# --- loading ------------------------------------------------------------------------------


def load_gazetteer(
    border_id: str | None = None, extra_csv: Path | None = None, root: Path | None = None
) -> Gazetteer:
    """The gazetteer of a border, with a user's extra names; cached.

    Parameters
    ----------
    border_id
        A folder under the geodata root (default: ``BORDERWATCH_BORDER``).
    extra_csv
        A CSV of extra names and places (format: ``geodata/names/README.md``);
        default: the file named by ``BORDERWATCH_GAZETTEER_EXTRA``, if set.
    root
        The geodata root (default: ``BORDERWATCH_GEODATA`` or ``geodata/``).

    Bad rows of the extra CSV are skipped; each is reported as a
    :class:`GazetteerWarning` and listed in :attr:`Gazetteer.problems`.
    """
    extra = extra_csv or (Path(os.environ[EXTRA_ENV]) if os.environ.get(EXTRA_ENV) else None)
    gazetteer = _load(border_id or default_border_id(), root or geodata_root(), extra)
    for problem in gazetteer.problems:
        warnings.warn(problem, GazetteerWarning, stacklevel=2)
    return gazetteer


@lru_cache(maxsize=8)
def _load(border_id: str, root: Path, extra: Path | None) -> Gazetteer:
    folder = root / border_id
    places_path = folder / "places.csv"
    if not places_path.is_file():
        raise GazetteerDataError(
            f"no gazetteer for border {border_id!r} in {folder}; "
            f"run `python -m dashboard.gazetteer.build {border_id}`"
        )
    places = read_places(places_path)
    aliases = read_aliases(folder / "place_aliases.csv")
    names = root / "names"
    problems: list[str] = []
    if extra is not None:
        rows, problems = read_extra(extra)
        known = {p.id: p for p in places}
        new_places, extra_aliases, more = _extra_places(rows, known, border_id, root, extra)
        problems.extend(more)
        ambiguity = Ambiguity.read(names / "ambiguous.csv")
        places.extend(new_places)
        aliases.extend(
            AliasRow(a.place_id, a.alias, a.lang, ambiguity.flags(a.alias, a.flags), "extra")
            for a in extra_aliases
        )
    return Gazetteer(places, aliases, ContextWords.read(names / "context_words.csv"), problems)


def _extra_places(
    rows: list[ExtraRow], known: dict[str, Place], border_id: str, root: Path, path: Path
) -> tuple[list[Place], list[AliasRow], list[str]]:
    """New places and aliases from an extra CSV's rows, and a problem for each bad one."""
    # Geocoding loads the border's geometry: only when an extra CSV asks for it.
    from dashboard.gazetteer.extra import place_for  # noqa: PLC0415

    new: dict[str, Place] = {}
    aliases, problems = [], []
    for row in rows:
        if row.place_id not in known and row.place_id not in new:
            try:
                new[row.place_id] = place_for(row, border_id, root, known)
            except ValueError as exc:
                problems.append(f"{path}:{row.line}: {exc}")
                continue
        aliases.append(AliasRow(row.place_id, row.alias, row.lang, row.flags, "extra"))
    return list(new.values()), aliases, problems
