"""The Streamlit page, run headless with AppTest."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.store import upgrade_database

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app" / "main.py")


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    upgrade_database(url)
    monkeypatch.setenv("BORDERWATCH_DATABASE_URL", url)
    return AppTest.from_file(APP, default_timeout=30).run()


def test_page_lists_the_segments_and_an_empty_store(app: AppTest):
    assert not app.exception
    assert app.title[0].value == "borderwatch"
    assert "22 named segments" in app.subheader[0].value
    assert len(app.dataframe[0].value) == 22
    assert app.metric[0].value == "0"


def test_lookup_answers_a_syunik_point(app: AppTest):
    app.number_input(key="lookup_lat").set_value(39.3529)
    app.number_input(key="lookup_lon").set_value(46.1504)
    app.button[0].click().run()
    assert not app.exception
    assert any("Syunik (AM-SU), AM" in md.value for md in app.markdown)


def test_store_without_schema_is_a_clear_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BORDERWATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite'}")
    app = AppTest.from_file(APP, default_timeout=30).run()
    assert not app.exception
    assert "borderwatch db upgrade" in app.warning[0].value
