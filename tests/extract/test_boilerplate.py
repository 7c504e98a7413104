"""Related-news lists, tags and share bars are found and left out of the report."""

from dashboard.extract.boilerplate import boilerplate_spans, inside
from dashboard.extract.incidents import extract_incidents
from dashboard.gazetteer import load_gazetteer
from dashboard.models import Source, content_hash

# Written for this test in the shape real pages take (synthetic).
PAGE = """Four soldiers killed near Sotk

On 1 September 2023 Azerbaijani forces opened fire near Sotk in Gegharkunik. Four Armenian
servicemen were killed.

Related materials:
› Two soldiers killed as Azerbaijani troops fire on Kapan posts
› Border situation stable

Tags: Tavush, Movses, border
Share | Print | Comment
"""


def spans_text(text: str) -> list[str]:
    return [text[a:b].strip() for a, b in boilerplate_spans(text)]


def test_a_related_list_ends_at_prose():
    text = "Read also:\n- Drone strike on Berd\n- CSTO meets\n\nThe ministry said more later.\n"
    assert spans_text(text) == ["Read also:", "- Drone strike on Berd", "- CSTO meets"]


def test_russian_lists_and_furniture():
    text = "Читайте также\nСовбез ООН проведет консультации\n© Все права защищены.\n"
    assert spans_text(text) == [
        "Читайте также",
        "Совбез ООН проведет консультации",
        "© Все права защищены.",
    ]


def test_prose_is_not_furniture():
    text = "Commenting on the clash, the minister said troops opened fire.\n"
    assert boilerplate_spans(text) == []
    assert not inside(0, boilerplate_spans(text))


def test_another_events_headline_lends_nothing():
    source = Source(
        id="src-test", title="Four soldiers killed near Sotk", content_hash=content_hash(PAGE),
        publisher="synthetic", text=PAGE,
    )  # fmt: skip
    extraction = extract_incidents(source, load_gazetteer("am-az"))
    (found,) = extraction.incidents
    assert found.incident.fatalities == 4
    assert {p.code for p in found.incident.provinces} == {"AM-GR"}
    assert not any(m.matched in {"Kapan", "Tavush", "Movses"} for m in found.places)
