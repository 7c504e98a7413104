"""The pygeoapi configuration of ``borderwatch api``: the three collections and the server's limits.

pygeoapi is configured with one dict (what its YAML file would hold). The
``incidents`` collection is served by :class:`~dashboard.api.provider.IncidentProvider`;
``provinces`` and ``segments`` are static layers, every available border's in
one collection each (a ``border`` property tells them apart), served by
pygeoapi's own GeoJSON provider from files written at start-up. Page size is
capped (:data:`MAX_ITEMS`): a larger ``limit`` is refused with a 400, not
quietly cut, so a script asking for everything at once learns to page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from dashboard.geo.layers import BorderLayers, available_borders, load_border

DEFAULT_ITEMS = 100
MAX_ITEMS = 1000
SERVICE_NAME = "borderwatch"
_ATTRIBUTION = (
    "Incidents: borderwatch, from the reports and datasets its operators ingested (each "
    "feature names its sources). Boundaries: geoBoundaries (William & Mary geoLab) and the "
    "sources and licences it names (geodata/SOURCES.md)."
)


@dataclass(frozen=True)
class ServerSettings:
    """Where the server listens and how it is reached."""

    host: str
    port: int
    public_url: str
    cors_origins: tuple[str, ...] = ()


def write_layers(folder: Path) -> dict[str, Path]:
    """Every available border's provinces and segments as GeoJSON files in ``folder``."""
    borders = [load_border(border) for border in available_borders()]
    provinces = _joined(
        [
            b.provinces[["code", "name", "country", "on_border", "geometry"]].assign(border=b.id)
            for b in borders
        ]
    )
    segments = _joined(
        [
            b.segments[["id", "name", "length_km", "geometry"]]
            .rename(columns={"id": "segment_id"})
            .assign(border=b.id)
            for b in borders
        ]
    )
    paths = {}
    for name, frame, key in (
        ("provinces", provinces, "code"),
        ("segments", segments, "segment_id"),
    ):
        path = folder / f"{name}.geojson"
        collection = json.loads(frame.to_json(drop_id=True))
        for feature in collection["features"]:
            feature["id"] = feature["properties"][key]
        path.write_text(json.dumps(collection, ensure_ascii=False), "utf-8")
        paths[name] = path
    return paths


def _joined(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs="EPSG:4326")


def pygeoapi_config(
    settings: ServerSettings, layers: BorderLayers, files: dict[str, Path]
) -> dict[str, Any]:
    """The configuration dict pygeoapi reads (its YAML schema, version 0.x)."""
    west, south, east, north = (float(v) for v in layers.country_shapes.total_bounds)
    extents = {"spatial": {"bbox": [west, south, east, north], "crs": _CRS84}}
    return {
        "server": {
            "bind": {"host": settings.host, "port": settings.port},
            "url": settings.public_url,
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "languages": ["en-US"],
            "pretty_print": False,
            "limits": {
                "default_items": DEFAULT_ITEMS,
                "max_items": MAX_ITEMS,
                "on_exceed": "error",
            },
            # pygeoapi's HTML pages would load Leaflet tiles from the internet: the
            # map is left out (the dashboard is the map); the JSON is the API.
            "map": {"url": "", "attribution": ""},
        },
        "logging": {"level": "ERROR"},
        "metadata": _metadata(settings.public_url),
        "resources": {
            "incidents": _collection(
                f"Incidents on the {layers.name} border",
                "Border incidents, each with the words of its sources (date window and "
                "place with their precision, provinces on both sides, segments, casualties "
                "by side, review status, sources with excerpts and their offsets).",
                extents,
                {
                    "type": "feature",
                    "name": "dashboard.api.provider.IncidentProvider",
                    "data": SERVICE_NAME,
                    "id_field": "id",
                    "time_field": "date_start",
                },
            ),
            "provinces": _collection(
                "Provinces",
                "Provinces (first-level units) of every border borderwatch knows, "
                "with the border they lie on.",
                extents,
                _geojson_provider(files["provinces"], "code"),
            ),
            "segments": _collection(
                "Border segments",
                "Stretches of each border between one province on each side, as the "
                "dashboard counts incidents on them.",
                extents,
                _geojson_provider(files["segments"], "segment_id"),
            ),
        },
    }


_CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def _metadata(url: str) -> dict[str, Any]:
    return {
        "identification": {
            "title": "borderwatch",
            "description": "Border incidents, each linked to the words of its sources. "
            + _ATTRIBUTION,
            "keywords": ["border incidents", "conflict data", "OGC API - Features"],
            "keywords_type": "theme",
            "terms_of_service": "",
            "url": url,
        },
        # Incidents carry their sources' terms; the boundary layers are geoBoundaries'.
        "license": {
            "name": "Each source's own terms; boundaries as geoBoundaries states them",
            "url": "https://www.geoboundaries.org/",
        },
        "provider": {"name": "borderwatch", "url": url},
        "contact": {"name": "borderwatch"},
    }


def _collection(
    title: str, description: str, extents: dict[str, Any], provider: dict[str, Any]
) -> dict[str, Any]:
    return {
        "type": "collection",
        "title": title,
        "description": description,
        "keywords": ["borderwatch"],
        "links": [],
        "extents": extents,
        "providers": [provider],
    }


def _geojson_provider(path: Path, id_field: str) -> dict[str, Any]:
    return {
        "type": "feature",
        "name": "GeoJSON",
        "data": str(path),
        "id_field": id_field,
    }
