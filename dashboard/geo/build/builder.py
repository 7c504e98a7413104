"""Build a border's layers from two countries' raw administrative boundary files.

``borderwatch geodata build`` runs this. It is generic over any pair of
countries: everything specific to a border (which files, how source units map
to ISO 3166-2 codes, exclaves) lives in the border's ``build.toml``. The steps:

1. partition the ground between the two countries so that no point belongs to
   both (the first country's outline is the line; enclosed gaps go to the
   second, except a third country's enclaves, which stay outside both;
   exclaves go to their de jure country),
2. tile each country with its units (no gaps, no overlaps inside a country),
   and, where the spec gives a second-level file, tile each unit with its
   districts,
3. take the border line and split it into named segments by the pair of units
   (or districts) it separates,
4. write full-resolution layers for geocoding and simplified display copies.

Output bytes depend only on the inputs and the spec (same bytes on rerun).
"""

from __future__ import annotations

import hashlib
import tomllib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pycountry
import shapely
from shapely.geometry.base import BaseGeometry

from dashboard.geo import geojson_io
from dashboard.geo.build.borderline import Projection, border_line, geodesic_km, split_by_units
from dashboard.geo.build.territory import (
    ExclavePiece,
    enclosed_gaps,
    find_exclave,
    partition,
    polygonal,
    tile_units,
)


class GeodataBuildError(ValueError):
    """The spec or a raw file cannot be turned into layers; the message says which."""


@dataclass(frozen=True)
class DistrictSpec:
    """Second-level units that name the segments when first-level units are too large.

    Each code is its unit's code, a dot and a name (``TJ-SU.ISFARA``), so a
    segment id made of two district codes still says which units it joins.
    """

    file: Path
    crs: str
    name_field: str
    codes: dict[str, str]
    names: dict[str, str]


@dataclass(frozen=True)
class CountrySpec:
    """One side of the border: its outline file and its unit file with the code table."""

    code: str
    name: str
    outline: Path
    units: Path
    units_crs: str
    units_name_field: str
    unit_codes: dict[str, str]
    unit_names: dict[str, str]
    districts: DistrictSpec | None = None


@dataclass(frozen=True)
class ExclaveSpec:
    """A piece of ground given to ``unit`` whatever the outlines say."""

    label: str
    unit: str
    lat: float
    lon: float


@dataclass(frozen=True)
class ForeignEnclaveSpec:
    """A hole in both outlines that belongs to a third country: it stays outside both."""

    label: str
    country: str
    lat: float
    lon: float


@dataclass(frozen=True)
class BorderSpec:
    """Everything the build needs to know about one border (from ``build.toml``)."""

    id: str
    name: str
    folder: Path
    metric_crs: str
    line_tolerance_km: float
    min_run_km: float
    sample_step_km: float
    cited_length_km: float | None
    display_simplify_deg: float
    display_grid_deg: float
    countries: tuple[CountrySpec, CountrySpec]
    exclaves: tuple[ExclaveSpec, ...]
    foreign_enclaves: tuple[ForeignEnclaveSpec, ...] = ()

    @property
    def has_districts(self) -> bool:
        """Whether segments are named by districts (then a districts layer is written)."""
        return any(c.districts is not None for c in self.countries)


@dataclass(frozen=True)
class Unit:
    """A first-level unit after tiling: code, names and its share of the ground."""

    code: str
    name: str
    country: str
    names: tuple[str, ...]
    parent: str | None
    geometry: BaseGeometry


@dataclass(frozen=True)
class Segment:
    """A named stretch of the border line between one unit on each side."""

    id: str
    name: str
    units: tuple[str, str]
    length_km: float
    geometry: BaseGeometry
    districts: tuple[str, str] | None = None


@dataclass(frozen=True)
class BuiltLayers:
    """The result of a build, before it is written."""

    spec: BorderSpec
    countries: dict[str, BaseGeometry]
    units: list[Unit]
    segments: list[Segment]
    line_length_km: float
    line_pieces: int
    districts: list[Unit] = field(default_factory=list)


