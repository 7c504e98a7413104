"""Who makes an incident's claim, on short texts written for these tests (not real reports)."""

from datetime import date

import pytest

from dashboard.extract.claims import incident_claim
from dashboard.extract.sentences import split_sentences
from dashboard.models import Source, content_hash


def claim(text: str, title: str = "Test", first: int = 0, publisher: str = "Test Daily") -> str:
    """The claim of an incident whose first evidence sentence is sentence ``first``."""
    source = Source(
        id="src-claims",
        title=title,
        content_hash=content_hash(text),
        published=date(2022, 9, 14),
        publisher=publisher,
        text=text,
    )
    sentences = split_sentences(text)
    return incident_claim(source, sentences, sentences[first:])


CASES = [
    (
        "English, Armenian ministry after the fact",
        "Azerbaijani troops shelled positions in Syunik on Tuesday, Armenia's defence ministry "
        "said.",
        0,
        "Armenian defence ministry",
    ),
    (
        "English, according to the Azerbaijani ministry",
        "According to Azerbaijan's Ministry of Defense, Armenian units fired on Kalbajar.",
        0,
        "Azerbaijani defence ministry",
    ),
    (
        "a bare 'the ministry' takes the side named before it",
        "Azerbaijan's defence ministry issued a statement. Armenian units fired on Kalbajar "
        "overnight, the ministry said.",
        1,
        "Azerbaijani defence ministry",
    ),
    (
        "Russian, «сообщили в Минобороны»",
        "Азербайджанские подразделения открыли огонь у Сотка, сообщили в Минобороны Армении.",
        0,
        "Armenian defence ministry",
    ),
    (
        "Russian, «по данным» the border service",
        "По данным Государственной пограничной службы Азербайджана, армянские военные "
        "обстреляли пост.",
        0,
        "Azerbaijani State Border Service",
    ),
    (
        "Russian, the next sentence points back: «Об этом заявил»",
        "Утром азербайджанские войска продвинулись в Сюнике. Об этом заявил премьер-министр "
        "Армении.",
        0,
        "Armenian prime minister",
    ),
    (
        "a wire with a dateline: the side comes from the capital it is filed from",
        "YEREVAN, Sept 14 (TCW) - Two soldiers were killed in Jermuk, the defence ministry said.",
        0,
        "Armenian defence ministry",
    ),
    (
        "a wire with a dateline and no speaker: the agency's own report",
        "BAKU, Sept 14 (TCW) - Fighting went on along the border in Kalbajar on Wednesday.",
        0,
        "the outlet (TCW)",
    ),
    (
        "residents quoted on an undated page",
        "Residents of Verishen, a village near Goris, say soldiers crossed into Armenia.",
        0,
        "residents",
    ),
    (
        "Russian village head",
        "Глава общины Ерасх заявил, что село обстреляли ночью.",
        0,
        "village head",
    ),
    (
        "a first-person bulletin speaks for its own side",
        "Armenian units opened fire on our positions in the direction of Tovuz on the "
        "Azerbaijani-Armenian state border.",
        0,
        "Azerbaijani defence ministry",
    ),
    (
        "a bulletin's header line names its issuer",
        "Министерство обороны Республики Армения\n\nАзербайджанские подразделения открыли "
        "огонь у села Тех.",
        1,
        "Armenian defence ministry",
    ),
    (
        "a headline's country hands over to the lede's ministry",
        "Armenia says soldier killed\n\nA soldier was killed near Yeraskh on Tuesday, "
        "Armenia's defence ministry said.",
        0,
        "Armenian defence ministry",
    ),
]


@pytest.mark.parametrize(("label", "text", "first", "expected"), CASES, ids=[c[0] for c in CASES])
def test_claim_table(label, text, first, expected):
    assert claim(text, first=first) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Azerbaijani troops shelled positions in Syunik on Tuesday.",
        # "the ministry" with no ministry named before and no side to the report
        "Troops shelled positions in Syunik on Tuesday, the ministry said.",
        # a third country's ministry is not either side's claim
        "The Russian defence ministry said the ceasefire in Syunik was broken.",
        # both sides at once: nobody's claim alone
        "Armenia and Azerbaijan said fighting in Syunik had stopped.",
        "Минобороны Армении и Азербайджана уточнили потери в перестрелке у села Тех.",
        # a ministry that is shelled does not speak
        "The defence ministry building in Kapan was shelled on Tuesday.",
    ],
)
def test_no_attribution_falls_back_to_the_publisher(text):
    assert claim(text) == "Test Daily"


def test_a_country_as_the_object_of_speech_is_not_the_speaker():
    text = "A soldier was killed on Tuesday, said officials who accused Baku of the attack."
    assert claim(text) == "Test Daily"


def test_a_wire_relaying_both_sides_keeps_its_ledes_speaker():
    text = (
        "Armenia's defence ministry said Azerbaijani troops attacked Sotk. "
        "Azerbaijan's defence ministry said Armenian units fired first."
    )
    assert claim(text) == "Armenian defence ministry"
    assert claim(text, first=1) == "Azerbaijani defence ministry"


def test_no_publisher_and_no_speaker_is_no_claim():
    assert claim("Troops shelled Syunik.", publisher=None) is None  # type: ignore[arg-type]
