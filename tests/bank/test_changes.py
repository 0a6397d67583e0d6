"""A new version of a bank keeps its questions' ids, and says what it added, edited, removed."""

from __future__ import annotations

from bot.bank.changes import reconcile
from bot.bank.model import Question, question_id


def q(prompt: str, answer: str, **kw: object) -> Question:
    return Question(id=question_id(prompt), prompt=prompt, answer=answer, source="x", **kw)  # type: ignore[arg-type]


OLD = [
    q("What is a tensor?", "An array of numbers."),
    q("What is a scalar?", "A single number."),
    q("What is a vector?", "A list of numbers."),
]


def test_same_prompts_same_ids_nothing_changed() -> None:
    out, changes = reconcile(OLD, list(OLD))
    assert [x.id for x in out] == [x.id for x in OLD]
    assert (changes.added, changes.edited, changes.removed, changes.unchanged) == ([], [], [], 3)
    assert not changes.any


def test_a_reworded_prompt_keeps_its_id() -> None:
    new = [q("Define a tensor.", "An array of numbers."), OLD[1], OLD[2]]
    out, changes = reconcile(OLD, new)
    assert out[0].id == OLD[0].id
    assert out[0].prompt == "Define a tensor."
    assert [(a.id, b.prompt) for a, b in changes.edited] == [(OLD[0].id, "Define a tensor.")]
    assert changes.added == [] and changes.removed == []


def test_an_edited_answer_is_an_edit_and_a_new_question_is_added() -> None:
    new = [
        q("What is a tensor?", "A multi-dimensional array."),
        OLD[1],
        q("What is a matrix?", "A grid."),
    ]
    out, changes = reconcile(OLD, new)
    assert out[0].id == OLD[0].id
    assert [b.answer for _, b in changes.edited] == ["A multi-dimensional array."]
    assert [x.prompt for x in changes.added] == ["What is a matrix?"]
    assert [x.prompt for x in changes.removed] == ["What is a vector?"]


def test_an_ambiguous_answer_is_not_guessed() -> None:
    old = [q("A one?", "Yes."), q("A two?", "Yes.")]
    new = [q("A three?", "Yes.")]
    out, changes = reconcile(old, new)
    assert out[0].id == question_id("A three?")
    assert len(changes.added) == 1 and len(changes.removed) == 2


def test_a_reworded_choice_question_keeps_its_id_when_the_right_one_changed() -> None:
    old = [q("Which keeps order?", "set", choices=("set", "list"), correct=0)]
    new = [q("Which keeps insertion order?", "list", choices=("set", "list"), correct=1)]
    out, changes = reconcile(old, new)
    assert out[0].id == old[0].id and len(changes.edited) == 1
