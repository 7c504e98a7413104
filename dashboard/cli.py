"""The ``borderwatch`` console script: wiring only, the work lives in the modules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import numpy as np

from dashboard import export, paths, pipeline, sources, store, synthetic
from dashboard.gazetteer import load_gazetteer
from dashboard.gazetteer.build import write_gazetteer
from dashboard.geo import layers as geodata
from dashboard.geo.build.builder import GeodataBuildError, build
from dashboard.geo.geocode import GeocodeError, Geocoder, coordinate_problems
from dashboard.geo.layers import GeodataError, load_border
from dashboard.geo.points import PointFileError, read_points
from dashboard.importers import FORMATS, ImportFileError, import_file, parse_mapping
from dashboard.importers.runner import mapper_for
from dashboard.query import IncidentFilter
from dashboard.store import copy_store as store_copy
from dashboard.store import postgis

APP_SCRIPT = paths.app_script()


def _fail(message: str) -> None:
    """Print a clear error (no traceback) and exit with status 2."""
    click.echo(f"borderwatch: error: {message}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="borderwatch")
def main() -> None:
    """borderwatch: border incidents on a map, each linked to its source's words."""


# ------------------------------------------------------------------- geodata


@main.group("geodata")
def geodata_group() -> None:
    """Build and inspect a border's layers (provinces, border segments)."""


@geodata_group.command("build")
@click.argument("border", required=False)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Write here.")
def geodata_build(border: str | None, out: Path | None) -> None:
    """Rebuild BORDER's layers from its raw files (same bytes on every run)."""
    border_id = border or geodata.default_border_id()
    spec_path = geodata.geodata_root() / border_id / "build.toml"
    if not spec_path.is_file():
        known = ", ".join(geodata.available_borders()) or "none"
        _fail(f"no build spec {spec_path} (known borders: {known})")
    try:
        info = build(spec_path, out, progress=lambda step: click.echo(f"… {step}", err=True))
    except GeodataBuildError as exc:
        _fail(str(exc))
    click.echo(
        f"{info['name']}: border line {info['line_length_km']} km in {info['line_pieces']} "
        f"pieces ({info['difference_from_cited_pct']:+} % against the cited "
        f"{info['cited_length_km']} km), {info['segments']} segments"
    )
    for name, size in info["bytes"].items():
        click.echo(f"  {name}: {size:,} bytes")


