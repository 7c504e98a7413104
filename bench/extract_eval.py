"""How well extraction reads the development corpus: precision, recall and F1 per field.

Run: ``python bench/extract_eval.py [--corpus tests/corpus] [--json]``. Prints
figures, asserts nothing; ``tests/test_extract_eval.py`` holds each figure
just under what the extractor reaches, so a regression fails CI.

The corpus (``tests/corpus/``, see its README) is synthetic reports written to
reproduce what real reports do, each with a label file saying where and when
its main incident happened and what it cost. A report's *main incident* is
the first incident extraction returns (the one its headline and lede carry).

Figures:

- **provinces**, **settlements**: micro precision, recall and F1 of the main
  incident's provinces (both sides) and named places over the incident reports
  on the corpus's own border;
- **date**: share of incident reports with a publication date whose main
  incident's window holds the labelled day (overlaps the labelled window, for
  a span); **undated placed**: reports without one whose main incident is
  placed on a province all the same;
- **killed**: share of reports with a labelled death toll whose main incident
  carries exactly that toll; **casualties by side**: precision, recall and F1
  of the (kind, side, count) figures the main incident gives a side;
- **event type**: share of incident reports whose main incident has the
  labelled ACLED event type (coded as ACLED's coders do: an exchange of fire
  between armies is Battles even when one side mostly shells);
- **talks rejected**: reports with no incident that yield no incident;
- **other borders not placed**: reports from other borders that yield no
  incident placed on a province of this border;
- **incidents per event**: all incident reports ingested into one fresh store,
  stored incidents per distinct labelled event, and the share known only to a
  country; also per event counting the other incidents reports place on a
  province within a week of their main one (news the store should show);
- **speed**: reports extracted per second.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from dashboard.extract import Extraction
from dashboard.gazetteer import load_gazetteer
from dashboard.pipeline import extract_document, ingest
from dashboard.query import load_incident_table
from dashboard.sources import read_source
from dashboard.store import open_store

# An aside this close to its report's main incident is news, not background.
RECENT = timedelta(days=7)
CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus"
BORDER = "am-az"
POINT_KINDS = {"settlement", "landmark"}
# Reports say "Nakhchivan" for the exclave as often as they name its district, and
# labels follow the report: a Nakhchivan district and the exclave count as one place.
SAME_PLACE = dict.fromkeys(
    ("AZ-BAB", "AZ-CUL", "AZ-KAN", "AZ-NV", "AZ-ORD", "AZ-SAD", "AZ-SAH", "AZ-SAR"), "AZ-NX"
)


@dataclass
class Case:
    """One labelled report and what extraction made of it."""

    name: str
    path: Path
    label: dict[str, Any]
    extraction: Extraction | None = None


@dataclass
class Counts:
    """True positives, false positives and false negatives of a set-valued field."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: set[str], expected: set[str]) -> None:
        self.tp += len(predicted & expected)
        self.fp += len(predicted - expected)
        self.fn += len(expected - predicted)

    def scores(self) -> dict[str, float]:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


@dataclass
class Share:
    """How many of the cases that count got it right."""

    hits: int = 0
    cases: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, hit: bool, name: str) -> None:
        self.cases += 1
        self.hits += int(hit)
        if not hit:
            self.misses.append(name)

    def figure(self) -> dict[str, Any]:
        rate = self.hits / self.cases if self.cases else 0.0
        return {"hits": self.hits, "cases": self.cases, "rate": round(rate, 3)}


def load_cases(corpus: Path) -> list[Case]:
    """Every label with its report; a label without a report is an error in the corpus."""
    cases = []
    for label_path in sorted((corpus / "labels").glob("*.json")):
        label = json.loads(label_path.read_text(encoding="utf-8"))
        report = corpus / "reports" / f"{label['report']}.txt"
        if not report.is_file():
            raise SystemExit(f"{label_path}: no report {report}")
        cases.append(Case(label["report"], report, label))
    return cases


def extract_all(cases: list[Case]) -> float:
    """Extract every case (filling ``case.extraction``); returns reports per second."""
    gazetteer = load_gazetteer(BORDER)
    documents = [(case, read_source(case.path)[0]) for case in cases]
    started = time.perf_counter()
    for case, document in documents:
        case.extraction = extract_document(document, gazetteer)
    elapsed = time.perf_counter() - started
    return len(cases) / elapsed if elapsed else float("inf")


def main_incident(case: Case) -> Any | None:
    incidents = case.extraction.incidents if case.extraction else ()
    return incidents[0] if incidents else None


def provinces_of(codes: Iterable[str]) -> set[str]:
    return {SAME_PLACE.get(code, code) for code in codes}


