"""``borderwatch brief``: a period's incidents as a brief to send (Markdown, HTML or PDF)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from dashboard.cli.errors import border_layers, fail
from dashboard.cli.incidents import refuse_unknown_codes
from dashboard.cli.options import border_option, incident_filter_options, url_option

if TYPE_CHECKING:
    from dashboard.query import IncidentFilter

# dashboard.briefs.BRIEF_FORMATS, spelt here so --help does not import the renderer.
FORMATS = ("md", "html", "pdf")


@click.command("brief")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Default: from the --out suffix.")
@click.option(
    "--dashboard-url",
    envvar="BORDERWATCH_DASHBOARD_URL",
    default="http://localhost:8501/",
    show_default=True,
    help="The dashboard's address, for each incident's link (BORDERWATCH_DASHBOARD_URL).",
)
@incident_filter_options
@url_option
@border_option
def brief_command(
    out: Path,
    fmt: str | None,
    dashboard_url: str,
    filt: IncidentFilter,
    url: str | None,
    border: str | None,
) -> None:
    """Write a brief of the incidents from --from to --to under the dashboard's filters.

    Title, figures, the map of the period, incidents and deaths per segment
    and week, the incidents newest first with an excerpt and its source,
    the change from the period before of the same length, sources and
    attribution. Markdown writes the map beside the file (OUT.map.png).
    """
    from dashboard import briefs, store

    if filt.date_from is None or filt.date_to is None:
        fail("a brief covers a period: give --from and --to")
    if filt.date_to < filt.date_from:
        fail(f"--to {filt.date_to} is before --from {filt.date_from}")
    fmt = fmt or {".md": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}.get(
        out.suffix.lower(), ""
    )
    if not fmt:
        fail(f"cannot tell the format from {out.name!r}: give --format (md, html or pdf)")
    layers = border_layers(border)
    refuse_unknown_codes(filt, layers)
    try:
        with store.open_store(url) as opened:
            brief = briefs.build_brief(opened, layers, filt, dashboard_url=dashboard_url)
        written = briefs.write_brief(brief, fmt, out)
    except store.StoreError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}")
    click.echo(
        f"wrote a brief of {brief.summary.incidents:,} incidents to "
        + ", ".join(str(p) for p in written)
    )
