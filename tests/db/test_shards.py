"""Each process reads only the work of its shards' servers, and together they read all of it."""

from __future__ import annotations

from itertools import combinations

from bot.db import Database
from bot.db import qotd as store
from bot.db.reviews import due_reminders, set_reminder
from bot.study.shards import Shards, shard_of
from tests.db.helpers import make_post

COUNT = 4
# real-sized snowflakes (a 2026 timestamp, and the largest a signed 64-bit column holds), two
# servers per shard
BASE = 1_500_000_000_000 << 22
GUILDS = [BASE + (n << 22) + n for n in range(2 * COUNT)] + [2**63 - 1]


def partitions() -> list[Shards]:
    """Every way to split the shards over two processes (and one process with all)."""
    ids = range(COUNT)
    split = [Shards(COUNT, tuple(c)) for k in range(1, COUNT) for c in combinations(ids, k)]
    return [*split, Shards.every(COUNT)]


async def schedules_of(db: Database, shards: Shards | None) -> set[int]:
    return {s.guild_id for s in await store.due_schedules(db, 10**10, shards=shards)}


async def test_due_schedules_of_a_process_are_its_shards_servers(db: Database) -> None:
    for n, guild_id in enumerate(GUILDS):
        await store.save_schedule(
            db,
            store.ScheduleSpec(guild_id, 100 + n, "09:00", "UTC", 0b1111111, "seed"),
            next_due=0,
            now=0,
        )
    assert await schedules_of(db, None) == set(GUILDS)
    for shards in partitions():
        mine = {g for g in GUILDS if shard_of(g, COUNT) in shards.ids}
        assert await schedules_of(db, shards) == mine
        others = Shards(COUNT, tuple(i for i in range(COUNT) if i not in shards.ids))
        if others.ids:
            assert await schedules_of(db, others) == set(GUILDS) - mine


async def test_reveals_and_unconfirmed_claims_follow_the_shards(db: Database) -> None:
    for n, guild_id in enumerate(GUILDS):
        await make_post(db, "2026-12-01", guild_id=guild_id, channel_id=100 + n)
    claimed = await store.claim_post(
        db,
        store.Claim(2, GUILDS[1], 101, "2026-12-02", "seed", "q2", "n-claimed", 1, 10**10, 0),
        now=0,
    )
    assert claimed is not None
    for shards in partitions():
        revealed = await store.posts_to_reveal(db, 10**11, shards=shards)
        assert {p.guild_id for p in revealed} == {g for g in GUILDS if shards.serves(g)}
        unconfirmed = await store.unconfirmed_posts(db, shards)
        assert [p.id for p in unconfirmed] == ([claimed.id] if shards.serves(GUILDS[1]) else [])


async def test_due_reminders_follow_the_shards(db: Database) -> None:
    for guild_id in GUILDS:
        await set_reminder(db, guild_id, 7, "08:00", "UTC", 5)
    for shards in partitions():
        due = await due_reminders(db, 10, shards=shards)
        assert {r.guild_id for r in due} == {g for g in GUILDS if shards.serves(g)}
