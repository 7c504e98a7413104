"""The shared vocabulary: incidents, sources, excerpts and their precision codes.

Modelled on ACLED and UCDP GED, with one level they lack: an incident placed
"on a named border segment". Every other module speaks in these types, so
they are plain frozen dataclasses with no I/O and no behaviour beyond
validation of their own invariants.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache


class DatePrecision(StrEnum):
    """How wide the true date window is (UCDP ``date_prec`` 1-5)."""

    DAY = "day"
    DAYS = "days"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"

    @property
    def ucdp_code(self) -> int:
        """UCDP GED ``date_prec``: 1 day ... 5 year."""
        return list(DatePrecision).index(self) + 1


def window_label(start: date, end: date, precision: DatePrecision | str) -> str:
    """A date window in words, so a month never reads as an exact day.

    The one wording everywhere a window is shown (summaries, the map, the
    table, the source panel): ``day`` → ``2021-07-03``; ``days`` →
    ``2021-07-01 – 2021-07-03`` (one day if it collapsed to one); ``week`` →
    ``week of 2021-07-05 – 2021-07-11``; ``month`` → ``July 2021``; ``year`` → ``2021``.
    """
    precision = DatePrecision(precision)
    if precision is DatePrecision.MONTH:
        return start.strftime("%B %Y")
    if precision is DatePrecision.YEAR:
        return str(start.year)
    first, last = start.isoformat(), end.isoformat()
    if precision is DatePrecision.WEEK:
        return f"week of {first} – {last}"
    if precision is DatePrecision.DAY or first == last:
        return first
    return f"{first} – {last}"


# A point this close to the border line is on its nearest segment: the importers' placing
# rule (dashboard/importers/placing.py) and the dashboard's "on a segment" (dashboard/query.py).
SEGMENT_WITHIN_KM = 10.0


class LocationPrecision(StrEnum):
    """How exactly an incident is placed, from an exact point to a whole country.

    UCDP ``where_prec`` 1-6 plus ``BORDER_SEGMENT``: a named stretch of the
    border line, which is what most border reports actually give.
    """

    POINT = "point"
    NEAR_PLACE = "near_place"
    BORDER_SEGMENT = "border_segment"
    DISTRICT = "district"
    PROVINCE = "province"
    COUNTRY = "country"

    @property
    def ucdp_code(self) -> int:
        """Closest UCDP ``where_prec``; a border segment is a linear feature (5)."""
        return _UCDP_WHERE_PREC[self]


_UCDP_WHERE_PREC = {
    LocationPrecision.POINT: 1,
    LocationPrecision.NEAR_PLACE: 2,
    LocationPrecision.DISTRICT: 3,
    LocationPrecision.PROVINCE: 4,
    LocationPrecision.BORDER_SEGMENT: 5,
    LocationPrecision.COUNTRY: 6,
}


class EventType(StrEnum):
    """ACLED's event types, so imports and exports need no translation table."""

    BATTLES = "Battles"
    EXPLOSIONS = "Explosions/Remote violence"
    VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
    PROTESTS = "Protests"
    RIOTS = "Riots"
    STRATEGIC_DEVELOPMENTS = "Strategic developments"


class SpanKind(StrEnum):
    """What a highlighted span inside an excerpt matched."""

    PLACE = "place"
    CUE = "cue"
    DATE = "date"
    FATALITIES = "fatalities"


class SourceKind(StrEnum):
    """A report carries full text; a dataset record carries only metadata."""

    REPORT = "report"
    DATASET_RECORD = "dataset_record"


class WatchKind(StrEnum):
    """What a watched URL is: a feed of articles, a page listing them, or one article."""

    FEED = "feed"
    LISTING = "listing"
    PAGE = "page"


@dataclass(frozen=True, slots=True)
class WatchedSource:
    """A feed or page live intake follows (``borderwatch watch``, the Sources page).

    ``selector`` picks a listing page's article links (CSS); ``language`` is
    the articles' language where their pages do not say.
    """

    name: str
    url: str
    kind: WatchKind = WatchKind.FEED
    selector: str | None = None
    language: str | None = None
    notes: str | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a watched source needs a name")
        if self.kind is WatchKind.LISTING and not self.selector:
            raise ValueError(f"{self.name}: a listing page needs a CSS selector for its links")


class ReviewStatus(StrEnum):
    """What an analyst has made of an incident (ACLED's coder check, Ushahidi's verification).

    Every incident starts ``unreviewed``; ``rejected`` says it is no incident
    at all and ``duplicate`` that another incident is the same event (the
    store keeps which). Map, table and exports leave those two out unless asked.
    """

    UNREVIEWED = "unreviewed"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"


SYNTHETIC_PUBLISHER = "synthetic"


