"""Change log: every write numbered, every changed incident stamped, every deleted one remembered.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

The dashboard keeps the whole incident table in memory; reading it again after
each write costs 40 s at a million incidents. With this revision a reader asks
only for what changed since the number it last saw (:mod:`dashboard.store.changes`):

- ``store_changes``: one row, the store's identity (a random id, so a replaced
  store is never mistaken for the old one) and ``seq``, raised by one at the
  start of every write transaction (the row lock orders PostgreSQL's writers,
  so a higher number always commits later);
- ``change_log``: each number with the time its write was done (``since=TIME``
  for API clients);
- ``incidents.changed_seq``: the number of the write that last changed the
  incident, its links, casualties or citations (existing rows: 0);
- ``incident_tombstones``: the ids deleted, with the number of the write.

On PostgreSQL the stamping is done by triggers created here. SQLite's
triggers are installed per connection by the store (temporary triggers, see
:mod:`dashboard.store.changes`), so that bulk imports can go without them: an
SQLite trigger costs about as much as the row it fires on.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(200)

# Tables whose rows belong to one incident: a change to any of them changes it.
_CHILD_TABLES = (
    "incident_provinces",
    "incident_segments",
    "incident_casualties",
    "citations",
)

_PG_FUNCTIONS = """
CREATE FUNCTION borderwatch_seq() RETURNS bigint LANGUAGE sql STABLE AS
  $$ SELECT seq FROM store_changes WHERE id = 1 $$;

CREATE FUNCTION borderwatch_stamp_incident() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.changed_seq := borderwatch_seq();
  RETURN NEW;
END $$;

CREATE FUNCTION borderwatch_bury_incident() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO incident_tombstones (seq, incident_id) VALUES (borderwatch_seq(), OLD.id);
  RETURN OLD;
END $$;

CREATE FUNCTION borderwatch_touch_incident() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  affected text;
BEGIN
  IF TG_OP = 'DELETE' THEN affected := OLD.incident_id; ELSE affected := NEW.incident_id; END IF;
  UPDATE incidents SET changed_seq = borderwatch_seq()
   WHERE id = affected AND changed_seq IS DISTINCT FROM borderwatch_seq();
  RETURN NULL;
END $$;
"""


def upgrade() -> None:
    """Create the change tables, stamp existing incidents 0, and (PostgreSQL) the triggers."""
    op.create_table(
        "store_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("store_id", sa.String(36), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_store_changes"),
        sa.CheckConstraint("id = 1", name="ck_store_changes_one_row"),
    )
    op.execute(
        sa.text(
            "INSERT INTO store_changes (id, seq, store_id) VALUES (1, 0, :store_id)"
        ).bindparams(store_id=str(uuid.uuid4()))
    )
    op.create_table(
        "change_log",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_change_log"),
    )
    op.create_index("ix_change_log_changed_at", "change_log", ["changed_at"])
    op.create_table(
        "incident_tombstones",
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("incident_id", ID, nullable=False),
    )
    op.create_index("ix_incident_tombstones_seq", "incident_tombstones", ["seq"])
    op.add_column("incidents", sa.Column("changed_seq", sa.BigInteger()))
    op.execute("UPDATE incidents SET changed_seq = 0")
    op.create_index("ix_incidents_changed_seq", "incidents", ["changed_seq"])
    if op.get_bind().dialect.name == "postgresql":
        _create_pg_triggers()


def _create_pg_triggers() -> None:
    """The stamping triggers. Their WHEN conditions are checked without calling the
    function, so a row the code stamped itself, or a bulk write's insert (of rows of
    incidents it inserted, already stamped), costs next to nothing."""
    op.execute(_PG_FUNCTIONS)
    op.execute(
        "CREATE TRIGGER borderwatch_stamp_insert BEFORE INSERT ON incidents FOR EACH ROW "
        "WHEN (NEW.changed_seq IS NULL) EXECUTE FUNCTION borderwatch_stamp_incident()"
    )
    op.execute(
        "CREATE TRIGGER borderwatch_stamp BEFORE UPDATE ON incidents "
        "FOR EACH ROW EXECUTE FUNCTION borderwatch_stamp_incident()"
    )
    op.execute(
        "CREATE TRIGGER borderwatch_bury AFTER DELETE ON incidents "
        "FOR EACH ROW EXECUTE FUNCTION borderwatch_bury_incident()"
    )
    for table in _CHILD_TABLES:
        op.execute(
            f"CREATE TRIGGER borderwatch_touch_insert AFTER INSERT ON {table} FOR EACH ROW "
            "WHEN (current_setting('borderwatch.bulk', true) IS DISTINCT FROM 'on') "
            "EXECUTE FUNCTION borderwatch_touch_incident()"
        )
        op.execute(
            f"CREATE TRIGGER borderwatch_touch AFTER UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION borderwatch_touch_incident()"
        )


def downgrade() -> None:
    """Drop the change log; the incidents stay as they are."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":  # this connection's own triggers would block the drop
        query = "SELECT name FROM sqlite_temp_master WHERE type = 'trigger' AND name LIKE 'bw_%'"
        for name in bind.exec_driver_sql(query).scalars().all():
            op.execute(f"DROP TRIGGER temp.{name}")
    if bind.dialect.name == "postgresql":
        for table in _CHILD_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS borderwatch_touch_insert ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS borderwatch_touch ON {table}")
        for name in ("bury", "stamp", "stamp_insert"):
            op.execute(f"DROP TRIGGER IF EXISTS borderwatch_{name} ON incidents")
        for name in ("touch_incident", "bury_incident", "stamp_incident", "seq"):
            op.execute(f"DROP FUNCTION IF EXISTS borderwatch_{name}()")
    op.drop_index("ix_incidents_changed_seq", "incidents")
    # Not a batch (table copy) on SQLite: dropping the old incidents table would
    # cascade to every row that points at it. SQLite 3.35+ drops a column in place.
    op.execute("ALTER TABLE incidents DROP COLUMN changed_seq")
    op.drop_index("ix_incident_tombstones_seq", "incident_tombstones")
    op.drop_table("incident_tombstones")
    op.drop_index("ix_change_log_changed_at", "change_log")
    op.drop_table("change_log")
    op.drop_table("store_changes")
