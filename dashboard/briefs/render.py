"""A brief as Markdown or as HTML (which :mod:`dashboard.briefs.pdf` prints).

Source text is untrusted in both. HTML is built only from
:class:`dashboard.markup.Html` templates, which escape what they are filled
with, and links only for http(s) addresses (:func:`dashboard.markup.link`).
Markdown is read by renderers that pass HTML through, so :func:`md_text`
writes ``<``, ``>`` and ``&`` as entities and backslash-escapes Markdown's
own punctuation: a title cannot become a tag, a link or a heading.
"""

from __future__ import annotations

import base64
import re
from urllib.parse import urlparse

import pandas as pd

from dashboard.briefs.content import Brief, ListedIncident, SegmentChange
from dashboard.markup import Html, escape, link

# ----------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def md_text(value: object) -> str:
    """Text that a Markdown renderer shows as the same text, never as markup or a link."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_link(url: str | None, text: str) -> str:
    if url and urlparse(url).scheme in ("http", "https"):
        target = url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")
        return f"[{md_text(text)}](<{target.replace('>', '%3E')}>)"
    return md_text(text)


def to_markdown(brief: Brief, map_file: str | None) -> str:
    """The brief as Markdown; ``map_file`` is the map picture's path beside it (or none)."""
    lines = [f"# {md_text(brief.title)}", ""]
    if brief.filters:
        lines += [f"Filters: {md_text(brief.filters)}", ""]
    lines += ["## Figures", "", "| | |", "|---|---|"]
    lines += [f"| {md_text(k)} | {md_text(v)} |" for k, v in _kpis(brief)]
    lines.append("")
    if map_file:
        lines += [f"![Map of the period]({map_file})", ""]
    lines += [f"## Incidents and deaths (†) per segment and {brief.table_unit}", ""]
    lines += _md_table(brief.segment_table) or ["No incident on a segment in this period.", ""]
    lines += [f"## Compared with {_period(brief.previous)}", ""]
    lines += [f"- {md_text(_change_words(c))}" for c in brief.changes] or ["- No incidents."]
    lines += ["", f"## Incidents, newest first ({_listed_words(brief)})", ""]
    for incident in brief.incidents:
        lines += _md_incident(incident)
    lines += ["## Sources", ""]
    for source in brief.sources:
        named = " · ".join(
            md_text(v) for v in (source["publisher"], source["published"]) if v
        )  # fmt: skip
        lines.append(f"- {_md_link(source['url'], source['title'] or '')} {named}".rstrip())
    lines += ["", md_text(brief.attribution)]
    return "\n".join(lines) + "\n"


def _md_table(frame: pd.DataFrame) -> list[str]:
    if frame.empty:
        return []
    header = "| Segment | " + " | ".join(md_text(c) for c in frame.columns) + " |"
    rule = "|---" * (len(frame.columns) + 1) + "|"
    rows = [
        f"| {md_text(name)} | " + " | ".join(md_text(v) for v in row) + " |"
        for name, row in zip(frame.index, frame.to_numpy().tolist(), strict=True)
    ]
    return [header, rule, *rows, ""]


def _md_incident(incident: ListedIncident) -> list[str]:
    heading = f"### {md_text(incident.window)}: {md_text(incident.event_type)}"
    facts = [
        f"Place: {md_text(_place(incident))}",
        f"Casualties: {md_text(_casualty_words(incident))}",
        f"Review: {md_text(incident.review)}",
        _md_link(incident.link, "In the dashboard"),
    ]
    lines = [heading, "", " · ".join(facts), ""]
    if incident.excerpt:
        lines += [f"> {md_text(incident.excerpt)}", ""]
    if incident.excerpt_source:
        lines += [f"Source: {_md_link(incident.source_url, incident.excerpt_source)}", ""]
    return lines


# ----------------------------------------------------------------------- words


def _kpis(brief: Brief) -> list[tuple[str, str]]:
    s = brief.summary
    return [
        ("Incidents", f"{s.incidents:,}"),
        ("Fatalities", f"{s.fatalities:,} (reported for {s.fatalities_reported:,})"),
        ("On a segment", f"{s.on_segment:,}"),
        ("Somewhere in a province", f"{s.in_province:,}"),
        ("Provinces affected", f"{s.provinces:,}"),
        ("Segments affected", f"{s.segments:,}"),
        ("Reports", f"{s.reports:,}"),
    ]


def _period(period: tuple) -> str:
    return f"{period[0].isoformat()} – {period[1].isoformat()}"


def _change_words(change: SegmentChange) -> str:
    if change.change > 0:
        trend = "heated up"
    elif change.change < 0:
        trend = "calmed down"
    else:
        trend = "unchanged"
    return (
        f"{change.name}: {trend}, {_incidents(change.incidents)} ({change.deaths} killed) "
        f"after {change.before} ({change.deaths_before} killed)"
    )


def _incidents(count: int) -> str:
    return f"{count:,} incident" if count == 1 else f"{count:,} incidents"


def _listed_words(brief: Brief) -> str:
    if brief.unlisted > 0:
        return f"the {len(brief.incidents):,} newest of {brief.summary.incidents:,}"
    return f"{len(brief.incidents):,}"


