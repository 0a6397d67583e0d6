"""The bot's own YAML/JSON format, Red-DiscordBot trivia lists and Open Trivia DB JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

from bot.bank import Difficulty, LoadResult

Load = Callable[..., LoadResult]

NATIVE = """\
name: Python basics
questions:
  - prompt: What does `len([])` return?
    answer: "`0`: an empty list has no items."
    alternatives:
      - Think of a box with nothing in it.
    topic: Python
    difficulty: Basic
  - prompt: Which of these is immutable?
    choices: [list, dict, tuple]
    correct: tuple
    answer: Tuples cannot be changed after creation.
    difficulty: hard
  - prompt: Python lists keep insertion order.
    type: true_false
    correct: true
  - prompt: What keyword defines a function?
    type: short_answer
    answer: def
    aliases: [def, "def keyword"]
"""


def test_native_yaml_expresses_the_whole_model(load: Load) -> None:
    result = load("python.yaml", NATIVE)
    assert result.errors == [] and result.format == "native"
    assert result.bank is not None and result.bank.name == "Python basics"
    q1, q2, q3, q4 = result.bank.questions
    assert q1.answer == "`0`: an empty list has no items."
    assert q1.alternatives == ("Think of a box with nothing in it.",)
    assert (q1.topic, q1.difficulty) == ("Python", Difficulty.EASY)
    assert (q2.choices, q2.correct, q2.difficulty) == (
        ("list", "dict", "tuple"),
        2,
        Difficulty.HARD,
    )
    assert (q3.choices, q3.correct, q3.answer) == (("True", "False"), 0, "True")
    assert q4.aliases == ("def", "def keyword") and q4.choices is None
    assert q1.source.endswith("python.yaml:3")


def test_native_json_is_the_same_format(load: Load) -> None:
    doc = {"name": "J", "questions": [{"prompt": "2+2?", "choices": ["3", "4"], "correct": 1}]}
    result = load("j.json", json.dumps(doc))
    assert result.errors == [] and result.format == "native"
    assert result.bank is not None
    (q,) = result.bank.questions
    assert (q.choices, q.correct, q.answer) == (("3", "4"), 1, "4")


def test_native_reports_bad_entries_with_their_line(load: Load) -> None:
    doc = (
        "questions:\n"
        "  - prompt: Fine?\n    answer: yes\n"
        "  - prompt: Wrong index?\n    choices: [a, b]\n    correct: 5\n"
        "  - answer: no prompt\n"
        "  - prompt: TF without truth\n    type: true_false\n"
    )
    result = load("bad.yaml", doc)
    assert result.bank is not None and [q.prompt for q in result.bank.questions] == ["Fine?"]
    assert result.errors == [
        f"{result.path}:4: question 2: 'correct' must be the index (0-1) "
        "or the text of one of the choices",
        f"{result.path}:7: question 3: 'prompt' is missing or not text",
        f"{result.path}:8: question 4: a true_false question needs 'correct: true|false'",
    ]


RED = """\
AUTHOR: Someone
DESCRIPTION: Capitals
CONFIG:
  timeout: 20
