"""PostGIS extras of a PostgreSQL store: a geometry per incident and the border's layers.

Everything here is PostgreSQL-only and optional for the product: the store's
own queries never touch it (they run on SQLite too). It exists so that a GIS
client such as QGIS can connect to a team's database and see three layers:

- ``incidents.geom``: ``geometry(Point, 4326)``, a column *generated* from
  ``lat``/``lon`` by PostgreSQL (migration 0003), so no application code keeps
  it in step and no insert or update names it;
- ``border_provinces.geom``: ``geometry(MultiPolygon, 4326)``, one row per
  province on either side, keyed by ``(border, code)``;
- ``border_segments.geom``: ``geometry(MultiLineString, 4326)``, one row per
  named border segment, keyed by ``(border, id)``.

Each has a GiST index. The layer tables are filled by :func:`load_layers`
(``borderwatch db upgrade`` and ``borderwatch migrate-store`` call it on
PostgreSQL) with plain SQL and WKT, so no geoalchemy2 is needed. None of these
objects is in :mod:`dashboard.store.schema`: :func:`include_object` tells Alembic
to leave them alone when it compares the database with the table definitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shapely.geometry import MultiLineString, MultiPolygon
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from dashboard.geo.layers import BorderLayers
    from dashboard.store import Store

SRID = 4326
GEOMETRY_COLUMN = "geom"
LAYER_TABLES = ("border_provinces", "border_segments")
# PostGIS's own table of coordinate systems, created by CREATE EXTENSION postgis.
POSTGIS_TABLES = ("spatial_ref_sys",)
# The Debian package that ships the extension for the default PostgreSQL.
POSTGIS_PACKAGE = "postgresql-postgis"


@dataclass(frozen=True, slots=True)
class LayerCounts:
    """How many rows :func:`load_layers` wrote for a border."""

    border: str
    provinces: int
    segments: int


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic filter: skip the PostGIS-only objects that ``dashboard.store.schema`` omits.

    ``schema.py`` stays portable, so the geometry column, its index and the
    layer tables exist in a PostgreSQL database but not in the metadata;
    without this filter Alembic would see them as objects to drop.
    """
    del obj, reflected, compare_to
    if type_ == "table":
        return name not in LAYER_TABLES + POSTGIS_TABLES
    if type_ == "column":
        return name != GEOMETRY_COLUMN
    if type_ == "index":
        return not (name or "").endswith(f"_{GEOMETRY_COLUMN}")
    return True


def postgis_available(conn: Connection) -> bool:
    """Whether the server can ``CREATE EXTENSION postgis`` (or already has it)."""
    return (
        conn.execute(text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")).first()
        is not None
    )


def require_postgis(conn: Connection) -> None:
    """Create the extension in this database, or fail saying what to install.

    Raises :class:`dashboard.store.StoreError` when the server has no PostGIS
    or the user may not create the extension.
    """
    from dashboard.store import StoreError  # noqa: PLC0415  (store imports the migrations)

    if not postgis_available(conn):
        raise StoreError(
            "the PostgreSQL server has no PostGIS extension, which borderwatch needs on "
            f"PostgreSQL: install it on the database server (Debian: apt-get install "
            f"{POSTGIS_PACKAGE}) and run `borderwatch db upgrade` again"
        )
    try:
        with conn.begin_nested():
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise StoreError(
            f"cannot create the PostGIS extension ({reason}): ask a superuser to run "
            "`CREATE EXTENSION postgis;` in this database, then run `borderwatch db upgrade` again"
        ) from exc


def load_layers(store: Store, layers: BorderLayers) -> LayerCounts:
    """Write a border's provinces and segments into the layer tables, replacing its rows.

    Parameters
    ----------
    store
        An open store on PostgreSQL, migrated to the newest schema.
    layers
        The border's layers (:func:`dashboard.geo.layers.load_border`).

    Returns
    -------
    LayerCounts
        Rows written. Idempotent: the border's old rows are deleted first, in
        the same transaction, so a client never sees half a layer.
    """
    from dashboard.store import StoreError  # noqa: PLC0415

    if store.backend != "postgresql":
        raise StoreError(f"border layers are stored on PostgreSQL only, not in {store.url}")
    provinces = [
        {
            "border": layers.id,
            "code": row.code,
            "country": row.country,
            "name": row.name,
            "on_border": bool(row.on_border),
            "wkt": _multi(row.geometry).wkt,
        }
        for row in layers.provinces.itertuples()
    ]
    segments = [
        {
            "border": layers.id,
            "id": row.id,
            "name": row.name,
            "length_km": float(row.length_km),
            "units": ", ".join(row.units),
            "wkt": _multi(row.geometry).wkt,
        }
        for row in layers.segments.itertuples()
    ]
    with store.writing() as conn:
        for table in LAYER_TABLES:
            conn.execute(text(f"DELETE FROM {table} WHERE border = :border"), {"border": layers.id})
        conn.execute(
            text(
                "INSERT INTO border_provinces (border, code, country, name, on_border, geom) "
                "VALUES (:border, :code, :country, :name, :on_border, "
                f"ST_GeomFromText(:wkt, {SRID}))"
            ),
            provinces,
        )
        conn.execute(
            text(
                "INSERT INTO border_segments (border, id, name, length_km, units, geom) "
                "VALUES (:border, :id, :name, :length_km, :units, "
                f"ST_GeomFromText(:wkt, {SRID}))"
            ),
            segments,
        )
    return LayerCounts(border=layers.id, provinces=len(provinces), segments=len(segments))


def _multi(geometry: BaseGeometry) -> BaseGeometry:
    """Polygons and lines as their one-part multi forms, so each column has one type."""
    if geometry.geom_type == "Polygon":
        return MultiPolygon([geometry])
    if geometry.geom_type == "LineString":
        return MultiLineString([geometry])
    return geometry
