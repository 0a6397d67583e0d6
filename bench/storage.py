"""Answer-recording throughput: group commit against one commit per answer, on SQLite and on
PostgreSQL, in one run.

Each round records the same burst of answers (many members clicking a few posts at once, with
duplicate clicks) into a fresh database (a file, or a new database on a durable PostgreSQL
server), once with the bot's writer (many answers per transaction) and once with every answer in
its own transaction. An answer's latency runs from its `record_answer` call to its return. Rates
are medians over the rounds; latency percentiles pool every round's answers.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench import postgres
from bench.common import Result, median, percentile
from bot.db import Database
from bot.db.answers import AnswerOutcome, NewAnswer, record_answer, score_mismatches
from bot.db.qotd import Claim, Post, ScheduleSpec, claim_post, confirm_post, save_schedule

ANSWERS = 3000
ROUNDS = 3
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
ENGINES = ("SQLite", "PostgreSQL")
GROUPED, SINGLE = 512, 1  # the writer's max_batch: the bot's, and one answer per transaction


@dataclass
class Burst:
    rate: float  # answers/s
    transactions: int
    latencies: list[float]  # seconds, one per answer


@dataclass
class Figures:
    """One engine and one way of committing, over the rounds."""

    rates: list[float] = field(default_factory=list)
    transactions: list[int] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)

    def add(self, burst: Burst) -> None:
        self.rates.append(burst.rate)
        self.transactions.append(burst.transactions)
        self.latencies += burst.latencies

    @property
    def rate(self) -> float:
        return statistics.median(self.rates)

    def latency_ms(self) -> str:
        return (
            f"{median(self.latencies) * 1000:.0f} / {percentile(self.latencies, 99) * 1000:.0f} ms"
        )


def _clicks(posts: list[Post], answers: int) -> list[NewAnswer]:
    return [
        NewAnswer(
            guild_id=1,
            user_id=i % (answers * 9 // 10),  # a tenth are duplicate clicks
            board="qotd",
            question_id=posts[i % 5].question_id,
            correct=i % 3 == 0,
            points=10 if i % 3 == 0 else 0,
            answered_at=NOW,
            timezone="UTC",
            post_id=posts[i % 5].id,
            local_date="2026-11-30",
            choice=i % 4,
        )
        for i in range(answers)
    ]


async def _posts(db: Database) -> list[Post]:
    posts: list[Post] = []
    for n in range(5):
        schedule = await save_schedule(
            db, ScheduleSpec(1, 100 + n, "09:00", "UTC", 127, "seed"), next_due=0, now=0
        )
        claim = Claim(schedule.id, 1, 100 + n, "2026-11-30", "seed", f"q{n}", f"n{n}", 1, 0, 0)
        post = await claim_post(db, claim, now=0)
        assert post is not None
        await confirm_post(db, post.id, 1000 + n, 0)
        posts.append(post)
    return posts


async def _timed(db: Database, click: NewAnswer, latencies: list[float]) -> AnswerOutcome:
    start = time.perf_counter()
    outcome = await record_answer(db, click)
    latencies.append(time.perf_counter() - start)
    return outcome


async def _burst(target: Path | str, max_batch: int, answers: int = ANSWERS) -> Burst:
    async with await Database.open(target, max_batch=max_batch) as db:
        clicks = _clicks(await _posts(db), answers)
        latencies: list[float] = []
        start = time.perf_counter()
        outcomes = await asyncio.gather(*(_timed(db, c, latencies) for c in clicks))
        elapsed = time.perf_counter() - start
        assert len({(o.answer.user_id, o.answer.id) for o in outcomes}) == sum(
            o.recorded for o in outcomes
        )
        assert await score_mismatches(db) == []
        return Burst(answers / elapsed, db.batches, latencies)


@contextmanager
def _targets(folder: Path, server_url: str) -> Iterator[dict[str, Path | str]]:
    """A fresh database of each engine for one burst."""
    url = postgres.create_database(server_url)
    try:
        yield {"SQLite": folder / f"{time.monotonic_ns()}.sqlite3", "PostgreSQL": url}
    finally:
        postgres.remove_database(url)


def measure(
    server_url: str, answers: int = ANSWERS, rounds: int = ROUNDS
) -> dict[tuple[str, int], Figures]:
    """Figures per (engine, max_batch); the engines and ways alternate so that they share the
    machine's noise."""
    figures = {(e, b): Figures() for e in ENGINES for b in (GROUPED, SINGLE)}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(rounds):
            for batch in (GROUPED, SINGLE):
                for engine in ENGINES:
                    with _targets(Path(folder), server_url) as targets:
                        figures[engine, batch].add(
                            asyncio.run(_burst(targets[engine], batch, answers))
                        )
    return figures


def results(figures: dict[tuple[str, int], Figures], answers: int = ANSWERS) -> list[Result]:
    out = []
    for engine in ENGINES:
        grouped, single = figures[engine, GROUPED], figures[engine, SINGLE]
        out += [
            Result(f"{engine}: group commit answers/s", f"{grouped.rate:,.0f}"),
            Result(f"{engine}: group commit answer p50 / p99", grouped.latency_ms()),
            Result(
                f"{engine}: group commit transactions for {answers:,} answers",
                f"{statistics.median(grouped.transactions):.0f}",
            ),
            Result(f"{engine}: one commit per answer answers/s", f"{single.rate:,.0f}"),
            Result(f"{engine}: one commit per answer p50 / p99", single.latency_ms()),
            Result(
                f"{engine}: group commit / one commit each",
                f"{grouped.rate / single.rate:.1f} x",
                "> 1",
                grouped.rate > single.rate,
            ),
        ]
    pg, lite = figures["PostgreSQL", GROUPED].rate, figures["SQLite", GROUPED].rate
    out.append(Result("group commit: PostgreSQL / SQLite", f"{pg / lite:.2f} x"))
    return out


def run_report(answers: int = ANSWERS, rounds: int = ROUNDS) -> list[Result]:
    with postgres.server() as server_url:
        figures = measure(server_url, answers, rounds)
    out = results(figures, answers)
    for r in out:
        print(r.line(), flush=True)
    return out


if __name__ == "__main__":
    run_report()
