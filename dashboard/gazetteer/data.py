"""The gazetteer's records and the CSV files that hold them.

Two kinds of file, both plain CSV so that a reviewer can read a diff and a
user can add a name without touching code:

* built files, ``geodata/<border>/places.csv`` and ``place_aliases.csv``,
  written by :mod:`dashboard.gazetteer.build` (same bytes every run) and
  only read at run time;
* curated files under ``geodata/names/`` (aliases, places the layers lack,
  context words, ambiguous names) and a user's *extra* CSV.

Rows are checked as they are read; a bad row is reported as
``file:line: reason`` and skipped, so one typo never hides the good rows.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from dashboard.gazetteer.text import fold, script, words

LANGS = ("en", "ru", "hy", "az", "ky", "tg", "latn", "und")
FLAGS = ("context", "cap", "adj", "fixed")
# Which source's claim on a shared spelling wins: curated and user names first.
SOURCE_RANK = {"curated": 0, "extra": 0, "layer": 1, "generated": 1, "pycountry": 2, "geonames": 3}
PLACE_COLUMNS = (
    "id",
    "kind",
    "name",
    "country",
    "province_code",
    "lat",
    "lon",
    "segment_ids",
    "distance_km",
    "in_coverage",
    "population",
)
ALIAS_COLUMNS = ("place_id", "alias", "lang", "flags", "source")


class GazetteerDataError(ValueError):
    """A gazetteer file is missing or unreadable; the message names it."""


@dataclass(frozen=True)
class Place:
    """A named place: a province, a border segment, a settlement, a landmark, a country.

    ``segment_ids`` are the segments a province (or a landmark placed by
    province) is party to, or a point place's nearest segment. Places
    outside the border's coverage have no province and no segment, so
    nothing forces them onto the map.
    """

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
    population: int | None = None


@dataclass(frozen=True, slots=True)
class AliasRow:
    """One listed name of a place: its language, flags and where it came from."""

    place_id: str
    alias: str
    lang: str
    flags: frozenset[str]
    source: str


# --- built files ----------------------------------------------------------------------------


def _opt_float(value: str) -> float | None:
    return float(value) if value else None


def place_to_row(place: Place) -> dict[str, str]:
    """A place as a CSV row (the inverse of :func:`place_from_row`)."""

    def num(value: float | int | None) -> str:
        return "" if value is None else f"{value:g}" if isinstance(value, int) else repr(value)

    return {
        "id": place.id,
        "kind": place.kind,
        "name": place.name,
        "country": place.country or "",
        "province_code": place.province_code or "",
        "lat": num(place.lat),
        "lon": num(place.lon),
        "segment_ids": " ".join(place.segment_ids),
        "distance_km": num(place.distance_km),
        "in_coverage": "true" if place.in_coverage else "false",
        "population": "" if place.population is None else str(place.population),
    }


def place_from_row(row: dict[str, str]) -> Place:
    """A place from a CSV row of ``places.csv``."""
    return Place(
        id=row["id"],
        kind=row["kind"],
        name=row["name"],
        country=row["country"] or None,
        province_code=row["province_code"] or None,
        lat=_opt_float(row["lat"]),
        lon=_opt_float(row["lon"]),
        segment_ids=tuple(row["segment_ids"].split()),
        distance_km=_opt_float(row["distance_km"]),
        in_coverage=row["in_coverage"] == "true",
        population=int(row["population"]) if row.get("population") else None,
    )


def alias_to_row(alias: AliasRow) -> dict[str, str]:
    return {
        "place_id": alias.place_id,
        "alias": alias.alias,
        "lang": alias.lang,
        "flags": " ".join(sorted(alias.flags)),
        "source": alias.source,
    }


def write_csv(path: Path, columns: Iterable[str], rows: Iterable[dict[str, str]]) -> None:
    """Write rows with Unix line ends, so the bytes do not depend on the platform."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def read_csv(path: Path, required: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) pairs; a missing file or column raises :class:`GazetteerDataError`."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise GazetteerDataError(f"{path}: cannot read: {exc.strerror}") from exc
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or ())]
        if missing:
            raise GazetteerDataError(f"{path}:1: missing column(s) {', '.join(missing)}")
        for row in reader:
            yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}


def read_places(path: Path) -> list[Place]:
    return [place_from_row(row) for _, row in read_csv(path, PLACE_COLUMNS)]


def read_aliases(path: Path) -> list[AliasRow]:
    return [
        AliasRow(
            row["place_id"],
            row["alias"],
            row["lang"],
            frozenset(row["flags"].split()),
            row["source"],
        )
        for _, row in read_csv(path, ALIAS_COLUMNS)
    ]


# --- curated files --------------------------------------------------------------------------


@dataclass(frozen=True)
class ContextWords:
    """Words that make a place reading likely: qualifiers (by class) and prepositions."""

    qualifiers: dict[str, str]
    prepositions: frozenset[str]
    linkers: frozenset[str]
    function_words: frozenset[str] = frozenset()

    @classmethod
    def read(cls, path: Path) -> ContextWords:
        qualifiers: dict[str, str] = {}
        sets: dict[str, set[str]] = {"preposition": set(), "linker": set(), "function": set()}
        for _, row in read_csv(path, ("word", "class")):
            word = fold(row["word"])
            if row["class"] in sets:
                sets[row["class"]].add(word)
            else:
                qualifiers[word] = row["class"]
        return cls(
            qualifiers,
            frozenset(sets["preposition"]),
            frozenset(sets["linker"]),
            frozenset(sets["function"]),
        )


