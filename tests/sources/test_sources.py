"""Reading report files into sources: formats, encodings, metadata, hostile input, discovery.

Every fixture is either the shipped sample (``samples/reports/``) or text made up
for the test and marked as such ("SYNTHETIC"): no invented news.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import time
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from dashboard import sources
from dashboard.models import SYNTHETIC_PUBLISHER, SourceKind, content_hash
from dashboard.sources import (
    MISSING_DATE_WARNING,
    SkippedPath,
    SourceDocument,
    SourceError,
    discover,
    read_source,
    read_source_items,
    read_sources,
)

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples" / "reports"
SAMPLE = SAMPLES / "csto-border-incident-2021-07-03.txt"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"
TODAY = date(2025, 1, 1)

EN = "SYNTHETIC TEST TEXT. Nothing in this made-up sentence happened."
RU = "СИНТЕТИЧЕСКИЙ ТЕСТ. Ничего из этого выдуманного текста не происходило."
HY = "ՍԻՆԹԵՏԻԿ ԹԵՍՏ. Այս հորինված տեքստից ոչինչ տեղի չի ունեցել."
AZ = "SİNTETİK TEST. Bu uydurma mətndə heç nə baş verməyib, hər şey test üçündür."
META = {"title": "Synthetic title", "publisher": SYNTHETIC_PUBLISHER, "language": "en"}


def write(folder: Path, name: str, content: bytes | str, meta: dict | None = None) -> Path:
    """Write a fixture file (and its NAME.meta.json when ``meta`` is given)."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    if meta is not None:
        sources.meta_path_for(path).write_text(json.dumps(meta), encoding="utf-8")
    return path


def read_one(path: Path, **kwargs) -> SourceDocument:
    (document,) = read_source(path, today=TODAY, **kwargs)
    return document


def read_error(path: Path, **kwargs) -> SourceError:
    with pytest.raises(SourceError) as caught:
        read_source(path, today=TODAY, **kwargs)
    assert str(caught.value).startswith(str(path)), "the message must name the file"
    return caught.value


# ------------------------------------------------------------------ the sample


def test_shipped_sample_reads_with_its_metadata():
    document = read_one(SAMPLE)
    source = document.source
    assert source.title == (
        "The CSTO sees the situation in the south of Armenia as a border incident with Azerbaijan"
    )
    assert source.published == date(2021, 7, 3)
    assert source.language == "en"
    assert source.publisher == "Public Radio of Armenia (reporting TASS)"
    assert source.url.startswith("https://en.armradio.am/2021/07/03/")
    assert source.kind is SourceKind.REPORT
    assert source.text == SAMPLE.read_text(encoding="utf-8")
    assert document.warnings == ()


def test_shipped_sample_id_is_stable_across_reads_and_copies(tmp_path: Path):
    first = read_one(SAMPLE).source
    shutil.copy(SAMPLE, tmp_path / SAMPLE.name)
    shutil.copy(sources.meta_path_for(SAMPLE), tmp_path)
    copied = read_one(tmp_path / SAMPLE.name).source
    assert first.id == read_one(SAMPLE).source.id == copied.id
    assert first.content_hash == content_hash(first.text, first.url)
    assert first.id == "src-" + first.content_hash[:16]


def test_shipped_sample_folder_gives_one_report_and_notes_its_readme():
    results = list(read_sources([SAMPLES], today=TODAY))
    skipped = [r for r in results if isinstance(r, SkippedPath)]
    documents = [r for r in results if isinstance(r, SourceDocument)]
    assert SAMPLE.name in [d.path.name for d in documents]
    assert "README.md" in [s.path.name for s in skipped]
    assert all(isinstance(r, SourceDocument | SkippedPath) for r in results), results


# -------------------------------------------------------------------- formats

