"""Scenario 9: /review over 1,000,000 review cards in 1,000 servers, one member with 10,000.

The database is filled directly with cards whose states come from real FSRS histories (each
reviewed card has exactly as many review logs as reviews, so ``db check`` passes), the big
member's cards on the questions of a 10,000-question bank the bot loads. Then the repository
functions /review calls are timed at the database, and the bot in its own process answers the
big member's /review, "Show answer", a grade and "Next card" through the emulator, and the
/review of a member of the same server with as many cards, none due and none left to introduce.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from bench.common import BotProcess, Report, median, percentile
from bench.data import markdown_bank
from bot.bank import load_bank
from bot.db import Database
from bot.db.reviews import (
    NewReview,
    card_count,
    card_problems,
    carded_questions,
    due_summary,
    get_card,
    introduced_on,
    next_due_card,
    record_review,
    review_settings,
    review_stats,
)
from bot.study.review import CardState, Grade, Phase, new_card, review
from emulator import Emulator, Handle, Member, Message

CARDS = 1_000_000
BIG_MEMBER_CARDS = 10_000
SERVERS = 1_000
PER_MEMBER = 100  # cards of each other member
DB_CALLS = 300
ROUNDS = 50
HISTORIES = 1_000  # distinct review histories the cards are drawn from
NEW_SHARE = 0.1  # cards introduced by /review and never reviewed yet
DUE_SPREAD = 1.1  # a card's last review lies up to 1.1 of its interval ago: ~9 % are due
BANK = "reviewbench"
ZONE = "UTC"
GRADES = (Grade.AGAIN, Grade.HARD, Grade.GOOD, Grade.EASY)
GRADE_WEIGHTS = (0.12, 0.08, 0.7, 0.1)
SOURCES = ("qotd", "quiz", "review")
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)
T = TypeVar("T")
DAY = 86400


@dataclass(frozen=True, slots=True)
class History:
    """A card's reviews, times in seconds from its first review."""

    card: CardState
    logs: tuple[tuple[int, int, str], ...]  # grade, seconds, phase before

    @property
    def last(self) -> int:
        return self.logs[-1][1]

    @property
    def due(self) -> int:
        return int((self.card.due - EPOCH).total_seconds())


def histories(count: int, rng: random.Random) -> list[History]:
    """Review histories of 1 to 8 reviews, each review when the card fell due, a little late."""
    out = []
    for _ in range(count):
        card, logs = new_card(EPOCH), []
        for _ in range(rng.randint(1, 8)):
            at = card.due + timedelta(seconds=rng.uniform(0, 0.3 * _interval(card) + 600))
            grade = rng.choices(GRADES, GRADE_WEIGHTS)[0]
            before = card.state
            card, _ = review(card, grade, at)
            logs.append((int(grade), int((at - EPOCH).total_seconds()), before.value))
        out.append(History(card, tuple(logs)))
    return out


def _interval(card: CardState) -> float:
    if card.last_review is None:
        return 0.0
    return (card.due - card.last_review).total_seconds()


@dataclass
class Fill:
    """What the filled database holds for the big member."""

    cards: int
    logs: int
    due_now: int
    seconds: float


class _Writer:
    """Cards and their logs, written in large batches with explicit ids."""

    def __init__(self, conn: sqlite3.Connection, now: int, rng: random.Random) -> None:
        self.conn, self.now, self.rng = conn, now, rng
        self.pool = histories(HISTORIES, rng)
        self.later = [h for h in self.pool if h.due - h.last > 2 * DAY]
        self.cards: list[tuple[object, ...]] = []
        self.logs: list[tuple[object, ...]] = []
        self.card_id = 0
        self.log_count = 0

    def add(self, guild: int, user: int, question: str, *, caught_up: bool = False) -> int:
        """One card; returns its due time. A caught-up member's cards are all due a day or
        more from now (none new), so none falls due while the benchmark runs."""
        self.card_id += 1
        if not caught_up and self.rng.random() < NEW_SHARE:
            created = self.now - self.rng.randrange(30 * 86400)
            day = datetime.fromtimestamp(created, UTC).date().isoformat()
            self.cards.append(
                (
                    self.card_id,
                    guild,
                    user,
                    BANK,
                    question,
                    created,
                    Phase.NEW.value,
                    None,
                    None,
                    0,
                    None,
                    0,
                    0,
                    day,
                    created,
                )
            )
            return created
        pool = self.later if caught_up else self.pool
        h = self.rng.choice(pool)
        # the history is shifted so that its last review lies before now, up to DUE_SPREAD of
        # its interval ago (a caught-up card: its due time at least a day ahead)
        if caught_up:
            ago = int(self.rng.uniform(0, 1) * (h.due - h.last - DAY))
        else:
            ago = int(self.rng.uniform(0, DUE_SPREAD) * (h.due - h.last))
        shift = self.now - 1 - ago - h.last
        c = h.card
        assert c.last_review is not None
        self.cards.append(
            (
                self.card_id,
                guild,
                user,
                BANK,
                question,
                h.due + shift,
                c.state.value,
                c.stability,
                c.difficulty,
                c.step,
                h.last + shift,
                c.reps,
                c.lapses,
                None,
                h.logs[0][1] + shift,
            )
        )
        for grade, at, phase in h.logs:
            self.logs.append((self.card_id, grade, at + shift, phase, self.rng.choice(SOURCES)))
        self.log_count += len(h.logs)
        if len(self.cards) >= 100_000:
            self.flush()
        return h.due + shift

    def flush(self) -> None:
        self.conn.executemany(
            "INSERT INTO cards (id, guild_id, user_id, bank, question_id, due, state, stability, "
            "difficulty, step, last_review, reps, lapses, introduced, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.cards,
        )
        self.conn.executemany(
            "INSERT INTO review_logs (card_id, grade, reviewed_at, state, source) "
            "VALUES (?, ?, ?, ?, ?)",
            self.logs,
        )
        self.cards.clear()
        self.logs.clear()


