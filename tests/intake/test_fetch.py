"""The polite fetcher against a server of our own on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import pytest
from local_web import Route, Site, serve

from dashboard.intake.fetch import Fetcher, FetchError, FetchPolicy, HostPacer

LOCAL = FetchPolicy(
    contact="mailto:monitor@example.org",
    allow_hosts=frozenset({"127.0.0.1"}),
    min_interval=0.0,
    retries=1,
    backoff=0.01,
    timeout=0.5,
    max_bytes=10_000,
)


def _site(**routes: Route) -> Site:
    return Site(routes={"/" + name.replace("_", "-"): route for name, route in routes.items()})


def test_fetches_a_page_with_its_version_and_a_user_agent_naming_the_contact() -> None:
    route = Route(b"<p>hi</p>", etag='"v1"', headers={"Last-Modified": "Mon, 07 Dec 2026"})
    with serve(_site(page=route)) as site:
        got = Fetcher(LOCAL).fetch(site.url("/page"))
    assert (got.status, got.body, got.etag) == (200, b"<p>hi</p>", '"v1"')
    assert got.last_modified == "Mon, 07 Dec 2026"
    assert got.final_url == site.url("/page")
    agent = dict(site.log)["/page"]["User-Agent"]
    assert agent.startswith("borderwatch/") and "mailto:monitor@example.org" in agent


def test_a_conditional_request_gets_a_304_and_no_body() -> None:
    with serve(_site(feed=Route(b"<rss/>", etag='"abc"'))) as site:
        got = Fetcher(LOCAL).fetch(site.url("/feed"), etag='"abc"', last_modified="yesterday")
    assert got.not_modified and got.body == b""
    headers = dict(site.log)["/feed"]
    assert (headers["If-None-Match"], headers["If-Modified-Since"]) == ('"abc"', "yesterday")


def test_a_slow_answer_times_out_after_the_retries() -> None:
    with serve(_site(slow=Route(b"late", delay=1.5))) as site:
        with pytest.raises(FetchError, match="timed out"):
            Fetcher(LOCAL).fetch(site.url("/slow"))
        assert site.asked("/slow") == 2


def test_a_500_is_retried_then_reported() -> None:
    with serve(_site(broken=Route(b"oops", status=500))) as site:
        with pytest.raises(FetchError, match="HTTP 500"):
            Fetcher(LOCAL).fetch(site.url("/broken"))
        assert site.asked("/broken") == 2


def test_a_404_is_not_retried() -> None:
    with serve(Site()) as site:
        with pytest.raises(FetchError, match="HTTP 404"):
            Fetcher(LOCAL).fetch(site.url("/gone"))
        assert site.asked("/gone") == 1


def test_a_redirect_loop_is_named_as_such() -> None:
    site = _site(a=Route(status=302, headers={"Location": "/b"}),
                 b=Route(status=301, headers={"Location": "/a"}))  # fmt: skip
    with serve(site), pytest.raises(FetchError, match="redirect loop"):
        Fetcher(LOCAL).fetch(site.url("/a"))


def test_redirects_are_followed_up_to_the_limit() -> None:
    routes = {f"/r{i}": Route(status=302, headers={"Location": f"/r{i + 1}"}) for i in range(3)}
    routes["/r3"] = Route(b"end")
    with serve(Site(routes=routes)) as site:
        got = Fetcher(LOCAL).fetch(site.url("/r0"))
        assert got.final_url == site.url("/r3")
        with pytest.raises(FetchError, match="more than 2 redirects"):
            Fetcher(FetchPolicy(**{**LOCAL.__dict__, "max_redirects": 2})).fetch(site.url("/r0"))


@pytest.mark.parametrize(
    ("declared", "why"),
    [(True, "body of 200000 bytes is over"), (False, "body is over")],
    ids=["content-length", "streamed"],
)
def test_an_oversized_body_is_refused(declared: bool, why: str) -> None:
    big = Route(b"x" * 200_000, length=declared)
    with (
        serve(_site(big=big)) as site,
        pytest.raises(FetchError, match=why + " the 10000-byte cap"),
    ):
        Fetcher(LOCAL).fetch(site.url("/big"))


def test_robots_txt_is_respected() -> None:
    robots = Route(b"User-agent: *\nDisallow: /private\n", content_type="text/plain")
    site = Site(routes={"/robots.txt": robots, "/private/x": Route(b"no"), "/ok": Route(b"yes")})
    with serve(site):
        fetcher = Fetcher(LOCAL)
        assert fetcher.fetch(site.url("/ok")).body == b"yes"
        with pytest.raises(FetchError, match=r"robots\.txt disallows"):
            fetcher.fetch(site.url("/private/x"))
        assert site.asked("/private/x") == 0
        assert site.asked("/robots.txt") == 1  # once per host and run


def test_an_unreachable_robots_txt_allows_nothing() -> None:
    site = Site(routes={"/robots.txt": Route(b"down", status=503), "/ok": Route(b"yes")})
    with serve(site), pytest.raises(FetchError, match=r"robots\.txt disallows"):
        Fetcher(LOCAL).fetch(site.url("/ok"))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x"])
def test_only_http_and_https_are_fetched(url: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        Fetcher(LOCAL).fetch(url)


def test_a_private_address_is_refused_unless_allowed() -> None:
    with serve(_site(page=Route(b"hi"))) as site:
        strict = FetchPolicy(min_interval=0.0, retries=0)
        with pytest.raises(FetchError, match=r"non-public address 127\.0\.0\.1"):
            Fetcher(strict).fetch(site.url("/page"))
        assert site.log == []


def test_a_redirect_to_a_private_address_is_refused() -> None:
    policy = FetchPolicy(**{**LOCAL.__dict__, "allow_hosts": frozenset({"127.0.0.1"})})
    site = _site(hop=Route(status=302, headers={"Location": "http://localhost:9/secret"}))
    with serve(site), pytest.raises(FetchError, match="non-public address"):
        Fetcher(policy).fetch(site.url("/hop"))


def test_the_pacer_spaces_requests_to_one_host() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = HostPacer(5.0, clock=lambda: now[0], sleep=sleep)
    pacer.wait("a.example")
    pacer.wait("b.example")  # another host: no wait
    now[0] += 2.0
    pacer.wait("a.example")
    assert slept == [pytest.approx(3.0)]


def test_a_429_waits_as_long_as_retry_after_asks(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr("dashboard.intake.fetch.time.sleep", slept.append)
    busy = Route(b"busy", status=429, headers={"Retry-After": "7"})
    with serve(_site(busy=busy)) as site, pytest.raises(FetchError, match="HTTP 429"):
        Fetcher(LOCAL).fetch(site.url("/busy"))
    assert slept == [7.0]
