"""Synthetic incidents for tests, benchmarks and scale tests: plausible, and never real.

Everything made here is marked so nothing can mistake it for a real event:
its sources are published by ``synthetic``
(:data:`~dashboard.models.SYNTHETIC_PUBLISHER`, which the store flags and
the dashboard hides unless asked), ids start with ``synthetic:`` (``SYN`` in
ACLED-layout rows), summaries and texts say "Synthetic test". Nothing loads
it by default; ``borderwatch demo --synthetic N`` writes it on request.

The generator is vectorised (a million events in a few seconds) and fixed by
its seed: points scattered around random points of the border line (most
within a few km, some tens of km inland), dates uniform over
:data:`FIRST_DAY` .. :data:`LAST_DAY`, ACLED-like mixes of event types,
date and location precision, and fatalities (mostly none).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pycountry
import shapely

from dashboard.geo.geocode import Geocoder
from dashboard.importers.acled import ACLED_COLUMNS, GEO_PRECISION, TIME_PRECISION, date_window
from dashboard.importers.placing import Placer
from dashboard.models import (
    SYNTHETIC_PUBLISHER,
    Citation,
    EventType,
    Excerpt,
    Incident,
    Source,
    SourceKind,
    Span,
    SpanKind,
    content_hash,
)
from dashboard.store import Store

FIRST_DAY = date(2018, 1, 1)
LAST_DAY = date(2024, 12, 31)
DEMO_CHUNK = 10_000

_EVENT_TYPES = (
    (EventType.EXPLOSIONS, 0.45, "Shelling/artillery/missile attack", "shelling"),
    (EventType.BATTLES, 0.35, "Armed clash", "an exchange of fire"),
    (EventType.STRATEGIC_DEVELOPMENTS, 0.12, "Other", "new positions"),
    (EventType.VIOLENCE_AGAINST_CIVILIANS, 0.05, "Attack", "an attack on farmers"),
    (EventType.PROTESTS, 0.03, "Peaceful protest", "a protest"),
)
_TIME_PRECISION = ((1, 0.85), (2, 0.10), (3, 0.05))
_GEO_PRECISION = ((1, 0.60), (2, 0.30), (3, 0.10))


def synthetic_events(n: int, seed: int = 0, geocoder: Geocoder | None = None) -> pd.DataFrame:
    """``n`` synthetic events, one per row, fixed by ``seed``.

    Parameters
    ----------
    n
        How many events.
    seed
        The random seed: the same seed gives the same events.
    geocoder
        For the border line and the province names (default border when omitted).

    Returns
    -------
    pandas.DataFrame
        Columns ``number``, ``date``, ``time_precision`` and ``geo_precision``
        (ACLED codes), ``event_type``, ``sub_event_type``, ``cue``, ``actor1``,
        ``actor2``, ``lat``, ``lon``, ``fatalities``, ``country`` (ISO code or
        None), ``province_code``, ``province_name`` and ``notes``.
    """
    geocoder = geocoder or _default_geocoder()
    rng = np.random.default_rng(seed)
    line = shapely.union_all(list(geocoder.layers.segments.geometry))
    anchors = shapely.line_interpolate_point(line, rng.uniform(0, 1, n), normalized=True)
    spread = np.where(rng.uniform(size=n) < 0.8, 0.03, 0.15)  # degrees: ~3 km, ~15 km
    lat = np.round(shapely.get_y(anchors) + rng.normal(0, 1, n) * spread, 4)
    lon = np.round(shapely.get_x(anchors) + rng.normal(0, 1, n) * spread, 4)
    found = geocoder.geocode(lat, lon)
    kind = rng.choice(len(_EVENT_TYPES), size=n, p=[t[1] for t in _EVENT_TYPES])
    days = (LAST_DAY - FIRST_DAY).days + 1
    fatal = rng.uniform(size=n) < 0.3
    number = np.arange(1, n + 1)
    cue = np.array([t[3] for t in _EVENT_TYPES], dtype=object)[kind]
    frame = pd.DataFrame(
        {
            "number": number,
            "date": np.datetime64(FIRST_DAY, "D") + rng.integers(0, days, n),
            "time_precision": _draw(rng, _TIME_PRECISION, n),
            "geo_precision": _draw(rng, _GEO_PRECISION, n),
            "event_type": np.array([t[0].value for t in _EVENT_TYPES], dtype=object)[kind],
            "sub_event_type": np.array([t[2] for t in _EVENT_TYPES], dtype=object)[kind],
            "cue": cue,
            "actor1": np.where(rng.uniform(size=n) < 0.5, "Synthetic Actor A", "Synthetic Actor B"),
            "actor2": np.where(kind < 2, "Synthetic Actor C", ""),
            "lat": lat,
            "lon": lon,
            "fatalities": np.where(fatal, rng.geometric(0.5, n), 0),
            "country": found.country,
            "province_code": found.province_code,
            "province_name": found.province_name,
        }
    )
    frame["notes"] = (
        "Synthetic test event "
        + frame["number"].astype(str)
        + ": "
        + frame["cue"]
        + " near the border (not a real event)."
    )
    return frame


def _draw(rng: np.random.Generator, weighted: tuple[tuple[int, float], ...], n: int) -> np.ndarray:
    return rng.choice([v for v, _ in weighted], size=n, p=[w for _, w in weighted])


def _default_geocoder() -> Geocoder:
    from dashboard.geo.layers import load_border  # noqa: PLC0415 - only when none is given

    return Geocoder(load_border())


@lru_cache(maxsize=64)
def _country_name(code: object) -> str:
    """ACLED's country name for an ISO alpha-2 code (any border's countries, not a table)."""
    found = pycountry.countries.get(alpha_2=str(code)) if code else None
    if found is None:
        return ""
    return getattr(found, "common_name", None) or found.name


@lru_cache(maxsize=64)
def _iso_numeric(code: object) -> str:
    """ACLED's ``iso`` column: the ISO 3166-1 numeric code without leading zeros."""
    found = pycountry.countries.get(alpha_2=str(code)) if code else None
    return str(int(found.numeric)) if found else ""


