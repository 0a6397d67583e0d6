"""A member's figures read the same on both engines: open answers shown to their member only,
the studied buckets, and a schedule's error recorded once."""

from __future__ import annotations

from bot.db import Database
from bot.db.progress import studied_days
from bot.db.qotd import ScheduleSpec, save_schedule, set_schedule_error
from bot.db.stats import recent_answers
from tests.db.helpers import T0, answer, make_post, make_quiz_questions

MEMBER = 5
QUARTER_HOUR = 900


async def test_open_answers_are_listed_for_their_member_only(db: Database) -> None:
    post = await make_post(db, "2026-11-30")  # not revealed: its answers are open
    (quiz_question,) = await make_quiz_questions(db, 1)
    await answer(db, user=MEMBER, post=post)
    await answer(db, user=MEMBER, quiz_question=quiz_question, question="q0")
    shared = await recent_answers(db, 1, MEMBER, include_open=False)
    own = await recent_answers(db, 1, MEMBER, include_open=True)
    assert [(a.board, a.counted) for a in shared] == [("quiz", True)]
    assert sorted((a.board, a.counted) for a in own) == [("qotd", False), ("quiz", True)]


async def test_studied_days_count_answers_per_quarter_hour(db: Database) -> None:
    (first, second) = await make_quiz_questions(db, 2)
    await answer(db, user=MEMBER, quiz_question=first, question="q0")
    await answer(db, user=MEMBER, quiz_question=second, question="q1")
    start = int(T0.timestamp()) - 86400
    assert await studied_days(db, 1, MEMBER, start, start + 2 * 86400) == [
        (int(T0.timestamp()) // QUARTER_HOUR, 2)
    ]


async def test_a_schedule_error_is_recorded_once_and_cleared(db: Database) -> None:
    schedule = await save_schedule(
        db, ScheduleSpec(1, 10, "09:00", "UTC", 0b1111111, "seed"), next_due=0, now=0
    )
    assert await set_schedule_error(db, schedule.id, "the channel was deleted")
    assert not await set_schedule_error(db, schedule.id, "the channel was deleted")
    assert await set_schedule_error(db, schedule.id, None)
    assert not await set_schedule_error(db, schedule.id, None)
