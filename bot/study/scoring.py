"""How many points an answer earns. The rules are written in the README and in /help."""

from __future__ import annotations

QOTD_POINTS = 10


def qotd_points(correct: bool) -> int:
    """A right answer to the question of the day earns 10 points; a wrong one none."""
    return QOTD_POINTS if correct else 0
