"""The bot split into shards, end to end: each process posts the question of the day of its
shards' servers only and answers their clicks; one process with every shard does all of it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.db import qotd as store
from bot.db.answers import count_post_answers
from bot.discord_glue.client import ShardedStudyBot, StudyBot
from emulator import Emulator, Guild, Message
from tests.e2e.harness import BotHarness
from tests.test_operator_errors import bot, one_sentence

NINE = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # the harness clock starts at 08:00
SHARDS = 2


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator()
    for shard in range(SHARDS):
        emulator.add_guild(f"Shard {shard} group", shard=(shard, SHARDS))
    await emulator.start()
    yield emulator
    await emulator.stop()
    assert emulator.violations == [], "the bot sent what Discord would reject"
    assert emulator.unknown_routes == [], "the bot called routes the emulator does not know"


def guild_on(emu: Emulator, shard: int) -> Guild:
    (guild,) = [g for g in emu.guilds.values() if (g.id >> 22) % SHARDS == shard]
    return guild


async def started(emu: Emulator, folder: Path, shard_ids: str = "") -> BotHarness:
    h = BotHarness(emu, folder, shard_count=SHARDS, shard_ids=shard_ids)
    await h.start()
    assert isinstance(h.bot, ShardedStudyBot)
    return h


async def set_up(emu: Emulator, guild: Guild) -> str:
    admin = emu.add_member(guild, f"admin-{guild.id}", admin=True)
    values = {
        "channel": emu.text_channel(guild),
        "time": "09:00",
        "timezone": "UTC",
        "format": "choice",
    }
    return (await (await emu.slash("qotd setup", values, member=admin)).reply()).text()


def posts(emu: Emulator, guild: Guild) -> list[Message]:
    channel = emu.text_channel(guild)
    return [m for m in emu.public(channel) if any(c.startswith("qotd:") for c in m.custom_ids())]


async def answer(emu: Emulator, guild: Guild, post: Message) -> str:
    member = emu.add_member(guild, f"member-{guild.id}")
    return (await (await emu.click(post, post.custom_ids()[0], member=member)).reply()).text()


async def answers_in(h: BotHarness, guild: Guild) -> int:
    post = await store.open_post(h.db, h.emu.text_channel(guild).id)
    assert post is not None
    return await count_post_answers(h.db, post.id)


async def test_each_process_posts_and_answers_for_its_shard_only(
    emu: Emulator, tmp_path: Path
) -> None:
    zero, one = guild_on(emu, 0), guild_on(emu, 1)
    first = await started(emu, tmp_path / "shard0", "0")
    second = await started(emu, tmp_path / "shard1", "1")
    try:
        assert {g.id for g in first.bot.guilds} == {zero.id}
        assert {g.id for g in second.bot.guilds} == {one.id}
        # each server's /qotd setup reaches the process of its shard, which stores it
        assert "09:00" in await set_up(emu, zero)
        assert "09:00" in await set_up(emu, one)
        assert [s.guild_id for s in await store.guild_schedules(first.db, zero.id)] == [zero.id]
        assert await store.guild_schedules(second.db, zero.id) == []
        # a schedule of the other shard's server in this process's database (set up before the
        # bot was split) is not this process's work
        (theirs,) = await store.guild_schedules(second.db, one.id)
        stray = store.ScheduleSpec(
            one.id, theirs.channel_id, "09:00", "UTC", theirs.days, theirs.bank, format="choice"
        )
        await store.save_schedule(first.db, stray, next_due=theirs.next_due, now=0)

        await first.tick(NINE)
        assert len(posts(emu, zero)) == 1 and posts(emu, one) == []
        assert await store.channel_post_on(first.db, emu.text_channel(one).id, "2026-12-01") is None
        await second.tick(NINE)
        assert len(posts(emu, one)) == 1 and len(posts(emu, zero)) == 1

        # clicks are answered by the process that owns the server, into its database
        assert await answer(emu, zero, posts(emu, zero)[0])
        assert await answer(emu, one, posts(emu, one)[0])
        assert await answers_in(first, zero) == 1
        assert await answers_in(second, one) == 1
        first.assert_alive()
        second.assert_alive()
    finally:
        await first.stop()
        await second.stop()


async def test_one_process_with_every_shard_posts_and_answers_in_all(
    emu: Emulator, tmp_path: Path
) -> None:
    h = await started(emu, tmp_path)
    try:
        assert set(h.bot.shards) == {0, 1}
        assert h.bot.connected_now()
        for guild in emu.guilds.values():
            assert h.bot.get_guild(guild.id) is not None
            assert "09:00" in await set_up(emu, guild)
        await h.tick(NINE)
        for guild in emu.guilds.values():
            (post,) = posts(emu, guild)
            assert await answer(emu, guild, post)
            assert await answers_in(h, guild) == 1
        h.assert_alive()
    finally:
        await h.stop()
    assert emu.gateway.identifies == SHARDS


async def test_one_shard_keeps_the_plain_client(emu: Emulator, tmp_path: Path) -> None:
    h = BotHarness(emu, tmp_path)
    await h.start()
    try:
        assert type(h.bot) is StudyBot
        assert {g.id for g in h.bot.guilds} == set(emu.guilds)
    finally:
        await h.stop()


@pytest.mark.parametrize(
    ("env", "sentence"),
    [
        ({"SHARD_COUNT": "0"}, "Setting SHARD_COUNT is invalid"),
        ({"SHARD_COUNT": "two"}, "Setting SHARD_COUNT is invalid"),
        (
            {"SHARD_COUNT": "2", "SHARD_IDS": "1-2"},
            "Setting SHARD_IDS is invalid: shard 2 does not exist with SHARD_COUNT=2",
        ),
        ({"SHARD_IDS": "0,x"}, "Setting SHARD_IDS is invalid: 'x' is not a shard id"),
    ],
)
def test_unusable_shard_settings_are_one_sentence(
    tmp_path: Path, env: dict[str, str], sentence: str
) -> None:
    result = bot(tmp_path, DATABASE_PATH=str(tmp_path / "bot.sqlite3"), **env)
    one_sentence(result, sentence)
    assert not (tmp_path / "bot.sqlite3").exists()
