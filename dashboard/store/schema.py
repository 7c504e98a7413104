"""Table definitions for the incident store, in SQLAlchemy Core.

These objects are what the store's queries are written against. The database
itself is created by the hand-written Alembic migrations in
``dashboard/store/migrations/versions``; ``tests/store/test_revisions.py`` compares the two so
they cannot drift apart silently.

Only portable types are used (the same schema runs on SQLite and PostgreSQL).
Enum values are stored as their plain string values, not as database enum
types, so that adding a value to a Python enum needs no migration. Every
child table carries a ``position`` column because the dataclasses are ordered
tuples and a round trip must give back the same order.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)

# Explicit constraint names: PostgreSQL invents names, SQLite keeps none, and
# later migrations need a stable name to drop or alter a constraint.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

# Identifiers are strings made by the pipeline (hashes, slugs); 200 is ample
# and keeps them indexable on every backend.
ID = String(200)

sources = Table(
    "sources",
    metadata,
    Column("id", ID, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("title", Text, nullable=False),
    Column("url", Text),
    Column("publisher", String(200)),
    Column("published", Date),
    Column("language", String(35)),
    Column("text", Text),
    Column("content_hash", String(64), nullable=False),
    Column("synthetic", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_sources_content_hash", "content_hash", unique=True),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", ID, primary_key=True),
    Column("date_start", Date, nullable=False),
    Column("date_end", Date, nullable=False),
    Column("date_precision", String(16), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("location_precision", String(32), nullable=False),
    Column("lat", Float),
    Column("lon", Float),
    Column("summary", Text, nullable=False),
    Column("fatalities", Integer),
    Column("actors", JSON, nullable=False),
    Column("place_name", Text),
    Column("distance_km", Float),
    Column("synthetic", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Analyst review (migration 0005, :mod:`~dashboard.store.review`): the status
    # (models.ReviewStatus), the incident a duplicate repeats, the count of
    # revisions for optimistic concurrency, the fields a person corrected (which
    # machine writes keep, :mod:`~dashboard.store.locks`), the analyst's note, and
    # why a machine reading disagrees with a correction (NULL: nothing to look at).
    Column("review_status", String(16), nullable=False, server_default="unreviewed"),
    Column("duplicate_of", ID),
    Column("version", Integer, nullable=False, server_default="0"),
    Column("locked_fields", JSON, nullable=False, server_default="[]"),
    Column("review_note", Text),
    Column("review_flag", Text),
    # The number of the write that last changed the incident, its links, casualties
    # or citations (migration 0007, :mod:`~dashboard.store.changes`).
    Column("changed_seq", BigInteger),
    CheckConstraint("date_end >= date_start", name="date_window"),
    CheckConstraint("fatalities IS NULL OR fatalities >= 0", name="fatalities"),
    CheckConstraint(
        "(lat IS NULL AND lon IS NULL) OR (lat IS NOT NULL AND lon IS NOT NULL)",
        name="lat_lon_together",
    ),
    Index("ix_incidents_date_start_date_end", "date_start", "date_end"),
    Index("ix_incidents_event_type", "event_type"),
    Index("ix_incidents_changed_seq", "changed_seq"),
)

incident_provinces = Table(
    "incident_provinces",
    metadata,
    Column(
        "incident_id",
        ID,
        ForeignKey("incidents.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("code", String(16), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("country", String(8), nullable=False),
    PrimaryKeyConstraint("incident_id", "code"),
    Index("ix_incident_provinces_code", "code"),
)

incident_segments = Table(
    "incident_segments",
    metadata,
    Column(
        "incident_id",
        ID,
        ForeignKey("incidents.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("segment_id", ID, nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    PrimaryKeyConstraint("incident_id", "segment_id"),
    Index("ix_incident_segments_segment_id", "segment_id"),
)

# One row per (incident, source): several reports of one incident are several
# citations. A citation dies with either its incident or its source.
citations = Table(
    "citations",
    metadata,
    Column(
        "incident_id",
        ID,
        ForeignKey("incidents.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column(
        "source_id",
        ID,
        ForeignKey("sources.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("position", Integer, nullable=False),
    Column("claim", Text),
    PrimaryKeyConstraint("incident_id", "source_id"),
    Index("ix_citations_source_id", "source_id"),
)

# Offsets are named *_char, not start/end: END is reserved in SQL and would
# need quoting in every hand-written query.
excerpts = Table(
    "excerpts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("incident_id", ID, nullable=False),
    Column("source_id", ID, nullable=False),
    Column("position", Integer, nullable=False),
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
    Column("text", Text, nullable=False),
    ForeignKeyConstraint(
        ["incident_id", "source_id"],
        ["citations.incident_id", "citations.source_id"],
        ondelete="CASCADE",
    ),
    CheckConstraint("start_char >= 0 AND end_char > start_char", name="offsets"),
    UniqueConstraint("incident_id", "source_id", "start_char", "end_char"),
)

excerpt_spans = Table(
    "excerpt_spans",
    metadata,
    Column(
        "excerpt_id",
        Integer,
        ForeignKey("excerpts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("position", Integer, nullable=False),
    Column("start_char", Integer, nullable=False),
    Column("end_char", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("label", Text, nullable=False),
    Column("matched", Text, nullable=False),
    PrimaryKeyConstraint("excerpt_id", "position"),
    CheckConstraint("start_char >= 0 AND end_char > start_char", name="offsets"),
)

# Casualties by kind and side (models.CasualtyCount), one row per (kind, side).
# ``side`` is a country code, or '' where the report does not say whose: a
# primary-key column cannot be NULL on PostgreSQL, and NULLs never collide in
# a unique key on either backend, so '' keeps one row per unknown side.
incident_casualties = Table(
    "incident_casualties",
    metadata,
    Column(
        "incident_id",
        ID,
        ForeignKey("incidents.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("kind", String(16), nullable=False),
    Column("side", String(8), nullable=False),
    Column("position", Integer, nullable=False),
    Column("count", Integer, nullable=False),
    PrimaryKeyConstraint("incident_id", "kind", "side"),
    CheckConstraint("count >= 0", name="count"),
)

# What a structured file (ACLED, UCDP GED, a spreadsheet) said about an
# imported incident: its place names, kept beside borderwatch's own geocoding
# so the disagreements stay visible, and (migration 0006) the dataset's other
# columns as written (``attributes``) with the record's hash and ACLED
# ``timestamp``, which tell a revised record on re-import. One row per
# imported incident; none for incidents extracted from reports.
imported_places = Table(
    "imported_places",
    metadata,
    Column(
        "incident_id",
        ID,
        ForeignKey("incidents.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("dataset", String(32), nullable=False),
    Column("country", Text),
    Column("admin1", Text),
    Column("admin2", Text),
    # NULL: nothing to compare (the file gave no name, or the point is in no unit).
    Column("country_agrees", Boolean),
    Column("admin_agrees", Boolean),
    Column("attributes", JSON),
    Column("record_hash", String(64)),
    Column("dataset_timestamp", BigInteger),
)

# One row per analyst change of an incident (migration 0005): never an
# overwrite without one. ``version`` is the incident's version the change
# made, unique per incident, so two saves of one opened version cannot both
# land even if the row lock were bypassed. ``changes`` maps each changed field
# to ``{"before": ..., "after": ...}`` (JSON values, :mod:`~dashboard.store.corrections`).
incident_revisions = Table(
    "incident_revisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "incident_id",
        ID,
        ForeignKey("incidents.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("version", Integer, nullable=False),
    Column("action", String(16), nullable=False),
    Column("author", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("reason", Text, nullable=False),
    Column("changes", JSON, nullable=False),
    Column("reverts", Integer),
    UniqueConstraint("incident_id", "version"),
    CheckConstraint("length(trim(reason)) > 0", name="reason"),
    CheckConstraint("length(trim(author)) > 0", name="author"),
)


# The change log (migration 0007, :mod:`~dashboard.store.changes`): the store's
# identity and the number of its latest write (one row), each write's time, and
# the incidents deleted. Readers ask for what changed after a number they saw.
store_changes = Table(
    "store_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("store_id", String(36), nullable=False),
    CheckConstraint("id = 1", name="one_row"),
)

change_log = Table(
    "change_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Index("ix_change_log_changed_at", "changed_at"),
)

incident_tombstones = Table(
    "incident_tombstones",
    metadata,
    Column("seq", BigInteger, nullable=False),
    Column("incident_id", ID, nullable=False),
    Index("ix_incident_tombstones_seq", "seq"),
)

# Live intake (migration 0008, :mod:`~dashboard.store.intake`): each followed feed or
# page and its watch state (conditional-request validators, last fetch, last
# success, last error), kept so a restart resumes where the last run stopped.
watched_sources = Table(
    "watched_sources",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("url", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("selector", Text),
    Column("language", String(35)),
    Column("notes", Text),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_fetch_at", DateTime(timezone=True)),
    Column("last_ok_at", DateTime(timezone=True)),
    Column("last_error", Text),
    # False: no longer followed (``borderwatch watched stop``); kept for its evidence.
    Column("active", Boolean, nullable=False, server_default=true()),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# The evidence of each fetched article: the raw page as received, the final URL
# and fetch time, and the report (``sources``) holding its extracted text. A
# changed article is a new ``version`` under the same canonical URL.
intake_items = Table(
    "intake_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "watched",
        String(200),
        ForeignKey("watched_sources.name", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("link_url", Text, nullable=False),
    Column("canonical_url", Text, nullable=False),
    Column("final_url", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("text_hash", String(64), nullable=False),
    Column("source_id", ID, ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
    Column("author", Text),
    Column("raw", LargeBinary, nullable=False),
    Column("raw_type", String(200), nullable=False),
    Column("fetched_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("canonical_url", "version"),
    Index("ix_intake_items_text_hash", "text_hash"),
    Index("ix_intake_items_link_url", "link_url"),
    Index("ix_intake_items_watched", "watched"),
)

# Saved dashboard filters (a link's query string) that notify a webhook and/or an
# email address of newly matching incidents; each incident goes once per channel.
alerts = Table(
    "alerts",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("query", Text, nullable=False),
    Column("webhook", Text),
    Column("email", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("alert", String(200), ForeignKey("alerts.name", ondelete="CASCADE"), nullable=False),
    Column("incident_id", ID, ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("alert", "incident_id", "channel"),
)
