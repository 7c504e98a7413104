"""The sidebar filters, shared by every page, and their round trip through the URL.

Widget state lives in ``st.session_state`` under the ``KEYS`` below (tests
use the same keys). On a session's first run the state is read from
``st.query_params``; after the widgets are drawn it is written back, so the
address bar always holds a link that reproduces the view. Only values that
differ from the default go into the URL.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, MutableMapping
from datetime import date, timedelta
from typing import Any

import streamlit as st

from dashboard.markup import Html
from dashboard.models import EventType
from dashboard.query import ALL_REVIEW, DEFAULT_REVIEW, IncidentFilter, unknown_filter_values

# Session-state keys of the widgets (and of the selection), used by tests too.
DATES = "f_dates"
DATE_FROM = "f_from"
DATE_TO = "f_to"
COUNTRIES = "f_countries"
PROVINCES = "f_provinces"
SEGMENTS = "f_segments"
EVENT_TYPES = "f_types"
MIN_FATALITIES = "f_min_fatalities"
TEXT = "f_text"
SYNTHETIC = "f_synthetic"
REVIEW = "f_review"
SELECTED = "selected"
# The border shown (``border=`` in the URL): not a filter of incidents like the others,
# it chooses the layers, the names and which incidents belong (data.scope_filter).
BORDER = "f_border"
_BORDER_NOTICE = "_border_notice"
_INITIALISED = "_filters_from_url"
# What a link asked for that the view does not do as asked (shown until Reset).
URL_NOTICES = "_url_notices"
# How many times Reset was pressed: the map goes back to its first view on each.
VIEW_RESETS = "_view_resets"
# A date window asked for after the sidebar was drawn (brush, play): applied next run.
PENDING_DATES = "_pending_dates"
# A region asked for after the sidebar was drawn (a heat-table cell): applied next run.
PENDING_REGION = "_pending_region"

# URL parameter names: short, stable, documented in the README.
PARAMS = {
    "from": DATE_FROM,
    "to": DATE_TO,
    "country": COUNTRIES,
    "province": PROVINCES,
    "segment": SEGMENTS,
    "type": EVENT_TYPES,
    "minfat": MIN_FATALITIES,
    "q": TEXT,
    "synthetic": SYNTHETIC,
    "review": REVIEW,
    "incident": SELECTED,
}
_LISTS = {COUNTRIES, PROVINCES, SEGMENTS, EVENT_TYPES, REVIEW}


def border_from_params(
    values: Collection[str], known: Collection[str], default: str
) -> tuple[str, str | None]:
    """The border a link asks for, and a notice if it names none that exists.

    An unknown border is dropped like any other unknown link value, and said so
    in the same words, so a mistyped link still opens (on the default border).
    """
    raw = next((v for v in values if v), None)
    if raw is None or raw in known:
        return raw or default, None
    return default, f"“border={raw}” names no border, so it was dropped."


def init_border(known: Collection[str], default: str) -> str:
    """The session's border: on its first run from the URL (:func:`border_from_params`),
    then the picker's; called before the sidebar, because the border decides its options."""
    state = st.session_state
    if state.get(BORDER) not in known:
        border, notice = border_from_params(st.query_params.get_all("border"), known, default)
        state[BORDER] = border
        if notice and not state.get(_INITIALISED):
            state[_BORDER_NOTICE] = notice
    return str(state[BORDER])


def _on_border() -> None:
    """A new border: its codes differ, so the region filters and the selection go, and
    the map goes back to the first view (now the new border's)."""
    state = st.session_state
    for key in (COUNTRIES, PROVINCES, SEGMENTS):
        state[key] = []
    state.pop(SELECTED, None)
    state[VIEW_RESETS] = int(state.get(VIEW_RESETS, 0)) + 1


