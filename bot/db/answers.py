"""Answers, score totals, streaks and leaderboards.

A member's answer to a post (or to a quiz question) counts once: the UNIQUE constraints of the
``answers`` table decide, never a read-then-write. Score totals per board and period are updated in
the same transaction as the answer, so a leaderboard read is an index range scan.

An answer to a question of the day that is still open is stored uncounted: it reaches the totals
in the transaction that reveals the post (``count_open_answers``), so until then nobody but its
member can tell from a leaderboard who got the question right (migration 005).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.db.database import Database
from bot.db.engine import Connection, Row
from bot.db.reviews import NewReview, apply_review
from bot.db.sql import id_list
from bot.db.streaks import advance_streak
from bot.metrics import ANSWERS_RECORDED
from bot.study.periods import ALL_TIME, Period, period_keys
from bot.study.streaks import Streak

Board = Literal["qotd", "quiz"]
LeaderboardBoard = Literal["qotd", "quiz", "all"]


@dataclass(frozen=True, slots=True)
class NewAnswer:
    guild_id: int
    user_id: int
    board: Board
    question_id: str
    correct: bool
    points: int
    answered_at: datetime
    timezone: str  # the server's zone: periods are computed in it
    post_id: int | None = None
    quiz_question_id: int | None = None
    local_date: str | None = None  # the post's local date, for QOTD streaks
    topic: str | None = None
    choice: int | None = None
    response: str | None = None
    bank: str | None = None  # with ``grade``: the member's review card of the question moves
    grade: int | None = None  # 1 Again ... 4 Easy (bot.study.review.grade_for)


@dataclass(frozen=True, slots=True)
class AnswerRecord:
    id: int
    user_id: int
    choice: int | None
    response: str | None
    correct: bool
    points: int
    answered_at: float


@dataclass(frozen=True, slots=True)
class AnswerOutcome:
    recorded: bool  # False: the member had already answered; ``answer`` is the first one
    answer: AnswerRecord
    credited: int  # points added to the all-time board by this answer
    streak: Streak | None


def _record(row: Row) -> AnswerRecord:
    return AnswerRecord(
        id=row["id"],
        user_id=row["user_id"],
        choice=row["choice"],
        response=row["response"],
        correct=bool(row["correct"]),
        points=row["points"],
        answered_at=row["answered_at"],
    )


def _credit_quiz(conn: Connection, a: NewAnswer, periods: list[str]) -> set[str]:
    """A quiz question scores for a member at most once per leaderboard period: the periods
    where it has not scored yet (and now has)."""
    rows = conn.execute(
        "INSERT INTO quiz_credit (guild_id, user_id, period, question_id) "
        "VALUES (?1, ?2, ?3, ?6), (?1, ?2, ?4, ?6), (?1, ?2, ?5, ?6) "
        "ON CONFLICT DO NOTHING RETURNING period",
        (a.guild_id, a.user_id, *periods, a.question_id),
    ).fetchall()
    return {r[0] for r in rows}


async def record_answer(db: Database, a: NewAnswer) -> AnswerOutcome:
    """Record a member's answer exactly once, with its score totals and streak, atomically.

    The totals are added by a trigger on the answer's INSERT (migration 003), or, for an answer
    to a question of the day not revealed yet, when it is revealed (``count_open_answers``).
    """
    keys = period_keys(a.answered_at, a.timezone)
    stamp = a.answered_at.timestamp()
    periods = [keys.week, keys.month, ALL_TIME]

    def tx(conn: Connection) -> AnswerOutcome:
        fresh: set[str] = set()
        credits = [a.points] * 3
        if a.board == "quiz" and a.points > 0:
            fresh = _credit_quiz(conn, a, periods)
            credits = [a.points if p in fresh else 0 for p in periods]
        cursor = conn.execute(
            "INSERT INTO answers (guild_id, user_id, board, post_id, quiz_question_id, "
            "question_id, topic, choice, response, correct, points, week_key, month_key, "
            "week_points, month_points, all_points, answered_at, counted) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "CASE WHEN CAST(?4 AS BIGINT) IS NULL OR EXISTS "
            "(SELECT 1 FROM posts WHERE id = ?4 AND state = 'revealed') THEN 1 ELSE 0 END) "
            "ON CONFLICT DO NOTHING RETURNING id",
            (
                a.guild_id,
                a.user_id,
                a.board,
                a.post_id,
                a.quiz_question_id,
                a.question_id,
                a.topic,
                a.choice,
                a.response,
                int(a.correct),
                a.points,
                keys.week,
                keys.month,
                *credits,
                stamp,
            ),
        )
        inserted = cursor.fetchone()
        if inserted is None:  # answered before: give back the credit taken above
            if fresh:
                conn.executemany(
                    "DELETE FROM quiz_credit WHERE guild_id = ? AND user_id = ? AND period = ? "
                    "AND question_id = ?",
                    [(a.guild_id, a.user_id, p, a.question_id) for p in fresh],
                )
            rows = conn.execute(
                "SELECT * FROM answers WHERE user_id = ? AND (post_id = ? OR quiz_question_id = ?)",
                (a.user_id, a.post_id, a.quiz_question_id),
            ).fetchall()
            return AnswerOutcome(False, _record(list(rows)[0]), 0, None)
        answer_id = inserted[0]
        streak = (
            advance_streak(conn, a.guild_id, a.user_id, a.local_date) if a.board == "qotd" else None
        )
        if a.bank is not None and a.grade is not None:
            review = NewReview(
                a.guild_id, a.user_id, a.bank, a.question_id, a.grade, a.answered_at, a.board
            )
            apply_review(conn, review)
        record = AnswerRecord(
            answer_id, a.user_id, a.choice, a.response, a.correct, a.points, stamp
        )
        return AnswerOutcome(True, record, credits[2], streak)

    outcome = await db.write(tx)
    if outcome.recorded:
        ANSWERS_RECORDED.labels(a.board).inc()
    return outcome


# --- reading ----------


@dataclass(frozen=True, slots=True)
class ScoreRow:
    rank: int
    user_id: int
    points: int
    answered: int
    correct: int


def period_key_for(period: Period, now: datetime, timezone: str) -> str:
    return period_keys(now, timezone).key(period)


async def leaderboard(
    db: Database,
    guild_id: int,
    board: LeaderboardBoard,
    period_key: str,
    *,
    limit: int = 10,
    offset: int = 0,
    exclude: frozenset[int] = frozenset(),
) -> list[ScoreRow]:
    """One page of the ranking; ties share a rank (standard competition ranking: 1, 1, 3)."""
    rows = await db.fetchall(
        "SELECT user_id, points, answered, correct FROM scores "  # noqa: S608 - see id_list
        "WHERE guild_id = ? AND board = ? AND period = ? "
        f"AND user_id NOT IN {id_list(db.dialect, '?')} "
        "ORDER BY points DESC, user_id LIMIT ? OFFSET ?",
        (guild_id, board, period_key, json.dumps(sorted(exclude)), limit, offset),
    )
    out: list[ScoreRow] = []
    for n, row in enumerate(rows):
        if out and row["points"] == out[-1].points:
            rank = out[-1].rank
        elif n == 0 and offset > 0:
            rank = await rank_of_points(db, guild_id, board, period_key, row["points"], exclude)
        else:  # every row before this one, on earlier pages too, has more points
            rank = offset + n + 1
        out.append(ScoreRow(rank, row["user_id"], row["points"], row["answered"], row["correct"]))
    return out


async def rank_of_points(
    db: Database,
    guild_id: int,
    board: str,
    period_key: str,
    points: int,
    exclude: frozenset[int] = frozenset(),
) -> int:
    """1 + the members with more points, from the per-score member counts (see migration 002),
    less the excluded members (who left the server) above those points. CROSS JOIN keeps
    SQLite's join order: the few excluded members first, each looked up by primary key, not
    every member above the points checked against the list."""
    above = await db.scalar(
        "SELECT (SELECT coalesce(sum(members), 0) FROM score_counts "  # noqa: S608 - see id_list
        "WHERE guild_id = ?1 AND board = ?2 AND period = ?3 AND points > ?4) - "
        f"(SELECT count(*) FROM {id_list(db.dialect, '?5')} AS gone CROSS JOIN scores AS s "
        "WHERE s.guild_id = ?1 AND s.board = ?2 AND s.period = ?3 AND s.user_id = gone.value "
        "AND s.points > ?4)",
        (guild_id, board, period_key, points, json.dumps(sorted(exclude))),
    )
    return int(above) + 1


async def member_score(
    db: Database,
    guild_id: int,
    board: str,
    period_key: str,
    user_id: int,
    exclude: frozenset[int] = frozenset(),
) -> ScoreRow | None:
    row = await db.fetchone(
        "SELECT user_id, points, answered, correct FROM scores "
        "WHERE guild_id = ? AND board = ? AND period = ? AND user_id = ?",
        (guild_id, board, period_key, user_id),
    )
    if row is None:
        return None
    rank = await rank_of_points(db, guild_id, board, period_key, row["points"], exclude)
    return ScoreRow(rank, row["user_id"], row["points"], row["answered"], row["correct"])


async def count_ranked(
    db: Database, guild_id: int, board: str, period_key: str, exclude: frozenset[int] = frozenset()
) -> int:
    return int(
        await db.scalar(
            "SELECT (SELECT coalesce(sum(members), 0) FROM score_counts "  # noqa: S608 - id_list
            "WHERE guild_id = ?1 AND board = ?2 AND period = ?3) - "
            f"(SELECT count(*) FROM {id_list(db.dialect, '?4')} AS gone CROSS JOIN scores AS s "
            "WHERE s.guild_id = ?1 AND s.board = ?2 AND s.period = ?3 "
            "AND s.user_id = gone.value)",
            (guild_id, board, period_key, json.dumps(sorted(exclude))),
        )
    )


async def get_streak(db: Database, guild_id: int, user_id: int) -> Streak | None:
    row = await db.fetchone(
        "SELECT current, best, last_date FROM streaks WHERE guild_id = ? AND user_id = ?",
        (guild_id, user_id),
    )
    return Streak(row["current"], row["best"], row["last_date"]) if row else None


def count_open_answers(conn: Connection, post_id: int) -> int:
    """Put the answers to a post on the boards; called in the transaction that reveals it.
    A trigger (migration 005) adds each to the totals, once."""
    return conn.execute(
        "UPDATE answers SET counted = 1 WHERE post_id = ? AND counted = 0", (post_id,)
    ).rowcount


async def post_answers(db: Database, post_id: int) -> list[AnswerRecord]:
    rows = await db.fetchall(
        "SELECT * FROM answers WHERE post_id = ? ORDER BY answered_at, id", (post_id,)
    )
    return [_record(r) for r in rows]


async def count_post_answers(db: Database, post_id: int) -> int:
    return int(await db.scalar("SELECT count(*) FROM answers WHERE post_id = ?", (post_id,)))


# --- consistency and deletion ----------

_EXPECTED_SCORES = """
WITH counted AS (SELECT * FROM answers WHERE counted = 1),
credited (guild_id, board, period, user_id, points, correct) AS (
    SELECT guild_id, board, week_key, user_id, week_points, correct FROM counted
    UNION ALL SELECT guild_id, board, month_key, user_id, month_points, correct FROM counted
    UNION ALL SELECT guild_id, board, 'all', user_id, all_points, correct FROM counted
    UNION ALL SELECT guild_id, 'all', week_key, user_id, week_points, correct FROM counted
    UNION ALL SELECT guild_id, 'all', month_key, user_id, month_points, correct FROM counted
    UNION ALL SELECT guild_id, 'all', 'all', user_id, all_points, correct FROM counted
)
SELECT guild_id, board, period, user_id,
       sum(points) AS points, count(*) AS answered, sum(correct) AS correct
