from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from emulator import Emulator
from tests.e2e.harness import BotHarness


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