def render_border_picker(borders: Mapping[str, str]) -> None:
    """The border picker, above the filters; shown only when there is a choice."""
    if len(borders) < 2:
        return
    st.sidebar.selectbox(
        "Border",
        list(borders),
        key=BORDER,
        format_func=lambda b: borders.get(b, b),
        on_change=_on_border,
        help="Each border has its own map, names and incidents; one store holds them all.",
    )


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def state_from_params(params: Mapping[str, list[str]]) -> dict[str, Any]:
    """Widget state from URL parameters (each a list of values); bad values are dropped."""
    state: dict[str, Any] = {}
    for name, key in PARAMS.items():
        values = [v for v in params.get(name, []) if v != ""]
        if not values:
            continue
        if key in _LISTS:
            state[key] = [v for part in values for v in part.split(",") if v]
        elif key in (DATE_FROM, DATE_TO):
            parsed = _parse_date(values[0])
            if parsed is not None:
                state[key] = parsed
        elif key == MIN_FATALITIES:
            if values[0].isdigit():
                state[key] = int(values[0])
        elif key == SYNTHETIC:
            state[key] = values[0].lower() in ("1", "true", "yes", "on")
        else:
            state[key] = values[0]
    if EVENT_TYPES in state:
        known = {e.value for e in EventType}
        state[EVENT_TYPES] = [t for t in state[EVENT_TYPES] if t in known]
    if REVIEW in state:
        state[REVIEW] = [r for r in state[REVIEW] if r in ALL_REVIEW]
    return state


def url_notices(
    params: Mapping[str, list[str]],
    bounds: tuple[date, date] | None,
    known: Mapping[str, Collection[str]],
) -> list[str]:
    """One sentence for each link parameter the view does not apply as written.

    Dropped: a date that is not one, a minimum that is not a number, a
    country, province, segment or event type that does not exist (``known``
    maps ``country``, ``province``, ``segment`` and ``type`` to their codes).
    Clamped: a date outside the data's range, moved to its first or last day.
    Plain text: the caller escapes it.
    """
    notices = []
    for name in ("from", "to"):
        raw = next((v for v in params.get(name, []) if v), None)
        if raw is None:
            continue
        day = _parse_date(raw)
        if day is None:
            notices.append(f"“{name}={raw}” is not a date (YYYY-MM-DD), so it was ignored.")
        elif bounds and day < bounds[0]:
            notices.append(
                f"“{name}={raw}” is before the first incident, so the range starts at "
                f"{bounds[0].isoformat()}."
            )
        elif bounds and day > bounds[1]:
            notices.append(
                f"“{name}={raw}” is after the last incident, so the range ends at "
                f"{bounds[1].isoformat()}."
            )
    minimum = next((v for v in params.get("minfat", []) if v), None)
    if minimum is not None and not minimum.isdigit():
        notices.append(f"“minfat={minimum}” is not a whole number, so it was ignored.")
    lists = state_from_params({n: params.get(n, []) for n in ("country", "province", "segment")})
    raw_types = [v for part in params.get("type", []) for v in part.split(",") if v]
    filt = IncidentFilter(
        countries=tuple(lists.get(COUNTRIES, ())),
        provinces=tuple(lists.get(PROVINCES, ())),
        segments=tuple(lists.get(SEGMENTS, ())),
        event_types=tuple(raw_types),
    )
    for name, value in unknown_filter_values(
        filt,
        countries=known.get("country", ()),
        provinces=known.get("province", ()),
        segments=known.get("segment", ()),
        event_types=known.get("type", ()),
    ):
        notices.append(f"“{name}={value}” names no {_KINDS[name]}, so it was dropped.")
    for value in (v for part in params.get("review", []) for v in part.split(",") if v):
        if value not in ALL_REVIEW:
            notices.append(f"“review={value}” names no review status, so it was dropped.")
    return notices


_KINDS = {"country": "country", "province": "province", "segment": "border segment",
          "type": "event type"}  # fmt: skip


def params_from_state(
    state: Mapping[str, Any], bounds: tuple[date, date] | None
) -> dict[str, str | list[str]]:
    """URL parameters for the current state; defaults (e.g. the full date range) are left out."""
    params: dict[str, str | list[str]] = {}
    lo, hi = bounds if bounds else (None, None)
    for name, key in PARAMS.items():
        value = state.get(key)
        if value in (None, "", [], False, 0):
            continue
        if key == DATE_FROM and value == lo:
            continue
        if key == DATE_TO and value == hi:
            continue
        if key in _LISTS:
            params[name] = [str(v) for v in value]
        elif isinstance(value, date):
            params[name] = value.isoformat()
        elif key == SYNTHETIC:
            params[name] = "1"
        else:
            params[name] = str(value)
    return params


