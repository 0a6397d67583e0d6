"""What the progress card reads from a real database, and that each read is an index range of
the member's rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.db import Database
from bot.db import progress as queries
from bot.db.answers import NewAnswer, record_answer
from bot.db.progress import progress_inputs
from bot.db.qotd import mark_revealed
from bot.db.reviews import NewReview, introduce, record_review
from bot.db.self_grades import NewSelfGrade, record_self_grade
from bot.db.stats import TOPICS_SQL
from bot.progress import TopicAccuracy
from tests.db.helpers import make_post, make_quiz_questions

NOW = datetime(2026, 11, 18, 20, 0, tzinfo=UTC)  # Wednesday 18th, 21:00 in Berlin
ZONE = "Europe/Berlin"
SAM, EVE = 7, 8


def quiz_answer(qq: int, at: datetime, topic: str, correct: bool, user: int = SAM) -> NewAnswer:
    return NewAnswer(
        guild_id=1,
        user_id=user,
        board="quiz",
        question_id=f"q{qq}",
        correct=correct,
        points=10 if correct else 0,
        answered_at=at,
        timezone=ZONE,
        quiz_question_id=qq,
        topic=topic,
        bank="seed",
        grade=3 if correct else 1,  # the answer moves a review card too: one study, not two
    )


async def test_the_card_counts_answers_self_grades_and_reviews_on_local_days(
    db: Database,
) -> None:
    qqs = await make_quiz_questions(db, 6)
    late_monday = datetime(2026, 11, 16, 23, 30, tzinfo=UTC)  # 00:30 on Tuesday in Berlin
    await record_answer(db, quiz_answer(qqs[0], late_monday, "Statistics", True))
    await record_answer(db, quiz_answer(qqs[1], late_monday, "Statistics", False))
    await record_answer(db, quiz_answer(qqs[2], NOW - timedelta(hours=1), "Ethics", True))
    await record_answer(db, quiz_answer(qqs[3], NOW, "Ethics", True, user=EVE))  # not Sam's
    old = NOW - timedelta(days=84)  # the 26th of August: before the window
    await record_answer(db, quiz_answer(qqs[4], old, "Ethics", True))
    await record_self_grade(
        db, NewSelfGrade(1, SAM, "quiz", "q5", 4, 3, 3, NOW, quiz_question_id=qqs[5])
    )
    for hours in (2, 3):
        review = NewReview(1, SAM, "seed", "r1", 3, NOW - timedelta(hours=hours), "review")
        await record_review(db, review)
    inputs = await progress_inputs(db, 1, SAM, NOW, ZONE)
    assert inputs.today == date(2026, 11, 18)
    assert dict(inputs.studied) == {date(2026, 11, 17): 2, date(2026, 11, 18): 4}
    assert sorted(inputs.topics, key=lambda t: t.topic) == [
        TopicAccuracy("Ethics", 2, 2),
        TopicAccuracy("Statistics", 2, 1),
    ]


async def test_an_open_question_of_the_day_counts_as_study_but_not_for_accuracy(
    db: Database,
) -> None:
    post = await make_post(db, "2026-11-18")
    answer = NewAnswer(
        guild_id=1,
        user_id=SAM,
        board="qotd",
        question_id=post.question_id,
        correct=True,
        points=10,
        answered_at=NOW,
        timezone=ZONE,
        post_id=post.id,
        local_date=post.local_date,
        topic="Statistics",
    )
    await record_answer(db, answer)
    before = await progress_inputs(db, 1, SAM, NOW, ZONE)
    assert dict(before.studied) == {date(2026, 11, 18): 1}
    assert before.topics == ()  # a shared card must not tell who got it right before the reveal
    assert (before.current_streak, before.best_streak) == (1, 1)
    await mark_revealed(db, post.id)
    after = await progress_inputs(db, 1, SAM, NOW, ZONE)
    assert after.topics == (TopicAccuracy("Statistics", 1, 1),)


async def test_a_streak_shows_zero_once_a_later_post_was_missed(db: Database) -> None:
    first = await make_post(db, "2026-11-16")
    await record_answer(
        db,
        NewAnswer(
            1, SAM, "qotd", first.question_id, True, 10, NOW, ZONE, first.id, None, "2026-11-16"
        ),
    )
    later = await make_post(db, "2026-11-17", question="q2")
    await mark_revealed(db, later.id)
    assert await queries.streak_figures(db, 1, SAM) == (0, 1)
    assert await queries.streak_figures(db, 1, EVE) == (0, 0)


async def test_cards_due_within_seven_days_include_those_due_now(db: Database) -> None:
    for n, days in enumerate((-3, 0, 6, 8)):
        await introduce(db, 1, SAM, "seed", f"q{n}", NOW + timedelta(days=days), "2026-11-01")
    assert await queries.due_within_week(db, 1, SAM, NOW) == 3


@pytest.mark.parametrize(
    ("sql", "params"),
    [
        (queries.studied_sql("sqlite"), (1, 2, 0, 10, 900)),
        (queries.STREAK_SQL, (1, 2)),
        (TOPICS_SQL, (1, 2, 0)),
        (queries.DUE_SQL, (1, 2, 0)),
    ],
)
async def test_each_read_searches_an_index_of_the_members_rows(
    sqlite_db: Database, sql: str, params: tuple[int, ...]
) -> None:
    """Answers and review logs grow with every member: no read walks a whole table."""
    plan = await sqlite_db.fetchall(f"EXPLAIN QUERY PLAN {sql}", params)
    steps = [str(r[3]) for r in plan]
    subqueries = ("SCAN studied",)  # reading a subquery's own rows, not a table
    tables = [s for s in steps if s.startswith(("SEARCH", "SCAN")) and "subquery" not in s]
    tables = [s for s in tables if s not in subqueries]
    assert tables and all(
        s.startswith("SEARCH") and ("INDEX" in s or "PRIMARY KEY" in s) for s in tables
    ), steps
