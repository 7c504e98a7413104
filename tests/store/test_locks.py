"""Tests for dashboard.store.locks: re-ingest and re-imports never undo an analyst's correction.

Tests taking ``store`` run on SQLite and PostgreSQL (see conftest.py).
Re-extraction's side is in tests/test_reextract.py.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from store_builders import SU, account, dataset_source, save_account

from dashboard.models import Citation, DatePrecision, LocationPrecision, ReviewStatus
from dashboard.store import Correction, Place, Store

MONTH_ID = "inc-2024-05-01-2024-05-31-AM-GR"
NEAR = LocationPrecision.NEAR_PLACE


def month_report(store: Store) -> None:
    """A monthly round-up's incident in Gegharkunik, toll not given."""
    save_account(
        store, account("src-may", date(2024, 5, 1), date(2024, 5, 31), DatePrecision.MONTH)
    )


def correct_toll(store: Store, fatalities: int = 1) -> None:
    store.review_incident(
        MONTH_ID,
        Correction(status=ReviewStatus.CONFIRMED, fatalities=fatalities),
        by="alice",
        reason="hospital list",
        expected_version=0,
    )


def test_a_new_report_keeps_the_correction_and_flags_the_difference(store: Store) -> None:
    month_report(store)
    correct_toll(store, fatalities=1)

    save_account(store, account("src-day", date(2024, 5, 12), fatalities=2))

    merged = store.get_incident(MONTH_ID)
    # The report still refines what nobody corrected (the window), and is cited.
    assert (merged.date_start, merged.date_precision) == (date(2024, 5, 12), DatePrecision.DAY)
    assert merged.reports == 2
    assert merged.fatalities == 1
    state = store.review_state(MONTH_ID)
    assert state.status is ReviewStatus.CONFIRMED
    assert state.flag == "report src-day reads fatalities as 2"
    assert state.version == 1  # machine writes make no revision


def test_a_report_agreeing_with_the_correction_raises_no_flag(store: Store) -> None:
    month_report(store)
    correct_toll(store, fatalities=2)
    save_account(store, account("src-day", date(2024, 5, 12), fatalities=2))
    assert store.review_state(MONTH_ID).flag is None


def test_an_unreviewed_incident_is_refined_as_before(store: Store) -> None:
    month_report(store)
    save_account(store, account("src-day", date(2024, 5, 12), fatalities=2))
    assert store.get_incident(MONTH_ID).fatalities == 2
    assert store.review_state(MONTH_ID).flag is None


def test_the_next_save_clears_the_flag_and_records_it(store: Store) -> None:
    month_report(store)
    correct_toll(store, fatalities=1)
    save_account(store, account("src-day", date(2024, 5, 12), fatalities=2))

    revision = store.review_incident(
        MONTH_ID, Correction(fatalities=2), by="bob", reason="both MoDs agree", expected_version=1
    )

    assert revision.changes["flag"] == {
        "before": "report src-day reads fatalities as 2",
        "after": None,
    }
    assert store.review_state(MONTH_ID).flag is None


def test_a_report_of_a_duplicate_goes_to_the_incident_it_repeats(store: Store) -> None:
    month_report(store)
    other = dataclasses.replace(account("src-su", date(2024, 5, 20), province=SU), id="inc-su")
    save_account(store, other)
    store.merge_incidents(
        MONTH_ID, "inc-su", by="alice", reason="one event", keep_version=0, other_version=0
    )

    # Another report extracted under the duplicate's id.
    again = dataclasses.replace(other, citations=(Citation(source_id="src-su-2"),))
    save_account(store, again)

    assert {c.source_id for c in store.get_incident(MONTH_ID).citations} == {
        "src-may",
        "src-su",
        "src-su-2",
    }
    assert store.get_incident("inc-su").citations == ()


def test_a_bulk_reimport_keeps_the_correction_and_flags_only_a_new_reading(store: Store) -> None:
    source = dataset_source("acled-1", publisher="ACLED")
    imported = dataclasses.replace(
        account(source.id, date(2024, 5, 12), fatalities=5), id="acled-1"
    )
    store.save_incidents_bulk([source], [imported])
    store.review_incident(
        "acled-1", Correction(fatalities=4), by="alice", reason="typo", expected_version=0
    )

    # The same record again: the analyst already overrode its 5.
    store.save_incidents_bulk([source], [imported])
    assert store.get_incident("acled-1").fatalities == 4
    assert store.review_state("acled-1").flag is None

    # A revised record: news, flagged; the correction stays.
    store.save_incidents_bulk([source], [dataclasses.replace(imported, fatalities=6)])
    assert store.get_incident("acled-1").fatalities == 4
    state = store.review_state("acled-1")
    assert (state.locked, state.flag) == (
        ("fatalities",),
        "record test:acled-1 reads fatalities as 6",
    )


def test_a_kept_place_keeps_the_summary_in_its_words(store: Store) -> None:
    day = account("src-sotk", date(2024, 5, 12), summary="Shelling of Sotk on 2024-05-12.")
    save_account(
        store,
        dataclasses.replace(day, location_precision=NEAR, place_name="Sotk", lat=40.2, lon=45.9),
    )
    store.review_incident(
        day.id,
        Correction(place=Place(NEAR, 40.20007, 45.86951, "Sotk", 8.0)),
        by="alice",
        reason="the village's own point",
        expected_version=0,
    )
    # A finer report of the same shelling, placed on a point in a neighbouring village.
    kut = account("src-kut", date(2024, 5, 12))
    save_account(
        store,
        dataclasses.replace(
            kut, id="inc-kut", location_precision=LocationPrecision.POINT, place_name="Kut",
            lat=40.21, lon=45.92,
        ),
    )  # fmt: skip

    kept = store.get_incident(day.id)
    assert (kept.place_name, kept.lat) == ("Sotk", 40.20007)
    assert kept.reports == 2
    # Not restated to the machine's "Kut", which the kept place is not.
    assert kept.summary == "Shelling of Sotk on 2024-05-12."
    assert store.review_state(day.id).flag.startswith("report src-kut reads place as ")
