"""Scenario 3: leaderboards and stats over 1,000,000 answers in 1,000 servers, one of them with
100,000 members.

The database is filled directly (answers and the score totals the bot would have kept), then
`/leaderboard` and `/stats` are timed at the database (the repository functions the bot calls)
and end to end (the bot in its own process, a member running the command through the emulator).
The same leaderboard computed naively over the answers is timed for comparison.

Then the filled SQLite file is moved to a durable PostgreSQL server with `db copy` (timed, its
verdict reported, and every table's rows compared with SQLite's through order-independent
digests), and the same timings are taken on PostgreSQL against the same targets.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import postgres, roundtrip
from bench.common import BotProcess, Report, median, percentile
from bot.db import Database
from bot.db.answers import leaderboard, member_score
from bot.db.copy import CopyReport, copy_to_postgres
from bot.db.stats import board_totals, recent_answers, topic_scores
from bot.study.periods import period_keys
from emulator import Emulator

SERVERS = 1000
BIG_SERVER_MEMBERS = 100_000
ANSWERS = 1_000_000
PER_MEMBER = 5  # answers per member of the big server
QUESTIONS = 20
TOPICS = ["Statistics", "Deep learning", "Prompting", "Evaluation", "Ethics"]


def _fill(
    path: Path, guild_ids: list[int], big_members: list[int], answers_in_all: int = ANSWERS
) -> str:
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
    small = (answers_in_all - len(big_members) * PER_MEMBER) // (len(guild_ids) - 1)
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


@dataclass
class Timings:
    samples: dict[str, list[float]]  # seconds per call, by figure
    failures: dict[str, str]  # figure: the error that stopped it


async def _stats(db: Database, guild: int, user: int) -> None:
    await board_totals(db, guild, user, "all")
    await topic_scores(db, guild, user, include_open=True)
    await recent_answers(db, guild, user, include_open=True)


async def _db_timings(
    target: Path | str, guild: int, week: str, members: list[int], rounds: int = 200
) -> Timings:
    rng = random.Random(3)
    out = Timings(defaultdict(list), {})
    async with await Database.open(target) as db:
        for _ in range(rounds):
            start = time.perf_counter()
            await leaderboard(db, guild, "all", week, limit=10, offset=0)
            await member_score(db, guild, "all", week, rng.choice(members))
            out.samples["leaderboard"].append(time.perf_counter() - start)
            user = rng.choice(members)
            if "stats" in out.failures:
                continue
            start = time.perf_counter()
            try:
                await _stats(db, guild, user)
            except Exception as exc:  # a call that fails on one engine is that engine's figure
                out.failures["stats"] = f"{type(exc).__name__}: {exc}"
                continue
            out.samples["stats"].append(time.perf_counter() - start)
        for _ in range(5):
            start = time.perf_counter()
            await db.fetchall(
                "SELECT user_id, sum(week_points) AS p FROM answers WHERE guild_id = ? "
                "AND week_key = ? GROUP BY user_id ORDER BY p DESC, user_id LIMIT 10",
                (guild, week),
            )
            out.samples["naive"].append(time.perf_counter() - start)
    return out


async def _end_to_end(
    emu: Emulator,
    folder: Path,
    members: list,  # type: ignore[type-arg]
    env: dict[str, str] | None = None,
    rounds: int = 50,
    commands: tuple[str, ...] = ("leaderboard", "stats"),
) -> dict[str, list[float]]:
    bot = await BotProcess.start(emu, folder, env=env)
    out: dict[str, list[float]] = defaultdict(list)
    try:
        await bot.wait_ready()
        await emu.wait_until(lambda: emu.global_commands, timeout=30)
        rng = random.Random(5)
        for name in commands:
            await (await emu.slash(name, member=members[0])).reply(timeout=30)  # warm-up
            for _ in range(rounds):
                member = rng.choice(members)
                start = time.monotonic()
                await (await emu.slash(name, member=member)).reply(timeout=30)
                out[name].append(time.monotonic() - start)
    finally:
        await bot.stop()
    return out


@dataclass
class Copied:
    """The SQLite file moved to PostgreSQL by `db copy`, and how that went."""

    url: str
    report: CopyReport
    differences: list[str]
    digest_seconds: float


def copy_and_compare(path: Path, url: str) -> Copied:
    """`db copy` into the empty database at ``url``, then every table's rows compared."""
    report = asyncio.run(copy_to_postgres(path, url))
    started = time.monotonic()
    tables = roundtrip.table_columns(path)
    lite = roundtrip.sqlite_digests(path, tables)
    pg = asyncio.run(roundtrip.postgres_digests(url, tables))
    return Copied(url, report, roundtrip.differences(lite, pg), time.monotonic() - started)


