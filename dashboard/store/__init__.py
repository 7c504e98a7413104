"""The incident store: where sources, incidents and their evidence live, on SQLite or PostgreSQL.

Owns everything that touches the database, one concern per module: the table
definitions (:mod:`~dashboard.store.schema`), connecting and its errors
(:mod:`~dashboard.store.engine`), the Alembic migrations (``migrations/``) and
schema versions (:mod:`~dashboard.store.revisions`), the :class:`Store` handle
(:mod:`~dashboard.store.core`), writing one document
(:mod:`~dashboard.store.writes`) or many incidents (:mod:`~dashboard.store.bulk`)
from rows built in :mod:`~dashboard.store.rows`, revising and deleting imported
records a newer dataset release changed (:mod:`~dashboard.store.living`),
live intake's watched sources, their state and each fetch's evidence
(:mod:`~dashboard.store.intake`), saved alerts and what each sent
(:mod:`~dashboard.store.alerts`),

fusing a dataset's record with the text reports of the same event and
separating them again (:mod:`~dashboard.store.fusion`),
replacing what a re-read report reports (:mod:`~dashboard.store.reextract`),
analysts' corrections, merges, splits and reverts as revisions
(:mod:`~dashboard.store.review` through :mod:`~dashboard.store.audit`, values in
:mod:`~dashboard.store.corrections`) and what machine writes must keep of them
(:mod:`~dashboard.store.locks`), reading
(:mod:`~dashboard.store.reads`), the PostgreSQL-only PostGIS extras
(:mod:`~dashboard.store.postgis`) and copying a whole store into another
database (:mod:`~dashboard.store.copy_store`). Nothing outside this package
writes SQL.

Public names: :class:`Store`, :func:`open_store`, :func:`ensure_ready`, :class:`StoreError`,
:func:`upgrade_database`, :func:`current_revision`, :func:`head_revision`,
:func:`default_database_url`, :func:`mask_url`, :func:`create_store_engine`,
:class:`ImportedPlace`, :class:`SaveResult`, :class:`BulkSaveResult`,
:class:`ReplaceResult`, :class:`StoredReport`, :class:`Correction`, :class:`DateWindow`,
:class:`Place`, :data:`KEEP`, :class:`ExcerptRef`, :class:`Revision`, :class:`ReviewState`,
:class:`ReviewError`, :class:`IncidentChangedError`, :class:`UnknownIncidentError`,
:data:`DATABASE_URL_ENV`, :data:`SQLITE_BULK_CACHE_KIB`.
"""

from dashboard.store.audit import IncidentChangedError, ReviewError, UnknownIncidentError
from dashboard.store.core import Store, ensure_ready, open_store
from dashboard.store.corrections import KEEP, Correction, DateWindow, Place
from dashboard.store.engine import (
    DATABASE_URL_ENV,
    SQLITE_BULK_CACHE_KIB,
    StoreError,
    create_store_engine,
    default_database_url,
    mask_url,
)
from dashboard.store.records import (
    BulkSaveResult,
    ExcerptRef,
    ImportedPlace,
    ReplaceResult,
    ReviewState,
    Revision,
    SaveResult,
    StoredReport,
)
from dashboard.store.revisions import current_revision, head_revision, upgrade_database

__all__ = [
    "DATABASE_URL_ENV",
    "KEEP",
    "SQLITE_BULK_CACHE_KIB",
    "BulkSaveResult",
    "Correction",
    "DateWindow",
    "ExcerptRef",
    "ImportedPlace",
    "IncidentChangedError",
    "Place",
    "ReplaceResult",
    "ReviewError",
    "ReviewState",
    "Revision",
    "SaveResult",
    "Store",
    "StoreError",
    "StoredReport",
    "UnknownIncidentError",
    "create_store_engine",
    "current_revision",
    "default_database_url",
    "ensure_ready",
    "head_revision",
    "mask_url",
    "open_store",
    "upgrade_database",
]
