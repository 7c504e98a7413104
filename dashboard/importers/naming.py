"""Place a row that has no coordinates by its own place names, with the gazetteer.

ACLED, UCDP GED and monitors' tables name where an event happened even when
a row lacks a point (a spreadsheet that lost its coordinates, a monitor's
table of villages). :class:`NamePlacer` reads those names, finest first,
and places the row at the precision the finest known name supports:

=====================  ======================================================
the finest known name  the row gets
=====================  ======================================================
a settlement or        the place's coordinates, at the row's own precision
landmark (``location``  (``point`` for a coded town, ``near_place`` for a
/``place_name``, UCDP  monitor's default); ``admin2`` naming a town (an
``where_coordinates``  Armenian community) gives ``near_place`` at least.
or a place in
``where_description``)
``admin2`` naming a    ``district``: the unit's anchor point (the
unit of the layers     gazetteer's), that unit as its province
``admin1``             ``province``: the province's anchor, that province
only ``country``       ``country``: no point and no province; the file's
                       country name is kept (and the country filter reads it)
nothing known          rejected, naming the row's names
=====================  ======================================================

A row's own precision wins when it is coarser (an ACLED ``geo_precision`` 3
row named by its region's capital stays ``province``). Where a name is
ambiguous, the place inside the row's ``admin1`` (or country) wins, then the
gazetteer's own order; a settlement known only by its province (no
coordinates) places the row on that province.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from dashboard.gazetteer.data import Place
from dashboard.gazetteer.lookup import load_gazetteer
from dashboard.importers.records import ImportRecord, RowError
from dashboard.models import LocationPrecision, ProvinceRef, country_code

if TYPE_CHECKING:
    from dashboard.gazetteer.lookup import Gazetteer
    from dashboard.geo.layers import BorderLayers

LP = LocationPrecision
_POINT_KINDS = ("settlement", "landmark", "outside")
# Coarseness of a precision, for "the coarser of the row's and the name's".
_COARSENESS = {
    LP.POINT: 0,
    LP.NEAR_PLACE: 1,
    LP.BORDER_SEGMENT: 2,
    LP.DISTRICT: 3,
    LP.PROVINCE: 4,
    LP.COUNTRY: 5,
}
# Dataset columns (kept in a record's attributes) that describe the place in words.
DESCRIPTION_ATTRIBUTES = {"ucdp": ("where_description",)}


@dataclass(frozen=True)
class NamedPlace:
    """Where a row's names put it: a point (or none), a precision, provinces, a country."""

    lat: float | None
    lon: float | None
    precision: LocationPrecision
    provinces: tuple[ProvinceRef, ...]
    """Set for a unit (district, province); empty when the point decides (or a country)."""
    country: str | None
    """ISO alpha-2 of the country named (or of the place found)."""
    by: str
    """The name the row was placed by, for the place name of an unnamed row."""


