"""Migration 010 and the SQL behind /qotd skip, /qotd upcoming and /qotd archive."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.db import Database
from bot.db import qotd as store
from bot.db.answers import NewAnswer, record_answer
from bot.db.qotd import Claim, Rotation
from tests.db.helpers import T0, make_post


async def test_migration_010_keeps_rows_and_accepts_the_new_values(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    async with await Database.open(path, migrate_upto=9):
        pass
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO schedules (id, guild_id, channel_id, local_time, timezone, days, bank, "
            "next_due, created_at, updated_at) VALUES (1, 1, 10, '09:00', 'UTC', 127, 'seed', 0, "
            "0, 0)"
        )
        conn.execute(
            "INSERT INTO posts (id, guild_id, channel_id, schedule_id, local_date, bank, "
            "question_id, nonce, state, message_id, claimed_at, reveal_at) "
            "VALUES (5, 1, 10, 1, '2026-12-01', 'seed', 'q1', 'n', 'posted', 50, 0, 0)"
        )
        conn.execute(
            "INSERT INTO channel_used (channel_id, cycle, question_id) VALUES (10, 1, 'q1')"
        )
    async with await Database.open(path) as db:
        kept = await store.get_post(db, 5)
        assert kept is not None and kept.state == "posted" and not kept.discussion
        await db.execute("UPDATE schedules SET format = 'discussion'")
        assert await store.replace_post(db, 5)
        assert (await store.channel_rotation(db, 10)).deferred == {1: ("q1",)}
        for bad in ("UPDATE schedules SET format = 'essay'", "UPDATE posts SET state = 'lost'"):
            with pytest.raises(sqlite3.IntegrityError):
                await db.execute(bad)
        assert await db.scalar("PRAGMA integrity_check") == "ok"


async def test_replacing_counts_answers_and_defers_the_question(db: Database) -> None:
    post = await make_post(db, "2026-12-01", question="q1")
    await record_answer(
        db,
        NewAnswer(
            guild_id=1,
            user_id=7,
            board="qotd",
            question_id="q1",
            correct=True,
            points=10,
            answered_at=T0,
            timezone="UTC",
            post_id=post.id,
            local_date="2026-12-01",
        ),
    )
    assert (
        await db.scalar("SELECT points FROM scores WHERE period = 'all' AND board = 'qotd'") is None
    )
    assert await store.replace_post(db, post.id)
    assert not await store.replace_post(db, post.id)  # once
    assert (
        await db.scalar("SELECT points FROM scores WHERE period = 'all' AND board = 'qotd'") == 10
    )
    assert await store.channel_rotation(db, 10) == Rotation(1, frozenset(), {1: ("q1",)})
    assert await store.channel_post_on(db, 10, "2026-12-01") is None
    assert await store.replaced_messages(db, 10, "2026-12-01") == [post.id * 1000]
    # the date is free for the replacement, from the same schedule
    schedule = (await store.guild_schedules(db, 1))[0]
    claim = Claim(schedule.id, 1, 10, "2026-12-01", "seed", "q2", "n2", 1, 10**10, 0)
    assert await store.claim_post(db, claim, now=0) is not None


async def test_a_revealed_post_is_not_replaced(db: Database) -> None:
    post = await make_post(db, "2026-12-01")
    assert await store.mark_revealed(db, post.id)
    assert not await store.replace_post(db, post.id)
    assert (await store.channel_rotation(db, 10)).deferred == {}


async def test_deferred_questions_keep_the_order_they_were_moved_in(db: Database) -> None:
    await store.defer_question(db, 10, 1, "a")
    await store.defer_question(db, 10, 1, "b")
    await store.defer_question(db, 10, 2, "c")
    await store.defer_question(db, 10, 1, "a")  # moved again: to the end again
    assert (await store.channel_rotation(db, 10)).deferred == {1: ("b", "a"), 2: ("c",)}


async def test_archive_newest_first_with_stats(db: Database) -> None:
    posts = [await make_post(db, f"2026-12-0{d}") for d in (1, 2, 3)]
    for n, post in enumerate(posts[:2]):
        await record_answer(
            db,
            NewAnswer(
                guild_id=1,
                user_id=7,
                board="qotd",
                question_id="q1",
                correct=n == 0,
                points=10,
                answered_at=T0,
                timezone="UTC",
                post_id=post.id,
                local_date=post.local_date,
            ),
        )
        await store.mark_revealed(db, post.id)
    assert await store.count_archived(db, 1, 10) == 2
    assert await store.count_archived(db, 2, 10) == 0  # another server names the channel
    page = await store.archived_posts(db, 1, 10, limit=5, offset=0)
    assert [(a.post.local_date, a.answered, a.right) for a in page] == [
        ("2026-12-02", 1, 0),
        ("2026-12-01", 1, 1),
    ]
    assert await store.archived_posts(db, 1, 10, limit=5, offset=2) == []
    still_open = await store.open_post(db, 10)
    assert still_open is not None and still_open.id == posts[2].id
