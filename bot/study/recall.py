"""Self-grading of recall items with Anki's four grades."""

from __future__ import annotations

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
HOW_ASKED = (
    "Each question is asked the way it tests you best: the bank's own choices or true/false, "
    "a gap to fill in, a which-one question among the items of one list, or recall. For "
    "recall, think of your answer, then reveal the key points privately, tick those you "
    "remembered and grade yourself (Again, Hard, Good, Easy). Self-graded answers count for "
    "your streak and practice, never for leaderboard points. A wrong pick tells you what that "
    "option describes; after a quiz, Review what I missed asks those questions again."
)
GRADE_NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}


def suggested_grade(ticked: int, total: int) -> int:
    """The grade a share of recalled key points suggests: all of them Easy, most Good, some
    Hard, few or none Again. The member decides; this is only the default offered."""
    if total <= 0:
        return GOOD
    share = min(ticked, total) / total
    if share >= 1:
        return EASY
    if share >= 0.6:
        return GOOD
    if share >= 0.3:
        return HARD
    return AGAIN