What is the capital of France?:
- Paris
What year did World War II end?:
- 1945
- "45"
Who wrote Hamlet?:
- William Shakespeare
- Shakespeare
"""


def test_red_trivia_list(load: Load) -> None:
    result = load("capitals.yaml", RED)
    assert result.errors == [] and result.format == "red"
    assert result.bank is not None and result.bank.name == "capitals"
    q1, q2, q3 = result.bank.questions
    assert (q1.prompt, q1.answer, q1.aliases) == (
        "What is the capital of France?",
        "Paris",
        ("Paris",),
    )
    assert (q2.answer, q2.aliases) == ("1945", ("1945", "45"))
    assert q3.aliases == ("William Shakespeare", "Shakespeare")
    assert q3.source.endswith("capitals.yaml:10")


def test_red_entry_without_answers_is_an_error_the_rest_loads(load: Load) -> None:
    result = load("r.yml", "Good?:\n- yes\nEmpty?: []\n")
    assert result.bank is not None and len(result.bank.questions) == 1
    assert result.errors == [f"{result.path}:3: 'Empty?': expected a list of accepted answers"]


OTDB = {
    "response_code": 0,
    "results": [
        {
            "category": "Science: Computers",
            "type": "multiple",
            "difficulty": "medium",
            "question": "What does &quot;HTTP&quot; stand for?",
            "correct_answer": "Hypertext Transfer Protocol",
            "incorrect_answers": ["High &amp; Tight", "Home Tool", "Hyper Transit"],
        },
        {
            "category": "Science: Computers",
            "type": "boolean",
            "difficulty": "easy",
            "question": "Linux was first created as an alternative to Windows XP.",
            "correct_answer": "False",
            "incorrect_answers": ["True"],
        },
    ],
}


def test_open_trivia_db(load: Load) -> None:
    result = load("otdb.json", json.dumps(OTDB))
    assert result.errors == [] and result.format == "opentdb"
    assert result.bank is not None
    q1, q2 = result.bank.questions
    assert q1.prompt == 'What does "HTTP" stand for?'
    assert q1.choices is not None and q1.correct is not None
    assert sorted(q1.choices) == sorted(
        ["Hypertext Transfer Protocol", "High & Tight", "Home Tool", "Hyper Transit"]
    )
    assert q1.choices[q1.correct] == "Hypertext Transfer Protocol"
    assert (q1.topic, q1.difficulty) == ("Science: Computers", Difficulty.MEDIUM)
    assert (q2.choices, q2.correct) == (("True", "False"), 1)
    again = load("otdb2.json", json.dumps(OTDB))
    assert again.bank is not None and again.bank.questions[0].choices == q1.choices


def test_open_trivia_db_error_code(load: Load) -> None:
    result = load("none.json", '{"response_code": 1, "results": []}')
    assert result.errors == [
        f"{result.path}: Open Trivia DB response_code is 1: the file has no results"
    ]


RED_SCALARS = """\
Is the sky green?:
- No
- "no"
Is water wet?:
- yes
- On
What does a coffee cost?:
- 1.50
- 1.5
Which agent has a licence to kill?:
- 007
What does JSON call nothing?:
- null
- ~
Off: Off
"""


def test_red_answers_are_the_words_the_author_wrote(load: Load) -> None:
    result = load("scalars.yaml", RED_SCALARS)
    assert result.errors == [] and result.format == "red"
    assert result.bank is not None
    got = [(q.prompt, q.answer, q.aliases) for q in result.bank.questions]
    assert got == [
        ("Is the sky green?", "No", ("No", "no")),
        ("Is water wet?", "yes", ("yes", "On")),
        ("What does a coffee cost?", "1.50", ("1.50", "1.5")),
        ("Which agent has a licence to kill?", "007", ("007",)),
        ("What does JSON call nothing?", "null", ("null", "~")),
        ("Off", "Off", ("Off",)),
    ]


def test_red_empty_answers_are_still_an_error(load: Load) -> None:
    result = load("r.yaml", "Good?:\n- yes\nNothing?:\nBlank item?:\n-\n")
    assert result.bank is not None and [q.answer for q in result.bank.questions] == ["yes"]
    assert result.errors == [
        f"{result.path}:3: 'Nothing?': expected a list of accepted answers",
        f"{result.path}:4: 'Blank item?': expected a list of accepted answers",
    ]


def test_native_reject_lists_the_near_misses_refused_when_typed(load: Load) -> None:
    doc = (
        "questions:\n"
        "  - prompt: Which activation function outputs max(0, x)?\n"
        "    type: short_answer\n    answer: ReLU\n"
        "    aliases: [ReLU, Rectified Linear Unit]\n"
        "    reject: [GELU, Leaky ReLU]\n"
        "  - prompt: Which optimizer?\n    answer: Adam\n    aliases: [Adam]\n"
        "    rejects: [AdamW]\n"
        "  - prompt: Broken?\n    answer: x\n    reject: GELU\n"
    )
    result = load("acts.yaml", doc)
    assert result.bank is not None
    relu, adam = result.bank.questions
    assert relu.rejects == ("GELU", "Leaky ReLU") and relu.aliases[0] == "ReLU"
    assert adam.rejects == ("AdamW",)
    assert relu.to_json()["rejects"] == ["GELU", "Leaky ReLU"]
    assert result.errors == [
        f"{result.path}:11: question 3: 'aliases', 'alternatives' and 'reject' must be lists "
        "of text"
    ]


def test_red_lists_cannot_carry_rejects_and_a_given_away_acronym_is_warned(load: Load) -> None:
    doc = "What does GPU stand for?:\n- Graphics Processing Unit\n- GPU\n- G.P.U.\n"
    result = load("acronyms.yaml", doc)
    assert result.errors == [] and result.bank is not None
    (q,) = result.bank.questions
    assert q.rejects == ()
    assert result.warnings == [
        f"{result.path}:1: question 'What does GPU stand for?' accepts {alias!r}, the acronym "
        "it asks about: typing the question's own acronym would score"
        for alias in ("GPU", "G.P.U.")
    ]
    other = load("chips.yaml", "Which is faster for matrix maths, a GPU or a CPU?:\n- GPU\n")
    assert other.errors == [] and other.warnings == []  # it does not ask what GPU stands for


def test_a_topic_that_is_not_text_is_ignored_with_a_warning(load: Load) -> None:
    result = load(
        "topics.yaml",
        "questions:\n"
        "  - {prompt: One?, answer: First., topic: [a, b]}\n"
        "  - {prompt: Two?, answer: Second., topic: Maths}\n",
    )
    assert result.errors == [] and result.bank is not None
    assert [q.topic for q in result.bank.questions] == [None, "Maths"]
    assert result.warnings == [f"{result.path}:2: question 1: 'topic' must be text; ignored"]


def test_a_native_cloze_prompt_needs_no_answer(load: Load) -> None:
    result = load(
        "clozes.yaml",
        "questions:\n"
        '  - prompt: "The {{c1::transformer}} relies on {{c2::attention::a mechanism}}."\n'
        '  - prompt: "{{c1::Adam}} adapts each step size."\n'
        "    answer: It keeps running averages of the gradients.\n"
        "    aliases: [Adaptive Moment Estimation]\n",
    )
    assert result.errors == [] and result.bank is not None
    first, second = result.bank.questions
    assert first.prompt == "The {{c1::transformer}} relies on {{c2::attention::a mechanism}}."
    assert first.answer == "The **transformer** relies on **attention**."
    assert second.answer == (
        "**Adam** adapts each step size.\n\nIt keeps running averages of the gradients."
    )
    assert second.aliases == ("Adaptive Moment Estimation",)


def test_a_json_cloze_is_read_the_same_way(load: Load) -> None:
    doc = {"questions": [{"prompt": "The {{c1::decoder}} writes the output."}]}
    result = load("clozes.json", json.dumps(doc))
    assert result.errors == [] and result.bank is not None
    (q,) = result.bank.questions
    assert q.answer == "The **decoder** writes the output."


def test_a_malformed_native_cloze_is_an_error_at_its_question(load: Load) -> None:
    result = load(
        "broken.yaml",
        "questions:\n"
        '  - prompt: "Fine {{c1::gap}}."\n'
        '  - prompt: "Broken {{c1::gap."\n'
        "  - prompt: What is a tensor?\n"
        "    answer: An array.\n",
    )
    assert result.bank is not None and len(result.bank.questions) == 2
    assert result.errors == [
        f"{result.path}:3: question 'Broken {{{{c1::gap.': the cloze '{{{{c1::gap.' is never "
        "closed with '}}'"
    ]


def test_a_native_true_false_takes_its_truth_from_answer(load: Load) -> None:
    result = load(
        "tf.yaml",
        "questions:\n"
        "  - prompt: Sets keep insertion order.\n"
        "    type: true_false\n"
        "    answer: false\n"
        "    explanation: Only dicts promise an order.\n",
    )
    assert result.errors == [] and result.bank is not None
    (q,) = result.bank.questions
    assert (q.choices, q.correct, q.answer) == (
        ("True", "False"),
        1,
        "Only dicts promise an order.",
    )
