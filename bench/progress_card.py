"""Scenario 11: the progress card. Drawing the fullest card (84 days studied, 10 topics) 200
times, and reading a card's figures for a member with 40,000 answers, 2,000 self-grades and
15,000 reviews, in a database of 240,000 answers.

The database is filled directly; the score triggers are dropped first, as the card never reads
the totals they keep (this database serves only this benchmark).
"""

from __future__ import annotations

import asyncio
import io
import random
import sqlite3
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bench.common import Report, median, percentile
from bot.db import Database
from bot.db.progress import progress_inputs
from bot.progress import ProgressInputs, TopicAccuracy, build_layout, render_png

RENDERS = 200
READS = 200
BIG_ANSWERS = 40_000
BIG_GRADES = 2_000
BIG_CARDS = 3_000
REVIEWS_PER_CARD = 5
OTHERS = 200
OTHER_ANSWERS = 1_000  # each
SPAN_DAYS = 730  # the big member's history: two years
TOPICS = [f"Topic {n}" for n in range(10)]
GUILD, BIG = 1, 42
ZONE = "Europe/Berlin"
NOW = datetime(2026, 11, 18, 18, 0, tzinfo=UTC)
DAY = 86400


def full_card() -> ProgressInputs:
    today = date(2026, 11, 18)
    rng = random.Random(11)
    return ProgressInputs(
        today,
        {today - timedelta(days=k): rng.randint(1, 40) for k in range(84)},
        current_streak=37,
        best_streak=112,
        due_week=241,
        topics=tuple(TopicAccuracy(t, 200 + 17 * i, 120 + 9 * i) for i, t in enumerate(TOPICS)),
    )


def render_times() -> tuple[list[float], int]:
    inputs = full_card()
    render_png(build_layout(inputs))  # the font is loaded once per process
    times, size = [], 0
    for _ in range(RENDERS):
        start = time.perf_counter()
        png = render_png(build_layout(inputs))
        times.append(time.perf_counter() - start)
        size = len(png)
    assert Image.open(io.BytesIO(png)).size == (800, 420)
    return times, size


def _fill(path: Path) -> None:
    async def migrate() -> None:
        async with await Database.open(path):
            pass

    asyncio.run(migrate())
    rng = random.Random(7)
    now = int(NOW.timestamp())
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous = OFF")
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    with conn:
        conn.execute(
            "INSERT INTO quiz_sessions (id, guild_id, channel_id, user_id, mode, bank, total, "
            "started_at, state) VALUES (1, ?, 1, 1, 'solo', 'b', ?, 0, 'finished')",
            (GUILD, BIG_ANSWERS),
        )
        conn.executemany(
            "INSERT INTO quiz_questions (id, session_id, position, question_id) VALUES (?, 1, ?, ?)",
            [(n, n, f"q{n}") for n in range(1, BIG_ANSWERS + 1)],
        )
        answers = [
            (BIG, n, now - rng.random() * SPAN_DAYS * DAY) for n in range(1, BIG_ANSWERS + 1)
        ] + [
            (1000 + m, n, now - rng.random() * SPAN_DAYS * DAY)
            for m in range(OTHERS)
            for n in range(1, OTHER_ANSWERS + 1)
        ]
        conn.executemany(
            "INSERT INTO answers (guild_id, user_id, board, quiz_question_id, question_id, topic, "
            "correct, points, week_key, month_key, answered_at) "
            "VALUES (?, ?, 'quiz', ?, 'q', ?, ?, 0, 'w', 'm', ?)",
            [(GUILD, u, n, rng.choice(TOPICS), rng.random() < 0.6, at) for u, n, at in answers],
        )
        conn.executemany(
            "INSERT INTO self_grades (guild_id, user_id, board, quiz_question_id, question_id, "
            "grade, recalled, points_total, graded_at) VALUES (?, ?, 'quiz', ?, 'q', 3, 1, 2, ?)",
            [
                (GUILD, BIG, n, now - rng.random() * SPAN_DAYS * DAY)
                for n in range(1, BIG_GRADES + 1)
            ],
        )
        conn.executemany(
            "INSERT INTO cards (id, guild_id, user_id, bank, question_id, due, state, reps, "
            "created_at) VALUES (?, ?, ?, 'b', ?, ?, 'review', ?, 0)",
            [
                (c, GUILD, BIG, f"q{c}", now + rng.randrange(-5 * DAY, 90 * DAY), REVIEWS_PER_CARD)
                for c in range(1, BIG_CARDS + 1)
            ],
        )
        conn.executemany(
            "INSERT INTO review_logs (card_id, grade, reviewed_at, state, source) "
            "VALUES (?, 3, ?, 'review', ?)",
            [
                (c, now - rng.randrange(SPAN_DAYS * DAY), rng.choice(("review", "quiz")))
                for c in range(1, BIG_CARDS + 1)
                for _ in range(REVIEWS_PER_CARD)
            ],
        )
    conn.execute("ANALYZE")
    conn.close()


