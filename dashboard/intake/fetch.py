"""Polite HTTP fetching: one :class:`Fetcher` asks every host the way a careful reader would.

Built on urllib3, which trafilatura already depends on, rather than requests
or httpx: it streams a body so the size cap holds before a large page is in
memory, lets redirects be followed by hand (so every hop is checked for its
scheme, its address and robots.txt), and adds no dependency of its own.

What the :class:`FetchPolicy` sets, and why:

- **User-Agent** ``borderwatch/VERSION (+CONTACT)``: a site owner can tell who
  reads and write to them.
- **Conditional requests**: the ETag and Last-Modified of the previous answer
  go back as ``If-None-Match`` / ``If-Modified-Since``; a 304 costs the site
  nothing.
- **Per-host pace**: at least ``min_interval`` seconds between two requests to
  one host, whichever source asked.
- **Timeouts and retries**: connect and read timeouts, and a whole-answer
  deadline so a server dripping bytes cannot hold a run; a network error, a
  429 or a 5xx is retried ``retries`` times after ``backoff``, 2×, 4× … seconds
  (longer if the server's Retry-After asks, up to five minutes).
- **robots.txt** (RFC 9309): read once per host and run; a missing one (4xx)
  allows everything, an unreachable one (5xx, network) allows nothing.
- **Size cap** (``max_bytes``), **limited redirects** (``max_redirects``, a loop
  is named as such), **http(s) only**, and **no private addresses**: a name
  resolving to a loopback, private, link-local or reserved address is refused
  unless its host is in ``allow_hosts`` (tests allow ``127.0.0.1``).

Every refusal or failure is a :class:`FetchError` naming the URL and why.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from urllib.parse import urljoin, urlsplit

import urllib3

DEFAULT_CONTACT = "https://github.com/borderwatch/borderwatch"
_RETRIED_STATUS = frozenset({429, 500, 502, 503, 504})
_REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024
MAX_RETRY_AFTER = 300.0


class FetchError(Exception):
    """A URL that could not be fetched, and why (shown in the run's summary)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


@dataclass(frozen=True)
class FetchPolicy:
    """How politely to fetch; the defaults suit a handful of news sites read every 15 minutes."""

    contact: str = DEFAULT_CONTACT
    timeout: float = 20.0
    retries: int = 2
    backoff: float = 2.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    min_interval: float = 5.0
    allow_hosts: frozenset[str] = frozenset()
    respect_robots: bool = True

    @property
    def user_agent(self) -> str:
        return f"borderwatch/{_version()} (+{self.contact})"


def _version() -> str:
    try:
        return metadata.version("borderwatch")
    except metadata.PackageNotFoundError:  # a checkout that was never installed
        return "dev"


@dataclass(frozen=True)
class Fetched:
    """One answer: the body as received (empty on a 304) and what identifies its version."""

    url: str
    final_url: str
    status: int
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None
    fetched_at: datetime

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass
class HostPacer:
    """Waits so that two requests to one host are at least ``interval`` seconds apart."""

    interval: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _last: dict[str, float] = field(default_factory=dict)

    def wait(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            delay = last + self.interval - self.clock()
            if delay > 0:
                self.sleep(delay)
        self._last[host] = self.clock()


class Fetcher:
    """Fetches URLs under one :class:`FetchPolicy`; one per run (robots and pace are per run)."""

    def __init__(self, policy: FetchPolicy | None = None, pacer: HostPacer | None = None) -> None:
        self.policy = policy or FetchPolicy()
        self.pacer = pacer or HostPacer(self.policy.min_interval)
        self._pool = urllib3.PoolManager(
            retries=False,
            timeout=urllib3.Timeout(connect=self.policy.timeout, read=self.policy.timeout),
        )
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """GET ``url`` following at most ``max_redirects`` redirects, each hop checked."""
        headers = {"User-Agent": self.policy.user_agent}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen = [url]
        current = url
        while True:
            self._check_allowed(current)
            if self.policy.respect_robots and not self._robots_allow(current):
                raise FetchError(current, "robots.txt disallows it")
            response = self._request(current, headers)
            if response.status not in _REDIRECT_STATUS:
                return self._answer(url, current, response)
            response.release_conn()
            location = response.headers.get("Location")
            if not location:
                raise FetchError(current, f"HTTP {response.status} without a Location")
            current = urljoin(current, location)
            if current in seen:
                raise FetchError(url, "redirect loop: " + " → ".join([*seen, current]))
            seen.append(current)
            if len(seen) > self.policy.max_redirects + 1:
                raise FetchError(url, f"more than {self.policy.max_redirects} redirects")

    # ------------------------------------------------------------------ checks

    def _check_allowed(self, url: str) -> None:
        """http(s) only; no private, loopback or reserved address unless the host is allowed."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(url, f"only http and https are fetched, not {parts.scheme or '?'!r}")
        host = parts.hostname
        if not host:
            raise FetchError(url, "no host in the URL")
        if host in self.policy.allow_hosts:
            return
        for address in _addresses(url, host, parts.port):
            if not address.is_global:
                raise FetchError(
                    url, f"{host} resolves to the non-public address {address}: not fetched "
                    "(allow the host in the config to read it)"
                )  # fmt: skip

    def _robots_allow(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        parser = self._robots.get(origin)
        if parser is None:
            parser = self._read_robots(origin)
            self._robots[origin] = parser
        return parser.can_fetch(self.policy.user_agent, url)

    def _read_robots(self, origin: str) -> urllib.robotparser.RobotFileParser:
        parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        try:
            agent = {"User-Agent": self.policy.user_agent}
            response = self._request(origin + "/robots.txt", agent)
            body = _read_capped(origin + "/robots.txt", response, self.policy)
        except FetchError:
            parser.disallow_all = True  # unreachable: RFC 9309 says assume nothing is allowed
            return parser
        if response.status >= 500:
            parser.disallow_all = True
        elif response.status >= 400 or response.status in _REDIRECT_STATUS:
            parser.allow_all = True
        else:
            parser.parse(body.decode("utf-8", "replace").splitlines())
        return parser

    # ---------------------------------------------------------------- requests

    def _request(self, url: str, headers: dict[str, str]) -> urllib3.BaseHTTPResponse:
        """One GET, retried on network errors, 429 and 5xx with exponential backoff."""
        host = urlsplit(url).netloc
        attempts = self.policy.retries + 1
        for attempt in range(attempts):
            self.pacer.wait(host)
            try:
                response = self._pool.request(
                    "GET", url, headers=headers, redirect=False, preload_content=False
                )
            except urllib3.exceptions.HTTPError as exc:
                if attempt + 1 == attempts:
                    why = _network_reason(exc)
                    raise FetchError(url, f"{why} (after {attempts} tries)") from exc
                wait = self.policy.backoff * 2**attempt
            else:
                if response.status not in _RETRIED_STATUS or attempt + 1 == attempts:
                    return response
                response.drain_conn()
                response.release_conn()
                wait = _retry_after(response, self.policy.backoff * 2**attempt)
            time.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _answer(self, url: str, final: str, response: urllib3.BaseHTTPResponse) -> Fetched:
        if response.status >= 400:
            response.drain_conn()
            response.release_conn()
            why = f"HTTP {response.status} {response.reason or ''}".rstrip()
            if response.status in _RETRIED_STATUS and self.policy.retries:
                why += f" (after {self.policy.retries + 1} tries)"
            raise FetchError(final, why)
        body = b"" if response.status == 304 else _read_capped(final, response, self.policy)
        return Fetched(
            url=url,
            final_url=final,
            status=response.status,
            body=body,
            content_type=response.headers.get("Content-Type", ""),
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            fetched_at=datetime.now(UTC),
        )


def _addresses(
    url: str, host: str, port: int | None
) -> set[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port or 80, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(url, f"cannot resolve {host}: {exc}") from exc
    return {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}


def _retry_after(response: urllib3.BaseHTTPResponse, backoff: float) -> float:
    """A 429's or 503's Retry-After (seconds) when longer than the backoff, capped at 5 min."""
    value = (response.headers.get("Retry-After") or "").strip()
    if value.isdigit():
        return min(max(backoff, float(value)), MAX_RETRY_AFTER)
    return backoff


def _read_capped(url: str, response: urllib3.BaseHTTPResponse, policy: FetchPolicy) -> bytes:
    """The body, refused as soon as it passes ``max_bytes`` or the whole-answer deadline."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > policy.max_bytes:
        response.release_conn()
        raise FetchError(url, f"body of {declared} bytes is over the {policy.max_bytes}-byte cap")
    deadline = time.monotonic() + 3 * policy.timeout
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.stream(_CHUNK):
            size += len(chunk)
            if size > policy.max_bytes:
                raise FetchError(url, f"body is over the {policy.max_bytes}-byte cap")
            if time.monotonic() > deadline:
                raise FetchError(url, f"body took over {3 * policy.timeout:g} s to arrive")
            chunks.append(chunk)
    except urllib3.exceptions.HTTPError as exc:
        raise FetchError(url, _network_reason(exc)) from exc
    finally:
        response.release_conn()
    return b"".join(chunks)


def _network_reason(exc: urllib3.exceptions.HTTPError) -> str:
    if isinstance(exc, urllib3.exceptions.TimeoutError) or "timed out" in str(exc).lower():
        return "timed out"
    if isinstance(exc, urllib3.exceptions.MaxRetryError) and exc.reason is not None:
        return f"network error: {exc.reason}"
    return f"network error: {exc}"
