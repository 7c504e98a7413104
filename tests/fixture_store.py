"""A small synthetic store for the dashboard's tests, browser tests and screenshots.

Seven incidents on both sides of the Armenia–Azerbaijan border, one of each
kind the dashboard must draw: exact points, a point near a named place, a
border segment, a province, a whole country, a month and a week; one
incident reported twice with differing claims; and one source whose title,
publisher and text carry script-injection payloads (they must show as text).
Everything is published by "synthetic", so the dashboard hides it unless
asked (``?synthetic=1``).
"""

from __future__ import annotations

from datetime import date

from dashboard.models import (
    SYNTHETIC_PUBLISHER,
    Citation,
    DatePrecision,
    EventType,
    Excerpt,
    Incident,
    LocationPrecision,
    ProvinceRef,
    SegmentRef,
    Source,
    Span,
    SpanKind,
    content_hash,
)
from dashboard.store import Store

GEGHARKUNIK = ProvinceRef("AM-GR", "Gegharkunik", "AM")
SYUNIK = ProvinceRef("AM-SU", "Syunik", "AM")
TAVUSH = ProvinceRef("AM-TV", "Tavush", "AM")
VAYOTS_DZOR = ProvinceRef("AM-VD", "Vayots Dzor", "AM")
KALBAJAR = ProvinceRef("AZ-KAL", "Kalbajar", "AZ")
GAZAKH = ProvinceRef("AZ-QAZ", "Gazakh", "AZ")
SHARUR = ProvinceRef("AZ-SAR", "Sharur", "AZ")
GR_KAL = SegmentRef("AM-GR_AZ-KAL", "Gegharkunik – Kalbajar")
TV_QAZ = SegmentRef("AM-TV_AZ-QAZ", "Tavush – Gazakh")
VD_SAR = SegmentRef("AM-VD_AZ-SAR", "Vayots Dzor – Sharur")
SYUNIK_SEGMENTS = (
    SegmentRef("AM-SU_AZ-CUL", "Syunik – Julfa"),
    SegmentRef("AM-SU_AZ-KAL", "Syunik – Kalbajar"),
    SegmentRef("AM-SU_AZ-LAC", "Syunik – Lachin"),
    SegmentRef("AM-SU_AZ-ORD", "Syunik – Ordubad"),
    SegmentRef("AM-SU_AZ-QBI", "Syunik – Qubadli"),
    SegmentRef("AM-SU_AZ-SAH", "Syunik – Shahbuz"),
    SegmentRef("AM-SU_AZ-ZAN", "Syunik – Zangilan"),
)

# The incident the browser test clicks, and where it is.
SOTK_ID = "fx-sotk-2022-09-13"
SOTK_POINT = (40.2140, 45.9350)
XSS_ID = "fx-xss-2023-06-01"
XSS_TITLE = (
    '<script>window.__bw_xss = "title"</script>Report <img src=x onerror="window.__bw_xss=1">'
)
XSS_TEXT = (
    'Troops fired near Vardenis <img src=x onerror="window.__bw_xss=2"> '
    "and <script>window.__bw_xss=3</script> in Gegharkunik."
)


def _source(
    sid: str, title: str, text: str, published: date, publisher: str | None = None
) -> Source:
    return Source(
        id=sid,
        title=title,
        content_hash=content_hash(sid, title, text),
        url=f"https://example.org/synthetic/{sid}",
        publisher=publisher or SYNTHETIC_PUBLISHER,
        published=published,
        language="en",
        text=text,
    )


def _spans(text: str, marks: list[tuple[str, SpanKind, str]]) -> tuple[Span, ...]:
    """Spans for the first occurrence of each phrase."""
    spans = []
    for phrase, kind, label in marks:
        start = text.index(phrase)
        spans.append(Span(start, start + len(phrase), kind, label, phrase))
    return tuple(spans)


def _excerpt(text: str, sentence: str, marks: list[tuple[str, SpanKind, str]]) -> Excerpt:
    start = text.index(sentence)
    return Excerpt(start, start + len(sentence), sentence, _spans(text, marks))


