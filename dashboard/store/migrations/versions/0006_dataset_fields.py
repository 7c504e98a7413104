"""Dataset fields: everything a structured file says about an imported record, and its version.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

ACLED and UCDP GED rows carry far more than an incident's own fields
(ACLED's disorder type, sub-event type, actors' associates and inter codes,
source scale, tags; UCDP's conflict and dyad ids and names, deaths by side,
best/high/low, source fields). ``imported_places`` gains ``attributes``, a
JSON object of those columns as the file wrote them, so nothing a user
imported is dropped. Re-importing a newer release compares each record with
what is stored: ``record_hash`` (a hash of the record as imported) tells a
changed record from an unchanged one, and ``dataset_timestamp`` (ACLED's
``timestamp``, epoch seconds) keeps an older export from undoing a newer one.
Plain ``ADD COLUMN`` of nullable columns on both backends: no table copy, and
records imported before stay as they were (no attributes, no hash).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = (
    sa.Column("attributes", sa.JSON()),
    sa.Column("record_hash", sa.String(64)),
    sa.Column("dataset_timestamp", sa.BigInteger()),
)


def upgrade() -> None:
    """Add the dataset fields and the record's version to ``imported_places``."""
    for column in _COLUMNS:
        op.add_column("imported_places", column)


def downgrade() -> None:
    """Drop them; the incidents and the file's place names stay."""
    with op.batch_alter_table("imported_places") as batch:
        for column in reversed(_COLUMNS):
            batch.drop_column(column.name)
