"""Coordinates → country, province, nearest border segment, distance to the border.

Vectorised over numpy arrays; one :class:`Geocoder` per border is built once
and shared (it only reads its layers).

Rules that decide answers near the line:

* Country and province come from one lookup in the built province layer.
  Those units tile the partition made at build time, where the first
  country's outline *is* the border line, so a point 100 m from the line
  cannot fall in both countries or in neither, whatever the raw outlines
  say. Where coordinate rounding leaves a hair-thin overlap (< 0.01 km² in
  all), the first country's unit wins, as it does at build time.
* A point in no unit is outside both countries: it gets no country and no
  province (never the nearest one), but it still gets the nearest segment
  and its distance, which are facts about the point.
* Distances are measured in the border's metric CRS to the segment lines
  densified every 100 m, refined on the two edges either side of the
  nearest vertex: exact except where the line doubles back within 100 m,
  and then at most 50 m too long.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyproj
import shapely
from scipy.spatial import cKDTree

from dashboard.geo.layers import BorderLayers

OUTSIDE = "outside"
_DENSIFY_M = 100.0


class GeocodeError(ValueError):
    """Coordinates that are not coordinates; the message names the row."""


@dataclass(frozen=True)
class GeocodeResult:
    """Answers for n points, column by column (``None`` where there is no answer)."""

    lat: np.ndarray
    lon: np.ndarray
    country: np.ndarray
    province_code: np.ndarray
    province_name: np.ndarray
    segment_id: np.ndarray
    segment_name: np.ndarray
    distance_km: np.ndarray
    side: np.ndarray

    def __len__(self) -> int:
        return len(self.lat)

    def records(self) -> Iterator[dict[str, Any]]:
        """One dict per point, in input order, with JSON-ready values."""
        for i in range(len(self)):
            yield {
                "lat": float(self.lat[i]),
                "lon": float(self.lon[i]),
                "country": self.country[i],
                "province_code": self.province_code[i],
                "province_name": self.province_name[i],
                "segment_id": self.segment_id[i],
                "segment_name": self.segment_name[i],
                "distance_km": round(float(self.distance_km[i]), 3),
                "side": self.side[i],
            }


def coordinate_problems(lat: np.ndarray, lon: np.ndarray) -> dict[int, str]:
    """What is wrong with each bad row (0-based index → reason); empty when all are fine."""
    if lat.shape != lon.shape:
        raise GeocodeError(f"{lat.size} latitudes but {lon.size} longitudes")
    problems: dict[int, str] = {}
    with np.errstate(invalid="ignore"):
        checks = (
            (~np.isfinite(lat), "latitude is not a number"),
            (~np.isfinite(lon), "longitude is not a number"),
            (np.abs(lat) > 90, "latitude outside -90..90"),
            (np.abs(lon) > 180, "longitude outside -180..180"),
        )
    for bad, reason in checks:
        for i in np.flatnonzero(bad):
            problems.setdefault(int(i), reason)
    return dict(sorted(problems.items()))


def validate_coordinates(lat: np.ndarray, lon: np.ndarray, first_row: int = 1) -> None:
    """Raise :class:`GeocodeError` naming the first bad row (rows count from ``first_row``)."""
    problems = coordinate_problems(lat, lon)
    if problems:
        i, reason = next(iter(problems.items()))
        more = f"; {len(problems) - 1} more bad rows" if len(problems) > 1 else ""
        values = f"lat={float(lat[i]):g}, lon={float(lon[i]):g}"
        raise GeocodeError(f"row {i + first_row}: {reason} ({values}){more}")


class Geocoder:
    """Answers for points against one border's layers (build once, reuse)."""

    def __init__(self, layers: BorderLayers) -> None:
        self.layers = layers
        self._units = _UnitIndex(layers)
        self._line = _LineIndex(layers)

    def geocode(self, lat: np.ndarray, lon: np.ndarray, first_row: int = 1) -> GeocodeResult:
        """Geocode arrays of WGS 84 latitudes and longitudes (degrees)."""
        lat = np.asarray(lat, dtype=float).ravel()
        lon = np.asarray(lon, dtype=float).ravel()
        validate_coordinates(lat, lon, first_row)
        unit = self._units.lookup(lon, lat)
        segment, distance_km = self._line.nearest(lon, lat)
        inside = unit >= 0
        country = np.where(inside, self._units.country[unit], None)
        return GeocodeResult(
            lat=lat,
            lon=lon,
            country=country,
            province_code=np.where(inside, self._units.code[unit], None),
            province_name=np.where(inside, self._units.name[unit], None),
            segment_id=self._line.segment_id[segment],
            segment_name=self._line.segment_name[segment],
            distance_km=distance_km,
            side=np.where(inside, country, OUTSIDE),
        )

    def geocode_point(self, lat: float, lon: float) -> dict[str, Any]:
        """One point's answer as a dict."""
        return next(self.geocode(np.array([lat]), np.array([lon])).records())