FROM credited GROUP BY guild_id, board, period, user_id
"""


async def score_mismatches(db: Database) -> list[str]:
    """Every score total that differs from the sum over its answers (empty when consistent),
    read in one transaction: a live database gives a consistent answer."""
    return await db.write(score_problems)


def score_problems(conn: Connection) -> list[str]:
    rows = conn.execute(
        f"WITH expected AS ({_EXPECTED_SCORES}) "  # noqa: S608 - constant SQL
        "SELECT 'missing or wrong' AS what, e.guild_id, e.board, e.period, e.user_id, "
        "e.points AS expected, s.points AS stored FROM expected e LEFT JOIN scores s "
        "USING (guild_id, board, period, user_id) "
        "WHERE s.user_id IS NULL OR s.points <> e.points OR s.answered <> e.answered "
        "OR s.correct <> e.correct "
        "UNION ALL SELECT 'without answers', s.guild_id, s.board, s.period, s.user_id, "
        "NULL, s.points FROM scores s LEFT JOIN expected e "
        "USING (guild_id, board, period, user_id) WHERE e.user_id IS NULL"
    ).fetchall()
    problems = [
        f"guild {r['guild_id']} board {r['board']} period {r['period']} user {r['user_id']}: "
        f"{r['what']} (expected {r['expected']}, stored {r['stored']})"
        for r in rows
    ]
    counts = conn.execute(
        "WITH expected AS (SELECT guild_id, board, period, points, count(*) AS n FROM scores "
        "GROUP BY guild_id, board, period, points) "
        "SELECT c.guild_id, c.board, c.period, c.points, c.members, coalesce(e.n, 0) AS n "
        "FROM score_counts c LEFT JOIN expected e USING (guild_id, board, period, points) "
        "WHERE c.members <> coalesce(e.n, 0) "
        "UNION ALL SELECT e.guild_id, e.board, e.period, e.points, NULL, e.n FROM expected e "
        "LEFT JOIN score_counts c USING (guild_id, board, period, points) WHERE c.points IS NULL"
    ).fetchall()
    problems += [
        f"guild {r[0]} board {r[1]} period {r[2]}: {r[5]} member(s) with {r[3]} points, "
        f"counted {r[4]}"
        for r in counts
    ]
    return problems


async def forget_member(db: Database, guild_id: int, user_id: int) -> int:
    """Delete everything stored about a member in a server; returns the answers deleted."""

    def tx(conn: Connection) -> int:
        cursor = conn.execute(
            "DELETE FROM answers WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        deleted = cursor.rowcount
        for table in (
            "scores",
            "streaks",
            "quiz_credit",
            "self_grades",
            "cards",
            "review_settings",
        ):
            conn.execute(
                f"DELETE FROM {table} WHERE guild_id = ? AND user_id = ?",  # noqa: S608
                (guild_id, user_id),
            )
        conn.execute(
            "DELETE FROM quiz_sessions WHERE guild_id = ? AND user_id = ? AND mode = 'solo'",
            (guild_id, user_id),
        )
        return deleted

    return await db.write(tx)
