from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.db import Database

# The throwaway PostgreSQL server (tests/postgres.py) serves every test directory; pytester runs
# small inner sessions to check what fixtures do after a test ends.
pytest_plugins = ["pytester", "tests.postgres"]

ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(params=ENGINES)
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """The database every storage test runs on: a SQLite file, then an empty PostgreSQL database
    on the session's throwaway server (tests/postgres.py)."""
    if request.param == "sqlite":
        async with await Database.open(tmp_path / "bot.sqlite3") as database:
            yield database
        return
    from tests.postgres import drop_database, new_database  # a plugin: imported once pytest has it

    url = await new_database(request.getfixturevalue("postgres_server"))
    try:
        async with await Database.open(url) as database:
            yield database
    finally:
        await drop_database(url)


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    """For what only the SQLite engine has (PRAGMAs, its query plans)."""
    async with await Database.open(tmp_path / "bot.sqlite3") as database:
        yield database
