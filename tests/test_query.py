"""Filters and aggregates over a tiny store of three synthetic incidents."""

from datetime import date, datetime

import numpy as np
import pytest

from dashboard.models import (
    SYNTHETIC_PUBLISHER,
    Citation,
    DatePrecision,
    EventType,
    Excerpt,
    Incident,
    LocationPrecision,
    ProvinceRef,
    ReviewStatus,
    SegmentRef,
    Source,
    content_hash,
)
from dashboard.query import (
    ALL_REVIEW,
    FILTER_PARAMS,
    IncidentFilter,
    counts_by,
    filter_mask,
    heat_counts,
    incident_rows,
    load_incident_table,
    review_queue,
    search_incident_ids,
    summarise,
    timeline,
)
from dashboard.store import Correction, locks

SYUNIK = ProvinceRef("AM-SU", "Syunik", "AM")
GEGHARKUNIK = ProvinceRef("AM-GR", "Gegharkunik", "AM")
KALBAJAR = ProvinceRef("AZ-KAL", "Kalbajar", "AZ")
GR_KAL = SegmentRef("AM-GR_AZ-KAL", "Gegharkunik – Kalbajar")
SU_LAC = SegmentRef("AM-SU_AZ-LAC", "Syunik – Lachin")


def _source(n: int, text: str) -> Source:
    return Source(
        id=f"src-{n}",
        title=f"Synthetic report {n}",
        content_hash=content_hash(text),
        publisher=SYNTHETIC_PUBLISHER,
        text=text,
    )


def _incident(
    iid: str,
    start: date,
    end: date,
    precision: DatePrecision,
    provinces: tuple[ProvinceRef, ...],
    segments: tuple[SegmentRef, ...] = (),
    fatalities: int | None = None,
    event: EventType = EventType.BATTLES,
    source_id: str = "src-1",
    location: LocationPrecision = LocationPrecision.PROVINCE,
    distance_km: float | None = None,
) -> Incident:
    return Incident(
        id=iid,
        date_start=start,
        date_end=end,
        date_precision=precision,
        event_type=event,
        location_precision=location,
        distance_km=distance_km,
        fatalities=fatalities,
        provinces=provinces,
        segments=segments,
        citations=(Citation(source_id, excerpts=(Excerpt(0, 9, "Synthetic"),)),),
    )


@pytest.fixture
def table(store):
    """Three incidents: May 2021 (month), 2022-09-13 (day, 2 fatalities), 2023-01-05 (day)."""
    text1 = "Synthetic text one about Gegharkunik."
    text2 = "Synthetic text two about shelling."
    store.save_document(
        _source(1, text1),
        [
            _incident(
                "i-may",
                date(2021, 5, 1),
                date(2021, 5, 31),
                DatePrecision.MONTH,
                (SYUNIK, GEGHARKUNIK),
                (GR_KAL,),
                fatalities=0,
                location=LocationPrecision.BORDER_SEGMENT,  # the report names the stretch
            ),
            _incident(
                "i-sep",
                date(2022, 9, 13),
                date(2022, 9, 13),
                DatePrecision.DAY,
                (GEGHARKUNIK, KALBAJAR),
                (GR_KAL,),
                fatalities=2,
                event=EventType.EXPLOSIONS,
                location=LocationPrecision.NEAR_PLACE,
                distance_km=3.0,
            ),
        ],
    )
    store.save_document(
        _source(2, text2),
        [
            _incident(
                "i-jan",
                date(2023, 1, 5),
                date(2023, 1, 5),
                DatePrecision.DAY,
                (SYUNIK,),
                (SU_LAC,),  # known only to Syunik, linked to its segment as extraction does
                source_id="src-2",
            ),
            # The same September incident, reported again: merged, two reports.
            _incident(
                "i-sep",
                date(2022, 9, 13),
                date(2022, 9, 13),
                DatePrecision.DAY,
                (GEGHARKUNIK, KALBAJAR),
                (GR_KAL,),
                fatalities=2,
                event=EventType.EXPLOSIONS,
                source_id="src-2",
                location=LocationPrecision.NEAR_PLACE,
                distance_km=3.0,
            ),
        ],
    )
    return load_incident_table(store)


