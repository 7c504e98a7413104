"""Neighbouring countries around a border, for the map's context: grey shapes with names.

Without them the map's provinces float on an empty background and a reader
cannot tell where Georgia, Iran or Turkey lie. The shapes come from Natural
Earth's Admin 0 countries (public domain), 1:50m, as the npm package
``world-atlas`` (ISC) redistributes them (``countries-50m.json``, TopoJSON,
read by GDAL's TopoJSON driver). They are context only: coarser than the
border's own layers, drawn under them, and never used to place an incident.

``borderwatch geodata neighbours WORLD.json`` writes
``geodata/<border>/display/neighbours.geojson``; geodata/SOURCES.md says how
the input was obtained.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pycountry
import shapely
from shapely.geometry import box

from dashboard.geo import geojson_io

# How far around the border's own countries the context reaches, in degrees.
PAD_DEG = 1.5
SIMPLIFY_DEG = 0.01
DECIMALS = 3


def alpha2(numeric: str | None) -> str | None:
    """ISO 3166-1 alpha-2 of a numeric code as world-atlas gives it (``"268"`` → ``"GE"``)."""
    if not numeric:
        return None
    country = pycountry.countries.get(numeric=str(numeric).zfill(3))
    return country.alpha_2 if country else None


def neighbour_collection(
    world: gpd.GeoDataFrame,
    exclude: Iterable[str],
    bounds: Sequence[float],
    pad: float = PAD_DEG,
) -> dict[str, Any]:
    """The countries of ``world`` within ``pad`` degrees of ``bounds``, clipped to that box.

    Parameters
    ----------
    world
        Countries with ``id`` (ISO numeric), ``name`` and polygon geometry.
    exclude
        Alpha-2 codes drawn by the border's own layers (their shapes are finer).
    bounds
        ``(west, south, east, north)`` of the border's own countries.

    Returns a byte-stable GeoJSON dict, features ordered by code, with
    properties ``code`` (alpha-2) and ``name``.
    """
    west, south, east, north = bounds
    frame = box(west - pad, south - pad, east + pad, north + pad)
    skip = set(exclude)
    features = []
    for numeric, name, geometry in zip(world["id"], world["name"], world.geometry, strict=True):
        code = alpha2(numeric)
        if code is None or code in skip or geometry is None or not geometry.intersects(frame):
            continue
        clipped = shapely.intersection(geometry, frame).simplify(SIMPLIFY_DEG)
        if clipped.is_empty:
            continue
        features.append(({"code": code, "name": str(name)}, clipped))
    features.sort(key=lambda item: item[0]["code"])
    return geojson_io.feature_collection(features, decimals=DECIMALS)


def write_neighbours(world_path: Path, folder: Path, countries: Iterable[str]) -> Path:
    """Read ``world_path`` (world-atlas TopoJSON), write ``folder/display/neighbours.geojson``.

    ``countries`` are the border's own countries: their outline, read from
    ``folder/countries.geojson``, sets the box, and they are left out.
    """
    world = gpd.read_file(world_path, layer="countries")
    own = geojson_io.read(folder / "countries.geojson")
    collection = neighbour_collection(world, countries, tuple(own.total_bounds))
    out = folder / "display" / "neighbours.geojson"
    geojson_io.write(out, collection)
    return out
