"""The border line between two territories, cut into segments named by their units.

Works in a projected (metric) CRS so that tolerances and sample spacing are in
kilometres; lengths are geodesic on WGS 84.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from dashboard.geo.build.segments import label_runs, merge_short_runs

_GEOD = pyproj.Geod(ellps="WGS84")


@dataclass(frozen=True)
class Projection:
    """Forward and inverse coordinate transforms between EPSG:4326 and a metric CRS."""

    metric_crs: str

    def _transformer(self, inverse: bool) -> pyproj.Transformer:
        src, dst = ("EPSG:4326", self.metric_crs)
        if inverse:
            src, dst = dst, src
        return pyproj.Transformer.from_crs(src, dst, always_xy=True)

    def to_metric(self, geom: BaseGeometry) -> BaseGeometry:
        return _apply(self._transformer(inverse=False), geom)

    def to_degrees(self, geom: BaseGeometry) -> BaseGeometry:
        return _apply(self._transformer(inverse=True), geom)


def _apply(transformer: pyproj.Transformer, geom: BaseGeometry) -> BaseGeometry:
    def transform(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geom, transform)


def geodesic_km(geom: BaseGeometry) -> float:
    """Length of a (multi)line in EPSG:4326 on the WGS 84 ellipsoid, in km."""
    return _GEOD.geometry_length(geom) / 1000.0


def border_line(
    first_m: BaseGeometry, second_m: BaseGeometry, tolerance_km: float
) -> list[BaseGeometry]:
    """The first territory's edge where it lies within ``tolerance_km`` of the second.

    Both inputs are in the metric CRS; returns merged line pieces, longest first.
    """
    edge = first_m.boundary
    reach = tolerance_km * 1000.0
    near_second = shapely.intersection(second_m, shapely.buffer(edge, reach * 2))
    raw = shapely.intersection(edge, shapely.buffer(near_second, reach))
    lines = [g for g in shapely.get_parts(shapely.line_merge(_lines_only(raw))) if g.length > 0]
    return sorted(lines, key=lambda g: (-round(g.length, 3), g.coords[0]))


def _lines_only(geom: BaseGeometry) -> BaseGeometry:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("LineString", "MultiLineString")]
    return shapely.union_all(parts)


@dataclass(frozen=True)
class LabelledPiece:
    """A stretch of the line (metric CRS) between unit ``label[0]`` and ``label[1]``."""

    label: tuple[str, str]
    geometry: BaseGeometry


def split_by_units(
    lines_m: list[BaseGeometry],
    first_units_m: Mapping[str, BaseGeometry],
    second_units_m: Mapping[str, BaseGeometry],
    step_km: float,
    min_run_km: float,
) -> list[LabelledPiece]:
    """Label samples every ``step_km`` by the nearest unit on each side, then cut into runs."""
    nearest_first = _nearest_unit_finder(first_units_m)
    nearest_second = _nearest_unit_finder(second_units_m)
    pieces: list[LabelledPiece] = []
    for line in lines_m:
        total_km = line.length / 1000.0
        positions_km = np.arange(step_km / 2, max(total_km, step_km / 2 + 1e-9), step_km)
        samples = shapely.line_interpolate_point(line, positions_km * 1000.0)
        labels = list(zip(nearest_first(samples), nearest_second(samples), strict=True))
        runs = merge_short_runs(label_runs(labels, list(positions_km), total_km), min_run_km)
        for run in runs:
            geom = substring(line, run.start_km * 1000.0, run.end_km * 1000.0)
            pieces.append(LabelledPiece(run.label, geom))
    return pieces


def _nearest_unit_finder(units: Mapping[str, BaseGeometry]) -> Callable[[np.ndarray], list[str]]:
    codes = sorted(units)
    tree = shapely.STRtree([units[c] for c in codes])

    def nearest(points: np.ndarray) -> list[str]:
        inputs, found = tree.query_nearest(points, all_matches=False)
        answer = [""] * len(points)
        for i, j in zip(inputs, found, strict=True):
            answer[int(i)] = codes[int(j)]
        return answer

    return nearest
