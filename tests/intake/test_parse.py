"""Feeds, listing pages and articles → links and text (synthetic inputs written here)."""

from __future__ import annotations

from datetime import date

import pytest
from intake_site import ARTICLES, article_html

from dashboard.intake.parse import (
    ParseError,
    canonical,
    feed_links,
    listing_links,
    read_article,
)

BASE = "http://news.example"
HTML = "text/html; charset=utf-8"

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>synthetic</title>
<entry><title>One</title><link href="/a/1"/><updated>2024-05-12T08:00:00Z</updated></entry>
<entry><title>Two</title><link href="http://news.example/a/2?utm_source=rss"/></entry>
<entry><title>Two again</title><link href="http://news.example/a/2"/></entry>
<entry><title>Not web</title><link href="mailto:desk@news.example"/></entry>
</feed>"""


def test_an_atom_feed_gives_its_links_resolved_dated_and_once_each() -> None:
    got = feed_links(ATOM, BASE + "/feed")
    assert [link.url for link in got.links] == [
        "http://news.example/a/1",
        "http://news.example/a/2?utm_source=rss",
    ]
    assert got.links[0].published == date(2024, 5, 12)
    assert got.warnings == []


def test_an_rss_feed_with_a_cut_off_end_is_read_leniently_with_a_warning() -> None:
    body = (
        b'<?xml version="1.0"?><rss><channel><item><title>a</title>'
        b"<link>http://news.example/a</link></item><item><title>b"
    )
    got = feed_links(body, BASE)
    assert [link.url for link in got.links] == ["http://news.example/a"]
    assert "not well-formed" in got.warnings[0]


@pytest.mark.parametrize("body", [b"<rss><channel><item><title>broken", b"plain words", b""])
def test_broken_xml_without_entries_is_refused(body: bytes) -> None:
    with pytest.raises(ParseError, match="not a readable RSS or Atom feed"):
        feed_links(body, BASE)


LISTING = b"""<html><body><nav><a href="/about">About</a></nav>
<ul class="news"><li class="item"><a href="/n/1">First</a></li>
<li class="item"><span><a href="n/2">Second</a></span></li>
<li class="item">no link</li><li class="item"><a href="javascript:x()">js</a></li>
</ul></body></html>"""


@pytest.mark.parametrize("selector", ["ul.news a", "li.item"])
def test_a_listing_page_gives_the_links_the_selector_picks(selector: str) -> None:
    got = listing_links(LISTING, HTML, BASE + "/list/", selector)
    assert [link.url for link in got.links] == [
        "http://news.example/n/1",
        "http://news.example/list/n/2",
    ]
    assert got.links[0].title == "First"


def test_a_selector_that_picks_nothing_warns_and_a_bad_one_is_refused() -> None:
    assert listing_links(LISTING, HTML, BASE, "div.none").warnings
    with pytest.raises(ParseError, match="bad CSS selector"):
        listing_links(LISTING, HTML, BASE, "a[")


def test_an_article_gives_its_text_and_metadata_without_scripts() -> None:
    title, day, text = ARTICLES["/news/sotk-shelling"]
    article = read_article(article_html(title, day, text), HTML, BASE + "/news/s?utm_source=x")
    assert text in article.text and "tracker" not in article.text and "Home" not in article.text
    assert (article.title, article.published, article.author) == (title, date(2024, 5, 12),
                                                                  "Test Desk")  # fmt: skip
    assert (article.language, article.publisher) == ("en", "synthetic")
    assert article.canonical_url == "http://news.example/news/s"


def test_a_canonical_link_counts_only_on_the_same_host() -> None:
    title, day, text = ARTICLES["/news/tegh-fire"]
    same = article_html(title, day, text, canonical="/news/tegh")
    other = article_html(title, day, text, canonical="http://elsewhere.example/x")
    assert read_article(same, HTML, BASE + "/amp/tegh").canonical_url == BASE + "/news/tegh"
    assert read_article(other, HTML, BASE + "/amp/tegh").canonical_url == BASE + "/amp/tegh"


@pytest.mark.parametrize(
    ("body", "ctype", "why"),
    [
        (b"%PDF-1.7 ...", "application/pdf", "Content-Type application/pdf"),
        (b"\x89PNG\x00\x00\x00", "", "binary content"),
        (b"<html><body><script>main()</script></body></html>", HTML, "no main text"),
    ],
)
def test_what_is_not_an_article_is_refused(body: bytes, ctype: str, why: str) -> None:
    with pytest.raises(ParseError, match=why):
        read_article(body, ctype, BASE + "/x")


def test_canonical_drops_tracking_parameters_and_fragments() -> None:
    assert canonical("HTTP://News.Example:80/a?utm_source=x&id=3#top") == (
        "http://news.example/a?id=3"
    )
