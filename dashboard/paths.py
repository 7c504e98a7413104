"""Where borderwatch's files are: the data it ships, and the store and cache it writes.

borderwatch runs two ways, and every path in the package comes from here so that
both work:

* **from a checkout** (``make run``, the tests): the shipped data is read where it
  is edited (``geodata/``, ``samples/`` beside ``dashboard/``) and what borderwatch
  writes goes to ``var/`` in the checkout, as it always has;
* **installed from a wheel** anywhere else: the same files ship inside the package
  (``dashboard/bundled/``, mapped from those folders in ``pyproject.toml``), and the
  store and cache go to the user's data and cache folders (platformdirs), since
  site-packages is no place for a database.

A checkout is recognised by the ``pyproject.toml`` and ``geodata/`` next to the
package, not by an environment variable, so nobody has to set one.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "borderwatch"
PACKAGE_DIR = Path(__file__).resolve().parent
GEODATA_ENV = "BORDERWATCH_GEODATA"
CACHE_DIR_ENV = "BORDERWATCH_CACHE_DIR"


def checkout_root() -> Path | None:
    """The source checkout the package runs from, or None when it is installed elsewhere."""
    root = PACKAGE_DIR.parent
    if (root / "pyproject.toml").is_file() and (root / "geodata").is_dir():
        return root
    return None


def _shipped(folder: str) -> Path:
    """A folder of shipped data: in the checkout, else inside the installed package."""
    root = checkout_root()
    return root / folder if root is not None else PACKAGE_DIR / "bundled" / folder


def geodata_root() -> Path:
    """One folder per border: its layers and gazetteer (``BORDERWATCH_GEODATA`` overrides)."""
    configured = os.environ.get(GEODATA_ENV, "").strip()
    return Path(configured) if configured else _shipped("geodata")


def sample_reports_dir() -> Path:
    """The bundled sample report(s) a first run loads into an empty store."""
    return _shipped("samples") / "reports"


def data_dir() -> Path:
    """Where the default SQLite store lives: ``var/`` in a checkout, else the user's data folder."""
    root = checkout_root()
    if root is not None:
        return root / "var"
    import platformdirs  # noqa: PLC0415 - only an installed copy needs it

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_sqlite_path() -> Path:
    """The SQLite file used when ``BORDERWATCH_DATABASE_URL`` is not set."""
    return data_dir() / "borderwatch.sqlite"


def cache_dir() -> Path:
    """Where the dashboard keeps its copy of the incident table (``BORDERWATCH_CACHE_DIR``)."""
    configured = os.environ.get(CACHE_DIR_ENV, "").strip()
    if configured:
        return Path(configured)
    root = checkout_root()
    if root is not None:
        return root / "var" / "cache"
    import platformdirs  # noqa: PLC0415 - only an installed copy needs it

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def migrations_dir() -> Path:
    """The store's Alembic environment, shipped inside the package."""
    return PACKAGE_DIR / "store" / "migrations"


def app_script() -> Path:
    """The Streamlit entry script that ``borderwatch app`` runs."""
    return PACKAGE_DIR / "app" / "main.py"


def static_dir() -> Path:
    """The folder Streamlit serves at ``app/static/`` (next to the entry script)."""
    return PACKAGE_DIR / "app" / "static"
