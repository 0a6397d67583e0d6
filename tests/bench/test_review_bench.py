"""The /review benchmark at a tiny size: the filled cards pass `db check`, the big member has
cards due now, and each timed step runs (at the database and through the bot process)."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import review as bench
from bot.db.reviews import card_problems
from emulator import Emulator, Member


@dataclass
class Setup:
    emu: Emulator
    member: Member
    caught_up: Member
    db: Path
    fill: bench.Fill


def filled(tmp_path: Path, now: datetime) -> Setup:
    banks = tmp_path / "banks"
    banks.mkdir()
    questions = bench._bank(banks, 60)
    emu = Emulator(validate=False)
    guild = emu.add_guild("Big server")
    member = emu.add_member(guild, "reviewer")
    caught_up = emu.add_member(guild, "caught-up")
    db = tmp_path / "bot.sqlite3"
    fill = bench.fill(
        db,
        (guild.id, member.id),
        [guild.id, 7, 8],
        questions,
        caught_up=caught_up.id,
        cards=600,
        per_member=20,
        now=now,
    )
    return Setup(emu, member, caught_up, db, fill)


def test_the_cards_are_consistent_and_some_are_due(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    setup = filled(tmp_path, now)
    db, fill = setup.db, setup.fill
    assert fill.cards == 60 and 0 < fill.due_now < fill.cards
    with sqlite3.connect(db) as conn:
        assert card_problems(conn) == []
        cards, members, logs = conn.execute(
            "SELECT count(*), count(DISTINCT user_id), (SELECT count(*) FROM review_logs) "
            "FROM cards"
        ).fetchone()
        future = conn.execute(
            "SELECT count(*) FROM cards WHERE due > ?", (int(now.timestamp()),)
        ).fetchone()[0]
        caught_up_due = conn.execute(
            "SELECT count(*) FROM cards WHERE user_id = ? AND due < ?",
            (setup.caught_up.id, int(now.timestamp()) + bench.DAY - 1),
        ).fetchone()[0]
        late_logs = conn.execute(
            "SELECT count(*) FROM review_logs WHERE reviewed_at > ?", (int(now.timestamp()),)
        ).fetchone()[0]
    assert cards == 600 and members == 2 + 480 // 20
    assert logs > cards and future > cards // 2 and late_logs == 0 and caught_up_due == 0
    assert fill.logs > 0


def test_every_step_is_timed_at_the_database_and_end_to_end(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    setup = filled(tmp_path, now)
    guild = setup.member.guild_id
    at_db = asyncio.run(bench.db_timings(setup.db, guild, setup.member.id, now, calls=3))
    assert set(at_db) == {
        "next_due_card",
        "due_summary",
        "review_settings",
        "introduced_on",
        "card_count",
        "carded_questions",
        "get_card",
        "record_review",
        "review_stats",
    }
    assert all(len(v) == 3 for k, v in at_db.items() if k != "review_stats")

    async def e2e() -> dict[str, list[float]]:
        await setup.emu.start()
        try:
            return await bench.end_to_end(
                setup.emu, tmp_path, tmp_path / "banks", (setup.member, setup.caught_up), rounds=2
            )
        finally:
            await setup.emu.stop()

    end = asyncio.run(e2e())
    assert {k: len(v) for k, v in end.items()} == dict.fromkeys(bench.STEPS, 2)
    with sqlite3.connect(setup.db) as conn:
        assert card_problems(conn) == []
        graded = conn.execute(
            "SELECT count(*) FROM review_logs WHERE source = 'review' AND reviewed_at >= ?",
            (int(now.timestamp()),),
        ).fetchone()[0]
    assert graded == 3 + 3  # the database's grades and the warm-up's and rounds' through the bot
