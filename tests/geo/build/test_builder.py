"""Building layers: a tiny synthetic pair of countries, then the real Armenia–Azerbaijan build."""

import json
from pathlib import Path

import pytest
import shapely
from shapely import box

from dashboard.geo import geojson_io
from dashboard.geo.build.builder import GeodataBuildError, build, build_layers, load_spec
from dashboard.paths import geodata_root

SPEC = """
id = "xa-xb"
name = "Synthetic A–B (test fixture, not real places)"
metric_crs = "EPSG:32632"
line_tolerance_km = 1.0
min_run_km = 2.0
sample_step_km = 0.5

[[countries]]
code = "XA"
name = "Country A"
outline = "raw/a-outline.geojson"
units = "raw/a-units.geojson"
units_name_field = "unit"
[countries.unit_names]
"XA-W" = "West"
"XA-E" = "East"
[countries.unit_codes]
"west" = "XA-W"
"east" = "XA-E"

[[countries]]
code = "XB"
name = "Country B"
outline = "raw/b-outline.geojson"
units = "raw/b-units.geojson"
units_name_field = "unit"
[countries.unit_names]
"XB-N" = "North"
"XB-S" = "South"
[countries.unit_codes]
"north" = "XB-N"
"south" = "XB-S"
"""


def _write(path: Path, features: list[tuple[dict, shapely.Geometry]]) -> None:
    geojson_io.write(path, geojson_io.feature_collection(features))


@pytest.fixture
def synthetic_spec(tmp_path: Path) -> Path:
    """Two 1°×1° countries side by side at 10–12°E; B overlaps A by 0.001° (a sliver)."""
    raw = tmp_path / "raw"
    _write(raw / "a-outline.geojson", [({"name": "A"}, box(10, 0, 11, 1))])
    _write(
        raw / "a-units.geojson",
        [({"unit": "west"}, box(10, 0, 10.5, 1)), ({"unit": "east"}, box(10.5, 0, 11, 1))],
    )
    _write(raw / "b-outline.geojson", [({"name": "B"}, box(10.999, 0, 12, 1))])
    _write(
        raw / "b-units.geojson",
        [
            ({"unit": "south"}, box(10.999, 0, 12, 0.5)),
            ({"unit": "north"}, box(10.999, 0.5, 12, 1)),
        ],
    )
    spec = tmp_path / "build.toml"
    spec.write_text(SPEC, encoding="utf-8")
    return spec


def test_synthetic_pair_gives_two_named_segments(synthetic_spec: Path):
    layers = build_layers(load_spec(synthetic_spec))
    segments = {s.id: s for s in layers.segments}
    assert sorted(segments) == ["XA-E_XB-N", "XA-E_XB-S"]
    assert segments["XA-E_XB-N"].name == "East – North"
    # 0.5° of latitude on the equator is 55.3 km; the line also takes in the
    # ~0.9 km of A's southern edge that lies within the 1 km tolerance of B.
    assert segments["XA-E_XB-S"].length_km == pytest.approx(55.3 + 0.9, abs=0.2)
    assert layers.line_length_km == pytest.approx(110.6 + 1.8, abs=0.4)
    # The sliver where B's outline overlapped A went to A (A's outline is the line).
    assert layers.countries["XA"].equals(box(10, 0, 11, 1))
    assert shapely.intersection(layers.countries["XA"], layers.countries["XB"]).area == 0


def test_build_is_byte_for_byte_repeatable(synthetic_spec: Path, tmp_path: Path):
    build(synthetic_spec, tmp_path / "one")
    build(synthetic_spec, tmp_path / "two")
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*.*"))
    assert len(files) == 6
    for name in files:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_unit_without_code_is_a_clear_error(synthetic_spec: Path):
    text = synthetic_spec.read_text().replace('"west" = "XA-W"\n', "")
    synthetic_spec.write_text(text)
    with pytest.raises(GeodataBuildError, match=r"a-units\.geojson: units with no code.*west"):
        build_layers(load_spec(synthetic_spec))


def test_exclave_point_outside_any_piece_is_a_clear_error(synthetic_spec: Path):
    synthetic_spec.write_text(
        synthetic_spec.read_text()
        + '\n[[exclaves]]\nlabel = "nowhere"\nunit = "XA-W"\nlat = 5.0\nlon = 5.0\n'
    )
    with pytest.raises(GeodataBuildError, match="exclave 'nowhere'"):
        build_layers(load_spec(synthetic_spec))


AM_AZ = geodata_root() / "am-az"


@pytest.fixture(scope="module")
def rebuilt_am_az(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("am-az")
    build(AM_AZ / "build.toml", out)
    return out


@pytest.mark.slow
def test_am_az_build_reproduces_the_committed_layers(rebuilt_am_az: Path):
    for name in ("countries", "provinces", "segments", "display/provinces", "display/segments"):
        committed = (AM_AZ / f"{name}.geojson").read_bytes()
        rebuilt = (rebuilt_am_az / f"{name}.geojson").read_bytes()
        assert rebuilt == committed, f"{name}.geojson differs from the committed layer"


@pytest.mark.slow
def test_am_az_border_length_is_within_10_percent_of_the_cited_996_km(rebuilt_am_az: Path):
    manifest = json.loads((rebuilt_am_az / "manifest.json").read_text())
    difference = manifest["difference_from_cited_pct"]
    assert manifest["cited_length_km"] == 996.0
    assert abs(difference) < 10, f"border line {manifest['line_length_km']} km: {difference:+} %"
    # Measured at the time of writing: 992.7 km, -0.33 %.
    assert manifest["line_length_km"] == pytest.approx(992.7, abs=1.0)


@pytest.mark.slow
def test_am_az_display_layers_stay_small(rebuilt_am_az: Path):
    total = sum(p.stat().st_size for p in (rebuilt_am_az / "display").glob("*.geojson"))
    assert total < 200_000, f"display layers are {total:,} bytes"
