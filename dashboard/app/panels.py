"""Pieces several pages show: the KPI row, the source panel, empty and error states.

Everything that comes from a source (titles, publishers, text, place
names, ids from the URL) is escaped before it reaches the page: HTML is
built only as :class:`dashboard.markup.Html`, whose templates escape every
value they are given, into ``st.html`` (which runs no script), and nothing
untrusted is passed to a Markdown element. The only markup in excerpts is
:mod:`dashboard.extract.highlight`'s own. The panel's stylesheet is
``web/panel.css``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import streamlit as st

from dashboard import export, query
from dashboard.app import data, filters, fused, review_panel
from dashboard.app.maps import PRECISION_WORDS
from dashboard.app.webfiles import style_element
from dashboard.extract.highlight import highlight_excerpt, highlight_in_context, matched_aliases
from dashboard.markup import Html, link
from dashboard.models import (
    SEGMENT_WITHIN_KM,
    CasualtyCount,
    CasualtyKind,
    Citation,
    DatePrecision,
    Incident,
    LocationPrecision,
    Source,
)

_AREA_PRECISIONS = {
    LocationPrecision.PROVINCE.value,
    LocationPrecision.DISTRICT.value,
    LocationPrecision.COUNTRY.value,
}
DATE_PRECISION_WORDS = {
    DatePrecision.DAY: "the exact day",
    DatePrecision.DAYS: "within a few days",
    DatePrecision.WEEK: "within a week",
    DatePrecision.MONTH: "within a month",
    DatePrecision.YEAR: "within a year",
}


def render_css() -> None:
    """The panel's stylesheet, once per page run (``st.html`` with only a style is hidden)."""
    st.html(style_element("panel.css"))


# ----------------------------------------------------------------- KPI row


def render_kpis(view: data.View) -> None:
    """Incidents (how many on a segment, how many only somewhere in a province),
    fatalities, provinces and segments affected, reports."""
    summary = query.summarise(view.table, view.mask)
    cells = st.columns([1, 1, 1, 1.4, 1, 1, 1])
    cells[0].metric("Incidents", f"{summary.incidents:,}")
    cells[1].metric(
        "Fatalities",
        f"{summary.fatalities:,}",
        help=f"Reported for {summary.fatalities_reported:,} of {summary.incidents:,} incidents; "
        "unreported counts as unknown, not zero.",
    )
    cells[2].metric(
        "On a segment",
        f"{summary.on_segment:,}",
        help="Incidents placed on a named stretch of the border: the report names it, or "
        f"the place it names lies within {SEGMENT_WITHIN_KM:g} km of the line.",
    )
    cells[3].metric(
        "Somewhere in the province",
        f"{summary.in_province:,}",
        help="Incidents known only to a province or a district: drawn in the province, "
        "never counted on its border segments.",
    )
    cells[4].metric("Provinces affected", summary.provinces)
    cells[5].metric(
        "Segments affected",
        summary.segments,
        help="Segments with an incident on them (not every segment of a province with one).",
    )
    cells[6].metric("Reports", f"{summary.reports:,}")


# ---------------------------------------------------------------- states

# Session-state key of the notice shown once per session (tests use it too).
FIRST_RUN_NOTICE = "_notice_first_run"


def first_time(state: MutableMapping[str, Any], key: str) -> bool:
    """True the first time ``key`` is asked about in this session, False ever after.

    The store reports "loaded the sample" for the life of the process (it is
    cached), so without this the notice would come back on every rerun and page.
    """
    if state.get(key):
        return False
    state[key] = True
    return True


def notify_once(key: str, message: str) -> None:
    """A toast the session sees once, however often the script reruns."""
    if first_time(st.session_state, key):
        st.toast(message)


def render_store_error(status: data.StoreStatus) -> None:
    st.error(
        "The incident store cannot be read, so there is nothing to show.\n\n"
        f"Store: `{status.masked}`\n\nReason: {status.error}"
    )
    st.caption(
        "Set BORDERWATCH_DATABASE_URL to another store, or fix this one and reload the page."
    )


def render_empty(view: data.View) -> bool:
    """Say why nothing is shown and offer a way out; True if the view is empty."""
    if view.count:
        return False
    hidden = data.hidden_synthetic(view)
    if not view.visible.any():
        if hidden:
            st.info(
                f"The store holds {hidden:,} synthetic (test) incidents and no real ones. "
                "Turn on “Include synthetic (test) data” in the sidebar to see them."
            )
        elif len(view.table):
            # Other borders' incidents: "no incidents yet" would be untrue of the store.
            st.info(
                f"No incident on the {data.border_layers(view.border).name} border yet (the "
                f"store holds {len(view.table):,} on other borders). Add reports with "
                f"`borderwatch ingest --border {view.border}`, or pick another border."
            )
        else:
            st.info(
                "The store holds no incidents yet. Add reports with `borderwatch ingest` "
                "or a dataset with `borderwatch import`."
            )
        return True
    st.info("No incident matches these filters.")
    st.button(
        "Reset filters", key="reset_empty", on_click=filters.reset_state, args=(st.session_state,)
    )
    return True


