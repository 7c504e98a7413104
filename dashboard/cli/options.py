"""Options that several commands share, declared once so their names and help cannot drift.

Each is a decorator: ``@url_option`` on a command adds ``--url`` and passes
``url``. :func:`incident_filter_options` adds the dashboard's filters and
hands the command one :class:`~dashboard.query.IncidentFilter`, built by the
same constructor the dashboard's sidebar uses.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

import click

from dashboard.models import ReviewStatus

Command = TypeVar("Command", bound=Callable[..., Any])

url_option = click.option(
    "--url", help="Database URL (default: BORDERWATCH_DATABASE_URL or the SQLite file)."
)
border_option = click.option("--border", help="Border id (default: BORDERWATCH_BORDER or am-az).")

_DAY = click.DateTime(["%Y-%m-%d"])

# dashboard.models is plain dataclasses and enums: light enough for --help.
REVIEW_STATUSES = tuple(status.value for status in ReviewStatus)

# Each option's parameter name is the dashboard link's (dashboard.query.FILTER_PARAMS),
# so the values go to IncidentFilter.from_params as they are. In the order --help lists them.
_FILTER_OPTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "from": ("--from", {"type": _DAY, "help": "YYYY-MM-DD."}),
    "to": ("--to", {"type": _DAY, "help": "YYYY-MM-DD."}),
    "country": ("--country", {"multiple": True, "help": "AM, AZ (repeatable)."}),
    "province": (
        "--province",
        {"multiple": True, "help": "ISO 3166-2 code, e.g. AM-SU (repeatable)."},
    ),
    "segment": (
        "--segment",
        {"multiple": True, "help": "Segment id, e.g. AM-GR_AZ-KAL (repeatable)."},
    ),
    "type": ("--event-type", {"multiple": True, "help": "ACLED event type (repeatable)."}),
    "minfat": ("--min-fatalities", {"type": click.IntRange(min=0)}),
    "q": ("--text", {"help": "Words in the summary or in a source's title or text."}),
    "synthetic": (
        "--include-synthetic",
        {"is_flag": True, "help": "Include synthetic (test) incidents."},
    ),
    "review": (
        "--review",
        {
            "multiple": True,
            "type": click.Choice(REVIEW_STATUSES),
            "help": "Review status (repeatable; default: all but rejected and duplicate).",
        },
    ),
}


def incident_filter_options(command: Command) -> Command:
    """Add the dashboard's filters as options; ``command`` receives them as ``filt``.

    The filter is built when the command runs, not when it is declared:
    :mod:`dashboard.query` loads numpy, pandas and SQLAlchemy, which ``--help``
    must not wait for.
    """

    @functools.wraps(command)
    def with_filter(**kwargs: Any) -> Any:
        from dashboard.query import IncidentFilter

        params = {name: kwargs.pop(name) for name in _FILTER_OPTIONS}
        return command(filt=IncidentFilter.from_params(params), **kwargs)

    # click lists the option applied last first, so the table is applied backwards.
    for name, (flag, settings) in reversed(_FILTER_OPTIONS.items()):
        with_filter = click.option(flag, name, **settings)(with_filter)
    return cast("Command", with_filter)