def ids(table, mask) -> list[str]:
    return sorted(table.incidents.loc[mask, "id"])


ALL = IncidentFilter(include_synthetic=True)


def test_synthetic_incidents_are_hidden_by_default(table):
    assert ids(table, filter_mask(table, IncidentFilter())) == []
    assert ids(table, filter_mask(table, ALL)) == ["i-jan", "i-may", "i-sep"]


@pytest.mark.parametrize(
    ("filt", "expected"),
    [
        # A range touching May keeps the month-precision incident.
        (IncidentFilter(date_from=date(2021, 5, 20), date_to=date(2021, 6, 10)), ["i-may"]),
        (IncidentFilter(date_from=date(2022, 1, 1)), ["i-jan", "i-sep"]),
        (IncidentFilter(date_to=date(2021, 4, 30)), []),
        (IncidentFilter(provinces=("AM-GR",)), ["i-may", "i-sep"]),
        (IncidentFilter(provinces=("AZ-KAL", "AM-SU")), ["i-jan", "i-may", "i-sep"]),
        (IncidentFilter(countries=("AZ",)), ["i-sep"]),
        (IncidentFilter(segments=("AM-GR_AZ-KAL",)), ["i-may", "i-sep"]),
        # i-jan is linked to Syunik – Lachin only because it is somewhere in Syunik
        (IncidentFilter(segments=("AM-SU_AZ-LAC",)), []),
        (IncidentFilter(event_types=("Explosions/Remote violence",)), ["i-sep"]),
        (IncidentFilter(min_fatalities=1), ["i-sep"]),
        (IncidentFilter(provinces=("AM-SU",), date_from=date(2023, 1, 1)), ["i-jan"]),
    ],
)
def test_filters(table, filt, expected):
    filt = IncidentFilter(**{**filt.__dict__, "include_synthetic": True})
    assert ids(table, filter_mask(table, filt)) == expected


def test_rejected_and_duplicate_incidents_are_left_out_unless_asked(store, table):
    assert list(table.incidents["review_status"]) == ["unreviewed"] * 3
    store.review_incident(
        "i-may", Correction(status=ReviewStatus.REJECTED), by="a", reason="r", expected_version=0
    )
    store.merge_incidents("i-jan", "i-sep", by="a", reason="r", keep_version=0, other_version=0)
    reviewed = load_incident_table(store)

    def shown(**review) -> list[str]:
        return ids(
            reviewed, filter_mask(reviewed, IncidentFilter(include_synthetic=True, **review))
        )

    assert shown() == ["i-jan"]
    assert shown(review=("rejected",)) == ["i-may"]
    assert shown(review=("duplicate",)) == ["i-sep"]
    assert shown(review=("duplicate", "unreviewed")) == ["i-jan", "i-sep"]
    assert shown(review=("confirmed",)) == []
    assert shown(review=ALL_REVIEW) == ["i-jan", "i-may", "i-sep"]
    rows = incident_rows(
        reviewed, filter_mask(reviewed, IncidentFilter(include_synthetic=True, review=ALL_REVIEW))
    )
    assert dict(zip(rows["id"], rows["review"], strict=True)) == {
        "i-jan": "unreviewed",
        "i-may": "rejected",
        "i-sep": "duplicate",
    }
    assert not rows["flagged"].any()


LINK_VALUES = {
    "from": date(2021, 5, 1),
    "to": datetime(2021, 6, 30, 0, 0),  # what click's DateTime gives
    "country": ["AM"],
    "province": ("AM-GR", "AM-SU"),
    "segment": ["AM-GR_AZ-KAL"],
    "type": ["Battles"],
    "minfat": 2,
    "q": "  shelling ",
    "synthetic": True,
    "review": ["confirmed", "disputed"],
}


