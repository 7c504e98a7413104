"""``borderwatch account hash``: a password hash for a dashboard account in ``secrets.toml``."""

from __future__ import annotations

import re
import sys

import click

_ROLES = ("analyst", "viewer")
_NAME = re.compile(r"[A-Za-z0-9._@-]+")


@click.group("account")
def account_group() -> None:
    """Dashboard accounts (kept in .streamlit/secrets.toml)."""


@account_group.command("hash")
@click.option("--name", metavar="NAME", help="Print a whole secrets.toml entry for this account.")
@click.option("--role", type=click.Choice(_ROLES), default="analyst", show_default=True)
def hash_command(name: str | None, role: str) -> None:
    """Read a password and print its argon2 hash for secrets.toml.

    The password is asked for twice at a terminal (not echoed), or read as
    the first line of standard input in a script; never from the command
    line, where it would stay in the shell's history and the process list.
    """
    from dashboard.app.auth import hash_password  # argon2 only when it runs

    if name is not None and not _NAME.fullmatch(name):
        raise click.UsageError("--name: letters, digits and . _ @ - only (it is a TOML key)")
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        hashed = hash_password(password)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if name is None:
        click.echo(hashed)
        return
    click.echo(f'[borderwatch.accounts."{name}"]\npassword_hash = "{hashed}"\nrole = "{role}"')