def content_hash(*parts: str | None) -> str:
    """Stable sha256 over the given parts; the idempotency key for sources."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update((part or "").encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Source:
    """A report or a dataset record that supports incidents."""

    id: str
    title: str
    content_hash: str
    kind: SourceKind = SourceKind.REPORT
    url: str | None = None
    publisher: str | None = None
    published: date | None = None
    language: str | None = None
    text: str | None = None

    @property
    def synthetic(self) -> bool:
        """Synthetic sources (tests, benchmarks) are never shown by default."""
        return self.publisher == SYNTHETIC_PUBLISHER


@dataclass(frozen=True, slots=True)
class Span:
    """A matched stretch of source text: ``text[start:end]`` matched ``label``.

    For a place, ``label`` is the place id and ``matched`` the alias that
    matched; for a cue, ``label`` is the cue category.
    """

    start: int
    end: int
    kind: SpanKind
    label: str
    matched: str

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"span [{self.start}, {self.end}) is empty or negative")


@dataclass(frozen=True, slots=True)
class Excerpt:
    """A character span of a source supporting an incident, with its matches."""

    start: int
    end: int
    text: str
    spans: tuple[Span, ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"excerpt [{self.start}, {self.end}) is empty or negative")
        if len(self.text) != self.end - self.start:
            raise ValueError("excerpt text length does not match its offsets")
        for span in self.spans:
            if span.start < self.start or span.end > self.end:
                raise ValueError(f"span {span.start}-{span.end} lies outside its excerpt")


@dataclass(frozen=True, slots=True)
class Citation:
    """One source's support for an incident: its excerpts and whose claim it is."""

    source_id: str
    claim: str | None = None
    excerpts: tuple[Excerpt, ...] = ()


@dataclass(frozen=True, slots=True)
class ProvinceRef:
    """A first-level unit on either side of the border (ISO 3166-2 code)."""

    code: str
    name: str
    country: str


@dataclass(frozen=True, slots=True)
class SegmentRef:
    """A named stretch of the border line."""

    id: str
    name: str


def segment_units(segment_id: str) -> tuple[str, ...]:
    """The first-level units a segment joins, read off its id.

    Ids are ``FIRST_SECOND`` (``AM-GR_AZ-KAL``); where districts name the
    segments each side is a district code, its unit's code, a dot and a
    name (``KG-B.BATKEN_TJ-SU.ISFARA``), so the units are still in the id and
    nothing needs the layers to know which provinces a segment touches.
    A ``segment:`` place-id prefix is ignored.
    """
    bare = segment_id.split(":", 1)[-1]
    return tuple(side.split(".", 1)[0] for side in bare.split("_"))


class CasualtyKind(StrEnum):
    """What happened to the people a report counts (ACLED counts only the killed)."""

    KILLED = "killed"
    WOUNDED = "wounded"
    CAPTURED = "captured"
    MISSING = "missing"


@dataclass(frozen=True, slots=True)
class CasualtyCount:
    """How many of one side were killed, wounded, captured or missing: the figure that stands.

    ``side`` is the country (ISO 3166-1 alpha-2) whose people they were, or
    ``None`` where the report does not say whose. A kind or side the report
    does not give has no count at all: unknown stays unknown, never 0.
    """

    kind: CasualtyKind
    side: str | None
    count: int

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError(f"negative {self.kind} count")


@dataclass(frozen=True, slots=True)
class Incident:
    """One event on or near the border, with its uncertainty kept explicit.

    ``fatalities`` is ``None`` when not reported and ``0`` when reported as
    none; ``casualties`` breaks the toll down by kind and side where the
    report does (``fatalities`` is then the killed total: the sides' sum, or a
    larger overall figure the report gives without a side). The date is a
    window (``date_start`` .. ``date_end``) whose width ``date_precision``
    names; ``lat``/``lon`` is a representative point whose meaning
    ``location_precision`` names.
    """

    id: str
    date_start: date
    date_end: date
    date_precision: DatePrecision
    event_type: EventType
    location_precision: LocationPrecision
    lat: float | None = None
    lon: float | None = None
    summary: str = ""
    fatalities: int | None = None
    actors: tuple[str, ...] = ()
    place_name: str | None = None
    provinces: tuple[ProvinceRef, ...] = ()
    segments: tuple[SegmentRef, ...] = ()
    distance_km: float | None = None
    casualties: tuple[CasualtyCount, ...] = ()
    citations: tuple[Citation, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.date_end < self.date_start:
            raise ValueError(f"incident {self.id}: date_end before date_start")
        if self.fatalities is not None and self.fatalities < 0:
            raise ValueError(f"incident {self.id}: negative fatalities")
        if (self.lat is None) != (self.lon is None):
            raise ValueError(f"incident {self.id}: lat and lon must both be set or both be None")
        if self.lat is not None and not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180):
            raise ValueError(f"incident {self.id}: coordinates out of range")

    @property
    def reports(self) -> int:
        """How many sources were merged into this incident."""
        return len({c.source_id for c in self.citations})


@lru_cache(maxsize=1024)
def country_code(name: str) -> str | None:
    """ISO alpha-2 for a country's name or code as files write it ("Armenia", "ARM"); ``None``
    if unknown."""
    import pycountry  # noqa: PLC0415 - its tables load only when a file's country is read

    try:
        return str(pycountry.countries.lookup(name.strip()).alpha_2)
    except LookupError:
        return None
