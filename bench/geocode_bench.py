"""Geocoding throughput: points per second for the whole answer, on one core.

Run: ``make bench`` (or ``python bench/geocode_bench.py [N]``). Prints figures;
it asserts nothing, because timings belong in a report, not in a test.

Two point sets, both synthetic and drawn with a fixed seed:
* ``near``: within ~30 km of the border line (where incidents are);
* ``region``: uniform over both countries' bounding box and around it.
"""

from __future__ import annotations

import os
import sys
import time

# One core, as the goal says; set before numpy loads its thread pools.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import shapely  # noqa: E402

from dashboard.geo.geocode import Geocoder  # noqa: E402
from dashboard.geo.layers import load_border  # noqa: E402


def near_border_points(layers, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Points scattered up to ~0.3° around random points of the segment lines."""
    line = shapely.union_all(list(layers.segments.geometry))
    anchors = shapely.line_interpolate_point(line, rng.uniform(0, 1, n), normalized=True)
    lat = shapely.get_y(anchors) + rng.normal(0, 0.1, n)
    lon = shapely.get_x(anchors) + rng.normal(0, 0.1, n)
    return lat, lon


def region_points(layers, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    minx, miny, maxx, maxy = layers.country_shapes.total_bounds
    return rng.uniform(miny - 0.5, maxy + 0.5, n), rng.uniform(minx - 0.5, maxx + 0.5, n)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rng = np.random.default_rng(2021)
    layers = load_border()
    started = time.perf_counter()
    geocoder = Geocoder(layers)
    print(f"border {layers.id}: geocoder ready in {time.perf_counter() - started:.2f} s")
    geocoder.geocode(np.array([40.0]), np.array([45.0]))  # warm-up
    for name, make in (("near", near_border_points), ("region", region_points)):
        lat, lon = make(layers, n, rng)
        lat, lon = np.clip(lat, -90, 90), np.clip(lon, -180, 180)
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            result = geocoder.geocode(lat, lon)
            best = min(best, time.perf_counter() - started)
        inside = np.mean(result.country != None)  # noqa: E711 (object array)
        print(
            f"{name:>6}: {n:,} points in {best:.2f} s = {n / best:,.0f} points/s "
            f"(best of 3; {inside:.0%} inside a country, "
            f"median distance {np.median(result.distance_km):.1f} km)"
        )


if __name__ == "__main__":
    main()
