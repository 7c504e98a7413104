"""``borderwatch extract``, ``ingest`` and ``reextract``: incidents from report texts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from dashboard.cli.errors import border_gazetteer, fail
from dashboard.cli.options import border_option, url_option


@click.command("extract")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--meta", type=click.Path(dir_okay=False, path_type=Path), help="Metadata JSON.")
@click.option("--json", "as_json", is_flag=True, help="Print the extraction as JSON.")
@border_option
def extract_command(file: Path, meta: Path | None, as_json: bool, border: str | None) -> None:
    """Show the incidents FILE reports, without writing anything."""
    from dashboard import pipeline, sources

    try:
        documents = sources.read_source(file, meta)
    except sources.SourceError as exc:
        fail(str(exc))
    gazetteer = border_gazetteer(border)
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


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@url_option
@click.option("--follow-symlinks", is_flag=True, help="Follow links that leave the given folders.")
@border_option
def ingest_command(
    paths: tuple[Path, ...], url: str | None, follow_symlinks: bool, border: str | None
) -> None:
    """Read reports (files and folders, recursively), extract incidents, store them.

    One transaction per document: a bad file is reported and skipped, the rest
    go in. Re-ingesting the same files changes nothing. Exit status 1 when any
    file failed.
    """
    from dashboard import pipeline, store

    gazetteer = border_gazetteer(border)  # before the store: a wrong --border writes nothing
    try:
        store_ = store.open_store(url, upgrade=True)
    except store.StoreError as exc:
        fail(str(exc))
    summary = pipeline.IngestSummary()
    files = pipeline.report_files(list(paths), follow_symlinks, summary)
    with store_, click.progressbar(length=len(files), label="ingesting", file=sys.stderr) as bar:
        pipeline.ingest_files(files, store_, gazetteer, summary, lambda _path: bar.update(1))
    _report(summary)


@click.command("reextract")
@url_option
@click.option(
    "--source",
    "source_ids",
    multiple=True,
    metavar="SOURCE_ID",
    help="Re-extract only this stored report (repeatable; default: every ingested report).",
)
@border_option
def reextract_command(url: str | None, source_ids: tuple[str, ...], border: str | None) -> None:
    """Rebuild the incidents of the stored reports with the current extractor.

    For after an extractor upgrade: every report ingest stored is read again
    from its stored text and its incidents rebuilt, one transaction per group
    of reports that share incidents (so a merged incident is re-derived from
    all its reports; --source re-reads the reports sharing incidents with it
    too). An incident whose window and places are unchanged keeps its id;
    one whose window or places changed gets a new id, and links to the old
    id break. Imported dataset records (ACLED, UCDP) and demo data are never
    re-read; an incident they also cite keeps its fields. Running it again
    changes nothing. Exit status 1 when any report failed.
    """
    from dashboard import reextract, store

    gazetteer = border_gazetteer(border)
    try:
        store_ = store.open_store(url)
    except store.StoreError as exc:
        fail(str(exc))
    summary = reextract.ReextractSummary()
    with store_:
        try:
            reports = reextract.reports_to_reextract(store_, source_ids)
        except store.StoreError as exc:
            fail(str(exc))
        bar = click.progressbar(length=len(reports), label="re-extracting", file=sys.stderr)
        with bar:
            reextract.reextract_sources(
                reports, store_, gazetteer, summary, lambda _id: bar.update(1)
            )
    _report(summary)


def _report(summary: Any) -> None:
    """Warnings and errors to stderr, the summary line to stdout; exit 1 if anything failed."""
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    for error in summary.errors:
        click.echo(f"error: {error}", err=True)
    click.echo(summary.line())
    if not summary.ok:
        sys.exit(1)
