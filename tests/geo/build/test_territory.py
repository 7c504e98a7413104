"""Sharing ground between two countries and between units, on unit squares."""

import pytest
import shapely
from shapely import box

from dashboard.geo.build.territory import (
    ExclavePiece,
    cut_by_grid,
    enclosed_gaps,
    find_exclave,
    partition,
    tile_units,
)

# Country A: x 0..1. Country B's outline overlaps A by 0.01 along y 0..0.5 and
# stops 0.01 short of A along y 0.5..1 with a closed gap (a hole in the union).
A = box(0, 0, 1, 1)
B = shapely.union_all([box(0.99, 0, 2, 0.5), box(1.01, 0.5, 2, 1), box(1, 0.6, 1.01, 0.7)])


def test_enclosed_gaps_are_the_holes_of_the_union():
    gaps = enclosed_gaps(A, B)
    assert len(gaps) == 1
    assert gaps[0].area == pytest.approx(0.01 * 0.1, rel=1e-6)


def test_partition_first_outline_wins_and_gaps_go_to_second():
    first, second = partition(A, B, exclaves=[], first_code="XA")
    assert first.equals(A)
    assert shapely.intersection(first, second).area == 0
    assert second.contains(shapely.Point(1.005, 0.55))  # the enclosed gap
    assert not second.contains(shapely.Point(1.005, 0.95))  # open gap stays outside both
    assert not first.contains(shapely.Point(1.005, 0.95))


def test_partition_gives_exclaves_to_their_country():
    exclave = box(0.2, 0.2, 0.3, 0.3)
    piece = ExclavePiece("B's exclave", "XB", "XB-1", exclave)
    first, second = partition(A, B, exclaves=[piece], first_code="XA")
    assert second.contains(shapely.Point(0.25, 0.25))
    assert not first.contains(shapely.Point(0.25, 0.25))


def test_find_exclave_takes_the_piece_holding_the_point():
    pieces = [shapely.union(box(0, 0, 1, 1), box(5, 5, 6, 6))]
    found = find_exclave("x", lat=5.5, lon=5.5, candidates=pieces)
    assert found.equals(box(5, 5, 6, 6))
    with pytest.raises(ValueError, match="no piece of ground contains"):
        find_exclave("x", lat=3, lon=3, candidates=pieces)


def test_tile_units_cover_the_country_without_overlap():
    units = {"XA-W": box(0, 0, 0.5, 1), "XA-E": box(0.45, 0, 0.9, 1)}  # overlap and a gap
    tiles = tile_units(A, units, cell_deg=0.1)
    assert sum(t.area for t in tiles.values()) == pytest.approx(1.0)
    assert shapely.union_all(list(tiles.values())).area == pytest.approx(1.0)
    assert shapely.intersection(tiles["XA-W"], tiles["XA-E"]).area == pytest.approx(0, abs=1e-12)
    # The uncovered strip x 0.9..1 went to the unit next to it.
    assert tiles["XA-E"].contains(shapely.Point(0.95, 0.5))


def test_uncovered_sliver_is_shared_out_cell_by_cell():
    units = {"XA-S": box(0, 0, 0.9, 0.5), "XA-N": box(0, 0.5, 0.9, 1)}
    tiles = tile_units(A, units, cell_deg=0.1)
    assert tiles["XA-S"].contains(shapely.Point(0.95, 0.2))
    assert tiles["XA-N"].contains(shapely.Point(0.95, 0.8))


def test_forced_piece_overrides_the_unit_file():
    units = {"XA-1": box(0, 0, 1, 1)}
    forced = [ExclavePiece("enclave", "XA", "XA-2", box(0.4, 0.4, 0.6, 0.6))]
    tiles = tile_units(A, units, forced)
    assert tiles["XA-2"].area == pytest.approx(0.04)
    assert tiles["XA-1"].area == pytest.approx(0.96)


def test_cut_by_grid_keeps_area():
    pieces = cut_by_grid([box(0, 0, 0.35, 0.05)], cell_deg=0.1)
    assert len(pieces) == 4
    assert sum(p.area for p in pieces) == pytest.approx(0.35 * 0.05)


def test_a_third_countrys_enclave_stays_outside_both():
    # A hole in A that B does not touch: by default it would join A (the only country around it).
    holed = shapely.difference(A, box(0.4, 0.4, 0.6, 0.6))
    first, _ = partition(holed, B, exclaves=[], first_code="XA")
    assert first.contains(shapely.Point(0.5, 0.5))
    first, second = partition(
        holed, B, exclaves=[], first_code="XA", foreign=[shapely.Point(0.5, 0.5)]
    )
    assert not first.contains(shapely.Point(0.5, 0.5))
    assert not second.contains(shapely.Point(0.5, 0.5))
    assert second.contains(shapely.Point(1.005, 0.55))  # other gaps are still filled
