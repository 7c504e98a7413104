"""The synthetic generator: plausible, reproducible, and always marked synthetic."""

from datetime import date

import numpy as np
import pytest

from dashboard.geo.geocode import Geocoder
from dashboard.geo.layers import load_border
from dashboard.importers.acled import ACLED_COLUMNS, AcledMapper
from dashboard.importers.records import validate_record
from dashboard.models import SYNTHETIC_PUBLISHER, EventType
from dashboard.query import IncidentFilter, filter_mask, load_incident_table
from dashboard.store import Store
from dashboard.synthetic import (
    FIRST_DAY,
    LAST_DAY,
    synthetic_events,
    to_acled_frame,
    write_demo,
)


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    return Geocoder(load_border("am-az"))


def test_same_seed_same_events_other_seed_other_events(geocoder: Geocoder) -> None:
    first = synthetic_events(200, seed=3, geocoder=geocoder)
    assert first.equals(synthetic_events(200, seed=3, geocoder=geocoder))
    assert not first.equals(synthetic_events(200, seed=4, geocoder=geocoder))


def test_events_are_plausible(geocoder: Geocoder) -> None:
    events = synthetic_events(2_000, seed=1, geocoder=geocoder)
    found = geocoder.geocode(events["lat"].to_numpy(), events["lon"].to_numpy())
    assert np.median(found.distance_km) < 10  # most near the border
    assert (found.country != None).mean() > 0.9  # noqa: E711 - object array
    days = events["date"].dt.date
    assert days.min() >= FIRST_DAY and days.max() <= LAST_DAY
    assert days.max() - days.min() > (LAST_DAY - FIRST_DAY) * 0.9  # several years
    assert set(events["event_type"]) <= {t.value for t in EventType}
    assert (events["fatalities"] == 0).mean() > 0.5
    assert events["notes"].str.startswith("Synthetic test event").all()


def test_acled_layout_rows_import_cleanly_and_are_synthetic(geocoder: Geocoder) -> None:
    frame = to_acled_frame(synthetic_events(300, seed=2, geocoder=geocoder))
    assert tuple(frame.columns) == ACLED_COLUMNS
    assert (frame["source"] == SYNTHETIC_PUBLISHER).all()
    assert frame["event_id_cnty"].str.startswith("SYN").all()
    mapper = AcledMapper()
    records = [validate_record(mapper.to_fields(row), {}) for row in frame.to_dict("records")]
    assert all(r.sources[0].to_source().synthetic for r in records)


def test_demo_incidents_are_hidden_by_default_and_carry_excerpts(
    store: Store, geocoder: Geocoder
) -> None:
    result = write_demo(store, 40, seed=5, geocoder=geocoder, chunk=15)
    assert (result.incidents_created, result.sources_created) == (40, 40)
    table = load_incident_table(store)
    assert filter_mask(table, IncidentFilter()).sum() == 0
    assert filter_mask(table, IncidentFilter(include_synthetic=True)).sum() == 40
    incident = store.get_incident("synthetic:5:1")
    (citation,) = incident.citations
    source = store.get_source(citation.source_id)
    assert source.synthetic and source.text.startswith("Synthetic test report (not a real event)")
    (excerpt,) = citation.excerpts
    assert excerpt.text == source.text
    for span in excerpt.spans:
        assert source.text[span.start : span.end] == span.matched
    assert incident.date_start >= date(2018, 1, 1)
    assert write_demo(store, 40, seed=5, geocoder=geocoder).incidents_created == 0