def load_spec(path: Path) -> BorderSpec:
    """Read a border's ``build.toml``; raw file paths are relative to it."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise GeodataBuildError(f"{path}: cannot read build spec: {exc}") from exc
    folder = path.parent
    try:
        countries = tuple(_country_spec(c, folder) for c in raw["countries"])
        if len(countries) != 2:
            raise GeodataBuildError(f"{path}: a border needs exactly two [[countries]]")
        return BorderSpec(
            id=raw["id"],
            name=raw["name"],
            folder=folder,
            metric_crs=raw["metric_crs"],
            line_tolerance_km=float(raw["line_tolerance_km"]),
            min_run_km=float(raw.get("min_run_km", 1.0)),
            sample_step_km=float(raw.get("sample_step_km", 0.05)),
            cited_length_km=raw.get("cited_length_km"),
            display_simplify_deg=float(raw.get("display_simplify_deg", 0.005)),
            display_grid_deg=float(raw.get("display_grid_deg", 0.0001)),
            countries=(countries[0], countries[1]),
            exclaves=tuple(ExclaveSpec(**e) for e in raw.get("exclaves", [])),
            foreign_enclaves=tuple(
                ForeignEnclaveSpec(**e) for e in raw.get("foreign_enclaves", [])
            ),
        )
    except KeyError as exc:
        raise GeodataBuildError(f"{path}: missing key {exc}") from exc


def _country_spec(raw: dict, folder: Path) -> CountrySpec:
    return CountrySpec(
        code=raw["code"],
        name=raw["name"],
        outline=(folder / raw["outline"]).resolve(),
        units=(folder / raw["units"]).resolve(),
        units_crs=raw.get("units_crs", "EPSG:4326"),
        units_name_field=raw["units_name_field"],
        unit_codes=dict(raw["unit_codes"]),
        unit_names=dict(raw["unit_names"]),
        districts=_district_spec(raw["districts"], folder, raw) if "districts" in raw else None,
    )


def _district_spec(raw: dict, folder: Path, country: dict) -> DistrictSpec:
    """The ``[countries.districts]`` table; every district code must start with its unit's."""
    spec = DistrictSpec(
        file=(folder / raw["file"]).resolve(),
        crs=raw.get("crs", "EPSG:4326"),
        name_field=raw["name_field"],
        codes=dict(raw["codes"]),
        names=dict(raw["names"]),
    )
    for code in spec.names:
        unit, dot, rest = code.partition(".")
        if not dot or not rest or "_" in rest or unit not in country["unit_names"]:
            raise GeodataBuildError(
                f"district code {code!r}: must be a unit code of {country['code']}, a dot "
                "and a name without underscores (e.g. TJ-SU.ISFARA)"
            )
    return spec


# --------------------------------------------------------------------- reading


