"""Who is using the dashboard, and whether they may change incidents.

Two roles: a *viewer* (everyone, signed in or not) reads; an *analyst*
also reviews and corrects. Sign-in comes from ``.streamlit/secrets.toml``:

- an ``[auth]`` section (an OIDC provider): Streamlit's ``st.login``; the
  analysts are the e-mail addresses listed in ``[borderwatch] analysts``;
- else ``[borderwatch.accounts.NAME]`` tables with an argon2
  ``password_hash`` (``borderwatch account hash`` makes one) and a ``role``;
- else nobody signs in and the dashboard is read-only.

The signed-in account name lives in session state under a key no widget
has, so the browser cannot set it; the role is looked up again from the
secrets on every write (:func:`require_analyst`), so a removed account or a
lowered role takes effect at the next click. Passwords go only to
:func:`check_password`: never into the URL, the session or a log.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

import streamlit as st
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from dashboard.app.throttle import SignInThrottle
from dashboard.markup import Html

ANALYST = "analyst"
VIEWER = "viewer"
ROLES = (VIEWER, ANALYST)
# Session key of the signed-in account's name: not a widget key, so only the server sets it.
USER_KEY = "_bw_account"
ENABLE_HINT = (
    "Reviewing is off: no account is configured. To enable it, add analysts to "
    "`.streamlit/secrets.toml`, either accounts made with `borderwatch account hash` "
    '(`[borderwatch.accounts.NAME]` with `password_hash` and `role = "analyst"`) or an '
    'OIDC provider (`[auth]`, with `[borderwatch] analysts = ["e-mail", …]`). See the '
    "README, “Review in the dashboard”."
)

_HASHER = PasswordHasher()
# Checked when the name is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


class NotAllowedError(PermissionError):
    """A change asked for by someone who is not a signed-in analyst."""


@dataclass(frozen=True)
class User:
    """The person behind a session: ``name`` is ``None`` when nobody signed in."""

    name: str | None = None
    role: str = VIEWER

    @property
    def is_analyst(self) -> bool:
        return self.name is not None and self.role == ANALYST


@dataclass(frozen=True)
class Account:
    """A named account from the secrets; ``password_hash`` is argon2's encoded form."""

    name: str
    password_hash: str
    role: str


def hash_password(password: str) -> str:
    """An argon2id hash to paste into ``secrets.toml`` (salted: differs on every call)."""
    if not password:
        raise ValueError("an empty password cannot sign anyone in")
    return _HASHER.hash(password)


def sign_in_mode(secrets: Mapping[str, Any]) -> str | None:
    """``"oidc"`` with an ``[auth]`` section, ``"accounts"`` with accounts, else ``None``."""
    if secrets.get("auth"):
        return "oidc"
    if accounts(secrets):
        return "accounts"
    return None


def accounts(secrets: Mapping[str, Any]) -> dict[str, Account]:
    """The usable ``[borderwatch.accounts.NAME]`` entries (an entry without a hash is none)."""
    found = {}
    for name, entry in ((secrets.get("borderwatch") or {}).get("accounts") or {}).items():
        if not isinstance(entry, Mapping) or not entry.get("password_hash"):
            continue
        role = str(entry.get("role", VIEWER))
        found[str(name)] = Account(
            str(name), str(entry["password_hash"]), role if role in ROLES else VIEWER
        )
    return found


