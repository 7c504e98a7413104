"""Tests for dashboard.store.review: corrections as revisions, concurrency, revert, merge.

Tests taking ``store`` or ``empty_database_url`` run on SQLite and PostgreSQL
(see conftest.py). Each starts from the one fully populated Sotk incident
(``store_builders``) and changes it as an analyst would.
"""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import pytest
from store_builders import GR, SU, account, report, save_account, sotk_incident, table_count

from dashboard.models import DatePrecision, LocationPrecision, ReviewStatus
from dashboard.store import (
    Correction,
    DateWindow,
    ExcerptRef,
    IncidentChangedError,
    Place,
    ReviewError,
    Revision,
    Store,
    UnknownIncidentError,
    open_store,
    schema,
)


@pytest.fixture
def sotk(store: Store) -> Store:
    """The store holding the Sotk incident (src-1) and another event (inc-2, src-2, Syunik)."""
    store.save_document(report(), [sotk_incident()])
    save_account(
        store, dataclasses.replace(account("src-2", date(2024, 5, 20), province=SU), id="inc-2")
    )
    return store


def fix_toll(store: Store, version: int = 0, by: str = "alice", fatalities: int = 3) -> int:
    """Correct the Sotk toll; the revision's id."""
    revision = store.review_incident(
        "inc-sotk",
        Correction(fatalities=fatalities, provinces=(GR,)),
        by=by,
        reason="MoD update",
        expected_version=version,
    )
    return revision.id


def test_a_new_incident_is_unreviewed_at_version_0(sotk: Store) -> None:
    state = sotk.review_state("inc-sotk")
    assert (state.status, state.version, state.locked, state.flag) == (
        ReviewStatus.UNREVIEWED,
        0,
        (),
        None,
    )
    assert state.changed_by is None
    assert sotk.history("inc-sotk") == []
    assert sotk.review_state("inc-absent") is None


def test_a_correction_changes_the_incident_and_records_who_when_what_and_why(
    sotk: Store,
) -> None:
    before = datetime.now(UTC)
    revision = sotk.review_incident(
        "inc-sotk",
        Correction(
            status=ReviewStatus.CONFIRMED,
            window=DateWindow(date(2024, 5, 11), date(2024, 5, 12), DatePrecision.DAYS),
            fatalities=3,
            provinces=(GR,),
            note="checked against the MoD site",
        ),
        by=" alice ",
        reason="MoD update of 13 May",
        expected_version=0,
    )

    incident = sotk.get_incident("inc-sotk")
    assert (incident.date_start, incident.date_precision) == (date(2024, 5, 11), DatePrecision.DAYS)
    assert (incident.fatalities, incident.provinces) == (3, (GR,))
    # Untouched fields keep their values and their citations.
    assert incident.summary == sotk_incident().summary
    assert incident.citations == sotk_incident().citations
    state = sotk.review_state("inc-sotk")
    assert (state.status, state.version, state.note) == (
        ReviewStatus.CONFIRMED,
        1,
        "checked against the MoD site",
    )
    assert state.locked == ("date", "fatalities", "provinces")
    assert (revision.version, revision.action, revision.by) == (1, "review", "alice")
    assert before <= revision.at <= datetime.now(UTC)
    assert revision.changes["fatalities"] == {"before": 2, "after": 3}
    assert revision.changes["status"] == {"before": "unreviewed", "after": "confirmed"}
    assert revision.changes["date"]["before"] == {
        "start": "2024-05-12",
        "end": "2024-05-12",
        "precision": "day",
    }
    assert len(revision.changes["provinces"]["before"]) == 2
    assert set(revision.changes) == {"status", "date", "fatalities", "provinces", "note"}
    assert sotk.history("inc-sotk") == [revision]
    assert (state.changed_by, state.changed_at) == ("alice", revision.at)


@pytest.mark.parametrize(
    ("correction", "by", "reason", "message"),
    [
        (Correction(fatalities=3), "alice", "  ", "say why"),
        (Correction(fatalities=3), "", "because", "say who"),
        (Correction(fatalities=2), "alice", "because", "changes nothing"),
        (Correction(status=ReviewStatus.DUPLICATE), "alice", "because", "needs the id"),
        (Correction(fatalities=-1), "alice", "because", "negative"),
        (
            Correction(place=Place(LocationPrecision.POINT, 95.0, 45.0)),
            "alice",
            "because",
            "coordinates out of range",
        ),
        (
            Correction(status=ReviewStatus.DUPLICATE, duplicate_of="inc-sotk"),
            "alice",
            "because",
            "duplicate of itself",
        ),
    ],
)
def test_a_correction_without_reason_or_effect_is_refused_and_nothing_written(
    sotk: Store, correction: Correction, by: str, reason: str, message: str
) -> None:
    with pytest.raises(ReviewError, match=message):
        sotk.review_incident("inc-sotk", correction, by=by, reason=reason, expected_version=0)
    assert sotk.review_state("inc-sotk").version == 0
    assert sotk.get_incident("inc-sotk") == sotk_incident()
    assert table_count(sotk, schema.incident_revisions) == 0


