"""`python -m bot demo`: a scripted morning in a study server, on the local emulator.

The real bot (real discord.py, a real SQLite file in a temporary folder) runs against the
emulator; a script plays the admin and three members and prints what each of them sees. It needs
no token and no network, and its clock is moved by the script, so the morning takes seconds.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from pydantic import SecretStr

from bot.bank.loader import BUNDLED_BANKS
from bot.clock import FakeClock
from bot.config import Settings
from bot.db import Database
from bot.db import qotd as qotd_store
from bot.db import quiz as quiz_store
from bot.discord_glue.client import Services, StudyBot
from bot.items.library import BankLibrary
from bot.items.model import Item
from bot.runner import point_discord_at
from emulator import Emulator, Member, Message
from emulator.transcript import describe

MORNING = datetime(2026, 12, 1, 8, 55, tzinfo=UTC)
DEMO_CHANNEL_IDS = (1443000000000000001, 1443000000000000002)  # snowflakes of Nov 2025


# The topic's three questions, in an order drawn for Ben: one asked as which-one (its answer is
# a list), two as recall (their answers are prose).
QUIZ_TOPIC = "Prompt Engineering"
QUIZ_QUESTIONS = 3


class Demo:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.emu = Emulator()
        self.clock = FakeClock(MORNING)
        self.emu.now = self.clock.now  # "in 2 hours" is read at the demo's time
        # fixed channel ids: the channel's question order, and so the transcript, is the same
        # every run
        self.guild = self.emu.add_guild(
            "Interview Prep",
            channels=("daily-question", "general"),
            channel_ids=DEMO_CHANNEL_IDS,
        )
        self.channel = self.emu.text_channel(self.guild, "daily-question")
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

    async def stored_item(self, message: Message) -> tuple[int, Item]:
        """(row id, item) of a post or quiz question: what it asked, as the bot stored it."""
        custom = next(c for c in message.custom_ids() if c.startswith(("qotd:", "quiz:")))
        kind, *ids = custom.split(":")
        if kind == "qotd":
            row = int(ids[-1] if ids[0] == "r" else ids[0])
            post = await qotd_store.get_post(self.db, row)
            stored = post.item if post else None
        else:
            row = int(ids[1])
            qq = await quiz_store.quiz_question(self.db, row)
            stored = qq.item if qq else None
        assert stored is not None, "an asked question stores its item"
        return row, Item.loads(stored)

    async def answer(
        self, who: str, member: Member, message: Message, right: bool, *, wrong_by: int = 1
    ) -> Message:
        """A member answers what ``message`` asks: picks an option, or recalls the answer,
        ticks the key points remembered and grades themselves."""
        row, item = await self.stored_item(message)
        prefix = "qotd" if message.custom_ids()[0].startswith("qotd") else "quiz"
        if item.is_choice:
            assert item.correct is not None and item.options is not None
            pick = item.correct if right else (item.correct + wrong_by) % len(item.options)
            custom = f"qotd:{row}:{pick}" if prefix == "qotd" else f"quiz:a:{row}:{pick}"
            reply = await (await self.emu.click(message, custom, member=member)).reply()
            self.show(who, reply)
            return reply
        label = next(c["label"] for c in message.components[0]["components"])
        self.say(f"{who} thinks of an answer, then presses {label}:")
        shown = await (await self.emu.click(message, f"{prefix}:r:{row}", member=member)).reply()
        self.show(who, shown)
        recalled = len(item.key_points) - 1 if right else 1
        self.say(f"{who} ticks the {recalled} key points they had recalled:")
        values = [str(n) for n in range(recalled)]
        ticked = await (
            await self.emu.select(shown, f"{prefix}:k:{row}", values, member=member)
        ).reply()
        self.show(who, ticked)
        grade = 3 if right else 1
        self.say(f"{who} takes the suggested grade:")
        custom = f"{prefix}:g:{row}:{grade}:{recalled}"
        graded = await (await self.emu.click(ticked, custom, member=member)).reply()
        self.show(who, graded)
        return graded

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
        await self.answer("Ben (right)", ben, post, right=True)
        await self.answer("Cleo (wrong)", cleo, post, right=False)
        await self.answer("Dan (right)", dan, post, right=True)
        self.say("Dan clicks again, on another answer:")
        await self.answer("Dan", dan, post, right=False, wrong_by=2)
        await qotd.poster.flush_counts()  # type: ignore[union-attr]
        self.say(f"-- the post's footer now reads: {post.embeds[0]['footer']['text']}")

        self.clock.set(MORNING + timedelta(hours=2, minutes=5))
        self.scene("The answer is revealed")
        await qotd.poster.tick()  # type: ignore[union-attr]
        self.show("everyone", post)
        reveal = [m for m in emu.public(self.channel) if m.id > post.id][-1]
        self.show("everyone", reveal)

        self.scene("Ben practises with a solo quiz")
        self.say(f'Ben types: /quiz topic:"{QUIZ_TOPIC}" questions:{QUIZ_QUESTIONS}')
        options = {"topic": QUIZ_TOPIC, "questions": QUIZ_QUESTIONS}
        message = await (await emu.slash("quiz", options, member=ben, channel=self.channel)).reply()
        self.show("Ben", message)
        for n in range(QUIZ_QUESTIONS):
            feedback = await self.answer("Ben", ben, message, right=True)
            label = "See results" if n == QUIZ_QUESTIONS - 1 else "Next question"
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
