"""What a member's progress card shows, one query per figure, each an index range read of that
member's rows."""

from __future__ import annotations

from datetime import datetime

from bot.db.database import Database
from bot.db.sql import whole_seconds
from bot.db.stats import topic_scores
from bot.progress import ProgressInputs, TopicAccuracy, day_counts, window_bounds
from bot.progress.days import BUCKET_SECONDS
from bot.study.periods import local_date

WEEK = 7 * 86400


# Reviews made by answering a question of the day or a quiz, or by a self-grade, are the same
# study as the answer or grade already counted: only /review's own reviews are added.
def studied_sql(dialect: str) -> str:
    answered, graded = whole_seconds(dialect, "answered_at"), whole_seconds(dialect, "graded_at")
    return f"""
SELECT at / ?5 AS bucket, count(*) FROM (
    SELECT {answered} AS at FROM answers
    WHERE guild_id = ?1 AND user_id = ?2 AND answered_at >= ?3 AND answered_at < ?4
    UNION ALL
    SELECT {graded} FROM self_grades
    WHERE guild_id = ?1 AND user_id = ?2 AND graded_at >= ?3 AND graded_at < ?4
    UNION ALL
    SELECT l.reviewed_at FROM cards c JOIN review_logs l ON l.card_id = c.id
    WHERE c.guild_id = ?1 AND c.user_id = ?2 AND l.source = 'review'
    AND l.reviewed_at >= ?3 AND l.reviewed_at < ?4
) AS studied GROUP BY bucket
"""  # noqa: S608 - fixed text


STREAK_SQL = (
    "SELECT current, best, EXISTS (SELECT 1 FROM posts p WHERE p.guild_id = s.guild_id "
    "AND p.local_date > s.last_date AND p.state = 'revealed') AS missed "
    "FROM streaks s WHERE guild_id = ? AND user_id = ?"
)

# Answers to a question of the day not revealed yet are left out: a shared card must not tell
# who got today's question right before everyone can see it.
DUE_SQL = "SELECT count(*) FROM cards WHERE guild_id = ? AND user_id = ? AND due <= ?"


async def studied_days(
    db: Database, guild_id: int, user_id: int, start: int, end: int
) -> list[tuple[int, int]]:
    """Answers, self-grades and reviews between two instants, counted per 15-minute bucket."""
    rows = await db.fetchall(
        studied_sql(db.dialect), (guild_id, user_id, start, end, BUCKET_SECONDS)
    )
    return [(int(r[0]), int(r[1])) for r in rows]


async def streak_figures(db: Database, guild_id: int, user_id: int) -> tuple[int, int]:
    """The current streak as /stats shows it (0 once a later post went unanswered), and the best."""
    row = await db.fetchone(STREAK_SQL, (guild_id, user_id))
    if row is None:
        return 0, 0
    return (0 if row["missed"] else int(row["current"])), int(row["best"])


async def topic_accuracy(db: Database, guild_id: int, user_id: int) -> tuple[TopicAccuracy, ...]:
    """Revealed answers only: a shared card never tells who got today's question right."""
    scores = await topic_scores(db, guild_id, user_id, include_open=False)
    return tuple(TopicAccuracy(t.topic, t.answered, t.correct) for t in scores)


async def due_within_week(db: Database, guild_id: int, user_id: int, now: datetime) -> int:
    value = await db.scalar(DUE_SQL, (guild_id, user_id, int(now.timestamp()) + WEEK))
    return int(value or 0)


async def progress_inputs(
    db: Database, guild_id: int, user_id: int, now: datetime, timezone: str
) -> ProgressInputs:
    """A member's progress in a server on the server's local date of ``now``."""
    today = local_date(now, timezone)
    start, end = window_bounds(today, timezone)
    buckets = await studied_days(db, guild_id, user_id, start, end)
    current, best = await streak_figures(db, guild_id, user_id)
    return ProgressInputs(
        today=today,
        studied=day_counts(buckets, timezone),
        current_streak=current,
        best_streak=best,
        due_week=await due_within_week(db, guild_id, user_id, now),
        topics=await topic_accuracy(db, guild_id, user_id),
    )
