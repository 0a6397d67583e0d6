"""Items the bank's author wrote: clozes, true/false statements, explicit choices, typed answers.

These are asked as written; nothing is derived or masked beyond the author's own gaps. A question
whose prompt holds ``{{c1::...}}`` gaps is always shown through its items (the gaps hidden), never
with its raw prompt.
"""

from __future__ import annotations

import re

from bot.bank import cloze
from bot.bank.model import Question
from bot.bank.text import plain
from bot.items.model import Item, Kind

TRUE_FALSE = ("True", "False")
# A select option's label holds 100 characters: a longer filled-in text is left to the caller.
MAX_KEY_POINT = 100
# An answer that is a verdict: "True", "**False.**", "False: lists are ordered", "True, but ...".
# "True positives are ..." and "False-positive rate" are no verdict: the word must end the
# answer, or meet punctuation, or a dash between spaces.
_VERDICT = re.compile(
    r"^(?P<word>true|false)(?:\s*$|\s*[.!:;,)]\s*|\s+[-\u2013\u2014]\s+)", re.IGNORECASE
)


def cloze_items(question: Question) -> list[Item]:
    """One ``Kind.CLOZE`` item per gap number of the prompt, in number order (none without gaps).

    Each item hides that number's gaps (``[...]``, or ``[hint]``) and shows the others filled
    in; it accepts the gaps' text (several gaps of one number are typed together, separated by
    commas), and, when the whole answer is one gap, the question's aliases and rejects too. Its
    one key point is the filled-in text, unless that is longer than a select option: then the
    caller gives the key points.
    """
    text = question.prompt
    single_gap = len(cloze.gaps(text)) == 1
    whole = plain(cloze.filled(text))
    key_points = (whole,) if len(whole) <= MAX_KEY_POINT else ()
    items = []
    for number in cloze.numbers(text):
        answer = ", ".join(cloze.answers(text, number))
        accepted = (plain(answer), *question.aliases) if single_gap else (plain(answer),)
        items.append(
            Item(
                kind=Kind.CLOZE,
                question_id=question.id,
                prompt=cloze.asking(text, number),
                answer=answer,
                accepted=tuple(dict.fromkeys(accepted)),
                rejects=question.rejects if single_gap else (),
                key_points=key_points,
                variant=f"c{number}",
            )
        )
    return items


def _true_false_choices(question: Question) -> tuple[int, str] | None:
    """The right index in ("True", "False") and the explanation, for explicit True/False choices."""
    choices, correct = question.choices, question.correct
    if choices is None or correct is None or len(choices) != 2:
        return None
    words = [plain(c).casefold() for c in choices]
    if sorted(words) != ["false", "true"]:
        return None
    right = TRUE_FALSE.index(words[correct].capitalize())
    explanation = question.answer if plain(question.answer).casefold() != words[correct] else ""
    return right, explanation


def _true_false_answer(question: Question) -> tuple[int, str] | None:
    """The same for an answer that starts with its verdict ("False. Dicts keep order too.")."""
    if question.choices is not None:
        return None
    found = _VERDICT.match(plain(question.answer))
    if found is None:
        return None
    right = TRUE_FALSE.index(found.group("word").capitalize())
    return right, plain(question.answer)[found.end() :].strip()


def true_false_item(question: Question) -> Item | None:
    """A ``Kind.TRUE_FALSE`` item with options ("True", "False") in that order, or None.

    A question is true/false when its choices are exactly True and False (in any case and
    order; Yes/No stays an ordinary choice: it answers a question rather than judging a
    statement), or when it has no choices and its answer is a verdict, True or False, alone or
    before punctuation. Both options explain with the bank's explanation when it has one.
    """
    found = _true_false_choices(question) or _true_false_answer(question)
    if found is None:
        return None
    right, explanation = found
    return Item(
        kind=Kind.TRUE_FALSE,
        question_id=question.id,
        prompt=cloze.asking(question.prompt),
        options=TRUE_FALSE,
        correct=right,
        explains=(explanation, explanation),
        answer=TRUE_FALSE[right],
        variant="true_false",
    )


def choice_item(question: Question) -> Item | None:
    """A ``Kind.CHOICE`` item from the bank's own choices, as written and in its order, or None.

    No format carries an explanation per option, so ``explains`` holds one empty text each.
    """
    choices, correct = question.choices, question.correct
    if choices is None or correct is None or _true_false_choices(question) is not None:
        return None
    return Item(
        kind=Kind.CHOICE,
        question_id=question.id,
        prompt=cloze.asking(question.prompt),
        options=choices,
        correct=correct,
        explains=("",) * len(choices),
        answer=choices[correct],
        variant="choice",
    )


def typed_item(question: Question) -> Item | None:
    """A ``Kind.TYPED`` item for a question with accepted answers (``aliases``), or None.

    A cloze is typed through its gaps instead (:func:`cloze_items`).
    """
    if not question.aliases or cloze.is_cloze(question.prompt):
        return None
    return Item(
        kind=Kind.TYPED,
        question_id=question.id,
        prompt=question.prompt,
        answer=question.aliases[0],
        accepted=question.aliases,
        rejects=question.rejects,
        variant="typed",
    )


def authored_items(question: Question) -> list[Item]:
    """Every item the author wrote for ``question``, most specific first: its clozes, then
    true/false, explicit choices and a typed answer."""
    singles = (true_false_item(question), choice_item(question), typed_item(question))
    return [*cloze_items(question), *(item for item in singles if item is not None)]
