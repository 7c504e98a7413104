"""Throwaway PostgreSQL clusters for the test suite.

Plain functions so that ``conftest.py`` stays a thin fixture layer and other
tools (a benchmark, a debugging session) can start the same kind of cluster.
A cluster lives in a fresh folder under the system temp dir, listens on a
unix socket in that folder only (no TCP, so no port clashes and nothing
reachable from outside), trusts local connections, and trades durability for
speed (fsync off): it exists for one test session.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

SERVER_BINARIES = ("initdb", "pg_ctl")
SUPERUSER = "borderwatch"
# With TCP off, the port only names the socket file inside our private folder.
SOCKET_PORT = 5432
COMMAND_TIMEOUT_S = 120
# initdb refuses to run as root; these accounts exist on Debian-like systems.
UNPRIVILEGED_USERS = ("postgres", "nobody")


@dataclass(frozen=True)
class Cluster:
    """A running throwaway cluster and how to reach it."""

    bindir: Path
    base: Path
    port: int
    run_as: str | None

    @property
    def datadir(self) -> Path:
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base

    @property
    def log_file(self) -> Path:
        return self.base / "server.log"

    def url(self, dbname: str) -> str:
        """SQLAlchemy URL (psycopg 3 driver) for a database in this cluster."""
        return f"postgresql+psycopg://{SUPERUSER}@/{dbname}?host={self.socket_dir}&port={self.port}"

    def conninfo(self, dbname: str = "postgres") -> str:
        """libpq connection string, for talking to the server without SQLAlchemy."""
        return f"host={self.socket_dir} port={self.port} user={SUPERUSER} dbname={dbname}"


def find_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: PATH first, then Debian's layout.

    Debian keeps server binaries out of PATH in /usr/lib/postgresql/<major>/bin;
    the newest major version wins.
    """
    on_path = shutil.which("initdb")
    candidates = [Path(on_path).parent] if on_path else []
    versions = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(versions, key=_major_version, reverse=True)
    for folder in candidates:
        if all(os.access(folder / name, os.X_OK) for name in SERVER_BINARIES):
            return folder
    return None


def _major_version(bindir: Path) -> int:
    match = re.fullmatch(r"\d+", bindir.parent.name)
    return int(match.group()) if match else -1


def unprivileged_user() -> str | None:
    """Who runs the server: ourselves, or (as root) a system account that exists."""
    if os.geteuid() != 0:
        return None
    for name in UNPRIVILEGED_USERS:
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError(f"running as root and none of the users {UNPRIVILEGED_USERS} exists")


def _run(args: list[str], cluster_base: Path, run_as: str | None) -> None:
    """Run a server command as ``run_as``; raise with its output if it fails."""
    if run_as is not None:
        args = ["runuser", "-u", run_as, "--", *args]
    done = subprocess.run(
        args,
        cwd=cluster_base,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )


def start(bindir: Path, port: int = SOCKET_PORT) -> Cluster:
    """initdb a new cluster in a fresh temp folder and start it; waits until it is up."""
    base = Path(tempfile.mkdtemp(prefix="bw-pg-"))
    run_as = unprivileged_user()
    if run_as is not None:
        shutil.chown(base, user=run_as)
    cluster = Cluster(bindir=bindir, base=base, port=port, run_as=run_as)
    server_options = (
        f"-k {base} -p {port} -c listen_addresses='' "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    try:
        _run(
            [
                str(bindir / "initdb"),
                "-D",
                str(cluster.datadir),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
            ],
            base,
            run_as,
        )
        _run(
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(cluster.datadir),
                "-l",
                str(cluster.log_file),
                "-o",
                server_options,
                "-w",
                "-t",
                "60",
                "start",
            ],
            base,
            run_as,
        )
        _install_postgis(cluster)
    except BaseException:
        stop(cluster)
        raise
    return cluster


def _install_postgis(cluster: Cluster) -> None:
    """``CREATE EXTENSION postgis`` in template1, so every database created has it.

    Creating it per database costs ~0.5 s; copying it with the template costs
    nothing noticeable. Without the PostGIS package the cluster still starts:
    the store's migration then fails saying what to install.
    """
    import psycopg  # noqa: PLC0415  (optional dependency: only needed with a cluster)

    with psycopg.connect(cluster.conninfo("template1"), autocommit=True) as conn:
        available = conn.execute(
            "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'"
        ).fetchone()
        if available:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def has_postgis(cluster: Cluster) -> bool:
    """Whether the cluster's databases get PostGIS (the server has the extension)."""
    import psycopg  # noqa: PLC0415

    with psycopg.connect(cluster.conninfo("template1"), autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone()
    return row is not None


def stop(cluster: Cluster) -> None:
    """Stop the server (if it runs) and delete its folder."""
    pg_ctl = str(cluster.bindir / "pg_ctl")
    if (cluster.datadir / "postmaster.pid").exists():
        try:
            _run(
                [pg_ctl, "-D", str(cluster.datadir), "-m", "fast", "-w", "stop"],
                cluster.base,
                cluster.run_as,
            )
        except (RuntimeError, subprocess.TimeoutExpired):
            _run(
                [pg_ctl, "-D", str(cluster.datadir), "-m", "immediate", "-w", "stop"],
                cluster.base,
                cluster.run_as,
            )
    shutil.rmtree(cluster.base, ignore_errors=True)


def create_database(cluster: Cluster, name: str) -> str:
    """Create an empty database; returns its SQLAlchemy URL."""
    _admin(cluster, "CREATE DATABASE {}", name)
    return cluster.url(name)


def drop_database(cluster: Cluster, name: str) -> None:
    """Drop a database even if a test left connections open."""
    _admin(cluster, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)


def _admin(cluster: Cluster, statement: str, name: str) -> None:
    import psycopg  # noqa: PLC0415  (optional dependency: only needed with a cluster)
    from psycopg import sql  # noqa: PLC0415

    with psycopg.connect(cluster.conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(name)))
