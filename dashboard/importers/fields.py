"""Cell values → borderwatch values, shared by every import format.

ACLED, UCDP GED and a monitor's own table spell the same things differently
("2" and "2.0" for a code, "Strategic Developments" and "Strategic
developments" for an event type); each helper here accepts every spelling a
real file uses and names the column in its :class:`RowError` otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dashboard.importers.records import RowError
from dashboard.models import EventType

_EVENT_TYPES = {t.value.casefold(): t for t in EventType}
_EVENT_TYPE_VALUES = {t.value: t for t in EventType}


def event_type(value: Any, column: str = "event_type") -> EventType:
    """An ACLED event type, any capitalisation ("Strategic Developments" in older files)."""
    found = _EVENT_TYPE_VALUES.get(value)
    if found is not None:  # the common case, kept fast for big files
        return found
    text = str(value or "").strip()
    found = _EVENT_TYPES.get(text.casefold())
    if found is None:
        known = ", ".join(t.value for t in EventType)
        raise RowError(f"{column}: {text!r} is not an ACLED event type ({known})")
    return found


def code(table: Mapping[str, Any], value: Any, column: str) -> Any:
    """Look a numeric code up in ``table`` ("2" and "2.0" alike), or raise a :class:`RowError`."""
    found = table.get(value)
    if found is not None:  # the common case, kept fast for big files
        return found
    text = str(value if value is not None else "").strip()
    key = text[:-2] if text.endswith(".0") else text
    if key not in table:
        raise RowError(f"{column}: {text!r} is not one of {', '.join(table)}")
    return table[key]
