"""What /stats shows about a member."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.database import Database


@dataclass(frozen=True, slots=True)
class BoardTotal:
    board: str
    points: int
    answered: int
    correct: int


@dataclass(frozen=True, slots=True)
class TopicScore:
    topic: str
    answered: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class RecentAnswer:
    question_id: str
    board: str
    correct: bool
    points: int
    answered_at: float
    counted: bool  # False: an answer to a question of the day that is not revealed yet


async def board_totals(db: Database, guild_id: int, user_id: int, period: str) -> list[BoardTotal]:
    rows = await db.fetchall(
        "SELECT board, points, answered, correct FROM scores WHERE guild_id = ? "
        "AND board IN ('all', 'qotd', 'quiz') AND period = ? AND user_id = ? ORDER BY board",
        (guild_id, period, user_id),
    )
    return [BoardTotal(r[0], r[1], r[2], r[3]) for r in rows]


# Read from the index answers_by_topic alone (migration 013): a member with 40,000 answers.
TOPICS_SQL = (
    "SELECT topic, count(*), sum(correct) FROM answers "
    "WHERE guild_id = ? AND user_id = ? AND topic IS NOT NULL AND (counted = 1 OR ? = 1) "
    "GROUP BY topic"
)


async def topic_scores(
    db: Database, guild_id: int, user_id: int, *, include_open: bool
) -> list[TopicScore]:
    """Accuracy per topic; answers to questions not revealed yet only when ``include_open``
    (the member looking at their own stats)."""
    rows = await db.fetchall(TOPICS_SQL, (guild_id, user_id, int(include_open)))
    return [TopicScore(r[0], r[1], r[2]) for r in rows]


async def recent_answers(
    db: Database, guild_id: int, user_id: int, *, include_open: bool, limit: int = 5
) -> list[RecentAnswer]:
    """The last answers; answers to questions not revealed yet only when ``include_open``."""
    rows = await db.fetchall(
        "SELECT question_id, board, correct, points, answered_at, counted FROM answers "
        "WHERE guild_id = ? AND user_id = ? AND (counted = 1 OR ? = 1) "
        "ORDER BY answered_at DESC, id DESC LIMIT ?",
        (guild_id, user_id, int(include_open), limit),
    )
    return [RecentAnswer(r[0], r[1], bool(r[2]), r[3], r[4], bool(r[5])) for r in rows]


async def missed_post_since(db: Database, guild_id: int, day: str) -> bool:
    """Whether a question of the day after ``day`` closed (was revealed) in this server (a post for
    discussion asks no answer, so nobody misses it)."""
    return bool(
        await db.scalar(
            "SELECT EXISTS (SELECT 1 FROM posts WHERE guild_id = ? AND local_date > ? "
            "AND state = 'revealed' AND discussion = 0)",
            (guild_id, day),
        )
    )
