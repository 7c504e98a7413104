"""``borderwatch api``: the incidents as an OGC API – Features service, read-only."""

from __future__ import annotations

import click

from dashboard.cli.errors import border_layers, fail
from dashboard.cli.options import border_option, url_option


@click.command("api")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option(
    "--public-url",
    help="The address clients reach the service at, for its links (default: http://HOST:PORT).",
)
@click.option(
    "--dashboard-url",
    envvar="BORDERWATCH_DASHBOARD_URL",
    default="http://localhost:8501/",
    show_default=True,
    help="The dashboard's address: each incident links to itself there "
    "(BORDERWATCH_DASHBOARD_URL).",
)
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    help="A web origin allowed to read the API from its pages, e.g. https://maps.example.org "
    "(repeatable; default: none).",
)
@url_option
@border_option
def api_command(
    host: str,
    port: int,
    public_url: str | None,
    dashboard_url: str,
    cors_origins: tuple[str, ...],
    url: str | None,
    border: str | None,
) -> None:
    """Serve the incidents read-only as OGC API – Features (GeoJSON, OpenAPI 3.0).

    Collections: incidents (the dashboard's filters as queryables: province,
    segment, country, type, minfat, q, review, synthetic), provinces and
    segments. No sign-in: it shows what the dashboard's viewers see, and
    nothing can be written through it.
    """
    from dashboard import store
    from dashboard.api import config, server

    layers = border_layers(border)
    settings = config.ServerSettings(
        host=host,
        port=port,
        public_url=(public_url or f"http://{host}:{port}").rstrip("/"),
        cors_origins=cors_origins,
    )
    try:
        opened = store.open_store(url)
        opened.count_incidents()
    except store.StoreError as exc:
        fail(str(exc))
    app = server.build_app(opened, layers, settings, dashboard_url)
    click.echo(f"borderwatch API on {settings.public_url} (Ctrl-C to stop)")
    server.serve(app, host, port)