class _UnitIndex:
    """Point-in-unit lookup: prepared polygons, bounding-box prefilter per unit."""

    def __init__(self, layers: BorderLayers) -> None:
        provinces = layers.provinces
        # The second country's units first, so the first country's overwrite them on overlap.
        order = np.argsort(provinces["country"] == layers.countries[0], kind="stable")
        frame = provinces.iloc[order]
        self.geoms = list(frame.geometry)
        for geom in self.geoms:
            shapely.prepare(geom)
        self.bounds = np.array([g.bounds for g in self.geoms])
        self.code = np.array([*list(frame["code"]), None], dtype=object)
        self.name = np.array([*list(frame["name"]), None], dtype=object)
        self.country = np.array([*list(frame["country"]), None], dtype=object)

    def lookup(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Index of the unit containing each point, -1 where none does."""
        found = np.full(lon.shape, -1, dtype=np.int64)
        for i, (geom, (minx, miny, maxx, maxy)) in enumerate(
            zip(self.geoms, self.bounds, strict=True)
        ):
            candidates = np.flatnonzero(
                (lon >= minx) & (lon <= maxx) & (lat >= miny) & (lat <= maxy)
            )
            if candidates.size:
                hit = shapely.contains_xy(geom, lon[candidates], lat[candidates])
                found[candidates[hit]] = i
        return found


class _LineIndex:
    """Nearest segment and distance to the border line.

    Near the line (< ``_EXACT_WITHIN_KM``) a k-d tree on the line densified
    every 100 m gives the nearest vertex, refined on the edges either side.
    Farther away, k-d tree searches get slow (every leaf is about equally
    far) while the distance field gets smooth, so the answer is interpolated
    from a grid of exact distances every ``_GRID_M``: the error of bilinear
    interpolation there is of order grid² / (8 · distance), metres at 10 km
    (the benchmark measures it).
    """

    def __init__(self, layers: BorderLayers) -> None:
        self._to_metric = pyproj.Transformer.from_crs(
            "EPSG:4326", layers.metric_crs, always_xy=True
        )
        self.segment_id = np.array(list(layers.segments["id"]), dtype=object)
        self.segment_name = np.array(list(layers.segments["name"]), dtype=object)
        self._densify(layers)
        # An unbalanced tree answers queries ~4x faster on a line-shaped point set.
        self.tree = cKDTree(self.vertices, balanced_tree=False, compact_nodes=False)
        self._grid = _DistanceGrid.around(self, layers)

    def _densify(self, layers: BorderLayers) -> None:
        vertices, segment_of, part_of = [], [], []
        for s, geom in enumerate(layers.segments.geometry):
            for line in shapely.get_parts(geom):
                coords = shapely.get_coordinates(line)
                x, y = self._to_metric.transform(coords[:, 0], coords[:, 1])
                dense = shapely.get_coordinates(
                    shapely.segmentize(shapely.linestrings(x, y), _DENSIFY_M)
                )
                vertices.append(dense)
                segment_of.append(np.full(len(dense), s))
                part_of.append(np.full(len(dense), len(part_of)))
        self.vertices = np.vstack(vertices)
        self.segment_of = np.concatenate(segment_of)
        self.part_of = np.concatenate(part_of)

    def nearest(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(segment index, distance in km) for each point."""
        x, y = self._to_metric.transform(lon, lat)
        segment, distance_m, known = self._grid.lookup(x, y)
        exact = np.flatnonzero(~known)
        if exact.size:
            segment[exact], distance_m[exact] = self.exact(x[exact], y[exact])
        return segment, distance_m / 1000.0

    def exact(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Exact (segment index, distance in m) from metric coordinates."""
        _, distance, vertex = self.exact_with_vertex(x, y)
        return self.segment_of[vertex], distance

    def exact_with_vertex(
        self, x: np.ndarray, y: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Exact (segment index, distance in m, nearest vertex index)."""
        best, vertex = self.tree.query(np.column_stack([x, y]), k=1)
        for step in (-1, 1):
            best = np.minimum(best, self._edge_distance(x, y, vertex, step))
        return self.segment_of[vertex], best, vertex

    def _edge_distance(
        self, x: np.ndarray, y: np.ndarray, vertex: np.ndarray, step: int
    ) -> np.ndarray:
        """Distance to the edge from each point's vertex to the next (inf where there is none)."""
        other = np.clip(vertex + step, 0, len(self.vertices) - 1)
        valid = (other != vertex) & (self.part_of[other] == self.part_of[vertex])
        ax, ay = self.vertices[vertex, 0], self.vertices[vertex, 1]
        dx, dy = self.vertices[other, 0] - ax, self.vertices[other, 1] - ay
        length2 = dx * dx + dy * dy
        t = ((x - ax) * dx + (y - ay) * dy) / np.where(length2 > 0, length2, 1.0)
        t = np.clip(t, 0.0, 1.0)
        distance = np.hypot(x - ax - t * dx, y - ay - t * dy)
        return np.where(valid, distance, np.inf)


_GRID_M = 1000.0
_EXACT_WITHIN_KM = 10.0
_GRID_MARGIN_M = 100_000.0


@dataclass(frozen=True)
class _DistanceGrid:
    """Exact distances to the line at the nodes of a regular metric grid."""

    x0: float
    y0: float
    distance: np.ndarray
    segment: np.ndarray
    smooth: np.ndarray

    @classmethod
    def around(cls, line: _LineIndex, layers: BorderLayers) -> _DistanceGrid:
        """A grid over both countries plus a margin, filled by exact queries."""
        minx, miny, maxx, maxy = layers.country_shapes.to_crs(layers.metric_crs).total_bounds
        x0, y0 = minx - _GRID_MARGIN_M, miny - _GRID_MARGIN_M
        nx = int(np.ceil((maxx + _GRID_MARGIN_M - x0) / _GRID_M)) + 1
        ny = int(np.ceil((maxy + _GRID_MARGIN_M - y0) / _GRID_M)) + 1
        gx, gy = np.meshgrid(x0 + np.arange(nx) * _GRID_M, y0 + np.arange(ny) * _GRID_M)
        segment, distance, vertex = line.exact_with_vertex(gx.ravel(), gy.ravel())
        return cls(
            x0,
            y0,
            distance.reshape(ny, nx),
            segment.reshape(ny, nx),
            _smooth_cells(vertex.reshape(ny, nx), line.part_of),
        )

    def lookup(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Interpolated (segment, distance m, known) — ``known`` false where not far enough."""
        ny, nx = self.distance.shape
        fx, fy = (x - self.x0) / _GRID_M, (y - self.y0) / _GRID_M
        inside = (fx >= 0) & (fx < nx - 1) & (fy >= 0) & (fy < ny - 1)
        ix = np.clip(fx.astype(np.int64), 0, nx - 2)
        iy = np.clip(fy.astype(np.int64), 0, ny - 2)
        tx, ty = np.clip(fx - ix, 0, 1), np.clip(fy - iy, 0, 1)
        d = self.distance
        distance = (
            d[iy, ix] * (1 - tx) * (1 - ty)
            + d[iy, ix + 1] * tx * (1 - ty)
            + d[iy + 1, ix] * (1 - tx) * ty
            + d[iy + 1, ix + 1] * tx * ty
        )
        segment = self.segment[iy + (ty > 0.5), ix + (tx > 0.5)]
        known = inside & (distance >= _EXACT_WITHIN_KM * 1000.0) & self.smooth[iy, ix]
        return segment, distance, known


def _smooth_cells(vertex: np.ndarray, part_of: np.ndarray) -> np.ndarray:
    """Cells whose four corners are nearest to one short stretch of one line piece.

    Elsewhere a ridge of the distance field (equally near two stretches of
    the line) crosses the cell, where interpolation errs and the nearest
    segment can change: those cells are answered exactly.
    """
    corners = [vertex[:-1, :-1], vertex[:-1, 1:], vertex[1:, :-1], vertex[1:, 1:]]
    low = np.minimum.reduce(corners)
    high = np.maximum.reduce(corners)
    same_part = part_of[low] == part_of[high]
    return same_part & (high - low <= _SMOOTH_SPAN_VERTICES)


# Corners whose nearest vertices lie within this many 100 m steps of each other.
_SMOOTH_SPAN_VERTICES = 40
