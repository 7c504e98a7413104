"""Turn a border line's per-sample unit labels into named runs.

Pure functions over arrays, kept apart from the geometry so the rules for
where one border segment ends and the next begins can be tested on a few
numbers instead of on a country's outline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class LabelledRun:
    """A stretch of one line piece, from ``start_km`` to ``end_km``, with one label."""

    label: tuple[str, str]
    start_km: float
    end_km: float

    @property
    def length_km(self) -> float:
        return self.end_km - self.start_km


def label_runs(
    labels: Sequence[tuple[str, str]], positions_km: Sequence[float], total_km: float
) -> list[LabelledRun]:
    """Group consecutive equal labels; a run changes halfway between two samples."""
    if len(labels) != len(positions_km) or not labels:
        raise ValueError("labels and positions must be non-empty and of equal length")
    runs: list[LabelledRun] = []
    start = 0.0
    for i in range(1, len(labels)):
        if labels[i] != labels[i - 1]:
            cut = (positions_km[i - 1] + positions_km[i]) / 2
            runs.append(LabelledRun(labels[i - 1], start, cut))
            start = cut
    runs.append(LabelledRun(labels[-1], start, total_km))
    return runs


def merge_short_runs(runs: list[LabelledRun], min_km: float) -> list[LabelledRun]:
    """Fold runs shorter than ``min_km`` into a neighbour, shortest first.

    A short run between two runs is an artefact of coarse unit polygons, not a
    real junction. It goes to the neighbour that shares a unit with it (the
    junction moved a little), else to the longer neighbour. Neighbours that end
    up with the same label are joined.
    """
    runs = list(runs)
    while len(runs) > 1:
        i = min(range(len(runs)), key=lambda k: (runs[k].length_km, k))
        if runs[i].length_km >= min_km:
            break
        j = _neighbour_to_absorb(runs, i)
        lo, hi = sorted((i, j))
        merged = LabelledRun(runs[j].label, runs[lo].start_km, runs[hi].end_km)
        runs[lo : hi + 1] = [merged]
        runs = _join_equal_neighbours(runs)
    return runs


def _neighbour_to_absorb(runs: list[LabelledRun], i: int) -> int:
    candidates = [k for k in (i - 1, i + 1) if 0 <= k < len(runs)]

    def preference(k: int) -> tuple[int, float]:
        shares_unit = bool(set(runs[k].label) & set(runs[i].label))
        return (int(shares_unit), runs[k].length_km)

    return max(candidates, key=preference)


def _join_equal_neighbours(runs: list[LabelledRun]) -> list[LabelledRun]:
    joined: list[LabelledRun] = []
    for run in runs:
        if joined and joined[-1].label == run.label:
            joined[-1] = replace(joined[-1], end_km=run.end_km)
        else:
            joined.append(run)
    return joined
