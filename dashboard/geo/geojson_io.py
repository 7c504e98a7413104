"""GeoJSON written byte-for-byte the same on every run, and read back.

GDAL's writer orders and formats numbers in ways that change between
versions; layers committed to the repository must be reproducible, so they
are written here with fixed precision, feature order and key order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry


def round_geometry(geom: BaseGeometry, decimals: int) -> BaseGeometry:
    """Snap to a grid of ``10**-decimals`` degrees (6 is ~0.1 m) keeping polygons valid.

    Plain rounding can make a polygon self-intersect; GEOS snap-rounding does
    not. The final ``np.round`` only trims binary noise (44.700000000000003)
    so the text is short and stable.
    """
    snapped = shapely.set_precision(geom, 10.0**-decimals)
    return shapely.transform(snapped, lambda coords: np.round(coords, decimals))


def feature_collection(
    features: Iterable[tuple[Mapping[str, Any], BaseGeometry]], decimals: int = 6
) -> dict[str, Any]:
    """A GeoJSON FeatureCollection dict from (properties, geometry) pairs."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": dict(props),
                "geometry": _geometry_dict(round_geometry(geom, decimals)),
            }
            for props, geom in features
        ],
    }


def _geometry_dict(geom: BaseGeometry) -> dict[str, Any]:
    """shapely's mapping with lists instead of tuples, so JSON output is canonical."""
    return json.loads(json.dumps(mapping(geom)))


def dumps(collection: Mapping[str, Any]) -> str:
    """Canonical text: sorted keys, no spaces, UTF-8 names kept readable."""
    return json.dumps(collection, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def write(path: Path, collection: Mapping[str, Any]) -> int:
    """Write a collection; returns the number of bytes written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = dumps(collection).encode("utf-8")
    path.write_bytes(data)
    return len(data)


def read(path: Path) -> gpd.GeoDataFrame:
    """Read a layer written by :func:`write` into a GeoDataFrame in EPSG:4326."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return gpd.GeoDataFrame.from_features(raw["features"], crs="EPSG:4326")
