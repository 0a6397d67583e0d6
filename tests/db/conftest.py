from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from bot.db import Database

ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_server() -> str:  # replaced by the plugin in tests/postgres.py
    return os.environ["STUDYBOT_TEST_POSTGRES"]


@pytest.fixture(params=ENGINES)
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """The database every storage test runs on: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        async with await Database.open(tmp_path / "bot.sqlite3") as database:
            yield database
        return
    server = request.getfixturevalue("postgres_server")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server + "/postgres")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        async with await Database.open(f"{server}/{name}") as database:
            yield database
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    """For what only the SQLite engine has (PRAGMAs, its query plans)."""
    async with await Database.open(tmp_path / "bot.sqlite3") as database:
        yield database
