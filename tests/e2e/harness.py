"""Start the real bot (real discord.py, real SQLite or PostgreSQL: tests/e2e/databases.py)
against the emulator, in process."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr

from bot.bank.loader import BUNDLED_BANKS
from bot.clock import FakeClock
from bot.config import Settings
from bot.db import Database
from bot.discord_glue.client import EXTENSIONS, Services, StudyBot
from bot.items.library import BankLibrary
from bot.runner import point_discord_at
from emulator import Emulator, Guild, Member
from tests.e2e.databases import database_settings

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


class BotHarness:
    def __init__(
        self,
        emu: Emulator,
        folder: Path,
        *,
        extensions: tuple[str, ...] = EXTENSIONS,
        sqlite: bool = False,
        **settings: object,
    ) -> None:
        self.emu = emu
        self.folder = folder
        self.extensions = extensions
        self.clock = FakeClock(START)
        self.settings = Settings(
            discord_token=SecretStr(emu.token),
            discord_api_base_url=emu.base_url,
            discord_gateway_url=emu.gateway_url,
            _env_file=None,  # type: ignore[call-arg]
            **{**database_settings(folder, sqlite=sqlite), **settings},  # type: ignore[arg-type]
        )
        self.banks = BankLibrary.load([BUNDLED_BANKS])
        self.guild: Guild = next(iter(emu.guilds.values()))
        self._task: asyncio.Task[None] | None = None
        self.db: Database
        self.bot: StudyBot

    @property
    def channel(self):  # type: ignore[no-untyped-def]
        return self.emu.text_channel(self.guild)

    def member(self, name: str, **kw: object) -> Member:
        return self.emu.add_member(self.guild, name, **kw)  # type: ignore[arg-type]

    async def start(self) -> None:
        point_discord_at(self.settings)
        self.db = await Database.open(self.settings.database())
        self.bot = StudyBot(
            Services(self.settings, self.db, self.banks, self.clock),
            extensions=self.extensions,
            guild_ready_timeout=0.05,
            reidentify_delay=0.0,
        )
        await self.bot.__aenter__()
        self._task = asyncio.create_task(self.bot.start(self.emu.token))
        waiter = asyncio.create_task(self.bot.wait_until_ready())
        await asyncio.wait({waiter, self._task}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if self._task.done():
            waiter.cancel()
            self._task.result()
        assert waiter.done(), "the bot did not become ready"

    @property
    def qotd(self):  # type: ignore[no-untyped-def]
        from cogs.qotd.cog import Qotd

        cog = self.bot.get_cog("Qotd")
        assert isinstance(cog, Qotd)
        return cog

    @property
    def quiz(self):  # type: ignore[no-untyped-def]
        from cogs.quiz.cog import Quiz

        cog = self.bot.get_cog("Quiz")
        assert isinstance(cog, Quiz)
        return cog

    async def tick(self, at: datetime | None = None) -> None:
        """Move the clock (if given) and run one question-of-the-day tick, as the scheduler does."""
        if at is not None:
            self.clock.set(at)
        await self.qotd.poster.tick()

    def assert_alive(self) -> None:
        assert self._task is not None and not self._task.done(), "the bot's client stopped"

    async def restart(self) -> None:
        """Stop the bot and start a new process-like instance on the same database."""
        await self.stop()
        await self.start()

    async def stop(self) -> None:
        if self._task is not None:
            await self.bot.close()
            await self.bot.__aexit__(None, None, None)
            await self._task
            self._task = None
        await self.db.close()