def _place(incident: ListedIncident) -> str:
    where = incident.place or incident.segments or incident.provinces or "not named"
    provinces = f" ({incident.provinces})" if incident.provinces and incident.place else ""
    return f"{where}{provinces}, placed to {incident.placed_to.replace('_', ' ')}"


def _casualty_words(incident: ListedIncident) -> str:
    if incident.casualties:
        return ", ".join(
            f"{c['count']} {c['kind']} ({c['side'] or 'side not stated'})"
            for c in incident.casualties
        )
    if incident.fatalities is None:
        return "not reported"
    return f"{incident.fatalities} killed"


# ----------------------------------------------------------------------- HTML

_PAGE = Html(
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
    "<style>{css}</style></head><body>{body}</body></html>"
)
_CSS = Html(
    "@page { size: A4; margin: 16mm 14mm; }"
    "body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 9.5pt; color: #222; }"
    "h1 { font-size: 16pt; margin: 0 0 4pt; } h2 { font-size: 12pt; margin: 14pt 0 4pt; }"
    "h3 { font-size: 10pt; margin: 10pt 0 2pt; } .filters { color: #555; }"
    "table { border-collapse: collapse; margin: 4pt 0; }"
    "td, th { border: 0.5pt solid #bbb; padding: 2pt 5pt; text-align: left; }"
    ".kpis td:first-child { color: #555; } img.map { width: 100%; }"
    "blockquote { margin: 3pt 0 3pt 8pt; padding-left: 6pt; border-left: 2pt solid #f16913; }"
    ".facts, .source, .attribution { color: #444; } .incident { break-inside: avoid; }"
)


def to_html(brief: Brief) -> str:
    """The brief as one self-contained HTML page (the map inlined), also what the PDF prints."""
    body = [
        Html("<h1>{}</h1>").format(brief.title),
        Html('<p class="filters">{}</p>').format(f"Filters: {brief.filters}")
        if brief.filters
        else Html(""),
        Html("<h2>Figures</h2>"),
        _html_rows("kpis", _kpis(brief)),
    ]
    if brief.map_png:
        data = base64.b64encode(brief.map_png).decode("ascii")
        body.append(
            Html('<img class="map" alt="Map of the period" src="data:image/png;base64,{}">').format(
                data
            )
        )
    body.append(
        Html("<h2>Incidents and deaths (†) per segment and {}</h2>").format(brief.table_unit)
    )
    body.append(_html_segment_table(brief.segment_table))
    body.append(Html("<h2>Compared with {}</h2>").format(_period(brief.previous)))
    items = [Html("<li>{}</li>").format(_change_words(c)) for c in brief.changes]
    body.append(Html("<ul>{}</ul>").format(Html().join(items) or Html("<li>No incidents.</li>")))
    body.append(Html("<h2>Incidents, newest first ({})</h2>").format(_listed_words(brief)))
    body.extend(_html_incident(incident) for incident in brief.incidents)
    body.append(Html("<h2>Sources</h2>"))
    sources = [
        Html("<li>{} {}</li>").format(
            link(s["url"], s["title"] or ""),
            " · ".join(v for v in (s["publisher"], s["published"]) if v),
        )
        for s in brief.sources
    ]
    body.append(Html("<ul>{}</ul>").format(Html().join(sources)))
    body.append(Html('<p class="attribution">{}</p>').format(brief.attribution))
    return str(_PAGE.format(title=brief.title, css=_CSS, body=Html().join(body)))


def _html_rows(css_class: str, rows: list[tuple[str, str]]) -> Html:
    cells = [Html("<tr><td>{}</td><td>{}</td></tr>").format(k, v) for k, v in rows]
    return Html('<table class="{}">{}</table>').format(css_class, Html().join(cells))


def _html_segment_table(frame: pd.DataFrame) -> Html:
    if frame.empty:
        return Html("<p>No incident on a segment in this period.</p>")
    head = Html("<tr><th>Segment</th>{}</tr>").format(
        Html().join(Html("<th>{}</th>").format(c) for c in frame.columns)
    )
    rows = [
        Html("<tr><td>{}</td>{}</tr>").format(
            name, Html().join(Html("<td>{}</td>").format(v) for v in row)
        )
        for name, row in zip(frame.index, frame.to_numpy().tolist(), strict=True)
    ]
    return Html("<table>{}{}</table>").format(head, Html().join(rows))


def _html_incident(incident: ListedIncident) -> Html:
    facts = Html(" · ").join(
        [
            escape(f"Place: {_place(incident)}"),
            escape(f"Casualties: {_casualty_words(incident)}"),
            escape(f"Review: {incident.review}"),
            link(incident.link, "In the dashboard"),
        ]
    )
    parts = [
        Html("<h3>{}: {}</h3>").format(incident.window, incident.event_type),
        Html('<p class="facts">{}</p>').format(facts),
    ]
    if incident.excerpt:
        parts.append(Html("<blockquote>{}</blockquote>").format(incident.excerpt))
    if incident.excerpt_source:
        parts.append(
            Html('<p class="source">Source: {}</p>').format(
                link(incident.source_url, incident.excerpt_source)
            )
        )
    return Html('<div class="incident">{}</div>').format(Html().join(parts))