def test_unknown_incidents_are_named(sotk: Store) -> None:
    with pytest.raises(UnknownIncidentError, match="'inc-nope'"):
        sotk.review_incident(
            "inc-nope", Correction(fatalities=1), by="a", reason="r", expected_version=0
        )
    with pytest.raises(UnknownIncidentError, match="'inc-gone'"):
        sotk.review_incident(
            "inc-sotk",
            Correction(status=ReviewStatus.DUPLICATE, duplicate_of="inc-gone"),
            by="a",
            reason="r",
            expected_version=0,
        )
    with pytest.raises(UnknownIncidentError, match="'inc-nope'"):
        sotk.history("inc-nope")


def test_a_save_of_an_outdated_version_is_refused_with_who_changed_it_and_when(
    sotk: Store,
) -> None:
    fix_toll(sotk, by="alice")
    with pytest.raises(IncidentChangedError, match=r"changed by alice at \d{4}-\d\d-\d\d ") as err:
        sotk.review_incident(
            "inc-sotk",
            Correction(status=ReviewStatus.REJECTED),
            by="bob",
            reason="not an incident",
            expected_version=0,
        )
    assert (err.value.expected, err.value.current, err.value.by) == (0, 1, "alice")
    assert sotk.review_state("inc-sotk").status is ReviewStatus.UNREVIEWED
    assert len(sotk.history("inc-sotk")) == 1


def test_of_two_analysts_saving_at_once_exactly_one_wins(
    empty_database_url: str,
) -> None:
    """Two sessions, two stores, the same opened version: one revision, one refusal."""
    with open_store(empty_database_url, upgrade=True) as first:
        first.save_document(report(), [sotk_incident()])
    barrier = threading.Barrier(2)

    def save(number: int) -> str:
        with open_store(empty_database_url) as session:
            barrier.wait(timeout=10)
            try:
                fix_toll(session, by=f"analyst-{number}", fatalities=3 + number)
            except IncidentChangedError as exc:
                return f"refused: {exc}"
            return "saved"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(save, range(2)))

    assert outcomes[1] == "saved"
    assert outcomes[0].startswith("refused: incident 'inc-sotk' was changed by analyst-")
    with open_store(empty_database_url) as after:
        (revision,) = after.history("inc-sotk")
        assert after.get_incident("inc-sotk").fatalities == revision.changes["fatalities"]["after"]


def test_revert_sets_the_fields_back_as_a_new_revision(sotk: Store) -> None:
    first = fix_toll(sotk)
    sotk.review_incident(
        "inc-sotk",
        Correction(status=ReviewStatus.DISPUTED),
        by="bob",
        reason="AZ denies",
        expected_version=1,
    )

    revert = sotk.revert_revision(first, by="carol", reason="update withdrawn", expected_version=2)

    incident = sotk.get_incident("inc-sotk")
    assert (incident.fatalities, incident.provinces) == (2, sotk_incident().provinces)
    assert (revert.action, revert.reverts, revert.version) == ("revert", first, 3)
    assert revert.changes["fatalities"] == {"before": 3, "after": 2}
    # The later status change is not part of the reverted revision and stays.
    assert sotk.review_state("inc-sotk").status is ReviewStatus.DISPUTED
    assert [r.action for r in sotk.history("inc-sotk")] == ["review", "review", "revert"]
    with pytest.raises(IncidentChangedError):
        sotk.revert_revision(first, by="carol", reason="again", expected_version=2)
    with pytest.raises(ReviewError, match="no revision 999"):
        sotk.revert_revision(999, by="carol", reason="r", expected_version=3)