# ----------------------------------------------------------- source panel


def render_beside_sources(
    render_main: Callable[[data.View], None], share: Sequence[float] = (3, 2)
) -> None:
    """The page layout the map and incidents pages share: KPIs, then main view | sources,
    their widths in the ratio ``share`` (Streamlit stacks them on a narrow screen)."""
    view = data.current_view()
    render_kpis(view)
    if render_empty(view):
        return
    left, right = st.columns(list(share), gap="medium")
    with left:
        render_main(view)
    with right:
        st.subheader("Source")
        render_source_panel(view)


def render_source_panel(view: data.View) -> None:
    """The selected incident and the words of every source that supports it."""
    selected = st.session_state.get(filters.SELECTED)
    if not selected:
        st.caption("Click an incident on the map or pick a row in the table to read its sources.")
        return
    incident = data.load_incident(view.url, selected)
    if incident is None:
        st.html(_UNKNOWN_INCIDENT.format(selected))
        return
    sources = data.load_sources(view.url, tuple(c.source_id for c in incident.citations))
    rows = view.table.incidents["id"].to_numpy() == selected
    note = "" if (rows & view.mask).any() else " (outside the current filters)"
    st.html(_incident_html(incident, note, data.region_names(view.border)))
    review_panel.render_review(view.url, incident)
    _render_fused(view, incident, sources)
    _render_claims(incident.citations, sources)
    for i, citation in enumerate(incident.citations):
        source = sources.get(citation.source_id)
        st.html(_citation_html(citation, source))
        if source is not None and source.text:
            with st.expander("Show full text", expanded=False):
                st.html(_FULL_TEXT.format(highlight_in_context(source.text, citation.excerpts)))
        if i == 0 and len(incident.citations) > 1:
            st.caption(f"{len(incident.citations) - 1} more report(s) below.")
    fields = data.load_dataset_fields(view.url, selected)
    if fields:
        with st.expander(f"Dataset fields ({len(fields)})", expanded=False):
            st.html(dataset_fields_html(fields))


def _render_fused(view: data.View, incident: Incident, sources: dict[str, Source | None]) -> None:
    """A dataset's record fused with reports: who said what, each side's figures apart."""
    found = data.load_fused(view.url, incident.id)
    if found is None:
        return
    dataset, reports = found
    if not reports:
        return
    more = data.load_sources(view.url, tuple(s for r in reports for s in r.source_ids))
    names = data.region_names(view.border)
    st.html(
        fused.fused_figures_html(
            incident, dataset, reports, {**more, **sources}, lambda c: casualty_words(c, names)
        )
    )


_DATASET_FIELDS = Html('<dl class="bw-panel bw-facts" data-testid="bw-dataset-fields">{}</dl>')


def dataset_fields_html(fields: dict[str, str]) -> Html:
    """An imported record's own columns as the file wrote them (escaped, in file order)."""
    return _DATASET_FIELDS.format(Html().join(_FACT.format(k, v) for k, v in fields.items()))


_UNKNOWN_INCIDENT = Html(
    '<div class="bw-panel">No incident <code>{}</code> in this store '
    "(the link may come from another store).</div>"
)
_FULL_TEXT = Html('<div class="bw-panel bw-fulltext" data-testid="bw-fulltext">{}</div>')
_INCIDENT = Html(
    '<div class="bw-panel" data-testid="bw-incident" data-incident="{id}">'
    '<h4>{title}{note}</h4><dl class="bw-facts">{rows}</dl></div>'
)
_FACT = Html("<dt>{}</dt><dd>{}</dd>")


def _incident_html(incident: Incident, note: str, names: Mapping[str, str] | None = None) -> Html:
    """The incident's facts; ``note`` says when it is outside the current filters;
    ``names`` names the shown border's codes (a casualty's side)."""
    facts: list[tuple[str, str | Html]] = [*_incident_facts(incident, names or {})]
    feature = api_feature_link(incident.id)
    if feature:
        facts.append(("In the API", feature))
    rows = Html().join(_FACT.format(k, v) for k, v in facts if v)
    return _INCIDENT.format(id=incident.id, title=incident.event_type, note=note, rows=rows)


API_URL_ENV = "BORDERWATCH_API_URL"