def predicted_provinces(found: Any) -> set[str]:
    return provinces_of(ref.code for ref in found.incident.provinces) if found else set()


def predicted_settlements(found: Any, gazetteer: Any) -> set[str]:
    if found is None:
        return set()
    return {
        gazetteer.place(match.place_id).name.casefold()
        for match in found.places
        if gazetteer.place(match.place_id).kind in POINT_KINDS
    }


def labelled_settlements(
    names: Iterable[str], gazetteer: Any, provinces: Iterable[str] = ()
) -> set[str]:
    """Labelled names as the gazetteer's canonical names where it knows them, else as written.

    A label names a place as the report does ("Agdam", «Кут»): names that need
    context in running text are looked up after a preposition, and a name
    several places share is the one in the label's own provinces.
    """
    where = provinces_of(provinces)
    resolved = set()
    for name in names:
        place = _labelled_place(name, gazetteer, where)
        resolved.add(place.name.casefold() if place else name.casefold())
    return resolved


def _labelled_place(name: str, gazetteer: Any, provinces: set[str]) -> Any | None:
    preposition = "у" if any("а" <= ch.lower() <= "я" for ch in name) else "near"
    for text, offset in ((name, 0), (f"{preposition} {name}", len(preposition) + 1)):
        matches = [
            m
            for m in gazetteer.find(text)
            if m.start == offset and m.matched.casefold() == name.casefold()
        ]
        if matches:
            readings = [matches[0].place_id, *getattr(matches[0], "others", ())]
            places = [gazetteer.place(r) for r in readings]
            inside = [p for p in places if provinces_of([p.province_code or ""]) & provinces]
            return (inside or places)[0]
    return None


def window_holds(found: Any, main: dict[str, Any]) -> bool:
    if found is None:
        return False
    start, end = date.fromisoformat(main["date_start"]), date.fromisoformat(main["date_end"])
    incident = found.incident
    return incident.date_start <= end and start <= incident.date_end


def labelled_toll(main: dict[str, Any]) -> int | None:
    known = [n for n in (main.get("killed") or {}).values() if n is not None]
    return sum(known) if known else None


KINDS = ("killed", "wounded", "captured", "missing")


def labelled_counts(main: dict[str, Any]) -> set[tuple[str, str, int]]:
    """(kind, side, count) for every figure the label gives."""
    return {
        (kind, side, count)
        for kind in KINDS
        for side, count in (main.get(kind) or {}).items()
        if count is not None
    }


def predicted_counts(found: Any) -> set[tuple[str, str, int]]:
    if found is None:
        return set()
    return {
        (c.kind.value, c.side, c.count) for c in found.incident.casualties if c.side is not None
    }


def score(cases: list[Case]) -> dict[str, Any]:
    """Every per-report figure (the store-level ones are :func:`store_figures`)."""
    gazetteer = load_gazetteer(BORDER)
    provinces, settlements, by_side = Counts(), Counts(), Counts()
    dated, killed, talks, elsewhere, undated = Share(), Share(), Share(), Share(), Share()
    typed = Share()
    per_report = []
    for case in cases:
        label, found = case.label, main_incident(case)
        if not label["is_incident"]:
            talks.add(not case.extraction.incidents, case.name)
            continue
        if label["border"] != BORDER:
            placed = any(i.incident.provinces for i in case.extraction.incidents)
            elsewhere.add(not placed, case.name)
            continue
        main = label["main"]
        per_report.append(len(case.extraction.incidents))
        provinces.add(predicted_provinces(found), provinces_of(main["provinces"]))
        settlements.add(
            predicted_settlements(found, gazetteer),
            labelled_settlements(main.get("settlements") or [], gazetteer, main["provinces"]),
        )
        if case.extraction.source.published is not None:
            dated.add(window_holds(found, main), case.name)
        else:
            undated.add(bool(found and found.incident.provinces), case.name)
        by_side.add(predicted_counts(found), labelled_counts(main))
        if found is not None and main.get("event_type"):
            typed.add(found.incident.event_type.value == main["event_type"], case.name)
        toll = labelled_toll(main)
        if toll is not None:
            killed.add(found is not None and found.incident.fatalities == toll, case.name)
    return {
        "reports": len(cases),
        "provinces": provinces.scores(),
        "settlements": settlements.scores(),
        "casualties_by_side": by_side.scores(),
        "date": dated.figure(),
        "undated_placed": undated.figure(),
        "killed": killed.figure(),
        "event_type": typed.figure(),
        "talks_rejected": talks.figure(),
        "other_borders_not_placed": elsewhere.figure(),
        "incidents_per_report": {
            "mean": round(sum(per_report) / len(per_report), 2) if per_report else 0.0,
            "max": max(per_report, default=0),
        },
        "misses": {
            "date": dated.misses,
            "killed": killed.misses,
            "event_type": typed.misses,
            "talks": talks.misses,
        },
    }


