"""The :class:`Store` handle and how to get one: :func:`open_store`.

The handle owns an engine and hands each call one connection or one
transaction; what happens inside lives with its concern: connecting
(:mod:`~dashboard.store.engine`), schema versions
(:mod:`~dashboard.store.revisions`), writing a document
(:mod:`~dashboard.store.writes`) or many incidents
(:mod:`~dashboard.store.bulk`), replacing what a re-read report reports
(:mod:`~dashboard.store.reextract`), analysts' corrections, merges, splits
and reverts (:mod:`~dashboard.store.review`, each a revision through
:mod:`~dashboard.store.audit`), and reading (:mod:`~dashboard.store.reads`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime

from sqlalchemy import Connection, Engine

from dashboard.models import Incident, Source, WatchedSource
from dashboard.store import (
    alerts,
    audit,
    bulk,
    changes,
    columns,
    details,
    fusion,
    intake,
    living,
    reads,
    reextract,
    review,
    revisions,
    search,
    undated,
    writes,
)
from dashboard.store import schema as db
from dashboard.store.corrections import Correction
from dashboard.store.engine import (
    create_store_engine,
    mask_url,
    reading,
    translate_errors,
    writing,
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


def open_store(url: str | None = None, *, upgrade: bool = False) -> Store:
    """Open the store at ``url`` (default: :func:`default_database_url`).

    Fails with a :class:`StoreError` unless the schema is current; pass
    ``upgrade=True`` to migrate first (tests, and in-memory SQLite, where a
    separate :func:`upgrade_database` would see a different database).
    """
    engine = create_store_engine(url)
    try:
        if upgrade:
            revisions.migrate(engine)
        with translate_errors(engine.url, "open"), engine.connect() as conn:
            revisions.check_revision(conn, engine.url)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)


def ensure_ready(url: str, fill: Callable[[str], bool] | None = None) -> bool:
    """Make the store at ``url`` ready for readers on a first run; True if ``fill`` loaded data.

    For the dashboard, which must show something on its first start rather
    than an error: a database with no schema gets one, and a store without a
    single source is handed to ``fill`` (the dashboard passes its sample
    loader, which belongs to the pipeline, not here). A schema out of date or
    unknown raises :func:`open_store`'s :class:`StoreError` and is left alone:
    migrating a store that holds data is the operator's decision.
    """
    if revisions.current_revision(url) is None:
        revisions.upgrade_database(url)
    with open_store(url) as opened:
        empty = opened.count_sources() == 0
    return bool(fill(url)) if empty and fill is not None else False


class Store:
    """Reads and writes incidents; create one with :func:`open_store`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def url(self) -> str:
        """The database URL, password masked, for messages and logs."""
        return mask_url(self.engine.url)

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    def close(self) -> None:
        """Release pooled connections (and SQLite file handles)."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def upgrade(self) -> str:
        """Migrate this store's database to the newest schema; see :func:`upgrade_database`."""
        return revisions.migrate(self.engine)

    def current_revision(self) -> str | None:
        """The schema revision of this store's database."""
        with self.reading() as conn:
            return revisions.revision_of(conn)

    def reading(self) -> AbstractContextManager[Connection]:
        """A connection for reads, errors as :class:`StoreError` (modules beside the store)."""
        return reading(self.engine)

    def writing(self, *, bulk: bool = False) -> AbstractContextManager[Connection]:
        """One write transaction, as the store's own writes use (see :func:`engine.writing`).

        For modules that write what the store's methods do not: the PostGIS
        layers (:mod:`dashboard.store.postgis`), a copy of a whole store
        (:mod:`dashboard.store.copy_store`).
        """
        return writing(self.engine, bulk=bulk)

    # --- writing ------------------------------------------------------------

    def save_document(self, source: Source, incidents: list[Incident]) -> SaveResult:
        """Store one source and the incidents it reports, all or nothing.

        Idempotent by ``source.content_hash``: a source already stored makes
        this a no-op reported as ``unchanged``. Incidents are keyed by ``id``:
        an existing one (another report under the same id) gains the
        citations and excerpts it lacks and otherwise keeps its stored
        attributes. A new id that is an event already stored (compatible
        window and places, see :mod:`~dashboard.store.matching`) is merged
        into that incident, refining it (:mod:`~dashboard.store.refine`);
        otherwise it is written whole.

        Raises :class:`StoreError` if the source id is already stored with
        different content, or if an incident cites a source that is neither
        this one nor already stored.
        """
        with self.writing() as conn:
            return writes.save_document(conn, source, incidents)

    def replace_reports(
        self,
        documents: Sequence[tuple[Source, list[Incident]]],
        eligible: Collection[str] = (),
    ) -> ReplaceResult:
        """Rebuild what a group of stored reports reports from fresh incidents, all or nothing.

        For re-extraction after an extractor upgrade. ``documents`` are the
        reports of one group (see :meth:`report_group`) in storing order,
        each with its fresh incidents; ``eligible`` the other reports that
        may be re-read with them. Their citations go, incidents nothing
        cites any more are deleted, and the fresh incidents are saved as
        :meth:`save_document` saves them (merged by id, or by event).
        Nothing is written, and the result says why, when the rebuilt
        incidents equal the stored ones (``unchanged``) or when they merge
        with another eligible report (``regroup``: call again with that
        group). See :mod:`~dashboard.store.reextract`.
        """
        try:
            with self.writing() as conn:
                return reextract.replace_reports(conn, documents, eligible)
        except reextract.Discard as discarded:
            return discarded.result

    def save_incidents_bulk(
        self,
        sources: Sequence[Source],
        incidents: Sequence[Incident],
        places: Mapping[str, ImportedPlace] | None = None,
        reports: fusion.ReportIndex | None = None,
    ) -> BulkSaveResult:
        """Store many incidents and the sources they cite in one transaction, all or nothing.

        The write path for structured imports and synthetic data: call it
        once per chunk (thousands to tens of thousands of incidents). An
        incident whose id is stored is left as it is (nothing merged); see
        :func:`dashboard.store.bulk.save_incidents_bulk` for the rules.
        """
        with self.writing(bulk=True) as conn:
            return bulk.save_incidents_bulk(conn, sources, incidents, places or {}, reports)

    # --- one event across sources (see :mod:`~dashboard.store.fusion`) -----------

    def report_index(self) -> fusion.ReportIndex:
        """The report incidents an import may fuse its records with; read once per import."""
        with self.reading() as conn:
            return fusion.report_index(conn)

    def fused_reports(self, incident_id: str) -> list[fusion.FusedReport]:
        """The report incidents fused with a record, each with its own figures."""
        with self.reading() as conn:
            return fusion.fused_reports(conn, incident_id)

    def split_source(
        self, incident_id: str, source_id: str, *, by: str, reason: str, expected_version: int
    ) -> tuple[Revision, Revision]:
        """Undo a wrong fusion: the report that brought ``source_id`` leaves the record
        (:func:`dashboard.store.fusion.split_source`); revisions for the record and the report."""
        with self.writing() as conn:
            return fusion.split_source(
                conn,
                incident_id,
                source_id,
                by=by,
                reason=reason,
                expected_version=expected_version,
            )

    def delete_records(self, deletions: Mapping[str, int | None]) -> living.Deleted:
        """Remove the imported incidents a dataset deleted (id → its deletion time), in one
        transaction; an incident an analyst changed is flagged instead
        (:mod:`~dashboard.store.living`)."""
        with self.writing(bulk=True) as conn:
            return living.delete_records(conn, deletions)

    # --- live intake (see :mod:`~dashboard.store.intake`) --------------------

    def save_watched_sources(self, sources: Sequence[WatchedSource]) -> None:
        """Add or update the feeds and pages live intake follows (by name)."""
        with self.writing() as conn:
            intake.save_watched(conn, sources)

    def watch_states(
        self, names: Collection[str] | None = None, *, active_only: bool = True
    ) -> list[intake.WatchState]:
        """The followed sources (all, or those named; with ``active_only=False`` the
        stopped ones too) with their last fetch and error."""
        with self.reading() as conn:
            return intake.watch_states(conn, names, active_only=active_only)

    def stop_watching(self, name: str) -> bool:
        """Stop following a source; its items and reports stay. False if there is none."""
        with self.writing() as conn:
            return intake.stop_watching(conn, name)

    def record_fetch(
        self,
        name: str,
        *,
        at: datetime,
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        """Keep a run's outcome for one watched source (validators on success, why on error)."""
        with self.writing() as conn:
            intake.record_fetch(
                conn, name, at=at, error=error, etag=etag, last_modified=last_modified
            )

    def known_links(self, urls: Collection[str]) -> dict[str, datetime]:
        """Which of ``urls`` live intake fetched before, and when last."""
        with self.reading() as conn:
            return intake.known_links(conn, urls)

    def latest_intake_item(self, canonical_url: str) -> intake.KnownItem | None:
        """The newest stored version of the article at ``canonical_url``."""
        with self.reading() as conn:
            return intake.latest_item(conn, canonical_url)

    def intake_text_known(self, text_hash: str) -> str | None:
        """The canonical URL of a fetched article with this very text, if any."""
        with self.reading() as conn:
            return intake.text_known(conn, text_hash)

    def save_fetched(
        self, source: Source, incidents: list[Incident], item: intake.FetchedItem
    ) -> tuple[SaveResult, int]:
        """Store a fetched article's report, incidents and evidence, all or nothing.

        Returns what :meth:`save_document` returns and the article's version.
        """
        with self.writing() as conn:
            return intake.save_fetched(conn, source, incidents, item)

    def intake_evidence(self, source_id: str) -> intake.FetchedItem | None:
        """The raw page, final URL and fetch time behind a report live intake stored."""
        with self.reading() as conn:
            return intake.evidence(conn, source_id)

    def source_overview(self) -> list[intake.SourceOverview]:
        """Each watched source with its state, items and incidents (the Sources page)."""
        with self.reading() as conn:
            return intake.source_overview(conn)

    def intake_incidents_since(
        self, since: datetime, *, include_synthetic: bool = False
    ) -> list[intake.NewIncident]:
        """Incidents created after ``since`` from watched sources' reports, newest first."""
        with self.reading() as conn:
            return intake.incidents_since(conn, since, include_synthetic=include_synthetic)

    # --- alerts (see :mod:`~dashboard.store.alerts`) ------------------------

    def save_alert(self, alert: alerts.Alert) -> None:
        """Add an alert, or change one by name (it keeps its creation time)."""
        with self.writing() as conn:
            alerts.save_alert(conn, alert)

    def delete_alert(self, name: str) -> bool:
        """Remove an alert and its delivery record; False when there was none by that name."""
        with self.writing() as conn:
            return alerts.delete_alert(conn, name)

    def saved_alerts(self) -> list[alerts.Alert]:
        """Every saved alert, by name."""
        with self.reading() as conn:
            return alerts.list_alerts(conn)

    def undelivered_incidents(self, alert: alerts.Alert, channel: str) -> list[str]:
        """Incidents created since ``alert`` was saved that ``channel`` was not sent yet."""
        with self.reading() as conn:
            return alerts.undelivered(conn, alert, channel)

    def record_deliveries(
        self, alert: str, channel: str, incident_ids: Sequence[str], at: datetime
    ) -> None:
        """Keep that ``channel`` accepted these incidents for ``alert``."""
        with self.writing() as conn:
            alerts.record_deliveries(conn, alert, channel, incident_ids, at)

    # --- analyst review (see :mod:`~dashboard.store.review`) -----------------

    def review_incident(
        self,
        incident_id: str,
        correction: Correction,
        *,
        by: str,
        reason: str,
        expected_version: int,
    ) -> Revision:
        """Apply an analyst's correction (status, fields, note) as one new revision.

        ``expected_version`` is :attr:`ReviewState.version` as the analyst
        opened the incident (:meth:`review_state`). Changed fields are locked
        against re-ingest and re-extraction, and any machine flag is cleared.
        A ``duplicate`` status set here moves no sources; :meth:`merge_incidents`
        puts them together.

        Raises :class:`IncidentChangedError` ("changed by X at T") if another
        save came first, :class:`UnknownIncidentError` for an id not stored (the
        incident, or the one a duplicate names), and :class:`ReviewError` for
        a blank ``by`` or ``reason``, an invalid correction or one that
        changes nothing. All are :class:`StoreError`.
        """
        with self.writing() as conn:
            return review.correct(
                conn,
                incident_id,
                correction,
                by=by,
                reason=reason,
                expected_version=expected_version,
            )

    def merge_incidents(
        self,
        keep_id: str,
        other_id: str,
        *,
        by: str,
        reason: str,
        keep_version: int,
        other_version: int,
    ) -> tuple[Revision, Revision]:
        """Merge two reports of one event: ``other_id``'s sources join ``keep_id``.

        ``other_id`` becomes a ``duplicate`` of ``keep_id`` (its fields stay,
        for the record) and later reports of it go to ``keep_id``; the kept
        incident's fields are not changed (correct them separately). Returns
        the two revisions (kept, other). Raises as :meth:`review_incident`.
        """
        with self.writing() as conn:
            return review.merge(
                conn,
                keep_id,
                other_id,
                by=by,
                reason=reason,
                versions={keep_id: keep_version, other_id: other_version},
            )

    def revert_revision(
        self, revision_id: int, *, by: str, reason: str, expected_version: int
    ) -> Revision:
        """Set the fields a revision changed back to their values before it, as a new revision.

        ``expected_version`` is the incident's current version as the analyst
        saw it. Merges are not reverted (:class:`ReviewError`); otherwise
        raises as :meth:`review_incident`.
        """
        with self.writing() as conn:
            return review.revert(
                conn, revision_id, by=by, reason=reason, expected_version=expected_version
            )

    def split_incident(
        self,
        incident_id: str,
        excerpts: Sequence[ExcerptRef],
        correction: Correction,
        *,
        by: str,
        reason: str,
        expected_version: int,
    ) -> tuple[Revision, Revision]:
        """Split sentences of its reports off an incident into a new incident, ``ID~split-N``.

        ``excerpts`` name stored excerpts of the incident (some, not all);
        they and the citations left without excerpts move to the new
        incident, which copies the incident's fields with ``correction``
        applied (its corrected fields locked; give at least one change, e.g.
        the other event's window or place). Returns the two revisions (the
        incident's, the new one's, whose ``incident_id`` is the new id).
        Raises as :meth:`review_incident`.
        """
        with self.writing() as conn:
            return review.split(
                conn,
                incident_id,
                excerpts,
                correction,
                by=by,
                reason=reason,
                expected_version=expected_version,
            )

    def review_state(self, incident_id: str) -> ReviewState | None:
        """The incident's status, version, locks, note and flag, or ``None`` if not stored."""
        with self.reading() as conn:
            return audit.review_state(conn, incident_id)

    def history(self, incident_id: str) -> list[Revision]:
        """The incident's revisions, oldest first; :class:`UnknownIncidentError` if not stored."""
        with self.reading() as conn:
            return audit.history(conn, incident_id)

    # --- reading ------------------------------------------------------------

    def get_source(self, source_id: str) -> Source | None:
        """The stored source, or ``None``."""
        with self.reading() as conn:
            return reads.get_source(conn, source_id)

    def report_source_ids(self) -> list[str]:
        """Ids of the stored reports with text (no dataset records), in the order stored."""
        with self.reading() as conn:
            return reextract.report_source_ids(conn)

    def stored_report(self, source_id: str) -> StoredReport | None:
        """The stored report and the day it was stored, or ``None`` (absent, or no report)."""
        with self.reading() as conn:
            return reextract.stored_report(conn, source_id)

    def report_group(self, source_ids: Collection[str], eligible: Collection[str]) -> list[str]:
        """These reports and the ``eligible`` ones sharing incidents with them, in storing order."""
        with self.reading() as conn:
            return reextract.report_group(conn, source_ids, eligible)

    def day_windows(
        self, provinces: Collection[str], *, synthetic: bool, max_days: int
    ) -> list[tuple[date, date]]:
        """Narrow windows of incidents in ``provinces``: what dates an undated page."""
        with self.reading() as conn:
            return undated.day_windows(conn, provinces, synthetic=synthetic, max_days=max_days)

    def place_windows(
        self,
        provinces: Collection[str],
        place_names: Collection[str],
        *,
        synthetic: bool,
        max_days: int,
    ) -> list[tuple[str, date, date]]:
        """Narrow windows of incidents at these places: what dates a page by its weekday."""
        with self.reading() as conn:
            return undated.place_windows(
                conn, provinces, place_names, synthetic=synthetic, max_days=max_days
            )

    def undated_report_ids(self, provinces: Collection[str], *, wider_than: int) -> list[str]:
        """Reports without a publication date citing an incident in ``provinces`` whose window
        is wider than ``wider_than`` days (still dated by ingest), in storing order."""
        with self.reading() as conn:
            return undated.undated_report_ids(conn, provinces, wider_than=wider_than)

    def get_incident(self, incident_id: str) -> Incident | None:
        """The stored incident with its places and all merged citations, or ``None``."""
        with self.reading() as conn:
            return reads.get_incident(conn, incident_id)

    def get_imported_place(self, incident_id: str) -> ImportedPlace | None:
        """The file's own place names for an imported incident, or ``None``."""
        with self.reading() as conn:
            return reads.get_imported_place(conn, incident_id)

    def dataset_fields(self, incident_id: str) -> dict[str, str]:
        """The dataset's own fields of an imported incident, as its file wrote them.

        For the source panel: ACLED's sub-event type, actors' associates and
        inter codes, source scale, tags…; UCDP GED's conflict and dyad, deaths
        by side, best/high/low… Empty for an incident extracted from reports
        or imported before borderwatch kept them.
        """
        place = self.get_imported_place(incident_id)
        return dict(place.attributes or {}) if place is not None else {}

    def is_synthetic(self, incident_id: str) -> bool | None:
        """Whether the incident is flagged synthetic (``None`` if not stored)."""
        with self.reading() as conn:
            return reads.is_synthetic(conn, incident_id)

    def count_incidents(self, *, include_synthetic: bool = True) -> int:
        """How many incidents are stored."""
        with self.reading() as conn:
            return reads.count(conn, db.incidents, include_synthetic=include_synthetic)

    def count_sources(self, *, include_synthetic: bool = True) -> int:
        """How many sources are stored."""
        with self.reading() as conn:
            return reads.count(conn, db.sources, include_synthetic=include_synthetic)

    def fingerprint(self) -> tuple[str, ...]:
        """A cheap fingerprint of the contents for cache keys: the store's identity and
        latest write number (:mod:`~dashboard.store.changes`), one row read; for a
        schema before the change log, counts and times (:func:`reads.fingerprint`)."""
        with self.reading() as conn:
            current = changes.version(conn)
            return current.key() if current else reads.fingerprint(conn)

    def version(self) -> changes.StoreVersion | None:
        """The store's identity and latest write number (None before the change log)."""
        with self.reading() as conn:
            return changes.version(conn)

    def seq_at(self, when: datetime) -> int:
        """The change-log number of the last write begun by ``when``: incidents
        stamped above it changed after ``when`` (see :func:`changes.seq_at`)."""
        with self.reading() as conn:
            return changes.seq_at(conn, when)

    # The dashboard's reads. They connect without error translation, as they
    # always have: their callers handle the driver's errors, not StoreError.

    def snapshot(self, since: int | None = None) -> AbstractContextManager[columns.ColumnReader]:
        """Whole tables column by column in one snapshot (only what changed after the
        write numbered ``since``, if given); see :mod:`~dashboard.store.columns`."""
        return columns.snapshot(self.engine, since)

    def search_incident_ids(self, text: str) -> set[str]:
        """Incidents whose summary or a citing source contains ``text`` (case-insensitive)."""
        with self.engine.connect() as conn:
            return search.search_incident_ids(conn, text)

    def excerpt_heads(self, incident_ids: Sequence[str], chars: int) -> dict[str, str]:
        """The first ``chars`` characters of each incident's first excerpt."""
        with self.engine.connect() as conn:
            return search.excerpt_heads(conn, incident_ids, chars)

    def incident_details(self, incident_ids: Sequence[str]) -> details.DetailRows:
        """Actors, sources, excerpts and file places of these incidents, for export."""
        with self.engine.connect() as conn:
            return details.read_details(conn, incident_ids)
