"""Analyst review: a status, a version and locked fields per incident, and its revisions.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

Analysts confirm, dispute, reject or mark incidents duplicate and correct
their fields; each change is a row of ``incident_revisions`` (who, when, the
fields before and after, why). ``incidents`` gains the review columns the
map and the machine writes need at once: ``review_status`` (existing rows
become ``unreviewed``), ``duplicate_of``, ``version`` (optimistic
concurrency: a save of an older version is refused), ``locked_fields``
(what re-ingest and re-extraction must keep), ``review_note`` and
``review_flag``. Plain ``ADD COLUMN`` with defaults on both backends: no
SQLite table copy, so a million-row store upgrades in seconds. The status
is a plain string, as every enum in the store (a new status needs no
migration).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(200)

_COLUMNS = (
    sa.Column("review_status", sa.String(16), nullable=False, server_default="unreviewed"),
    sa.Column("duplicate_of", ID),
    sa.Column("version", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("locked_fields", sa.JSON(), nullable=False, server_default="[]"),
    sa.Column("review_note", sa.Text()),
    sa.Column("review_flag", sa.Text()),
)


def upgrade() -> None:
    """Add the review columns to ``incidents`` and create ``incident_revisions``."""
    for column in _COLUMNS:
        op.add_column("incidents", column)
    op.create_table(
        "incident_revisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", ID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("reverts", sa.Integer()),
        sa.PrimaryKeyConstraint("id", name="pk_incident_revisions"),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name="fk_incident_revisions_incident_id_incidents",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "incident_id", "version", name="uq_incident_revisions_incident_id_version"
        ),
        sa.CheckConstraint("length(trim(reason)) > 0", name="ck_incident_revisions_reason"),
        sa.CheckConstraint("length(trim(author)) > 0", name="ck_incident_revisions_author"),
    )


def downgrade() -> None:
    """Drop the revisions and the review columns; the incidents' own fields stay as corrected."""
    op.drop_table("incident_revisions")
    with op.batch_alter_table("incidents") as batch:
        for column in reversed(_COLUMNS):
            batch.drop_column(column.name)
