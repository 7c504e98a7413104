"""Load a border's built layers (provinces, border segments, countries) from ``geodata/``.

The layers are built once by ``borderwatch geodata build`` (see
:mod:`dashboard.geo.build.builder`) and committed; at run time they are only read.
Which border and which folder are configuration, so the same code serves
any pair of countries.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd

from dashboard import paths
from dashboard.geo import geojson_io

DEFAULT_BORDER = "am-az"
# The "no incidents" fill of a country whose build spec gives none, by its place in the
# spec: two quiet greys a shade apart, so the line between the two sides still reads.
DEFAULT_COUNTRY_FILLS = ("#f4f1ec", "#eceff2")


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
    country_fills: tuple[str, str] = DEFAULT_COUNTRY_FILLS

    @property
    def country_names(self) -> dict[str, str]:
        """Each country's code and name, in the spec's order, from its countries layer:
        the app names countries from the border, never from a list of its own."""
        names = dict(zip(self.country_shapes["code"], self.country_shapes["name"], strict=True))
        return {code: str(names.get(code, code)) for code in self.countries}

    @property
    def country_fill(self) -> dict[str, str]:
        """Each country's map fill where it has no incidents (``fill`` in ``build.toml``)."""
        return dict(zip(self.countries, self.country_fills, strict=True))

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
        country_fills=_country_fills(folder / "build.toml", (first, second)),
    )


def _country_fills(spec: Path, codes: tuple[str, str]) -> tuple[str, str]:
    """The ``fill`` of each ``[[countries]]`` in the build spec, in ``codes`` order.

    Colours are a border's own choice, like its names: they live in its spec,
    beside the judgements the build makes. A country without one (or a border
    without a spec) gets :data:`DEFAULT_COUNTRY_FILLS` by position.
    """
    try:
        raw = tomllib.loads(spec.read_text("utf-8")) if spec.is_file() else {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise GeodataError(f"{spec}: cannot read build spec: {exc}") from exc
    given = {c.get("code"): c.get("fill") for c in raw.get("countries", [])}
    first, second = (
        str(given.get(code) or DEFAULT_COUNTRY_FILLS[i]) for i, code in enumerate(codes)
    )
    return first, second


def _optional_layer(path: Path) -> gpd.GeoDataFrame | None:
    """A layer only some borders have (districts, where they name the segments)."""
    try:
        return geojson_io.read(path) if path.is_file() else None
    except (OSError, ValueError) as exc:
        raise GeodataError(f"{path}: cannot read layer: {exc}") from exc
