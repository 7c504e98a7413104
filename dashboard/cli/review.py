"""``borderwatch review`` and ``history``: an analyst's correction from a script, and its trail."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from dashboard.cli.errors import border_layers, fail
from dashboard.cli.options import REVIEW_STATUSES, border_option, url_option
from dashboard.models import DatePrecision, EventType

if TYPE_CHECKING:
    from dashboard.store import Correction, Revision

_DAY = click.DateTime(["%Y-%m-%d"])
_PRECISIONS = tuple(p.value for p in DatePrecision)
_EVENT_TYPES = tuple(t.value for t in EventType)


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
@click.option(
    "--place",
    "place_id",
    metavar="PLACE_ID",
    help="A gazetteer place (e.g. settlement:gn:616041): near it, with its province and segment.",
)
@click.option(
    "--point",
    type=(float, float),
    metavar="LAT LON",
    help="A point: the incident's place, with the province and segment it lies in.",
)
@click.option("--event-type", type=click.Choice(_EVENT_TYPES), help="ACLED event type.")
@click.option("--summary", help="A corrected summary.")
@click.option("--date-from", type=_DAY, help="YYYY-MM-DD: the corrected window's first day.")
@click.option("--date-to", type=_DAY, help="YYYY-MM-DD (default: --date-from).")
@click.option("--date-precision", type=click.Choice(_PRECISIONS), help="Default: day or days.")
@click.option("--fatalities", type=click.IntRange(min=0), help="The killed toll.")
@click.option("--note", help="The analyst's note on the incident.")
@click.option(
    "--split-source",
    metavar="SOURCE_ID",
    help="Undo a wrong fusion: the report that brought this source leaves INCIDENT, a record "
    "(alone: no other change with it).",
)
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
    """Review INCIDENT: set its status, correct its place, window, type or toll, add a note.

    Each call is one revision in the incident's history (who, when, before and
    after, why). Corrected fields are kept by later re-ingests and re-extractions,
    which flag the incident where their reading differs. Exit status 2 names an
    unknown incident, province, segment or place, and a change made since
    --expected-version.
    """
    from dashboard import store

    split_source = changes.pop("split_source")
    if split_source is not None:
        if any(v not in (None, ()) for v in changes.values()):
            fail("--split-source is a change of its own: give it without other changes")
        _split_source(incident, split_source, by, reason, expected_version, url)
        return
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


def _split_source(
    incident: str,
    source_id: str,
    by: str,
    reason: str,
    expected_version: int | None,
    url: str | None,
) -> None:
    """Separate a fused report from a record (``--split-source``) and say where it went."""
    from dashboard import store

    try:
        with store.open_store(url) as opened:
            state = opened.review_state(incident)
            if state is None:
                fail(f"no incident {incident!r} in the store")
            version = state.version if expected_version is None else expected_version
            kept, split = opened.split_source(
                incident, source_id, by=by, reason=reason, expected_version=version
            )
    except store.StoreError as exc:
        fail(str(exc))
    click.echo(
        f"{incident}: version {kept.version} by {kept.by}; {split.incident_id} is its own "
        f"incident again with its sources, version {split.version}"
    )


def _correction(changes: dict[str, Any], border: str | None) -> Correction:
    """The correction the options describe; unknown codes and empty changes stop with status 2."""
    from dashboard import resolve
    from dashboard.models import ReviewStatus
    from dashboard.store import KEEP, Correction

    if not any(value not in (None, ()) for value in changes.values()):
        fail("nothing to change: give --status, a place, a date, --fatalities, … or --note")
    if changes["date_to"] and not changes["date_from"]:
        fail("--date-to needs --date-from")
    if changes["place_id"] and changes["point"]:
        fail("give --place or --point, not both")
    try:
        place, provinces, segments = _places(changes, border)
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
        place=place,
        provinces=provinces,
        segments=segments,
        event_type=EventType(changes["event_type"]) if changes["event_type"] else None,
        fatalities=KEEP if changes["fatalities"] is None else changes["fatalities"],
        summary=changes["summary"],
        note=changes["note"],
    )


def _places(changes: dict[str, Any], border: str | None) -> tuple[Any, Any, Any]:
    """Place, provinces and segments named, resolved on the border (``None``: not given).

    A place or point brings the province it lies in and its nearest segment;
    ``--province`` and ``--segment`` given too win over those.
    """
    from dashboard import resolve

    codes, segment_ids = changes["provinces"], changes["segments"]
    if not (codes or segment_ids or changes["place_id"] or changes["point"]):
        return None, None, None
    layers = border_layers(border)
    place = provinces = segments = None
    if changes["place_id"] or changes["point"]:
        from dashboard.geo.geocode import Geocoder

        geocoder = Geocoder(layers)
        if changes["point"]:
            place, provinces, segments = resolve.point_place(geocoder, *changes["point"])
        else:
            from dashboard.gazetteer import load_gazetteer

            gazetteer = load_gazetteer(layers.id)
            place, provinces, segments = resolve.gazetteer_place(
                gazetteer, geocoder, changes["place_id"]
            )
    if codes:
        provinces = resolve.province_refs(layers, codes)
    if segment_ids:
        segments = resolve.segment_refs(layers, segment_ids)
    return place, provinces, segments


@click.command("history")
@click.argument("incident")
@click.option("--json", "as_json", is_flag=True, help="Print the revisions as JSON.")
@url_option
def history_command(incident: str, as_json: bool, url: str | None) -> None:
    """Print INCIDENT's revisions, oldest first: who, when (UTC), what changed and why.

    Each line starts with the version the revision made and its revision
    number (#N), which the dashboard's revert takes.
    """
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
        reverts = f" (reverts #{revision.reverts})" if revision.reverts else ""
        click.echo(
            f"  v{revision.version} #{revision.id}  {_utc(revision.at)}  {revision.by}  "
            f"{revision.action}{reverts}: {revision.reason}"
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
