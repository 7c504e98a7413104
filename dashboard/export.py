"""Filtered incidents out: CSV, GeoJSON and GeoPackage, for reports and for QGIS.

Every function takes the dashboard's own :class:`~dashboard.query.IncidentTable`
and a mask from :func:`~dashboard.query.filter_mask`, so a download button and
``borderwatch export`` give the same incidents for the same filters. What the
in-memory table leaves out (actors, casualties by kind and side, sources and
their excerpts, the file's own place names of imported incidents) is read for the selected incidents
only, by :func:`load_details`. No ``st.*`` calls: the dashboard wraps these.

Formats
-------
CSV (:func:`incidents_to_csv`)
    UTF-8 with a BOM (so spreadsheet programs read the accents), one row per
    incident, columns :data:`CSV_COLUMNS`. List fields are joined with ``;``;
    a ``;`` inside a value is written ``\\;`` and a backslash ``\\``, so
    nothing is lost. The ``source_*`` columns are parallel lists, one
    position per source (empty where a source has no such value). Dates are ``YYYY-MM-DD``;
    precision codes are given by name and as UCDP codes. ``casualties`` is the
    breakdown by kind and side, ``killed:AM=4;killed:AZ=3;wounded:?=1``
    (``?``: side not stated; see :mod:`dashboard.casualty_text`).
    ``file_attributes`` holds an imported record's dataset fields (ACLED's
    sub-event type, inter codes, tags…; UCDP's deaths by side…) as one JSON
    object, empty for incidents from reports.
GeoJSON (:func:`incidents_to_geojson`)
    A FeatureCollection of points (``null`` geometry for an incident without
    coordinates); properties are the CSV columns with lists as JSON arrays,
    provinces and segments as objects, ``casualties`` as ``{kind, side, count}``
    objects (``side`` null where not stated), ``file_attributes`` as an object
    (null when none), and ``sources`` as objects with their ``excerpts`` (text
    and character offsets).

Every format carries ``review_status`` (``unreviewed``, ``confirmed``, …;
:class:`~dashboard.models.ReviewStatus`); rejected and duplicate incidents
are left out unless the filter asks for them (:class:`~dashboard.query.IncidentFilter`).
GeoPackage (:func:`write_geopackage`)
    Layers ``incidents`` (points, the CSV columns, dates as date-times,
    casualties as the CSV text),
    ``provinces`` (polygons) and ``border_segments`` (lines), in WGS 84.

Both text formats import back with ``borderwatch import --format csv`` or
``--format geojson`` to the same incidents (the places are re-geocoded,
which gives the same answer for incidents placed by borderwatch's layers).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.casualty_text import casualty_objects, format_casualties
from dashboard.formats import EXPORT_FORMATS as FORMATS
from dashboard.geo.layers import BorderLayers
from dashboard.models import CasualtyCount, CasualtyKind, DatePrecision, LocationPrecision
from dashboard.query import (
    IncidentFilter,
    IncidentTable,
    filter_mask,
    load_incident_table,
    search_incident_ids,
)
from dashboard.store import Store

CSV_COLUMNS = (
    "id",
    "date_start",
    "date_end",
    "date_precision",
    "date_precision_code",
    "event_type",
    "location_precision",
    "location_precision_code",
    "lat",
    "lon",
    "fatalities",
    "casualties",
    "summary",
    "actors",
    "place_name",
    "provinces",
    "province_names",
    "countries",
    "segments",
    "segment_names",
    "distance_km",
    "source_ids",
    "source_titles",
    "source_publishers",
    "source_urls",
    "source_published",
    "source_claims",
    "file_dataset",
    "file_country",
    "file_admin1",
    "file_admin2",
    "file_attributes",
    "synthetic",
    "review_status",
)
GEOPACKAGE_LAYERS = ("incidents", "provinces", "border_segments")

_DATE_CODES = {p.value: p.ucdp_code for p in DatePrecision}
_LOCATION_CODES = {p.value: p.ucdp_code for p in LocationPrecision}


@dataclass(frozen=True)
class IncidentDetails:
    """What export needs beyond the in-memory table, for the selected incidents.

    Every frame has a ``row`` column: the incident's position in the table.
    """

    actors: pd.Series
    """Lists of actor names, indexed by row."""
    sources: pd.DataFrame
    """One row per citation: ``row``, ``source_id``, ``claim`` and the source's
    ``title``, ``url``, ``publisher``, ``published``, ``kind``, in citation order."""
    excerpts: pd.DataFrame
    """``row``, ``source_id``, ``start``, ``end``, ``text``, in stored order."""
    places: pd.DataFrame
    """The file's own names of imported incidents: ``row``, ``dataset``,
    ``country``, ``admin1``, ``admin2``."""
    casualties: dict[int, tuple[CasualtyCount, ...]]
    """Each row's casualties by kind and side, in stored order (rows without any left out)."""