def filter_from_state(state: Mapping[str, Any], bounds: tuple[date, date] | None) -> IncidentFilter:
    """The :class:`IncidentFilter` the widgets describe (the full range means no date limit).

    Built by :meth:`IncidentFilter.from_params`, as ``borderwatch export`` builds
    its own, so a link and an export with the same values select the same incidents.
    """
    lo, hi = bounds if bounds else (None, None)
    values = {name: state.get(key) for name, key in PARAMS.items()}
    if values["from"] == lo:
        values["from"] = None
    if values["to"] == hi:
        values["to"] = None
    return IncidentFilter.from_params(values)


def clamp_dates(state: MutableMapping[str, Any], bounds: tuple[date, date] | None) -> None:
    """Keep the date widgets inside the data's range (it changes with the synthetic toggle)."""
    if bounds is None:
        for key in (DATES, DATE_FROM, DATE_TO):
            state.pop(key, None)
        return
    lo, hi = bounds
    start = state.get(DATE_FROM) or lo
    end = state.get(DATE_TO) or hi
    start = min(max(start, lo), hi)
    end = min(max(end, lo), hi)
    if end < start:
        start, end = lo, hi
    state[DATE_FROM], state[DATE_TO] = start, end
    state[DATES] = (start, end)


def preset_range(name: str, bounds: tuple[date, date]) -> tuple[date, date]:
    """``"30d"``, ``"1y"`` or ``"all"``, counted back from the newest incident."""
    lo, hi = bounds
    if name == "30d":
        return max(lo, hi - timedelta(days=29)), hi
    if name == "1y":
        return max(lo, hi - timedelta(days=364)), hi
    return lo, hi


def reset_state(state: MutableMapping[str, Any]) -> None:
    """Back to no filters, no selection, no notices about the link, and the map's first
    view (the synthetic toggle stays as it is)."""
    for key in (DATE_FROM, DATE_TO, DATES, TEXT, MIN_FATALITIES, SELECTED, URL_NOTICES):
        state.pop(key, None)
    for key in _LISTS:
        state[key] = []
    state[VIEW_RESETS] = int(state.get(VIEW_RESETS, 0)) + 1


# ------------------------------------------------------------------ widgets


def init_from_url(
    bounds: tuple[date, date] | None = None, known: Mapping[str, Collection[str]] | None = None
) -> None:
    """On a session's first run, take the filters and the selection from the URL, and
    note what in it cannot be applied as written (:func:`url_notices`)."""
    if st.session_state.get(_INITIALISED):
        return
    params = {name: st.query_params.get_all(name) for name in PARAMS}
    for key, value in state_from_params(params).items():
        st.session_state[key] = value
    notices = url_notices(params, bounds, known or {})
    border_notice = st.session_state.pop(_BORDER_NOTICE, None)
    if border_notice:
        notices.insert(0, border_notice)
    if notices:
        st.session_state[URL_NOTICES] = notices
    st.session_state[_INITIALISED] = True


_NOTICE = Html('<div class="bw-notice" data-testid="bw-url-notice">{}</div>')
_NOTICE_LINE = Html("<div>{}</div>")


def render_url_notices() -> None:
    """The link's dropped or moved parameters, named, above the filters (until Reset).

    Through :class:`~dashboard.markup.Html`: the values come from a link anyone can write.
    """
    notices = st.session_state.get(URL_NOTICES)
    if notices:
        lines = Html().join(_NOTICE_LINE.format(n) for n in notices)
        st.sidebar.html(_NOTICE.format(lines))


def write_url(bounds: tuple[date, date] | None, default_border: str | None = None) -> None:
    """Put the current view into the address bar (only changed parameters are touched);
    ``border=`` only when it is not ``default_border``."""
    wanted = params_from_state(st.session_state, bounds)
    border = st.session_state.get(BORDER)
    if border and border != default_border:
        wanted["border"] = str(border)
    for name in (*PARAMS, "border"):
        if name not in wanted and name in st.query_params:
            del st.query_params[name]
    for name, value in wanted.items():
        current = st.query_params.get_all(name)
        if current != (value if isinstance(value, list) else [value]):
            st.query_params[name] = value


