"""Authored items: clozes, true/false statements, explicit choices and typed answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.bank import LoadResult, Question, load_bank
from bot.bank.model import question_id
from bot.items.authored import (
    authored_items,
    choice_item,
    cloze_items,
    true_false_item,
    typed_item,
)
from bot.items.model import Item, Kind


def ask(prompt: str, answer: str = "", **fields: Any) -> Question:
    return Question(id=question_id(prompt), prompt=prompt, answer=answer, source="t.md:1", **fields)


def load(tmp_path: Path, name: str, text: str) -> LoadResult:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_bank(path)


def loaded(result: LoadResult) -> list[Question]:
    assert result.errors == [], result.errors
    assert result.bank is not None
    return result.bank.questions


# clozes -----------------------------------------------------------------------------------------


def test_one_cloze_item_per_number_hides_its_gaps_and_shows_the_others() -> None:
    q = ask("The {{c1::transformer}} relies on {{c2::self-attention::a mechanism}}.")
    c1, c2 = cloze_items(q)
    assert (c1.kind, c1.variant, c1.question_id) == (Kind.CLOZE, "c1", q.id)
    assert c1.prompt == "The [...] relies on self-attention."
    assert c2.prompt == "The transformer relies on [a mechanism]."
    assert (c1.answer, c1.accepted) == ("transformer", ("transformer",))
    assert (c2.answer, c2.accepted) == ("self-attention", ("self-attention",))
    assert c1.key_points == c2.key_points == ("The transformer relies on self-attention.",)
    assert c1.is_typed and not c1.is_choice and c1.options is None


def test_gaps_sharing_a_number_are_asked_together() -> None:
    (item,) = cloze_items(ask("{{c1::Keys}} and {{c1::values}} are matched by {{c1::queries}}."))
    assert item.prompt == "[...] and [...] are matched by [...]."
    assert item.answer == "Keys, values, queries" and item.accepted == ("Keys, values, queries",)


def test_a_single_gap_also_accepts_the_question_aliases_and_refuses_its_rejects() -> None:
    q = ask(
        "{{c1::Adam}} adapts each weight's step size.",
        aliases=("Adaptive Moment Estimation", "Adam"),
        rejects=("AdamW", "NAdam"),
    )
    (item,) = cloze_items(q)
    assert item.accepted == ("Adam", "Adaptive Moment Estimation")
    assert item.rejects == ("AdamW", "NAdam")


def test_with_several_gaps_the_aliases_and_rejects_are_not_a_gap_answer() -> None:
    q = ask("{{c1::ReLU}} is {{c2::max(0, x)}}.", aliases=("Rectifier",), rejects=("GELU",))
    assert [(i.accepted, i.rejects) for i in cloze_items(q)] == [
        (("ReLU",), ()),
        (("max(0, x)",), ()),
    ]


def test_markup_in_a_gap_is_not_part_of_what_is_typed() -> None:
    (item,) = cloze_items(ask("The {{c1::**encoder**}} reads the input."))
    assert item.answer == "**encoder**" and item.accepted == ("encoder",)
    assert item.key_points == ("The encoder reads the input.",)


def test_a_text_longer_than_a_select_option_leaves_the_key_points_to_the_caller() -> None:
    (item,) = cloze_items(ask("The {{c1::transformer}} " + "keeps attending to every token. " * 4))
    assert item.key_points == ()


def test_a_cloze_written_in_code_is_code_not_a_gap() -> None:
    assert cloze_items(ask("What does `{{c1::x}}` do in an Anki note?", "It hides x.")) == []
    code_in_gap = ask("Call {{c1::`len()`}} to count items.")
    assert [i.accepted for i in cloze_items(code_in_gap)] == [("len()",)]


def test_a_question_without_gaps_has_no_cloze_items() -> None:
    assert cloze_items(ask("What is {x}?", "A set {{ literal }}.")) == []


# true/false -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choices", "correct", "right"),
    [(("True", "False"), 0, 0), (("false", "TRUE"), 1, 0), (("FALSE", "true"), 0, 1)],
)
def test_choices_true_and_false_in_any_case_or_order_are_true_false(
    choices: tuple[str, str], correct: int, right: int
) -> None:
    q = ask("Tuples are mutable.", choices[correct], choices=choices, correct=correct)
    item = true_false_item(q)
    assert item is not None and item.kind == Kind.TRUE_FALSE
    assert (item.options, item.correct, item.answer) == (
        ("True", "False"),
        right,
        ("True", "False")[right],
    )
    assert item.explains == ("", "") and item.is_choice
    assert choice_item(q) is None


def test_the_bank_explanation_explains_both_options() -> None:
    q = ask(
        "Python lists keep insertion order.",
        "Lists are sequences: order is what they keep.",
        choices=("True", "False"),
        correct=0,
    )
    item = true_false_item(q)
    assert item is not None
    assert item.explains == ("Lists are sequences: order is what they keep.",) * 2


@pytest.mark.parametrize(
    ("answer", "right", "explanation"),
    [
        ("True", 0, ""),
        ("**False.** Dicts keep insertion order too.", 1, "Dicts keep insertion order too."),
        ("false: sets have no order", 1, "sets have no order"),
        ("True, but only since Python 3.7.", 0, "but only since Python 3.7."),
        ("False \u2014 sets have no order.", 1, "sets have no order."),
    ],
)
def test_an_answer_that_is_a_verdict_makes_a_true_false_item(
    answer: str, right: int, explanation: str
) -> None:
    item = true_false_item(ask("Dicts keep insertion order.", answer))
    assert item is not None
    assert (item.correct, item.explains) == (right, (explanation, explanation))


@pytest.mark.parametrize(
    "answer",
    [
        "True positives are the cases found correctly.",
        "False-positive rate: the share of negatives flagged.",
        "Falsehood",
        "Yes",
        "It is true.",
    ],
)
def test_an_answer_that_only_starts_with_the_word_is_no_verdict(answer: str) -> None:
    assert true_false_item(ask("What is a true positive?", answer)) is None


def test_yes_and_no_stay_ordinary_choices() -> None:
    q = ask("Is 2 prime?", "Yes", choices=("Yes", "No"), correct=0)
    assert true_false_item(q) is None
    item = choice_item(q)
    assert item is not None and (item.kind, item.options, item.correct) == (
        Kind.CHOICE,
        ("Yes", "No"),
        0,
    )


# choices and typed answers ----------------------------------------------------------------------


def test_explicit_choices_are_asked_as_written_in_the_bank_order() -> None:
    q = ask(
        "Which of these is immutable?",
        "Tuples cannot change.",
        choices=("list", "dict", "tuple"),
        correct=2,
    )
    item = choice_item(q)
    assert item is not None
    assert (item.kind, item.prompt, item.options, item.correct) == (
        Kind.CHOICE,
        "Which of these is immutable?",
        ("list", "dict", "tuple"),
        2,
    )
    assert (item.explains, item.answer, item.variant) == (("", "", ""), "tuple", "choice")


def test_a_question_without_choices_has_no_choice_item() -> None:
    assert choice_item(ask("What is a tensor?", "An array.")) is None


def test_aliases_make_a_typed_item_with_the_rejects() -> None:
    q = ask(
        "Which activation outputs max(0, x)?",
        "ReLU",
        aliases=("ReLU", "Rectified Linear Unit"),
        rejects=("GELU", "PReLU"),
    )
    item = typed_item(q)
    assert item is not None
    assert (item.kind, item.answer, item.accepted, item.rejects) == (
        Kind.TYPED,
        "ReLU",
        ("ReLU", "Rectified Linear Unit"),
        ("GELU", "PReLU"),
    )
    assert item.is_typed and item.options is None
    assert typed_item(ask("What is a tensor?", "An array.")) is None


def test_a_cloze_is_typed_through_its_gaps_only() -> None:
    q = ask("{{c1::Adam}} is an optimiser.", aliases=("Adam",))
    assert typed_item(q) is None
    assert [i.kind for i in authored_items(q)] == [Kind.CLOZE]


# all of them ------------------------------------------------------------------------------------


def test_authored_items_come_most_specific_first() -> None:
    q = ask(
        "Which {{c1::optimiser}} adapts step sizes?",
        choices=("SGD", "Adam"),
        correct=1,
    )
    assert [(i.kind, i.variant) for i in authored_items(q)] == [
        (Kind.CLOZE, "c1"),
        (Kind.CHOICE, "choice"),
    ]
    (_, choice) = authored_items(q)
    assert choice.prompt == "Which [...] adapts step sizes?"  # the raw gaps never show
    both = ask("Which is faster?", "GPU", choices=("CPU", "GPU"), correct=1, aliases=("GPU",))
    assert [i.kind for i in authored_items(both)] == [Kind.CHOICE, Kind.TYPED]
    assert authored_items(ask("What is a tensor?", "An array.")) == []


def test_authored_items_survive_being_stored() -> None:
    q = ask("The {{c1::encoder}} reads; the {{c2::decoder}} writes.", aliases=("x",))
    for item in authored_items(q):
        assert Item.loads(item.dumps()) == item


# from real bank files ---------------------------------------------------------------------------


def test_markdown_bank_yields_every_authored_kind(tmp_path: Path) -> None:
    doc = (
        "Q: The {{c1::transformer}} relies on {{c2::self-attention::a mechanism}}.\n\n"
        "Q: Python lists keep insertion order.\n"
        "A: True. Order is what a sequence keeps.\n\n"
        "Q: Which of these is immutable?\n\n"
        "- A) list\n- B) tuple\n\n"
        "Answer: B\n\n"
        "Q: Sets keep insertion order.\n\n"
        "- [ ] True\n- [x] False\n\n"
        "Q: What does `{{c1::x}}` write in an Anki note?\n"
        "A: A gap.\n"
    )
    qs = loaded(load(tmp_path, "kinds.md", doc))
    kinds = [[(i.kind, i.correct) for i in authored_items(q)] for q in qs]
    assert kinds == [
        [(Kind.CLOZE, None), (Kind.CLOZE, None)],
        [(Kind.TRUE_FALSE, 0)],
        [(Kind.CHOICE, 1)],
        [(Kind.TRUE_FALSE, 1)],
        [],
    ]


def test_yaml_bank_yields_every_authored_kind(tmp_path: Path) -> None:
    doc = (
        "questions:\n"
        '  - prompt: "The {{c1::decoder}} writes the output."\n'
        "  - prompt: Python lists keep insertion order.\n"
        "    type: true_false\n"
        "    answer: true\n"
        "    explanation: Order is what a sequence keeps.\n"
        "  - prompt: Which of these is immutable?\n"
        "    choices: [list, dict, tuple]\n"
        "    correct: tuple\n"
        "  - prompt: Which activation outputs max(0, x)?\n"
        "    type: short_answer\n"
        "    answer: ReLU\n"
        "    reject: [GELU]\n"
    )
    cloze, tf, choice, typed = (
        authored_items(q) for q in loaded(load(tmp_path, "kinds.yaml", doc))
    )
    assert [(i.prompt, i.answer) for i in cloze] == [("The [...] writes the output.", "decoder")]
    assert [(i.kind, i.correct, i.explains) for i in tf] == [
        (Kind.TRUE_FALSE, 0, ("Order is what a sequence keeps.",) * 2)
    ]
    assert [(i.kind, i.options, i.correct) for i in choice] == [
        (Kind.CHOICE, ("list", "dict", "tuple"), 2)
    ]
    assert [(i.kind, i.accepted, i.rejects) for i in typed] == [(Kind.TYPED, ("ReLU",), ("GELU",))]