def load_details(store: Store, table: IncidentTable, mask: np.ndarray) -> IncidentDetails:
    """Read actors, casualties, sources, excerpts and file place names of the masked
    incidents."""
    rows = np.flatnonzero(mask)
    ids = table.incidents["id"].to_numpy()[rows]
    row_of = pd.Series(rows, index=ids)
    found = store.incident_details(list(ids))
    actors = _by_row(found.actors, row_of)
    excerpts = _by_row(found.excerpts, row_of).rename(
        columns={"start_char": "start", "end_char": "end"}
    )
    return IncidentDetails(
        actors=pd.Series(list(actors["actors"]), index=actors["row"].to_numpy(), dtype=object),
        sources=_by_row(found.sources, row_of),
        excerpts=excerpts,
        places=_by_row(found.places, row_of),
        casualties=_casualties_by_row(_by_row(found.casualties, row_of)),
    )


def _casualties_by_row(found: pd.DataFrame) -> dict[int, tuple[CasualtyCount, ...]]:
    """The casualty rows as counts, grouped by table row (few rows: plain Python)."""
    by_row: dict[int, list[CasualtyCount]] = {}
    columns = (found[name].tolist() for name in ("row", "kind", "side", "count"))
    for row, kind, side, number in zip(*columns, strict=True):
        by_row.setdefault(int(row), []).append(CasualtyCount(CasualtyKind(kind), side, int(number)))
    return {row: tuple(counts) for row, counts in by_row.items()}


