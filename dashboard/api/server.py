"""The running service: pygeoapi's Starlette application, read-only, behind CORS, on uvicorn.

pygeoapi reads its configuration and OpenAPI document from files named by
environment variables when its application module is imported, so
:func:`build_app` writes both (and the boundary layers) to a private
temporary folder first, then imports it: one service per process. Around it,
two layers of borderwatch's own: only ``GET``, ``HEAD`` and ``OPTIONS`` pass
(anything else is a JSON 405, whatever pygeoapi would do with it), only JSON
is answered (see :class:`ReadOnly`), and cross-origin reads are allowed only
from the origins given (none by default).
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import yaml
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from dashboard.api import config, provider
from dashboard.api.service import IncidentService
from dashboard.geo.layers import BorderLayers
from dashboard.store import Store

READ_METHODS = ("GET", "HEAD", "OPTIONS")


def write_settings(folder: Path, cfg: dict[str, Any]) -> tuple[Path, Path]:
    """Write pygeoapi's configuration and the OpenAPI document it describes; their paths."""
    from pygeoapi.openapi import get_oas  # noqa: PLC0415 - instantiates the providers

    config_path = folder / "pygeoapi.yml"
    config_path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), "utf-8")
    openapi_path = folder / "openapi.json"
    openapi_path.write_text(json.dumps(get_oas(cfg), ensure_ascii=False, default=str), "utf-8")
    return config_path, openapi_path


def build_app(
    store: Store, layers: BorderLayers, settings: config.ServerSettings, dashboard_url: str
) -> ASGIApp:
    """The whole service for ``store``'s incidents on ``layers``'s border."""
    folder = Path(tempfile.mkdtemp(prefix="borderwatch-api-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    provider.register(config.SERVICE_NAME, IncidentService(store, layers, dashboard_url))
    cfg = config.pygeoapi_config(settings, layers, config.write_layers(folder))
    config_path, openapi_path = write_settings(folder, cfg)
    os.environ["PYGEOAPI_CONFIG"] = str(config_path)
    os.environ["PYGEOAPI_OPENAPI"] = str(openapi_path)
    pygeoapi_app = importlib.import_module("pygeoapi.starlette_app").APP
    guarded = ReadOnly(pygeoapi_app)
    return CORSMiddleware(
        guarded,
        allow_origins=list(settings.cors_origins),
        allow_methods=list(READ_METHODS),
        expose_headers=["Link", "Content-Crs"],
    )


class ReadOnly:
    """Let only reads through, and only as JSON: nothing can write through this service.

    pygeoapi's HTML pages are not served: they put features into a ``<script>``
    block as JSON without escaping ``</script>``, so a source's text could run
    as script there, and they load their map from a CDN. A request that names
    no format gets JSON (``f=json``) whatever its ``Accept`` header; one that
    asks for HTML is refused with a 400 that says so. The dashboard is the
    incidents' web page.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in READ_METHODS:
            methods = ", ".join(READ_METHODS)
            await _refuse(
                send, 405, "MethodNotAllowed", f"{scope['method']}: this service is read-only "
                f"({methods} only)", [(b"allow", methods.encode())],
            )  # fmt: skip
            return
        pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        formats = [value.lower() for name, value in pairs if name == "f"]
        if any(f not in _JSON_FORMATS for f in formats):
            await _refuse(
                send, 400, "InvalidParameterValue",
                f"f={formats[0]}: this service answers in JSON only (f=json; features as "
                "GeoJSON); the dashboard is the incidents' web page",
            )  # fmt: skip
            return
        if not formats:
            pairs.append(("f", "json"))
            scope = {**scope, "query_string": urlencode(pairs).encode("latin-1")}
        await self.app(scope, receive, send)


_JSON_FORMATS = {"json", "jsonld"}


async def _refuse(
    send: Send,
    status: int,
    code: str,
    description: str,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """Answer as pygeoapi's own errors are written: ``code`` and ``description``, JSON."""
    body = json.dumps({"code": code, "description": description}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), *(headers or [])],
        }
    )
    await send({"type": "http.response.body", "body": body})


def serve(app: ASGIApp, host: str, port: int) -> None:
    """Run ``app`` until interrupted."""
    import uvicorn  # noqa: PLC0415 - only the running server needs it

    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
