"""The borderwatch console script, run through click's test runner."""

import json
from pathlib import Path

from click.testing import CliRunner

from dashboard.cli import main


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_geodata_segments_json_lists_every_segment():
    code, out, _ = run("geodata", "segments", "--json", "--border", "am-az")
    assert code == 0
    segments = json.loads(out)
    assert len(segments) == 22
    assert set(segments[0]) == {"id", "name", "units", "length_km"}
    by_name = {s["name"]: s for s in segments}
    assert by_name["Gegharkunik – Kalbajar"]["units"] == ["AM-GR", "AZ-KAL"]
    assert 900 < sum(s["length_km"] for s in segments) < 1100


def test_geodata_segments_text_has_a_total():
    code, out, _ = run("geodata", "segments", "--border", "am-az")
    assert code == 0
    assert out.splitlines()[-1].startswith("total")


def test_kg_tj_segments_from_the_environment_are_named_and_near_the_cited_length():
    code, out, _ = run("geodata", "segments", "--json", env={"BORDERWATCH_BORDER": "kg-tj"})
    assert code == 0
    segments = json.loads(out)
    assert len(segments) == 14
    assert all(" – " in s["name"] for s in segments)
    by_name = {s["name"]: s for s in segments}
    assert by_name["Batken – Isfara"]["units"] == ["KG-B", "TJ-SU"]
    total = sum(s["length_km"] for s in segments)
    assert abs(total - 984.0) / 984.0 < 0.10, total  # cited: 984 km (build.toml)
    code, text, _ = run("geodata", "segments", "--border", "kg-tj")
    assert text.splitlines()[-1].split()[:2] == ["total", f"{total:.1f}"]


def test_unknown_border_is_a_clear_error():
    code, _, err = run("geodata", "segments", "--border", "xx-yy")
    assert code == 2
    assert "no built layers for border 'xx-yy'" in err
    assert "am-az" in err


def test_geocode_one_point_json():
    code, out, _ = run("geocode", "--lat", "39.55", "--lon", "45.97", "--json", "--border", "am-az")
    assert code == 0
    answer = json.loads(out)
    assert list(answer) == [
        "lat", "lon", "country", "province_code", "province_name",
        "segment_id", "segment_name", "distance_km", "side",
    ]  # fmt: skip
    assert answer["province_code"] == "AM-SU"


def test_geocode_csv_answers_good_rows_in_order_and_names_bad_lines(tmp_path: Path):
    points = tmp_path / "points.csv"
    points.write_text("y,x\n40.3071,45.4062\n91,45\n41.7151,44.8271\n")
    code, out, err = run(
        "geocode", str(points), "--lat-col", "y", "--lon-col", "x", "--json", "--border", "am-az"
    )
    assert code == 1
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines[0]["province_code"] == "AM-GR"
    assert lines[1] == {"error": f"{points}: line 3: latitude outside -90..90 (lat='91', lon='45')"}
    assert lines[2]["side"] == "outside"
    assert "line 3" in err


def test_geocode_csv_missing_column(tmp_path: Path):
    points = tmp_path / "points.csv"
    points.write_text("latitude,longitude\n40,45\n")
    code, _, err = run("geocode", str(points))
    assert code == 2
    assert "no column 'lat', 'lon'" in err


def test_geocode_needs_a_point_or_a_file():
    code, _, err = run("geocode")
    assert code == 2
    assert "give --lat and --lon, or a CSV file" in err


def test_geocode_csv_ragged_row_does_not_shift_the_others(tmp_path: Path):
    points = tmp_path / "points.csv"
    points.write_text("lat,lon\n45,5,NaN\n40.3071,45.4062\n")
    code, out, _ = run("geocode", str(points), "--json", "--border", "am-az")
    assert code == 1
    first, second = (json.loads(line) for line in out.splitlines())
    assert first == {"error": f"{points}: line 2: expected 2 fields, found 3"}
    assert second["province_code"] == "AM-GR"
