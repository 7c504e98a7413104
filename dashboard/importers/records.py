"""One imported row in borderwatch's terms, validated: what every format maps to.

A format module (:mod:`.acled`, :mod:`.ucdp`, :mod:`.tabular`) turns a file's
raw row into a dict of :class:`ImportRecord` fields; :func:`validate_record`
checks it with pydantic, so every format gets the same checks and the same
messages, worded with the file's own column names. A row that fails any
check is rejected whole (:class:`RowError`); nothing of it is written.

Sources of structured rows carry metadata, never text
(:class:`~dashboard.models.SourceKind.DATASET_RECORD`). A source named only by
a dataset (ACLED's ``source`` names) gets the id
``<dataset>:source:<hash of dataset and name>``, so every row citing the same
name cites the same stored source.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from dashboard.models import (
    CasualtyCount,
    DatePrecision,
    EventType,
    LocationPrecision,
    Source,
    SourceKind,
    content_hash,
)

if TYPE_CHECKING:
    from dashboard.importers.dates import DateReader

# Incident and source ids are String(200) in the store.
MAX_ID_CHARS = 200
# Hex digits of a content hash used in ids: 80 bits, unique for any real file.
HASH_ID_CHARS = 20


class RowError(ValueError):
    """Why one row cannot be imported; the message is shown with its line."""


class ImportFileError(Exception):
    """Why a whole file cannot be imported (unreadable, or a required column is missing)."""


class RowMapper(Protocol):
    """What a format module gives the runner: its columns and a row → fields mapping."""

    dataset: str
    columns: tuple[str, ...]
    """Every column the format reads (``--map`` names these)."""
    dates: DateReader
    """Reads the file's dates; the runner has it learn them all first (:mod:`.dates`)."""

    def date_columns(self) -> tuple[str, ...]:
        """The row keys holding event dates (after :meth:`missing_columns`)."""
        ...

    def missing_columns(self, present: Collection[str]) -> list[str]:
        """Required columns (or alternatives, "a|b") that ``present`` lacks."""
        ...

    def to_fields(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """:class:`ImportRecord` fields for one row; raises :class:`RowError`."""
        ...

    def column_of(self, field: str) -> str:
        """The format's column an :class:`ImportRecord` field comes from (for messages)."""
        ...


class SourceRecord(BaseModel):
    """A source a row cites: metadata only, and whose claim it reports."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=MAX_ID_CHARS)
    title: str = Field(min_length=1)
    publisher: str | None = None
    url: str | None = None
    published: date | None = None
    claim: str | None = None

    def to_source(self) -> Source:
        """The store's source (its content hash covers every field it has)."""
        published = self.published.isoformat() if self.published else None
        return Source(
            id=self.id,
            title=self.title,
            content_hash=content_hash(
                "dataset-record", self.id, self.title, self.publisher, self.url, published
            ),
            kind=SourceKind.DATASET_RECORD,
            url=self.url,
            publisher=self.publisher,
            published=self.published,
        )


class ImportRecord(BaseModel):
    """One row of any format, in borderwatch's fields, checked.

    ``country``/``admin1``/``admin2`` are the file's own place names, kept
    beside borderwatch's geocoding; ``dataset`` says whose names they are.
    ``casualties`` is the breakdown by kind and side, where the file gives one.
    ``attributes`` keeps what the format has no field for (ACLED's sub-event
    type, UCDP's deaths by side…), so nothing a user imports is dropped.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=MAX_ID_CHARS)
    dataset: str = Field(min_length=1, max_length=32)
    date_start: date
    date_end: date
    date_precision: DatePrecision
    event_type: EventType
    location_precision: LocationPrecision
    lat: float | None = Field(default=None, ge=-90, le=90, allow_inf_nan=False)
    lon: float | None = Field(default=None, ge=-180, le=180, allow_inf_nan=False)
    """A row without a point is placed by its names (:mod:`.naming`)."""
    summary: str = ""
    fatalities: int | None = Field(default=None, ge=0)
    casualties: tuple[CasualtyCount, ...] = ()
    actors: tuple[str, ...] = ()
    place_name: str | None = None
    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    sources: tuple[SourceRecord, ...] = ()
    attributes: dict[str, str] = Field(default_factory=dict)
    """The dataset's other columns as the file wrote them (blank ones left out)."""
    dataset_timestamp: int | None = None
    """When the dataset last changed the record (ACLED's ``timestamp``, epoch seconds)."""

    @model_validator(mode="after")
    def _window_is_ordered(self) -> ImportRecord:
        if self.date_end < self.date_start:
            raise ValueError(f"date_end {self.date_end} is before date_start {self.date_start}")
        if (self.lat is None) != (self.lon is None):
            raise ValueError("latitude and longitude must both be given, or both be blank")
        return self


# The model's compiled validator, called directly: this runs once per row.
_validate = ImportRecord.__pydantic_validator__.validate_python


def validate_record(fields: Mapping[str, Any], column_of: Mapping[str, str]) -> ImportRecord:
    """Check one row's fields; a :class:`RowError` names the file's columns on failure.

    ``column_of`` maps a field to the column it came from, for messages.
    """
    try:
        return _validate(fields)
    except ValidationError as exc:
        raise RowError(describe_errors(exc, column_of)) from None


def describe_errors(exc: ValidationError, column_of: Mapping[str, str]) -> str:
    """A pydantic error as one line: ``column: message (got value)``, ``;``-separated."""
    parts = []
    for error in exc.errors(include_url=False):
        location = error["loc"]
        message = str(error["msg"]).removeprefix("Value error, ")
        if not location:
            parts.append(message)
            continue
        field = str(location[0])
        column = column_of.get(field, field)
        value = error.get("input")
        shown = "" if isinstance(value, Mapping) else f" (got {value!r})"
        parts.append(f"{column}: {message}{shown}")
    return "; ".join(parts)


# --------------------------------------------------------------------- cells


def split_list(value: Any, separator: str = ";") -> tuple[str, ...]:
    """Non-empty stripped items of a ``;``-joined string (or of a list), first of each kept."""
    if not value:
        return ()
    if isinstance(value, str):
        if separator not in value:  # the common case, kept fast for big files
            stripped = value.strip()
            return (stripped,) if stripped else ()
        items: Iterable[Any] = value.split(separator)
    else:
        items = value if isinstance(value, list | tuple) else str(value).split(separator)
    return tuple(dict.fromkeys(s for item in items if (s := str(item).strip())))


def blank_to_none(value: Any) -> Any:
    """``None`` for a missing or blank value, the stripped string (or the value) otherwise."""
    if value is None:
        return None
    if isinstance(value, str):
        stripped = value.strip()
        return stripped or None
    return value


@lru_cache(maxsize=65536)
def dataset_source(dataset: str, name: str) -> SourceRecord:
    """The source a dataset names only by publisher (e.g. an ACLED ``source`` entry)."""
    return SourceRecord(
        id=f"{dataset}:source:{content_hash(dataset, name)[:HASH_ID_CHARS]}",
        title=name,
        publisher=name,
    )


def kept_columns(row: Mapping[str, str], columns: Iterable[str]) -> dict[str, str]:
    """The row's non-blank values of ``columns``, stripped: a record's dataset fields.

    Cells are text here (CSV cells, and an API's JSON made text by
    :mod:`.files`); one comprehension, as it runs for every row of big files.
    """
    get = row.get
    return {column: value for column in columns if (value := get(column, "").strip())}


class KeptColumns:
    """:func:`kept_columns` for every row of one file, a fifth faster (profiled at 200,000 rows).

    ``present`` is the file's columns (a CSV header, every key of a JSON
    file's records): the dataset columns among them are fetched at C speed
    in one call. A row lacking one of them (a short CSV line, a JSON record
    without that key) is read the plain way, so nothing is dropped.
    """

    def __init__(self, columns: Iterable[str], present: Collection[str] | None = None) -> None:
        self.columns = tuple(columns)
        self._names = tuple(c for c in self.columns if present is None or c in present)
        self._get = itemgetter(*self._names) if len(self._names) > 1 else None

    def __call__(self, row: Mapping[str, str]) -> dict[str, str]:
        if self._get is None:
            return kept_columns(row, self.columns)
        try:
            values = self._get(row)
        except KeyError:
            return kept_columns(row, self.columns)
        pairs = zip(self._names, values, strict=True)
        return {c: text for c, value in pairs if value and (text := value.strip())}


def hashed_id(prefix: str, fields: Mapping[str, Any]) -> str:
    """``<prefix>:<hash>`` over a row's mapped values: a stable key for rows without one."""
    parts = [f"{key}={fields[key]!r}" for key in sorted(fields)]
    return f"{prefix}:{content_hash(*parts)[:HASH_ID_CHARS]}"