def api_feature_link(incident_id: str) -> Html | None:
    """A link to the incident's feature in ``borderwatch api`` when ``BORDERWATCH_API_URL``
    says where it runs (None otherwise: the dashboard cannot know)."""
    base = os.environ.get(API_URL_ENV, "").rstrip("/")
    if not base:
        return None
    return link(
        f"{base}/collections/incidents/items/{quote(incident_id, safe='')}?f=json",
        "GeoJSON feature",
    )


def _incident_facts(incident: Incident, names: Mapping[str, str]) -> list[tuple[str, str]]:
    """``(label, value)`` in reading order, vague dates and places said in words."""
    date_label = query.date_window_labels(
        [incident.date_start], [incident.date_end], [str(incident.date_precision)]
    )[0]
    precision = PRECISION_WORDS.get(str(incident.location_precision), "")
    place_parts = [incident.place_name] if incident.place_name else []
    provinces = ", ".join(f"{p.name} ({p.country})" for p in incident.provinces)
    segments = ", ".join(s.name for s in incident.segments)
    # Known only to a province, the incident is linked to all of the province's segments:
    # say so, rather than seem to place it on them.
    segment_label = (
        "Segments of its provinces"
        if str(incident.location_precision) in _AREA_PRECISIONS
        else "Border segment"
    )
    return [
        ("Date", f"{date_label} — {DATE_PRECISION_WORDS[incident.date_precision]}"),
        ("Place", "; ".join([*place_parts, precision])),
        ("Provinces", provinces),
        (segment_label, segments),
        (
            "Distance",
            f"{incident.distance_km:.1f} km from the border"
            if incident.distance_km is not None
            else "",
        ),
        (
            "Fatalities",
            "not reported" if incident.fatalities is None else str(incident.fatalities),
        ),
        ("Casualties", casualty_words(incident.casualties, names)),
        ("Reports merged", str(incident.reports)),
        ("Actors", ", ".join(incident.actors)),
        ("Summary", incident.summary),
    ]


def casualty_words(counts: Sequence[CasualtyCount], names: Mapping[str, str]) -> str:
    """The breakdown in words, a kind at a time: "Killed: Armenia 4, Azerbaijan 3 ·
    Wounded: 1 (side not stated)".

    A figure without a side beside sided ones is the report's overall figure
    (extraction keeps it only where it says more than the sides' sum, see
    :mod:`dashboard.store.tolls`), so it reads "9 in all", never as a third
    side to add. ``names`` maps a side's country code to its name (the border's
    :func:`data.region_names`). Plain text: the panel's template escapes it, sides included.
    """
    parts = []
    for kind in CasualtyKind:
        of_kind = [c for c in counts if c.kind is kind]
        if not of_kind:
            continue
        sided = [f"{names.get(c.side, c.side)} {c.count}" for c in of_kind if c.side is not None]
        overall = [c.count for c in of_kind if c.side is None]
        if overall:
            sided.append(f"{overall[0]} in all" if sided else f"{overall[0]} (side not stated)")
        parts.append(f"{kind.value.capitalize()}: {', '.join(sided)}")
    return " · ".join(parts)


_MISSING_SOURCE = Html('<div class="bw-source">Source {} is missing.</div>')
_CITATION = Html(
    '<div class="bw-panel bw-source"><div><b>{link}</b></div>'
    '<div class="bw-source-meta">{meta}</div>{claim}{aliases}{excerpts}</div>'
)
_CLAIM = Html('<div class="bw-source-meta">Claim: {}</div>')
_ALIASES = Html('<div class="bw-aliases">Placed by: {}</div>')
_ALIAS = Html("“{}” → {}")
_EXCERPT = Html('<div class="bw-excerpt-text" data-testid="bw-excerpt">{}</div>')
_NO_EXCERPT = Html('<div class="bw-source-meta">No excerpt (a dataset record).</div>')


def _citation_html(citation: Citation, source: Source | None) -> Html:
    """One source: its linked title, publisher and date, claim, the names that placed
    the incident, and each excerpt with its matches marked."""
    if source is None:
        return _MISSING_SOURCE.format(citation.source_id)
    meta = Html(" · ").join(
        part
        for part in (
            source.publisher,  # "synthetic" for generated test data
            source.published.isoformat() if source.published else None,
        )
        if part
    )
    aliases = matched_aliases(citation.excerpts)
    return _CITATION.format(
        link=link(source.url, source.title),
        meta=meta,
        claim=_CLAIM.format(citation.claim) if citation.claim else "",
        aliases=_ALIASES.format(Html("; ").join(_ALIAS.format(*a) for a in aliases))
        if aliases
        else "",
        excerpts=Html().join(_EXCERPT.format(highlight_excerpt(e)) for e in citation.excerpts)
        or _NO_EXCERPT,
    )


