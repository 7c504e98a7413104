"""``borderwatch review`` and ``history``: an analyst's correction from a script, and its trail."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from dashboard.cli.errors import border_layers, fail
from dashboard.cli.options import REVIEW_STATUSES, border_option, url_option

if TYPE_CHECKING:
    from dashboard.store import Correction, Revision

_DAY = click.DateTime(["%Y-%m-%d"])
_PRECISIONS = ("day", "days", "week", "month", "year")


@click.command("review")
@click.argument("incident")
@click.option("--status", type=click.Choice(REVIEW_STATUSES), help="The incident's review status.")
@click.option("--duplicate-of", metavar="INCIDENT", help="With --status duplicate: the one kept.")
@click.option(
    "--province",
    "provinces",
    multiple=True,
    metavar="CODE",
    help="ISO 3166-2 code, e.g. AM-TV; replaces the provinces (repeatable).",
)
@click.option(
    "--segment",
    "segments",
    multiple=True,
    metavar="ID",
    help="Segment id, e.g. AM-TV_AZ-TOV; replaces the segments (repeatable).",
)
@click.option("--date-from", type=_DAY, help="YYYY-MM-DD: the corrected window's first day.")
@click.option("--date-to", type=_DAY, help="YYYY-MM-DD (default: --date-from).")
@click.option("--date-precision", type=click.Choice(_PRECISIONS), help="Default: day or days.")
@click.option("--fatalities", type=click.IntRange(min=0), help="The killed toll.")
@click.option("--note", help="The analyst's note on the incident.")
@click.option("--reason", required=True, help="Why: recorded with the change (required).")
@click.option("--by", "by", required=True, metavar="NAME", help="Who makes the change (required).")
@click.option(
    "--expected-version",
    type=click.IntRange(min=0),
    help="Refuse if the incident changed since this version (default: its current one).",
)
@url_option
@border_option
def review_command(
    incident: str,
    reason: str,
    by: str,
    expected_version: int | None,
    url: str | None,
    border: str | None,
    **changes: Any,
) -> None:
    """Review INCIDENT: set its status, correct its places, window or toll, add a note.

    Each call is one revision in the incident's history (who, when, before and
    after, why). Corrected fields are kept by later re-ingests and re-extractions,
    which flag the incident where their reading differs. Exit status 2 names an
    unknown incident, province or segment, and a change made since
    --expected-version.
    """
    from dashboard import store

    correction = _correction(changes, border)
    try:
        with store.open_store(url) as opened:
            state = opened.review_state(incident)
            if state is None:
                fail(f"no incident {incident!r} in the store")
            version = state.version if expected_version is None else expected_version
            revision = opened.review_incident(
                incident, correction, by=by, reason=reason, expected_version=version
            )
    except store.StoreError as exc:
        fail(str(exc))
    fields = ", ".join(revision.changes)
    click.echo(f"{incident}: version {revision.version} by {revision.by} ({fields})")


def _correction(changes: dict[str, Any], border: str | None) -> Correction:
    """The correction the options describe; unknown codes and empty changes stop with status 2."""
    from dashboard import resolve
    from dashboard.models import DatePrecision, ReviewStatus
    from dashboard.store import KEEP, Correction

    if not any(value not in (None, ()) for value in changes.values()):
        fail(
            "nothing to change: give --status, --province, --segment, --date-from, "
            "--fatalities or --note"
        )
    if changes["date_to"] and not changes["date_from"]:
        fail("--date-to needs --date-from")
    try:
        provinces, segments = _places(changes["provinces"], changes["segments"], border)
        window = None
        if changes["date_from"]:
            window = resolve.date_window(
                changes["date_from"].date(),
                changes["date_to"].date() if changes["date_to"] else None,
                DatePrecision(changes["date_precision"]) if changes["date_precision"] else None,
            )
    except ValueError as exc:
        fail(str(exc))
    return Correction(
        status=ReviewStatus(changes["status"]) if changes["status"] else None,
        duplicate_of=changes["duplicate_of"],
        window=window,
        provinces=provinces,
        segments=segments,
        fatalities=KEEP if changes["fatalities"] is None else changes["fatalities"],
        note=changes["note"],
    )


def _places(
    codes: tuple[str, ...], segment_ids: tuple[str, ...], border: str | None
) -> tuple[tuple[Any, ...] | None, tuple[Any, ...] | None]:
    """The provinces and segments named, resolved on the border's layers (``None``: not given)."""
    from dashboard import resolve

    if not codes and not segment_ids:
        return None, None
    layers = border_layers(border)
    return (
        resolve.province_refs(layers, codes) if codes else None,
        resolve.segment_refs(layers, segment_ids) if segment_ids else None,
    )


@click.command("history")
@click.argument("incident")
@click.option("--json", "as_json", is_flag=True, help="Print the revisions as JSON.")
@url_option
def history_command(incident: str, as_json: bool, url: str | None) -> None:
    """Print INCIDENT's revisions, oldest first: who, when (UTC), what changed and why."""
    from dashboard import store

    try:
        with store.open_store(url) as opened:
            revisions = opened.history(incident)
            state = opened.review_state(incident)
    except store.StoreError as exc:
        fail(str(exc))
    if as_json:
        click.echo(json.dumps([_revision_json(r) for r in revisions], ensure_ascii=False, indent=2))
        return
    click.echo(f"{incident}: {state.status.value}, version {state.version}")
    if state.flag:
        for line in state.flag.splitlines():
            click.echo(f"  flagged: {line}")
    if not revisions:
        click.echo("  no revisions: nobody has reviewed it yet")
    for revision in revisions:
        click.echo(
            f"  v{revision.version}  {_utc(revision.at)}  {revision.by}  "
            f"{revision.action}: {revision.reason}"
        )
        for name, change in revision.changes.items():
            click.echo(f"      {name}: {_short(change['before'])} → {_short(change['after'])}")


def _revision_json(revision: Revision) -> dict[str, Any]:
    return {
        "id": revision.id,
        "version": revision.version,
        "action": revision.action,
        "by": revision.by,
        "at": revision.at.isoformat(),
        "reason": revision.reason,
        "changes": revision.changes,
        "reverts": revision.reverts,
    }


def _utc(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S UTC")


def _short(value: Any, width: int = 60) -> str:
    """A field's value on one line: lists of objects by their code or id, long text cut."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        value = [item.get("code") or item.get("id") or item for item in value]
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"
