"""Where one border segment ends and the next begins, on a few numbers."""

import pytest

from dashboard.geo.build.segments import LabelledRun, label_runs, merge_short_runs

A = ("AM-GR", "AZ-KAL")
B = ("AM-GR", "AZ-DAS")
C = ("AM-VD", "AZ-KAL")


def test_runs_change_halfway_between_samples():
    runs = label_runs([A, A, B, B], [0.5, 1.5, 2.5, 3.5], total_km=4.0)
    assert runs == [LabelledRun(A, 0.0, 2.0), LabelledRun(B, 2.0, 4.0)]


def test_labels_and_positions_must_match():
    with pytest.raises(ValueError, match="equal length"):
        label_runs([A], [0.5, 1.5], total_km=2.0)


def test_short_run_goes_to_the_neighbour_sharing_a_unit():
    runs = [LabelledRun(A, 0, 10), LabelledRun(C, 10, 11), LabelledRun(B, 11, 30)]
    merged = merge_short_runs(runs, min_km=2.0)
    # C shares AZ-KAL with A (the junction moved), not with B, though B is longer.
    assert merged == [LabelledRun(A, 0, 11), LabelledRun(B, 11, 30)]


def test_short_run_between_equal_labels_disappears():
    runs = [LabelledRun(A, 0, 10), LabelledRun(B, 10, 10.5), LabelledRun(A, 10.5, 20)]
    assert merge_short_runs(runs, min_km=2.0) == [LabelledRun(A, 0, 20)]


def test_long_runs_are_kept():
    runs = [LabelledRun(A, 0, 3), LabelledRun(B, 3, 6)]
    assert merge_short_runs(runs, min_km=2.0) == runs


def test_a_lone_short_run_stays():
    runs = [LabelledRun(A, 0, 0.5)]
    assert merge_short_runs(runs, min_km=2.0) == runs
