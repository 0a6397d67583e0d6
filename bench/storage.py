"""Answer-recording throughput: group commit against one commit per answer, in one run.

Each round records the same burst of answers (many members clicking a few posts at once, with
duplicate clicks) into a fresh database file, once with the bot's writer (many answers per
transaction) and once with every answer in its own transaction. Medians over the rounds.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import Result
from bot.db import Database
from bot.db.answers import NewAnswer, record_answer, score_mismatches
from bot.db.qotd import Claim, ScheduleSpec, claim_post, confirm_post, save_schedule

ANSWERS = 3000
ROUNDS = 3
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


async def _burst(path: Path, max_batch: int) -> tuple[float, int]:
    async with await Database.open(path, max_batch=max_batch) as db:
        posts = []
        for n in range(5):
            schedule = await save_schedule(
                db, ScheduleSpec(1, 100 + n, "09:00", "UTC", 127, "seed"), next_due=0, now=0
            )
            claim = Claim(schedule.id, 1, 100 + n, "2026-11-30", "seed", f"q{n}", f"n{n}", 1, 0, 0)
            post = await claim_post(db, claim, now=0)
            assert post is not None
            await confirm_post(db, post.id, 1000 + n, 0)
            posts.append(post)
        clicks = [
            NewAnswer(
                guild_id=1,
                user_id=i % (ANSWERS * 9 // 10),  # a tenth are duplicate clicks
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
            for i in range(ANSWERS)
        ]
        start = time.perf_counter()
        outcomes = await asyncio.gather(*(record_answer(db, c) for c in clicks))
        elapsed = time.perf_counter() - start
        assert len({(o.answer.user_id, o.answer.id) for o in outcomes}) == sum(
            o.recorded for o in outcomes
        )
        assert await score_mismatches(db) == []
        return ANSWERS / elapsed, db.batches


def run_report() -> list[Result]:
    figures = run()
    return [
        Result("group commit answers/s", f"{figures['group_commit_per_s']:,.0f}"),
        Result("one commit per answer answers/s", f"{figures['single_commit_per_s']:,.0f}"),
        Result(
            "group commit / one commit each",
            f"{figures['ratio']:.1f} x",
            "> 1",
            figures["ratio"] > 1,
        ),
    ]


def run() -> dict[str, float]:
    grouped, single, batches = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        for n in range(ROUNDS):
            rate, count = asyncio.run(_burst(Path(folder) / f"g{n}.sqlite3", max_batch=512))
            grouped.append(rate)
            batches.append(count)
            rate, _ = asyncio.run(_burst(Path(folder) / f"s{n}.sqlite3", max_batch=1))
            single.append(rate)
    g, s = statistics.median(grouped), statistics.median(single)
    print(f"answer recording, {ANSWERS} concurrent answers, median of {ROUNDS} rounds:")
    print(
        f"  group commit:        {g:8.0f} answers/s ({statistics.median(batches):.0f} transactions)"
    )
    print(f"  one commit each:     {s:8.0f} answers/s")
    print(f"  ratio:               {g / s:8.1f}x")
    print(
        f"  verdict: {'ok' if g > s else 'MISSED'} "
        "(target: group commit faster than one commit each)"
    )
    return {"group_commit_per_s": g, "single_commit_per_s": s, "ratio": g / s}


if __name__ == "__main__":
    run()
