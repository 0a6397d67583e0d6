"""Review cards on a real SQLite file: every judged answer and self-grade reviews the member's
card once, in the answer's transaction; /review's own answers never review a card twice."""

from __future__ import annotations

from datetime import timedelta

from bot.db import Database
from bot.db.answers import NewAnswer, forget_member, record_answer
from bot.db.reviews import (
    NewReview,
    card_problems,
    due_summary,
    introduce,
    introduced_on,
    member_cards,
    next_due_card,
    record_review,
    review_settings,
    review_stats,
    set_member_new_per_day,
    set_server_new_per_day,
)
from bot.db.self_grades import NewSelfGrade, record_self_grade
from bot.study.review import Grade, Phase
from tests.db.helpers import T0, make_post


def judged(user: int, post_id: int, correct: bool, question: str = "q1") -> NewAnswer:
    return NewAnswer(
        guild_id=1,
        user_id=user,
        board="qotd",
        question_id=question,
        correct=correct,
        points=10 if correct else 0,
        answered_at=T0,
        timezone="UTC",
        post_id=post_id,
        local_date="2026-11-30",
        bank="seed",
        grade=int(Grade.GOOD if correct else Grade.AGAIN),
    )


async def test_a_missed_question_of_the_day_makes_a_card_due_soon(db: Database) -> None:
    post = await make_post(db, "2026-11-30")
    await record_answer(db, judged(7, post.id, correct=False))
    again = await record_answer(db, judged(7, post.id, correct=True))  # a second click
    assert not again.recorded
    cards = await member_cards(db, 1, 7)
    card = cards["q1"]
    assert card.reps == 1 and card.state is Phase.LEARNING  # reviewed once, as Again
    assert card.due <= T0 + timedelta(minutes=10)
    due = await next_due_card(db, 1, 7, T0 + timedelta(minutes=10))
    assert due is not None and due.question_id == "q1"
    assert await db.write(card_problems) == []


async def test_a_right_answer_and_a_self_grade_each_review_once(db: Database) -> None:
    post = await make_post(db, "2026-11-30")
    await record_answer(db, judged(7, post.id, correct=True))
    other = await make_post(db, "2026-12-01", channel_id=11, question="q2")
    grade = NewSelfGrade(
        guild_id=1,
        user_id=7,
        board="qotd",
        question_id="q2",
        grade=4,
        recalled=3,
        points_total=3,
        graded_at=T0,
        post_id=other.id,
        local_date="2026-12-01",
        bank="seed",
    )
    await record_self_grade(db, grade)
    await record_self_grade(db, grade)  # first grade counts: no second review
    cards = await member_cards(db, 1, 7)
    assert cards["q1"].reps == 1 and cards["q2"].reps == 1
    assert cards["q2"].due > cards["q1"].due  # Easy waits longer than Good
    stats = await review_stats(db, 1, 7, T0 - timedelta(days=30))
    assert stats.reviews == 2
    assert sum(stats.by_state.values()) == 2


async def test_a_stale_review_click_changes_nothing(db: Database) -> None:
    card = await introduce(db, 1, 7, "seed", "q9", T0, "2026-11-30")
    review = NewReview(1, 7, "seed", "q9", 3, T0, "review")
    first = await record_review(db, review, reps=card.state.reps)
    assert first is not None and first.state.reps == 1
    assert await record_review(db, review, reps=card.state.reps) is None
    assert (await member_cards(db, 1, 7))["q9"].reps == 1


async def test_due_counts_and_new_cards_a_day(db: Database) -> None:
    for n in range(3):
        await introduce(db, 1, 7, "seed", f"n{n}", T0, "2026-11-30")
    assert await introduced_on(db, 1, 7, "2026-11-30") == 3
    await record_review(db, NewReview(1, 7, "seed", "n0", 4, T0, "review"))
    dues = await due_summary(db, 1, 7, T0, T0 + timedelta(hours=6))
    assert (dues.now, dues.today) == (2, 2)
    assert dues.week == 2 and dues.next_due is not None and dues.next_due > T0
    settings = await review_settings(db, 1, 7)
    assert settings.new_per_day == 10 and not settings.own_new_per_day
    await set_server_new_per_day(db, 1, 4, now=0)
    assert (await review_settings(db, 1, 7)).new_per_day == 4
    await set_member_new_per_day(db, 1, 7, 2)
    mine = await review_settings(db, 1, 7)
    assert mine.new_per_day == 2 and mine.own_new_per_day


async def test_forgetting_a_member_removes_cards_and_their_log(db: Database) -> None:
    post = await make_post(db, "2026-11-30")
    await record_answer(db, judged(7, post.id, correct=False))
    await forget_member(db, 1, 7)
    assert await member_cards(db, 1, 7) == {}
    assert await db.scalar("SELECT count(*) FROM review_logs") == 0


async def test_db_check_finds_a_card_whose_log_was_lost(db: Database) -> None:
    post = await make_post(db, "2026-11-30")
    await record_answer(db, judged(7, post.id, correct=True))
    await db.execute("DELETE FROM review_logs")
    problems = await db.write(card_problems)
    assert len(problems) == 1 and "1 review(s) counted, 0 logged" in problems[0]
