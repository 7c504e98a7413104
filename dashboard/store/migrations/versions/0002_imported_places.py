"""Imported places: the place names a structured file gave an imported incident.

Revision ID: 0002
Revises: 0001
Create Date: 2025-12-02

ACLED, UCDP GED and monitors' spreadsheets name a country and first- and
second-level units for each event. Imports re-geocode every point with
borderwatch's own layers; this table keeps the file's names beside ours,
with whether they agree, so disagreements can be reviewed later.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(200)


def upgrade() -> None:
    """Create ``imported_places``, one row per imported incident."""
    op.create_table(
        "imported_places",
        sa.Column("incident_id", ID, nullable=False),
        sa.Column("dataset", sa.String(32), nullable=False),
        sa.Column("country", sa.Text()),
        sa.Column("admin1", sa.Text()),
        sa.Column("admin2", sa.Text()),
        sa.Column("country_agrees", sa.Boolean()),
        sa.Column("admin_agrees", sa.Boolean()),
        sa.PrimaryKeyConstraint("incident_id", name="pk_imported_places"),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name="fk_imported_places_incident_id_incidents",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    """Drop ``imported_places``; incidents keep our own places."""
    op.drop_table("imported_places")
