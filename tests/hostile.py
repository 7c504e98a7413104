"""Malformed and hostile input files, generated (never stored in the repository).

:func:`report_corpus` writes report files (.txt/.md/.html/.json) that are
broken in the ways real folders are: wrong encodings, binary files with report
extensions, a 10 MB single line, JSON of the wrong shape, metadata with
impossible dates, HTML full of scripts. :func:`table_corpus` does the same for
structured imports (CSV, GeoJSON). Each entry says whether the file must fail
(``"bad"``), must be stored (``"good"``) or may go either way as long as it is
handled (``"either"``): a cp1251 report, say, may be decoded or refused, but
never crash the run.
"""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass
from pathlib import Path

GOOD_TEXT = "On {day} September 2022 troops opened fire on positions in {province}."
GOOD_PROVINCES = ("Tavush", "Syunik", "Gegharkunik", "Kalbajar", "Lachin", "Gadabay")
SYNTHETIC_META = {"title": "Synthetic", "published": "2022-09-30", "publisher": "synthetic"}
TEN_MB = 10 * 1024 * 1024


@dataclass(frozen=True)
class Case:
    path: Path
    expect: str  # "good", "bad" or "either"


def good_report(day: int, province: str) -> str:
    return GOOD_TEXT.format(day=day, province=province)


def _write(path: Path, data: bytes | str, meta: dict | None = None) -> Path:
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    if meta is not None:
        path.with_name(f"{path.stem}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return path


def report_corpus(folder: Path) -> list[Case]:
    """Write the hostile report corpus, with good reports between the bad ones."""
    folder.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []
    text = good_report(3, "Syunik")

    def add(name: str, data: bytes | str, expect: str, meta: dict | None = SYNTHETIC_META) -> None:
        cases.append(Case(_write(folder / name, data, meta), expect))

    # Good reports, one per day so each is its own incident.
    for day, province in enumerate(GOOD_PROVINCES, start=10):
        add(f"good-{day}.txt", good_report(day, province), "good")
    add("good.md", f"# Synthetic\n\n{good_report(20, 'Ararat')}\n", "good")
    add(
        "good.html",
        f"<html><body><article><p>{good_report(21, 'Tovuz')}</p></article></body></html>",
        "good",
    )
    add(
        "good.json",
        json.dumps({**SYNTHETIC_META, "text": good_report(22, "Agstafa")}),
        "good",
        meta=None,
    )
    # Encodings.
    add("bom.txt", codecs.BOM_UTF8 + good_report(23, "Kazakh").encode(), "either")
    add("cp1251.txt", "На 3 сентября 2022 обстрел в Сюнике.".encode("cp1251"), "either")
    add("utf16.txt", good_report(24, "Zangilan").encode("utf-16"), "either")
    add("utf16-nobom.txt", good_report(25, "Qubadli").encode("utf-16-le"), "either")
    add("invalid-utf8.txt", b"On 3 September \xff\xfe\xc3\x28 troops " + b"\x80" * 40, "either")
    add("truncated-utf8.txt", text.encode()[:-1] + "ü".encode()[:1], "either")
    # Binary files wearing report extensions.
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20
    for suffix in (".txt", ".md", ".html", ".json"):
        add(f"binary{suffix}", png, "bad")
    add("nul.txt", b"\x00" * 4096, "bad")
    add("elf.md", b"\x7fELF\x02\x01\x01" + b"\x00" * 500, "bad")
    # Empty and blank.
    add("empty.txt", b"", "bad")
    add("blank.md", b"   \n\t\n  ", "bad")
    # A 10 MB single line (under the size limit, so it is read: must still be quick).
    add("long-line.txt", ("troops " * (TEN_MB // 7)).encode(), "either")
    # JSON of the wrong shape.
    for name, value in {
        "number.json": "42",
        "string.json": '"just a string"',
        "null.json": "null",
        "list-of-numbers.json": "[1, 2, 3]",
        "text-is-number.json": json.dumps({"title": "x", "text": 5}),
        "text-is-list.json": json.dumps({"title": "x", "text": ["a", "b"]}),
        "no-text.json": json.dumps({"title": "Synthetic"}),
        "truncated.json": json.dumps({**SYNTHETIC_META, "text": text})[:-7],
        "deep.json": "[" * 100_000 + "]" * 100_000,
        "trailing-garbage.json": json.dumps({**SYNTHETIC_META, "text": text}) + "}}}",
    }.items():
        add(name, value, "bad", meta=None)
    add(
        "mixed-list.json",
        json.dumps([{**SYNTHETIC_META, "text": good_report(26, "Lachin")}, {"text": 7}, "x"]),
        "either",
        meta=None,
    )
    # Metadata that lies: impossible and future dates, wrong types.
    for name, published in {
        "date-zero.txt": "0000-00-00",
        "date-future.txt": "2099-01-01",
        "date-31feb.txt": "2022-02-31",
        "date-garbage.txt": "yesterday-ish",
    }.items():
        add(name, text, "either", meta={**SYNTHETIC_META, "published": published})
    add("meta-is-list.txt", text, "either", meta=None)
    (folder / "meta-is-list.meta.json").write_text("[1, 2]", encoding="utf-8")
    add("meta-broken.txt", text, "either", meta=None)
    (folder / "meta-broken.meta.json").write_bytes(b'{"title": \xff')
    # HTML full of scripts and iframes: the script text must never become report text.
    hostile_html = (
        "<html><head><script>alert('x');document.write('troops opened fire in Tavush')"
        "</script><style>p{}</style></head><body><iframe src='javascript:alert(1)'></iframe>"
        f"<p onclick='evil()'>{good_report(27, 'Vayots Dzor')}</p>"
        "<script>fetch('//evil')</script><img src=x onerror=alert(1)>"
        "<svg><script>alert(2)</script></svg></body></html>"
    )
    add("scripts.html", hostile_html, "either")
    add("unclosed.html", "<html><body><p>" + "<div>" * 5000 + text, "either")
    return cases
