"""Living datasets: a newer export revises, a deletions list removes, an analyst's work stays.

Tests taking ``store`` run on SQLite and PostgreSQL. Fixtures (synthetic rows
in the real layouts): acled_revised.csv is acled_sample.csv as a newer export
would give it (TST1 revised with a newer ``timestamp``, TST2 and TST4 as
before, TST3 in an *older* version, TST5 new); acled_deletions.csv is ACLED's
deletions list; ucdp_ged_newer_release.csv changes 900001's death figures.
"""

import shutil
from pathlib import Path

import pytest

from dashboard.geo.geocode import Geocoder
from dashboard.geo.layers import load_border
from dashboard.importers import import_file
from dashboard.store import Correction, Store

FIXTURES = Path(__file__).parents[1] / "fixtures" / "imports"


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    return Geocoder(load_border("am-az"))


def _import(store: Store, geocoder: Geocoder, tmp_path: Path, name: str, fmt: str = "acled"):
    path = Path(shutil.copy(FIXTURES / name, tmp_path / name))
    return import_file(path, fmt, store, geocoder=geocoder)


def test_a_newer_export_updates_the_revised_event_and_keeps_the_old_values(
    store: Store, geocoder, tmp_path: Path
) -> None:
    _import(store, geocoder, tmp_path, "acled_sample.csv")
    tst3 = store.get_incident("acled:TST3")
    report = _import(store, geocoder, tmp_path, "acled_revised.csv")
    assert (report.imported, report.updated, report.unchanged, report.older) == (1, 1, 2, 1)
    assert report.summary()[0].endswith(
        "5 rows: 1 new, 1 updated, 2 unchanged, 0 deleted, 0 rejected"
    )
    revised = store.get_incident("acled:TST1")
    assert revised.fatalities == 5
    assert revised.summary == "Test row (synthetic): the clash, revised by a newer export."
    assert store.dataset_fields("acled:TST1")["sub_event_type"] == "Armed clash; revised"
    (revision,) = store.history("acled:TST1")
    assert (revision.action, revision.by, revision.version) == ("import", "import", 1)
    assert revision.reason == "acled revised the record (timestamp 1700000000 → 1710000000)"
    assert revision.changes["fatalities"] == {"before": 2, "after": 5}
    assert revision.changes["dataset_fields"]["before"]["sub_event_type"] == "Armed clash"
    # the older version of TST3 does not undo the stored one
    assert store.get_incident("acled:TST3") == tst3
    # an import's revision is no analyst's: the incident is not locked, nor reviewed
    state = store.review_state("acled:TST1")
    assert (state.locked, state.flag) == ((), None)
    again = _import(store, geocoder, tmp_path, "acled_revised.csv")
    assert (again.imported, again.updated, again.unchanged, again.older) == (0, 0, 4, 1)


def test_a_revised_record_of_a_corrected_incident_is_flagged_not_changed(
    store: Store, geocoder, tmp_path: Path
) -> None:
    _import(store, geocoder, tmp_path, "acled_sample.csv")
    store.review_incident(
        "acled:TST1",
        Correction(fatalities=3),
        by="ana",
        reason="the MoD's figure",
        expected_version=0,
    )
    report = _import(store, geocoder, tmp_path, "acled_revised.csv")
    assert (report.updated, report.flagged) == (0, 1)
    kept = store.get_incident("acled:TST1")
    assert kept.fatalities == 3  # the analyst's value
    assert kept.summary == "Test row: an invented clash at a test point, not a real event."
    assert "acled revised record reads fatalities as 5" in store.review_state("acled:TST1").flag
    assert [r.action for r in store.history("acled:TST1")] == ["review"]
    assert any("revised but reviewed by an analyst: flagged" in line for line in report.summary())


def test_a_deletions_file_removes_listed_events_but_not_reviewed_ones(
    store: Store, geocoder, tmp_path: Path
) -> None:
    _import(store, geocoder, tmp_path, "acled_sample.csv")
    store.review_incident(
        "acled:TST4", Correction(fatalities=1), by="ana", reason="checked", expected_version=0
    )
    report = _import(store, geocoder, tmp_path, "acled_deletions.csv")
    assert report.format == "acled deletions"
    assert (report.rows, report.deleted, report.flagged, report.not_stored, report.rejected) == (
        4, 1, 1, 1, 1,
    )  # fmt: skip
    assert store.get_incident("acled:TST2") is None
    assert store.get_imported_place("acled:TST2") is None  # its children go with it
    assert store.get_incident("acled:TST4").fatalities == 1
    assert "the dataset deleted this record (deleted_timestamp 1711000000)" in (
        store.review_state("acled:TST4").flag
    )
    assert store.get_incident("acled:TST3") is not None  # its row was rejected
    assert report.problems == [
        f"{tmp_path / 'acled_deletions.csv'}: line 5: deleted_timestamp: 'last week' is not "
        f"epoch seconds"
    ]
    assert report.summary()[0].endswith("4 rows: 1 deleted, 1 not stored, 1 rejected")


def test_a_newer_ucdp_release_replaces_the_rows_of_the_same_id(
    store: Store, geocoder, tmp_path: Path
) -> None:
    _import(store, geocoder, tmp_path, "ucdp_ged_sample.csv", "ucdp")
    report = _import(store, geocoder, tmp_path, "ucdp_ged_newer_release.csv", "ucdp")
    assert (report.imported, report.updated, report.unchanged) == (0, 1, 1)
    incident = store.get_incident("ucdp:900001")
    assert incident.fatalities == 4
    assert (
        store.dataset_fields("ucdp:900001")["deaths_a"],
        store.dataset_fields("ucdp:900001")["high"],
    ) == ("3", "6")
    (revision,) = store.history("ucdp:900001")
    assert revision.reason == "a newer ucdp release changed the record"
    assert revision.changes["fatalities"] == {"before": 2, "after": 4}
