"""Share the ground between two countries, then between each country's units.

Two national outlines from different sources overlap in slivers and leave
gaps along their common border. A geocoder that tested a point against both
raw outlines could put a point 300 m from the line in both countries or in
neither. So the ground is partitioned once, at build time, by one rule:

* the first country's outline is the border line (its edge wins everywhere);
* gaps enclosed between the outlines go to the country they touch most —
  the second country wherever they touch it — except a third country's
  enclaves (Sokh and Shakhimardan, Uzbek, inside Kyrgyzstan), which are
  holes in both outlines and stay outside both;
* listed exclaves go to the unit they belong to de jure, whatever either
  outline says.

Each country is then tiled by its units: units are clipped to the country,
overlaps are resolved in code order and every piece no unit covers (a lake,
slivers between a coarse unit file and an accurate outline) joins the unit
nearest to it (cell by cell, ~1 km).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely import Point
from shapely.geometry.base import BaseGeometry

# Distances in degrees: 1e-6° is ~0.1 m, the scale of floating-point noise in overlays.
_EPS_DEG = 1e-6


@dataclass(frozen=True)
class ExclavePiece:
    """A piece of ground assigned to ``unit`` of ``country`` by the exclave rule."""

    label: str
    country: str
    unit: str
    geometry: BaseGeometry


def polygon_parts(geom: BaseGeometry) -> list[BaseGeometry]:
    """The polygons of a geometry, dropping stray points and lines left by overlays."""
    return [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and p.area > 0]


def polygonal(geom: BaseGeometry) -> BaseGeometry:
    """Only the areal part of a geometry, as one (multi)polygon."""
    parts = polygon_parts(geom)
    return shapely.union_all(parts) if parts else shapely.Polygon()


def enclosed_gaps(first: BaseGeometry, second: BaseGeometry) -> list[BaseGeometry]:
    """Holes in the union of two outlines: ground both outlines surround but neither covers."""
    union = shapely.union(first, second)
    return [shapely.Polygon(ring) for part in polygon_parts(union) for ring in part.interiors]


def find_exclave(
    label: str,
    lat: float,
    lon: float,
    candidates: Sequence[BaseGeometry],
) -> BaseGeometry:
    """The first candidate polygon that contains the exclave's point."""
    point = Point(lon, lat)
    for candidate in candidates:
        for part in polygon_parts(candidate):
            if part.contains(point):
                return part
    raise ValueError(f"exclave {label!r}: no piece of ground contains {lat}N {lon}E")


def partition(
    first: BaseGeometry,
    second: BaseGeometry,
    exclaves: Sequence[ExclavePiece],
    first_code: str,
    foreign: Sequence[Point] = (),
) -> tuple[BaseGeometry, BaseGeometry]:
    """Disjoint territories for two countries by the module's rule.

    ``foreign`` are points inside a third country's enclaves: an enclosed gap
    holding one of them is not filled.
    """
    to_first = [e.geometry for e in exclaves if e.country == first_code]
    to_second = [e.geometry for e in exclaves if e.country != first_code]
    gaps = [g for g in enclosed_gaps(first, second) if not any(g.contains(p) for p in foreign)]
    second_gaps = [g for g in gaps if g.distance(second) < _EPS_DEG]
    first_gaps = [g for g in gaps if g.distance(second) >= _EPS_DEG]
    first_final = shapely.union_all(
        [shapely.difference(first, shapely.union_all(to_second)), *to_first, *first_gaps]
    )
    first_final = polygonal(first_final)
    second_final = polygonal(
        shapely.difference(shapely.union_all([second, *second_gaps, *to_second]), first_final)
    )
    return first_final, second_final


