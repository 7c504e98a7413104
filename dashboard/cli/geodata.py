"""``borderwatch geodata``: build and inspect a border's layers and gazetteer."""

from __future__ import annotations

import json
from pathlib import Path

import click

from dashboard.cli.errors import border_layers, fail
from dashboard.cli.options import border_option


@click.group("geodata")
def geodata_group() -> None:
    """Build and inspect a border's layers (provinces, border segments)."""


@geodata_group.command("build")
@click.argument("border", required=False)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Write here.")
def geodata_build(border: str | None, out: Path | None) -> None:
    """Rebuild BORDER's layers from its raw files (same bytes on every run)."""
    from dashboard.geo import layers
    from dashboard.geo.build.builder import GeodataBuildError, build

    border_id = border or layers.default_border_id()
    spec_path = layers.geodata_root() / border_id / "build.toml"
    if not spec_path.is_file():
        known = ", ".join(layers.available_borders()) or "none"
        fail(f"no build spec {spec_path} (known borders: {known})")
    try:
        info = build(spec_path, out, progress=lambda step: click.echo(f"… {step}", err=True))
    except GeodataBuildError as exc:
        fail(str(exc))
    click.echo(
        f"{info['name']}: border line {info['line_length_km']} km in {info['line_pieces']} "
        f"pieces ({info['difference_from_cited_pct']:+} % against the cited "
        f"{info['cited_length_km']} km), {info['segments']} segments"
    )
    for name, size in info["bytes"].items():
        click.echo(f"  {name}: {size:,} bytes")


@geodata_group.command("segments")
@border_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def geodata_segments(border: str | None, as_json: bool) -> None:
    """List the named segments of the border line with their lengths."""
    layers = border_layers(border)
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
    from dashboard.gazetteer.build import write_gazetteer
    from dashboard.geo.layers import default_border_id

    for path in write_gazetteer(border or default_border_id()):
        click.echo(str(path))


@geodata_group.command("neighbours")
@click.argument("world", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@border_option
def geodata_neighbours(world: Path, border: str | None) -> None:
    """Write the grey neighbouring countries of the map from WORLD (world-atlas's
    countries-50m.json; see geodata/SOURCES.md)."""
    from dashboard.geo.build.neighbours import write_neighbours

    layers = border_layers(border)
    path = write_neighbours(world, layers.folder, layers.countries)
    click.echo(str(path))