def store_figures(cases: list[Case]) -> dict[str, Any]:
    """Ingest every incident report of this border into one fresh store and count what it holds."""
    incident_cases = [c for c in cases if c.label["is_incident"] and c.label["border"] == BORDER]
    events = {c.label["event"] for c in incident_cases}
    all_events = labelled_events(incident_cases)
    with tempfile.TemporaryDirectory() as folder:
        reports = Path(folder) / "reports"
        reports.mkdir()
        for case in incident_cases:
            for suffix in (".txt", ".meta.json"):
                source = case.path.with_name(case.path.stem + suffix)
                if source.is_file():
                    (reports / source.name).write_bytes(source.read_bytes())
        with open_store(f"sqlite:///{Path(folder) / 'eval.sqlite'}", upgrade=True) as store:
            ingest([reports], store, load_gazetteer(BORDER))
            incidents = load_incident_table(store).incidents
    stored = len(incidents)
    country_only = int((incidents["location_precision"] == "country").sum()) if stored else 0
    return {
        "events": len(events),
        "incidents": stored,
        "incidents_per_event": round(stored / len(events), 2) if events else 0.0,
        "events_with_asides": len(all_events),
        "incidents_per_event_with_asides": round(stored / len(all_events), 2)
        if all_events
        else 0.0,
        "country_only_share": round(country_only / stored, 3) if stored else 0.0,
    }


def labelled_events(cases: list[Case]) -> list[tuple[date, date, frozenset[str]]]:
    """Every event the reports are news of: main incidents, and the other incidents they
    place on a province within :data:`RECENT` of their main one (not background).

    Labels name a main event by id only; its window and provinces are taken
    from its first report. An aside that overlaps a known event in time and
    shares a province with it is that event (one report's aside is often
    another's main incident); the rest are counted once each.
    """
    events: list[tuple[date, date, frozenset[str]]] = []
    seen_ids: set[str] = set()
    for case in cases:
        main = case.label["main"]
        if case.label["event"] not in seen_ids:
            seen_ids.add(case.label["event"])
            events.append(_event(main))
    for case in cases:
        main_start = date.fromisoformat(case.label["main"]["date_start"])
        for aside in case.label.get("other_incidents") or []:
            event = _event(aside)
            if not event[2] or abs((event[0] - main_start).days) > RECENT.days:
                continue
            if not any(_same_event(event, known) for known in events):
                events.append(event)
    return events


def _event(label: dict[str, Any]) -> tuple[date, date, frozenset[str]]:
    start = date.fromisoformat(label["date_start"])
    end = date.fromisoformat(label.get("date_end") or label["date_start"])
    return start, end, frozenset(provinces_of(label.get("provinces") or []))


def _same_event(a: tuple[date, date, frozenset[str]], b: tuple[date, date, frozenset[str]]) -> bool:
    near = a[0] <= b[1] + timedelta(days=1) and b[0] <= a[1] + timedelta(days=1)
    return near and bool(a[2] & b[2])


def evaluate(corpus: Path = CORPUS) -> dict[str, Any]:
    cases = load_cases(corpus)
    speed = extract_all(cases)
    figures = score(cases)
    figures["store"] = store_figures(cases)
    figures["reports_per_second"] = round(speed, 1)
    return figures


def print_table(figures: dict[str, Any]) -> None:
    print(f"{figures['reports']} labelled reports, {figures['reports_per_second']} reports/s")
    for name in ("provinces", "settlements", "casualties_by_side"):
        s = figures[name]
        print(f"  {name:<18} P {s['precision']:.2f}  R {s['recall']:.2f}  F1 {s['f1']:.2f}")
    shares = (
        "date",
        "undated_placed",
        "killed",
        "event_type",
        "talks_rejected",
        "other_borders_not_placed",
    )
    for name in shares:
        f = figures[name]
        print(f"  {name:<26} {f['hits']}/{f['cases']} ({f['rate']:.0%})")
    per = figures["incidents_per_report"]
    store = figures["store"]
    print(f"  incidents per report: mean {per['mean']}, max {per['max']}")
    print(
        f"  one store: {store['incidents']} incidents for {store['events']} events "
        f"({store['incidents_per_event']} per event), "
        f"{store['country_only_share']:.0%} known only to a country"
    )
    print(
        f"  counting the recent other incidents reports place too: "
        f"{store['events_with_asides']} events, "
        f"{store['incidents_per_event_with_asides']} per event"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = evaluate(args.corpus)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print_table(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
