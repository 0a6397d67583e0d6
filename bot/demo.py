"""`python -m bot demo`: a scripted morning in a study server, on the local emulator.

The real bot (real discord.py, a real SQLite file in a temporary folder) runs against the
emulator; a script plays the admin and three members and prints what each of them sees. It needs
no token and no network, and its clock is moved by the script, so the morning takes seconds.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from pydantic import SecretStr

from bot.bank.library import BankLibrary
from bot.bank.loader import BUNDLED_BANKS
from bot.clock import FakeClock
from bot.config import Settings
from bot.db import Database
from bot.db import qotd as qotd_store
from bot.db import quiz as quiz_store
from bot.discord_glue.client import Services, StudyBot
from bot.items.model import Item
from bot.runner import point_discord_at
from emulator import Emulator, Handle, Member, Message
from emulator.transcript import describe

MORNING = datetime(2026, 12, 1, 8, 55, tzinfo=UTC)
DEMO_CHANNEL_IDS = (1443000000000000001, 1443000000000000002)  # snowflakes of Nov 2025


def right_answer(correct: int) -> int:
    return correct


def wrong_answer(correct: int) -> int:
    return (correct + 1) % 4


class Demo:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.emu = Emulator()
        # fixed channel ids: the channel's question order, and so the transcript, is the same
        # every run
        self.guild = self.emu.add_guild(
            "Interview Prep",
            channels=("daily-question", "general"),
            channel_ids=DEMO_CHANNEL_IDS,
        )
        self.channel = self.emu.text_channel(self.guild, "daily-question")
        self.clock = FakeClock(MORNING)
        self.emu.now = self.clock.now  # "in 2 hours" is read at the demo's time
        self.banks = BankLibrary.load([BUNDLED_BANKS])

    def say(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def scene(self, title: str) -> None:
        self.say()
        self.say(f"== {self.clock.now():%H:%M} · {title}")

    def show(self, who: str, message: Message) -> None:
        where = (
            "privately"
            if message.ephemeral
            else f"in #{self.emu.channels[message.channel_id].name}"
        )
        self.say(f"-- {who} sees, {where}:")
        self.say(describe(message, self.emu))

    async def run(self, folder: Path) -> None:
        await self.emu.start()
        settings = Settings(
            discord_token=SecretStr(self.emu.token),
            database_path=folder / "demo.sqlite3",
            discord_api_base_url=self.emu.base_url,
            discord_gateway_url=self.emu.gateway_url,
            _env_file=None,  # type: ignore[call-arg]
        )
        point_discord_at(settings)
        async with await Database.open(settings.database_path) as db:
            self.db = db
            bot = StudyBot(Services(settings, db, self.banks, self.clock), guild_ready_timeout=0.05)
            async with bot:
                task = asyncio.create_task(bot.start(self.emu.token))
                await asyncio.wait_for(bot.wait_until_ready(), 15)
                self.bot = bot
                try:
                    await self.morning()
                finally:
                    await bot.close()
                    await task
        await self.emu.stop()

    async def answer(
        self, member: Member, message: Message, choice: Callable[[int], int]
    ) -> Message:
        custom = message.custom_ids()[0]
        prefix = custom.rsplit(":", 1)[0]
        correct = await self.correct_choice(message)
        handle: Handle = await self.emu.click(message, f"{prefix}:{choice(correct)}", member=member)
        return await handle.reply()

    async def correct_choice(self, message: Message) -> int:
        custom = message.custom_ids()[0]
        kind, *ids = custom.split(":")
        if kind == "qotd":
            post = await qotd_store.get_post(self.db, int(ids[0]))
            stored = post.item if post else None
        else:
            qq = await quiz_store.quiz_question(self.db, int(ids[1]))
            stored = qq.item if qq else None
        assert stored is not None, "an asked question stores its item"
        item = Item.loads(stored)
        assert item.correct is not None
        return item.correct

    async def morning(self) -> None:
        emu = self.emu
        ada = emu.add_member(self.guild, "ada", admin=True, global_name="Ada (admin)")
        ben = emu.add_member(self.guild, "ben", global_name="Ben")
        cleo = emu.add_member(self.guild, "cleo", global_name="Cleo")
        dan = emu.add_member(self.guild, "dan", global_name="Dan")
        studiers = emu.add_role(self.guild, "studiers")
        qotd = self.bot.get_cog("Qotd")

        self.scene("Ada sets up the daily question")
        self.say(
            "Ada types: /qotd setup channel:#daily-question time:09:00 timezone:Europe/London "
            "role:@studiers reveal_after:2"
        )
        setup = {
            "channel": self.channel,
            "time": "09:00",
            "timezone": "Europe/London",
            "role": studiers,
            "reveal_after": 2,
        }
        self.show("Ada", await (await emu.slash("qotd setup", setup, member=ada)).reply())

        self.clock.set(MORNING + timedelta(minutes=5))
        self.scene("The question of the day is posted")
        await qotd.poster.tick()  # type: ignore[union-attr]
        post = [m for m in emu.public(self.channel) if m.custom_ids()][-1]
        self.show("everyone", post)

        self.clock.set(MORNING + timedelta(minutes=12))
        self.scene("Three members answer")
        self.show("Ben (right)", await self.answer(ben, post, right_answer))
        self.show("Cleo (wrong)", await self.answer(cleo, post, wrong_answer))
        self.show("Dan (right)", await self.answer(dan, post, right_answer))
        self.say("Dan clicks again, on another answer:")
        self.show("Dan", await self.answer(dan, post, lambda right: (right + 2) % 4))
        await qotd.poster.flush_counts()  # type: ignore[union-attr]
        self.say(f"-- the post's footer now reads: {post.embeds[0]['footer']['text']}")

        self.clock.set(MORNING + timedelta(hours=2, minutes=5))
        self.scene("The answer is revealed")
        await qotd.poster.tick()  # type: ignore[union-attr]
        self.show("everyone", post)
        reveal = [m for m in emu.public(self.channel) if m.id > post.id][-1]
        self.show("everyone", reveal)

        self.scene("Ben practises with a solo quiz")
        self.say("Ben types: /quiz questions:2")
        message = await (
            await emu.slash("quiz", {"questions": 2}, member=ben, channel=self.channel)
        ).reply()
        self.show("Ben", message)
        for n in range(2):
            pick = right_answer if n == 0 else wrong_answer
            feedback = await self.answer(ben, message, pick)
            self.show("Ben", feedback)
            label = "See results" if n == 1 else "Next question"
            message = await (
                await emu.click(feedback, feedback.button(label)["custom_id"], member=ben)
            ).reply()
            self.show("Ben", message)

        self.scene("Cleo checks the leaderboard")
        self.say("Cleo types: /leaderboard")
        board = await (await emu.slash("leaderboard", member=cleo, channel=self.channel)).reply()
        self.show("Cleo", board)
        self.say()
        self.say("That was the bot. To run it in your server, see the README's quick start.")


def run_demo(out: TextIO = sys.stdout) -> int:
    async def main() -> None:
        with tempfile.TemporaryDirectory() as folder:
            await Demo(out).run(Path(folder))

    asyncio.run(main())
    return 0