def _add_copy(report: Report, copied: Copied) -> None:
    r = copied.report
    rows = sum(n for _, n, _ in r.tables)
    report.add(f"db copy of {rows:,} rows in {len(r.tables)} tables", f"{r.seconds:.1f} s")
    report.add(
        "db copy: row counts equal and db check clean (.ok)",
        f"{r.ok}",
        "True",
        r.ok,
    )
    report.add(
        "every table's rows read back equal SQLite's (digests)",
        f"{len(r.tables) - len(copied.differences)} of {len(r.tables)} tables",
        "all",
        not copied.differences,
    )
    for line in copied.differences:
        report.note(f"differs after the copy: {line}")
    report.note(f"the round-trip digests of both sides took {copied.digest_seconds:.0f} s")


def _add_timings(
    report: Report, timings: Timings, end: dict[str, list[float]], label: str = ""
) -> None:
    at = f"{label}: " if label else ""
    lb, naive = timings.samples["leaderboard"], timings.samples["naive"]
    report.add(
        f"{at}leaderboard at the database p50 / p99",
        f"{median(lb) * 1000:.2f} / {percentile(lb, 99) * 1000:.2f} ms",
        "p99 < 10 ms",
        percentile(lb, 99) < 0.010,
    )
    if "stats" in timings.failures:
        report.add(
            f"{at}stats at the database",
            f"fails: {timings.failures['stats']}",
            "p99 < 10 ms",
            False,
        )
    else:
        st = timings.samples["stats"]
        report.add(
            f"{at}stats at the database p50 / p99",
            f"{median(st) * 1000:.2f} / {percentile(st, 99) * 1000:.2f} ms",
            "p99 < 10 ms",
            percentile(st, 99) < 0.010,
        )
    report.add(f"{at}leaderboard computed over the answers p50", f"{median(naive) * 1000:.0f} ms")
    report.add(f"{at}naive / maintained totals", f"{median(naive) / median(lb):,.0f} x")
    for name in ("leaderboard", "stats"):
        if name not in end:
            report.add(
                f"{at}/{name} end to end", "not run: fails at the database", "p99 < 50 ms", False
            )
            continue
        values = end[name]
        report.add(
            f"{at}/{name} end to end p50 / p99",
            f"{median(values) * 1000:.0f} / {percentile(values, 99) * 1000:.0f} ms",
            "p99 < 50 ms",
            percentile(values, 99) < 0.050,
        )


def _served(
    emu: Emulator,
    folder: Path,
    members: list,  # type: ignore[type-arg]
    runs: list[tuple[dict[str, str], Timings]],
) -> list[dict[str, list[float]]]:
    """End-to-end timings with each environment's bot in turn, against one emulator; a command
    that failed at the database is not sent."""

    async def e2e() -> list[dict[str, list[float]]]:
        await emu.start()
        try:
            return [
                await _end_to_end(
                    emu,
                    folder,
                    members,
                    env,
                    commands=tuple(c for c in ("leaderboard", "stats") if c not in t.failures),
                )
                for env, t in runs
            ]
        finally:
            await emu.stop()

    return asyncio.run(e2e())


def run(report: Report) -> None:
    with tempfile.TemporaryDirectory() as tmp, postgres.server() as server_url:
        folder = Path(tmp)
        path = folder / "bot.sqlite3"
        emu = Emulator(validate=False)
        big = emu.add_guild("Big server")
        members = [emu.add_member(big, f"member{i}") for i in range(BIG_SERVER_MEMBERS)]
        ids = [m.id for m in members]
        others = [10**9 + g for g in range(1, SERVERS)]
        started = time.monotonic()
        week = _fill(path, [big.id, *others], ids)
        with sqlite3.connect(path) as conn:
            count = conn.execute("SELECT count(*) FROM answers").fetchone()[0]
        report.note(
            f"filled {count:,} answers in {SERVERS} servers in {time.monotonic() - started:.0f} s"
        )
        lite = asyncio.run(_db_timings(path, big.id, week, ids))
        url = postgres.create_database(server_url)
        try:
            report.note(f"PostgreSQL: {postgres.durability(url)}")
            copied = copy_and_compare(path, url)
            pg = asyncio.run(_db_timings(url, big.id, week, ids))
            end_lite, end_pg = _served(
                emu, folder, members, [({}, lite), ({"DATABASE_URL": url}, pg)]
            )
        finally:
            postgres.remove_database(url)
    _add_timings(report, lite, end_lite)
    _add_copy(report, copied)
    _add_timings(report, pg, end_pg, "PostgreSQL")


if __name__ == "__main__":
    run(Report("leaderboard at scale"))