def test_filter_from_link_params_reads_every_filter():
    filt = IncidentFilter.from_params({**LINK_VALUES, "incident": "i-may"})  # not a filter
    assert filt == IncidentFilter(
        date_from=date(2021, 5, 1),
        date_to=date(2021, 6, 30),
        countries=("AM",),
        provinces=("AM-GR", "AM-SU"),
        segments=("AM-GR_AZ-KAL",),
        event_types=("Battles",),
        min_fatalities=2,
        text="shelling",
        include_synthetic=True,
        review=("confirmed", "disputed"),
    )
    assert type(filt.date_to) is date


def test_every_filter_param_name_is_read():
    assert set(LINK_VALUES) == set(FILTER_PARAMS)
    for name in FILTER_PARAMS:
        assert IncidentFilter.from_params({name: LINK_VALUES[name]}) != IncidentFilter(), name


@pytest.mark.parametrize("empty", [None, "", [], (), 0, False])
def test_empty_link_params_mean_no_restriction(empty):
    assert IncidentFilter.from_params(dict.fromkeys(FILTER_PARAMS, empty)) == IncidentFilter()
    assert IncidentFilter.from_params({}) == IncidentFilter()
    assert IncidentFilter.from_params({"q": " \t "}) == IncidentFilter()  # a blank search box


def test_text_search_goes_to_source_text(store, table):
    found = search_incident_ids(store, "SHELLING")
    assert found == {"i-jan", "i-sep"}
    filt = IncidentFilter(text="shelling", include_synthetic=True)
    assert ids(table, filter_mask(table, filt, found)) == ["i-jan", "i-sep"]
    assert search_incident_ids(store, "100%") == set()


def test_summary_counts_reports_and_regions(table):
    summary = summarise(table, filter_mask(table, ALL))
    assert summary.incidents == 3
    assert summary.fatalities == 2
    assert summary.fatalities_reported == 2  # i-may reported 0, i-jan did not report
    assert summary.provinces == 3
    assert summary.segments == 1  # not Syunik – Lachin: i-jan is only somewhere in Syunik
    assert summary.reports == 2  # two reports, though i-sep cites both and src-1 yields two
    assert summary.on_segment == 2
    assert summary.in_province == 1


def test_reports_count_each_report_once_however_many_incidents_it_yields(table):
    """The KPI once added each incident's reports: 30 real reports read as 74."""
    assert table.reports.tolist() == [1, 2, 1]  # i-may, i-sep, i-jan (by date)
    may_only = IncidentFilter(include_synthetic=True, date_to=date(2021, 12, 31))
    assert summarise(table, filter_mask(table, may_only)).reports == 1
    since_sep = IncidentFilter(include_synthetic=True, date_from=date(2022, 9, 1))
    assert summarise(table, filter_mask(table, since_sep)).reports == 2
    assert summarise(table, filter_mask(table, IncidentFilter())).reports == 0


def test_counts_by_province_and_segment(table):
    mask = filter_mask(table, ALL)
    provinces = counts_by(table, mask, "province").set_index("code")
    assert provinces.loc["AM-GR", "incidents"] == 2
    assert provinces.loc["AM-GR", "fatalities"] == 2
    assert provinces.loc["AM-SU", "incidents"] == 2
    assert provinces.loc["AM-SU", "in_province"] == 1  # i-jan; i-may is on a segment
    assert provinces.loc["AM-GR", "in_province"] == 0
    segments = counts_by(table, mask, "segment").set_index("segment_id")
    assert segments.loc["AM-GR_AZ-KAL", "incidents"] == 2
    assert list(segments.index) == ["AM-GR_AZ-KAL"]


