"""Quiz rules: which questions are drawn, how long a question is open, what an answer earns.

Fair scoring (also written in the README and in /help):
- a right answer earns 10 points; in a group quiz up to 10 more for answering fast;
- a question scores for a member at most once per leaderboard period on the quiz board, so
  replaying the same quiz cannot raise a rank without bound;
- quiz points and question-of-the-day points are separate boards, also shown combined.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import timedelta

from bot.bank.model import Difficulty, Question
from bot.study.review import Grade, grade_for

BASE_POINTS = 10
SPEED_BONUS = 10
SOLO_SECONDS = 60
GROUP_SECONDS = 30
MIN_QUESTIONS, MAX_QUESTIONS, DEFAULT_QUESTIONS = 1, 20, 5
ABANDONED_AFTER = timedelta(minutes=30)  # a quiz untouched this long is ended
MAX_SOLO_QUIZZES = 3  # solo quizzes a member keeps running in a server; a new one ends the oldest

SCORING_RULES = (
    "A right answer earns 10 points; in a group quiz, up to 10 more for answering fast. "
    "A quiz question scores for you once per week, month and all-time board, so replaying "
    "a quiz does not farm points. Question-of-the-day points reach the boards at the reveal: "
    "until then only you can see your answer. Quiz and question-of-the-day points are separate "
    "boards, also shown together."
)


QUIZ_LIMITS = (
    f"You can have {MAX_SOLO_QUIZZES} solo quizzes open in a server (starting another ends "
    "your oldest) and run one group quiz at a time; a quiz left untouched for "
    f"{ABANDONED_AFTER.seconds // 60} minutes ends. Starting a group quiz needs permission to "
    "send messages in its channel."
)


def points(correct: bool, *, group: bool, elapsed: float, duration: float) -> int:
    if not correct:
        return 0
    if not group:
        return BASE_POINTS
    left = max(0.0, min(1.0, (duration - elapsed) / duration))
    return BASE_POINTS + round(SPEED_BONUS * left)


FAST_SHARE = 1 / 3  # a right group answer within this share of the timer reviews as Easy


def review_grade(correct: bool, *, group: bool, elapsed: float, duration: float) -> Grade:
    """How a quiz answer grades the member's review card: right is Good (Easy when fast in a
    group quiz), wrong or late is Again."""
    fast = group and duration > 0 and elapsed <= FAST_SHARE * duration
    return grade_for(correct, fast=fast)


def eligible(
    questions: Sequence[Question],
    *,
    topic: str | None,
    difficulty: Difficulty | None,
    playable: Callable[[Question], bool],
) -> list[Question]:
    wanted_topic = topic.casefold() if topic else None
    return [
        q
        for q in questions
        if (wanted_topic is None or (q.topic or "").casefold() == wanted_topic)
        and (difficulty is None or q.difficulty == difficulty)
        and playable(q)
    ]


def draw(
    candidates: Sequence[Question], count: int, recently_seen: Sequence[str], seed: int
) -> list[Question]:
    """``count`` distinct questions: never seen ones first (shuffled), then the ones seen
    longest ago. ``recently_seen`` lists question ids newest first."""
    rng = random.Random(seed)  # noqa: S311 - variety, not security
    recency = {qid: rank for rank, qid in enumerate(recently_seen)}
    fresh = [q for q in candidates if q.id not in recency]
    fresh = rng.sample(fresh, min(count, len(fresh)))  # not a shuffle of a 10,000-question bank
    seen = sorted((q for q in candidates if q.id in recency), key=lambda q: -recency[q.id])
    return (fresh + seen)[:count]


MAX_BUTTONS = 25  # Discord: 5 rows of 5 buttons on a message


def answer_buttons(*, group: bool) -> int:
    """How many answer buttons a question may have: a group quiz keeps one for Stop."""
    return MAX_BUTTONS - 1 if group else MAX_BUTTONS


def fits(question: Question, room: int) -> bool:
    """Whether a question's own choices fit in ``room`` buttons (drawn options always do)."""
    return question.choices is None or len(question.choices) <= room
