"""What a new version of a bank changes, and the ids that carry its questions' history over.

A question keeps its id across versions of a bank, so members' answers, streaks and review cards
stay with it. A question is the same one in the new version when it has the same id (the same
prompt, or the id written in the bot's YAML); failing that, when its answer is the answer of
exactly one question that left (or, for choices, its options are), it is that question with its
prompt reworded.
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


def _choices_key(question: Question) -> str:
    """A choice question's options, whichever is right (an edit may change the right one)."""
    if not question.choices:
        return ""
    return "\n".join(sorted(content_key(c) for c in question.choices))


def _carry_over(left: list[Question], arriving: list[Question]) -> dict[str, str]:
    """new id -> the id it takes over: a question arriving is the one that left when they alone
    share an answer, or else the same options."""
    renamed: dict[str, str] = {}
    for key_of in (_answer_key, _choices_key):
        gone = [q for q in left if q.id not in renamed.values()]
        coming = [q for q in arriving if q.id not in renamed]
        gone_by_key = {key_of(q): q for q in gone}
        gone_count = Counter(key_of(q) for q in gone)
        coming_count = Counter(key_of(q) for q in coming)
        for question in coming:
            key = key_of(question)
            if key and gone_count[key] == 1 and coming_count[key] == 1:
                renamed[question.id] = gone_by_key[key].id
    return renamed


def reconcile(
    old: Sequence[Question], new: Sequence[Question]
) -> tuple[list[Question], BankChanges]:
    """``new`` with each question's id carried over from ``old`` where it is the same question,
    and what changed between the two."""
    old_ids = {q.id for q in old}
    new_ids = {q.id for q in new}
    renamed = _carry_over(
        [q for q in old if q.id not in new_ids], [q for q in new if q.id not in old_ids]
    )

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
