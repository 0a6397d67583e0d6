"""What a new version of a bank changes, and the ids that carry its questions' history over.

A question keeps its id across versions of a bank, so members' answers, streaks and review cards
stay with it. A question is the same one in the new version when it has the same id (the same
prompt, or the id written in the bot's YAML); failing that, when its answer is the answer of
exactly one question that left, it is that question with its prompt reworded.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.bank.model import Question
from bot.bank.text import content_key


@dataclass(slots=True)
class BankChanges:
    added: list[Question] = field(default_factory=list)
    edited: list[tuple[Question, Question]] = field(default_factory=list)  # (before, after)
    removed: list[Question] = field(default_factory=list)
    unchanged: int = 0

    @property
    def any(self) -> bool:
        return bool(self.added or self.edited or self.removed)


def same_content(a: Question, b: Question) -> bool:
    """Whether two versions of a question ask and accept the same (where it came from aside)."""
    return dataclasses.replace(a, source="") == dataclasses.replace(b, source="")


def _answer_key(question: Question) -> str:
    return content_key(question.answer) if question.answer.strip() else ""


def reconcile(
    old: Sequence[Question], new: Sequence[Question]
) -> tuple[list[Question], BankChanges]:
    """``new`` with each question's id carried over from ``old`` where it is the same question,
    and what changed between the two."""
    old_ids = {q.id for q in old}
    new_ids = {q.id for q in new}
    left = [q for q in old if q.id not in new_ids]
    arriving = [q for q in new if q.id not in old_ids]
    left_by_answer = {_answer_key(q): q for q in left}
    once_left = Counter(_answer_key(q) for q in left)
    once_arriving = Counter(_answer_key(q) for q in arriving)
    renamed: dict[str, str] = {}  # new id -> the id it takes over
    for question in arriving:
        key = _answer_key(question)
        if key and once_left[key] == 1 and once_arriving[key] == 1:
            renamed[question.id] = left_by_answer[key].id

    by_id = {q.id: q for q in old}
    changes = BankChanges()
    out: list[Question] = []
    for question in new:
        if question.id in renamed:
            question = dataclasses.replace(question, id=renamed[question.id])
        before = by_id.get(question.id)
        if before is None:
            changes.added.append(question)
        elif same_content(before, question):
            changes.unchanged += 1
        else:
            changes.edited.append((before, question))
        out.append(question)
    kept = {q.id for q in out}
    changes.removed = [q for q in old if q.id not in kept]
    return out, changes
