"""The real bot as a process of its own, on a clock its test moves: for the tests that run
several bot processes, kill one and start it again.

Settings come from the environment as for ``python -m bot``, and the clock starts at
``STUDYBOT_E2E_NOW``. It prints ``ready`` once connected, then reads commands from stdin, one a
line, and prints ``done <line>`` after each:

- ``at <ISO instant> [tag]`` sets the clock;
- ``tick [tag]`` runs one question-of-the-day tick, as the scheduler does.

Requests to Discord are logged (discord.py's DEBUG lines of its HTTP client and of interaction
responses), so that the test can tell which process sent what.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from datetime import datetime

from bot.clock import FakeClock
from bot.config import Settings
from bot.db import Database
from bot.discord_glue.client import Services, StudyBot
from bot.items.library import BankLibrary
from bot.logs import setup_logging
from bot.runner import point_discord_at

NOW_VARIABLE = "STUDYBOT_E2E_NOW"
REQUEST_LOGGERS = ("discord.http", "discord.webhook.async_")


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def obey(bot: StudyBot, clock: FakeClock) -> None:
    """Run the commands from stdin until it ends."""
    from cogs.qotd.cog import Qotd

    while line := (await asyncio.to_thread(sys.stdin.readline)).strip():
        command, *arguments = line.split()
        if command == "at":
            clock.set(datetime.fromisoformat(arguments[0]))
        elif command == "tick":
            cog = bot.get_cog("Qotd")
            assert isinstance(cog, Qotd)
            await cog.poster.tick()
        else:
            raise ValueError(f"unknown command {line!r}")
        say(f"done {line}")


async def main() -> None:
    settings = Settings()
    assert settings.discord_token is not None
    token = settings.discord_token.get_secret_value()
    setup_logging(settings.log_level, secret=token)
    for name in REQUEST_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    point_discord_at(settings)
    clock = FakeClock(datetime.fromisoformat(os.environ[NOW_VARIABLE]))
    banks = BankLibrary.load(settings.bank_folders())
    async with await Database.open(settings.database()) as db:
        bot = StudyBot(
            Services(settings, db, banks, clock), guild_ready_timeout=0.05, reidentify_delay=0.0
        )
        async with bot:
            client = asyncio.create_task(bot.start(token))
            await bot.wait_until_ready()
            say("ready")
            await obey(bot, clock)
            await bot.close()
            await client


if __name__ == "__main__":
    asyncio.run(main())
