"""The spaced-repetition simulation: FSRS retains clearly more than other draws for the same
reviews, and the simulation is deterministic."""

from __future__ import annotations

from bench.retention import QUESTIONS, compare, run_fsrs


def test_fsrs_retains_clearly_more_for_the_same_reviews() -> None:
    result = compare((11,))
    fsrs, random_draw, quiz_draw = result.fsrs[0], result.random[0], result.quiz_draw[0]
    assert fsrs.reviews == random_draw.reviews == quiz_draw.reviews > QUESTIONS
    assert fsrs.per_day == random_draw.per_day == quiz_draw.per_day
    assert fsrs.mean_recall > 1.1 * max(random_draw.mean_recall, quiz_draw.mean_recall)
    assert fsrs.above_90 > max(random_draw.above_90, quiz_draw.above_90) + 0.05


def test_the_simulation_is_deterministic_for_a_seed() -> None:
    assert run_fsrs(3) == run_fsrs(3)
    assert run_fsrs(3) != run_fsrs(4)