def to_acled_frame(events: pd.DataFrame) -> pd.DataFrame:
    """The events as an ACLED export (every column of the current layout, as text)."""
    n = len(events)
    country = events["country"].map(_country_name).fillna("")
    blank = np.full(n, "", dtype=object)
    columns = {
        "event_id_cnty": "SYN" + events["number"].astype(str),
        "event_date": events["date"].dt.strftime("%Y-%m-%d"),
        "year": events["date"].dt.year.astype(str),
        "time_precision": events["time_precision"].astype(str),
        "disorder_type": np.full(n, "Political violence", dtype=object),
        "event_type": events["event_type"],
        "sub_event_type": events["sub_event_type"],
        "actor1": events["actor1"],
        "inter1": np.full(n, "1", dtype=object),
        "actor2": events["actor2"],
        "inter2": np.where(events["actor2"] != "", "1", ""),
        "iso": events["country"].map(_iso_numeric).fillna(""),
        "region": np.full(n, "Caucasus and Central Asia", dtype=object),
        "country": country,
        "admin1": events["province_name"].fillna(""),
        "location": "Synthetic place " + events["number"].astype(str),
        "latitude": events["lat"].astype(str),
        "longitude": events["lon"].astype(str),
        "geo_precision": events["geo_precision"].astype(str),
        "source": np.full(n, SYNTHETIC_PUBLISHER, dtype=object),
        "source_scale": np.full(n, "Other", dtype=object),
        "notes": events["notes"],
        "fatalities": events["fatalities"].astype(str),
        "timestamp": np.full(n, "1700000000", dtype=object),
    }
    return pd.DataFrame({c: columns.get(c, blank) for c in ACLED_COLUMNS})


# ------------------------------------------------------------------------ demo


@dataclass(frozen=True)
class DemoResult:
    """What :func:`write_demo` wrote."""

    incidents_created: int
    incidents_unchanged: int
    sources_created: int


