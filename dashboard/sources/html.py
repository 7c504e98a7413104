"""HTML pages: the main text as trafilatura extracts it, metadata from the page's tags.

Scripts, styles, iframes, forms and the like are stripped from the tree before
extraction, so no fallback extractor can let them through; boilerplate is left
to trafilatura. The page's own tags (og:title or <title>,
article:published_time and kin, the canonical link, og:site_name, <html lang>)
are read leniently: pages carry junk tags, so a bad one is ignored with a
warning rather than failing the page. ``NAME.meta.json`` beside the page wins.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import lxml.etree
import lxml.html
import trafilatura

from dashboard.sources.decoding import normalise_text
from dashboard.sources.document import Request, SourceDocument, build_document
from dashboard.sources.errors import SourceError
from dashboard.sources.metadata import Meta, parse_field, sidecar_meta

_STRIPPED_TAGS = (
    "script", "style", "iframe", "frame", "frameset", "noscript", "object", "embed",
    "template", "svg", "math", "canvas", "form", "button", "select", "textarea",
)  # fmt: skip


def read_html(request: Request, text: str) -> list[SourceDocument | SourceError]:
    """An .html page: its main text by trafilatura; title, date and url from its tags."""
    path = request.path
    parser = lxml.html.HTMLParser(
        encoding="utf-8", huge_tree=True, remove_comments=True, remove_pis=True, no_network=True
    )
    try:
        tree = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (lxml.etree.LxmlError, ValueError) as exc:
        raise SourceError(path, f"cannot be parsed as HTML: {exc}") from exc
    embedded, warnings = _html_meta(tree, request.today)
    # Stripped before extraction, so no fallback extractor can let them through.
    lxml.etree.strip_elements(tree, *_STRIPPED_TAGS, with_tail=False)
    try:
        body = trafilatura.extract(
            tree, favor_precision=True, include_comments=False, include_links=False,
            include_images=False, include_tables=True, deduplicate=False, output_format="txt",
        )  # fmt: skip
    except RecursionError as exc:
        raise SourceError(path, "HTML nested too deeply to extract its text") from exc
    if not body or not body.strip():
        raise SourceError(path, "no main text found in the HTML (only boilerplate or scripts)")
    meta = sidecar_meta(path, request.meta_path, request.today).over(embedded)
    document = build_document(path, normalise_text(body), meta, today=request.today)
    return [replace(document, warnings=(*warnings, *document.warnings))]


# Where pages keep their publication date, most specific first.
_HTML_DATE_KEYS = (
    "article:published_time", "datepublished", "og:published_time", "pubdate",
    "publishdate", "dc.date.issued", "dcterms.issued", "dc.date", "date",
)  # fmt: skip


def _html_meta(tree: Any, today: date) -> tuple[Meta, list[str]]:
    """Title, date, url, publisher and language from a page's tags, leniently."""
    tags: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        content = element.get("content")
        if key and content and key.lower() not in tags:
            tags[key.lower()] = content
    title_element = tree.find(".//title")
    page_title = title_element.text_content() if title_element is not None else None
    canonical = tree.xpath("//link[translate(@rel, 'CANONICAL', 'canonical')='canonical']/@href")
    found = {
        "title": tags.get("og:title") or page_title,
        "published": next((tags[key] for key in _HTML_DATE_KEYS if key in tags), None),
        "url": canonical[0] if canonical else tags.get("og:url"),
        "publisher": tags.get("og:site_name"),
        "language": tree.get("lang"),
    }
    values: dict[str, Any] = {}
    warnings: list[str] = []
    for name, value in found.items():
        if value is None or not value.strip():
            continue
        try:
            values[name] = parse_field(name, value, today)
        except ValueError as exc:
            warnings.append(f"ignored the page's {name}: {exc}")
    return Meta(**values), warnings
