from __future__ import annotations

from datetime import UTC, datetime

from bot.db import Database
from bot.db.answers import AnswerOutcome, NewAnswer, record_answer
from bot.db.qotd import Claim, Post, ScheduleSpec, claim_post, confirm_post, save_schedule
from bot.db.quiz import QuizSpec, create_quiz

T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # a Monday


async def make_post(
    db: Database, local_date: str, *, guild_id: int = 1, channel_id: int = 10, question: str = "q1"
) -> Post:
    schedule = await save_schedule(
        db,
        ScheduleSpec(guild_id, channel_id, "09:00", "UTC", 0b1111111, "seed"),
        next_due=0,
        now=0,
    )
    post = await claim_post(
        db,
        Claim(
            schedule.id,
            guild_id,
            channel_id,
            local_date,
            "seed",
            question,
            f"n{local_date}",
            1,
            reveal_at=10**10,
            next_due=0,
        ),
        now=0,
    )
    assert post is not None
    await confirm_post(db, post.id, message_id=post.id * 1000, now=0)
    return post


async def make_quiz_questions(db: Database, n: int, *, guild_id: int = 1) -> list[int]:
    """``n`` quiz questions (ids q0, q1, ...) in one solo session; returns their row ids."""
    _, questions = await create_quiz(
        db,
        QuizSpec(guild_id, 99, 1, "solo", "seed", None, None),
        [f"q{i}" for i in range(n)],
        now=T0.timestamp(),
    )
    return [q.id for q in questions]


async def answer(
    db: Database,
    *,
    user: int,
    post: Post | None = None,
    quiz_question: int | None = None,
    question: str = "q1",
    correct: bool = True,
    points: int = 10,
    at: datetime = T0,
    guild_id: int = 1,
    timezone: str = "UTC",
) -> AnswerOutcome:
    return await record_answer(
        db,
        NewAnswer(
            guild_id=guild_id,
            user_id=user,
            board="qotd" if post else "quiz",
            question_id=post.question_id if post else question,
            correct=correct,
            points=points if correct else 0,
            answered_at=at,
            timezone=timezone,
            post_id=post.id if post else None,
            quiz_question_id=quiz_question,
            local_date=post.local_date if post else None,
            choice=0,
        ),
    )
