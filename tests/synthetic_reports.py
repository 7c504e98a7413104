"""Many small synthetic reports with a known answer, and the store checks the hard tests share.

Each report is one made-up sentence, "On {day} {month} {year} troops opened fire on
positions in {province}.", with metadata marking it synthetic (publisher ``synthetic``).
The (date, province) pairs are distinct, a province's dates two days apart (the store
merges reports of one province on the same or the next day as one event) and the provinces
all on one side (it also merges the two sides of a segment on one day), so every report
yields exactly one new incident and the expected incident count of a folder is its report
count. Used by
``test_concurrency.py`` and ``test_crash.py`` (writers run ``borderwatch ingest`` in a
subprocess with :func:`ingest_command`).
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, text

# Armenian provinces the gazetteer knows by these English names. One side only: the store
# merges same-day reports from the two sides of a shared border segment as one clash, so a
# Tavush report and a Tovuz report of one day would be one incident, not two.
PROVINCES = (
    "Tavush",
    "Syunik",
    "Gegharkunik",
    "Vayots Dzor",
    "Ararat",
    "Armavir",
    "Lori",
    "Shirak",
    "Kotayk",
    "Aragatsotn",
)
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
YEARS = (2019, 2020, 2021, 2022)


def _pairs() -> itertools.product:
    return itertools.product(YEARS, MONTHS, range(1, 29, 2), PROVINCES)


def write_reports(folder: Path, count: int, start: int = 0) -> list[Path]:
    """Write reports ``start`` .. ``start + count - 1`` into ``folder``, each with metadata."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    pairs = itertools.islice(_pairs(), start, start + count)
    for number, (year, month, day, province) in enumerate(pairs, start):
        path = folder / f"report-{number:05d}.txt"
        path.write_text(
            f"On {day} {month} {year} troops opened fire on positions in {province}.",
            encoding="utf-8",
        )
        meta = {
            "title": f"Synthetic report {number}",
            "published": f"{year + 1}-01-01",
            "publisher": "synthetic",
            "language": "en",
        }
        path.with_name(f"{path.stem}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
        paths.append(path)
    return paths


def ingest_command(*paths: Path) -> list[str]:
    """``borderwatch ingest PATHS`` run by this interpreter (so a test can kill it)."""
    return [
        sys.executable,
        "-c",
        "from dashboard.cli import main; main()",
        "ingest",
        *map(str, paths),
    ]


def subprocess_env(url: str) -> dict[str, str]:
    """The environment of a writer subprocess: the test's database, nothing else changed."""
    return {**os.environ, "BORDERWATCH_DATABASE_URL": url}


def run_ingest(url: str, *paths: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``borderwatch ingest`` to the end; its output kept for messages."""
    return subprocess.run(
        ingest_command(*paths),
        env=subprocess_env(url),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


# Every visible incident must have a citation, each citation its source, and every
# incident at least one excerpt: a half-written document would break one of these.
ORPHAN_QUERIES = {
    "incidents without a citation": """
        SELECT count(*) FROM incidents i
        WHERE NOT EXISTS (SELECT 1 FROM citations c WHERE c.incident_id = i.id)""",
    "incidents without an excerpt": """
        SELECT count(*) FROM incidents i
        WHERE NOT EXISTS (SELECT 1 FROM excerpts e WHERE e.incident_id = i.id)""",
    "citations without their source": """
        SELECT count(*) FROM citations c
        WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.id = c.source_id)""",
    "incidents without a province": """
        SELECT count(*) FROM incidents i
        WHERE NOT EXISTS (SELECT 1 FROM incident_provinces p WHERE p.incident_id = i.id)""",
    "sources citing no incident": """
        SELECT count(*) FROM sources s
        WHERE NOT EXISTS (SELECT 1 FROM citations c WHERE c.source_id = s.id)""",
}


def integrity_problems(engine: Engine, *, every_source_cited: bool = True) -> list[str]:
    """What is wrong with the store, in one consistent read; empty when all is well.

    ``every_source_cited``: every source yields at least one incident with an
    excerpt and a province (true of :func:`write_reports`); off, only dangling
    citations are checked (imports have no excerpts). SQLite also runs ``PRAGMA integrity_check``.
    """
    problems = []
    with engine.connect() as conn, conn.begin():
        if engine.dialect.name == "sqlite":
            verdict = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
            if verdict != ["ok"]:
                problems.append(f"integrity_check: {verdict[:5]}")
        for name, sql in ORPHAN_QUERIES.items():
            if name != "citations without their source" and not every_source_cited:
                continue
            found = conn.execute(text(sql)).scalar_one()
            if found:
                problems.append(f"{found} {name}")
        duplicates = conn.execute(
            text("SELECT count(*) - count(DISTINCT content_hash) FROM sources")
        ).scalar_one()
        if duplicates:
            problems.append(f"{duplicates} duplicate sources by content hash")
    return problems


def counts(engine: Engine) -> tuple[int, int]:
    """(sources, incidents), read by one statement (one snapshot on either backend)."""
    sql = "SELECT (SELECT count(*) FROM sources), (SELECT count(*) FROM incidents)"
    with engine.connect() as conn:
        sources, incidents = conn.execute(text(sql)).one()
    return sources, incidents