class NamePlacer:
    """Places rows by name with one border's gazetteer; loads it on first use."""

    def __init__(self, load: Callable[[], Gazetteer]) -> None:
        self._load = load
        self._gazetteer: Gazetteer | None = None
        self._memo: dict[tuple[str | None, ...], NamedPlace | str] = {}

    @classmethod
    def for_layers(cls, layers: BorderLayers) -> NamePlacer:
        """The placer of a border's gazetteer, read from beside its layers on first use."""
        return cls(partial(load_gazetteer, layers.id, root=layers.folder.parent))

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer, loaded on first use: files whose rows all have points never need it."""
        if self._gazetteer is None:
            self._gazetteer = self._load()
        return self._gazetteer

    def place(self, record: ImportRecord) -> NamedPlace:
        """Where the record's names put it (module rule); :class:`RowError` if nowhere."""
        described = tuple(
            record.attributes.get(column)
            for column in DESCRIPTION_ATTRIBUTES.get(record.dataset, ())
        )
        key = (record.place_name, *described, record.admin2, record.admin1, record.country)
        found = self._memo.get(key)
        if found is None:
            found = self._resolve(record.place_name, described, record)
            if len(self._memo) < 100_000:
                self._memo[key] = found
        if isinstance(found, str):
            raise RowError(found)
        wanted = found.precision
        if _COARSENESS[record.location_precision] > _COARSENESS[wanted]:
            wanted = record.location_precision
        if wanted is LP.COUNTRY:
            return NamedPlace(None, None, wanted, (), found.country, found.by)
        return NamedPlace(found.lat, found.lon, wanted, found.provinces, found.country, found.by)

    def _resolve(
        self, place_name: str | None, described: Sequence[str | None], record: ImportRecord
    ) -> NamedPlace | str:
        country = country_code(record.country) if record.country else None
        province = self._unit(record.admin1, country)
        within = province.province_code if province else None
        for name in (place_name, *self._found_in(described)):
            point = self._point(name, within, country)
            if point is not None:
                return point
        district = self._unit(record.admin2, country, within)
        if district is not None:
            return self._at_unit(district, LP.DISTRICT)
        town = self._point(record.admin2, within, country, at_least=LP.NEAR_PLACE)
        if town is not None:
            return town
        if province is not None:
            return self._at_unit(province, LP.PROVINCE)
        if country is not None:
            return NamedPlace(None, None, LP.COUNTRY, (), country, str(record.country))
        return _nothing_known(place_name, record)

    def _found_in(self, described: Sequence[str | None]) -> list[str]:
        """Place names found in a dataset's free-text description of the place."""
        return [m.matched for text in described if text for m in self.gazetteer.find(text)]

    def _unit(
        self, name: str | None, country: str | None, within: str | None = None
    ) -> Place | None:
        """The province-kind place (a province or a district of the layers) a cell names."""
        if not name:
            return None
        units = [p for p in self.gazetteer.named(name) if p.kind == "province"]
        return _best(units, within, country)

    def _point(
        self,
        name: str | None,
        within: str | None,
        country: str | None,
        at_least: LocationPrecision = LP.POINT,
    ) -> NamedPlace | None:
        """A settlement's or landmark's point; its province when it has no coordinates."""
        if not name:
            return None
        places = [p for p in self.gazetteer.named(name) if p.kind in _POINT_KINDS]
        place = _best(places, within, country)
        if place is None:
            return None
        if place.lat is None or place.lon is None:
            if not place.province_code:
                return None
            unit = self.gazetteer.place(f"province:{place.province_code}")
            return self._at_unit(unit, LP.PROVINCE, by=place.name)
        return NamedPlace(place.lat, place.lon, at_least, (), place.country, place.name)

    @staticmethod
    def _at_unit(unit: Place, precision: LocationPrecision, by: str | None = None) -> NamedPlace:
        ref = ProvinceRef(str(unit.province_code), unit.name, unit.country or "")
        return NamedPlace(unit.lat, unit.lon, precision, (ref,), unit.country, by or unit.name)


def _nothing_known(place_name: str | None, record: ImportRecord) -> str:
    """Why a row without coordinates cannot be placed: the names it gave, none known."""
    given = [
        f"{label} {value!r}"
        for label, value in (
            ("place", place_name),
            ("admin2", record.admin2),
            ("admin1", record.admin1),
            ("country", record.country),
        )
        if value
    ]
    if not given:
        return "no coordinates and no place name: nothing to place the row by"
    return (
        "no coordinates, and none of its place names is known to the gazetteer "
        f"({', '.join(given)})"
    )


def _best(places: Sequence[Place], within: str | None, country: str | None) -> Place | None:
    """Of the places a name may name (gazetteer order), the one inside the row's unit or country."""
    if not places:
        return None
    if within is not None:
        inside = [p for p in places if p.province_code and p.province_code.startswith(within)]
        if inside:
            return inside[0]
    if country is not None:
        same = [p for p in places if p.country == country]
        if same:
            return same[0]
        return None  # a place of another country is not where the row says it is
    return places[0]
