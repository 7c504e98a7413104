"""An import fuses its rows with the text reports of the same event already stored.

The ACLED fixture rows are synthetic (publisher ``synthetic``), so the report
is too: synthetic data never fuses with real data.
"""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date
from pathlib import Path

import pytest
from store_builders import report, sotk_incident

from dashboard.geo.geocode import Geocoder
from dashboard.geo.layers import load_border
from dashboard.importers import import_file
from dashboard.models import SYNTHETIC_PUBLISHER, EventType
from dashboard.store import Store

FIXTURES = Path(__file__).parents[1] / "fixtures" / "imports"


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    return Geocoder(load_border("am-az"))


def test_an_acled_row_and_the_report_of_its_event_become_one_incident(
    store: Store, geocoder, tmp_path: Path
) -> None:
    # TSTA1 is a clash at Sotk on 8 May 2020; the report says shelling there that day.
    text = dataclasses.replace(
        sotk_incident("src-syn"), date_start=date(2020, 5, 8), date_end=date(2020, 5, 8)
    )
    store.save_document(report("src-syn", publisher=SYNTHETIC_PUBLISHER), [text])
    path = Path(shutil.copy(FIXTURES / "acled_api.csv", tmp_path / "acled_api.csv"))

    done = import_file(path, "acled", store, geocoder=geocoder, workers=1)

    assert (done.imported, done.fused) == (2, 1)
    assert any("1 one event with text reports already stored" in line for line in done.summary())
    fused = store.get_incident("acled:TSTA1")
    assert "src-syn" in [c.source_id for c in fused.citations]
    assert (fused.event_type, fused.fatalities) == (EventType.BATTLES, 1)  # the row's own
    assert [r.fatalities for r in store.fused_reports("acled:TSTA1")] == [2]
    # TSTA2 (13 May) is another day: left alone.
    assert store.fused_reports("acled:TSTA2") == []
    # Re-importing the file changes nothing and fuses nothing again.
    again = import_file(path, "acled", store, geocoder=geocoder, workers=1)
    assert (again.unchanged, again.fused) == (2, 0)
