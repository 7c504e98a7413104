"""``borderwatch --help`` stays instant: help loads none of the libraries the commands need.

Timing itself belongs to bench/cli_bench.py; what a test can hold steady is
the cause of slow help, an import at the top of a command module.
"""

import json
import subprocess
import sys

import click

from dashboard.cli import main
from dashboard.query import FILTER_PARAMS

# What made `borderwatch --help` take 1.4 s before issue 9: each is a command's business.
HEAVY = (
    "numpy",
    "pandas",
    "geopandas",
    "shapely",
    "pyproj",
    "scipy",
    "sqlalchemy",
    "alembic",
    "streamlit",
    "pydantic",
    "trafilatura",
    "lxml",
    "dashboard.query",
    "dashboard.store",
    "dashboard.pipeline",
)

# In a fresh interpreter: print every command's help, then list what got loaded.
EVERY_HELP = """
import contextlib, io, json, sys
import click
from dashboard.cli import main

def paths(command, path):
    yield path
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from paths(sub, [*path, name])

shown = []
for path in paths(main, []):
    with contextlib.redirect_stdout(io.StringIO()) as out:
        main.main([*path, "--help"], prog_name="borderwatch", standalone_mode=False)
    shown.append((path, out.getvalue().startswith("Usage: borderwatch")))
print(json.dumps({"shown": shown, "loaded": sorted(m for m in HEAVY if m in sys.modules)}))
"""


def test_every_help_loads_no_heavy_library():
    script = f"HEAVY = {HEAVY!r}\n{EVERY_HELP}"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["loaded"] == []
    groups = [c for c in main.commands.values() if isinstance(c, click.Group)]
    pages = 1 + len(main.commands) + sum(len(group.commands) for group in groups)
    assert len(result["shown"]) == pages  # the top level's, each group's, each command's
    assert all(ok for _, ok in result["shown"]), result["shown"]


def test_export_filter_options_are_the_dashboard_link_parameters():
    export = main.commands["export"]
    names = {param.name for param in export.params}
    assert set(FILTER_PARAMS) <= names


def test_shared_options_read_the_same_everywhere():
    helps: dict[str, set[str]] = {"url": set(), "border": set()}
    commands = [main.commands[name] for name in main.commands]
    for group in (main.commands["db"], main.commands["geodata"]):
        commands += list(group.commands.values())
    for command in commands:
        for param in command.params:
            if isinstance(param, click.Option) and param.name in helps:
                helps[param.name].add(param.help)
    assert len(helps["url"]) == 1
    assert len(helps["border"]) == 1
