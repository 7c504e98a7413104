"""Fetched bytes → links to follow or an article's text, with kept libraries only.

- **Feeds** (RSS 0.9x/1.0/2.0, Atom): feedparser, which reads the malformed
  feeds real sites serve. A feed it cannot read at all is a :class:`ParseError`;
  one it reads leniently (not well-formed XML) still gives its entries, with a
  warning.
- **Listing pages**: the article links a CSS selector picks (lxml + cssselect);
  the selector may pick the ``<a>`` itself or an element holding it.
- **Articles**: trafilatura for the main text and its metadata (title, date,
  author), the page's own tags for the publisher and language, as
  :mod:`dashboard.sources.html` reads saved pages. Scripts, styles and forms
  are stripped before extraction, so no fallback extractor lets them through.

The canonical URL (an article's identity across runs) is the page's
``<link rel=canonical>`` when it stays on the same host (a page cannot claim
another site's article), else the final URL, normalised by courlan (scheme and
host lower-cased, default port, fragment and tracking parameters dropped).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from urllib.parse import urljoin, urlsplit

import courlan
import feedparser
import lxml.etree
import lxml.html
import trafilatura
from lxml.cssselect import CSSSelector, SelectorSyntaxError
from trafilatura.utils import decode_file

from dashboard.sources.decoding import normalise_text

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_STRIPPED_TAGS = (
    "script", "style", "iframe", "frame", "frameset", "noscript", "object", "embed",
    "template", "svg", "math", "canvas", "form", "button", "select", "textarea",
)  # fmt: skip


class ParseError(Exception):
    """Fetched bytes that are not what the source's kind promised (named in the summary)."""


@dataclass(frozen=True)
class Link:
    """An article a feed or listing points to; ``published`` and ``updated`` when the feed says."""

    url: str
    title: str | None = None
    published: date | None = None
    updated: datetime | None = None


@dataclass(frozen=True)
class Links:
    links: list[Link]
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Article:
    """An article's main text and metadata, as the page gives them (``None`` where it does not)."""

    canonical_url: str
    text: str
    title: str | None
    published: date | None
    author: str | None
    language: str | None
    publisher: str | None


def canonical(url: str) -> str:
    """The form of ``url`` articles are known by (see the module docstring)."""
    try:
        return courlan.normalize_url(url, strict=True)
    except ValueError:
        return url


def feed_links(body: bytes, base_url: str) -> Links:
    """The entries of an RSS or Atom feed, newest first as the feed lists them."""
    parsed = feedparser.parse(body)
    links: list[Link] = []
    for entry in parsed.entries:
        href = entry.get("link")
        if not href:
            continue
        url = urljoin(base_url, href)
        if urlsplit(url).scheme in ("http", "https"):
            # dict.get: feedparser's own get maps a missing updated to published (deprecated).
            changed = dict.get(entry, "updated_parsed")
            stamp = dict.get(entry, "published_parsed") or changed
            day = date(*stamp[:3]) if stamp else None
            updated = datetime(*changed[:6], tzinfo=UTC) if changed else None
            links.append(Link(url, entry.get("title"), day, updated))
    if not links and (parsed.bozo or not parsed.get("version")):
        why = parsed.get("bozo_exception") or "no feed element"
        raise ParseError(f"not a readable RSS or Atom feed: {why}")
    warnings = []
    if parsed.bozo:
        warnings.append(f"feed is not well-formed ({parsed.bozo_exception}): read leniently")
    return Links(_unique(links), warnings)


def listing_links(body: bytes, content_type: str, base_url: str, selector: str) -> Links:
    """The article links ``selector`` picks on a listing page, in page order."""
    try:
        select = CSSSelector(selector)
    except SelectorSyntaxError as exc:
        raise ParseError(f"bad CSS selector {selector!r}: {exc}") from exc
    tree = _html_tree(body, content_type)
    links = []
    for element in select(tree):
        anchor = element if element.tag == "a" else next(iter(element.iter("a")), None)
        href = anchor.get("href") if anchor is not None else None
        if href:
            url = urljoin(base_url, href.strip())
            if urlsplit(url).scheme in ("http", "https"):
                links.append(Link(url, " ".join(anchor.text_content().split()) or None))
    if not links:
        return Links([], [f"the selector {selector!r} picked no article link"])
    return Links(_unique(links))


def read_article(body: bytes, content_type: str, final_url: str) -> Article:
    """An HTML page's main text (normalised as report files are) and metadata."""
    tree = _html_tree(body, content_type)
    tags = _meta_tags(tree)
    claimed = _canonical_link(tree) or tags.get("og:url")
    lxml.etree.strip_elements(tree, *_STRIPPED_TAGS, with_tail=False)
    try:
        document = trafilatura.bare_extraction(
            tree, url=final_url, with_metadata=True, favor_precision=True,
            include_comments=False, include_tables=True, deduplicate=False,
        )  # fmt: skip
    except RecursionError as exc:
        raise ParseError("HTML nested too deeply to extract its text") from exc
    text = normalise_text(document.text or "") if document is not None else ""
    if not text.strip():
        raise ParseError("no main text found in the page (only boilerplate or scripts)")
    return Article(
        canonical_url=_canonical_of(claimed, final_url),
        text=text,
        title=document.title or None,
        published=_day(document.date),
        author=document.author or None,
        language=(tree.get("lang") or "").split("-")[0].lower() or None,
        publisher=tags.get("og:site_name") or document.sitename or None,
    )


def _html_tree(body: bytes, content_type: str) -> lxml.html.HtmlElement:
    kind = content_type.split(";", maxsplit=1)[0].strip().lower()
    if kind and kind not in _HTML_TYPES:
        raise ParseError(f"not an HTML page (Content-Type {kind})")
    text = decode_file(body)
    if "\x00" in text:
        raise ParseError("not an HTML page (binary content)")
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        return lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.LxmlError, ValueError) as exc:
        raise ParseError(f"cannot be parsed as HTML: {exc}") from exc


def _meta_tags(tree: lxml.html.HtmlElement) -> dict[str, str]:
    tags: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name")
        content = (element.get("content") or "").strip()
        if key and content and key.lower() not in tags:
            tags[key.lower()] = content
    return tags


def _canonical_link(tree: lxml.html.HtmlElement) -> str | None:
    for element in tree.iter("link"):
        if (element.get("rel") or "").strip().lower() == "canonical" and element.get("href"):
            return element.get("href").strip()
    return None


def _canonical_of(claimed: str | None, final_url: str) -> str:
    if claimed:
        claimed = urljoin(final_url, claimed)
        if urlsplit(claimed).hostname == urlsplit(final_url).hostname:
            return canonical(claimed)
    return canonical(final_url)


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value[:10]).date()
    except ValueError:
        return None


def _unique(links: list[Link]) -> list[Link]:
    seen: set[str] = set()
    kept = []
    for link in links:
        key = canonical(link.url)
        if key not in seen:
            seen.add(key)
            kept.append(link)
    return kept
