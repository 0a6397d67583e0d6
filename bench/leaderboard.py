"""Scenario 3: leaderboards and stats over 1,000,000 answers in 1,000 servers, one of them with
100,000 members.

The database is filled directly (answers and the score totals the bot would have kept), then
`/leaderboard` and `/stats` are timed at the database (the repository functions the bot calls)
and end to end (the bot in its own process, a member running the command through the emulator).
The same leaderboard computed naively over the answers is timed for comparison.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from bench.common import BotProcess, Report, median, percentile
from bot.db import Database
from bot.db.answers import leaderboard, member_score
from bot.db.stats import board_totals, recent_answers, topic_scores
from bot.study.periods import period_keys
from emulator import Emulator

SERVERS = 1000
BIG_SERVER_MEMBERS = 100_000
ANSWERS = 1_000_000
PER_MEMBER = 5  # answers per member of the big server
QUESTIONS = 20
TOPICS = ["Statistics", "Deep learning", "Prompting", "Evaluation", "Ethics"]


def _fill(path: Path, guild_ids: list[int], big_members: list[int]) -> str:
    """Write answers and their score totals; returns the current week's key."""

    async def migrate() -> None:
        async with await Database.open(path):
            pass

    asyncio.run(migrate())
    rng = random.Random(7)
    now = datetime.now(UTC)
    keys = period_keys(now, "UTC")
    stamp = now.timestamp()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    # Building the fixture: the score triggers are set aside and the totals written in bulk,
    # then the triggers are put back exactly as the migrations made them.
    triggers = [r[0] for r in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")]
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    answers: list[tuple[object, ...]] = []
    totals: dict[tuple[int, str, str, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    qq_id = 0
    small = (ANSWERS - len(big_members) * PER_MEMBER) // (len(guild_ids) - 1)
    with conn:
        for g, guild in enumerate(guild_ids):
            cur = conn.execute(
                "INSERT INTO quiz_sessions (guild_id, channel_id, user_id, mode, bank, total, "
                "started_at, state) VALUES (?, 1, 1, 'solo', 'b', ?, ?, 'finished')",
                (guild, QUESTIONS, stamp),
            )
            session = cur.lastrowid
            first_qq = qq_id + 1
            conn.executemany(
                "INSERT INTO quiz_questions (id, session_id, position, question_id) VALUES (?, ?, ?, ?)",
                [(first_qq + p, session, p, f"q{p}") for p in range(QUESTIONS)],
            )
            qq_id += QUESTIONS
            if g == 0:
                members = big_members
                per = PER_MEMBER
            else:
                members = [10**12 + g * 1000 + m for m in range(small // PER_MEMBER)]
                per = PER_MEMBER
            for i, user in enumerate(members):
                for k in range(per):
                    pos = (i + k) % QUESTIONS
                    correct = rng.random() < 0.6
                    points = rng.choice((10, 15, 20)) if correct else 0
                    answers.append(
                        (
                            guild,
                            user,
                            "quiz",
                            first_qq + pos,
                            f"q{pos}",
                            rng.choice(TOPICS),
                            0,
                            int(correct),
                            points,
                            keys.week,
                            keys.month,
                            points,
                            points,
                            points,
                            stamp - rng.random() * 3600,
                        )
                    )
                    for board in ("quiz", "all"):
                        for period in (keys.week, keys.month, "all"):
                            t = totals[(guild, board, period, user)]
                            t[0] += points
                            t[1] += 1
                            t[2] += int(correct)
            if len(answers) > 200_000:
                _flush(conn, answers)
        _flush(conn, answers)
        conn.executemany(
            "INSERT INTO scores (guild_id, board, period, user_id, points, answered, correct) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(*k, *v) for k, v in totals.items()],
        )
        conn.execute(
            "INSERT INTO score_counts SELECT guild_id, board, period, points, count(*) "
            "FROM scores GROUP BY guild_id, board, period, points"
        )
        for sql in triggers:
            conn.execute(sql)
    conn.execute("ANALYZE")
    conn.close()
    return keys.week


def _flush(conn: sqlite3.Connection, answers: list[tuple[object, ...]]) -> None:
    conn.executemany(
        "INSERT INTO answers (guild_id, user_id, board, quiz_question_id, question_id, topic, "
        "choice, correct, points, week_key, month_key, week_points, month_points, all_points, "
        "answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        answers,
    )
    answers.clear()


async def _db_timings(
    path: Path, guild: int, week: str, members: list[int]
) -> dict[str, list[float]]:
    rng = random.Random(3)
    out: dict[str, list[float]] = defaultdict(list)
    async with await Database.open(path) as db:
        for _ in range(200):
            start = time.perf_counter()
            await leaderboard(db, guild, "all", week, limit=10, offset=0)
            await member_score(db, guild, "all", week, rng.choice(members))
            out["leaderboard"].append(time.perf_counter() - start)
            user = rng.choice(members)
            start = time.perf_counter()
            await board_totals(db, guild, user, "all")
            await topic_scores(db, guild, user)
            await recent_answers(db, guild, user)
            out["stats"].append(time.perf_counter() - start)
        for _ in range(5):
            start = time.perf_counter()
            await db.fetchall(
                "SELECT user_id, sum(week_points) AS p FROM answers WHERE guild_id = ? "
                "AND week_key = ? GROUP BY user_id ORDER BY p DESC, user_id LIMIT 10",
                (guild, week),
            )
            out["naive"].append(time.perf_counter() - start)
    return out


async def _end_to_end(emu: Emulator, folder: Path, members: list) -> dict[str, list[float]]:  # type: ignore[type-arg]
    bot = await BotProcess.start(emu, folder)
    out: dict[str, list[float]] = defaultdict(list)
    try:
        await bot.wait_ready()
        await emu.wait_until(lambda: emu.global_commands, timeout=30)
        rng = random.Random(5)
        for name in ("leaderboard", "stats"):
            await (await emu.slash(name, member=members[0])).reply(timeout=30)  # warm-up
            for _ in range(50):
                member = rng.choice(members)
                start = time.monotonic()
                await (await emu.slash(name, member=member)).reply(timeout=30)
                out[name].append(time.monotonic() - start)
    finally:
        await bot.stop()
    return out


def run(report: Report) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        emu = Emulator(validate=False)
        big = emu.add_guild("Big server")
        members = [emu.add_member(big, f"member{i}") for i in range(BIG_SERVER_MEMBERS)]
        others = [10**9 + g for g in range(1, SERVERS)]
        started = time.monotonic()
        week = _fill(folder / "bot.sqlite3", [big.id, *others], [m.id for m in members])
        with sqlite3.connect(folder / "bot.sqlite3") as conn:
            count = conn.execute("SELECT count(*) FROM answers").fetchone()[0]
        report.note(
            f"filled {count:,} answers in {SERVERS} servers in {time.monotonic() - started:.0f} s"
        )
        timings = asyncio.run(
            _db_timings(folder / "bot.sqlite3", big.id, week, [m.id for m in members])
        )

        async def e2e() -> dict[str, list[float]]:
            await emu.start()
            try:
                return await _end_to_end(emu, folder, members)
            finally:
                await emu.stop()

        end = asyncio.run(e2e())
    lb, st, naive = timings["leaderboard"], timings["stats"], timings["naive"]
    report.add(
        "leaderboard at the database p50 / p99",
        f"{median(lb) * 1000:.2f} / {percentile(lb, 99) * 1000:.2f} ms",
        "p99 < 10 ms",
        percentile(lb, 99) < 0.010,
    )
    report.add(
        "stats at the database p50 / p99",
        f"{median(st) * 1000:.2f} / {percentile(st, 99) * 1000:.2f} ms",
        "p99 < 10 ms",
        percentile(st, 99) < 0.010,
    )
    report.add("leaderboard computed over the answers p50", f"{median(naive) * 1000:.0f} ms")
    report.add("naive / maintained totals", f"{median(naive) / median(lb):,.0f} x")
    for name in ("leaderboard", "stats"):
        values = end[name]
        report.add(
            f"/{name} end to end p50 / p99",
            f"{median(values) * 1000:.0f} / {percentile(values, 99) * 1000:.0f} ms",
            "p99 < 50 ms",
            percentile(values, 99) < 0.050,
        )


if __name__ == "__main__":
    run(Report("leaderboard at scale"))
