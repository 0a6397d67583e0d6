"""Which item a question is asked as: the best kind it supports, the same for every member.

The preference, most telling first: the author's own choices and true/false, clozes, which-one
items from a list answer (siblings of one concept as options: only knowing them helps), summary
choice where it passes its leak checks, a short typed answer, and recall, which every question
with an answer supports. A caller narrows the kinds to what its place can show (a post has no
typing box; a group game has no private checklist) and a schedule may ask for choice or recall.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from bot.bank.model import Bank, Question
from bot.bank.text import shorten
from bot.items.authored import authored_items
from bot.items.entries import list_entries
from bot.items.keypoints import key_points
from bot.items.lists import (
    coinciding_pairs,
    which_description_item,
    which_description_items,
    which_one_item,
    which_one_items,
)
from bot.items.model import CHOICE_KINDS, TYPED_KINDS, Format, Item, Kind
from bot.items.summary import SummaryMaker

PREFERENCE = (
    Kind.CHOICE,
    Kind.TRUE_FALSE,
    Kind.CLOZE,
    Kind.WHICH_ONE,  # WHICH_DESCRIPTION shares its rank: the seed picks among both
    Kind.SUMMARY,
    Kind.TYPED,
    Kind.RECALL,
)
ALL_KINDS = frozenset(Kind)
# What each place can show. A post has buttons and a private checklist but no typing box; a
# group game is judged and timed, so it has no self-grading; a solo quiz shows every kind.
QOTD_KINDS = CHOICE_KINDS | {Kind.RECALL}
GROUP_KINDS = CHOICE_KINDS | TYPED_KINDS
SOLO_KINDS = ALL_KINDS
# A review tests what is worth remembering: the author's own kinds, else the whole answer
# recalled against its key points (not a derived choice that tests one entry of a list).
REVIEW_KINDS = frozenset((Kind.CHOICE, Kind.TRUE_FALSE, Kind.CLOZE, Kind.TYPED, Kind.RECALL))


def allowed_kinds(fmt: Format, place: Iterable[Kind] = ALL_KINDS) -> frozenset[Kind]:
    """The kinds a format allows where only ``place``'s kinds can be shown."""
    kinds = frozenset(place)
    if fmt is Format.CHOICE:
        return kinds & CHOICE_KINDS
    if fmt is Format.RECALL:
        return kinds & {Kind.RECALL}
    return kinds


def quiz_kinds(mode: str, typed: bool, fmt: str) -> frozenset[Kind]:
    """The kinds a quiz asks with: typed ones only when the member chose to type; no
    self-graded recall in a group game, which is judged and timed. Empty: nothing to ask."""
    place = TYPED_KINDS if typed else (GROUP_KINDS if mode == "group" else SOLO_KINDS)
    try:
        return allowed_kinds(Format(fmt), place)
    except ValueError:
        return frozenset()


def recall_item(question: Question) -> Item:
    return Item(
        kind=Kind.RECALL,
        question_id=question.id,
        prompt=question.prompt,
        answer=question.answer,
        key_points=key_points(question),
        variant="recall",
    )


class ItemMaker:
    """The items of one bank's questions; summaries are prepared once per bank."""

    def __init__(self, bank: Bank) -> None:
        self.bank = bank
        self._summary = SummaryMaker(bank)

    def prepare(self) -> ItemMaker:
        self._summary.prepare()
        return self

    def items(self, question: Question, seed: int = 0) -> list[Item]:
        """Every item ``question`` can be asked as (for ``bank quiz --json`` and checks)."""
        found = list(authored_items(question))
        found += which_one_items(question, seed) + which_description_items(question, seed)
        summary = self._summary.item(question, seed)
        if summary is not None:
            found.append(summary)
        if question.answer.strip():
            found.append(recall_item(question))
        return found

    def item(
        self, question: Question, seed: int, kinds: frozenset[Kind] = ALL_KINDS
    ) -> Item | None:
        """The item ``question`` is asked as for ``seed`` among ``kinds``; None when it has none.

        Deterministic: the same (question, seed, kinds) gives the same item after a restart.
        """
        for kind in PREFERENCE:
            if kind not in kinds:
                continue
            if kind is Kind.WHICH_ONE:
                picked = self._which_one(question, seed, kinds)
            elif kind is Kind.SUMMARY:
                picked = self._summary.item(question, seed)
            elif kind is Kind.RECALL:
                picked = recall_item(question) if question.answer.strip() else None
            else:
                picked = next((i for i in authored_items(question) if i.kind is kind), None)
            if picked is not None:
                return picked
        return None

    def _which_one(self, question: Question, seed: int, kinds: frozenset[Kind]) -> Item | None:
        """One entry of the answer's list, the seed picks which: asked by its description (the
        labels as options: short and parallel), or by its label when no description can be
        asked. Only that item is built (a post or a quiz asks one)."""
        builders = [
            build
            for kind, build in (
                (Kind.WHICH_ONE, which_one_item),
                (Kind.WHICH_DESCRIPTION, which_description_item),
            )
            if kind in kinds
        ]
        order = list(range(len(list_entries(question)) if builders else 0))
        random.Random(f"{question.id}:{seed}:variant").shuffle(order)  # noqa: S311 - variety
        for build, n in ((build, n) for build in builders for n in order):
            item = build(question, n, seed)
            if item is not None:
                return item
        return None

    def askable(self, question: Question, kinds: frozenset[Kind] = ALL_KINDS) -> bool:
        """Whether ``question`` has an item among ``kinds`` (for every seed)."""
        if Kind.RECALL in kinds and question.answer.strip():
            return True
        if kinds & {Kind.CHOICE, Kind.TRUE_FALSE, Kind.CLOZE, Kind.TYPED} and any(
            i.kind in kinds for i in authored_items(question)
        ):
            return True
        if Kind.WHICH_ONE in kinds and which_one_items(question, 0):
            return True
        if Kind.WHICH_DESCRIPTION in kinds and which_description_items(question, 0):
            return True
        return Kind.SUMMARY in kinds and self._summary.askable(question)

    def check_warnings(self) -> list[str]:
        """What ``bank check`` reports about how the bank's questions can be asked."""
        warnings = []
        for question in self.bank.questions:
            for first, second in coinciding_pairs(question):
                warnings.append(
                    f"{shorten(question.prompt, 80)!r}: the answer's list entries {first!r} "
                    f"and {second!r} are described almost alike, so they are never offered "
                    "against each other; tell them apart in the bank"
                )
        return warnings

    def why_not_choice(self, question: Question) -> str | None:
        """Why ``question`` has no choice item, or None when it has one."""
        if self.askable(question, CHOICE_KINDS):
            return None
        return self._summary.why_not(question) or "no choice item: it is asked as recall"