def _others(guild_ids: list[int], count: int, per_member: int) -> Iterator[tuple[int, int]]:
    """(server, member) of the other members, spread over the servers."""
    for m in range(max(1, count // per_member)):
        yield guild_ids[m % len(guild_ids)], 10**12 + m


def fill(
    path: Path,
    big: tuple[int, int],
    guild_ids: list[int],
    question_ids: list[str],
    *,
    caught_up: int,
    cards: int = CARDS,
    per_member: int = PER_MEMBER,
    now: datetime,
) -> Fill:
    """Write ``cards`` cards: all of ``question_ids`` for the big member (server, member) and
    for the ``caught_up`` member of the same server (none due, nothing new left to introduce:
    the server's question of the day, paused, names the bank), the rest ``per_member`` each
    for other members of ``guild_ids``."""

    async def migrate() -> None:
        async with await Database.open(path):
            pass

    started = time.monotonic()
    asyncio.run(migrate())
    rng = random.Random(9)
    stamp = int(now.timestamp())
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    with conn:
        writer = _Writer(conn, stamp, rng)
        due_now = sum(writer.add(*big, q) <= stamp for q in question_ids)
        big_logs = writer.log_count
        for question in question_ids:
            writer.add(big[0], caught_up, question, caught_up=True)
        _paused_schedule(conn, big[0], stamp)
        rest = cards - 2 * len(question_ids)
        for guild, user in _others(guild_ids, rest, per_member):
            for question in rng.sample(question_ids, min(per_member, len(question_ids))):
                writer.add(guild, user, question)
        writer.flush()
    conn.execute("ANALYZE")
    conn.close()
    return Fill(len(question_ids), big_logs, due_now, time.monotonic() - started)


def _paused_schedule(conn: sqlite3.Connection, guild: int, now: int) -> None:
    conn.execute(
        "INSERT INTO schedules (guild_id, channel_id, local_time, timezone, days, bank, paused, "
        "next_due, created_at, updated_at) VALUES (?, ?, '09:00', 'UTC', 127, ?, 1, ?, ?, ?)",
        (guild, guild + 1, BANK, now + 365 * 86400, now, now),
    )


async def db_timings(
    path: Path, guild: int, user: int, now: datetime, calls: int = DB_CALLS
) -> dict[str, list[float]]:
    """Each repository function /review calls, ``calls`` times, for the big member; the
    grades review the card due the longest, as /review does."""
    out: dict[str, list[float]] = defaultdict(list)
    day = now.date().isoformat()
    end_of_day = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)

    async def timed(name: str, work: Awaitable[T]) -> T:
        start = time.perf_counter()
        result = await work
        out[name].append(time.perf_counter() - start)
        return result

    async with await Database.open(path) as db:
        for n in range(calls):
            at = now + timedelta(seconds=n)
            card = await timed("next_due_card", next_due_card(db, guild, user, at))
            await timed("due_summary", due_summary(db, guild, user, at, end_of_day))
            await timed("review_settings", review_settings(db, guild, user))
            await timed("introduced_on", introduced_on(db, guild, user, day))
            await timed("card_count", card_count(db, guild, user, BANK))
            await timed("carded_questions", carded_questions(db, guild, user, BANK))
            assert card is not None, "the big member ran out of due cards"
            shown = await timed("get_card", get_card(db, card.id))
            assert shown is not None
            grade = NewReview(
                guild, user, shown.bank, shown.question_id, int(Grade.GOOD), at, "review"
            )
            done = await timed(
                "record_review", record_review(db, grade, reps=shown.state.reps, local_date=day)
            )
            assert done is not None
        for _ in range(max(1, calls // 10)):
            await timed("review_stats", review_stats(db, guild, user, now - timedelta(days=30)))
    return out


STEPS = ("/review", "Show answer", "grade", "Next card", "/review, nothing due")


async def _round(
    emu: Emulator, member: Member, caught_up: Member, out: dict[str, list[float]]
) -> None:
    """/review, reveal the recall card's key points, grade it Good, ask for the next card;
    then /review of a member with nothing due and no question left to introduce."""

    async def step(name: str, action: Awaitable[Handle]) -> Message:
        start = time.monotonic()
        message = await (await action).reply(timeout=30)
        out[name].append(time.monotonic() - start)
        return message

    shown = await step("/review", emu.slash("review", member=member))
    show = next(c for c in shown.custom_ids() if c.startswith("review:r:"))
    row = show.split(":")[2]
    revealed = await step("Show answer", emu.click(shown, show, member=member))
    graded = await step("grade", emu.click(revealed, f"review:g:{row}:3:0", member=member))
    assert "Recorded: **Good**" in graded.text(), graded.text()
    await step(
        "Next card", emu.click(graded, graded.button("Next card")["custom_id"], member=member)
    )
    done = await step("/review, nothing due", emu.slash("review", member=caught_up))
    assert done.embeds[0]["title"] == "Review · all done for now", done.embeds


async def end_to_end(
    emu: Emulator,
    folder: Path,
    banks: Path,
    members: tuple[Member, Member],
    rounds: int = ROUNDS,
) -> dict[str, list[float]]:
    """Timed rounds of the big member (``members[0]``) and the caught-up one."""
    bot = await BotProcess.start(emu, folder, env={"BANKS_DIR": str(banks)})
    out: dict[str, list[float]] = defaultdict(list)
    try:
        await bot.wait_ready()
        await emu.wait_until(lambda: emu.global_commands, timeout=30)
        await _round(emu, *members, defaultdict(list))  # warm-up
        for _ in range(rounds):
            await _round(emu, *members, out)
    finally:
        await bot.stop()
    return out


def _bank(folder: Path, count: int) -> list[str]:
    path = markdown_bank(folder / f"{BANK}.md", count)
    result = load_bank(path)
    assert result.bank is not None and not result.errors, result.errors[:3]
    return [q.id for q in result.bank.questions]


def run(report: Report) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        banks = folder / "banks"
        banks.mkdir()
        question_ids = _bank(banks, BIG_MEMBER_CARDS)
        emu = Emulator(validate=False)
        guild = emu.add_guild("Big server")
        member = emu.add_member(guild, "reviewer")
        caught_up = emu.add_member(guild, "caught-up")
        others = [10**9 + g for g in range(1, SERVERS)]
        db = folder / "bot.sqlite3"
        now = datetime.now(UTC)
        filled = fill(
            db,
            (guild.id, member.id),
            [guild.id, *others],
            question_ids,
            caught_up=caught_up.id,
            now=now,
        )
        with sqlite3.connect(db) as conn:
            cards, logs = conn.execute(
                "SELECT (SELECT count(*) FROM cards), (SELECT count(*) FROM review_logs)"
            ).fetchone()
            started = time.monotonic()
            problems = card_problems(conn)
            checked = time.monotonic() - started
        report.note(
            f"filled {cards:,} cards and {logs:,} review logs in {SERVERS} servers in "
            f"{filled.seconds:.0f} s; the big member has {filled.cards:,} cards "
            f"({filled.due_now:,} due now) and {filled.logs:,} review logs"
        )
        report.add(
            "db check of the cards (card_problems)",
            f"{checked:.1f} s, {len(problems)} problems",
            "no problems",
            not problems,
        )
        timings = asyncio.run(db_timings(db, guild.id, member.id, now))

        async def e2e() -> dict[str, list[float]]:
            await emu.start()
            try:
                return await end_to_end(emu, folder, banks, (member, caught_up))
            finally:
                await emu.stop()

        end = asyncio.run(e2e())
    _report(report, timings, end)


def _report(report: Report, timings: dict[str, list[float]], end: dict[str, list[float]]) -> None:
    for name, values in timings.items():
        target = name != "review_stats"
        report.add(
            f"{name} at the database p50 / p99",
            f"{median(values) * 1000:.2f} / {percentile(values, 99) * 1000:.2f} ms",
            "p99 < 10 ms" if target else "",
            percentile(values, 99) < 0.010 if target else None,
        )
    for name in STEPS:
        values = end[name]
        p99 = percentile(values, 99)
        report.add(
            f"{name} end to end p50 / p99",
            f"{median(values) * 1000:.0f} / {p99 * 1000:.0f} ms",
            "p99 < 3 s",
            p99 < 3.0,
        )
        report.add(f"{name} end to end p99 < 50 ms", "yes" if p99 < 0.050 else "no")


if __name__ == "__main__":
    run(Report("/review at scale"))