def _read_polygons(path: Path, crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise GeodataBuildError(f"{path}: cannot read: {exc}") from exc
    if frame.crs is None:
        frame = frame.set_crs(crs)
    frame = frame.to_crs("EPSG:4326")
    frame["geometry"] = shapely.make_valid(frame.geometry.values)
    return frame


def read_outline(country: CountrySpec) -> BaseGeometry:
    """The country's territory as one (multi)polygon."""
    frame = _read_polygons(country.outline)
    return polygonal(shapely.union_all(frame.geometry.values))


def read_units(country: CountrySpec) -> dict[str, BaseGeometry]:
    """Source units dissolved into coded units; unknown names are an error."""
    return _read_coded(
        country.units,
        country.units_crs,
        country.units_name_field,
        country.unit_codes,
        country.unit_names,
    )


def read_districts(country: CountrySpec) -> dict[str, BaseGeometry]:
    """Source districts dissolved into coded districts (none if the spec has no table)."""
    d = country.districts
    return {} if d is None else _read_coded(d.file, d.crs, d.name_field, d.codes, d.names)


def _read_coded(
    path: Path, crs: str, name_field: str, codes: dict[str, str], names: dict[str, str]
) -> dict[str, BaseGeometry]:
    frame = _read_polygons(path, crs)
    if name_field not in frame.columns:
        raise GeodataBuildError(f"{path}: no field {name_field!r}")
    source_names = frame[name_field].astype(str)
    unknown = sorted(set(source_names) - set(codes))
    if unknown:
        raise GeodataBuildError(f"{path}: units with no code in the table: {', '.join(unknown)}")
    grouped: dict[str, list[BaseGeometry]] = {}
    for name, geom in zip(source_names, frame.geometry.values, strict=True):
        grouped.setdefault(codes[name], []).append(geom)
    missing = sorted(set(names) - set(grouped))
    if missing:
        raise GeodataBuildError(f"{path}: no shapes for units {', '.join(missing)}")
    return {code: polygonal(shapely.union_all(geoms)) for code, geoms in sorted(grouped.items())}


# -------------------------------------------------------------------- building


def build_layers(spec: BorderSpec, progress: Callable[[str], None] = lambda _: None) -> BuiltLayers:
    """Run the whole build in memory; nothing is written."""
    first, second = spec.countries
    progress("reading raw files")
    outlines = {c.code: read_outline(c) for c in spec.countries}
    raw_units = {c.code: read_units(c) for c in spec.countries}
    progress("partitioning the ground between the two countries")
    exclaves = _locate_exclaves(spec, outlines, raw_units)
    foreign = [shapely.Point(e.lon, e.lat) for e in spec.foreign_enclaves]
    territories = dict(
        zip(
            (first.code, second.code),
            partition(outlines[first.code], outlines[second.code], exclaves, first.code, foreign),
            strict=True,
        )
    )
    progress("tiling each country with its units")
    tiles = {
        c.code: tile_units(
            territories[c.code], raw_units[c.code], [e for e in exclaves if e.country == c.code]
        )
        for c in spec.countries
    }
    district_tiles = {c.code: _tile_districts(c, tiles[c.code]) for c in spec.countries}
    progress("tracing the border line and naming its segments")
    segments, line_km, pieces = _segments(spec, territories, district_tiles)
    units = [_unit(c, code, geom) for c in spec.countries for code, geom in tiles[c.code].items()]
    districts = [
        _district(c, code, geom)
        for c in spec.countries
        if c.districts is not None
        for code, geom in district_tiles[c.code].items()
    ]
    return BuiltLayers(spec, territories, units, segments, line_km, pieces, districts)


def _tile_districts(
    country: CountrySpec, tiles: dict[str, BaseGeometry]
) -> dict[str, BaseGeometry]:
    """Each unit tiled by its own districts; a country without districts keeps its units.

    Districts are clipped to their unit, so the units' (more accurate)
    boundaries decide which unit a stretch of the line belongs to and the
    districts only cut that stretch into named pieces. A unit with no
    district in the table stands for itself.
    """
    if country.districts is None:
        return tiles
    raw = read_districts(country)
    out: dict[str, BaseGeometry] = {}
    for unit, geom in tiles.items():
        own = {code: g for code, g in raw.items() if code.split(".", 1)[0] == unit}
        out.update(tile_units(geom, own) if own else {unit: geom})
    return dict(sorted(out.items()))


def _locate_exclaves(
    spec: BorderSpec,
    outlines: dict[str, BaseGeometry],
    raw_units: dict[str, dict[str, BaseGeometry]],
) -> list[ExclavePiece]:
    """Find each listed exclave: in the outlines' overlap, an enclosed gap, or its unit's shape."""
    first, second = (c.code for c in spec.countries)
    overlap = shapely.intersection(outlines[first], outlines[second])
    gaps = shapely.union_all(enclosed_gaps(outlines[first], outlines[second]))
    pieces = []
    for exclave in spec.exclaves:
        country = _country_of_unit(spec, exclave.unit)
        other = second if country == first else first
        unit_shape = raw_units[country].get(exclave.unit, shapely.Polygon())
        candidates = [overlap, gaps, shapely.intersection(unit_shape, outlines[other])]
        try:
            geom = find_exclave(exclave.label, exclave.lat, exclave.lon, candidates)
        except ValueError as exc:
            raise GeodataBuildError(f"{spec.folder / 'build.toml'}: {exc}") from exc
        pieces.append(ExclavePiece(exclave.label, country, exclave.unit, geom))
    return pieces


def _country_of_unit(spec: BorderSpec, unit: str) -> str:
    for country in spec.countries:
        if unit in country.unit_names:
            return country.code
    raise GeodataBuildError(f"{spec.folder / 'build.toml'}: exclave unit {unit} is in no country")


def _segments(
    spec: BorderSpec,
    territories: dict[str, BaseGeometry],
    tiles: dict[str, dict[str, BaseGeometry]],
) -> tuple[list[Segment], float, int]:
    """The line, cut by the pair of tiles (units, or districts where given) it separates."""
    first, second = spec.countries
    proj = Projection(spec.metric_crs)
    lines_m = border_line(
        proj.to_metric(territories[first.code]),
        proj.to_metric(territories[second.code]),
        spec.line_tolerance_km,
    )
    if not lines_m:
        raise GeodataBuildError(f"{first.name} and {second.name} share no border line")
    labelled = split_by_units(
        lines_m,
        {code: proj.to_metric(g) for code, g in tiles[first.code].items()},
        {code: proj.to_metric(g) for code, g in tiles[second.code].items()},
        spec.sample_step_km,
        spec.min_run_km,
    )
    grouped: dict[tuple[str, str], list[BaseGeometry]] = defaultdict(list)
    for piece in labelled:
        grouped[piece.label].append(proj.to_degrees(piece.geometry))
    segments = []
    for (a, b), geoms in sorted(grouped.items()):
        geom = shapely.line_merge(shapely.union_all(geoms))
        name = f"{_tile_name(first, a)} – {_tile_name(second, b)}"
        units = (a.split(".", 1)[0], b.split(".", 1)[0])
        segments.append(
            Segment(
                f"{a}_{b}", name, units, round(geodesic_km(geom), 3), geom,
                (a, b) if spec.has_districts else None,
            )
        )  # fmt: skip
    line_km = sum(geodesic_km(proj.to_degrees(line)) for line in lines_m)
    return segments, line_km, len(lines_m)


def _tile_name(country: CountrySpec, code: str) -> str:
    if country.districts is not None and code in country.districts.names:
        return country.districts.names[code]
    return country.unit_names[code]


def _district(country: CountrySpec, code: str, geom: BaseGeometry) -> Unit:
    """A district with its name and the source file's spellings; its parent is its unit."""
    assert country.districts is not None
    names = [_tile_name(country, code)]
    names.extend(sorted(n for n, c in country.districts.codes.items() if c == code))
    return Unit(
        code=code,
        name=names[0],
        country=country.code,
        names=tuple(dict.fromkeys(names)),
        parent=code.split(".", 1)[0],
        geometry=geom,
    )


def _unit(country: CountrySpec, code: str, geom: BaseGeometry) -> Unit:
    """A unit with its English name, ISO name and the source files' spellings."""
    iso = pycountry.subdivisions.get(code=code)
    source_names = sorted(n for n, c in country.unit_codes.items() if c == code)
    names = [country.unit_names[code]]
    if iso is not None:
        names.append(iso.name)
    names.extend(source_names)
    return Unit(
        code=code,
        name=country.unit_names[code],
        country=country.code,
        names=tuple(dict.fromkeys(names)),
        parent=getattr(iso, "parent_code", None) if iso is not None else None,
        geometry=geom,
    )


# --------------------------------------------------------------------- writing

LAYER_FILES = {
    "countries": "countries.geojson",
    "provinces": "provinces.geojson",
    "segments": "segments.geojson",
    "display_provinces": "display/provinces.geojson",
    "display_segments": "display/segments.geojson",
    "districts": "districts.geojson",
}
MANIFEST = "manifest.json"


def layer_collections(layers: BuiltLayers) -> dict[str, dict[str, Any]]:
    """Every output layer as a GeoJSON dict, keyed like :data:`LAYER_FILES`."""
    spec = layers.spec
    on_border = {code for seg in layers.segments for code in (*seg.units, *(seg.districts or ()))}
    names = {c.code: c.name for c in spec.countries}
    display_units = _display_polygons(layers.units, spec)
    collections = {
        "countries": geojson_io.feature_collection(
            ({"code": code, "name": names[code]}, geom) for code, geom in layers.countries.items()
        ),
        "provinces": geojson_io.feature_collection(
            (_unit_properties(u, on_border), u.geometry) for u in layers.units
        ),
        "segments": geojson_io.feature_collection(
            (_segment_properties(s), s.geometry) for s in layers.segments
        ),
        "display_provinces": geojson_io.feature_collection(
            (
                ({"code": u.code, "name": u.name, "country": u.country}, g)
                for u, g in zip(layers.units, display_units, strict=True)
                if not g.is_empty
            ),
            decimals=4,
        ),
        "display_segments": geojson_io.feature_collection(
            (
                ({"id": s.id, "name": s.name}, _display_line(s.geometry, spec))
                for s in layers.segments
            ),
            decimals=4,
        ),
    }
    if spec.has_districts:
        collections["districts"] = geojson_io.feature_collection(
            (_unit_properties(d, set()) | {"on_border": d.code in on_border}, d.geometry)
            for d in layers.districts
        )
    return collections


def _unit_properties(unit: Unit, on_border: set[str]) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "names": list(unit.names),
        "country": unit.country,
        "parent": unit.parent,
        "on_border": unit.code in on_border,
    }


