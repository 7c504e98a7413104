"""Text into HTML and scripts: everything escaped once, HTML pieces nested as they are."""

from __future__ import annotations

import json

import pytest

from dashboard.markup import Html, escape, link, script_json

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "'><svg onload=alert(1)>",
    "</script><!--",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_is_escaped_in_text_and_in_attributes(payload):
    html_out = Html('<b title="{}">{}</b>').format(payload, payload)
    assert html_out.count("<") == 2  # only the template's own tags
    assert '"' not in html_out.split('title="', 1)[1].split('"', 1)[0]
    assert "'" not in html_out


def test_quotes_are_spelled_as_the_standard_library_spells_them():
    assert escape("a \"b\" 'c' & <d>") == "a &quot;b&quot; &#x27;c&#x27; &amp; &lt;d&gt;"


def test_none_is_empty_and_html_is_kept():
    assert escape(None) == ""
    inner = Html("<mark>{}</mark>").format("<x>")
    assert Html("<div>{}</div>").format(inner) == "<div><mark>&lt;x&gt;</mark></div>"


def test_join_and_plus_escape_plain_strings():
    joined = Html("; ").join([Html("<i>a</i>"), "<b>"])
    assert joined == "<i>a</i>; &lt;b&gt;"
    assert isinstance(joined, Html)
    assert Html("<p>") + "<q>" == "<p>&lt;q&gt;"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a?b=1&c=2", '<a href="https://example.org/a?b=1&amp;c=2"'),
        ("javascript:alert(1)", "Title &lt;1&gt;"),
        (None, "Title &lt;1&gt;"),
    ],
)
def test_links_are_http_only(url, expected):
    assert link(url, "Title <1>").startswith(expected)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_json_cannot_close_the_script(payload):
    text = script_json({"t": payload})
    assert "<" not in text and ">" not in text
    assert json.loads(text) == {"t": payload}