@geodata_group.command("segments")
@click.option("--border", help="Border id (default: BORDERWATCH_BORDER or am-az).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def geodata_segments(border: str | None, as_json: bool) -> None:
    """List the named segments of the border line with their lengths."""
    layers = _layers(border)
    rows = [
        {"id": r.id, "name": r.name, "units": list(r.units), "length_km": r.length_km}
        for r in layers.segments.itertuples()
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{row['id']:<16} {row['length_km']:>8.1f} km  {row['name']}")
    click.echo(f"{'total':<16} {sum(r['length_km'] for r in rows):>8.1f} km")


@geodata_group.command("places")
@click.argument("border", required=False)
def geodata_places(border: str | None) -> None:
    """Rebuild BORDER's gazetteer (places.csv, place_aliases.csv) from layers and GeoNames."""
    for path in write_gazetteer(border or geodata.default_border_id()):
        click.echo(str(path))


def _layers(border: str | None) -> geodata.BorderLayers:
    try:
        return load_border(border)
    except GeodataError as exc:
        _fail(str(exc))
        raise  # unreachable: _fail exits


# ------------------------------------------------------------------- geocode


@main.command("geocode")
@click.argument("csv_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lat", type=float, help="Latitude of one point (WGS 84 degrees).")
@click.option("--lon", type=float, help="Longitude of one point (WGS 84 degrees).")
@click.option("--lat-col", default="lat", show_default=True, help="Latitude column in CSV_FILE.")
@click.option("--lon-col", default="lon", show_default=True, help="Longitude column in CSV_FILE.")
@click.option("--border", help="Border id (default: BORDERWATCH_BORDER or am-az).")
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
    if csv_file is None and (lat is None or lon is None):
        _fail("give --lat and --lon, or a CSV file")
    if csv_file is not None and (lat is not None or lon is not None):
        _fail("give either --lat/--lon or a CSV file, not both")
    if csv_file is None:
        lats, lons, where = np.array([lat]), np.array([lon]), "--lat/--lon"
        line_of = {0: "point"}
        raw = [(str(lat), str(lon))]
        row_problems: dict[int, str] = {}
    else:
        try:
            rows = read_points(csv_file, lat_col, lon_col)
        except PointFileError as exc:
            _fail(str(exc))
        lats, lons, raw, where = rows.lat, rows.lon, rows.raw, str(csv_file)
        line_of = {i: f"line {line}" for i, line in enumerate(rows.lines)}
        row_problems = rows.problems
    geocoder = Geocoder(_layers(border))
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


# ------------------------------------------------------------ extract, ingest


@main.command("extract")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--meta", type=click.Path(dir_okay=False, path_type=Path), help="Metadata JSON.")
@click.option("--json", "as_json", is_flag=True, help="Print the extraction as JSON.")
def extract_command(file: Path, meta: Path | None, as_json: bool) -> None:
    """Show the incidents FILE reports, without writing anything."""
    try:
        documents = sources.read_source(file, meta)
    except sources.SourceError as exc:
        _fail(str(exc))
    gazetteer = load_gazetteer()
    results = [
        pipeline.extraction_json(pipeline.extract_document(d, gazetteer), gazetteer)
        for d in documents
    ]
    if as_json:
        payload = results[0] if len(results) == 1 else results
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    for result in results:
        _print_extraction(result)


def _print_extraction(result: dict[str, Any]) -> None:
    click.echo(f"{result['source']['title']} ({result['source']['published'] or 'undated'})")
    for incident in result["incidents"]:
        provinces = ", ".join(f"{p['name']} ({p['code']})" for p in incident["provinces"])
        click.echo(
            f"  {incident['date_start']}..{incident['date_end']} [{incident['date_precision']}] "
            f"{incident['event_type']}; {provinces} [{incident['location_precision']}]; "
            f"fatalities {incident['fatalities'] if incident['fatalities'] is not None else '?'}"
        )
        for excerpt in incident["excerpts"]:
            click.echo(f"    “{excerpt['text']}”")
    for place in result["outside_coverage"]:
        click.echo(f"  outside coverage: {place['matched']}")
    for warning in result["warnings"]:
        click.echo(f"  warning: {warning}")


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--url", help="Database URL (default: BORDERWATCH_DATABASE_URL or the SQLite file).")
@click.option("--follow-symlinks", is_flag=True, help="Follow links that leave the given folders.")
def ingest_command(paths: tuple[Path, ...], url: str | None, follow_symlinks: bool) -> None:
    """Read reports (files and folders, recursively), extract incidents, store them.

    One transaction per document: a bad file is reported and skipped, the rest
    go in. Re-ingesting the same files changes nothing. Exit status 1 when any
    file failed.
    """
    try:
        store_ = store.open_store(url, upgrade=True)
    except store.StoreError as exc:
        _fail(str(exc))
    gazetteer = load_gazetteer()
    summary = pipeline.IngestSummary()
    files = pipeline.report_files(list(paths), follow_symlinks, summary)
    with store_, click.progressbar(length=len(files), label="ingesting", file=sys.stderr) as bar:
        pipeline.ingest_files(files, store_, gazetteer, summary, lambda _path: bar.update(1))
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    for error in summary.errors:
        click.echo(f"error: {error}", err=True)
    click.echo(summary.line())
    if not summary.ok:
        sys.exit(1)


# ------------------------------------------------------------------------ db


@main.group("db")
def db_group() -> None:
    """The incident store (SQLite by default; BORDERWATCH_DATABASE_URL to change)."""


@db_group.command("upgrade")
@click.option("--url", help="Database URL (default: BORDERWATCH_DATABASE_URL or the SQLite file).")
@click.option("--border", help="Border id (default: BORDERWATCH_BORDER or am-az).")
def db_upgrade(url: str | None, border: str | None) -> None:
    """Create the store or bring its schema to the newest version.

    On PostgreSQL this also (re)loads the border's provinces and segments into
    the PostGIS tables border_provinces and border_segments, for GIS clients.
    """
    try:
        revision = store.upgrade_database(url)
    except store.StoreError as exc:
        _fail(str(exc))
    click.echo(f"{store.mask_url(url or store.default_database_url())}: schema at {revision}")
    _load_postgis_layers(url, border)


def _load_postgis_layers(url: str | None, border: str | None) -> None:
    """On PostgreSQL, replace the border's rows in the PostGIS layer tables."""
    try:
        with store.open_store(url) as opened:
            if opened.backend != "postgresql":
                return
            counts = postgis.load_layers(opened, _layers(border))
    except store.StoreError as exc:
        _fail(str(exc))
    click.echo(
        f"PostGIS layers for {counts.border}: {counts.provinces} provinces, "
        f"{counts.segments} segments"
    )


@main.command("migrate-store")
@click.option("--to", "to_url", required=True, help="Database URL to copy the store into.")
@click.option(
    "--from",
    "from_url",
    help="Database URL to copy from (default: BORDERWATCH_DATABASE_URL or the SQLite file).",
)
@click.option("--force", is_flag=True, help="Replace whatever the target store holds.")
@click.option("--border", help="Border id for the PostGIS layers (default: BORDERWATCH_BORDER).")
def migrate_store_command(
    to_url: str, from_url: str | None, force: bool, border: str | None
) -> None:
    """Copy the whole store (every table) into another database, e.g. a team's PostgreSQL.

    The target is created or migrated to the newest schema first, then filled
    in one transaction: if anything fails it is left as it was. A target that
    already holds data is refused unless --force (which replaces it). Row
    counts are checked before the commit. The source is not changed.
    """
    started: set[str] = set()

    def announce(table: str, _rows: int) -> None:
        if table not in started:
            started.add(table)
            click.echo(f"copying {table}…", err=True)

    try:
        result = store_copy.migrate_store(from_url, to_url, force=force, progress=announce)
    except store.StoreError as exc:
        _fail(str(exc))
    for table, rows in result.rows.items():
        click.echo(f"  {table}: {rows:,}")
    replaced = " (its previous contents replaced)" if result.replaced else ""
    click.echo(f"{result.total:,} rows copied into {store.mask_url(to_url)}{replaced}")
    _load_postgis_layers(to_url, border)


@db_group.command("status")
@click.option("--url", help="Database URL (default: BORDERWATCH_DATABASE_URL or the SQLite file).")
def db_status(url: str | None) -> None:
    """Where the store is, its schema version, and what it holds."""
    target = url or store.default_database_url()
    try:
        revision = store.current_revision(target)
        click.echo(f"database: {store.mask_url(target)}")
        click.echo(f"schema:   {revision or 'none'} (newest {store.head_revision()})")
        if revision == store.head_revision():
            with store.open_store(target) as opened:
                click.echo(f"sources:  {opened.count_sources()}")
                click.echo(f"incidents: {opened.count_incidents()}")
    except store.StoreError as exc:
        _fail(str(exc))


# ---------------------------------------------------- import, export, demo

# Row problems printed before pointing at the rejects file.
_PROBLEMS_SHOWN = 20


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="File format.")
@click.option(
    "--map",
    "pairs",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Read FIELD from the file's COLUMN (repeatable); COLUMN=FIELD works too.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Processes sharing the import (default: 2 for files over 32 MB on 2+ cores, else 1).",
)
@click.option("--url", help="Database URL (default: BORDERWATCH_DATABASE_URL or the SQLite file).")
@click.option("--border", help="Border id (default: BORDERWATCH_BORDER or am-az).")
def import_command(
    file: Path,
    fmt: str,
    pairs: tuple[str, ...],
    workers: int | None,
    url: str | None,
    border: str | None,
) -> None:
    """Import an ACLED export, a UCDP GED file, or a CSV or GeoJSON table of incidents.

    Every point is placed again by borderwatch's own layers (province on each
    side, border segment, distance); the file's own place names are kept and
    disagreements counted. Bad rows are reported with their line and reason,
    written to FILE.rejects.csv (.rejects.geojson) and skipped: the exit
    status is then 1. Importing the same file again changes nothing.
    """
    try:
        mapping = parse_mapping(pairs, mapper_for(fmt).columns)
    except ValueError as exc:
        _fail(str(exc))
    geocoder = Geocoder(_layers(border))
    try:
        with (
            store.open_store(url) as opened,
            click.progressbar(
                length=file.stat().st_size,
                label=f"importing {file.name}",
                file=sys.stderr,
            ) as bar,
        ):
            report = import_file(
                file,
                fmt,
                opened,
                mapping=mapping,
                geocoder=geocoder,
                progress=lambda done, _size: bar.update(done - bar.pos),
                workers=workers,
            )
    except ImportFileError as exc:
        _fail(str(exc))
    except store.StoreError as exc:
        _fail(f"{exc} (rows before the failure are stored; run the import again to finish it)")
    for problem in report.problems[:_PROBLEMS_SHOWN]:
        click.echo(f"borderwatch: error: {problem}", err=True)
    if report.rejected > _PROBLEMS_SHOWN:
        more = report.rejected - _PROBLEMS_SHOWN
        click.echo(f"borderwatch: … and {more:,} more in {report.rejects_path}", err=True)
    for line in report.summary():
        click.echo(line)
    if report.rejected:
        sys.exit(1)


@main.command("export")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--format", "fmt", type=click.Choice(export.FORMATS), help="Default: from the --out suffix."
)
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD.")
@click.option("--country", multiple=True, help="AM, AZ (repeatable).")
@click.option("--province", multiple=True, help="ISO 3166-2 code, e.g. AM-SU (repeatable).")
@click.option("--segment", multiple=True, help="Segment id, e.g. AM-GR_AZ-KAL (repeatable).")
@click.option("--event-type", multiple=True, help="ACLED event type (repeatable).")
@click.option("--min-fatalities", type=click.IntRange(min=0))
@click.option("--text", help="Words in the summary or in a source's title or text.")
@click.option("--include-synthetic", is_flag=True, help="Include synthetic (test) incidents.")
@click.option("--url", help="Database URL (default: BORDERWATCH_DATABASE_URL or the SQLite file).")
@click.option("--border", help="Border id (default: BORDERWATCH_BORDER or am-az).")
def export_command(
    out: Path,
    fmt: str | None,
    date_from: Any,
    date_to: Any,
    country: tuple[str, ...],
    province: tuple[str, ...],
    segment: tuple[str, ...],
    event_type: tuple[str, ...],
    min_fatalities: int | None,
    text: str | None,
    include_synthetic: bool,
    url: str | None,
    border: str | None,
) -> None:
    """Write the incidents the dashboard's filters select to CSV, GeoJSON or a GeoPackage.

    A GeoPackage also holds the provinces and border segments, for QGIS.
    """
    try:
        fmt = export.format_for(out, fmt)
    except ValueError as exc:
        _fail(str(exc))
    filt = IncidentFilter(
        date_from=date_from.date() if date_from else None,
        date_to=date_to.date() if date_to else None,
        countries=country,
        provinces=province,
        segments=segment,
        event_types=event_type,
        min_fatalities=min_fatalities,
        text=text,
        include_synthetic=include_synthetic,
    )
    layers = _layers(border) if fmt == "gpkg" else None
    try:
        with store.open_store(url) as opened:
            written = export.export_incidents(opened, filt, fmt, out, layers)
            hidden = (
                0
                if include_synthetic
                else opened.count_incidents() - opened.count_incidents(include_synthetic=False)
            )
    except store.StoreError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write {out}: {exc.strerror or exc}")
    click.echo(f"wrote {written:,} incidents to {out} ({fmt})")
    if hidden:
        click.echo(f"  {hidden:,} synthetic incidents left out (--include-synthetic to add them)")


