"""Live intake: the sources borderwatch watches, what it fetched from them, and alerts.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

``watched_sources`` holds each followed feed or page (name, URL, kind, CSS
selector, language, notes) and its watch state, so a restart resumes where
the last run stopped: the ETag and Last-Modified for conditional requests,
the last fetch, the last success and the last error; a source no longer
followed is made inactive, never deleted, so its evidence stays. ``intake_items`` is the
evidence of each fetched article: the raw page as received, its content type,
the final URL after redirects, the fetch time and the stored report
(``sources``) holding its extracted text. An article is known by its
canonical URL; a changed article is a new ``version`` (a new report), never a
duplicate; ``text_hash`` finds the same text under another URL. ``alerts``
are saved dashboard filters (a link's query string) with a webhook and/or an
email address, and ``alert_deliveries`` says which incident went where, so
each goes once. Only new tables: nothing existing changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.String(200)
NAME = sa.String(200)
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the four intake tables."""
    op.create_table(
        "watched_sources",
        sa.Column("name", NAME, nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("selector", sa.Text()),
        sa.Column("language", sa.String(35)),
        sa.Column("notes", sa.Text()),
        sa.Column("etag", sa.Text()),
        sa.Column("last_modified", sa.Text()),
        sa.Column("last_fetch_at", WHEN),
        sa.Column("last_ok_at", WHEN),
        sa.Column("last_error", sa.Text()),
        sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_watched_sources"),
    )
    op.create_table(
        "intake_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("watched", NAME, nullable=False),
        sa.Column("link_url", sa.Text(), nullable=False),
        sa.Column("canonical_url", sa.Text(), nullable=False),
        sa.Column("final_url", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.Column("source_id", ID, nullable=False),
        sa.Column("author", sa.Text()),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("raw_type", sa.String(200), nullable=False),
        sa.Column("fetched_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_intake_items"),
        sa.ForeignKeyConstraint(
            ["watched"], ["watched_sources.name"],
            name="fk_intake_items_watched_watched_sources", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"],
            name="fk_intake_items_source_id_sources", ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "canonical_url", "version", name="uq_intake_items_canonical_url_version"
        ),
    )  # fmt: skip
    op.create_index("ix_intake_items_text_hash", "intake_items", ["text_hash"])
    op.create_index("ix_intake_items_link_url", "intake_items", ["link_url"])
    op.create_index("ix_intake_items_watched", "intake_items", ["watched"])
    op.create_table(
        "alerts",
        sa.Column("name", NAME, nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("webhook", sa.Text()),
        sa.Column("email", sa.Text()),
        sa.Column("created_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_alerts"),
    )
    op.create_table(
        "alert_deliveries",
        sa.Column("alert", NAME, nullable=False),
        sa.Column("incident_id", ID, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("sent_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint(
            "alert", "incident_id", "channel", name="pk_alert_deliveries"
        ),
        sa.ForeignKeyConstraint(
            ["alert"], ["alerts.name"],
            name="fk_alert_deliveries_alert_alerts", ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"],
            name="fk_alert_deliveries_incident_id_incidents", ondelete="CASCADE",
        ),
    )  # fmt: skip


def downgrade() -> None:
    """Drop them; the reports and incidents intake stored stay."""
    op.drop_table("alert_deliveries")
    op.drop_table("alerts")
    op.drop_index("ix_intake_items_watched", "intake_items")
    op.drop_index("ix_intake_items_link_url", "intake_items")
    op.drop_index("ix_intake_items_text_hash", "intake_items")
    op.drop_table("intake_items")
    op.drop_table("watched_sources")