def tile_units(
    country: BaseGeometry,
    units: Mapping[str, BaseGeometry],
    forced: Sequence[ExclavePiece] = (),
    cell_deg: float = 0.01,
) -> dict[str, BaseGeometry]:
    """Units that cover ``country`` exactly, without overlaps.

    ``forced`` pieces belong to their unit whatever the unit file says. Ground
    no unit covers is cut into ``cell_deg`` cells, each given to the nearest
    unit: a long sliver between a coarse unit file and an accurate outline is
    shared out along its length, so a junction between two units stays where
    the unit file puts it instead of moving to one end of the sliver.
    """
    forced_union = shapely.union_all([f.geometry for f in forced])
    base = polygonal(shapely.difference(country, forced_union))
    tiles: dict[str, BaseGeometry] = {}
    taken = shapely.Polygon()
    for code in sorted(units):
        tiles[code] = polygonal(shapely.difference(shapely.intersection(units[code], base), taken))
        taken = shapely.union(taken, tiles[code])
    leftovers = cut_by_grid(polygon_parts(shapely.difference(base, taken)), cell_deg)
    pieces: dict[str, list[BaseGeometry]] = {code: [geom] for code, geom in tiles.items()}
    for piece, code in zip(leftovers, nearest_units(leftovers, tiles), strict=True):
        pieces[code].append(piece)
    for f in forced:
        pieces.setdefault(f.unit, []).append(f.geometry)
    merged = {code: polygonal(shapely.union_all(parts)) for code, parts in sorted(pieces.items())}
    return absorb_fragments(merged, max_fragment_deg2=cell_deg**2)


def absorb_fragments(
    tiles: Mapping[str, BaseGeometry], max_fragment_deg2: float
) -> dict[str, BaseGeometry]:
    """Give a unit's small detached parts to the neighbour that surrounds them.

    Clipping a coarse unit file leaves crumbs of one unit inside another; a
    crumb that touches another unit goes to the one sharing its longest edge.
    Islands (touching no other unit) and each unit's main part stay.
    """
    codes = sorted(tiles)
    tree = shapely.STRtree([tiles[c] for c in codes])
    moves: list[tuple[str, str, BaseGeometry]] = []
    for code in codes:
        for part in sorted(polygon_parts(tiles[code]), key=lambda p: -p.area)[1:]:
            if part.area >= max_fragment_deg2:
                continue
            target = _longest_shared_edge(part, code, codes, tree)
            if target is not None:
                moves.append((code, target, part))
    pieces: dict[str, list[BaseGeometry]] = {c: [tiles[c]] for c in codes}
    removed: dict[str, list[BaseGeometry]] = {c: [] for c in codes}
    for source, target, part in moves:
        removed[source].append(part)
        pieces[target].append(part)
    return {
        c: polygonal(
            shapely.difference(shapely.union_all(pieces[c]), shapely.union_all(removed[c]))
        )
        for c in codes
    }


def _longest_shared_edge(
    part: BaseGeometry, own: str, codes: Sequence[str], tree: shapely.STRtree
) -> str | None:
    best: tuple[float, str] | None = None
    ring = shapely.buffer(part.boundary, _EPS_DEG * 2)
    for idx in tree.query(part, predicate="dwithin", distance=_EPS_DEG):
        other = codes[int(idx)]
        if other == own:
            continue
        shared = shapely.intersection(ring, tree.geometries[int(idx)].boundary).length
        if shared > 0 and (best is None or shared > best[0]):
            best = (shared, other)
    return best[1] if best else None


def cut_by_grid(pieces: Sequence[BaseGeometry], cell_deg: float) -> list[BaseGeometry]:
    """Cut polygons larger than one cell along a regular grid of ``cell_deg`` degrees."""
    out: list[BaseGeometry] = []
    for piece in pieces:
        minx, miny, maxx, maxy = piece.bounds
        if maxx - minx <= cell_deg and maxy - miny <= cell_deg:
            out.append(piece)
            continue
        xs = np.arange(np.floor(minx / cell_deg), np.ceil(maxx / cell_deg)) * cell_deg
        ys = np.arange(np.floor(miny / cell_deg), np.ceil(maxy / cell_deg)) * cell_deg
        gx, gy = np.meshgrid(xs, ys)
        cells = shapely.box(gx.ravel(), gy.ravel(), gx.ravel() + cell_deg, gy.ravel() + cell_deg)
        cells = cells[shapely.intersects(cells, piece)]
        for part in shapely.intersection(cells, piece):
            out.extend(polygon_parts(part))
    return out


def nearest_units(pieces: Sequence[BaseGeometry], tiles: Mapping[str, BaseGeometry]) -> list[str]:
    """For each piece, the code of the tile nearest to a point inside it."""
    if not pieces:
        return []
    codes = sorted(tiles)
    tree = shapely.STRtree([tiles[c] for c in codes])
    points = shapely.point_on_surface(np.array(pieces, dtype=object))
    inputs, found = tree.query_nearest(points, all_matches=False)
    answer = [""] * len(pieces)
    for i, j in zip(inputs, found, strict=True):
        answer[int(i)] = codes[int(j)]
    return answer
