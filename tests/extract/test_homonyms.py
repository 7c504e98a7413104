"""A shared name is read in the province the report names."""

from dataclasses import dataclass

import pytest

from dashboard.extract.homonyms import prefer_named_provinces
from dashboard.gazetteer import load_gazetteer


@dataclass(frozen=True)
class FakePlace:
    kind: str
    province_code: str | None


@dataclass(frozen=True)
class FakeMatch:
    start: int
    end: int
    place_id: str
    matched: str
    alias: str
    others: tuple[str, ...] = ()


# Two places called "Agdam": a village in province P1 and a town in province P2.
PLACES = {
    "village": FakePlace("settlement", "P1"),
    "town": FakePlace("settlement", "P2"),
    "p1": FakePlace("province", "P1"),
    "p2": FakePlace("province", "P2"),
}


class FakeGazetteer:
    def place(self, place_id: str) -> FakePlace:
        return PLACES[place_id]

    def find(self, text: str) -> list[FakeMatch]:
        raise NotImplementedError


def agdam(first: str, other: str) -> FakeMatch:
    return FakeMatch(0, 5, first, "Agdam", "Agdam", (other,))


@pytest.mark.parametrize(
    ("chosen", "province", "expected"),
    [
        ("town", "p1", "village"),  # the report names the village's province
        ("village", "p1", "village"),  # already inside it
        ("village", "p2", "town"),
    ],
)
def test_the_named_province_decides(chosen, province, expected):
    other = "village" if chosen == "town" else "town"
    named = FakeMatch(10, 12, province, "P", "P")
    found = prefer_named_provinces([agdam(chosen, other), named], FakeGazetteer())
    assert found[0].place_id == expected
    assert set(found[0].others) == {"village", "town"} - {expected}


def test_no_named_province_keeps_the_gazetteers_choice():
    found = prefer_named_provinces([agdam("town", "village")], FakeGazetteer())
    assert found[0].place_id == "town"


def test_agdam_in_tovuz_is_the_border_village():
    gazetteer = load_gazetteer("am-az")
    text = "Shells hit the village of Agdam in Tovuz district."
    found = prefer_named_provinces(gazetteer.find(text), gazetteer)
    assert found[0].place_id == "settlement:agdam-tovuz"