@pytest.mark.parametrize(
    ("location", "distance_km", "on_segment", "in_province"),
    [
        (LocationPrecision.BORDER_SEGMENT, None, True, False),
        (LocationPrecision.POINT, 2.0, True, False),
        (LocationPrecision.NEAR_PLACE, 9.9, True, False),
        (LocationPrecision.NEAR_PLACE, 25.0, False, False),  # a town inland: its nearest
        (LocationPrecision.NEAR_PLACE, None, True, False),  # no distance: the link stands
        (LocationPrecision.PROVINCE, None, False, True),
        (LocationPrecision.DISTRICT, None, False, True),
        (LocationPrecision.COUNTRY, None, False, False),
    ],
)
def test_an_incident_is_on_a_segment_only_when_placed_there(
    store, location, distance_km, on_segment, in_province
):
    incident = _incident(
        "i-one",
        date(2023, 1, 5),
        date(2023, 1, 5),
        DatePrecision.DAY,
        (SYUNIK,),
        (SU_LAC,),
        location=location,
        distance_km=distance_km,
    )
    store.save_document(_source(1, "Synthetic text about Syunik."), [incident])
    table = load_incident_table(store)
    assert table.on_segment.tolist() == [on_segment]
    assert table.in_province.tolist() == [in_province]
    everything = filter_mask(table, ALL)
    assert summarise(table, everything).segments == int(on_segment)
    on_lachin = filter_mask(
        table, IncidentFilter(segments=("AM-SU_AZ-LAC",), include_synthetic=True)
    )
    assert on_lachin.tolist() == [on_segment]


def test_timeline_by_month_keeps_precision(table):
    frame = timeline(table, filter_mask(table, ALL), period="M")
    rows = {(str(r.period.date()), r.date_precision): r.incidents for r in frame.itertuples()}
    assert rows == {
        ("2021-05-01", "month"): 1,
        ("2022-09-01", "day"): 1,
        ("2023-01-01", "day"): 1,
    }


def test_empty_selection_gives_empty_aggregates(table):
    mask = np.zeros(len(table), dtype=bool)
    assert summarise(table, mask).incidents == 0
    assert counts_by(table, mask, "province").empty
    assert timeline(table, mask).empty


def test_review_queue_puts_flagged_then_vaguest_then_newest_first(store, table):
    everything = IncidentFilter(include_synthetic=True)
    queue = review_queue(table, filter_mask(table, everything))
    assert list(queue["id"]) == ["i-may", "i-jan", "i-sep"]  # the month, then the newest day

    store.review_incident(
        "i-sep", Correction(status=ReviewStatus.CONFIRMED), by="a", reason="r", expected_version=0
    )
    store.review_incident(
        "i-jan", Correction(status=ReviewStatus.CONFIRMED), by="a", reason="r", expected_version=0
    )
    with store.writing() as conn:  # what a re-ingest disagreeing with a correction leaves
        locks.flag(conn, "i-sep", "report src-9 reads fatalities as 3")
    reviewed = load_incident_table(store)

    queue = review_queue(reviewed, filter_mask(reviewed, everything))
    assert list(queue["id"]) == ["i-sep", "i-may"]  # confirmed i-jan is done
    assert list(queue["flagged"]) == [True, False]
    assert list(review_queue(reviewed, filter_mask(reviewed, everything), limit=1)["id"]) == [
        "i-sep"
    ]


def test_heat_counts_by_segment_and_month_count_only_incidents_on_the_segment(table):
    mask = filter_mask(table, ALL)
    by_segment = heat_counts(table, mask, "segment", "M")
    rows = [
        (r.key, str(r.period.date()), r.incidents, r.fatalities) for r in by_segment.itertuples()
    ]
    # i-jan is only somewhere in Syunik: no Syunik – Lachin row
    assert rows == [("AM-GR_AZ-KAL", "2021-05-01", 1, 0), ("AM-GR_AZ-KAL", "2022-09-01", 1, 2)]
    by_province = heat_counts(table, mask, "province", "W")
    syunik = by_province[by_province["key"] == "AM-SU"]
    assert [str(p.date()) for p in syunik["period"]] == ["2021-04-26", "2023-01-02"]
    empty = heat_counts(table, np.zeros(len(table), dtype=bool), "segment")
    assert empty.empty and list(empty.columns) == ["key", "period", "incidents", "fatalities"]