def fixture_documents() -> list[tuple[Source, list[Incident]]]:
    """The documents, in the order they are saved (later ones merge into earlier ones)."""
    docs: list[tuple[Source, list[Incident]]] = []

    sotk_text = (
        "Overnight, Azerbaijani forces opened fire on positions near Sotk in Gegharkunik. "
        "The shelling on 13 September killed 2 servicemen, the Armenian ministry said. "
        "Residents were moved to shelters."
    )
    sotk_sentence = sotk_text.split(". ", maxsplit=1)[0] + "."
    sotk_sentence2 = "The shelling on 13 September killed 2 servicemen, the Armenian ministry said."
    sotk_marks = [
        ("opened fire", SpanKind.CUE, "armed_clash"),
        ("Sotk", SpanKind.PLACE, "AM-GR:sotk"),
        ("Gegharkunik", SpanKind.PLACE, "AM-GR"),
    ]
    sotk_marks2 = [
        ("shelling", SpanKind.CUE, "shelling"),
        ("13 September", SpanKind.DATE, "2022-09-13"),
        ("killed 2", SpanKind.FATALITIES, "2"),
    ]

    def sotk(source_id: str, claim: str, excerpts: tuple[Excerpt, ...]) -> Incident:
        return Incident(
            id=SOTK_ID,
            date_start=date(2022, 9, 13),
            date_end=date(2022, 9, 13),
            date_precision=DatePrecision.DAY,
            event_type=EventType.BATTLES,
            location_precision=LocationPrecision.POINT,
            lat=SOTK_POINT[0],
            lon=SOTK_POINT[1],
            summary="Shelling of positions near Sotk; two servicemen killed.",
            fatalities=2,
            actors=("Armed Forces of Azerbaijan", "Armed Forces of Armenia"),
            place_name="Sotk",
            provinces=(GEGHARKUNIK,),
            segments=(GR_KAL,),
            distance_km=2.4,
            citations=(Citation(source_id, claim=claim, excerpts=excerpts),),
        )

    docs.append(
        (
            _source("fx-src-sotk-am", "Shelling near Sotk", sotk_text, date(2022, 9, 13)),
            [
                sotk(
                    "fx-src-sotk-am",
                    "Azerbaijani forces fired first; 2 killed.",
                    (
                        _excerpt(sotk_text, sotk_sentence, sotk_marks),
                        _excerpt(sotk_text, sotk_sentence2, sotk_marks2),
                    ),
                )
            ],
        )
    )
    az_text = (
        "The ministry in Baku said its units near Kalbajar answered provocations from the "
        "direction of Sotk on 13 September. It reported no losses of its own."
    )
    docs.append(
        (
            _source(
                "fx-src-sotk-az", "Provocation answered near Kalbajar", az_text, date(2022, 9, 14)
            ),
            [
                sotk(
                    "fx-src-sotk-az",
                    "Armenian units provoked the exchange; no Azerbaijani losses.",
                    (
                        _excerpt(
                            az_text,
                            az_text.split(". ", maxsplit=1)[0] + ".",
                            [
                                ("Kalbajar", SpanKind.PLACE, "AZ-KAL"),
                                ("Sotk", SpanKind.PLACE, "AM-GR:sotk"),
                                ("provocations", SpanKind.CUE, "armed_clash"),
                            ],
                        ),
                    ),
                )
            ],
        )
    )

    def single(
        iid: str,
        title: str,
        text: str,
        sentence: str,
        marks: list[tuple[str, SpanKind, str]],
        *,
        published: date,
        **fields: object,
    ) -> None:
        source = _source(f"src-{iid}", title, text, published)
        incident = Incident(
            id=iid,
            citations=(Citation(source.id, excerpts=(_excerpt(text, sentence, marks),)),),
            **fields,  # type: ignore[arg-type]
        )
        docs.append((source, [incident]))

    text = (
        "In May 2021 Azerbaijani troops advanced several kilometres across the border "
        "between Gegharkunik and Kalbajar and set up positions near Lake Sev Lich."
    )
    single(
        "fx-segment-2021-05",
        "Troops cross the border near Lake Sev Lich",
        text,
        text,
        [
            ("May 2021", SpanKind.DATE, "2021-05"),
            ("advanced", SpanKind.CUE, "incursion"),
            ("Gegharkunik", SpanKind.PLACE, "AM-GR"),
            ("Kalbajar", SpanKind.PLACE, "AZ-KAL"),
        ],
        published=date(2021, 5, 14),
        date_start=date(2021, 5, 1),
        date_end=date(2021, 5, 31),
        date_precision=DatePrecision.MONTH,
        event_type=EventType.STRATEGIC_DEVELOPMENTS,
        location_precision=LocationPrecision.BORDER_SEGMENT,
        summary="Incursion across the Gegharkunik – Kalbajar stretch of the border.",
        fatalities=0,
        provinces=(GEGHARKUNIK, KALBAJAR),
        segments=(GR_KAL,),
    )
    text = "Drones struck a village in Syunik during the week, the ministry said, without injuries."
    single(
        "fx-syunik-week-2021-07",
        "Drone strike in Syunik",
        text,
        text,
        [("Drones struck", SpanKind.CUE, "drone_strike"), ("Syunik", SpanKind.PLACE, "AM-SU")],
        published=date(2021, 7, 9),
        date_start=date(2021, 7, 5),
        date_end=date(2021, 7, 11),
        date_precision=DatePrecision.WEEK,
        event_type=EventType.EXPLOSIONS,
        location_precision=LocationPrecision.PROVINCE,
        fatalities=0,
        provinces=(SYUNIK,),
        # As extraction links a province-level incident: to every segment of the province.
        segments=SYUNIK_SEGMENTS,
    )
    text = "Heavy fighting broke out near Aygepar in Tavush on 12 July; four soldiers were killed."
    single(
        "fx-tavush-2020-07-12",
        "Fighting in Tavush",
        text,
        text,
        [
            ("fighting", SpanKind.CUE, "armed_clash"),
            ("Aygepar", SpanKind.PLACE, "AM-TV:aygepar"),
            ("12 July", SpanKind.DATE, "2020-07-12"),
        ],
        published=date(2020, 7, 13),
        date_start=date(2020, 7, 12),
        date_end=date(2020, 7, 12),
        date_precision=DatePrecision.DAY,
        event_type=EventType.BATTLES,
        location_precision=LocationPrecision.NEAR_PLACE,
        lat=40.9990,
        lon=45.3560,
        fatalities=4,
        place_name="Aygepar",
        provinces=(TAVUSH, GAZAKH),
        segments=(TV_QAZ,),
    )
    text = "Shots were fired across the Nakhchivan border near Yeraskh on 1 March 2023."
    single(
        "fx-yeraskh-2023-03-01",
        "Shots near Yeraskh",
        text,
        text,
        [
            ("Shots were fired", SpanKind.CUE, "shooting"),
            ("Yeraskh", SpanKind.PLACE, "AM-AR:yeraskh"),
        ],
        published=date(2023, 3, 1),
        date_start=date(2023, 3, 1),
        date_end=date(2023, 3, 1),
        date_precision=DatePrecision.DAY,
        event_type=EventType.BATTLES,
        location_precision=LocationPrecision.BORDER_SEGMENT,
        lat=39.6980,
        lon=44.8120,
        fatalities=None,
        place_name="Yeraskh",
        provinces=(VAYOTS_DZOR, SHARUR),
        segments=(VD_SAR,),
    )
    text = (
        "Protesters gathered in Baku on 4 April 2023 to demand the return of the border villages."
    )
    single(
        "fx-country-2023-04",
        "Protest over border villages",
        text,
        text,
        [("Protesters gathered", SpanKind.CUE, "protest")],
        published=date(2023, 4, 4),
        date_start=date(2023, 4, 4),
        date_end=date(2023, 4, 4),
        date_precision=DatePrecision.DAY,
        event_type=EventType.PROTESTS,
        location_precision=LocationPrecision.COUNTRY,
        fatalities=0,
    )
    # The publisher must stay "synthetic" (it marks test data), so a hostile
    # publisher is checked by tests/test_app.py on the panel's HTML instead.
    xss_source = Source(
        id="src-xss",
        title=XSS_TITLE,
        content_hash=content_hash("src-xss", XSS_TEXT),
        url="javascript:window.__bw_xss=4",
        publisher=SYNTHETIC_PUBLISHER,
        published=date(2023, 6, 1),
        text=XSS_TEXT,
    )
    vardenis = XSS_TEXT.index("Vardenis")
    docs.append(
        (
            xss_source,
            [
                Incident(
                    id=XSS_ID,
                    date_start=date(2023, 6, 1),
                    date_end=date(2023, 6, 1),
                    date_precision=DatePrecision.DAY,
                    event_type=EventType.BATTLES,
                    location_precision=LocationPrecision.NEAR_PLACE,
                    lat=40.1830,
                    lon=45.7300,
                    summary='<img src=x onerror="window.__bw_xss=5">',
                    fatalities=1,
                    place_name='Vardenis <img src=x onerror="window.__bw_xss=6">',
                    provinces=(GEGHARKUNIK,),
                    citations=(
                        Citation(
                            "src-xss",
                            claim="<script>window.__bw_xss=7</script>",
                            excerpts=(
                                Excerpt(
                                    0,
                                    len(XSS_TEXT),
                                    XSS_TEXT,
                                    (
                                        Span(
                                            vardenis,
                                            vardenis + 8,
                                            SpanKind.PLACE,
                                            '"><img src=x onerror=window.__bw_xss=8>',
                                            "Vardenis",
                                        ),
                                    ),
                                ),
                            ),
                        ),
                    ),
                )
            ],
        )
    )
    return docs


