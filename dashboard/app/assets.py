"""The map's scripts and stylesheets, served by the app itself so it works offline.

folium points every map at CDNs; with no internet (air-gapped monitors, CI)
the streamlit-folium component then gives up on the whole map. Leaflet comes
instead from the XStatic-Leaflet package on PyPI, installed with borderwatch:
:func:`install_static_assets` copies its files into the app's ``static/``
folder (git-ignored), which Streamlit serves at ``app/static/`` when
``server.enableStaticServing`` is on, and :func:`asset_urls` names them for
:mod:`dashboard.app.maps`. Nothing is fetched at run time and nothing vendored is
committed.

The maps draw circles and lines only, and build popups with Leaflet's own
DOM calls, so Leaflet is all they need: no jQuery, Bootstrap or icon fonts.
"""

from __future__ import annotations

import filecmp
import importlib
import shutil
from dataclasses import dataclass
from pathlib import Path

# Where Streamlit serves ``<app folder>/static/``; see ``server.enableStaticServing``.
STATIC_ROUTE = "app/static"
VENDOR = "vendor"


class AssetError(RuntimeError):
    """A package that ships the map's scripts is missing; the message says which."""


@dataclass(frozen=True)
class Asset:
    """One file from an XStatic package, and where the app serves it."""

    package: str  # the XStatic module under ``xstatic.pkg``
    distribution: str  # what to ``pip install``
    file: str  # path inside the package's data folder
    kind: str  # "js" or "css"


MAP_ASSETS = (
    Asset("leaflet", "XStatic-Leaflet", "leaflet.js", "js"),
    Asset("leaflet", "XStatic-Leaflet", "leaflet.css", "css"),
)
# leaflet.css refers to these by relative URL (layer control icons).
_EXTRA_FILES = {"leaflet": ("images/layers.png", "images/layers-2x.png")}


def package_data_dir(package: str, distribution: str) -> Path:
    """The data folder of an installed XStatic package."""
    try:
        module = importlib.import_module(f"xstatic.pkg.{package}")
    except ImportError as exc:
        raise AssetError(
            f"{distribution} is not installed, so the map has no Leaflet to load: "
            f"pip install -e . (or pip install {distribution})"
        ) from exc
    return Path(module.BASE_DIR)


def install_static_assets(static_dir: Path) -> list[Path]:
    """Copy the map's files into ``static_dir/vendor/``; returns the files written.

    Idempotent and cheap when up to date (files are compared, not re-copied),
    so the app can call it on every start.
    """
    written: list[Path] = []
    packages = {(a.package, a.distribution) for a in MAP_ASSETS}
    for package, distribution in sorted(packages):
        source_dir = package_data_dir(package, distribution)
        files = [a.file for a in MAP_ASSETS if a.package == package]
        files += list(_EXTRA_FILES.get(package, ()))
        for name in files:
            source = source_dir / name
            target = static_dir / VENDOR / package / name
            if target.is_file() and filecmp.cmp(source, target, shallow=False):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written.append(target)
    return written


def asset_urls(base_url_path: str = "") -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``(js, css)`` as folium's ``(name, url)`` pairs, absolute paths on the app's server.

    ``base_url_path`` is Streamlit's ``server.baseUrlPath`` (empty by default).
    Absolute, because the map runs in an iframe served from another path.
    """
    prefix = "/" + "/".join(p for p in (base_url_path.strip("/"), STATIC_ROUTE, VENDOR) if p)
    links = {"js": [], "css": []}
    for a in MAP_ASSETS:
        links[a.kind].append((f"{a.package}_{a.kind}", f"{prefix}/{a.package}/{a.file}"))
    return links["js"], links["css"]