def _segment_properties(segment: Segment) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "id": segment.id,
        "name": segment.name,
        "units": list(segment.units),
    }
    if segment.districts is not None:
        properties["districts"] = list(segment.districts)
    properties["length_km"] = segment.length_km
    return properties


def _display_polygons(units: list[Unit], spec: BorderSpec) -> list[BaseGeometry]:
    """Simplify the units as one coverage, so neighbours keep a shared edge."""
    simplified = shapely.coverage_simplify(
        [u.geometry for u in units], spec.display_simplify_deg, simplify_boundary=True
    )
    return [polygonal(shapely.set_precision(g, spec.display_grid_deg)) for g in simplified]


def _display_line(geom: BaseGeometry, spec: BorderSpec) -> BaseGeometry:
    simple = shapely.simplify(geom, spec.display_simplify_deg / 2, preserve_topology=False)
    return shapely.set_precision(simple, spec.display_grid_deg)


def manifest(layers: BuiltLayers, sizes: dict[str, int]) -> dict[str, Any]:
    """What was built from what: inputs' hashes, the line's length and the check."""
    spec = layers.spec
    inputs = sorted(
        {p for c in spec.countries for p in (c.outline, c.units)}
        | {c.districts.file for c in spec.countries if c.districts is not None}
    )
    cited = spec.cited_length_km
    return {
        "id": spec.id,
        "name": spec.name,
        "countries": [c.code for c in spec.countries],
        "metric_crs": spec.metric_crs,
        "inputs": [
            {"file": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()} for p in inputs
        ],
        "line_length_km": round(layers.line_length_km, 1),
        "line_pieces": layers.line_pieces,
        "cited_length_km": cited,
        "difference_from_cited_pct": (
            round(100.0 * (layers.line_length_km - cited) / cited, 2) if cited else None
        ),
        "segments": len(layers.segments),
        "exclaves": [e.label for e in spec.exclaves],
        **(
            {"foreign_enclaves": [e.label for e in spec.foreign_enclaves]}
            if spec.foreign_enclaves
            else {}
        ),
        "bytes": dict(sorted(sizes.items())),
    }


def write_layers(layers: BuiltLayers, out_dir: Path) -> dict[str, Any]:
    """Write every layer and the manifest under ``out_dir``; returns the manifest."""
    sizes = {}
    for key, collection in layer_collections(layers).items():
        sizes[LAYER_FILES[key]] = geojson_io.write(out_dir / LAYER_FILES[key], collection)
    info = manifest(layers, sizes)
    (out_dir / MANIFEST).write_text(geojson_io.dumps(info), encoding="utf-8")
    return info


def build(
    spec_path: Path, out_dir: Path | None = None, progress: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    """Build a border's layers from its ``build.toml`` into its folder (or ``out_dir``)."""
    spec = load_spec(spec_path)
    layers = build_layers(spec, progress)
    progress("writing layers")
    return write_layers(layers, out_dir or spec.folder)