def seed_fixture_store(store: Store) -> int:
    """Save the fixture documents; returns how many incidents the store then holds."""
    for source, incidents in fixture_documents():
        store.save_document(source, incidents)
    return store.count_incidents()


def seed_fixture_url(url: str) -> int:
    """Create (or migrate) the store at ``url`` and seed it; for browser tests and screenshots."""
    from dashboard.store import open_store  # noqa: PLC0415 - keep the import light

    with open_store(url, upgrade=True) as opened:
        return seed_fixture_store(opened)


# Three incidents at one spot (as province-level incidents share their province's anchor).
STACK_POINT = (39.2076, 46.4068)  # Kapan
STACK_IDS = ("fx-kapan-2021-03-01", "fx-kapan-2021-04-01", "fx-kapan-2021-05-01")


def stacked_documents() -> list[tuple[Source, list[Incident]]]:
    """Three reports of shelling at Kapan on three days: three incidents on one pixel."""
    docs = []
    for month, iid in enumerate(STACK_IDS, start=3):
        day = date(2021, month, 1)
        text = f"Shelling hit the outskirts of Kapan on {day:%d %B %Y}."
        source = _source(f"src-{iid}", f"Shelling at Kapan, {day:%B}", text, day)
        incident = Incident(
            id=iid,
            date_start=day,
            date_end=day,
            date_precision=DatePrecision.DAY,
            event_type=EventType.EXPLOSIONS,
            location_precision=LocationPrecision.POINT,
            lat=STACK_POINT[0],
            lon=STACK_POINT[1],
            place_name="Kapan",
            fatalities=None,
            provinces=(SYUNIK,),
            segments=(SegmentRef("AM-SU_AZ-ZAN", "Syunik – Zangilan"),),
            distance_km=3.1,
            citations=(Citation(source.id, excerpts=(_excerpt(text, text, []),)),),
        )
        docs.append((source, [incident]))
    return docs


def seed_stacked_url(url: str) -> int:
    """A store holding only :func:`stacked_documents`; returns its incident count."""
    from dashboard.store import open_store  # noqa: PLC0415 - keep the import light

    with open_store(url, upgrade=True) as opened:
        for source, incidents in stacked_documents():
            opened.save_document(source, incidents)
        return opened.count_incidents()
