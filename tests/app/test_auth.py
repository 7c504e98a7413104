"""Roles and sign-in (dashboard/app/auth.py) and the role check inside every write."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from fixture_store import SOTK_ID, seed_fixture_url

from dashboard.app import auth, reviewing
from dashboard.cli import main
from dashboard.models import ReviewStatus
from dashboard.store import Correction, IncidentChangedError, open_store

ALICE_HASH = auth.hash_password("correct horse")
SECRETS = {
    "borderwatch": {
        "accounts": {
            "alice": {"password_hash": ALICE_HASH, "role": "analyst"},
            "victor": {"password_hash": auth.hash_password("just looking"), "role": "viewer"},
            "broken": {"role": "analyst"},
        }
    }
}


def test_no_secrets_means_read_only_for_everyone():
    assert auth.sign_in_mode({}) is None
    assert auth.session_user({auth.USER_KEY: "alice"}, {}) == auth.User()
    with pytest.raises(auth.NotAllowedError, match="nobody is signed in"):
        auth.require_analyst(auth.session_user({}, {}))


def test_a_password_signs_in_only_its_own_account():
    state: dict = {}
    assert not auth.sign_in(state, SECRETS, "alice", "wrong")
    assert not auth.sign_in(state, SECRETS, "mallory", "correct horse")
    assert not auth.sign_in(state, SECRETS, "broken", "")  # an entry without a hash is none
    assert auth.USER_KEY not in state
    assert auth.sign_in(state, SECRETS, "alice", "correct horse")
    assert state == {auth.USER_KEY: "alice"}  # the name only: no password kept
    assert auth.require_analyst(auth.session_user(state, SECRETS)) == "alice"
    auth.sign_out(state)
    assert auth.session_user(state, SECRETS) == auth.User()


def test_the_role_is_read_from_the_secrets_at_each_check():
    state = {auth.USER_KEY: "alice"}
    demoted = {"borderwatch": {"accounts": {"alice": {"password_hash": ALICE_HASH}}}}
    assert auth.session_user(state, demoted) == auth.User("alice", auth.VIEWER)
    with pytest.raises(auth.NotAllowedError, match="alice is a viewer"):
        auth.require_analyst(auth.session_user(state, demoted))
    removed = {"borderwatch": {"accounts": {"bob": {"password_hash": ALICE_HASH}}}}
    assert auth.session_user(state, removed) == auth.User()


def test_oidc_users_are_analysts_only_when_listed():
    secrets = {"auth": {"client_id": "x"}, "borderwatch": {"analysts": ["Ann@Example.org"]}}
    assert auth.sign_in_mode(secrets) == "oidc"
    assert auth.session_user({}, secrets, {"is_logged_in": False}) == auth.User()
    ann = auth.session_user({}, secrets, {"is_logged_in": True, "email": "ann@example.org"})
    assert ann.is_analyst and ann.name == "ann@example.org"
    bob = auth.session_user({}, secrets, {"is_logged_in": True, "email": "bob@example.org"})
    assert bob.role == auth.VIEWER
    # a session key set for a password account means nothing with OIDC
    assert auth.session_user({auth.USER_KEY: "alice"}, secrets, None) == auth.User()


def test_account_hash_reads_the_password_from_stdin_never_argv():
    result = CliRunner().invoke(
        main, ["account", "hash", "--name", "alice", "--role", "analyst"], input="s3cret\n"
    )
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output
    lines = result.output.splitlines()
    assert lines[0] == '[borderwatch.accounts."alice"]' and lines[2] == 'role = "analyst"'
    hashed = lines[1].split('"')[1]
    entry = {"borderwatch": {"accounts": {"alice": {"password_hash": hashed, "role": "analyst"}}}}
    assert auth.check_password(entry, "alice", "s3cret") is not None
    assert CliRunner().invoke(main, ["account", "hash"], input="\n").exit_code == 2
    assert (
        CliRunner().invoke(main, ["account", "hash", "--name", 'a"b'], input="x\n").exit_code == 2
    )


# ------------------------------------------------------------- writes check


@pytest.fixture
def fixture_store(tmp_path):
    url = f"sqlite:///{tmp_path / 'fixture.sqlite'}"
    seed_fixture_url(url)
    with open_store(url) as opened:
        yield opened


@pytest.fixture
def secrets(monkeypatch):
    monkeypatch.setattr(auth, "load_secrets", lambda: SECRETS)


@pytest.mark.parametrize(
    "account", [None, "victor", "mallory"], ids=["signed out", "viewer", "unknown"]
)
def test_a_viewer_cannot_write_even_by_calling_the_write_functions(fixture_store, secrets, account):
    state = {auth.USER_KEY: account} if account else {}
    reviewing.opened_version(state, SOTK_ID, 0)
    confirm = Correction(status=ReviewStatus.CONFIRMED)
    for write in (
        lambda: reviewing.save_correction(state, fixture_store, SOTK_ID, confirm, reason="r"),
        lambda: reviewing.set_status(
            state, fixture_store, SOTK_ID, ReviewStatus.REJECTED, reason="r"
        ),
        lambda: reviewing.merge_into(state, fixture_store, SOTK_ID, "fx-other", reason="r"),
        lambda: reviewing.revert(state, fixture_store, SOTK_ID, 1, reason="r"),
    ):
        with pytest.raises(auth.NotAllowedError):
            write()
    assert fixture_store.review_state(SOTK_ID).version == 0
    assert fixture_store.history(SOTK_ID) == []


def test_an_analyst_writes_at_the_opened_version_and_a_stale_save_is_refused(
    fixture_store, secrets
):
    alice, bob = {auth.USER_KEY: "alice"}, {auth.USER_KEY: "alice"}
    for state in (alice, bob):
        reviewing.opened_version(state, SOTK_ID, fixture_store.review_state(SOTK_ID).version)
    done = reviewing.set_status(alice, fixture_store, SOTK_ID, ReviewStatus.CONFIRMED, reason="ok")
    assert (done.by, done.version) == ("alice", 1)
    assert reviewing.opened_version(alice, SOTK_ID, 99) == 1  # the panel holds the new version
    with pytest.raises(IncidentChangedError, match="changed by alice at"):
        reviewing.set_status(bob, fixture_store, SOTK_ID, ReviewStatus.REJECTED, reason="no")
    assert fixture_store.review_state(SOTK_ID).status is ReviewStatus.CONFIRMED
    reviewing.reopen(bob, SOTK_ID)
    assert reviewing.opened_version(bob, SOTK_ID, 1) == 1