def check_password(secrets: Mapping[str, Any], name: str, password: str) -> Account | None:
    """The account if ``password`` is its password, else ``None`` (unknown name likewise)."""
    account = accounts(secrets).get(name.strip())
    try:
        _HASHER.verify(account.password_hash if account else _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return account


def session_user(
    state: Mapping[str, Any], secrets: Mapping[str, Any], oidc: Mapping[str, Any] | None = None
) -> User:
    """Who this session is, with the role the secrets give them *now*.

    ``oidc`` is ``st.user`` as a mapping (``is_logged_in``, ``email``): an
    OIDC user is an analyst when their e-mail is listed under
    ``[borderwatch] analysts``. An account name in the session that the
    secrets no longer hold is nobody.
    """
    mode = sign_in_mode(secrets)
    if mode == "oidc":
        if not oidc or not oidc.get("is_logged_in"):
            return User()
        email = str(oidc.get("email") or "")
        analysts = {str(e).lower() for e in (secrets.get("borderwatch") or {}).get("analysts", [])}
        return User(email or "signed-in user", ANALYST if email.lower() in analysts else VIEWER)
    if mode == "accounts":
        account = accounts(secrets).get(str(state.get(USER_KEY) or ""))
        if account is not None:
            return User(account.name, account.role)
    return User()


def require_analyst(user: User) -> str:
    """The analyst's name, to record as the author; :class:`NotAllowedError` for anyone else."""
    if not user.is_analyst:
        who = f"{user.name} is a {user.role}" if user.name else "nobody is signed in"
        raise NotAllowedError(f"Only a signed-in analyst can change incidents ({who}).")
    return str(user.name)


def sign_in(
    state: MutableMapping[str, Any], secrets: Mapping[str, Any], name: str, password: str
) -> bool:
    """Check a password and, if it is right, remember the account in the session."""
    account = check_password(secrets, name, password)
    if account is None:
        return False
    state[USER_KEY] = account.name
    return True


def sign_out(state: MutableMapping[str, Any]) -> None:
    state.pop(USER_KEY, None)


# ------------------------------------------------------------------ Streamlit


def load_secrets() -> dict[str, Any]:
    """``st.secrets`` as a dict, empty when there is no ``secrets.toml``."""
    try:
        if not st.secrets.load_if_toml_exists() and not len(st.secrets):
            return {}
        return st.secrets.to_dict()
    except (FileNotFoundError, OSError, ValueError):
        return {}


def current_user(state: Mapping[str, Any] | None = None) -> User:
    """The user of the running session (see :func:`session_user`)."""
    secrets = load_secrets()
    oidc = st.user.to_dict() if sign_in_mode(secrets) == "oidc" else None
    return session_user(st.session_state if state is None else state, secrets, oidc)


_NAME, _PASSWORD, _FAILED = "auth_name", "auth_password", "_auth_failed"
_SIGNED_IN = Html('<div data-testid="bw-signed-in">Signed in as <b>{}</b> ({}).</div>')


@st.cache_resource(show_spinner=False)
def _throttle() -> SignInThrottle:
    """One count of failed sign-ins for the whole process (every session)."""
    return SignInThrottle()


def _on_sign_in() -> None:
    """The sign-in form's callback: the password is read here once and dropped.

    An account with too many recent failures is refused before its password
    is checked (:mod:`~dashboard.app.throttle`).
    """
    name = str(st.session_state.get(_NAME) or "")
    password = str(st.session_state.get(_PASSWORD) or "")
    st.session_state[_PASSWORD] = ""
    throttle = _throttle()
    wait = throttle.wait_seconds(name)
    if wait > 0:
        minutes = max(1, round(wait / 60))
        st.session_state[_FAILED] = (
            f"Too many failed sign-ins for this account: try again in {minutes} min."
        )
        return
    if sign_in(st.session_state, load_secrets(), name, password):
        throttle.succeeded(name)
        st.session_state[_FAILED] = ""
    else:
        throttle.failed(name)
        st.session_state[_FAILED] = "Wrong account or password."


def render_account() -> User:
    """The sidebar's sign-in (or who is signed in, and sign-out); returns the user."""
    secrets = load_secrets()
    mode = sign_in_mode(secrets)
    user = current_user()
    box = st.sidebar.container(border=True)
    if mode is None:
        box.caption(ENABLE_HINT)
        return user
    if user.name is not None:
        box.html(_SIGNED_IN.format(user.name, user.role))
        if mode == "oidc":
            box.button("Sign out", key="auth_sign_out", on_click=st.logout)
        else:
            box.button("Sign out", key="auth_sign_out", on_click=sign_out, args=(st.session_state,))
        return user
    if mode == "oidc":
        providers = [k for k, v in secrets["auth"].items() if isinstance(v, Mapping)]
        box.button(
            "Sign in to review",
            key="auth_sign_in",
            on_click=st.login,
            args=(providers[0],) if providers and "client_id" not in secrets["auth"] else (),
        )
        return user
    with box.form("auth_form", border=False):
        st.text_input("Account", key=_NAME, autocomplete="username")
        st.text_input("Password", key=_PASSWORD, type="password", autocomplete="current-password")
        st.form_submit_button("Sign in to review", on_click=_on_sign_in)
    if st.session_state.get(_FAILED):
        box.error(str(st.session_state[_FAILED]))
    return user