def _on_slider() -> None:
    start, end = st.session_state[DATES]
    st.session_state[DATE_FROM], st.session_state[DATE_TO] = start, end


def _on_date_input() -> None:
    start, end = st.session_state[DATE_FROM], st.session_state[DATE_TO]
    if start and end and end < start:
        start, end = end, start
        st.session_state[DATE_FROM], st.session_state[DATE_TO] = start, end
    st.session_state[DATES] = (start, end)


def _on_preset(name: str, bounds: tuple[date, date]) -> None:
    start, end = preset_range(name, bounds)
    st.session_state[DATE_FROM], st.session_state[DATE_TO] = start, end
    st.session_state[DATES] = (start, end)


def _on_reset() -> None:
    reset_state(st.session_state)


def render_sidebar(
    bounds: tuple[date, date] | None,
    provinces: Mapping[str, str],
    segments: Mapping[str, str],
    *,
    countries: Mapping[str, str],
    borders: Mapping[str, str] | None = None,
    default_border: str | None = None,
) -> IncidentFilter:
    """Draw the border picker and the filter widgets in the sidebar; return the filter
    they describe (without the border's scope: the caller adds it).

    ``bounds`` is the first and last day of the border's data the synthetic
    rule lets through; ``provinces``, ``segments`` and ``countries`` map the
    shown border's codes to names for the pickers (both sides of the border);
    ``borders`` maps every border's id to its name for the picker.
    """
    init_from_url(
        bounds,
        {
            "country": list(countries),
            "province": list(provinces),
            "segment": list(segments),
            "type": [e.value for e in EventType],
        },
    )
    pending = st.session_state.pop(PENDING_DATES, None)
    if pending:
        set_date_window(st.session_state, *pending)
    region = st.session_state.pop(PENDING_REGION, None)
    if region:
        apply_map_click(st.session_state, region)
    clamp_dates(st.session_state, bounds)
    sidebar = st.sidebar
    sidebar.header("Filters")
    render_url_notices()
    render_border_picker(borders or {})
    if bounds is not None and bounds[0] < bounds[1]:
        sidebar.slider(
            "Date range",
            min_value=bounds[0],
            max_value=bounds[1],
            key=DATES,
            on_change=_on_slider,
            format="YYYY-MM-DD",
        )
        left, right = sidebar.columns(2)
        left.date_input(
            "From",
            min_value=bounds[0],
            max_value=bounds[1],
            key=DATE_FROM,
            on_change=_on_date_input,
        )
        right.date_input(
            "To", min_value=bounds[0], max_value=bounds[1], key=DATE_TO, on_change=_on_date_input
        )
        presets = sidebar.columns(3)
        for column, (name, label) in zip(
            presets, (("30d", "30 days"), ("1y", "1 year"), ("all", "All")), strict=True
        ):
            column.button(
                label,
                key=f"preset_{name}",
                on_click=_on_preset,
                args=(name, bounds),
                width="stretch",
                help="Counted back from the newest incident",
            )
    elif bounds is not None:
        sidebar.caption(f"All incidents are dated {bounds[0].isoformat()}.")
    _keep_known(COUNTRIES, list(countries))
    sidebar.multiselect(
        "Country", list(countries), key=COUNTRIES, format_func=lambda c: countries.get(c, c)
    )
    province_codes = sorted(provinces, key=lambda c: (c[:2], provinces[c]))
    _keep_known(PROVINCES, province_codes)
    sidebar.multiselect(
        "Province (both sides)",
        province_codes,
        key=PROVINCES,
        format_func=lambda c: f"{provinces.get(c, c)} ({c[:2]})",
    )
    segment_ids = sorted(segments, key=lambda s: segments[s])
    _keep_known(SEGMENTS, segment_ids)
    sidebar.multiselect(
        "Border segment", segment_ids, key=SEGMENTS, format_func=lambda s: segments.get(s, s)
    )
    sidebar.multiselect("Event type", [e.value for e in EventType], key=EVENT_TYPES)
    sidebar.number_input("Minimum fatalities", min_value=0, step=1, key=MIN_FATALITIES)
    sidebar.multiselect(
        "Review status",
        list(ALL_REVIEW),
        key=REVIEW,
        placeholder="All but rejected and duplicate",
        help="Empty: every incident but those analysts rejected (not an incident) or "
        f"marked duplicate ({', '.join(DEFAULT_REVIEW)}). Pick statuses to see only those.",
    )
    sidebar.text_input("Search source text", key=TEXT, placeholder="e.g. Sotk, shelling")
    sidebar.toggle(
        "Include synthetic (test) data",
        key=SYNTHETIC,
        help="Generated data for tests and benchmarks; hidden by default.",
    )
    sidebar.button("Reset filters", key="reset", on_click=_on_reset, width="stretch")
    filt = filter_from_state(st.session_state, bounds)
    write_url(bounds, default_border)
    return filt


