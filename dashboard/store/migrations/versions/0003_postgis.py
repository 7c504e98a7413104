"""PostGIS extras on PostgreSQL: incident points and the border's layers as geometries.

Revision ID: 0003
Revises: 0002
Create Date: 2025-12-04

Only on PostgreSQL; on SQLite this revision changes nothing. Creates the
``postgis`` extension (or fails saying what to install), adds
``incidents.geom``, a ``geometry(Point, 4326)`` column *generated* from
``lat``/``lon`` so that PostgreSQL keeps it in step on every insert and update
with no application code, and the ``border_provinces`` and ``border_segments``
tables that ``dashboard.store.postgis.load_layers`` fills. Every geometry has a GiST
index. None of this is in ``dashboard.store.schema``, which stays portable.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from dashboard.store.postgis import require_postgis

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATEMENTS = (
    # ST_MakePoint and ST_SetSRID are immutable, as a generated column requires.
    """
    ALTER TABLE incidents ADD COLUMN geom geometry(Point, 4326)
    GENERATED ALWAYS AS (
        CASE WHEN lat IS NULL OR lon IS NULL THEN NULL
             ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326) END
    ) STORED
    """,
    "CREATE INDEX ix_incidents_geom ON incidents USING gist (geom)",
    """
    CREATE TABLE border_provinces (
        border VARCHAR(64) NOT NULL,
        code VARCHAR(16) NOT NULL,
        country VARCHAR(8) NOT NULL,
        name TEXT NOT NULL,
        on_border BOOLEAN NOT NULL,
        geom geometry(MultiPolygon, 4326) NOT NULL,
        CONSTRAINT pk_border_provinces PRIMARY KEY (border, code)
    )
    """,
    "CREATE INDEX ix_border_provinces_geom ON border_provinces USING gist (geom)",
    """
    CREATE TABLE border_segments (
        border VARCHAR(64) NOT NULL,
        id VARCHAR(200) NOT NULL,
        name TEXT NOT NULL,
        length_km DOUBLE PRECISION NOT NULL,
        units TEXT NOT NULL,
        geom geometry(MultiLineString, 4326) NOT NULL,
        CONSTRAINT pk_border_segments PRIMARY KEY (border, id)
    )
    """,
    "CREATE INDEX ix_border_segments_geom ON border_segments USING gist (geom)",
)


def upgrade() -> None:
    """On PostgreSQL: the extension, ``incidents.geom`` and the layer tables."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    require_postgis(bind)
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    """Drop the geometry objects; the extension stays (other databases' objects may use it)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE border_segments")
    op.execute("DROP TABLE border_provinces")
    op.execute("ALTER TABLE incidents DROP COLUMN geom")
