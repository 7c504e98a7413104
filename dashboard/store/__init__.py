"""The incident store: where sources, incidents and their evidence live, on SQLite or PostgreSQL.

Owns everything that touches the database: the table definitions
(:mod:`~dashboard.store.schema`), the Alembic migrations (``migrations/``), opening,
migrating, writing and reading (:mod:`~dashboard.store.core`), the PostgreSQL-only PostGIS
extras (:mod:`~dashboard.store.postgis`) and copying a whole store into another database
(:mod:`~dashboard.store.copy_store`). Nothing outside this package writes SQL.

Public names: :class:`Store`, :func:`open_store`, :class:`StoreError`,
:func:`upgrade_database`, :func:`current_revision`, :func:`head_revision`,
:func:`default_database_url`, :func:`mask_url`, :func:`create_store_engine`,
:class:`ImportedPlace`, :data:`SQLITE_BULK_CACHE_KIB`.
"""

from dashboard.store.core import (
    SQLITE_BULK_CACHE_KIB,
    ImportedPlace,
    Store,
    StoreError,
    create_store_engine,
    current_revision,
    default_database_url,
    head_revision,
    mask_url,
    open_store,
    upgrade_database,
)

__all__ = [
    "SQLITE_BULK_CACHE_KIB",
    "ImportedPlace",
    "Store",
    "StoreError",
    "create_store_engine",
    "current_revision",
    "default_database_url",
    "head_revision",
    "mask_url",
    "open_store",
    "upgrade_database",
]