@main.command("demo")
@click.option(
    "--synthetic",
    "count",
    type=click.IntRange(min=1),
    required=True,
    help="How many synthetic incidents to write.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same incidents.")
@click.option("--url", help="Database URL (default: BORDERWATCH_DATABASE_URL or the SQLite file).")
@click.option("--border", help="Border id (default: BORDERWATCH_BORDER or am-az).")
def demo_command(count: int, seed: int, url: str | None, border: str | None) -> None:
    """Write synthetic incidents with short synthetic reports into the store.

    For tests, benchmarks and scale checks: every one is published by
    "synthetic", which the dashboard hides unless asked, and none is ever
    loaded by default. The same seed twice changes nothing.
    """
    geocoder = Geocoder(_layers(border))
    try:
        with (
            store.open_store(url) as opened,
            click.progressbar(
                length=count,
                label="writing synthetic incidents",
                file=sys.stderr,
            ) as bar,
        ):
            result = synthetic.write_demo(
                opened, count, seed, geocoder=geocoder, progress=bar.update
            )
    except store.StoreError as exc:
        _fail(str(exc))
    click.echo(
        f"{result.incidents_created:,} synthetic incidents written "
        f"({result.incidents_unchanged:,} already stored) with seed {seed}"
    )


# ----------------------------------------------------------------------- app


def app_command_line(port: int, headless: bool) -> list[str]:
    """The ``streamlit run`` command for the dashboard (browser tests start the same one).

    Settings that make the dashboard work are passed here, not left to a
    ``.streamlit/config.toml`` that Streamlit only reads from the current
    folder: static serving carries the map's Leaflet files (no CDN), and no
    usage statistics leave the machine.
    """
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_SCRIPT),
        "--server.port",
        str(port),
        "--server.headless",
        str(headless).lower(),
        "--server.enableStaticServing",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


@main.command("app")
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--headless", is_flag=True, help="Do not open a browser.")
def app_command(port: int, headless: bool) -> None:
    """Open the dashboard (Streamlit) on http://localhost:PORT."""
    sys.exit(subprocess.call(app_command_line(port, headless)))


__all__ = ["GeocodeError", "main"]
