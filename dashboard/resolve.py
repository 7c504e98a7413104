"""What an analyst names, turned into a store :class:`~dashboard.store.Correction`'s values.

An analyst picks a province by its code, a segment by its id, a gazetteer
place, or clicks a point; the store wants the references whole (names and
countries) and a place with its precision. This module resolves each
against the border's layers and the gazetteer, refusing an unknown code with
:class:`UnknownCodeError` naming it, so the CLI (``borderwatch review``) and
the dashboard correct incidents through one set of rules. No database here:
the correction itself is :meth:`Store.review_incident`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from dashboard.models import DatePrecision, LocationPrecision, ProvinceRef, SegmentRef
from dashboard.store.corrections import DateWindow, Place

if TYPE_CHECKING:
    from dashboard.extract.evidence import GazetteerLike
    from dashboard.geo.geocode import Geocoder
    from dashboard.geo.layers import BorderLayers


class UnknownCodeError(ValueError):
    """A province code, segment id or place id the border's layers or gazetteer do not know."""


def province_refs(layers: BorderLayers, codes: Sequence[str]) -> tuple[ProvinceRef, ...]:
    """The provinces with these ISO 3166-2 codes, in the order given (case-insensitive)."""
    frame = layers.provinces.set_index(layers.provinces["code"].str.upper())
    found = []
    for code in codes:
        key = code.strip().upper()
        if key not in frame.index:
            raise UnknownCodeError(f"no province {code!r} on border {layers.id}")
        row = frame.loc[key]
        found.append(
            ProvinceRef(code=str(row["code"]), name=str(row["name"]), country=str(row["country"]))
        )
    return tuple(dict.fromkeys(found))


def segment_refs(layers: BorderLayers, segment_ids: Sequence[str]) -> tuple[SegmentRef, ...]:
    """The border segments with these ids, in the order given (case-insensitive)."""
    frame = layers.segments.set_index(layers.segments["id"].str.upper())
    found = []
    for segment_id in segment_ids:
        key = segment_id.strip().upper()
        if key not in frame.index:
            raise UnknownCodeError(f"no border segment {segment_id!r} on border {layers.id}")
        row = frame.loc[key]
        found.append(SegmentRef(id=str(row["id"]), name=str(row["name"])))
    return tuple(dict.fromkeys(found))


def date_window(
    start: date, end: date | None = None, precision: DatePrecision | None = None
) -> DateWindow:
    """The corrected window; without a precision, ``day`` for one day and ``days`` for more."""
    end = end or start
    if end < start:
        raise ValueError(f"the date window ends ({end}) before it starts ({start})")
    if precision is None:
        precision = DatePrecision.DAY if start == end else DatePrecision.DAYS
    return DateWindow(start, end, precision)


def point_place(
    geocoder: Geocoder,
    lat: float,
    lon: float,
    name: str | None = None,
    precision: LocationPrecision = LocationPrecision.POINT,
) -> tuple[Place, tuple[ProvinceRef, ...], tuple[SegmentRef, ...]]:
    """A clicked point as a place, with the province it lies in and the nearest segment.

    A point names its province and segment, so a correction of the place
    corrects those too (else the map would show a dot in one province
    listed under another). A point outside every province has none.
    """
    answer = geocoder.geocode_point(lat, lon)
    place = Place(precision, float(lat), float(lon), name, answer["distance_km"])
    provinces: tuple[ProvinceRef, ...] = ()
    if answer["province_code"] is not None:
        provinces = (
            ProvinceRef(answer["province_code"], answer["province_name"], answer["country"]),
        )
    segment = SegmentRef(answer["segment_id"], answer["segment_name"])
    return place, provinces, (segment,)


def gazetteer_place(
    gazetteer: GazetteerLike, geocoder: Geocoder, place_id: str
) -> tuple[Place, tuple[ProvinceRef, ...], tuple[SegmentRef, ...]]:
    """A gazetteer place as the incident's place: near that place, at its point."""
    try:
        found = gazetteer.place(place_id)
    except KeyError:
        raise UnknownCodeError(f"no place {place_id!r} in the gazetteer") from None
    if found.lat is None or found.lon is None:
        raise UnknownCodeError(f"place {place_id!r} has no coordinates in the gazetteer")
    return point_place(
        geocoder, found.lat, found.lon, found.name, precision=LocationPrecision.NEAR_PLACE
    )
