"""Question-of-the-day streaks: consecutive scheduled days answered.

A day without a scheduled post does not break a streak; a day with a post the member did not
answer does. Pure functions over local dates, so the rule is tested exactly.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Streak:
    current: int
    best: int
    last_date: str  # local date 'YYYY-MM-DD' of the last answered post


def advance(previous: Streak | None, day: str, missed_post_between: bool) -> Streak:
    """The streak after answering the post of ``day``.

    ``missed_post_between``: whether a post was made on a date strictly between the last answered
    day and ``day`` (so the member skipped it).
    """
    if previous is None:
        return Streak(1, 1, day)
    if day <= previous.last_date:  # same day again, or an older post: nothing changes
        return previous
    current = 1 if missed_post_between else previous.current + 1
    return Streak(current, max(previous.best, current), day)


def shown(streak: Streak | None, missed_since: bool) -> int:
    """The current streak as displayed: 0 once a later post went unanswered."""
    if streak is None or missed_since:
        return 0
    return streak.current
