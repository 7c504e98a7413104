"""Tests for dashboard.briefs: a period's brief, its PDF read back, hostile text kept as text."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from fixture_store import SOTK_ID, XSS_ID, XSS_TEXT, XSS_TITLE, seed_fixture_store

from dashboard.briefs import brief_bytes, build_brief, write_brief
from dashboard.briefs.render import md_text
from dashboard.cli import main
from dashboard.geo.layers import load_border
from dashboard.query import IncidentFilter
from dashboard.store import open_store

DASHBOARD = "https://dashboard.example/"
# The fixture's incidents from September 2022 to June 2023 (all synthetic: asked for).
PERIOD = IncidentFilter(
    date_from=date(2022, 9, 1), date_to=date(2023, 6, 30), include_synthetic=True
)


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def brief(store):
    seed_fixture_store(store)
    return build_brief(store, load_border("am-az"), PERIOD, dashboard_url=DASHBOARD)


def test_a_brief_holds_the_figures_the_incidents_and_the_change(brief) -> None:
    assert brief.title == ("Incidents on the Armenia–Azerbaijan border, 2022-09-01 – 2023-06-30")
    assert brief.filters == "synthetic (test) data included"
    assert brief.summary.incidents == len(brief.incidents) > 0
    assert brief.incidents[0].id == XSS_ID  # newest first
    assert brief.incidents[-1].id == SOTK_ID
    assert len({i.id for i in brief.incidents}) == len(brief.incidents)
    sotk = brief.incidents[-1]
    assert sotk.excerpt and sotk.excerpt in (
        "Overnight, Azerbaijani forces opened fire on positions near Sotk in Gegharkunik."
    )
    assert sotk.link == f"{DASHBOARD}?incident={SOTK_ID}"
    assert brief.previous == (date(2021, 11, 2), date(2022, 8, 31))
    assert brief.table_unit == "month"
    assert "Gegharkunik – Kalbajar" in brief.segment_table.index
    assert brief.map_png and brief.map_png.startswith(b"\x89PNG")
    assert {s["title"] for s in brief.sources} >= {"Shelling near Sotk", XSS_TITLE}


def test_the_pdf_read_back_holds_the_figures_and_every_excerpt(brief, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is needed: .ci/run installs it")
    pdf = tmp_path / "brief.pdf"
    write_brief(brief, "pdf", pdf)
    text = _words(
        subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
        ).stdout.decode("utf-8")
    )
    s = brief.summary
    assert f"Incidents {s.incidents}" in text
    assert f"Fatalities {s.fatalities} (reported for {s.fatalities_reported})" in text
    assert f"Reports {s.reports}" in text
    for incident in brief.incidents:
        if incident.excerpt:
            assert _words(incident.excerpt) in text, incident.id
    # Hostile source text is printed as the characters it is.
    assert "<script>window.__bw_xss=3</script>" in text


def test_hostile_text_stays_text_in_html_and_markdown(brief) -> None:
    html = brief_bytes(brief, "html").decode("utf-8")
    assert "<script" not in html
    assert "onerror=" not in html.replace("onerror=&#34;", "").replace("onerror=&quot;", "")
    assert "&lt;script&gt;window.__bw_xss=3&lt;/script&gt;" in html
    markdown = brief_bytes(brief, "md").decode("utf-8")
    assert "<script" not in markdown
    assert "<img" not in markdown
    assert md_text(XSS_TEXT.split(" and ")[0]) in markdown


def test_markdown_text_cannot_become_a_link_or_a_heading() -> None:
    assert md_text("[click](javascript:alert(1))") == r"\[click\]\(javascript:alert\(1\)\)"
    assert md_text("# not a heading") == r"\# not a heading"
    assert md_text("a <b> & c") == "a &lt;b&gt; &amp; c"


def test_markdown_writes_its_map_beside_it(brief, tmp_path: Path) -> None:
    out = tmp_path / "brief.md"
    written = write_brief(brief, "md", out)
    assert written == [out, tmp_path / "brief.map.png"]
    assert "![Map of the period](brief.map.png)" in out.read_text("utf-8")


def test_brief_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fixture.sqlite'}"
    runner = CliRunner()
    missing = runner.invoke(main, ["brief", "--out", str(tmp_path / "b.html"), "--url", url])
    assert missing.exit_code != 0
    assert "--from and --to" in missing.output
    with open_store(url, upgrade=True) as opened:
        seed_fixture_store(opened)
    out = tmp_path / "b.html"
    args = ["brief", "--from", "2022-09-01", "--to", "2023-06-30", "--include-synthetic"]
    done = runner.invoke(main, [*args, "--out", str(out), "--url", url])
    assert done.exit_code == 0, done.output
    assert re.search(r"wrote a brief of \d+ incidents", done.output)
    assert "Sotk" in out.read_text("utf-8")