FORMATS = [
    # name, content, sidecar metadata, expected fields
    (
        "plain.txt",
        f"{EN}\nSecond line.\n",
        {**META, "published": "2021-07-03", "url": "https://example.org/a"},
        {
            "title": "Synthetic title",
            "published": date(2021, 7, 3),
            "text": f"{EN}\nSecond line.\n",
        },
    ),
    (
        "front.md",
        f"---\ntitle: Synthetic Markdown\ndate: 2021-07-03\nlanguage: EN\nnote: ignored\n---\n"
        f"# Heading\n\n{EN}\n",
        None,
        {
            "title": "Synthetic Markdown",
            "published": date(2021, 7, 3),
            "language": "en",
            "text": f"# Heading\n\n{EN}\n",
        },
    ),
    (
        "bare.md",
        f"\n## Synthetic heading\n{EN}",
        {"published": "2021-07-03T10:00:00Z", "language": "en"},
        {
            "title": "Synthetic heading",
            "published": date(2021, 7, 3),
            "text": f"\n## Synthetic heading\n{EN}",
        },
    ),
    (
        "one.json",
        json.dumps({**META, "published": "2021-07-03", "text": EN, "note": "ignored"}),
        None,
        {"title": "Synthetic title", "published": date(2021, 7, 3), "text": EN},
    ),
    (
        "dated.txt",
        EN,
        {**META, "published": "2021-07-03T23:30:00-05:00"},  # the date as written, not UTC's
        {"published": date(2021, 7, 3)},
    ),
]


@pytest.mark.parametrize(("name", "content", "meta", "expected"), FORMATS)
def test_each_format_reads_text_and_metadata(tmp_path, name, content, meta, expected):
    source = read_one(write(tmp_path, name, content, meta)).source
    for field, value in expected.items():
        assert getattr(source, field) == value, field


def test_front_matter_and_metadata_file_merge_field_by_field(tmp_path: Path):
    path = write(
        tmp_path,
        "both.md",
        f"---\ntitle: From front matter\npublisher: synthetic\npublished: 2020-01-02\n---\n{EN}",
        {"title": "From the metadata file", "language": "en"},
    )
    source = read_one(path).source
    assert source.title == "From the metadata file"  # the file beside wins
    assert (source.publisher, source.published) == ("synthetic", date(2020, 1, 2))


def test_json_list_gives_one_document_per_item(tmp_path: Path):
    items = [{**META, "published": f"2021-07-0{day}", "text": f"{EN} {day}"} for day in (1, 2)]
    documents = read_source(write(tmp_path, "list.json", json.dumps(items)), today=TODAY)
    assert [d.item for d in documents] == [0, 1]
    assert [d.source.published.day for d in documents] == [1, 2]
    assert documents[0].source.id != documents[1].source.id


def test_html_keeps_main_text_and_drops_scripts_and_boilerplate():
    document = read_one(FIXTURES / "synthetic-page.html")
    source = document.source
    assert "LEAK" not in source.text
    assert "SYNTHETIC TEST FIXTURE" in source.text
    assert source.title == "Synthetic headline for the HTML reader test"  # og:title
    assert source.published == date(2021, 5, 13)  # article:published_time, as written
    assert source.url == "https://example.org/synthetic/page"  # the canonical link
    assert (source.publisher, source.language) == ("synthetic", "en")
    assert document.warnings == ()


def test_html_junk_metadata_is_ignored_with_warnings(tmp_path: Path):
    page = (
        '<html><head><meta property="article:published_time" content="0000-00-00">'
        '<link rel="canonical" href="javascript:alert(1)"></head>'
        f"<body><article><p>{EN} It is long enough for the extractor to keep.</p></article>"
        "</body></html>"
    )
    document = read_one(write(tmp_path, "junk.html", page))
    assert document.source.published is None and document.source.url is None
    assert any("published" in w and "year 0" in w for w in document.warnings)
    assert any("url" in w and "http(s)" in w for w in document.warnings)
    assert MISSING_DATE_WARNING in document.warnings


# ------------------------------------------------------------------ encodings

