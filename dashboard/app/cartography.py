"""What makes the map readable without tiles: names and context, built once per process.

The dashboard draws no background tiles by default (nothing is fetched from
outside), so the map must name what it shows itself: the two countries, the
provinces on both sides, the settlements near the line as one zooms in, and
the neighbouring countries in grey. This module turns the border's layers and
gazetteer into one GeoJSON collection of labels, each with the zoom from
which it shows (``web/map.js`` draws them as text, never as HTML), and picks
the first view: the border area, not the two whole countries.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pycountry
import shapely
from shapely.geometry import box, shape

from dashboard.gazetteer.data import Place

# A label shows once the shape it names is at least this many pixels wide.
LABEL_PX = 80
MIN_LABEL_ZOOM = 6
MAX_LABEL_ZOOM = 11
# Settlements within this distance of the line are named; the larger ones first.
SETTLEMENT_KM = 15.0
TOWN_POPULATION = 10_000
TOWN_ZOOM = 9
VILLAGE_ZOOM = 10
# How far around the border line the first view and the country labels reach (degrees).
AREA_PAD_DEG = 0.25
COORDINATE_DECIMALS = 4


def country_name(code: str) -> str:
    """A country's common English name from its alpha-2 code (pycountry, offline)."""
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def label_min_zoom(width_deg: float, label_px: int = LABEL_PX) -> int:
    """The first zoom at which ``width_deg`` of longitude spans ``label_px`` pixels.

    A name shows only where it fits inside its shape, so small districts are
    named as one zooms in rather than piling up at the first view.
    """
    if width_deg <= 0:
        return MAX_LABEL_ZOOM
    zoom = math.ceil(math.log2(label_px * 360 / (256 * width_deg)))
    return min(max(zoom, MIN_LABEL_ZOOM), MAX_LABEL_ZOOM)


def area_bounds(line_bounds: Sequence[Sequence[float]], pad: float = AREA_PAD_DEG) -> list:
    """``[[south, west], [north, east]]`` of the border line, padded: the first view."""
    (south, west), (north, east) = line_bounds
    return [[south - pad, west - pad], [north + pad, east + pad]]


def _label(lon: float, lat: float, text: str, cls: str, zoom: int) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {
            "type": "Point",
            "coordinates": [round(lon, COORDINATE_DECIMALS), round(lat, COORDINATE_DECIMALS)],
        },
        "properties": {"t": text, "c": cls, "z": zoom},
    }


def country_labels(
    provinces: Mapping[str, Any],
    neighbours: Mapping[str, Any] | None,
    area: Sequence[Sequence[float]],
    names: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """One name per country, placed inside the part of it that the first view shows.

    A country's own centre can lie far outside the border area (Azerbaijan's
    is by the Caspian), so the label goes to a point of its shape clipped to
    ``area``; a neighbour that does not reach the area gets no label. ``names`` are
    the border's own country names (its countries layer); pycountry names the rest.
    """
    names = names or {}
    (south, west), (north, east) = area
    frame = box(west, south, east, north)
    shapes: dict[str, list] = {}
    for feature in provinces["features"]:
        shapes.setdefault(feature["properties"]["country"], []).append(shape(feature["geometry"]))
    labels = []
    for code, parts in sorted(shapes.items()):
        name = names.get(code) or country_name(code)
        labels.append((code, name, "country", shapely.union_all(parts)))
    for feature in (neighbours or {}).get("features", []):
        props = feature["properties"]
        labels.append((props["code"], props["name"], "neighbour", shape(feature["geometry"])))
    out = []
    for _code, name, cls, geometry in labels:
        inside = shapely.intersection(geometry, frame)
        if inside.is_empty or inside.area < 0.02:  # a sliver at the edge: no room for a name
            continue
        point = inside.representative_point()
        out.append(_label(point.x, point.y, name, cls, MIN_LABEL_ZOOM))
    return out


def province_labels(provinces: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each province's name inside it, from the zoom at which it fits."""
    out = []
    for feature in provinces["features"]:
        geometry = shape(feature["geometry"])
        west, _south, east, _north = geometry.bounds
        point = geometry.representative_point()
        zoom = label_min_zoom(east - west)
        out.append(_label(point.x, point.y, feature["properties"]["name"], "province", zoom))
    return out


def settlement_labels(places: Iterable[Place], within_km: float = SETTLEMENT_KM) -> list:
    """Settlements near the line from the gazetteer: towns from zoom 9, villages from 10."""
    out = []
    near = [
        p
        for p in places
        if p.kind == "settlement"
        and p.lat is not None
        and p.lon is not None
        and p.distance_km is not None
        and p.distance_km <= within_km
    ]
    near.sort(key=lambda p: (-(p.population or 0), p.name))
    for place in near:
        zoom = TOWN_ZOOM if (place.population or 0) >= TOWN_POPULATION else VILLAGE_ZOOM
        out.append(_label(place.lon, place.lat, place.name, "place", zoom))  # type: ignore[arg-type]
    return out


def label_collection(
    provinces: Mapping[str, Any],
    neighbours: Mapping[str, Any] | None,
    places: Iterable[Place],
    area: Sequence[Sequence[float]],
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Every label of the map, as point features with ``t`` text, ``c`` class, ``z`` zoom.

    ``c`` is ``country``, ``neighbour``, ``province`` or ``place``; map.js
    styles by it and stacks country names over province names over
    settlements where they overlap.
    """
    features = [
        *country_labels(provinces, neighbours, area, names),
        *province_labels(provinces),
        *settlement_labels(places),
    ]
    return {"type": "FeatureCollection", "features": features}


__all__ = [
    "area_bounds",
    "country_labels",
    "country_name",
    "label_collection",
    "label_min_zoom",
    "province_labels",
    "settlement_labels",
]
