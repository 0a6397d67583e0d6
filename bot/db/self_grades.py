"""Self-grades of recall items: the member's own Again / Hard / Good / Easy.

Kept apart from ``answers``: they move streaks and show as practice, but never reach the score
totals or the leaderboards (a self-report can be gamed). A member's first grade for a post or a
quiz question counts; a UNIQUE constraint decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.db.answers import Board
from bot.db.database import Database
from bot.db.engine import Connection, Row
from bot.db.reviews import NewReview, apply_review
from bot.db.streaks import advance_streak
from bot.study.streaks import Streak


@dataclass(frozen=True, slots=True)
class NewSelfGrade:
    guild_id: int
    user_id: int
    board: Board
    question_id: str
    grade: int  # 1 Again, 2 Hard, 3 Good, 4 Easy
    recalled: int  # key points ticked
    points_total: int  # key points shown
    graded_at: datetime
    post_id: int | None = None
    quiz_question_id: int | None = None
    local_date: str | None = None  # the post's local date, for streaks
    topic: str | None = None
    bank: str | None = None  # the member's review card of the question takes the grade


@dataclass(frozen=True, slots=True)
class SelfGradeOutcome:
    recorded: bool  # False: the member had graded it before; ``grade`` is that first grade
    grade: int
    streak: Streak | None


async def record_self_grade(db: Database, g: NewSelfGrade) -> SelfGradeOutcome:
    """Record a member's grade once, and for a question of the day move their streak on."""

    def tx(conn: Connection) -> SelfGradeOutcome:
        cursor = conn.execute(
            "INSERT INTO self_grades (guild_id, user_id, board, post_id, quiz_question_id, "
            "question_id, topic, grade, recalled, points_total, graded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (
                g.guild_id,
                g.user_id,
                g.board,
                g.post_id,
                g.quiz_question_id,
                g.question_id,
                g.topic,
                g.grade,
                g.recalled,
                g.points_total,
                g.graded_at.timestamp(),
            ),
        )
        if cursor.rowcount != 1:
            row = conn.execute(
                "SELECT grade FROM self_grades WHERE user_id = ? "
                "AND (post_id = ? OR quiz_question_id = ?)",
                (g.user_id, g.post_id, g.quiz_question_id),
            ).fetchone()
            return SelfGradeOutcome(False, int(row[0]) if row else g.grade, None)
        streak = advance_streak(conn, g.guild_id, g.user_id, g.local_date) if g.post_id else None
        if g.bank is not None:
            review = NewReview(
                g.guild_id, g.user_id, g.bank, g.question_id, g.grade, g.graded_at, g.board
            )
            apply_review(conn, review)
        return SelfGradeOutcome(True, g.grade, streak)

    return await db.write(tx)


@dataclass(frozen=True, slots=True)
class GradeCounts:
    """How a post or a member's recall items were graded: counts per grade 1..4."""

    again: int = 0
    hard: int = 0
    good: int = 0
    easy: int = 0

    @property
    def total(self) -> int:
        return self.again + self.hard + self.good + self.easy


def _counts(rows: list[Row]) -> GradeCounts:
    per = {int(r[0]): int(r[1]) for r in rows}
    return GradeCounts(per.get(1, 0), per.get(2, 0), per.get(3, 0), per.get(4, 0))


async def post_grades(db: Database, post_id: int) -> GradeCounts:
    rows = await db.fetchall(
        "SELECT grade, count(*) FROM self_grades WHERE post_id = ? GROUP BY grade", (post_id,)
    )
    return _counts(rows)


async def member_grades(db: Database, guild_id: int, user_id: int) -> GradeCounts:
    """Every recall item the member graded in the server (their practice, in /stats)."""
    rows = await db.fetchall(
        "SELECT grade, count(*) FROM self_grades WHERE guild_id = ? AND user_id = ? GROUP BY grade",
        (guild_id, user_id),
    )
    return _counts(rows)
