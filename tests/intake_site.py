"""Synthetic feeds and pages for the intake tests, written for them (no real outlet's words).

Every page says it is synthetic (``og:site_name`` ``synthetic``, the
publisher the store keeps out of default views), so nothing a test ingests
could pass for a real report.
"""

from __future__ import annotations

from html import escape

from local_web import Route, Site

from dashboard.models import SYNTHETIC_PUBLISHER

ARTICLES = {
    "/news/sotk-shelling": (
        "Shelling near Sotk",
        "2024-05-12",
        "Shelling hit Sotk on 12 May 2024; two soldiers were killed, the defence ministry said "
        "in a statement issued that evening.",
    ),
    "/news/tegh-fire": (
        "Fire exchanged near Tegh",
        "2024-06-03",
        "Armenia says border posts near Tegh came under fire on 3 June 2024; one soldier was "
        "wounded, according to the ministry.",
    ),
}
FILLER = (
    "This paragraph is synthetic text written for borderwatch's tests. It only gives the page "
    "enough body for an extractor to see an article rather than a menu."
)


def article_html(title: str, day: str, text: str, *, canonical: str | None = None) -> bytes:
    link = f'<link rel="canonical" href="{escape(canonical)}">' if canonical else ""
    return f"""<!doctype html><html lang="en"><head><title>{escape(title)}</title>
<meta property="og:site_name" content="{SYNTHETIC_PUBLISHER}">
<meta name="author" content="Test Desk">
<meta property="article:published_time" content="{day}">{link}
<script>var tracker = "never in the text";</script></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>{escape(title)}</h1><p>{escape(text)}</p><p>{FILLER}</p></article>
<footer>Synthetic test site</footer></body></html>""".encode()


def rss(base: str, paths: list[str]) -> bytes:
    items = "".join(
        f"<item><title>{escape(ARTICLES[p][0])}</title><link>{base}{p}</link>"
        f"<pubDate>Mon, 01 Jul 2024 10:00:00 GMT</pubDate></item>"
        for p in paths
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Synthetic feed</title><link>{base}/</link>{items}</channel></rss>"
    ).encode()


def news_site(site: Site, *, etag: str | None = '"feed-1"') -> Site:
    """A feed of the two articles (with an ETag, so a second read gets a 304), and the articles."""
    site.routes["/feed.xml"] = Route(
        rss(site.base, list(ARTICLES)), content_type="application/rss+xml", etag=etag
    )
    for path, (title, day, text) in ARTICLES.items():
        site.routes[path] = Route(article_html(title, day, text))
    return site
