"""Tests for dashboard.store.corrections: reviewable fields as JSON values; corrections."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest
from store_builders import GR, sotk_incident, vague_incident

from dashboard.models import (
    CasualtyCount,
    CasualtyKind,
    DatePrecision,
    EventType,
    LocationPrecision,
    ReviewStatus,
    SegmentRef,
)
from dashboard.store.corrections import (
    KEEP,
    MACHINE_FIELDS,
    Correction,
    DateWindow,
    Place,
    machine_values,
    with_values,
)


@pytest.mark.parametrize("incident", [sotk_incident(), vague_incident()])
def test_values_go_through_json_and_back_to_the_same_incident(incident) -> None:
    values = json.loads(json.dumps(machine_values(incident)))
    assert set(values) == set(MACHINE_FIELDS)
    assert with_values(dataclasses.replace(incident, summary="x", actors=()), values) == incident


def test_a_correction_lists_only_what_it_sets() -> None:
    assert Correction().values() == {}
    assert Correction(note="seen").values() == {"note": "seen"}
    # None is a value for fatalities ("not reported"): KEEP is the default.
    assert Correction(fatalities=None).values() == {"fatalities": None}
    assert Correction(fatalities=KEEP).values() == {}


def test_a_full_correction_applies_to_an_incident() -> None:
    correction = Correction(
        status=ReviewStatus.CONFIRMED,
        window=DateWindow(date(2024, 5, 1), date(2024, 5, 31), DatePrecision.MONTH),
        place=Place(LocationPrecision.PROVINCE),
        provinces=(GR,),
        segments=(SegmentRef("AM-GR_AZ-KAL", "Gegharkunik – Kalbajar"),),
        event_type=EventType.BATTLES,
        casualties=(CasualtyCount(CasualtyKind.KILLED, None, 4),),
        fatalities=4,
        actors=("Military Forces of Armenia",),
        summary="Clash in Gegharkunik, May 2024.",
    )
    values = correction.values()
    assert values["status"] == "confirmed"
    assert values["duplicate_of"] is None

    corrected = with_values(sotk_incident(), values)

    assert (corrected.date_start, corrected.date_end) == (date(2024, 5, 1), date(2024, 5, 31))
    assert (corrected.location_precision, corrected.lat, corrected.place_name) == (
        LocationPrecision.PROVINCE,
        None,
        None,
    )
    assert (corrected.provinces, corrected.fatalities) == ((GR,), 4)
    assert corrected.casualties == (CasualtyCount(CasualtyKind.KILLED, None, 4),)
    assert corrected.citations == sotk_incident().citations


@pytest.mark.parametrize(
    ("correction", "message"),
    [
        (Correction(status=ReviewStatus.DUPLICATE), "needs the id"),
        (Correction(status=ReviewStatus.CONFIRMED, duplicate_of="inc-1"), "goes with"),
        (
            Correction(window=DateWindow(date(2024, 5, 2), date(2024, 5, 1), DatePrecision.DAYS)),
            "ends before",
        ),
        (Correction(fatalities=-1), "negative"),
    ],
)
def test_an_impossible_correction_is_refused(correction: Correction, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        correction.values()
