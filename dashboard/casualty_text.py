"""A casualty breakdown as files spell it: one CSV cell, or a list of JSON objects.

``borderwatch export`` writes and ``borderwatch import`` reads these, so an
export imports back unchanged. A generic encoding rather than a column per
kind and country (``killed_AM``): the columns would differ from border to
border, and a spreadsheet of one border would not import into another's.

CSV
    ``kind:SIDE=count`` items joined with ``;``, in the incident's order:
    ``killed:AM=4;killed:AZ=3;wounded:?=1``. ``SIDE`` is the country code, or
    ``?`` where the report does not say whose; an empty cell is no breakdown.
GeoJSON
    ``[{"kind": "killed", "side": "AM", "count": 4}, ...]``, ``side`` ``null``
    where not stated.

It sits at the top of the package because the exporter and the importers
both use it and neither should import the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from dashboard.models import CasualtyCount, CasualtyKind

SIDE_NOT_STATED = "?"

_ITEM = re.compile(r"(?P<kind>[A-Za-z]+):(?P<side>[^:;=\s]+)=(?P<count>\d+)")


def format_casualties(counts: Iterable[CasualtyCount]) -> str:
    """The CSV cell: ``killed:AM=4;wounded:?=1`` (empty for no breakdown)."""
    return ";".join(f"{c.kind.value}:{c.side or SIDE_NOT_STATED}={c.count}" for c in counts)


def casualty_objects(counts: Iterable[CasualtyCount]) -> list[dict[str, Any]]:
    """The GeoJSON property: one ``{kind, side, count}`` object per count."""
    return [{"kind": c.kind.value, "side": c.side, "count": c.count} for c in counts]


def parse_casualties(value: str | list[Any] | None) -> tuple[CasualtyCount, ...]:
    """A CSV cell or a GeoJSON list back into counts; :class:`ValueError` says what is wrong.

    A (kind, side) given twice is refused: the figures would contradict each
    other and the store keeps one per pair.
    """
    if value is None:
        return ()
    if isinstance(value, list):
        counts = tuple(_from_object(item) for item in value)
    else:
        counts = tuple(_from_item(item.strip()) for item in str(value).split(";") if item.strip())
    seen: set[tuple[CasualtyKind, str | None]] = set()
    for count in counts:
        key = (count.kind, count.side)
        if key in seen:
            side = count.side or SIDE_NOT_STATED
            raise ValueError(f"{count.kind.value}:{side} is given twice")
        seen.add(key)
    return counts


def _from_item(item: str) -> CasualtyCount:
    match = _ITEM.fullmatch(item)
    if match is None:
        raise ValueError(f"{item!r} is not kind:SIDE=count (e.g. killed:AM=4, wounded:?=1)")
    side = match["side"]
    return CasualtyCount(
        _kind(match["kind"]), None if side == SIDE_NOT_STATED else side, int(match["count"])
    )


def _from_object(item: Any) -> CasualtyCount:
    if not isinstance(item, Mapping) or not {"kind", "count"} <= item.keys():
        raise ValueError(f"{item!r} is not an object with kind, side and count")
    count, side = item["count"], item.get("side")
    side = None if side == SIDE_NOT_STATED else side
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"count {count!r} is not a whole number of people")
    if side is not None and (not isinstance(side, str) or not side.strip()):
        raise ValueError(f"side {side!r} is not a country code or null")
    return CasualtyCount(_kind(str(item["kind"])), side, count)


def _kind(name: str) -> CasualtyKind:
    try:
        return CasualtyKind(name.lower())
    except ValueError:
        kinds = ", ".join(k.value for k in CasualtyKind)
        raise ValueError(f"{name!r} is not a casualty kind ({kinds})") from None
