"""The ``borderwatch`` console script: wiring only, the work lives in the modules.

One module per command group; options several commands share are declared
once in :mod:`.options`. Help must appear at once (at most 0.3 s over a bare
interpreter start, ``bench/cli_bench.py``), so at load time these modules
import click and little else: each command imports numpy, geopandas, the
store … inside its body, when it runs. tests/test_cli.py checks that
``--help`` loads none of them.
"""

from __future__ import annotations

import click

from dashboard.cli.account import account_group
from dashboard.cli.api import api_command
from dashboard.cli.app import APP_SCRIPT, app_command, app_command_line
from dashboard.cli.brief import brief_command
from dashboard.cli.db import db_group, migrate_store_command
from dashboard.cli.geocode import geocode_command
from dashboard.cli.geodata import geodata_group
from dashboard.cli.incidents import demo_command, export_command, import_command
from dashboard.cli.reports import extract_command, ingest_command, reextract_command
from dashboard.cli.review import history_command, review_command
from dashboard.cli.watch import alert_group, watch_command, watched_group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="borderwatch")
def main() -> None:
    """borderwatch: border incidents on a map, each linked to its source's words."""


for _command in (
    geodata_group,
    geocode_command,
    extract_command,
    ingest_command,
    watch_command,
    watched_group,
    alert_group,
    reextract_command,
    review_command,
    history_command,
    account_group,
    db_group,
    migrate_store_command,
    import_command,
    export_command,
    demo_command,
    app_command,
    api_command,
    brief_command,
):
    main.add_command(_command)

__all__ = ["APP_SCRIPT", "app_command_line", "main"]
