from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from emulator import Emulator
from tests.e2e.databases import on_postgres, serving
from tests.e2e.harness import BotHarness


@pytest.fixture(scope="session", autouse=True)
def e2e_database_server(request: pytest.FixtureRequest) -> Iterator[None]:
    """With STUDYBOT_E2E_DATABASE=postgresql, the session's PostgreSQL server holds every e2e
    bot's database (one fresh database per bot); otherwise no server is started."""
    if not on_postgres():
        yield
        return
    with serving(request.getfixturevalue("postgres_server")):
        yield


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator()
    emulator.add_guild("Study Group")
    await emulator.start()
    yield emulator
    await emulator.stop()
    assert emulator.violations == [], "the bot sent what Discord would reject"
    assert emulator.unknown_routes == [], "the bot called routes the emulator does not know"


@pytest.fixture
async def harness(emu: Emulator, tmp_path: Path) -> AsyncIterator[BotHarness]:
    h = BotHarness(emu, tmp_path)
    await h.start()
    yield h
    h.assert_alive()
    await h.stop()
