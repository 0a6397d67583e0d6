"""Spaced repetition: one review card per member and question, scheduled by FSRS.

py-fsrs (the ``fsrs`` package, the reference implementation of Anki's current scheduler) does
the arithmetic. This module keeps a card as plain data a database row can hold, turns judged
answers into Anki's four grades, replays a history when the parameters change, counts what is
due in a member's day, and orders a quiz draw so that due and missed questions come back first.

Every time is passed in (timezone-aware) and kept in UTC to the whole second, as the database
stores instants, so a card read back from its row is the card that was written.
"""

from __future__ import annotations

import enum
import functools
import random
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import DEFAULT_PARAMETERS

# py-fsrs keeps its own card id in logs; a card here is identified by its row, so one constant
# id is enough for the library to accept the replayed logs.
_CARD_ID = 0
WEEK = timedelta(days=7)


class Grade(enum.IntEnum):
    """Anki's four answer grades, numbered as Anki and FSRS number them."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


class Phase(enum.StrEnum):
    """Where a card is in its life. ``new``: never reviewed."""

    NEW = "new"
    LEARNING = "learning"
    REVIEW = "review"
    RELEARNING = "relearning"


_FSRS_STATE = {
    Phase.NEW: State.Learning,
    Phase.LEARNING: State.Learning,
    Phase.REVIEW: State.Review,
    Phase.RELEARNING: State.Relearning,
}
_PHASE = {
    State.Learning: Phase.LEARNING,
    State.Review: Phase.REVIEW,
    State.Relearning: Phase.RELEARNING,
}


REVIEWING = (
    "What you answer anywhere (question of the day, quizzes, recall grades) becomes a review "
    "card, scheduled by FSRS as in Anki: missed questions come back soon, known ones later. "
    "/review asks your due cards privately, a few new questions a day "
    "(`/review new_per_day:5`), and `/review remind:08:00` sends a direct message on days "
    "cards are due. Reviews keep your streak, never earn leaderboard points. /export gives "
    "your cards as an Anki deck and CSV."
)


def grade_for(correct: bool, *, fast: bool = False) -> Grade:
    """The grade of a judged answer: wrong is Again, right is Good, or Easy when answered fast
    (in a group quiz, where speed is measured against the others)."""
    if not correct:
        return Grade.AGAIN
    return Grade.EASY if fast else Grade.GOOD


@dataclass(frozen=True, slots=True)
class ReviewParams:
    """FSRS settings. Intervals are not fuzzed, so replaying a history gives the same due times;
    a study group's reviews are too few for fuzz (which spreads a big deck's load) to matter."""

    weights: tuple[float, ...] = tuple(DEFAULT_PARAMETERS)
    desired_retention: float = 0.9
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    maximum_interval_days: int = 36500


DEFAULT_PARAMS = ReviewParams()


@functools.lru_cache(maxsize=8)
def _scheduler(params: ReviewParams) -> Scheduler:
    return Scheduler(
        parameters=params.weights,
        desired_retention=params.desired_retention,
        learning_steps=params.learning_steps,
        relearning_steps=params.relearning_steps,
        maximum_interval=params.maximum_interval_days,
        enable_fuzzing=False,
    )


@dataclass(frozen=True, slots=True)
class CardState:
    """A member's card for one question. ``stability`` (days until recall falls to 90%),
    ``difficulty`` (1-10) and ``step`` (learning step) are FSRS's; ``reps`` counts reviews and
    ``lapses`` the times a learned card was forgotten."""

    due: datetime
    state: Phase = Phase.NEW
    stability: float | None = None
    difficulty: float | None = None
    step: int | None = 0
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    def is_due(self, now: datetime) -> bool:
        return self.due <= now


@dataclass(frozen=True, slots=True)
class ReviewLog:
    """One review: the grade, when, and the card's phase just before (retention is measured
    on cards that were in review)."""

    grade: Grade
    reviewed_at: datetime
    state: Phase


def utc_second(instant: datetime) -> datetime:
    """``instant`` in UTC without its fraction of a second, as stored."""
    if instant.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return instant.astimezone(UTC).replace(microsecond=0)


def new_card(now: datetime) -> CardState:
    """A card never reviewed, due at once."""
    return CardState(due=utc_second(now))


def _to_fsrs(card: CardState) -> Card:
    return Card(
        card_id=_CARD_ID,
        state=_FSRS_STATE[card.state],
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def review(
    card: CardState, grade: Grade, now: datetime, *, params: ReviewParams | None = None
) -> tuple[CardState, ReviewLog]:
    """The card after a review graded ``grade`` at ``now``, and the log to keep."""
    at = utc_second(now)
    scheduled, _ = _scheduler(params or DEFAULT_PARAMS).review_card(
        _to_fsrs(card), Rating(int(grade)), review_datetime=at
    )
    lapsed = card.state is Phase.REVIEW and grade is Grade.AGAIN
    after = CardState(
        due=utc_second(scheduled.due),
        state=_PHASE[scheduled.state],
        stability=scheduled.stability,
        difficulty=scheduled.difficulty,
        step=scheduled.step,
        last_review=at,
        reps=card.reps + 1,
        lapses=card.lapses + lapsed,
    )
    return after, ReviewLog(grade=Grade(int(grade)), reviewed_at=at, state=card.state)


def reschedule(logs: Sequence[ReviewLog], params: ReviewParams | None = None) -> CardState:
    """The card a history of reviews gives under ``params``: used when the parameters change."""
    if not logs:
        raise ValueError("a card is rescheduled from at least one review")
    ordered = sorted(logs, key=lambda log: log.reviewed_at)
    card = new_card(ordered[0].reviewed_at)
    for log in ordered:
        card, _ = review(card, log.grade, log.reviewed_at, params=params)
    return card


def _stamp(instant: datetime | None) -> int | None:
    return None if instant is None else int(instant.timestamp())


def _instant(value: Any) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(int(value), UTC)


def to_row(card: CardState) -> dict[str, Any]:
    """The card as column values: instants as unix seconds, the phase as its name."""
    return {
        "due": _stamp(card.due),
        "state": card.state.value,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "step": card.step,
        "last_review": _stamp(card.last_review),
        "reps": card.reps,
        "lapses": card.lapses,
    }


def from_row(row: Mapping[str, Any]) -> CardState:
    """The card :func:`to_row` wrote; other columns of the row are ignored."""
    due = _instant(row["due"])
    if due is None:
        raise ValueError("a card row needs a due time")
    return CardState(
        due=due,
        state=Phase(row["state"]),
        stability=None if row["stability"] is None else float(row["stability"]),
        difficulty=None if row["difficulty"] is None else float(row["difficulty"]),
        step=None if row["step"] is None else int(row["step"]),
        last_review=_instant(row["last_review"]),
        reps=int(row["reps"]),
        lapses=int(row["lapses"]),
    )


def log_to_row(log: ReviewLog) -> dict[str, Any]:
    return {
        "grade": int(log.grade),
        "reviewed_at": _stamp(log.reviewed_at),
        "state": log.state.value,
    }


def log_from_row(row: Mapping[str, Any]) -> ReviewLog:
    reviewed_at = _instant(row["reviewed_at"])
    if reviewed_at is None:
        raise ValueError("a review row needs its time")
    return ReviewLog(Grade(int(row["grade"])), reviewed_at, Phase(row["state"]))


def end_of_local_day(now: datetime, tz: str | tzinfo) -> datetime:
    """The next local midnight after ``now`` in ``tz``, in UTC."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0), tzinfo=zone).astimezone(UTC)


def new_allowance(introduced_today: int, cap: int) -> int:
    """How many unseen questions a member may still start today under a daily ``cap``."""
    if cap < 0:
        raise ValueError("the daily cap of new questions cannot be negative")
    return max(0, cap - max(0, introduced_today))


def draw_order(
    questions: Sequence[str],
    cards: Mapping[str, CardState],
    missed_recently: Collection[str],
    now: datetime,
    rng: random.Random,
) -> list[str]:
    """Question ids in the order a quiz should draw them: due or recently missed first (the
    longest overdue first), then unseen ones (shuffled), then the rest (the soonest due first)."""
    urgent: list[tuple[datetime, str]] = []
    unseen: list[str] = []
    rest: list[tuple[datetime, str]] = []
    for qid in questions:
        card = cards.get(qid)
        if qid in missed_recently or (card is not None and card.is_due(now)):
            urgent.append((card.due if card is not None else now, qid))
        elif card is None:
            unseen.append(qid)
        else:
            rest.append((card.due, qid))
    rng.shuffle(unseen)
    return [qid for _, qid in sorted(urgent)] + unseen + [qid for _, qid in sorted(rest)]
