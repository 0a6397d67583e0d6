"""A question typed into a form is read by the rules of a bank file."""

from __future__ import annotations

from bot.bank.form import QuestionForm, read_form
from bot.bank.model import Difficulty


def test_an_open_question() -> None:
    question, problems = read_form(QuestionForm("What is a tensor?", "An array of numbers."))
    assert problems == []
    assert question is not None
    assert (question.prompt, question.answer, question.choices) == (
        "What is a tensor?",
        "An array of numbers.",
        None,
    )


def test_choices_with_the_right_one_marked_and_accepted_answers() -> None:
    form = QuestionForm("Which is immutable?", "", "list\n* tuple\ndict", "tuple\ntuples")
    question, problems = read_form(form, topic="Python", difficulty="hard")
    assert problems == [] and question is not None
    assert question.choices == ("list", "tuple", "dict") and question.correct == 1
    assert question.aliases == ("tuple", "tuples")
    assert (question.topic, question.difficulty) == ("Python", Difficulty.HARD)
    assert QuestionForm.of(question).choices == "list\n*tuple\ndict"


def test_refusals_are_sentences() -> None:
    assert read_form(QuestionForm("", "x")) == (None, ["Write the question."])
    assert read_form(QuestionForm("Q?")) == (None, ["Give an answer, choices or accepted answers."])
    none_marked = read_form(QuestionForm("Q?", "", "a\nb"))
    assert none_marked[0] is None and "found 0" in none_marked[1][0]
    too_long = read_form(QuestionForm("Q" * 1200 + "?", "a"))
    assert too_long[0] is None and "1000" in too_long[1][0]


def test_an_edit_keeps_the_id_and_what_the_form_does_not_show() -> None:
    first, _ = read_form(QuestionForm("What is a tensor?", "An array."), topic="Maths")
    assert first is not None
    edited, problems = read_form(
        QuestionForm("Define a tensor.", "An n-dimensional array."),
        question_id=first.id,
        keep=first,
    )
    assert problems == [] and edited is not None
    assert edited.id == first.id and edited.topic == "Maths"
