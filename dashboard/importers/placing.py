"""Re-geocode imported points with borderwatch's own layers, and compare with the file's names.

Every imported incident is placed by :class:`~dashboard.geo.geocode.Geocoder`
(province containing the point, nearest border segment, distance to the
line), whatever the file says. The rule, by the record's location precision:

=====================  ======================================================
precision              provinces / segments / distance
=====================  ======================================================
point, near_place      the province containing the point; the nearest
                       segment if the point is within ``SEGMENT_WITHIN_KM``
                       (10 km) of the line; and, within
                       ``OTHER_SIDE_WITHIN_KM`` (5 km), the segment's unit on
                       the other side too (both units for a point in neither
                       country). Distance kept.
border_segment         the nearest segment and both its units (the one
                       containing the point first), if the point is within
                       ``SEGMENT_WITHIN_KM``; farther away the record cannot
                       be on the line, so it is **widened** to ``province``
                       (counted in the summary). Distance kept.
district, province     the province containing the point (the coordinates
                       are a unit's centre, not a location: no segment, no
                       distance).
country                nothing: the centre of a country says nothing about
                       the province.
=====================  ======================================================

The file's own names (country, admin1, admin2) are compared with ours after
folding case, accents and words such as "province" or "district": the
country agrees when it names our country (or, for a point in neither
country, names neither of the border's countries); the admin names agree
when either matches a name variant of our province or of its parent unit
(e.g. Nakhchivan for its districts). ``None`` means nothing to compare.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pycountry

from dashboard.geo.geocode import Geocoder
from dashboard.models import (
    SEGMENT_WITHIN_KM,
    LocationPrecision,
    ProvinceRef,
    SegmentRef,
    country_code,
)

OTHER_SIDE_WITHIN_KM = 5.0

_CENTRES = {LocationPrecision.DISTRICT, LocationPrecision.PROVINCE}
_GENERIC_WORDS = frozenset(
    {
        "province", "district", "rayon", "rayonu", "raion", "region", "marz", "city",
        "municipality", "community", "autonomous", "republic", "of", "the",
    }
)  # fmt: skip
# Letters NFKD does not decompose into a base letter plus a mark.
_FOLD = str.maketrans({"ə": "a", "Ə": "a", "ı": "i", "ʼ": "", "'": "", "’": "", "‘": ""})


@lru_cache(maxsize=65536)
def fold_name(name: str) -> str:
    """A name reduced for comparison: no accents, case, punctuation or generic words."""
    text = unicodedata.normalize("NFKD", name.translate(_FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    words = re.split(r"[^0-9a-z]+", text)
    return " ".join(w for w in words if w and w not in _GENERIC_WORDS)


@dataclass(frozen=True)
class Placement:
    """Where each of n records lies, by borderwatch's layers (lists and arrays of length n)."""

    provinces: list[tuple[ProvinceRef, ...]]
    segments: list[tuple[SegmentRef, ...]]
    distance_km: list[float | None]
    location_precision: list[LocationPrecision]
    widened: np.ndarray
    country: np.ndarray
    province_code: np.ndarray

    def __len__(self) -> int:
        return len(self.provinces)


class Placer:
    """Applies the placing rule and the name comparison for one border (build once)."""

    def __init__(self, geocoder: Geocoder) -> None:
        self.geocoder = geocoder
        layers = geocoder.layers
        self.countries = tuple(layers.countries)
        frame = layers.provinces
        self._province = {
            row.code: ProvinceRef(code=row.code, name=row.name, country=row.country)
            for row in frame.itertuples()
        }
        self._segment = {
            row.id: SegmentRef(id=row.id, name=row.name) for row in layers.segments.itertuples()
        }
        self._units = {
            row.id: tuple(self._province[u] for u in row.units)
            for row in layers.segments.itertuples()
        }
        self._memo: dict[tuple[ProvinceRef | None, str, bool], tuple[ProvinceRef, ...]] = {}
        self._variants = {
            row.code: _variants(row.code, row.name, row.names, row.parent)
            for row in frame.itertuples()
        }

    def place(
        self, lat: np.ndarray, lon: np.ndarray, precision: Sequence[LocationPrecision]
    ) -> Placement:
        """Provinces, segments and distance for each point under its precision (module rule)."""
        found = self.geocoder.geocode(lat, lon)
        provinces: list[tuple[ProvinceRef, ...]] = []
        segments: list[tuple[SegmentRef, ...]] = []
        distances: list[float | None] = []
        precisions: list[LocationPrecision] = []
        widened = np.zeros(len(found), dtype=bool)
        codes, segment_ids = found.province_code, found.segment_id
        for i, (given, km) in enumerate(zip(precision, found.distance_km.tolist(), strict=True)):
            own = self._province.get(codes[i]) if codes[i] is not None else None
            near_line = km <= SEGMENT_WITHIN_KM
            wanted = given
            if given is LocationPrecision.BORDER_SEGMENT and not near_line:
                wanted = LocationPrecision.PROVINCE
                widened[i] = True
            precisions.append(wanted)
            if wanted is LocationPrecision.COUNTRY:
                provinces.append(())
                segments.append(())
                distances.append(None)
            elif wanted in _CENTRES:
                provinces.append((own,) if own else ())
                segments.append(())
                distances.append(None)
            else:
                across = wanted is LocationPrecision.BORDER_SEGMENT or km <= OTHER_SIDE_WITHIN_KM
                provinces.append(self._provinces(own, segment_ids[i], across=across))
                segments.append((self._segment[segment_ids[i]],) if near_line else ())
                distances.append(km)
        return Placement(
            provinces=provinces,
            segments=segments,
            distance_km=distances,
            location_precision=precisions,
            widened=widened,
            country=found.country,
            province_code=found.province_code,
        )

    def _provinces(
        self, own: ProvinceRef | None, segment_id: str, *, across: bool
    ) -> tuple[ProvinceRef, ...]:
        key = (own, segment_id, across)
        found = self._memo.get(key)
        if found is None:
            if not across:
                found = (own,) if own else ()
            elif own is None:
                found = self._units[segment_id]
            else:
                found = (own, *(u for u in self._units[segment_id] if u.country != own.country))
            self._memo[key] = found
        return found

    def compare(
        self,
        placement: Placement,
        countries: Sequence[str | None],
        admin1: Sequence[str | None],
        admin2: Sequence[str | None],
    ) -> tuple[list[bool | None], list[bool | None]]:
        """Whether each record's country and admin names agree with ours (module rule)."""
        country_agrees: list[bool | None] = []
        admin_agrees: list[bool | None] = []
        for i in range(len(placement)):
            ours, code = placement.country[i], placement.province_code[i]
            theirs = country_code(countries[i]) if countries[i] else None
            if theirs is None:
                country_agrees.append(None)
            elif ours is None:
                country_agrees.append(theirs not in self.countries)
            else:
                country_agrees.append(theirs == ours)
            names = [fold_name(n) for n in (admin1[i], admin2[i]) if n]
            if code is None or not names:
                admin_agrees.append(None)
            else:
                admin_agrees.append(any(n in self._variants[code] for n in names))
        return country_agrees, admin_agrees


def _variants(code: str, name: str, names: object, parent: object) -> frozenset[str]:
    """Folded names a file may use for a unit: its names, its code, its parent's names."""
    found = {name, code, *(names if isinstance(names, list | tuple | np.ndarray) else ())}
    if isinstance(parent, str) and parent:
        subdivision = pycountry.subdivisions.get(code=parent)
        found.add(parent)
        if subdivision is not None:
            found.add(subdivision.name)
    return frozenset(f for n in found if (f := fold_name(str(n))))
