"""The placing rule: provinces on both sides, segments, distance, widening; name comparison."""

import numpy as np
import pytest

from dashboard.geo.geocode import Geocoder
from dashboard.geo.layers import load_border
from dashboard.importers.placing import Placer, fold_name
from dashboard.models import LocationPrecision

LP = LocationPrecision

# Test points (lat, lon) with what the layers say about them.
SOTK = (40.2046, 45.9463)  # AM-GR, 2.6 km from AM-GR_AZ-KAL
KALBAJAR = (40.1050, 46.0389)  # AZ-KAL, 6.7 km from the line
JERMUK = (39.8417, 45.6697)  # AM-VD, 12.2 km from the line
YEREVAN = (40.18, 44.51)  # AM-ER, 55 km from the line
TBILISI = (41.7151, 44.8271)  # in neither country, 49 km from the line


@pytest.fixture(scope="module")
def placer() -> Placer:
    return Placer(Geocoder(load_border("am-az")))


def place(placer: Placer, point: tuple[float, float], precision: LP):
    placed = placer.place(np.array([point[0]]), np.array([point[1]]), [precision])
    codes = [p.code for p in placed.provinces[0]]
    segments = [s.id for s in placed.segments[0]]
    return codes, segments, placed.distance_km[0], placed.location_precision[0]


@pytest.mark.parametrize(
    ("point", "precision", "codes", "segments", "result"),
    [
        (SOTK, LP.POINT, ["AM-GR", "AZ-KAL"], ["AM-GR_AZ-KAL"], LP.POINT),
        (SOTK, LP.NEAR_PLACE, ["AM-GR", "AZ-KAL"], ["AM-GR_AZ-KAL"], LP.NEAR_PLACE),
        (KALBAJAR, LP.POINT, ["AZ-KAL"], ["AM-GR_AZ-KAL"], LP.POINT),
        (KALBAJAR, LP.BORDER_SEGMENT, ["AZ-KAL", "AM-GR"], ["AM-GR_AZ-KAL"], LP.BORDER_SEGMENT),
        (JERMUK, LP.POINT, ["AM-VD"], [], LP.POINT),
        (JERMUK, LP.BORDER_SEGMENT, ["AM-VD"], [], LP.PROVINCE),  # widened
        (SOTK, LP.PROVINCE, ["AM-GR"], [], LP.PROVINCE),
        (SOTK, LP.DISTRICT, ["AM-GR"], [], LP.DISTRICT),
        (YEREVAN, LP.COUNTRY, [], [], LP.COUNTRY),
        (TBILISI, LP.POINT, [], [], LP.POINT),
    ],
)
def test_placing_rule(placer, point, precision, codes, segments, result) -> None:
    found_codes, found_segments, distance, found_precision = place(placer, point, precision)
    assert (found_codes, found_segments, found_precision) == (codes, segments, result)
    if precision in (LP.POINT, LP.NEAR_PLACE):
        assert distance is not None and distance > 0


def test_centres_carry_no_distance(placer) -> None:
    assert place(placer, SOTK, LP.PROVINCE)[2] is None
    assert place(placer, SOTK, LP.COUNTRY)[2] is None


def test_widening_is_flagged(placer) -> None:
    placed = placer.place(
        np.array([JERMUK[0], SOTK[0]]), np.array([JERMUK[1], SOTK[1]]), [LP.BORDER_SEGMENT] * 2
    )
    assert placed.widened.tolist() == [True, False]


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Gegharkunik province", "gegharkunik"),
        ("Qazax rayonu", "qazax"),
        ("Naxçıvan", "naxcivan"),
        ("Kəlbəcər", "kalbacar"),
        ("Vayots' Dzor Marz", "vayots dzor"),
    ],
)
def test_fold_name(name: str, folded: str) -> None:
    assert fold_name(name) == folded


def test_compare_with_the_files_names(placer) -> None:
    points = [SOTK, SOTK, SOTK, TBILISI, TBILISI, SOTK]
    placed = placer.place(
        np.array([p[0] for p in points]), np.array([p[1] for p in points]), [LP.POINT] * 6
    )
    countries, admins = placer.compare(
        placed,
        ["Armenia", "Azerbaijan", "ARM", "Georgia", "Armenia", None],
        ["Gegharkunik", "Tavush", None, "Tbilisi", None, None],
        [None, "Vardenis", "Gavar", None, None, None],
    )
    assert countries == [True, False, True, True, False, None]
    # "Vardenis" is one of Gegharkunik's name variants; a point in neither country has no admin.
    assert admins == [True, True, True, None, None, None]


def test_parent_unit_names_agree(placer) -> None:
    sadarak = (39.7111, 44.8847)
    placed = placer.place(np.array([sadarak[0]]), np.array([sadarak[1]]), [LP.POINT])
    assert placer.compare(placed, ["Azerbaijan"], ["Naxçıvan"], [None])[1] == [True]
