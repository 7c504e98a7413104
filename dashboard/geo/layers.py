"""Load a border's built layers (provinces, border segments, countries) from ``geodata/``.

The layers are built once by ``borderwatch geodata build`` (see
:mod:`dashboard.geo.build.builder`) and committed; at run time they are only read.
Which border and which folder are configuration, so the same code serves
any pair of countries.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd

from dashboard import paths
from dashboard.geo import geojson_io

DEFAULT_BORDER = "am-az"


class GeodataError(RuntimeError):
    """The layers for a border are missing or unreadable; the message says where."""


def geodata_root() -> Path:
    """Folder holding one sub-folder per border (``BORDERWATCH_GEODATA`` overrides)."""
    return paths.geodata_root()


def default_border_id() -> str:
    """The border the dashboard shows (``BORDERWATCH_BORDER`` overrides)."""
    return os.environ.get("BORDERWATCH_BORDER", DEFAULT_BORDER)


def available_borders(root: Path | None = None) -> list[str]:
    """Borders that have a build spec under the geodata folder."""
    base = root or geodata_root()
    return sorted(p.parent.name for p in base.glob("*/build.toml"))


@dataclass(frozen=True)
class BorderLayers:
    """A border's layers, read-only: share one instance, never mutate the frames."""

    id: str
    name: str
    countries: tuple[str, str]
    metric_crs: str
    folder: Path
    country_shapes: gpd.GeoDataFrame
    provinces: gpd.GeoDataFrame
    segments: gpd.GeoDataFrame
    manifest: dict[str, Any]
    districts: gpd.GeoDataFrame | None = None

    def province_name(self, code: str) -> str | None:
        match = self.provinces.loc[self.provinces["code"] == code, "name"]
        return None if match.empty else str(match.iloc[0])

    def display_layer(self, name: str) -> dict[str, Any]:
        """A simplified display copy (``provinces`` or ``segments``) as a GeoJSON dict."""
        return json.loads((self.folder / "display" / f"{name}.geojson").read_text("utf-8"))


def load_border(border_id: str | None = None, root: Path | None = None) -> BorderLayers:
    """Read a border's layers; cached, because every caller wants the same frames."""
    return _load_border(border_id or default_border_id(), root or geodata_root())


@lru_cache(maxsize=8)
def _load_border(border_id: str, root: Path) -> BorderLayers:
    folder = root / border_id
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        known = ", ".join(available_borders(root)) or "none"
        raise GeodataError(
            f"no built layers for border {border_id!r} in {folder} (known borders: {known}); "
            f"run `borderwatch geodata build {border_id}`"
        )
    try:
        manifest = json.loads(manifest_path.read_text("utf-8"))
        layers = {
            name: geojson_io.read(folder / f"{name}.geojson")
            for name in ("countries", "provinces", "segments")
        }
    except (OSError, ValueError, KeyError) as exc:
        raise GeodataError(f"{folder}: cannot read layers: {exc}") from exc
    first, second = manifest["countries"]
    return BorderLayers(
        id=border_id,
        name=manifest["name"],
        countries=(first, second),
        metric_crs=manifest["metric_crs"],
        folder=folder,
        country_shapes=layers["countries"],
        provinces=layers["provinces"],
        segments=layers["segments"],
        manifest=manifest,
        districts=_optional_layer(folder / "districts.geojson"),
    )


def _optional_layer(path: Path) -> gpd.GeoDataFrame | None:
    """A layer only some borders have (districts, where they name the segments)."""
    try:
        return geojson_io.read(path) if path.is_file() else None
    except (OSError, ValueError) as exc:
        raise GeodataError(f"{path}: cannot read layer: {exc}") from exc
