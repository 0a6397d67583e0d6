"""Quiz sessions and the questions drawn for them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.database import Database
from bot.db.engine import CONSTRAINT_ERRORS, Connection, Row


class GroupQuizRunning(Exception):
    """A group quiz is already running in that channel."""


class MemberGroupQuizRunning(Exception):
    """The member already runs a group quiz in this server; ``channel_id`` is where."""

    def __init__(self, channel_id: int) -> None:
        super().__init__(channel_id)
        self.channel_id = channel_id


@dataclass(frozen=True, slots=True)
class QuizSpec:
    guild_id: int
    channel_id: int
    user_id: int
    mode: str  # "solo" or "group"
    bank: str
    topic: str | None
    difficulty: str | None
    typed: bool = False
    format: str = "auto"  # how questions are asked: 'auto', 'choice' or 'recall'


@dataclass(frozen=True, slots=True)
class QuizSession:
    id: int
    guild_id: int
    channel_id: int
    user_id: int
    mode: str
    bank: str
    topic: str | None
    difficulty: str | None
    typed: bool
    total: int
    position: int
    state: str
    started_at: float
    ended_at: float | None
    format: str = "auto"


@dataclass(frozen=True, slots=True)
class QuizQuestion:
    id: int
    session_id: int
    position: int
    question_id: str
    message_id: int | None
    asked_at: float | None
    deadline: float | None
    closed: bool
    item: str | None = None  # the item asked, as JSON (bot.items.model.Item.dumps)


def _session(row: Row) -> QuizSession:
    data = {k: row[k] for k in row.keys()}  # noqa: SIM118 - Row
    data["typed"] = bool(data["typed"])
    return QuizSession(**data)


def _question(row: Row) -> QuizQuestion:
    data = {k: row[k] for k in row.keys()}  # noqa: SIM118 - Row
    data["closed"] = bool(data["closed"])
    return QuizQuestion(**data)


async def create_quiz(
    db: Database, spec: QuizSpec, question_ids: list[str], now: float, *, solo_limit: int = 1
) -> tuple[QuizSession, list[QuizQuestion]]:
    """Create a session with its questions. In a server, a member has at most ``solo_limit``
    solo quizzes running (a new one ends their oldest) and one group quiz (a second raises
    MemberGroupQuizRunning); a group quiz in a busy channel raises GroupQuizRunning."""

    def tx(conn: Connection) -> tuple[QuizSession, list[QuizQuestion]]:
        if spec.mode == "group":
            row = conn.execute(
                "SELECT channel_id FROM quiz_sessions WHERE guild_id = ? AND user_id = ? "
                "AND mode = 'group' AND state = 'running'",
                (spec.guild_id, spec.user_id),
            ).fetchone()
            if row is not None:
                raise MemberGroupQuizRunning(row[0])
        else:
            conn.execute(
                "UPDATE quiz_sessions SET state = 'stopped', ended_at = ? WHERE id IN ("
                "SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id DESC) AS newest "
                "FROM quiz_sessions WHERE guild_id = ? AND user_id = ? "
                "AND mode = 'solo' AND state = 'running') AS running WHERE newest > ?)",
                (now, spec.guild_id, spec.user_id, max(0, solo_limit - 1)),
            )
        try:
            rows = list(
                conn.execute(
                    "INSERT INTO quiz_sessions (guild_id, channel_id, user_id, mode, bank, topic, "
                    "difficulty, typed, total, started_at, format) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
                    (
                        spec.guild_id,
                        spec.channel_id,
                        spec.user_id,
                        spec.mode,
                        spec.bank,
                        spec.topic,
                        spec.difficulty,
                        int(spec.typed),
                        len(question_ids),
                        now,
                        spec.format,
                    ),
                ).fetchall()
            )
        except CONSTRAINT_ERRORS as exc:
            raise GroupQuizRunning(spec.channel_id) from exc
        session = _session(rows[0])
        conn.executemany(
            "INSERT INTO quiz_questions (session_id, position, question_id) VALUES (?, ?, ?)",
            [(session.id, n, qid) for n, qid in enumerate(question_ids)],
        )
        questions = conn.execute(
            "SELECT * FROM quiz_questions WHERE session_id = ? ORDER BY position", (session.id,)
        ).fetchall()
        return session, [_question(q) for q in questions]

    return await db.write(tx)


async def get_quiz(db: Database, session_id: int) -> QuizSession | None:
    row = await db.fetchone("SELECT * FROM quiz_sessions WHERE id = ?", (session_id,))
    return _session(row) if row else None


async def quiz_questions(db: Database, session_id: int) -> list[QuizQuestion]:
    rows = await db.fetchall(
        "SELECT * FROM quiz_questions WHERE session_id = ? ORDER BY position", (session_id,)
    )
    return [_question(r) for r in rows]


async def quiz_question(db: Database, quiz_question_id: int) -> QuizQuestion | None:
    row = await db.fetchone("SELECT * FROM quiz_questions WHERE id = ?", (quiz_question_id,))
    return _question(row) if row else None


async def running_group_quiz(db: Database, channel_id: int) -> QuizSession | None:
    row = await db.fetchone(
        "SELECT * FROM quiz_sessions WHERE channel_id = ? AND mode = 'group' AND state = 'running'",
        (channel_id,),
    )
    return _session(row) if row else None


async def running_quizzes(db: Database) -> list[QuizSession]:
    rows = await db.fetchall("SELECT * FROM quiz_sessions WHERE state = 'running' ORDER BY id")
    return [_session(r) for r in rows]


async def mark_asked(
    db: Database,
    quiz_question_id: int,
    message_id: int | None,
    asked_at: float,
    deadline: float,
    item: str | None = None,
) -> None:
    """The question is asked now, until ``deadline``, as ``item`` (JSON; kept once stored)."""

    def tx(conn: Connection) -> None:
        conn.execute(
            "UPDATE quiz_questions SET message_id = ?, asked_at = ?, deadline = ?, "
            "item = coalesce(item, ?) WHERE id = ?",
            (message_id, asked_at, deadline, item, quiz_question_id),
        )
        conn.execute(
            "UPDATE quiz_sessions SET position = (SELECT position FROM quiz_questions "
            "WHERE id = ?) WHERE id = (SELECT session_id FROM quiz_questions WHERE id = ?)",
            (quiz_question_id, quiz_question_id),
        )

    await db.write(tx)


async def set_question_message(db: Database, quiz_question_id: int, message_id: int) -> None:
    await db.execute(
        "UPDATE quiz_questions SET message_id = ? WHERE id = ?", (message_id, quiz_question_id)
    )


async def close_question(db: Database, quiz_question_id: int) -> bool:
    """Close a question to answers; False when it was already closed."""
    return (
        await db.execute(
            "UPDATE quiz_questions SET closed = 1 WHERE id = ? AND closed = 0", (quiz_question_id,)
        )
        > 0
    )


async def end_quiz(db: Database, session_id: int, state: str, now: float) -> bool:
    """Finish or stop a running quiz; False when it had already ended."""
    return (
        await db.execute(
            "UPDATE quiz_sessions SET state = ?, ended_at = ? WHERE id = ? AND state = 'running'",
            (state, now, session_id),
        )
        > 0
    )


async def idle_solo_quizzes(db: Database, before: float) -> list[QuizSession]:
    """Running solo quizzes with no activity (start, question asked, answer) since ``before``."""
    rows = await db.fetchall(
        "SELECT s.* FROM quiz_sessions s WHERE s.state = 'running' AND s.mode = 'solo' "
        "AND s.started_at < ?1 "
        "AND NOT EXISTS (SELECT 1 FROM quiz_questions q WHERE q.session_id = s.id "
        "AND q.asked_at >= ?1) "
        "AND NOT EXISTS (SELECT 1 FROM answers a JOIN quiz_questions q "
        "ON q.id = a.quiz_question_id WHERE q.session_id = s.id AND a.answered_at >= ?1) "
        "ORDER BY s.id",
        (before,),
    )
    return [_session(r) for r in rows]


async def recently_seen(db: Database, guild_id: int, user_id: int, limit: int = 200) -> list[str]:
    """The question ids a member answered most recently, newest first."""
    rows = await db.fetchall(
        "SELECT question_id, max(answered_at) AS last FROM answers "
        "WHERE guild_id = ? AND user_id = ? GROUP BY question_id ORDER BY last DESC LIMIT ?",
        (guild_id, user_id, limit),
    )
    return [r[0] for r in rows]


@dataclass(frozen=True, slots=True)
class SessionScore:
    user_id: int
    points: int
    correct: int
    answered: int


async def session_scores(db: Database, session_id: int) -> list[SessionScore]:
    """Points earned in a quiz by each member, best first."""
    rows = await db.fetchall(
        "SELECT a.user_id, sum(a.points) AS points, sum(a.correct) AS correct, count(*) AS n "
        "FROM answers a JOIN quiz_questions q ON q.id = a.quiz_question_id "
        "WHERE q.session_id = ? GROUP BY a.user_id ORDER BY points DESC, min(a.answered_at)",
        (session_id,),
    )
    return [SessionScore(r[0], r[1], r[2], r[3]) for r in rows]


@dataclass(frozen=True, slots=True)
class QuestionResult:
    position: int
    question_id: str
    answered: bool  # judged or self-graded
    correct: bool
    points: int
    choice: int | None
    response: str | None
    grade: int | None = None  # the member's own grade of a recall item (1 Again ... 4 Easy)
    item: str | None = None  # the item asked, as stored with the quiz question

    @property
    def missed(self) -> bool:
        """Answered wrong, not answered, or self-graded Again: worth asking again."""
        if self.grade is not None:
            return self.grade == 1
        return not self.correct


async def member_results(db: Database, session_id: int, user_id: int) -> list[QuestionResult]:
    """For each question of a quiz, what ``user_id`` answered or graded (unanswered included)."""
    rows = await db.fetchall(
        "SELECT q.position, q.question_id, a.id IS NOT NULL OR g.id IS NOT NULL, "
        "coalesce(a.correct, 0), coalesce(a.points, 0), a.choice, a.response, g.grade, q.item "
        "FROM quiz_questions q "
        "LEFT JOIN answers a ON a.quiz_question_id = q.id AND a.user_id = ?1 "
        "LEFT JOIN self_grades g ON g.quiz_question_id = q.id AND g.user_id = ?1 "
        "WHERE q.session_id = ?2 ORDER BY q.position",
        (user_id, session_id),
    )
    return [
        QuestionResult(r[0], r[1], bool(r[2]), bool(r[3]), r[4], r[5], r[6], r[7], r[8])
        for r in rows
    ]


async def question_answers(db: Database, quiz_question_id: int) -> list[tuple[int, bool, int]]:
    """(user, correct, points) of every answer to one quiz question, fastest first."""
    rows = await db.fetchall(
        "SELECT user_id, correct, points FROM answers WHERE quiz_question_id = ? "
        "ORDER BY answered_at, id",
        (quiz_question_id,),
    )
    return [(r[0], bool(r[1]), r[2]) for r in rows]
