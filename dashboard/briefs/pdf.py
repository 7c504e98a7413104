"""A brief's HTML printed to PDF by WeasyPrint, with nothing fetched from anywhere.

The brief's page is self-contained (its map is a ``data:`` picture), so the
fetcher allows the ``data`` scheme only: a source's text that somehow named
an image could not make the renderer reach out to the network or read a file.
"""

from __future__ import annotations


def html_to_pdf(html: str) -> bytes:
    """Print ``html`` (A4, as its style sheet says) to PDF bytes."""
    import weasyprint  # noqa: PLC0415 - Pango and its fonts load only when a PDF is made
    from weasyprint.urls import URLFetcher  # noqa: PLC0415

    fetcher = URLFetcher(allowed_protocols={"data"})
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