def test_merge_puts_the_sources_together_and_marks_the_other_a_duplicate(sotk: Store) -> None:
    kept, other = sotk.merge_incidents(
        "inc-sotk", "inc-2", by="alice", reason="same shelling", keep_version=0, other_version=0
    )

    merged = sotk.get_incident("inc-sotk")
    assert [c.source_id for c in merged.citations] == ["src-1", "src-2"]
    assert merged.citations[1].claim == "claim of src-2"
    assert sotk.get_incident("inc-2").citations == ()
    duplicate = sotk.review_state("inc-2")
    assert (duplicate.status, duplicate.duplicate_of, duplicate.version) == (
        ReviewStatus.DUPLICATE,
        "inc-sotk",
        1,
    )
    assert kept.changes == {"sources": {"before": ["src-1"], "after": ["src-1", "src-2"]}}
    assert other.changes["sources"] == {"before": ["src-2"], "after": []}
    assert other.changes["duplicate_of"] == {"before": None, "after": "inc-sotk"}
    assert [r.action for r in sotk.history("inc-2")] == ["merge"]
    with pytest.raises(ReviewError, match="is a merge"):
        sotk.revert_revision(other.id, by="bob", reason="r", expected_version=1)
    with pytest.raises(ReviewError, match="already a duplicate"):
        sotk.merge_incidents(
            "inc-sotk", "inc-2", by="bob", reason="r", keep_version=1, other_version=1
        )


def test_merge_checks_both_versions(sotk: Store) -> None:
    fix_toll(sotk)
    with pytest.raises(IncidentChangedError, match="'inc-sotk'"):
        sotk.merge_incidents(
            "inc-sotk", "inc-2", by="bob", reason="same", keep_version=0, other_version=0
        )
    assert sotk.get_incident("inc-2").reports == 1


def test_revision_times_are_utc(sotk: Store) -> None:
    fix_toll(sotk)
    (revision,) = sotk.history("inc-sotk")
    assert revision.at.utcoffset() == timedelta(0)


def test_every_review_status_can_be_set_and_read_back(sotk: Store) -> None:
    for version, status in enumerate(
        [ReviewStatus.CONFIRMED, ReviewStatus.DISPUTED, ReviewStatus.REJECTED]
    ):
        sotk.review_incident(
            "inc-sotk", Correction(status=status), by="a", reason="r", expected_version=version
        )
        assert sotk.review_state("inc-sotk").status is status


FATALITIES_SENTENCE = ExcerptRef("src-1", 34, 59)


def split_toll(store: Store, **correction: object) -> tuple[Revision, Revision]:
    return store.split_incident(
        "inc-sotk",
        [FATALITIES_SENTENCE],
        Correction(**correction),  # type: ignore[arg-type]
        by="alice",
        reason="the deaths were the next day's shelling",
        expected_version=0,
    )


def test_split_moves_the_chosen_sentences_to_a_new_incident(sotk: Store) -> None:
    next_day = DateWindow(date(2024, 5, 13), date(2024, 5, 13), DatePrecision.DAY)
    kept, created = split_toll(sotk, window=next_day, fatalities=2)

    new_id = "inc-sotk~split-1"
    assert created.incident_id == new_id
    original, split_off = sotk.get_incident("inc-sotk"), sotk.get_incident(new_id)
    ((source, claim, excerpts),) = [(c.source_id, c.claim, c.excerpts) for c in original.citations]
    assert [(e.start, e.end) for e in excerpts] == [(0, 33)]
    (moved,) = split_off.citations
    assert (moved.source_id, moved.claim) == (source, claim)
    assert moved.excerpts == sotk_incident().citations[0].excerpts[1:]  # spans and all
    assert (split_off.date_start, split_off.provinces) == (date(2024, 5, 13), original.provinces)
    state = sotk.review_state(new_id)
    assert (state.version, state.locked) == (1, ("date",))  # fatalities 2 was no change
    assert created.changes["split_from"] == {"before": None, "after": "inc-sotk"}
    assert kept.changes["split_to"] == {"before": None, "after": new_id}
    assert kept.changes["excerpts"]["after"] == [{"source_id": "src-1", "start": 0, "end": 33}]
    with pytest.raises(ReviewError, match="is a split"):
        sotk.revert_revision(kept.id, by="bob", reason="r", expected_version=1)


@pytest.mark.parametrize(
    ("excerpts", "message"),
    [
        ([ExcerptRef("src-1", 34, 60)], "no excerpt 34-60 of 'src-1'"),
        ([], "choose the excerpts"),
        ([ExcerptRef("src-1", 0, 33), FATALITIES_SENTENCE], "leaves nothing"),
    ],
)
def test_a_split_needs_some_but_not_all_of_the_incidents_excerpts(
    sotk: Store, excerpts: list[ExcerptRef], message: str
) -> None:
    with pytest.raises(ReviewError, match=message):
        sotk.split_incident(
            "inc-sotk", excerpts, Correction(), by="a", reason="r", expected_version=0
        )
    assert sotk.get_incident("inc-sotk") == sotk_incident()
    assert sotk.get_incident("inc-sotk~split-1") is None
