"""The intake config file: politeness, sources, alerts and SMTP, and its mistakes named."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.intake.config import ConfigError, load_config, parse_duration, smtp_from_secrets
from dashboard.models import WatchKind

GOOD = """
[intake]
contact = "mailto:desk@example.org"
interval = "30m"
min_interval = 2.5
allow_hosts = ["127.0.0.1"]
dashboard_url = "https://dash.example"

[[source]]
name = "Ministry"
url = "https://mod.example/rss"
language = "hy"

[[source]]
name = "Agency list"
url = "https://agency.example/news"
kind = "listing"
selector = "h2 a"

[[alert]]
name = "Deaths"
filter = "country=AM&minfat=1"
webhook = "https://hooks.example/x"

[smtp]
host = "localhost"
port = 2525
sender = "bw@example.org"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "intake.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_config_is_read(tmp_path: Path) -> None:
    config = load_config(_write(tmp_path, GOOD))
    assert config.interval == 1800
    assert (
        config.policy.min_interval == 2.5 and "mailto:desk@example.org" in config.policy.user_agent
    )
    assert config.policy.allow_hosts == frozenset({"127.0.0.1"})
    assert [(s.name, s.kind) for s in config.sources] == [
        ("Ministry", WatchKind.FEED), ("Agency list", WatchKind.LISTING)
    ]  # fmt: skip
    assert config.alerts[0].filter == "country=AM&minfat=1"
    assert (config.smtp.host, config.smtp.port) == ("localhost", 2525)
    assert config.dashboard_url == "https://dash.example"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("[intake]\nspeed = 3\n", "unknown keys: speed"),
        ('[[source]]\nname = "x"\nurl = "ftp://x"\n', r"\[\[source\]\] 1 \(x\): url must be"),
        ('[[source]]\nname = "x"\nurl = "http://x"\nkind = "list"\n', "kind must be"),
        ('[[source]]\nname = "x"\nurl = "http://x"\nkind = "listing"\n', "CSS selector"),
        ('[[alert]]\nname = "a"\nfilter = ""\n', "webhook, an email, or both"),
        ("[intake]\ninterval = 'often'\n", "not a duration"),
        ("[smtp]\nport = 25\n", "host and a sender"),
        ("not toml = = 1", "not valid TOML"),
    ],
)
def test_mistakes_name_the_file_and_the_entry(tmp_path: Path, text: str, why: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError, match=why) as caught:
        load_config(path)
    assert str(path) in str(caught.value)


def test_durations() -> None:
    assert [parse_duration(t) for t in ("30s", "15m", "1h", "1d", "90")] == [
        30, 900, 3600, 86400, 90
    ]  # fmt: skip
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("0m")


def test_smtp_settings_may_live_in_the_streamlit_secrets(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    assert smtp_from_secrets(secrets) is None
    secrets.write_text('[smtp]\nhost = "mail"\nsender = "bw@example.org"\n', encoding="utf-8")
    assert smtp_from_secrets(secrets).host == "mail"
