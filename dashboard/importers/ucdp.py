"""UCDP GED (CSV) → import record fields.

The GED CSV layout is :data:`UCDP_COLUMNS`; only :data:`REQUIRED` must be
present. Mappings (UCDP GED codebook wording, paraphrased):

- ``id`` → incident id ``ucdp:<id>`` (the stable key).
- ``type_of_violence`` → event type: 1 state-based and 2 non-state conflict
  → Battles; 3 one-sided violence → Violence against civilians.
- ``date_start`` / ``date_end`` → the window; ``date_prec`` 1-5 → day, days,
  week, month, year (:attr:`DatePrecision.ucdp_code`).
- ``where_prec`` → location precision: 1 exact place → ``point``; 2 within
  ~25 km of a place → ``near_place``; 3 second-order unit (ADM2) →
  ``district``; 4 first-order unit (ADM1) → ``province``; 5 a linear feature
  (a road, a river, the border) or a part of the country larger than ADM1 →
  ``border_segment`` (its ``ucdp_code`` is 5), which the import widens to
  ``province`` when the point lies far from the border line; 6 country →
  ``country``; 7 international waters or airspace → **rejected**: such an
  event cannot be placed on a land border.
- ``best`` → fatalities (``low`` and ``high`` go into the summary);
  ``side_a``, ``side_b`` → actors; ``where_coordinates`` → place name;
  ``country``, ``adm_1``, ``adm_2`` → the file's own place names.
- Summary: GED has no narrative, so the import writes one from the dyad,
  ``where_description`` and the death estimates.
- Sources: ``source_headline``, ``source_office``, ``source_date`` and
  ``source_article`` (``;``-separated lists) → dataset-record sources without
  text. When every non-empty list has the same length n, they are n sources,
  one per position; otherwise one source joining them. ``source_original``
  (who is quoted) becomes each citation's claim. A source whose office is
  ``synthetic`` is the synthetic publisher: such rows are test data.
- Dataset fields: every codebook column but the point (ids, conflict and
  dyad names and ids, sides, ``where_prec``, ``where_description``,
  ``adm_1``/``adm_2``, ``event_clarity``, ``date_prec``, deaths by side a/b,
  civilians and unknown, best/high/low, the source fields…) is kept as the
  file wrote it in the record's attributes (:data:`ATTRIBUTE_COLUMNS`), for
  the yearly GED, the candidate releases and the API alike. Re-importing a
  newer release replaces a changed record of the same ``id``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from dashboard.importers.dates import DateReader, parse_date
from dashboard.importers.fields import code
from dashboard.importers.records import (
    HASH_ID_CHARS,
    KeptColumns,
    RowError,
    SourceRecord,
    blank_to_none,
    split_list,
)
from dashboard.models import DatePrecision, EventType, LocationPrecision, content_hash

DATASET = "ucdp"

UCDP_COLUMNS = (
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "gwnoa",
    "gwnob",
)
# Every codebook column is kept as a dataset field except the point itself
# (the incident's lat/lon) and its WKT spelling.
ATTRIBUTE_COLUMNS = tuple(c for c in UCDP_COLUMNS if c not in ("latitude", "longitude", "geom_wkt"))
REQUIRED = (
    "id",
    "type_of_violence",
    "date_prec",
    "date_start",
    "date_end",
    "where_prec",
    "latitude",
    "longitude",
    "best",
)

TYPE_OF_VIOLENCE = {
    "1": EventType.BATTLES,
    "2": EventType.BATTLES,
    "3": EventType.VIOLENCE_AGAINST_CIVILIANS,
}
DATE_PREC = {str(p.ucdp_code): p for p in DatePrecision}
WHERE_PREC = {
    "1": LocationPrecision.POINT,
    "2": LocationPrecision.NEAR_PLACE,
    "3": LocationPrecision.DISTRICT,
    "4": LocationPrecision.PROVINCE,
    "5": LocationPrecision.BORDER_SEGMENT,
    "6": LocationPrecision.COUNTRY,
}
_COLUMN_OF = {
    "id": "id",
    "date_start": "date_start",
    "date_end": "date_end",
    "date_precision": "date_prec",
    "event_type": "type_of_violence",
    "location_precision": "where_prec",
    "lat": "latitude",
    "lon": "longitude",
    "fatalities": "best",
    "actors": "side_a",
    "place_name": "where_coordinates",
    "country": "country",
    "admin1": "adm_1",
    "admin2": "adm_2",
    "sources": "source_headline",
}


class UcdpMapper:
    """Rows of a UCDP GED CSV → :class:`~.records.ImportRecord` fields."""

    dataset = DATASET
    columns = UCDP_COLUMNS

    def __init__(self) -> None:
        self.dates = DateReader()
        self._kept = KeptColumns(ATTRIBUTE_COLUMNS)

    def date_columns(self) -> tuple[str, ...]:
        return ("date_start", "date_end")

    def missing_columns(self, present: Collection[str]) -> list[str]:
        self._kept = KeptColumns(ATTRIBUTE_COLUMNS, present)  # the file's own columns
        return [c for c in REQUIRED if c not in present]

    def column_of(self, field: str) -> str:
        return _COLUMN_OF.get(field, field)

    def to_fields(self, row: Mapping[str, Any]) -> dict[str, Any]:
        event_id = blank_to_none(row.get("id"))
        if event_id is None:
            raise RowError("id is empty")
        where = str(row.get("where_prec") or "").strip().removesuffix(".0")
        if where == "7":
            raise RowError(
                "where_prec: 7 (international waters or airspace) cannot be placed on a land border"
            )
        dates = {}
        for column in ("date_start", "date_end"):
            try:
                dates[column] = self.dates.read(str(row.get(column) or ""))
            except RowError as exc:
                raise RowError(f"{column}: {exc}") from None
        return {
            "id": f"{DATASET}:{event_id}",
            "dataset": DATASET,
            "date_start": dates["date_start"],
            "date_end": dates["date_end"],
            "date_precision": code(DATE_PREC, row.get("date_prec"), "date_prec"),
            "event_type": code(TYPE_OF_VIOLENCE, row.get("type_of_violence"), "type_of_violence"),
            "location_precision": code(WHERE_PREC, where, "where_prec"),
            "lat": blank_to_none(row.get("latitude")),  # blank: placed by its names
            "lon": blank_to_none(row.get("longitude")),
            "summary": _summary(row),
            "fatalities": blank_to_none(row.get("best")),
            "actors": split_list([row.get("side_a"), row.get("side_b")]),
            "place_name": blank_to_none(row.get("where_coordinates")),
            "country": blank_to_none(row.get("country")),
            "admin1": blank_to_none(row.get("adm_1")),
            "admin2": blank_to_none(row.get("adm_2")),
            "sources": sources(row),
            "attributes": self._kept(row),
        }


def _summary(row: Mapping[str, Any]) -> str:
    """A plain summary written by the import (GED has no narrative field)."""
    parts = [
        str(row.get(c) or "").strip() for c in ("dyad_name", "where_description") if row.get(c)
    ]
    deaths = ", ".join(
        f"{label} {value}"
        for label, column in (("best", "best"), ("low", "low"), ("high", "high"))
        if (value := str(row.get(column) or "").strip())
    )
    if deaths:
        parts.append(f"deaths: {deaths}")
    return "UCDP GED: " + "; ".join(parts) if parts else ""


def sources(row: Mapping[str, Any]) -> tuple[SourceRecord, ...]:
    """The row's sources (see the module rules); an empty tuple when it names none."""
    lists = {
        column: _positions(row.get(f"source_{column}"))
        for column in ("headline", "office", "date", "article", "original")
    }
    sizes = {len(v) for k, v in lists.items() if v and k != "original"}
    if not sizes:
        return ()
    if len(sizes) == 1 and (n := sizes.pop()) > 1:
        return tuple(
            _source({k: (v[i] if len(v) == n else "; ".join(v)) for k, v in lists.items()})
            for i in range(n)
        )
    return (_source({k: "; ".join(v) for k, v in lists.items()}),)


def _positions(value: Any) -> list[str]:
    """A ``;``-separated list by position (repeats kept: they line up with other lists)."""
    items = [item.strip() for item in str(value or "").split(";")]
    return items if any(items) else []


def _source(values: Mapping[str, str]) -> SourceRecord:
    title = values["headline"] or values["article"] or values["office"]
    try:
        published = parse_date(values["date"]) if values["date"] else None
    except RowError:
        published = None  # several dates, or a partial one: metadata, not worth a reject
    key = content_hash(DATASET, values["article"], title, values["office"], values["date"])
    return SourceRecord(
        id=f"{DATASET}:source:{key[:HASH_ID_CHARS]}",
        title=title,
        publisher=values["office"] or None,
        published=published,
        claim=values["original"] or None,
    )
