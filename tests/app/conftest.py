"""Fixtures of the dashboard's tests: empty caches for every test, and the fixture store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from fixture_store import seed_fixture_url


@pytest.fixture(autouse=True)
def fresh_caches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Caches outlive an AppTest; each test starts from an empty one (on disk too),
    on the default border."""
    monkeypatch.setenv("BORDERWATCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("BORDERWATCH_BORDER", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def fixture_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The fixture store (tests/fixture_store.py), the dashboard's store for the test."""
    url = f"sqlite:///{tmp_path / 'fixture.sqlite'}"
    seed_fixture_url(url)
    monkeypatch.setenv("BORDERWATCH_DATABASE_URL", url)
    return url
