"""A web server the intake tests start on 127.0.0.1: their own feeds and pages, never the internet.

Each :class:`Route` says what one path answers (status, body, headers, an
ETag honoured with a 304, a delay before answering); unknown paths get 404,
so a site without robots.txt allows everything. Every request is logged so a
test can say what was (not) asked. The pages it serves are synthetic and
say so (``og:site_name`` is ``synthetic``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    delay: float = 0.0
    # False: no Content-Length, the body ends when the connection closes (a size cap
    # must then stop the download itself, not trust a header).
    length: bool = True


@dataclass
class Site:
    """The routes a test serves and the log of what was asked (path, request headers)."""

    routes: dict[str, Route] = field(default_factory=dict)
    log: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    base: str = ""

    def url(self, path: str) -> str:
        return self.base + path

    def asked(self, path: str) -> int:
        return sum(1 for logged, _ in self.log if logged == path)


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            site.log.append((self.path, dict(self.headers)))
            route = site.routes.get(self.path)
            if route is None:
                self._send(404, b"not here", "text/plain", {})
                return
            if route.delay:
                time.sleep(route.delay)
            headers = dict(route.headers)
            if route.etag:
                headers["ETag"] = route.etag
                if self.headers.get("If-None-Match") == route.etag:
                    self._send(304, b"", None, headers)
                    return
            if not route.length:
                headers["Connection"] = "close"
                self.close_connection = True
            self._send(route.status, route.body, route.content_type, headers, route.length)

        def _send(
            self,
            status: int,
            body: bytes,
            ctype: str | None,
            headers: dict[str, str],
            length: bool = True,
        ) -> None:
            try:
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                for name, value in headers.items():
                    self.send_header(name, value)
                if length:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a size cap or a timeout): what the test wants

        def log_message(self, *_args: object) -> None:
            pass

    return Handler


@contextmanager
def serve(site: Site | None = None) -> Iterator[Site]:
    """Serve ``site`` on 127.0.0.1 on a free port for the duration of the block."""
    site = site or Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
