"""The throwaway PostgreSQL server the storage tests run on: its version, its per-test databases."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest

from tests import postgres
from tests.postgres import SERVER_URL_VARIABLE, drop_database, new_database

USER_TABLES = """
    SELECT count(*) FROM information_schema.tables
    WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
"""


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


async def database_exists(server_url: str, name: str) -> bool:
    connection = await asyncpg.connect(server_url)
    try:
        found: int | None = await connection.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", name
        )
    finally:
        await connection.close()
    return found == 1


async def test_the_server_is_postgresql_15_or_newer(postgres_server: str) -> None:
    connection = await asyncpg.connect(postgres_server)
    try:
        version = await connection.fetchval("SELECT version()")
        number = int(await connection.fetchval("SHOW server_version_num"))
    finally:
        await connection.close()
    assert version.startswith("PostgreSQL ")
    assert number >= 150000, version


async def test_each_database_is_its_own_and_starts_empty(
    postgres_server: str, postgres_url: str
) -> None:
    other_url = await new_database(postgres_server)
    try:
        first = await asyncpg.connect(postgres_url)
        second = await asyncpg.connect(other_url)
        try:
            await first.execute("CREATE TABLE only_here (x int)")
            names = [await c.fetchval("SELECT current_database()") for c in (first, second)]
            tables = [await c.fetchval(USER_TABLES) for c in (first, second)]
        finally:
            await first.close()
            await second.close()
    finally:
        await drop_database(other_url)
    assert names == [database_name(postgres_url), database_name(other_url)]
    assert names[0] != names[1]
    assert tables == [1, 0]


async def test_a_database_is_dropped_while_a_connection_is_still_open(
    postgres_server: str,
) -> None:
    url = await new_database(postgres_server)
    lingering = await asyncpg.connect(url)
    try:
        await drop_database(url)
        assert not await database_exists(postgres_server, database_name(url))
        assert not await _still_answers(lingering)
    finally:
        lingering.terminate()


async def _still_answers(connection: asyncpg.Connection) -> bool:
    try:
        await connection.fetchval("SELECT 1")
    except (asyncpg.PostgresError, asyncpg.InterfaceError, ConnectionError):
        return False
    return True


def inner_session_with_the_plugin(pytester: pytest.Pytester) -> None:
    pytester.makeini(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
    )
    pytester.makeconftest('pytest_plugins = ["tests.postgres"]')


INNER_TESTS = """
from pathlib import Path

import asyncpg


async def test_leaves_a_table_and_fails(postgres_url):
    connection = await asyncpg.connect(postgres_url)
    await connection.execute("CREATE TABLE left_behind (x int)")
    await connection.close()
    Path("used_database").write_text(postgres_url)
    raise AssertionError("failing on purpose: the database must be dropped all the same")


async def test_the_next_test_finds_it_gone(postgres_server):
    used = Path("used_database").read_text().rsplit("/", 1)[1]
    connection = await asyncpg.connect(postgres_server)
    try:
        found = await connection.fetchval(
            "SELECT count(*) FROM pg_database WHERE datname = $1", used
        )
    finally:
        await connection.close()
    assert found == 0
"""


def test_a_tests_database_is_gone_after_it_even_when_it_fails(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, postgres_server: str
) -> None:
    monkeypatch.setenv(SERVER_URL_VARIABLE, postgres_server)
    inner_session_with_the_plugin(pytester)
    pytester.makepyfile(test_inner=INNER_TESTS)
    result = pytester.runpytest("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*::test_the_next_test_finds_it_gone PASSED*"])


def test_without_postgresql_the_fixture_fails_saying_what_is_missing(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SERVER_URL_VARIABLE, raising=False)
    monkeypatch.setenv("PATH", str(pytester.mkdir("empty")))
    monkeypatch.setattr(postgres, "DEBIAN_BINARIES", pytester.path / "no-postgresql")
    inner_session_with_the_plugin(pytester)
    pytester.makepyfile(test_inner="def test_needs_a_server(postgres_server):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "*PostgreSQL's server programs (initdb and pg_ctl) are neither on PATH nor in "
            f"{pytester.path}/no-postgresql/<version>/bin: install the postgresql package*"
        ]
    )


INNER_CLUSTER_TEST = """
from pathlib import Path

import asyncpg


async def test_notes_its_cluster_and_fails(postgres_server):
    connection = await asyncpg.connect(postgres_server)
    try:
        data = await connection.fetchval("SHOW data_directory")
    finally:
        await connection.close()
    Path("cluster").write_text(postgres_server + "\\n" + data)
    raise AssertionError("failing on purpose: the cluster must be removed all the same")
"""


def test_the_session_cluster_is_stopped_and_deleted_even_when_a_test_fails(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SERVER_URL_VARIABLE, raising=False)
    inner_session_with_the_plugin(pytester)
    pytester.makepyfile(test_inner=INNER_CLUSTER_TEST)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    url, data = (pytester.path / "cluster").read_text().splitlines()
    assert not Path(data).exists()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", urlsplit(url).port or 0), timeout=5)


def test_a_port_taken_before_the_server_binds_it_is_exchanged_for_a_free_one() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        cluster = postgres.Cluster.create(postgres.find_server_programs())
        cluster.port = taken
        try:
            cluster.initialise()
            cluster.start()
            socket.create_connection(("127.0.0.1", cluster.port), timeout=5).close()
        finally:
            cluster.stop()
            cluster.remove()
    assert cluster.port != taken