_CLAIM_BESIDE = Html('<div class="bw-panel bw-source"><b>{}</b><div>{}</div></div>')


def _render_claims(citations: Sequence[Citation], sources: dict[str, Source | None]) -> None:
    """Sources that disagree, side by side (only when their claims differ)."""
    claims = [c for c in citations if c.claim]
    if len({c.claim for c in claims}) < 2:
        return
    st.markdown("**The sources differ**")
    for column, citation in zip(st.columns(len(claims)), claims, strict=True):
        source = sources.get(citation.source_id)
        title = source.title if source else citation.source_id
        column.html(_CLAIM_BESIDE.format(title, citation.claim))


# -------------------------------------------------------------- downloads


def download_bytes(view: data.View, fmt: str) -> bytes:
    """The filtered incidents as ``csv``, ``geojson`` or ``gpkg``, written by
    :mod:`dashboard.export` (the code behind ``borderwatch export``): the same file."""
    details = export.load_details(data.open_app_store(view.url), view.table, view.mask)
    if fmt == "csv":
        return export.incidents_to_csv(view.table, view.mask, details)
    if fmt == "gpkg":
        return export.incidents_to_geopackage(
            view.table, view.mask, details, data.border_layers(view.border)
        )
    return export.geojson_bytes(export.incidents_to_geojson(view.table, view.mask, details))


def render_downloads(view: data.View) -> None:
    """Download buttons for the filtered set; the file is made only when one is clicked."""
    columns = st.columns(4)
    for column, fmt, label, mime in zip(
        columns[:3],
        ("csv", "geojson", "gpkg"),
        ("CSV", "GeoJSON", "GeoPackage"),
        ("text/csv", "application/geo+json", "application/geopackage+sqlite3"),
        strict=True,
    ):
        column.download_button(
            label,
            data=functools.partial(download_bytes, view, fmt),
            file_name=f"borderwatch-incidents.{fmt}",
            mime=mime,
            key=f"download_{fmt}",
            icon=":material/download:",
            on_click="ignore",
            width="stretch",
            help=f"The {view.count:,} incidents of the current filters, as `borderwatch export` "
            "writes them.",
        )
    columns[3].download_button(
        "Brief",
        data=functools.partial(brief_pdf, view),
        file_name="borderwatch-brief.pdf",
        mime="application/pdf",
        key="download_brief",
        icon=":material/description:",
        on_click="ignore",
        width="stretch",
        help="A brief of the current filters as PDF, as `borderwatch brief` writes it: figures, "
        "the map, incidents per segment and week, the newest incidents with an excerpt each, "
        "the change from the period before, sources. Without dates it covers the filtered "
        "incidents' first to last day.",
    )


def brief_period(view: data.View) -> query.IncidentFilter:
    """The view's filter with both dates: the filtered incidents' own span fills a gap."""
    span = query.date_range(view.table, view.mask) or query.date_range(view.table, view.visible)
    today = dt.date.today()
    first, last = span or (today, today)
    return replace(
        view.filt, date_from=view.filt.date_from or first, date_to=view.filt.date_to or last
    )


def brief_pdf(view: data.View) -> bytes:
    """The brief of this view as PDF (:mod:`dashboard.briefs`, the code behind ``borderwatch
    brief``); each incident links back to this dashboard."""
    from dashboard import briefs  # noqa: PLC0415 - the renderer loads only when asked

    brief = briefs.build_brief(
        data.open_app_store(view.url),
        data.border_layers(view.border),
        brief_period(view),
        dashboard_url=os.environ.get("BORDERWATCH_DASHBOARD_URL", "http://localhost:8501/"),
        table=view.table,
    )
    return briefs.brief_bytes(brief, "pdf")


def render_picture_buttons(
    key: str, make: Callable[[str], bytes], name: str, what: str = "this view"
) -> None:
    """PNG and SVG buttons for a picture of ``what``; ``make(fmt)`` draws it only when
    a button is clicked (a picture takes about a second)."""
    for column, fmt, mime in zip(
        st.columns([1, 1, 4]), ("png", "svg"), ("image/png", "image/svg+xml"), strict=False
    ):
        column.download_button(
            fmt.upper(),
            data=functools.partial(make, fmt),
            file_name=f"borderwatch-{name}.{fmt}",
            mime=mime,
            key=f"{key}_{fmt}",
            icon=":material/image:",
            on_click="ignore",
            width="stretch",
            help=f"A picture of {what}, captioned with the filters and the data's attribution.",
        )
