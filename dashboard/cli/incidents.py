"""``borderwatch import``, ``export`` and ``demo``: incidents into and out of the store in bulk."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dashboard.cli.errors import border_layers, fail
from dashboard.cli.options import border_option, incident_filter_options, url_option
from dashboard.formats import EXPORT_FORMATS, IMPORT_FORMATS

if TYPE_CHECKING:
    from dashboard.geo.layers import BorderLayers
    from dashboard.query import IncidentFilter

# Row problems printed before pointing at the rejects file.
_PROBLEMS_SHOWN = 20


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(IMPORT_FORMATS), required=True, help="File format."
)
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
@click.option(
    "--day-first/--month-first",
    "day_first",
    default=None,
    help="How to read dates like 05/08/2020 (default: decided from all the file's dates, "
    "and reported).",
)
@click.option(
    "--rejects",
    "rejects_to",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write rejected rows here (default: FILE.rejects.csv beside FILE, or in the "
    "store's folder when FILE's folder is read-only).",
)
@url_option
@border_option
def import_command(
    file: Path,
    fmt: str,
    pairs: tuple[str, ...],
    workers: int | None,
    day_first: bool | None,
    rejects_to: Path | None,
    url: str | None,
    border: str | None,
) -> None:
    """Import an ACLED export, a UCDP GED file, or a CSV or GeoJSON table of incidents.

    Every point is placed again by borderwatch's own layers (province on each
    side, border segment, distance); the file's own place names are kept and
    disagreements counted. Bad rows are reported with their line and reason,
    written to FILE.rejects.csv (.rejects.geojson; --rejects to choose) and
    skipped: the exit
    status is then 1. Importing the same file again changes nothing; a newer
    export or release revises the records that changed (keeping the earlier
    values as a revision) and ACLED's deletions list (event_id_cnty,
    deleted_timestamp) removes events; an analyst's incidents are only
    flagged. A store that does not exist yet is created (its schema
    migrated), as ingest does.
    """
    from dashboard import store
    from dashboard.geo.geocode import Geocoder
    from dashboard.importers import ImportFileError, import_file, parse_mapping
    from dashboard.importers.runner import mapper_for

    try:
        mapping = parse_mapping(pairs, mapper_for(fmt).columns)
    except ValueError as exc:
        fail(str(exc))
    geocoder = Geocoder(border_layers(border))
    try:
        with (
            # A fresh store is created and an old one migrated, as `ingest` does.
            store.open_store(url, upgrade=True) as opened,
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
                rejects_to=rejects_to,
                day_first=day_first,
            )
    except ImportFileError as exc:
        fail(str(exc))
    except store.StoreError as exc:
        fail(f"{exc} (rows before the failure are stored; run the import again to finish it)")
    for problem in report.problems[:_PROBLEMS_SHOWN]:
        click.echo(f"borderwatch: error: {problem}", err=True)
    if report.rejected > _PROBLEMS_SHOWN:
        more = report.rejected - _PROBLEMS_SHOWN
        click.echo(f"borderwatch: … and {more:,} more in {report.rejects_path}", err=True)
    for line in report.summary():
        click.echo(line)
    if report.rejected:
        sys.exit(1)


@click.command("export")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), help="Default: from the --out suffix."
)
@incident_filter_options
@url_option
@border_option
def export_command(
    out: Path, fmt: str | None, filt: IncidentFilter, url: str | None, border: str | None
) -> None:
    """Write the incidents the dashboard's filters select to CSV, GeoJSON or a GeoPackage.

    A GeoPackage also holds the provinces and border segments, for QGIS.
    """
    from dashboard import export, query, store
    from dashboard.geo.layers import default_border_id

    try:
        fmt = export.format_for(out, fmt)
    except ValueError as exc:
        fail(str(exc))
    layers = border_layers(border)
    refuse_unknown_codes(filt, layers)
    # The border's incidents only, as its dashboard view shows (query.scoped).
    filt = query.scoped(filt, layers.countries, unplaced=layers.id == default_border_id())
    try:
        with store.open_store(url) as opened:
            written = export.export_incidents(
                opened, filt, fmt, out, layers if fmt == "gpkg" else None
            )
            hidden = (
                0
                if filt.include_synthetic
                else opened.count_incidents() - opened.count_incidents(include_synthetic=False)
            )
    except store.StoreError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}")
    click.echo(f"wrote {written:,} incidents to {out} ({fmt})")
    if hidden:
        click.echo(f"  {hidden:,} synthetic incidents left out (--include-synthetic to add them)")


# The export options that take codes, as the user typed them.
_CODE_OPTIONS = {
    "country": "--country",
    "province": "--province",
    "segment": "--segment",
    "type": "--event-type",
}


def refuse_unknown_codes(filt: IncidentFilter, layers: BorderLayers) -> None:
    """Stop (status 2) on a code the border does not know: it would select nothing, and an
    empty file written with status 0 reads as "no incidents there"."""
    from dashboard.models import EventType
    from dashboard.query import unknown_filter_values

    unknown = unknown_filter_values(
        filt,
        countries=set(layers.countries),
        provinces=set(layers.provinces["code"]),
        segments=set(layers.segments["id"]),
        event_types={e.value for e in EventType},
    )
    if unknown:
        named = ", ".join(f"{_CODE_OPTIONS[name]} {value}" for name, value in unknown)
        kinds = sorted({name for name, _ in unknown})
        hint = "; ".join(f"{_CODE_OPTIONS[k]}: {_known_hint(k, layers)}" for k in kinds)
        fail(f"unknown {named} on the {layers.id} border (known {hint})")


def _known_hint(name: str, layers: BorderLayers) -> str:
    """A few of the known codes (all of them when they are few), or where to list them."""
    if name == "country":
        return ", ".join(layers.countries)
    if name == "province":
        codes = sorted(layers.provinces.loc[layers.provinces["on_border"].astype(bool), "code"])
        return f"on the border {', '.join(codes)}"
    if name == "segment":
        return "see `borderwatch geodata segments`"
    from dashboard.models import EventType

    return ", ".join(e.value for e in EventType)


@click.command("demo")
@click.option(
    "--synthetic",
    "count",
    type=click.IntRange(min=1),
    required=True,
    help="How many synthetic incidents to write.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same incidents.")
@url_option
@border_option
def demo_command(count: int, seed: int, url: str | None, border: str | None) -> None:
    """Write synthetic incidents with short synthetic reports into the store.

    For tests, benchmarks and scale checks: every one is published by
    "synthetic", which the dashboard hides unless asked, and none is ever
    loaded by default. The same seed twice changes nothing.
    """
    from dashboard import store, synthetic
    from dashboard.geo.geocode import Geocoder

    geocoder = Geocoder(border_layers(border))
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
        fail(str(exc))
    click.echo(
        f"{result.incidents_created:,} synthetic incidents written "
        f"({result.incidents_unchanged:,} already stored) with seed {seed}"
    )