def _by_row(found: pd.DataFrame, row_of: pd.Series) -> pd.DataFrame:
    """``incident_id`` replaced by the incident's ``row`` in the table, sorted by it."""
    rows = row_of.reindex(found["incident_id"]).to_numpy(dtype=np.int64)
    found = found.drop(columns="incident_id")
    found.insert(0, "row", rows)
    # Stable by row, keeping each incident's stored order.
    return found.sort_values("row", kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------------- CSV


def export_frame(table: IncidentTable, mask: np.ndarray, details: IncidentDetails) -> pd.DataFrame:
    """One row per selected incident with the :data:`CSV_COLUMNS`, lists joined with ``;``."""
    rows = np.flatnonzero(mask)
    incidents = table.incidents.iloc[rows]
    frame = pd.DataFrame(index=rows)
    frame["id"] = incidents["id"].to_numpy()
    frame["date_start"] = incidents["date_start"].dt.strftime("%Y-%m-%d").to_numpy()
    frame["date_end"] = incidents["date_end"].dt.strftime("%Y-%m-%d").to_numpy()
    frame["date_precision"] = incidents["date_precision"].to_numpy()
    frame["date_precision_code"] = incidents["date_precision"].map(_DATE_CODES).to_numpy()
    frame["event_type"] = incidents["event_type"].to_numpy()
    frame["location_precision"] = incidents["location_precision"].to_numpy()
    frame["location_precision_code"] = (
        incidents["location_precision"].map(_LOCATION_CODES).to_numpy()
    )
    frame["lat"] = incidents["lat"].to_numpy()
    frame["lon"] = incidents["lon"].to_numpy()
    fatalities = incidents["fatalities"]
    frame["fatalities"] = [int(v) if pd.notna(v) else None for v in fatalities]
    frame["casualties"] = [format_casualties(details.casualties.get(int(r), ())) for r in rows]
    frame["summary"] = incidents["summary"].to_numpy()
    frame["actors"] = _joined(details.actors.reindex(rows), rows)
    frame["place_name"] = incidents["place_name"].to_numpy()
    provinces = table.provinces[mask[table.provinces["row"].to_numpy(dtype=np.int64)]]
    frame["provinces"] = _join_by_row(provinces, "code", rows)
    frame["province_names"] = _join_by_row(provinces, "name", rows)
    frame["countries"] = _join_by_row(
        provinces.drop_duplicates(["row", "country"]), "country", rows
    )
    segments = table.segments[mask[table.segments["row"].to_numpy(dtype=np.int64)]]
    frame["segments"] = _join_by_row(segments, "segment_id", rows)
    frame["segment_names"] = _join_by_row(segments, "name", rows)
    frame["distance_km"] = incidents["distance_km"].round(3).to_numpy()
    sources = details.sources.assign(
        published=details.sources["published"].map(_iso, na_action="ignore")
    )
    for column, name in (
        ("source_ids", "source_id"),
        ("source_titles", "title"),
        ("source_publishers", "publisher"),
        ("source_urls", "url"),
        ("source_published", "published"),
        ("source_claims", "claim"),
    ):
        frame[column] = _join_by_row(sources, name, rows)
    places = details.places.set_index("row").reindex(rows)
    for column in ("dataset", "country", "admin1", "admin2"):
        frame[f"file_{column}"] = places[column].to_numpy() if len(places) else None
    attributes = places["attributes"] if len(places) else pd.Series([None] * len(rows))
    frame["file_attributes"] = [
        json.dumps(a, ensure_ascii=False, sort_keys=True) if isinstance(a, dict) and a else ""
        for a in attributes
    ]
    frame["synthetic"] = incidents["synthetic"].to_numpy()
    frame["review_status"] = incidents["review_status"].to_numpy()
    return frame.reset_index(drop=True)


def incidents_to_csv(table: IncidentTable, mask: np.ndarray, details: IncidentDetails) -> bytes:
    """The selected incidents as CSV bytes (UTF-8 with a BOM); see the module notes."""
    frame = export_frame(table, mask, details)
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def _clean(value: Any) -> str:
    """A list element as CSV text: ``None`` → empty, ``;`` and ``\\`` escaped."""
    if _value(value) is None:
        return ""
    return str(value).replace("\\", "\\\\").replace(";", "\\;")


def _joined(lists: pd.Series, rows: np.ndarray) -> list[str]:
    return [
        ";".join(_clean(v) for v in items) if isinstance(items, list) else "" for items in lists
    ]


def _join_by_row(links: pd.DataFrame, column: str, rows: np.ndarray) -> np.ndarray:
    """``;``-joined values of ``column`` per row, in link order; ``""`` for a row without any.

    Plain Python over the two columns: pandas' group-by costs more per group
    than the join itself, on an API page of 100 and on a whole export alike.
    """
    by_row: dict[int, list[str]] = {}
    for row, value in zip(links["row"].tolist(), links[column].tolist(), strict=True):
        by_row.setdefault(row, []).append(_clean(value))
    return np.array([";".join(by_row.get(int(r), ())) for r in rows] or [], dtype=object)


def _iso(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


# --------------------------------------------------------------------- GeoJSON


def incidents_to_geojson(
    table: IncidentTable, mask: np.ndarray, details: IncidentDetails
) -> dict[str, Any]:
    """The selected incidents as a GeoJSON FeatureCollection dict; see the module notes."""
    frame = export_frame(table, mask, details)
    rows = np.flatnonzero(mask)
    # Only the selected incidents' links are turned into objects: a page of an API answer
    # must not walk a million incidents' links.
    picked = {
        name: links[mask[links["row"].to_numpy(dtype=np.int64)]]
        for name, links in (("provinces", table.provinces), ("segments", table.segments))
    }
    provinces = _objects_by_row(picked["provinces"], ("code", "name", "country"))
    segments = _objects_by_row(
        picked["segments"].rename(columns={"segment_id": "id"}), ("id", "name")
    )
    excerpts: dict[tuple[int, str], list[dict[str, Any]]] = {}
    found = details.excerpts
    for row, source_id, start, end, text in zip(
        *(found[name].tolist() for name in ("row", "source_id", "start", "end", "text")),
        strict=True,
    ):
        excerpts.setdefault((row, source_id), []).append(
            {"start": int(start), "end": int(end), "text": text}
        )
    sources: dict[int, list[dict[str, Any]]] = {}
    for r in details.sources.itertuples():
        sources.setdefault(int(r.row), []).append(
            {
                "id": r.source_id,
                "title": r.title,
                "url": _value(r.url),
                "publisher": _value(r.publisher),
                "published": _iso(r.published) if _value(r.published) is not None else None,
                "kind": r.kind,
                "claim": _value(r.claim),
                "excerpts": excerpts.get((r.row, r.source_id), []),
            }
        )
    lists = {"provinces": provinces, "segments": segments, "sources": sources}
    features = []
    for row, record in zip(rows, frame.to_dict("records"), strict=True):
        properties = _json_properties(record)
        properties["actors"] = list(details.actors.get(row) or [])
        properties["casualties"] = casualty_objects(details.casualties.get(int(row), ()))
        attributes = record["file_attributes"]
        properties["file_attributes"] = json.loads(attributes) if attributes else None
        for name, by_row in lists.items():
            properties[name] = by_row.get(int(row), [])
        for name in (
            "province_names", "countries", "segment_names", "source_ids", "source_titles",
            "source_publishers", "source_urls", "source_published", "source_claims",
        ):  # fmt: skip
            del properties[name]
        lat, lon = record["lat"], record["lon"]
        geometry = (
            None if lat is None or np.isnan(lat) else {"type": "Point", "coordinates": [lon, lat]}
        )
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def _objects_by_row(links: pd.DataFrame, fields: Sequence[str]) -> dict[int, list[dict[str, Any]]]:
    by_row: dict[int, list[dict[str, Any]]] = {}
    for record in links[["row", *fields]].itertuples(index=False):
        by_row.setdefault(int(record[0]), []).append(dict(zip(fields, record[1:], strict=True)))
    return by_row


def _value(value: Any) -> Any:
    """``None`` for pandas' missing values (NaN, NA, NaT), the value otherwise."""
    if value is None or isinstance(value, str | bool | int | list | dict):
        return value  # never missing (checked first: most values are text or numbers)
    return None if pd.isna(value) else value


def _json_properties(record: dict[str, Any]) -> dict[str, Any]:
    """CSV values as JSON values: NA → null, numpy scalars → Python."""
    properties = {}
    for key, value in record.items():
        if key in ("lat", "lon"):
            continue
        if _value(value) is None:
            properties[key] = None
        elif isinstance(value, np.generic):
            properties[key] = value.item()
        else:
            properties[key] = value
    return properties


def geojson_bytes(collection: dict[str, Any]) -> bytes:
    """A FeatureCollection as UTF-8 JSON bytes (non-ASCII letters kept)."""
    return json.dumps(collection, ensure_ascii=False).encode("utf-8")


# ------------------------------------------------------------------ GeoPackage


def write_geopackage(
    path: Path,
    table: IncidentTable,
    mask: np.ndarray,
    details: IncidentDetails,
    layers: BorderLayers,
) -> None:
    """Write the selected incidents, the provinces and the border segments to a GeoPackage.

    An existing file at ``path`` is replaced.
    """
    frame = export_frame(table, mask, details)
    for column in ("date_start", "date_end"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ms]")
    has_point = frame["lat"].notna().to_numpy()
    points = shapely.points(frame["lon"].fillna(0), frame["lat"].fillna(0))
    geometry = np.where(has_point, points, None)
    incidents = gpd.GeoDataFrame(frame, geometry=list(geometry), crs="EPSG:4326")
    provinces = layers.provinces.assign(
        names=[";".join(map(str, n)) for n in layers.provinces["names"]],
        parent=layers.provinces["parent"].astype(object).where(layers.provinces["parent"].notna()),
    )[["code", "name", "names", "country", "parent", "on_border", "geometry"]]
    segments = layers.segments.assign(
        first_unit=[u[0] for u in layers.segments["units"]],
        second_unit=[u[1] for u in layers.segments["units"]],
    )[["id", "name", "first_unit", "second_unit", "length_km", "geometry"]]
    path.unlink(missing_ok=True)
    for name, layer, geometry_type in (
        ("incidents", incidents, "Point"),
        ("provinces", provinces, None),
        ("border_segments", segments, None),
    ):
        options = {"geometry_type": geometry_type} if geometry_type else {}
        layer.to_crs("EPSG:4326").to_file(
            path, layer=name, driver="GPKG", engine="pyogrio", **options
        )


def incidents_to_geopackage(
    table: IncidentTable, mask: np.ndarray, details: IncidentDetails, layers: BorderLayers
) -> bytes:
    """The GeoPackage of :func:`write_geopackage` as bytes (for a download button)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "incidents.gpkg"
        write_geopackage(path, table, mask, details, layers)
        return path.read_bytes()


# ---------------------------------------------------------------------- facade


def select_incidents(store: Store, filt: IncidentFilter) -> tuple[IncidentTable, np.ndarray]:
    """The table and the mask the dashboard would show for ``filt`` (text search included)."""
    table = load_incident_table(store)
    text_ids = search_incident_ids(store, filt.text) if filt.text else None
    return table, filter_mask(table, filt, text_ids)


def export_incidents(
    store: Store,
    filt: IncidentFilter,
    fmt: str,
    out: Path,
    layers: BorderLayers | None = None,
) -> int:
    """Write the incidents ``filt`` selects to ``out`` as ``fmt``; how many were written.

    ``layers`` (the border's provinces and segments) is needed for ``gpkg``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; one of {', '.join(FORMATS)}")
    table, mask = select_incidents(store, filt)
    details = load_details(store, table, mask)
    if fmt == "csv":
        out.write_bytes(incidents_to_csv(table, mask, details))
    elif fmt == "geojson":
        out.write_bytes(geojson_bytes(incidents_to_geojson(table, mask, details)))
    else:
        if layers is None:
            raise ValueError("a GeoPackage export needs the border's layers")
        write_geopackage(out, table, mask, details, layers)
    return int(mask.sum())


def format_for(path: Path, given: str | None = None) -> str:
    """The export format: ``given``, else from the file's suffix (.csv, .geojson/.json, .gpkg)."""
    if given:
        return given
    suffix = path.suffix.lower()
    found = {".csv": "csv", ".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg"}.get(suffix)
    if found is None:
        raise ValueError(f"cannot tell the format from {path.name!r}: give --format")
    return found
