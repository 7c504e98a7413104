"""Casualties: killed, wounded, captured and missing per side, per incident.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07

Extraction gives each incident a breakdown of its toll
(``models.CasualtyCount``: kind, side, count); ``incidents.fatalities`` stays
the killed figure the map and the KPIs use. One row per (incident, kind,
side); ``side`` is ``''`` where the report does not say whose, because a
primary-key column may not be NULL. Existing incidents get no rows: their
breakdown is unknown, not zero.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(200)


def upgrade() -> None:
    """Create ``incident_casualties``, dying with its incident like the other link tables."""
    op.create_table(
        "incident_casualties",
        sa.Column("incident_id", ID, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("side", sa.String(8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("incident_id", "kind", "side", name="pk_incident_casualties"),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name="fk_incident_casualties_incident_id_incidents",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("count >= 0", name="ck_incident_casualties_count"),
    )


def downgrade() -> None:
    """Drop ``incident_casualties``; ``incidents.fatalities`` keeps the killed figure."""
    op.drop_table("incident_casualties")
