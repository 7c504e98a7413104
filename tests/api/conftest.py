"""Fixtures of tests/api: the news store (see :mod:`served_api`) on each backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from served_api import save_news_documents

from dashboard.store import Store, open_store


@pytest.fixture
def news_store(empty_database_url: str) -> Iterator[tuple[Store, str]]:
    """The fixture documents as news, on each backend: the store and its (unmasked) URL."""
    with open_store(empty_database_url, upgrade=True) as opened:
        save_news_documents(opened)
        yield opened, empty_database_url
