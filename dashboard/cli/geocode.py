"""``borderwatch geocode``: country, province and nearest border segment for points."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from dashboard.cli.errors import border_layers, fail
from dashboard.cli.options import border_option


@click.command("geocode")
@click.argument("csv_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lat", type=float, help="Latitude of one point (WGS 84 degrees).")
@click.option("--lon", type=float, help="Longitude of one point (WGS 84 degrees).")
@click.option("--lat-col", default="lat", show_default=True, help="Latitude column in CSV_FILE.")
@click.option("--lon-col", default="lon", show_default=True, help="Longitude column in CSV_FILE.")
@border_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per point, per line.")
def geocode_command(
    csv_file: Path | None,
    lat: float | None,
    lon: float | None,
    lat_col: str,
    lon_col: str,
    border: str | None,
    as_json: bool,
) -> None:
    """Country, province, nearest border segment and distance for points.

    Either --lat/--lon for one point, or CSV_FILE with one point per row.
    Bad rows are reported (file and line) and skipped; the others are still
    answered, in input order, and the exit status is 1.
    """
    import numpy as np

    from dashboard.geo.geocode import Geocoder, coordinate_problems
    from dashboard.geo.points import PointFileError, read_points

    if csv_file is None and (lat is None or lon is None):
        fail("give --lat and --lon, or a CSV file")
    if csv_file is not None and (lat is not None or lon is not None):
        fail("give either --lat/--lon or a CSV file, not both")
    if csv_file is None:
        lats, lons, where = np.array([lat]), np.array([lon]), "--lat/--lon"
        line_of = {0: "point"}
        raw = [(str(lat), str(lon))]
        row_problems: dict[int, str] = {}
    else:
        try:
            rows = read_points(csv_file, lat_col, lon_col)
        except PointFileError as exc:
            fail(str(exc))
        lats, lons, raw, where = rows.lat, rows.lon, rows.raw, str(csv_file)
        line_of = {i: f"line {line}" for i, line in enumerate(rows.lines)}
        row_problems = rows.problems
    geocoder = Geocoder(border_layers(border))
    problems = {**coordinate_problems(lats, lons), **row_problems}
    good = np.array([i not in problems for i in range(len(lats))], dtype=bool)
    answers = iter(geocoder.geocode(lats[good], lons[good]).records()) if good.any() else iter(())
    for i in range(len(lats)):
        if i in problems:
            values = "" if i in row_problems else f" (lat={raw[i][0]!r}, lon={raw[i][1]!r})"
            message = f"{where}: {line_of[i]}: {problems[i]}{values}"
            click.echo(f"borderwatch: error: {message}", err=True)
            if as_json:
                click.echo(json.dumps({"error": message}, ensure_ascii=False))
            continue
        _print_answer(next(answers), as_json)
    if problems:
        sys.exit(1)


def _print_answer(answer: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(answer, ensure_ascii=False))
        return
    place = (
        f"{answer['province_name']} ({answer['province_code']}), {answer['country']}"
        if answer["country"]
        else "outside both countries"
    )
    click.echo(
        f"{answer['lat']:.5f}, {answer['lon']:.5f}: {place}; {answer['distance_km']:.2f} km "
        f"from the border, nearest segment {answer['segment_name']} ({answer['segment_id']})"
    )
