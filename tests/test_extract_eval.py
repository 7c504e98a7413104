"""The development corpus's figures (bench/extract_eval.py) must not get worse.

Each threshold sits just under what extraction reaches on tests/corpus, so a
change that makes extraction worse on reports that behave like real ones
fails here, with the figure it broke. When extraction improves, raise them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]

AT_LEAST = {
    ("provinces", "precision"): 0.87,
    ("provinces", "recall"): 0.86,
    ("provinces", "f1"): 0.86,
    ("settlements", "f1"): 0.76,
    ("casualties_by_side", "precision"): 0.82,
    ("casualties_by_side", "recall"): 0.49,
    ("casualties_by_side", "f1"): 0.65,
    ("date", "rate"): 0.93,
    ("undated_placed", "rate"): 0.90,
    ("killed", "rate"): 0.80,
    ("event_type", "rate"): 0.90,
    ("talks_rejected", "rate"): 1.0,
    ("other_borders_not_placed", "rate"): 1.0,
}
AT_MOST = {
    ("incidents_per_report", "mean"): 1.15,
    ("store", "incidents_per_event"): 1.65,
    ("store", "incidents_per_event_with_asides"): 1.17,
    ("store", "country_only_share"): 0.06,
}


@pytest.fixture(scope="module")
def figures() -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "extract_eval.py"), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_corpus_is_whole(figures):
    assert figures["reports"] >= 80
    assert figures["store"]["events"] >= 15


@pytest.mark.parametrize(("figure", "floor"), AT_LEAST.items(), ids=str)
def test_figure_does_not_fall(figures, figure, floor):
    group, name = figure
    assert figures[group][name] >= floor, f"{group} {name}: {figures[group]}"


@pytest.mark.parametrize(("figure", "ceiling"), AT_MOST.items(), ids=str)
def test_figure_does_not_rise(figures, figure, ceiling):
    group, name = figure
    assert figures[group][name] <= ceiling, f"{group} {name}: {figures[group]}"
