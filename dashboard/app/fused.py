"""Who said what, for a dataset's record fused with text reports (the source panel's part).

A record fused with the reports of the same event (:mod:`dashboard.store.fusion`)
lists every source; this part names them in one line ("2 reports + ACLED
ARM1234") and sets each side's figures beside the others: the dataset's
toll as its row gives it, each fused report incident's as its text gives it,
never added up. Built as :class:`~dashboard.markup.Html`, so every value
from a file or a report is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from dashboard.markup import Html
from dashboard.models import CasualtyCount, Incident, Source, SourceKind
from dashboard.store.fusion import FusedReport

DATASET_NAMES = {"acled": "ACLED", "ucdp": "UCDP GED"}

_FIGURES = Html(
    '<div class="bw-panel" data-testid="bw-fused"><b>{label}</b>'
    '<dl class="bw-facts">{rows}</dl></div>'
)
_ROW = Html("<dt>{}</dt><dd>{}</dd>")


def record_label(incident_id: str, dataset: str) -> str:
    """``ACLED ARM1234`` for ``acled:ARM1234``: the dataset and its own id of the record."""
    own = incident_id.split(":", 1)[1] if incident_id.startswith(f"{dataset}:") else incident_id
    return f"{DATASET_NAMES.get(dataset, dataset)} {own}"


def sources_label(incident: Incident, dataset: str, sources: Mapping[str, Source | None]) -> str:
    """``2 reports + ACLED ARM1234``: the text reports citing the record, then the record."""
    reports = sum(
        1
        for c in incident.citations
        if (s := sources.get(c.source_id)) is not None and s.kind is not SourceKind.DATASET_RECORD
    )
    record = record_label(incident.id, dataset)
    if not reports:
        return record
    return f"{reports} report{'s' if reports != 1 else ''} + {record}"


def fused_figures_html(
    incident: Incident,
    dataset: str,
    fused: Sequence[FusedReport],
    sources: Mapping[str, Source | None],
    casualties: Callable[[Sequence[CasualtyCount]], str],
) -> Html:
    """Each source's figures side by side: the record's, then each fused report's."""
    rows = [(record_label(incident.id, dataset), _toll(incident.fatalities, ""))]
    for report in fused:
        titles = "; ".join(
            (s.title if (s := sources.get(i)) is not None else i) for i in report.source_ids
        )
        where = ", ".join(p for p in (report.date_label, report.place_name) if p)
        toll = _toll(report.fatalities, casualties(report.casualties), where)
        rows.append((titles or report.incident_id, toll))
    return _FIGURES.format(
        label=sources_label(incident, dataset, sources),
        rows=Html().join(_ROW.format(k, v) for k, v in rows),
    )


def _toll(fatalities: int | None, breakdown: str, where: str = "") -> str:
    killed = "fatalities not reported" if fatalities is None else f"{fatalities} killed"
    return " — ".join(part for part in (killed, breakdown, where) if part)
