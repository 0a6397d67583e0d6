"""Two bot processes, two shards, one PostgreSQL database: each server's question of the day comes
once, from the process of its shard; clicks are answered by that process; a process killed with
SIGKILL and started again loses no acknowledged answer and posts nothing twice; and two processes
ticking the same due work at once post it once, the database deciding."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.db import Database
from emulator import Emulator, Guild, Message
from tests.e2e.clocked_bot import NOW_VARIABLE
from tests.e2e.harness import START

ROOT = Path(__file__).resolve().parents[2]
SHARDS = 2
SERVERS_PER_SHARD = 2
DAY_ONE = START.replace(hour=9)  # the schedules' time; the clocks start at 08:00
DAY_TWO = DAY_ONE + timedelta(days=1)
# Later than the age at which a claim of a stopped process is taken over (UNCONFIRMED_AFTER).
AFTER_RESTART = DAY_TWO + timedelta(minutes=1)
START_TIMEOUT = 20.0
HELD_FOR = 60.0  # seconds Discord asks a held post to wait: longer than the test
MEMBERS = 3


class BotProcess:
    """``tests/e2e/clocked_bot.py`` running as its own process, its output kept line by line."""

    def __init__(self, name: str, process: asyncio.subprocess.Process) -> None:
        self.name = name
        self.process = process
        self.lines: list[str] = []
        self.changed = asyncio.Condition()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(
        cls, emu: Emulator, database_url: str, shard_ids: str, now: datetime
    ) -> BotProcess:
        keep = ("DISCORD_", "DATABASE_", "SHARD_", "WEB_", "HEALTH_")
        env = {k: v for k, v in os.environ.items() if not k.startswith(keep)}
        env.update(
            DISCORD_TOKEN=emu.token,
            DISCORD_API_BASE_URL=emu.base_url,
            DISCORD_GATEWAY_URL=emu.gateway_url,
            DATABASE_URL=database_url,
            SHARD_COUNT=str(SHARDS),
            SHARD_IDS=shard_ids,
            LOG_LEVEL="INFO",
            **{NOW_VARIABLE: now.isoformat()},
        )
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "tests.e2e.clocked_bot"),
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        bot = cls(f"shard {shard_ids}", process)
        await bot.wait_for(lambda: "ready" in bot.lines, START_TIMEOUT)
        return bot

    async def _read(self) -> None:
        assert self.process.stdout is not None
        while line := await self.process.stdout.readline():
            async with self.changed:
                self.lines.append(line.decode(errors="replace").rstrip("\n"))
                self.changed.notify_all()
        async with self.changed:
            self.changed.notify_all()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout), self.changed:
            while not predicate():
                if self._reader.done():
                    raise AssertionError(f"{self.name} exited:\n" + self.output())
                await self.changed.wait()

    async def command(self, line: str) -> None:
        """Send a command and wait until the process has carried it out."""
        assert self.process.stdin is not None
        self.process.stdin.write(f"{line}\n".encode())
        await self.process.stdin.drain()
        await self.wait_for(lambda: f"done {line}" in self.lines)

    def posts_sent(self, channel_id: int) -> int:
        """Questions of the day (messages with a post's nonce) this process sent to the channel,
        from its log of requests to Discord."""
        sent = re.compile(
            rf'POST \S+/channels/{channel_id}/messages with .*"nonce":"q.* has returned 200$'
        )
        return sum(1 for line in self.lines if sent.search(line))

    def answered(self, interaction_id: int) -> bool:
        """Whether this process responded to the interaction (so far)."""
        return any(f"/interactions/{interaction_id}/" in line for line in self.lines)

    async def assert_answered(self, interaction_id: int, other: BotProcess | None) -> None:
        """This process answered the interaction, and the other one did not."""
        try:
            await self.wait_for(lambda: self.answered(interaction_id), 5)
        except TimeoutError:
            raise AssertionError(f"{self.name} did not answer:\n{self.output()}") from None
        assert other is None or not other.answered(interaction_id), other.name

    def output(self) -> str:
        return "\n".join(self.lines[-60:])

    async def kill(self) -> None:
        self.process.kill()  # SIGKILL: no cleanup of any kind
        await self.process.wait()
        await self._reader

    async def stop(self) -> None:
        """End of commands: the process closes the bot and exits on its own."""
        if self.process.returncode is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        await self._reader
        problems = [line for line in self.lines if "Traceback" in line or " ERROR " in line]
        assert problems == [], f"{self.name} logged errors:\n" + self.output()


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator()
    for shard in range(SHARDS):
        for n in range(SERVERS_PER_SHARD):
            emulator.add_guild(f"Shard {shard} group {n}", shard=(shard, SHARDS))
    await emulator.start()
    yield emulator
    await emulator.stop()
    assert emulator.violations == [], "the bot sent what Discord would reject"
    assert emulator.unknown_routes == [], "the bot called routes the emulator does not know"


def shard_of(guild: Guild) -> int:
    return (guild.id >> 22) % SHARDS


def guilds_on(emu: Emulator, shard: int) -> list[Guild]:
    return [g for g in emu.guilds.values() if shard_of(g) == shard]


def posts(emu: Emulator, guild: Guild) -> list[Message]:
    """The questions of the day in the server's channel: each post carries its schedule's and
    date's nonce, so a second message of the same post would carry it again."""
    channel = emu.text_channel(guild)
    return [m for m in emu.public(channel) if isinstance(m.nonce, str) and m.nonce.startswith("q")]


def assert_each_posted_once(emu: Emulator, guild: Guild, days: int) -> None:
    nonces = Counter(str(m.nonce) for m in posts(emu, guild))
    assert len(nonces) == days and set(nonces.values()) == {1}, (guild.name, nonces)


async def set_up(emu: Emulator, guild: Guild, owner: BotProcess, other: BotProcess) -> None:
    admin = emu.add_member(guild, f"admin-{guild.id}", admin=True)
    values = {
        "channel": emu.text_channel(guild),
        "time": "09:00",
        "timezone": "UTC",
        "format": "choice",
    }
    handle = await emu.slash("qotd setup", values, member=admin)
    assert "09:00" in (await handle.reply(timeout=10)).text()
    await owner.assert_answered(handle.id, other)


async def answer_all(
    emu: Emulator, guild: Guild, day: int, owner: BotProcess, other: BotProcess | None
) -> set[int]:
    """Members click the server's latest post; the ids of those whose answer was acknowledged,
    each acknowledged by the process of the server's shard."""
    post = posts(emu, guild)[-1]
    acknowledged = set()
    for n in range(MEMBERS):
        member = emu.add_member(guild, f"day{day}-member{n}-{guild.id}")
        handle = await emu.click(post, post.custom_ids()[n % 2], member=member)
        text = (await handle.reply(timeout=10)).text()
        assert "Right!" in text or "Not quite" in text, text
        await owner.assert_answered(handle.id, other)
        acknowledged.add(member.id)
    return acknowledged


async def stored_answers(url: str, guild: Guild) -> Counter[int]:
    """Each member's answers to the question of the day in the server, from the database."""
    async with await Database.open(url) as db:
        rows = await db.fetchall(
            "SELECT user_id FROM answers WHERE guild_id = ? AND board = 'qotd'", (guild.id,)
        )
    return Counter(int(row[0]) for row in rows)


async def together(*bots: BotProcess, command: str) -> None:
    """The same command in every process at once: their ticks overlap."""
    await asyncio.gather(*(bot.command(command) for bot in bots))


def held(emu: Emulator, guild: Guild) -> bool:
    """Whether Discord has told the bot to wait before posting in the server's channel."""
    path = f"/channels/{emu.text_channel(guild).id}/messages"
    return any(r.path == path and r.status == 429 for r in emu.requests)


async def test_two_processes_post_once_answer_their_servers_and_survive_a_kill(
    emu: Emulator, postgres_url: str
) -> None:
    zeros, ones = guilds_on(emu, 0), guilds_on(emu, 1)
    first, second = await asyncio.gather(
        BotProcess.start(emu, postgres_url, "0", START),
        BotProcess.start(emu, postgres_url, "1", START),
    )
    owners = {0: first, 1: second}
    try:
        for guild in zeros:
            await set_up(emu, guild, first, second)
        for guild in ones:
            await set_up(emu, guild, second, first)

        # both processes tick at once while every schedule is due
        await together(first, second, command=f"at {DAY_ONE.isoformat()}")
        await together(first, second, command="tick day-one")
        for guild in emu.guilds.values():
            assert_each_posted_once(emu, guild, days=1)
            channel = emu.text_channel(guild).id
            assert owners[shard_of(guild)].posts_sent(channel) == 1
            assert owners[1 - shard_of(guild)].posts_sent(channel) == 0

        acknowledged = {
            g.id: await answer_all(emu, g, 1, owners[shard_of(g)], owners[1 - shard_of(g)])
            for g in emu.guilds.values()
        }

        # day two: the first process is killed in the middle of its tick, one of its servers
        # posted and the other's post claimed but held back by Discord
        late = zeros[1]
        emu.fail_next(
            "POST", rf"/channels/{emu.text_channel(late).id}/messages$", retry_after=HELD_FOR
        )
        await together(first, second, command=f"at {DAY_TWO.isoformat()}")
        assert first.process.stdin is not None
        first.process.stdin.write(b"tick day-two\n")
        await second.command("tick day-two")
        await emu.wait_until(lambda: len(posts(emu, zeros[0])) == 2 and held(emu, late), 10)
        await first.kill()
        assert "done tick day-two" not in first.lines
        assert len(posts(emu, late)) == 1
        # the other shard goes on meanwhile
        for guild in ones:
            assert_each_posted_once(emu, guild, days=2)
            acknowledged[guild.id] |= await answer_all(emu, guild, 2, second, None)

        restarted = await BotProcess.start(emu, postgres_url, "0", AFTER_RESTART)
        owners[0] = restarted
        try:
            # its first tick (on start) takes over the claims the killed process left
            await restarted.command("tick after-restart")
            for guild in emu.guilds.values():
                assert_each_posted_once(emu, guild, days=2)
            assert restarted.posts_sent(emu.text_channel(late).id) == 1
            for guild in zeros:
                acknowledged[guild.id] |= await answer_all(emu, guild, 2, restarted, second)
            await restarted.command("tick again")
            for guild in emu.guilds.values():
                assert_each_posted_once(emu, guild, days=2)
                stored = await stored_answers(postgres_url, guild)
                assert set(stored) == acknowledged[guild.id], guild.name
                assert set(stored.values()) == {1}, (guild.name, stored)
            # every message, reveals included: the killed shard's channels hold what the
            # other shard's hold
            sizes = {g.name: len(emu.public(emu.text_channel(g))) for g in emu.guilds.values()}
            assert len(set(sizes.values())) == 1, sizes
        finally:
            await restarted.stop()
    finally:
        with contextlib.suppress(ProcessLookupError):
            first.process.send_signal(signal.SIGKILL)
        await second.stop()


async def test_two_processes_of_one_shard_racing_for_due_posts_post_each_once(
    emu: Emulator, postgres_url: str
) -> None:
    """As while a replacement process starts before the old one of the same shard has stopped:
    both tick the same due schedules at the same instant."""
    zeros = guilds_on(emu, 0)
    old = await BotProcess.start(emu, postgres_url, "0", START)
    new: BotProcess | None = None
    try:
        for guild in zeros:
            admin = emu.add_member(guild, f"admin-{guild.id}", admin=True)
            values = {"channel": emu.text_channel(guild), "time": "09:00", "timezone": "UTC"}
            handle = await emu.slash("qotd setup", values, member=admin)
            assert "09:00" in (await handle.reply(timeout=10)).text()
        new = await BotProcess.start(emu, postgres_url, "0", START)
        for round_ in range(3):
            await together(old, new, command=f"at {DAY_ONE.isoformat()} {round_}")
            await together(old, new, command=f"tick {round_}")
        for guild in zeros:
            assert_each_posted_once(emu, guild, days=1)
            channel = emu.text_channel(guild).id
            assert old.posts_sent(channel) + new.posts_sent(channel) == 1
        async with await Database.open(postgres_url) as db:
            states = await db.fetchall("SELECT state FROM posts")
        assert [row[0] for row in states] == ["posted"] * len(zeros)
    finally:
        await old.stop()
        if new is not None:
            await new.stop()