ENCODINGS = [
    ("utf-8", EN.encode(), EN),
    ("utf-8 BOM", b"\xef\xbb\xbf" + RU.encode(), RU),
    ("utf-16 LE BOM", "\ufeff".encode("utf-16-le") + RU.encode("utf-16-le"), RU),
    ("utf-16 BE BOM", "\ufeff".encode("utf-16-be") + HY.encode("utf-16-be"), HY),
    ("utf-16 LE no BOM", EN.encode("utf-16-le"), EN),
    ("utf-16 BE no BOM", RU.encode("utf-16-be"), RU),
    ("utf-32 LE BOM", "\ufeff".encode("utf-32-le") + AZ.encode("utf-32-le"), AZ),
    ("cp1251", RU.encode("cp1251"), RU),
    ("CRLF", b"line one\r\nline two\r\n", "line one\nline two\n"),
    ("CR", b"line one\rline two\r", "line one\nline two\n"),
    ("NFD to NFC", unicodedata.normalize("NFD", AZ).encode(), unicodedata.normalize("NFC", AZ)),
]


@pytest.mark.parametrize(("label", "data", "text"), ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_encodings_are_detected_and_text_normalised(tmp_path, label, data, text):
    assert read_one(write(tmp_path, "enc.txt", data, META)).source.text == text


def test_same_text_in_any_encoding_has_the_same_id(tmp_path: Path):
    ids = {
        read_one(write(tmp_path, f"{codec}.txt", RU.encode(codec), META)).source.id
        for codec in ("utf-8", "utf-8-sig", "utf-16", "cp1251")
    }
    assert len(ids) == 1


# ----------------------------------------------------------------- bad input

_rng = random.Random(7)
RANDOM_BYTES = bytes(_rng.randrange(1, 256) for _ in range(4096))

BAD_FILES = [
    # label, file name, content, sidecar metadata, message pattern
    ("invalid utf-8", "bad.txt", f"{RU}\nok ".encode() + b"\xff" + RU.encode(), None,
     r"not valid UTF-8 \(byte 0xff"),
    ("latin-1", "latin.txt", "Synthétique: café déjà vu, élève à l'école.".encode("latin-1"),
     None, r"neither UTF-8 .* nor Cyrillic cp1251"),
    ("png with .txt", "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), None,
     r"looks binary"),
    ("random bytes", "noise.txt", RANDOM_BYTES, None, r"looks binary \(\d+ control bytes\)"),
    ("control characters", "ctl.txt", bytes(range(1, 9)) * 20 + b"text", None, r"looks binary"),
    ("odd utf-16", "odd.txt", b"\xff\xfe" + EN.encode("utf-16-le") + b"x", None,
     r"starts with a utf-16-le BOM but is not valid utf-16-le"),
    ("bad after utf-8 BOM", "bombad.txt", b"\xef\xbb\xbf" + EN.encode() + b"\xff", None,
     r"starts with a utf-8 BOM but is not valid utf-8 \(at byte 66\)"),
    ("utf-16 without BOM, odd length", "odd16.txt", EN.encode("utf-16-le")[:-1], None,
     r"looks binary"),
    ("empty", "empty.txt", b"", None, r"has no text"),
    ("blank", "blank.md", b" \n\t\r\n", None, r"has no text"),
    ("bom only", "bom.txt", b"\xef\xbb\xbf", None, r"has no text"),
    ("unsupported", "report.pdf", b"%PDF-1.7", None, r"unsupported file type '.pdf'"),
    ("front matter unclosed", "open.md", f"---\ntitle: x\n{EN}\n", None, r"never closed"),
    ("front matter malformed", "yaml.md", f"---\ntitle: ok\nlanguage: [en\n---\n{EN}", None,
     r"malformed YAML front matter"),
    ("front matter a list", "list.md", f"---\n- a\n- b\n---\n{EN}", None, r"key: value"),
    ("front matter bad date", "date.md", f"---\npublished: 2021-02-31\n---\n{EN}", None,
     r"front matter field 'published': '2021-02-31' is not a real date"),
    ("metadata not JSON", "m1.txt", EN, "{title: x", r"metadata file m1.meta.json: not JSON"),
    ("metadata a list", "m2.txt", EN, [], r"m2.meta.json: expected a JSON object, got a list"),
    ("json syntax", "syntax.json", '{"text": "x",\n "title": }', None, r"not JSON"),
    ("json number", "number.json", "42", None, r"got a number"),
    ("json string", "string.json", '"text"', None, r"got a string"),
    ("json empty list", "nothing.json", "[]", None, r"empty list"),
    ("json no text", "notext.json", json.dumps({"title": "x"}), None, r'needs a "text" string'),
    ("json text number", "textnum.json", json.dumps({"text": 5}), None, r'"text" is a number'),
    ("json text empty", "textempty.json", json.dumps({"text": "  "}), None, r"has no text"),
    ("json deep", "deep.json", "[" * 100_000, None, r"nested too deeply"),
    ("json NUL", "nul.json", json.dumps({"text": "a\u0000b"}), None, r"NUL characters"),
    ("json surrogate", "sur.json", '{"text": "a\\ud800b"}', None, r"unpaired surrogate"),
    ("html only scripts", "scripts.html",
     "<html><head><script>var a = 1;</script></head><body>" + "<iframe>x</iframe>" * 50
     + "<script>alert(1)</script></body></html>", None, r"no main text"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("label", "name", "content", "meta", "pattern"), BAD_FILES, ids=[b[0] for b in BAD_FILES]
)
def test_bad_files_give_a_clear_error_naming_the_file(
    tmp_path, label, name, content, meta, pattern
):
    path = write(tmp_path, name, content)
    if meta is not None:
        meta_file = sources.meta_path_for(path)
        meta_file.write_text(meta if isinstance(meta, str) else json.dumps(meta), encoding="utf-8")
    error = read_error(path)
    assert error.path == path
    assert re.search(pattern, error.problem), error.problem
    (as_value,) = read_source_items(path, today=TODAY)  # the lenient reader never raises
    assert isinstance(as_value, SourceError) and str(as_value) == str(error)


def test_errors_carry_the_line_where_known(tmp_path: Path):
    bad_utf8 = write(tmp_path, "l.txt", f"{RU}\n{RU}\n".encode() + b"\xc3(" + RU.encode())
    assert read_error(bad_utf8).line == 3
    yaml_md = write(tmp_path, "l.md", f"---\ntitle: ok\nlanguage: [en\n---\n{EN}")
    assert read_error(yaml_md).line in {3, 4}  # libyaml marks the line it gave up on
    unclosed = write(tmp_path, "u.md", f"---\ntitle: x\n{EN}")
    assert read_error(unclosed).line == 1
    json_file = write(tmp_path, "l.json", '{"text": "x",\n\n "title": }')
    assert read_error(json_file).line == 3


BAD_META = [
    ("published", "0000-00-00", r"not a real date \(year 0 is out of range\)"),
    ("published", "2021-02-31", r"day is out of range for month"),
    ("published", "2021-13-01", r"month must be in 1..12"),
    ("published", "2099-01-01", r"in the future"),
    ("published", "1899-12-31", r"before 1900"),
    ("published", "yesterday", r"not an ISO date"),
    ("published", "20210703", r"not an ISO date"),
    ("published", "2021-07-03T25:00", r"not a real date"),
    ("published", 20210703, r"expected a date string"),
    ("url", "javascript:alert(1)", r"not an http\(s\) address"),
    ("url", "/relative/path", r"not an http\(s\) address"),
    ("language", "english!", r"not a language code"),
    ("publisher", "x" * 201, r"over the 200 limit"),
    ("title", 5, r"expected a string, got int"),
    ("title", "   ", r"is empty"),
    ("title", "bell \u0007", r"control characters"),
]


@pytest.mark.parametrize(("field", "value", "pattern"), BAD_META)
def test_bad_metadata_values_are_errors_naming_file_and_field(tmp_path, field, value, pattern):
    path = write(tmp_path, "m.txt", EN, {**META, field: value})
    problem = read_error(path).problem
    assert problem.startswith(f"metadata file m.meta.json: field '{field}': ")
    assert re.search(pattern, problem), problem


def test_a_day_in_the_future_is_allowed_for_time_zones(tmp_path: Path):
    path = write(tmp_path, "tz.txt", EN, {**META, "published": "2021-07-03"})
    assert read_one(path).source.published == date(2021, 7, 3)
    (document,) = read_source(path, today=date(2021, 7, 2))
    assert document.source.published == date(2021, 7, 3)
    with pytest.raises(SourceError, match="in the future"):
        read_source(path, today=date(2021, 7, 1))


def test_json_list_keeps_good_items_and_names_bad_ones(tmp_path: Path):
    items = [
        {**META, "published": "2021-07-03", "text": EN},
        "not an object",
        {"text": 5},
        {**META, "published": "2021-02-31", "text": EN},
        {**META, "text": RU},
    ]
    path = write(tmp_path, "mixed.json", json.dumps(items))
    results = read_source_items(path, today=TODAY)
    assert [type(r).__name__ for r in results] == [
        "SourceDocument", "SourceError", "SourceError", "SourceError", "SourceDocument",
    ]  # fmt: skip
    assert [r.item for r in results] == [0, 1, 2, 3, 4]
    assert str(results[3]).startswith(f"{path}: item [3]: field 'published'")
    with pytest.raises(SourceError, match=r"3 of 5 items cannot be read") as caught:
        read_source(path, today=TODAY)
    assert caught.value.item == 1


def test_json_source_takes_no_metadata_file(tmp_path: Path):
    path = write(tmp_path, "x.json", json.dumps({"text": EN}))
    meta = write(tmp_path, "other.meta.json", "{}")
    assert "carries its own metadata" in read_error(path, meta_path=meta).problem


def test_explicit_metadata_file_is_used_and_must_exist(tmp_path: Path):
    path = write(tmp_path, "x.txt", EN)
    meta = write(tmp_path, "elsewhere.json", json.dumps({**META, "title": "Explicit"}))
    assert read_one(path, meta_path=meta).source.title == "Explicit"
    assert "cannot be opened" in read_error(path, meta_path=tmp_path / "missing.json").problem


def test_too_big_a_file_is_refused_before_reading(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 100)
    assert "over the 100-byte limit" in read_error(write(tmp_path, "big.txt", "x" * 101)).problem


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_refused_without_hanging(tmp_path: Path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert "not a regular file" in read_error(fifo).problem


# -------------------------------------------------------------- huge lines


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("huge.txt", lambda line: line),
        ("huge.md", lambda line: "---\n" + line),  # a front matter that never closes
        ("huge.json", lambda line: json.dumps([{"text": line}])),
    ],
)
def test_a_ten_megabyte_single_line_is_read_quickly(tmp_path, name, make):
    line = "SYNTHETIC " * 1_000_000
    path = write(tmp_path, name, make(line))
    started = time.perf_counter()
    results = read_source_items(path, today=TODAY)
    assert time.perf_counter() - started < 2.0
    (result,) = results
    if name == "huge.md":
        assert isinstance(result, SourceError) and "never closed" in result.problem
    else:
        assert result.source.text == line
        assert len(result.source.title) == 200


# ------------------------------------------------------- warnings and guesses

GUESSES = [(EN, "en"), (RU, "ru"), (HY, "hy"), (AZ, "az"), ("2021 — 2022.", None)]


@pytest.mark.parametrize(("text", "language"), GUESSES)
def test_language_is_guessed_from_letters_and_flagged(tmp_path, text, language):
    document = read_one(write(tmp_path, "g.txt", text))
    assert document.source.language == language
    assert any(w.startswith(("language guessed", "no language")) for w in document.warnings)


def test_missing_date_and_title_are_warnings_not_errors(tmp_path: Path):
    document = read_one(write(tmp_path, "bare.txt", f"\n\n  {EN}  \nmore"))
    assert document.source.published is None
    assert document.source.title == EN
    assert MISSING_DATE_WARNING in document.warnings
    assert "no title in the metadata: the first line is used" in document.warnings


def test_title_falls_back_to_the_file_name(tmp_path: Path):
    document = read_one(write(tmp_path, "named-report.txt", " " * 5000 + EN))
    assert document.source.title == "named-report"


# -------------------------------------------------------------- identities


def test_id_depends_on_text_and_url_only(tmp_path: Path):
    def source_with(text: str, **meta) -> str:
        return read_one(write(tmp_path, "id.txt", text, {**META, **meta})).source.id

    base = source_with(EN, url="https://example.org/a")
    assert source_with(EN, url="https://example.org/a", title="Corrected title") == base
    assert source_with(EN, url="https://example.org/a", published="2021-07-03") == base
    assert source_with(EN, url="https://example.org/b") != base
    assert source_with(EN + ".", url="https://example.org/a") != base


# ----------------------------------------------------------------- discovery


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A folder of reports with hidden files, sidecars, links in and out, and a loop."""
    root = tmp_path / "root"
    outside = tmp_path / "outside"
    write(outside, "far.txt", EN)
    write(root, "a.txt", EN, META)
    write(root, "b/c.md", EN)
    write(root, "b/d/e.json", json.dumps({"text": EN}))
    write(root, "b/.hidden.txt", EN)
    write(root, ".git/x.txt", EN)
    write(root, "README.md", "# About this folder")
    write(root, "image.png", b"\x89PNG")
    (root / "link-out").symlink_to(outside, target_is_directory=True)
    (root / "link-out.txt").symlink_to(outside / "far.txt")
    (root / "link-in.txt").symlink_to(root / "a.txt")  # the same file again: read once
    (root / "b" / "loop").symlink_to(root, target_is_directory=True)
    (root / "broken.txt").symlink_to(tmp_path / "nowhere.txt")
    return root


def test_discover_walks_sorted_and_skips_hidden_sidecars_and_escapes(tree: Path):
    skipped: list[SkippedPath] = []
    found = [p.relative_to(tree).as_posix() for p in discover([tree], on_skip=skipped.append)]
    assert found == ["a.txt", "b/c.md", "b/d/e.json"]
    reasons = {s.path.relative_to(tree).as_posix(): s.reason for s in skipped}
    assert reasons.keys() == {"README.md", "broken.txt", "image.png", "link-out", "link-out.txt"}
    assert reasons["link-out"].startswith("symlink leads out of")
    assert reasons["broken.txt"] == "broken symlink"


def test_discover_follows_symlinks_out_only_when_asked(tree: Path):
    found = [p.relative_to(tree).as_posix() for p in discover([tree], follow_symlinks=True)]
    assert found == ["a.txt", "b/c.md", "b/d/e.json", "link-out/far.txt"]


def test_discover_names_files_given_explicitly_and_reports_missing_ones(tree: Path):
    skipped: list[SkippedPath] = []
    given = [tree / "README.md", tree / "missing.txt", tree / "a.txt", tree]
    found = [p.name for p in discover(given, on_skip=skipped.append)]
    assert found == ["README.md", "a.txt", "c.md", "e.json"]  # each real file once
    assert any(s.reason == "no such file or folder" for s in skipped)


def test_read_sources_reads_the_good_and_reports_the_rest(tree: Path):
    write(tree, "b/bad.txt", b"\x00\x01binary")
    results = list(read_sources([tree], today=TODAY))
    documents = [
        r.path.relative_to(tree).as_posix() for r in results if isinstance(r, SourceDocument)
    ]
    errors = [r for r in results if type(r) is SourceError]
    skipped = [r for r in results if isinstance(r, SkippedPath)]
    assert documents == ["a.txt", "b/c.md", "b/d/e.json"]
    assert [e.path.name for e in errors] == ["bad.txt"] and "looks binary" in str(errors[0])
    assert len(skipped) == 5


def test_a_metadata_symlink_out_of_the_folder_is_not_followed(tmp_path: Path):
    root = tmp_path / "root"
    write(root, "r.txt", EN)
    secret = write(tmp_path, "secret.json", json.dumps({**META, "title": "Outside"}))
    (root / "r.meta.json").symlink_to(secret)
    (result,) = read_sources([root], today=TODAY)
    assert isinstance(result, SkippedPath) and "symlink leading out of" in result.reason
    assert list(discover([root])) == []  # discovery alone is safe too
    (followed,) = read_sources([root], follow_symlinks=True, today=TODAY)
    assert followed.source.title == "Outside"
