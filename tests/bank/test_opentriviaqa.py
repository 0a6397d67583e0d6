"""OpenTriviaQA text files and JSON Lines, on small files written for the purpose."""

from __future__ import annotations

from collections.abc import Callable

from bot.bank import LoadResult

Load = Callable[..., LoadResult]

TRIVIA = (
    "\n#Q Pong was first installed at a high school.\n^ False\nA False\nB True\n\n"
    "#Q Which game are these quotes from?\nA: Up to the rooftop!\nB: Berlin is ours!\n"
    "^ Call of Duty\nA Medal of Honor\nB Call of Duty\n\n"
    "#Q Fill the gap: ___ queen\n^ Mississippi\nA Dance\nB Mississippi\n\n"
    "#Q A question without its answer line\nA One\nB Two\n"
)


def test_opentriviaqa_questions_options_and_right_answer(load: Load) -> None:
    result = load("entertainment.txt", TRIVIA)
    assert result.format == "opentriviaqa"
    assert result.bank is not None
    got = [(q.prompt, q.choices, q.correct) for q in result.bank.questions]
    assert got == [
        ("Pong was first installed at a high school.", ("False", "True"), 0),
        (
            "Which game are these quotes from? A: Up to the rooftop! B: Berlin is ours!",
            ("Medal of Honor", "Call of Duty"),
            1,
        ),
        ("Fill the gap: ___ queen", ("Dance", "Mississippi"), 1),
    ]
    assert any(
        ":19: skipped a '#Q' question without a '^' answer line" in w for w in result.warnings
    )


def test_json_lines_question_and_answer(load: Load) -> None:
    doc = (
        '{"question": "A robe takes 2 bolts of blue fiber and half that much white. How many?",'
        ' "answer": "How much white? ** 2/2 = <<2/2=1>>1\\n#### 3"}\n'
        "not json\n"
        '{"question": "No answer here"}\n'
    )
    result = load("gsm8k.jsonl", doc)
    assert result.format == "jsonl"
    assert result.bank is not None
    (q,) = [q for q in result.bank.questions if q.answer]
    assert q.prompt.startswith("A robe takes 2 bolts") and q.answer.endswith("#### 3")
    assert any(":2: invalid JSON" in e for e in result.errors)
    assert any(
        ":3: skipped question 'No answer here': it has no answer" in w for w in result.warnings
    )
