"""borderwatch as a user installs it: a wheel in a fresh virtual environment, not the checkout.

A checkout hides packaging mistakes: the layers, the gazetteer, the migrations
and the sample are all on disk beside the code. These tests build the wheel the
way pip would and run the commands a newcomer runs first from a folder that is
not the checkout, with no borderwatch setting in the environment, so a file
left out of the wheel or a path computed from the checkout fails here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_code_package_is_listed_for_the_wheel():
    """Packages are listed by hand (two are mapped data folders): a new one must not be missed."""
    setuptools = _pyproject()["tool"]["setuptools"]
    mapped = set(setuptools["package-dir"])
    listed = set(setuptools["packages"]) - mapped
    on_disk = {
        ".".join(init.parent.relative_to(REPO).parts)
        for init in (REPO / "dashboard").rglob("__init__.py")
    }
    assert listed == on_disk
    for package, folder in setuptools["package-dir"].items():
        assert (REPO / folder).is_dir(), f"{package} maps to missing folder {folder}"


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _clean_env(home: Path) -> dict[str, str]:
    """The user's environment without borderwatch settings or the checkout on the path."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("BORDERWATCH_") and key not in {"PYTHONPATH", "VIRTUAL_ENV"}
    }
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A fresh venv with this checkout's wheel installed in it (dependencies from the index)."""
    root = tmp_path_factory.mktemp("wheel")
    home = root / "home"
    home.mkdir()
    env = _clean_env(home)
    env["PIP_CACHE_DIR"] = os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip"))
    wheels = root / "dist"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(wheels),
            str(REPO),
        ],
        root,
        env,
    )
    (wheel,) = wheels.glob("borderwatch-*.whl")
    target = root / "venv"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], root, env)
    return target / "bin", env


@pytest.mark.slow
def test_installed_wheel_runs_outside_the_checkout(installed, tmp_path):
    bindir, env = installed
    borderwatch = str(bindir / "borderwatch")
    where = json.loads(
        _run(
            [
                str(bindir / "python"),
                "-c",
                "import json, dashboard, dashboard.paths as p; print(json.dumps({"
                "'package': dashboard.__file__, 'sample': str(p.sample_reports_dir()), "
                "'store': str(p.default_sqlite_path()), 'cache': str(p.cache_dir())}))",
            ],
            tmp_path,
            env,
        )
    )
    venv_root = bindir.parent
    assert Path(where["package"]).is_relative_to(venv_root)
    assert Path(where["sample"]).is_relative_to(venv_root)
    assert Path(where["store"]).is_relative_to(Path(env["XDG_DATA_HOME"]))
    assert Path(where["cache"]).is_relative_to(Path(env["XDG_CACHE_HOME"]))

    segments = _run([borderwatch, "geodata", "segments"], tmp_path, env)
    assert "Gegharkunik" in segments and "total" in segments

    point = json.loads(
        _run([borderwatch, "geocode", "--lat", "39.55", "--lon", "45.97", "--json"], tmp_path, env)
    )
    assert point["country"] == "AM"

    _run([borderwatch, "db", "upgrade"], tmp_path, env)
    assert Path(where["store"]).is_file()

    ingested = _run([borderwatch, "ingest", where["sample"]], tmp_path, env)
    assert "incident" in ingested

    out = tmp_path / "incidents.geojson"
    _run([borderwatch, "export", "--out", str(out)], tmp_path, env)
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert features, "the sample's incident should be exported"
    assert {"AM-SU", "AM-GR"} <= {
        province["code"] for feature in features for province in feature["properties"]["provinces"]
    }
