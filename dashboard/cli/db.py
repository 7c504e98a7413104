"""``borderwatch db`` and ``migrate-store``: the incident store's schema and copies."""

from __future__ import annotations

import click

from dashboard.cli.errors import border_layers, fail
from dashboard.cli.options import border_option, url_option


@click.group("db")
def db_group() -> None:
    """The incident store (SQLite by default; BORDERWATCH_DATABASE_URL to change)."""


@db_group.command("upgrade")
@url_option
@border_option
def db_upgrade(url: str | None, border: str | None) -> None:
    """Create the store or bring its schema to the newest version.

    On PostgreSQL this also (re)loads the border's provinces and segments into
    the PostGIS tables border_provinces and border_segments, for GIS clients.
    """
    from dashboard import store

    try:
        revision = store.upgrade_database(url)
    except store.StoreError as exc:
        fail(str(exc))
    click.echo(f"{store.mask_url(url or store.default_database_url())}: schema at {revision}")
    _load_postgis_layers(url, border)


def _load_postgis_layers(url: str | None, border: str | None) -> None:
    """On PostgreSQL, replace the border's rows in the PostGIS layer tables."""
    from dashboard import store
    from dashboard.store import postgis

    try:
        with store.open_store(url) as opened:
            if opened.backend != "postgresql":
                return
            counts = postgis.load_layers(opened, border_layers(border))
    except store.StoreError as exc:
        fail(str(exc))
    click.echo(
        f"PostGIS layers for {counts.border}: {counts.provinces} provinces, "
        f"{counts.segments} segments"
    )


@db_group.command("status")
@url_option
def db_status(url: str | None) -> None:
    """Where the store is, its schema version, and what it holds."""
    from dashboard import store

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
        fail(str(exc))


@click.command("migrate-store")
@click.option("--to", "to_url", required=True, help="Database URL to copy the store into.")
@click.option(
    "--from",
    "from_url",
    help="Database URL to copy from (default: BORDERWATCH_DATABASE_URL or the SQLite file).",
)
@click.option("--force", is_flag=True, help="Replace whatever the target store holds.")
@border_option
def migrate_store_command(
    to_url: str, from_url: str | None, force: bool, border: str | None
) -> None:
    """Copy the whole store (every table) into another database, e.g. a team's PostgreSQL.

    The target is created or migrated to the newest schema first, then filled
    in one transaction: if anything fails it is left as it was. A target that
    already holds data is refused unless --force (which replaces it). Row
    counts are checked before the commit. The source is not changed. On
    PostgreSQL, --border's layers are then loaded as `db upgrade` loads them.
    """
    from dashboard import store
    from dashboard.store import copy_store

    started: set[str] = set()

    def announce(table: str, _rows: int) -> None:
        if table not in started:
            started.add(table)
            click.echo(f"copying {table}…", err=True)

    try:
        result = copy_store.migrate_store(from_url, to_url, force=force, progress=announce)
    except store.StoreError as exc:
        fail(str(exc))
    for table, rows in result.rows.items():
        click.echo(f"  {table}: {rows:,}")
    replaced = " (its previous contents replaced)" if result.replaced else ""
    click.echo(f"{result.total:,} rows copied into {store.mask_url(to_url)}{replaced}")
    _load_postgis_layers(to_url, border)