@dataclass(frozen=True)
class Ambiguity:
    """Which names need context: a curated list, plus surnames by their endings.

    A place name that ends like an Armenian surname (-yan, -ian, -ян,
    -յան) is usually a village named after a person (Abovyan, Tumanyan),
    and the same word in a report is usually that person's descendant.
    ``exempt`` lists the towns whose names only look like surnames.
    """

    needs_context: frozenset[str]
    exempt: frozenset[str]

    SURNAME_ENDINGS = ("yan", "ian", "ян", "յան", "եան")

    @classmethod
    def read(cls, path: Path) -> Ambiguity:
        context, exempt = set(), set()
        for _, row in read_csv(path, ("alias", "rule")):
            (exempt if row["rule"] == "ok" else context).add(" ".join(words(row["alias"])))
        return cls(frozenset(context), frozenset(exempt))

    def flags(self, alias: str, flags: frozenset[str]) -> frozenset[str]:
        """``flags`` plus ``context`` when the alias is ambiguous."""
        key = " ".join(words(alias))
        if key in self.exempt:
            return flags
        if key in self.needs_context or key.endswith(self.SURNAME_ENDINGS):
            return flags | {"context"}
        return flags


def read_curated_aliases(path: Path) -> list[AliasRow]:
    """``geodata/names/aliases.csv``: place_id, alias, lang, flags (note is for people)."""
    return [
        AliasRow(
            row["place_id"],
            row["alias"],
            row["lang"],
            frozenset(row.get("flags", "").split()),
            "curated",
        )
        for _, row in read_csv(path, ("place_id", "alias", "lang"))
    ]


def read_geonames_alternates(path: Path) -> list[tuple[int, dict[str, str]]]:
    """``geodata/names/geonames_alternates.csv``: (line, row) with geonameid, alias, lang, flags.

    A missing file means no accepted alternates (a border without the file
    builds as before).
    """
    if not path.is_file():
        return []
    rows = []
    for line, row in read_csv(path, ("geonameid", "alias", "lang")):
        if row["lang"] not in LANGS:
            raise GazetteerDataError(f"{path}:{line}: lang {row['lang']!r} is not one of {LANGS}")
        rows.append((line, {**row, "flags": row.get("flags", "")}))
    return rows


def read_curated_places(path: Path) -> list[dict[str, str]]:
    """``geodata/names/places.csv``: places the layers lack (landmarks, parent regions)."""
    return [row for _, row in read_csv(path, ("id", "kind", "name", "country", "province_code"))]


# --- the user's extra CSV -------------------------------------------------------------------


@dataclass(frozen=True)
class ExtraRow:
    """A row of an extra CSV: an alias for an existing place, or (part of) a new place."""

    line: int
    place_id: str
    alias: str
    lang: str
    flags: frozenset[str]
    kind: str | None = None
    name: str | None = None
    lat: float | None = None
    lon: float | None = None
    province_code: str | None = None


def read_extra(path: Path) -> tuple[list[ExtraRow], list[str]]:
    """Rows of a user's extra CSV and a ``file:line: reason`` for each bad row.

    Columns: ``place_id,alias`` are required; ``lang`` (default: guessed
    from the script), ``flags``, and for a new place ``kind`` (landmark,
    settlement or outside; default landmark), ``name``, ``lat``/``lon`` or
    ``province_code``. Whether a place id is new is decided later, against
    the built gazetteer (:func:`dashboard.gazetteer.load_gazetteer`).
    """
    rows, problems = [], []
    try:
        records = list(read_csv(path, ("place_id", "alias")))
    except (GazetteerDataError, csv.Error, UnicodeDecodeError) as exc:
        return [], [str(exc) if isinstance(exc, GazetteerDataError) else f"{path}: {exc}"]
    for line, row in records:
        try:
            rows.append(_extra_row(line, row))
        except ValueError as exc:
            problems.append(f"{path}:{line}: {exc}")
    return rows, problems


def _extra_row(line: int, row: dict[str, str]) -> ExtraRow:
    place_id, alias = row.get("place_id", ""), row.get("alias", "")
    if not place_id or any(c.isspace() for c in place_id):
        raise ValueError(f"place_id {place_id!r} is empty or contains spaces")
    if not fold(alias).strip():
        raise ValueError("alias is empty")
    lang = row.get("lang") or {"Cyrl": "ru", "Armn": "hy"}.get(script(alias), "und")
    if lang not in LANGS:
        raise ValueError(f"lang {lang!r} is not one of {', '.join(LANGS)}")
    flags = frozenset(row.get("flags", "").split())
    unknown = sorted(flags - set(FLAGS))
    if unknown:
        raise ValueError(f"unknown flag(s) {', '.join(unknown)}; known: {', '.join(FLAGS)}")
    kind = row.get("kind") or None
    if kind is not None and kind not in ("landmark", "settlement", "outside"):
        raise ValueError(f"kind {kind!r}: an extra place is a landmark, settlement or outside")
    lat, lon = _coordinates(row.get("lat", ""), row.get("lon", ""))
    return ExtraRow(
        line,
        place_id,
        alias,
        lang,
        flags,
        kind=kind,
        name=row.get("name") or None,
        lat=lat,
        lon=lon,
        province_code=row.get("province_code") or None,
    )


def _coordinates(lat_text: str, lon_text: str) -> tuple[float | None, float | None]:
    if not lat_text and not lon_text:
        return None, None
    if not lat_text or not lon_text:
        raise ValueError("lat and lon must both be given or both be empty")
    try:
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        raise ValueError(f"lat/lon {lat_text!r}, {lon_text!r} are not numbers") from None
    if not (math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180):
        raise ValueError(f"lat/lon {lat_text}, {lon_text} are outside -90..90 / -180..180")
    return lat, lon
