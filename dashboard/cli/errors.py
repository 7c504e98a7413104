"""How a command stops on a user's mistake: one clear line on stderr, status 2, no traceback."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from dashboard.geo.layers import BorderLayers


def fail(message: str) -> NoReturn:
    """Print a clear error (no traceback) and exit with status 2."""
    click.echo(f"borderwatch: error: {message}", err=True)
    sys.exit(2)


def border_layers(border: str | None) -> BorderLayers:
    """The border's built layers, or a clear error naming the borders there are.

    Most commands place points on a border; they all refuse an unknown
    ``--border`` the same way.
    """
    from dashboard.geo.layers import GeodataError, load_border

    try:
        return load_border(border)
    except GeodataError as exc:
        fail(str(exc))


def border_gazetteer(border: str | None) -> Any:
    """The border's gazetteer, after :func:`border_layers` has refused an unknown border
    in its usual words (a gazetteer without layers could not place anything anyway)."""
    from dashboard.gazetteer import load_gazetteer

    layers = border_layers(border)
    return load_gazetteer(layers.id)
