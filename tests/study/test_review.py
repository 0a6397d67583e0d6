"""Review cards: grades, FSRS scheduling through py-fsrs, rows, due counts and quiz draw order.

Every time is a fixed instant; nothing sleeps.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.study.review import (
    CardState,
    Grade,
    Phase,
    ReviewLog,
    ReviewParams,
    draw_order,
    end_of_local_day,
    from_row,
    grade_for,
    log_from_row,
    log_to_row,
    new_allowance,
    new_card,
    reschedule,
    review,
    to_row,
)

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def test_judged_answers_become_anki_grades() -> None:
    assert grade_for(False) is Grade.AGAIN
    assert grade_for(False, fast=True) is Grade.AGAIN
    assert grade_for(True) is Grade.GOOD
    assert grade_for(True, fast=True) is Grade.EASY
    assert [int(g) for g in Grade] == [1, 2, 3, 4]


def test_a_new_card_is_due_at_once_and_never_reviewed() -> None:
    card = new_card(T0.replace(microsecond=123456))
    assert card == CardState(due=T0)
    assert card.state is Phase.NEW and card.reps == 0 and card.last_review is None


def test_a_right_answer_walks_the_learning_steps_then_graduates_to_days() -> None:
    first, log = review(new_card(T0), Grade.GOOD, T0)
    assert first.state is Phase.LEARNING and first.step == 1
    assert first.due == T0 + timedelta(minutes=10)
    assert log == ReviewLog(Grade.GOOD, T0, Phase.NEW)

    later = T0 + timedelta(minutes=10)
    learned, _ = review(first, Grade.GOOD, later)
    assert learned.state is Phase.REVIEW and learned.step is None
    assert learned.due >= later + timedelta(days=1)
    assert learned.reps == 2 and learned.lapses == 0 and learned.last_review == later


def test_easy_skips_learning_and_waits_longer_than_good() -> None:
    easy, _ = review(new_card(T0), Grade.EASY, T0)
    good, _ = review(new_card(T0), Grade.GOOD, T0)
    assert easy.state is Phase.REVIEW
    assert easy.due - T0 >= timedelta(days=7)  # FSRS-6's initial stability for Easy is 8.3 days
    assert easy.due > good.due


def test_forgetting_a_learned_card_is_a_lapse_and_it_comes_back_within_minutes() -> None:
    card, _ = review(new_card(T0), Grade.EASY, T0)
    at = card.due + timedelta(days=2)
    lapsed, log = review(card, Grade.AGAIN, at)
    assert log.state is Phase.REVIEW
    assert lapsed.state is Phase.RELEARNING and lapsed.lapses == 1
    assert lapsed.due == at + timedelta(minutes=10)
    assert lapsed.stability is not None and card.stability is not None
    assert lapsed.stability < card.stability


def test_again_while_learning_is_not_a_lapse() -> None:
    card, _ = review(new_card(T0), Grade.AGAIN, T0)
    assert card.state is Phase.LEARNING and card.lapses == 0
    assert card.due == T0 + timedelta(minutes=1)


def test_times_must_be_aware_and_are_kept_in_utc_to_the_second() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        new_card(datetime(2025, 3, 3, 9, 0))  # noqa: DTZ001 - the point of the test
    paris = datetime(2025, 3, 3, 10, 0, 0, 999999, tzinfo=ZoneInfo("Europe/Paris"))
    card, log = review(new_card(paris), Grade.GOOD, paris)
    assert log.reviewed_at == T0 and log.reviewed_at.tzinfo is UTC
    assert card.due == T0 + timedelta(minutes=10)


def test_the_row_round_trip_through_sqlite_gives_the_same_card() -> None:
    card, _ = review(new_card(T0), Grade.EASY, T0)
    card, _ = review(card, Grade.AGAIN, card.due)
    db = sqlite3.connect(":memory:")
    db.row_factory = sqlite3.Row
    db.execute(
        "CREATE TABLE cards (question TEXT, due INTEGER, state TEXT, stability REAL,"
        " difficulty REAL, step INTEGER, last_review INTEGER, reps INTEGER, lapses INTEGER)"
    )
    row = to_row(card)
    db.execute(
        "INSERT INTO cards VALUES (:question, :due, :state, :stability, :difficulty, :step,"
        " :last_review, :reps, :lapses)",
        {"question": "q1", **row},
    )
    back = from_row(dict(db.execute("SELECT * FROM cards").fetchone()))
    assert back == card
    assert row["due"] == int(card.due.timestamp()) and row["state"] == "relearning"


def test_a_new_card_row_round_trips_too() -> None:
    assert from_row(to_row(new_card(T0))) == new_card(T0)


def test_a_review_log_row_round_trips() -> None:
    _, log = review(new_card(T0), Grade.HARD, T0)
    assert log_to_row(log) == {"grade": 2, "reviewed_at": int(T0.timestamp()), "state": "new"}
    assert log_from_row(log_to_row(log)) == log


def _history(grades: list[Grade], gaps: list[timedelta]) -> tuple[CardState, list[ReviewLog]]:
    card, logs, at = new_card(T0), [], T0
    for grade, gap in zip(grades, gaps, strict=True):
        at += gap
        card, log = review(card, grade, at)
        logs.append(log)
    return card, logs


GRADES = [Grade.GOOD, Grade.GOOD, Grade.AGAIN, Grade.GOOD, Grade.EASY, Grade.HARD]
MINUTES, DAYS = timedelta(minutes=1), timedelta(days=1)
GAPS = [0 * DAYS, 10 * MINUTES, 5 * DAYS, 10 * MINUTES, 9 * DAYS, 30 * DAYS]


def test_replaying_a_history_gives_the_card_it_built_in_any_log_order() -> None:
    card, logs = _history(GRADES, GAPS)
    assert reschedule(list(reversed(logs))) == card
    assert card.reps == 6 and card.lapses == 1


def test_new_parameters_reschedule_the_same_history_differently() -> None:
    card, logs = _history(GRADES, GAPS)
    relaxed = reschedule(logs, ReviewParams(desired_retention=0.8))
    assert relaxed.reps == card.reps and relaxed.last_review == card.last_review
    assert relaxed.due > card.due  # accepting more forgetting spaces reviews further apart


def test_an_empty_history_cannot_be_rescheduled() -> None:
    with pytest.raises(ValueError, match="at least one review"):
        reschedule([])


@given(
    st.lists(
        st.tuples(st.sampled_from(list(Grade)), st.integers(min_value=0, max_value=60 * 24 * 90)),
        min_size=1,
        max_size=25,
    )
)
def test_any_history_keeps_the_card_consistent(steps: list[tuple[Grade, int]]) -> None:
    grades = [g for g, _ in steps]
    card, logs = _history(grades, [timedelta(minutes=m) for _, m in steps])
    assert card.reps == len(steps)
    assert card.last_review is not None and card.due > card.last_review
    assert card.stability is not None and card.stability > 0
    assert card.difficulty is not None and 1 <= card.difficulty <= 10
    assert (card.step is None) == (card.state is Phase.REVIEW)
    assert card.lapses == sum(
        log.state is Phase.REVIEW and log.grade is Grade.AGAIN for log in logs
    )
    assert from_row(to_row(card)) == card
    assert reschedule(logs) == card


def test_the_local_day_ends_at_local_midnight_across_a_dst_change() -> None:
    # 10 March 2024: New York springs forward, so that day is 23 hours long
    now = datetime(2024, 3, 10, 5, 30, tzinfo=UTC)  # 00:30 EST
    assert end_of_local_day(now, "America/New_York") == datetime(2024, 3, 11, 4, 0, tzinfo=UTC)
    tokyo = end_of_local_day(now, "Asia/Tokyo")  # 14:30 in Tokyo
    assert tokyo == datetime(2024, 3, 10, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("introduced", "cap", "left"), [(0, 10, 10), (4, 10, 6), (10, 10, 0), (12, 10, 0), (0, 0, 0)]
)
def test_new_questions_are_introduced_up_to_the_daily_cap(
    introduced: int, cap: int, left: int
) -> None:
    assert new_allowance(introduced, cap) == left


def test_a_negative_cap_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        new_allowance(0, -1)


def test_a_quiz_draws_due_and_missed_first_then_unseen_then_the_rest() -> None:
    now = T0 + timedelta(days=30)
    cards = {
        "overdue": CardState(due=now - timedelta(days=3), state=Phase.REVIEW),
        "due": CardState(due=now - timedelta(hours=1), state=Phase.REVIEW),
        "missed": CardState(due=now + timedelta(minutes=5), state=Phase.RELEARNING),
        "soon": CardState(due=now + timedelta(days=1), state=Phase.REVIEW),
        "far": CardState(due=now + timedelta(days=20), state=Phase.REVIEW),
    }
    questions = ["far", "new1", "soon", "missed", "new2", "due", "overdue", "new3"]
    order = draw_order(questions, cards, {"missed"}, now, random.Random(7))
    assert order[:3] == ["overdue", "due", "missed"]
    assert sorted(order[3:6]) == ["new1", "new2", "new3"]
    assert order[6:] == ["soon", "far"]


def test_the_draw_order_is_fixed_by_the_seed_and_varies_with_it() -> None:
    questions = [f"q{i}" for i in range(30)]
    orders = {tuple(draw_order(questions, {}, set(), T0, random.Random(s))) for s in range(5)}
    assert len(orders) == 5
    again = draw_order(questions, {}, set(), T0, random.Random(3))
    assert again == draw_order(questions, {}, set(), T0, random.Random(3))
    assert sorted(again) == sorted(questions)
