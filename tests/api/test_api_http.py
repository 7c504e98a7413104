"""``borderwatch api`` over HTTP: its OpenAPI document, refusals, hostile text, CORS, read-only."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import Message
from typing import Any

import pytest
from fixture_store import SOTK_ID, XSS_ID, XSS_TEXT, XSS_TITLE
from openapi_spec_validator.schemas import openapi_v30_schema_validator
from served_api import api_server, save_news_documents

from dashboard.store import open_store

ORIGIN = "https://maps.example.org"
# Where the OGC publishes the standards' OpenAPI parts (pygeoapi refers to both).
OGC_PUBLISHED = (
    "https://schemas.opengis.net/",
    "http://schemas.opengis.net/",
    "https://raw.githubusercontent.com/opengeospatial/",
)
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("api")
    url = f"sqlite:///{folder / 'news.sqlite'}"
    with open_store(url, upgrade=True) as opened:
        save_news_documents(opened)
    with api_server(url, folder, "--cors-origin", ORIGIN) as served:
        yield served


def _get(url: str, method: str = "GET", **headers: str) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, method=method, headers=headers)
    try:
        with _LOCAL.open(request, timeout=60) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _json(url: str) -> tuple[int, Any]:
    status, _headers, body = _get(url)
    return status, json.loads(body)


def test_the_openapi_document_is_valid_openapi_3_0(base: str) -> None:
    """Checked against openapi-spec-validator's OpenAPI 3.0 schema, with every local
    reference resolved. pygeoapi's document also points at the OGC's published
    parameter and response definitions (schemas.opengis.net); tests never reach
    the internet, so those are checked for where they point, not fetched."""
    status, document = _json(f"{base}/openapi?f=json")
    assert status == 200
    assert document["openapi"].startswith("3.0")
    errors = [e.message for e in openapi_v30_schema_validator.iter_errors(document)]
    assert errors == []
    refs = list(_refs(document))
    assert refs
    for ref in refs:
        if ref.startswith("#/"):
            _resolve(document, ref)
        else:
            assert ref.startswith(OGC_PUBLISHED), ref
    assert "/collections/incidents/items" in document["paths"]


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _resolve(document: dict, ref: str) -> Any:
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_landing_conformance_and_queryables(base: str) -> None:
    _status, conformance = _json(f"{base}/conformance?f=json")
    assert (
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in (conformance["conformsTo"])
    )
    _status, queryables = _json(f"{base}/collections/incidents/queryables?f=json")
    assert {"province", "segment", "country", "type", "minfat", "review"} <= set(
        queryables["properties"]
    )


def test_paging_follows_next_links_to_every_incident(base: str) -> None:
    _status, whole = _json(f"{base}/collections/incidents/items?f=json&limit=1000")
    seen: list[str] = []
    url = f"{base}/collections/incidents/items?f=json&limit=2"
    while url:
        status, page = _json(url)
        assert status == 200
        assert page["numberMatched"] == whole["numberMatched"]
        assert page["numberReturned"] == len(page["features"]) <= 2
        seen += [f["id"] for f in page["features"]]
        url = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
        if url and not page["features"]:
            break
    assert seen == [f["id"] for f in whole["features"]]
    assert len(seen) == whole["numberMatched"] > 2


def test_filters_dates_and_one_incident(base: str) -> None:
    items = f"{base}/collections/incidents/items?f=json"
    _status, september = _json(f"{items}&datetime=2022-09-01/2022-09-30")
    assert [f["id"] for f in september["features"]] == [SOTK_ID]
    _status, open_ended = _json(f"{items}&datetime=2022-09-13T12:00:00Z/..")
    assert SOTK_ID in {f["id"] for f in open_ended["features"]}
    _status, by_province = _json(f"{items}&province=AM-GR&minfat=1")
    assert sorted(f["id"] for f in by_province["features"]) == [SOTK_ID, XSS_ID]

    status, sotk = _json(f"{base}/collections/incidents/items/{SOTK_ID}?f=json")
    assert status == 200
    properties = sotk["properties"]
    assert properties["date_precision"] == "day"
    assert properties["location_precision"] == "point"
    assert [p["country"] for p in properties["provinces"]] == ["AM"]
    assert {s["claim"] for s in properties["sources"]} >= {
        "Azerbaijani forces fired first; 2 killed."
    }
    excerpt = properties["sources"][0]["excerpts"][0]
    assert {"start", "end", "text"} <= set(excerpt)
    assert properties["dashboard_link"] == f"http://localhost:8501/?incident={SOTK_ID}"


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/collections/incidents/items?bbox=1,2,3", 400, "bbox"),
        ("/collections/incidents/items?bbox=a,b,c,d", 400, "bbox"),
        ("/collections/incidents/items?datetime=last-tuesday", 400, "datetime"),
        ("/collections/incidents/items?datetime=2022-09-30/2022-09-01", 400, "ends before"),
        ("/collections/incidents/items?limit=1000000000", 400, "Limit of 1000"),
        ("/collections/incidents/items?province=XX-NOPE", 400, "XX-NOPE"),
        ("/collections/incidents/items?minfat=many", 400, "minfat"),
        ("/collections/incidents/items?review=maybe", 400, "review"),
        ("/collections/nowhere/items", 404, "Collection not found"),
        ("/collections/incidents/items/no-such-incident", 404, "no-such-incident"),
    ],
)
def test_bad_requests_get_the_standards_status_and_say_why(
    base: str, path: str, status: int, words: str
) -> None:
    joiner = "&" if "?" in path else "?"
    got, headers, body = _get(f"{base}{path}{joiner}f=json")
    assert got == status
    assert headers["Content-Type"].startswith("application/json")
    assert words in json.loads(body)["description"]


def test_hostile_source_text_stays_text_in_json(base: str) -> None:
    status, headers, body = _get(f"{base}/collections/incidents/items/{XSS_ID}?f=json")
    assert status == 200
    assert headers["Content-Type"].startswith("application/")  # never text/html
    source = json.loads(body)["properties"]["sources"][0]
    assert source["title"] == XSS_TITLE
    excerpt = source["excerpts"][0]["text"]
    assert "<" in excerpt
    assert excerpt in XSS_TEXT


def test_browsers_get_json_and_html_is_refused(base: str) -> None:
    """pygeoapi's HTML pages would put source text into a script block unescaped."""
    item = f"{base}/collections/incidents/items/{XSS_ID}"
    status, headers, body = _get(item, Accept="text/html")
    assert status == 200
    assert not headers["Content-Type"].startswith("text/html")
    assert json.loads(body)["id"] == XSS_ID
    status, _headers, body = _get(f"{item}?f=html")
    assert status == 400
    assert "JSON only" in json.loads(body)["description"]


def test_nothing_can_be_written_and_cors_is_for_the_given_origin(base: str) -> None:
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        status, _headers, body = _get(f"{base}/collections/incidents/items/{SOTK_ID}", method)
        assert status == 405
        assert "read-only" in json.loads(body)["description"]
    _status, allowed, _body = _get(f"{base}/collections?f=json", Origin=ORIGIN)
    assert allowed.get("Access-Control-Allow-Origin") == ORIGIN
    _status, other, _body = _get(f"{base}/collections?f=json", Origin="https://elsewhere.example")
    assert other.get("Access-Control-Allow-Origin") is None