def _keep_known(key: str, options: list[str]) -> None:
    """Drop values a URL may carry that are not options (a multiselect would refuse them)."""
    values = st.session_state.get(key)
    if values:
        st.session_state[key] = [v for v in values if v in options]


# ------------------------------------------------- changes from the pages


def apply_map_click(state: MutableMapping[str, Any], props: Mapping[str, Any]) -> None:
    """A click on the map: an incident selects it; a province or segment becomes the
    region filter (replacing the other kind, so the two never exclude each other)."""
    kind, value = props.get("k"), props.get("id")
    if not value:
        return
    if kind == "i":
        state[SELECTED] = str(value)
    elif kind == "p":
        state[PROVINCES] = [str(value)]
        state[SEGMENTS] = []
    elif kind == "s":
        state[SEGMENTS] = [str(value)]
        state[PROVINCES] = []


def set_date_window(state: MutableMapping[str, Any], start: date, end: date) -> None:
    """Set the date range from anywhere (brush, play) and keep the widgets in step."""
    if end < start:
        start, end = end, start
    state[DATE_FROM], state[DATE_TO] = start, end
    state[DATES] = (start, end)


def request_region(state: MutableMapping[str, Any], kind: str, value: str) -> None:
    """Ask for a province (``kind="p"``) or segment (``"s"``) filter from below the sidebar;
    the next run applies it as a click on the map would."""
    state[PENDING_REGION] = {"k": kind, "id": value}


def request_date_window(state: MutableMapping[str, Any], start: date, end: date) -> None:
    """Ask for a date window from below the sidebar; the next run applies it."""
    state[PENDING_DATES] = (start, end)


def date_window(state: Mapping[str, Any], bounds: tuple[date, date]) -> tuple[date, date] | None:
    """The chosen date range, or ``None`` when it is the whole range (no date filter)."""
    start, end = state.get(DATE_FROM) or bounds[0], state.get(DATE_TO) or bounds[1]
    if (start, end) == bounds:
        return None
    return start, end


_PERIOD_DAYS = {"day": 1, "week": 7}


def step_date_window(
    state: MutableMapping[str, Any], bounds: tuple[date, date], period: str
) -> bool:
    """Move the date window forward one ``period``, keeping its width; False at the end.

    With no window yet (the whole range), playing starts from the first
    ``period`` of the data.
    """
    lo, hi = bounds
    window = date_window(state, bounds)
    if window is None:
        start = lo
        end = _advance(lo, period) - timedelta(days=1)
        set_date_window(state, start, min(end, hi))
        return True
    start, end = window
    if end >= hi:
        return False
    new_start = _advance(start, period)
    new_end = new_start + (end - start)  # the same width in days: month ends do not drift
    set_date_window(state, min(new_start, hi), min(new_end, hi))
    return True


def _advance(day: date, period: str) -> date:
    if period in _PERIOD_DAYS:
        return day + timedelta(days=_PERIOD_DAYS[period])
    month = day.month + 1
    year = day.year + (month > 12)
    month = (month - 1) % 12 + 1
    # The same day of the next month, or its last day (31 Jan → 28/29 Feb).
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover
