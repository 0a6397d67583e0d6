"""What a progress card shows, as read from the database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class TopicAccuracy:
    topic: str
    answered: int
    correct: int


@dataclass(frozen=True, slots=True)
class ProgressInputs:
    """A member's progress in one server, on ``today`` (the server's local date)."""

    today: date
    studied: Mapping[date, int]  # local date -> answers, self-grades and reviews that day
    current_streak: int
    best_streak: int
    due_week: int  # cards due within the next 7 days (those due now included)
    topics: tuple[TopicAccuracy, ...] = field(default=())