def demo_documents(
    events: pd.DataFrame, seed: int, placer: Placer
) -> tuple[list[Source], list[Incident]]:
    """Each event as a short synthetic report and the incident it supports, with excerpts.

    Ids are ``synthetic:<seed>:<number>``, so writing the same seed twice
    changes nothing. Places follow the import rule (:mod:`dashboard.importers.placing`).
    """
    precisions = [GEO_PRECISION[str(g)] for g in events["geo_precision"]]
    placed = placer.place(events["lat"].to_numpy(), events["lon"].to_numpy(), precisions)
    sources: list[Source] = []
    incidents: list[Incident] = []
    for k, row in enumerate(events.itertuples(index=False)):
        day = row.date.date()
        start, end = date_window(day, TIME_PRECISION[str(row.time_precision)])
        text, spans = _report_text(row, day)
        key = f"synthetic:{seed}:{row.number}"
        source = Source(
            id=f"{key}:report",
            title=f"Synthetic test report {seed}-{row.number}",
            content_hash=content_hash(text, key),
            kind=SourceKind.REPORT,
            publisher=SYNTHETIC_PUBLISHER,
            published=end + timedelta(days=1),
            language="en",
            text=text,
        )
        sources.append(source)
        incidents.append(
            Incident(
                id=key,
                date_start=start,
                date_end=end,
                date_precision=TIME_PRECISION[str(row.time_precision)],
                event_type=EventType(row.event_type),
                location_precision=placed.location_precision[k],
                lat=float(row.lat),
                lon=float(row.lon),
                summary=row.notes,
                fatalities=int(row.fatalities),
                actors=tuple(a for a in (row.actor1, row.actor2) if a),
                place_name=f"Synthetic place {row.number}",
                provinces=placed.provinces[k],
                segments=placed.segments[k],
                distance_km=placed.distance_km[k],
                citations=(
                    Citation(
                        source.id,
                        claim=SYNTHETIC_PUBLISHER,
                        excerpts=(Excerpt(0, len(text), text, spans),),
                    ),
                ),
            )
        )
    return sources, incidents


def _report_text(row: Any, day: date) -> tuple[str, tuple[Span, ...]]:
    """``Synthetic test report (not a real event): <cue> near <place> on <date>; <n> killed.``"""
    # Missing names are NaN in pandas' string columns, not None.
    known = isinstance(row.province_name, str)
    place = row.province_name if known else "the border"
    parts: list[tuple[str, tuple[SpanKind, str] | None]] = [
        ("Synthetic test report (not a real event): ", None),
        (str(row.cue), (SpanKind.CUE, str(row.sub_event_type))),
        (" near ", None),
        (place, (SpanKind.PLACE, row.province_code if known else "border")),
        (" on ", None),
        (f"{day.day} {day:%B %Y}", (SpanKind.DATE, day.isoformat())),
        ("; ", None),
        (str(row.fatalities), (SpanKind.FATALITIES, str(row.fatalities))),
        (" killed.", None),
    ]
    text, spans, at = "", [], 0
    for piece, label in parts:
        if label is not None:
            spans.append(Span(at, at + len(piece), label[0], label[1], piece))
        text += piece
        at += len(piece)
    return text, tuple(spans)


def write_demo(
    store: Store,
    n: int,
    seed: int = 0,
    *,
    geocoder: Geocoder | None = None,
    chunk: int = DEMO_CHUNK,
    progress: Callable[[int], None] | None = None,
) -> DemoResult:
    """Write ``n`` synthetic incidents (seed ``seed``) with their reports into ``store``.

    One transaction per ``chunk`` incidents; ``progress`` is called with the
    number written after each. Idempotent for the same seed.
    """
    geocoder = geocoder or _default_geocoder()
    placer = Placer(geocoder)
    events = synthetic_events(n, seed, geocoder)
    created = unchanged = sources = 0
    for part in _chunks(events, chunk):
        result = store.save_incidents_bulk(*demo_documents(part, seed, placer))
        created += result.incidents_created
        unchanged += result.incidents_unchanged
        sources += result.sources_created
        if progress is not None:
            progress(len(part))
    return DemoResult(created, unchanged, sources)


def _chunks(frame: pd.DataFrame, size: int) -> Iterator[pd.DataFrame]:
    for start in range(0, len(frame), size):
        yield frame.iloc[start : start + size]