async def _read_times(path: Path) -> tuple[list[float], ProgressInputs]:
    async with await Database.open(path) as db:
        inputs = await progress_inputs(db, GUILD, BIG, NOW, ZONE)  # warm the page cache
        times = []
        for _ in range(READS):
            start = time.perf_counter()
            await progress_inputs(db, GUILD, BIG, NOW, ZONE)
            times.append(time.perf_counter() - start)
    return times, inputs


def run(report: Report) -> None:
    renders, size = render_times()
    report.add(
        f"render a full card ({RENDERS} renders) p50 / p99",
        f"{median(renders) * 1000:.1f} / {percentile(renders, 99) * 1000:.1f} ms",
        "p99 < 100 ms",
        percentile(renders, 99) < 0.100,
    )
    report.add("PNG size of a full card", f"{size / 1024:.0f} KiB")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bot.sqlite3"
        started = time.monotonic()
        _fill(path)
        report.note(
            f"filled {BIG_ANSWERS + OTHERS * OTHER_ANSWERS:,} answers, {BIG_GRADES:,} self-grades "
            f"and {BIG_CARDS * REVIEWS_PER_CARD:,} review logs in {time.monotonic() - started:.0f} s"
        )
        reads, inputs = asyncio.run(_read_times(path))
    report.add(
        f"a card's figures for a member with {BIG_ANSWERS:,} answers p50 / p99",
        f"{median(reads) * 1000:.1f} / {percentile(reads, 99) * 1000:.1f} ms",
        "p99 < 50 ms",
        percentile(reads, 99) < 0.050,
    )
    report.note(
        f"that member's card: {sum(inputs.studied.values()):,} answers, self-grades and reviews "
        f"on {len(inputs.studied)} of 84 days, {len(inputs.topics)} topics, "
        f"{inputs.due_week} cards due within 7 days"
    )


THEMES = (
    ("Discord dark theme", "#313338", "#DBDEE1"),
    ("Discord light theme", "#FFFFFF", "#313338"),
)
SHOT = Path(__file__).resolve().parents[1] / "docs" / "images" / "progress-card.png"


def sample_card() -> ProgressInputs:
    """A member who studies most weekdays, with a few topics strong and a few weak."""
    today = date(2026, 11, 18)
    rng = random.Random(4)
    studied = {}
    for k in range(84):
        day = today - timedelta(days=k)
        if rng.random() < (0.85 if day.weekday() < 5 else 0.35) and not 40 <= k <= 45:
            studied[day] = rng.choice((1, 1, 2, 3, 4, 5, 7, 8, 12))
    topics = (
        ("Prompt Engineering", 41, 36),
        ("Model Evaluation", 27, 21),
        ("Transformers", 35, 25),
        ("Retrieval-augmented generation", 18, 12),
        ("Tokenization", 9, 5),
        ("Embeddings", 22, 11),
        ("Ethical Considerations", 14, 6),
        ("Fine-tuning", 12, 3),
    )
    return ProgressInputs(today, studied, 9, 23, 14, tuple(TopicAccuracy(*t) for t in topics))


def screenshot(path: Path = SHOT) -> None:
    """The sample card on Discord's dark and light backgrounds, side by side (for the README)."""
    card = Image.open(io.BytesIO(render_png(build_layout(sample_card()))))
    pad, label = 24, 32
    shot = Image.new("RGB", (2 * (card.width + 2 * pad), card.height + 2 * pad + label))
    draw = ImageDraw.Draw(shot)
    font = ImageFont.load_default(size=16)
    for i, (name, ground, ink) in enumerate(THEMES):
        left = i * (card.width + 2 * pad)
        draw.rectangle((left, 0, left + card.width + 2 * pad, shot.height), fill=ground)
        draw.text((left + pad, pad), name, fill=ink, font=font)
        shot.paste(card, (left + pad, pad + label))
    path.parent.mkdir(parents=True, exist_ok=True)
    shot.save(path, optimize=True)


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--screenshot"]:
        screenshot()
    else:
        run(Report("progress card"))
