"""Migration 004: a database of an earlier version keeps its channels' question rotation, gets one
post per channel and date, and loses reveal delays that could never work."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.db import Database
from bot.db import qotd as store


def _old_rows(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO schedules (id, guild_id, channel_id, local_time, timezone, days, bank, "
            "reveal_after_min, next_due, cycle, created_at, updated_at) "
            "VALUES (?, 1, ?, '09:00', 'UTC', 127, 'seed', ?, 0, 2, 0, 0)",
            [(1, 10, 2**53 * 60), (2, 20, 120)],
        )
        conn.executemany(
            "INSERT INTO schedule_used (schedule_id, cycle, question_id) VALUES (?, ?, ?)",
            [(1, 1, "a"), (1, 2, "b"), (1, 2, "c"), (2, 1, "z")],
        )
        # a channel that got the same date twice (a schedule removed and set up again)
        conn.executemany(
            "INSERT INTO posts (id, guild_id, channel_id, schedule_id, local_date, bank, "
            "question_id, nonce, state, claimed_at, reveal_at) "
            "VALUES (?, 1, 10, ?, '2026-12-01', 'seed', ?, 'n', 'revealed', 0, 0)",
            [(1, None, "a"), (2, 1, "a")],
        )


async def test_migration_004_moves_the_rotation_to_the_channel(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    async with await Database.open(path, migrate_upto=3):
        pass
    _old_rows(path)
    async with await Database.open(path) as db:
        turn = await store.channel_rotation(db, 10)
        assert (turn.cycle, turn.used) == (2, frozenset({"b", "c"}))
        assert (await store.channel_rotation(db, 20)).used == frozenset({"z"})
        assert (await store.channel_rotation(db, 30)) == store.Rotation(1, frozenset())
        states = await db.fetchall("SELECT id, state FROM posts ORDER BY id")
        assert [(r[0], r[1]) for r in states] == [(1, "revealed"), (2, "failed")]
        kept = await store.channel_post_on(db, 10, "2026-12-01")
        assert kept is not None and kept.id == 1
        delays = await db.fetchall("SELECT id, reveal_after_min FROM schedules ORDER BY id")
        assert [(r[0], r[1]) for r in delays] == [(1, None), (2, 120)]


async def test_migration_004_keeps_the_open_post_of_a_date_so_it_is_revealed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.sqlite3"
    async with await Database.open(path, migrate_upto=3):
        pass
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO posts (id, guild_id, channel_id, schedule_id, local_date, bank, "
            "question_id, nonce, state, claimed_at, reveal_at) "
            "VALUES (?, 1, 10, NULL, '2026-12-01', 'seed', ?, 'n', ?, 0, 0)",
            [(1, "a", "revealed"), (2, "b", "posted")],
        )
    async with await Database.open(path) as db:
        states = await db.fetchall("SELECT id, state FROM posts ORDER BY id")
        assert [(r[0], r[1]) for r in states] == [(1, "failed"), (2, "posted")]
        assert [p.id for p in await store.posts_to_reveal(db, 1)] == [2]


async def test_migration_004_keeps_questions_of_removed_schedules(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    async with await Database.open(path, migrate_upto=3):
        pass
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO posts (guild_id, channel_id, schedule_id, local_date, bank, question_id, "
            "nonce, state, claimed_at, reveal_at) "
            "VALUES (1, 40, NULL, '2026-11-30', 'seed', 'gone', 'n', 'revealed', 0, 0)"
        )
    async with await Database.open(path) as db:
        assert (await store.channel_rotation(db, 40)).used == frozenset({"gone"})
