"""A throwaway PostgreSQL server for the storage tests: one cluster per test session, one empty
database per test.

The cluster lives in a temporary directory, listens on a free port of 127.0.0.1, and trades
durability for speed (nothing in it outlives the session). Set STUDYBOT_TEST_POSTGRES to the URL of
an existing server whose user may CREATE DATABASE to use that server instead.
"""

from __future__ import annotations

import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

SERVER_URL_VARIABLE = "STUDYBOT_TEST_POSTGRES"
DEBIAN_BINARIES = Path("/usr/lib/postgresql")
SUPERUSER = "postgres"
# Nothing in a throwaway cluster must survive a crash, so every write-safety cost is switched off.
# The least WAL (no replicas to feed) halves the time CREATE DATABASE takes to copy its template.
FAST_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_connections": "200",
}
START_TIMEOUT_SECONDS = 30
PORT_ATTEMPTS = 3


class PostgresUnavailableError(Exception):
    """PostgreSQL's server could not be found or started; the message says what is missing."""


@dataclass(frozen=True)
class ServerPrograms:
    initdb: Path
    pg_ctl: Path


def find_server_programs() -> ServerPrograms:
    """initdb and pg_ctl from PATH, else from the newest /usr/lib/postgresql/<version>/bin."""
    on_path = shutil.which("initdb"), shutil.which("pg_ctl")
    if on_path[0] and on_path[1]:
        return ServerPrograms(Path(on_path[0]), Path(on_path[1]))
    for directory in _debian_bin_directories_newest_first():
        initdb, pg_ctl = directory / "initdb", directory / "pg_ctl"
        if os.access(initdb, os.X_OK) and os.access(pg_ctl, os.X_OK):
            return ServerPrograms(initdb, pg_ctl)
    raise PostgresUnavailableError(
        "PostgreSQL's server programs (initdb and pg_ctl) are neither on PATH nor in "
        f"{DEBIAN_BINARIES}/<version>/bin: install the postgresql package (.ci/test does)."
    )


def _debian_bin_directories_newest_first() -> list[Path]:
    def version(directory: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", directory.parent.name))

    return sorted(DEBIAN_BINARIES.glob("*/bin"), key=version, reverse=True)


def unprivileged_user() -> str | None:
    """The user to run the cluster as: None for the current one, unless that is root (which
    initdb and pg_ctl refuse)."""
    if os.geteuid() != 0:
        return None
    for name in (SUPERUSER, "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise PostgresUnavailableError(
        "PostgreSQL refuses to run as root and neither the postgres nor the nobody user exists."
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Cluster:
    """A PostgreSQL cluster in a temporary directory, owned by the user that runs it."""

    programs: ServerPrograms
    directory: Path
    user: str | None
    port: int

    @property
    def data(self) -> Path:
        return self.directory / "data"

    @property
    def log(self) -> Path:
        return self.directory / "server.log"

    @property
    def url(self) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}"

    @classmethod
    def create(cls, programs: ServerPrograms) -> Cluster:
        user = unprivileged_user()
        # Not under pytest's basetemp: that is private to the current user, and the server's user
        # must reach its directory.
        directory = Path(tempfile.mkdtemp(prefix="studybot-postgres-"))
        if user is not None:
            shutil.chown(directory, user=user, group=pwd.getpwnam(user).pw_gid)
        return cls(programs, directory, user, free_port())

    def initialise(self) -> None:
        self._run(
            self.programs.initdb,
            *("-D", self.data, "-A", "trust", "-U", SUPERUSER, "--no-sync"),
            *("-E", "UTF8", "--no-locale"),
            failure="initdb could not create the test cluster",
        )
        settings = {
            **FAST_SETTINGS,
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.directory}'",
        }
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())

    def start(self) -> None:
        # The port was free when chosen; another server starting at the same moment may take it.
        for attempt in range(1, PORT_ATTEMPTS + 1):
            try:
                self._start_on_port()
            except PostgresUnavailableError:
                if attempt == PORT_ATTEMPTS or not self._port_was_taken():
                    raise
                self.port = free_port()
            else:
                return

    def _start_on_port(self) -> None:
        self._run(
            self.programs.pg_ctl,
            *("-D", self.data, "-l", self.log, "-o", f"-p {self.port}"),
            *("-w", "-t", str(START_TIMEOUT_SECONDS), "start"),
            failure=f"PostgreSQL did not start on 127.0.0.1:{self.port}",
        )

    def _port_was_taken(self) -> bool:
        log = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "Address already in use" in log

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(
                self.programs.pg_ctl,
                *("-D", self.data, "-m", "immediate", "-w", "stop"),
                failure="PostgreSQL did not stop",
            )

    def remove(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)

    def _run(self, program: Path, *arguments: str | Path, failure: str) -> None:
        command = [str(program), *map(str, arguments)]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        result = subprocess.run(
            command, capture_output=True, text=True, cwd=self.directory, check=False
        )
        if result.returncode != 0:
            raise PostgresUnavailableError(f"{failure}: {self._last_words(result)}")

    def _last_words(self, result: subprocess.CompletedProcess[str]) -> str:
        log = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        lines = [line.strip() for line in (result.stderr + log).splitlines() if line.strip()]
        # The server logs its reason as FATAL, then routine lines about shutting down.
        reasons = [line for line in lines if "FATAL:" in line or "ERROR:" in line] or lines
        return reasons[-1] if reasons else f"exit status {result.returncode}"


def database_url(server_url: str, database: str) -> str:
    """server_url with its database (the URL's path) replaced; user, host, port and query kept."""
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{database}"))


async def new_database(server_url: str) -> str:
    """Create a fresh, empty database on the server and return its URL."""
    name = f"t_{secrets.token_hex(6)}"
    connection = await asyncpg.connect(server_url)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return database_url(server_url, name)


async def drop_database(url: str) -> None:
    """Drop the database a URL names, ending any connection still open to it."""
    name = urlsplit(url).path.lstrip("/")
    connection = await asyncpg.connect(database_url(url, "postgres"))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


@contextmanager
def throwaway_cluster(kind: type[Cluster] | None = None) -> Iterator[str]:
    """Start a throwaway cluster (of ``kind``, a Cluster by default) and give its base URL; stop
    it and delete it on the way out."""
    cluster = (kind or Cluster).create(find_server_programs())
    try:
        cluster.initialise()
        cluster.start()
        yield cluster.url
    finally:
        try:
            cluster.stop()
        finally:
            cluster.remove()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The base URL of a PostgreSQL server for the session: STUDYBOT_TEST_POSTGRES, or a throwaway
    cluster started for this run."""
    existing = os.environ.get(SERVER_URL_VARIABLE)
    if existing:
        yield existing
        return
    with ExitStack() as stack:
        try:
            url = stack.enter_context(throwaway_cluster())
        except PostgresUnavailableError as error:
            pytest.fail(str(error), pytrace=False)
        yield url


@pytest.fixture
async def postgres_url(postgres_server: str) -> AsyncIterator[str]:
    """The URL of a fresh, empty database, dropped after the test."""
    url = await new_database(postgres_server)
    yield url
    await drop_database(url)
