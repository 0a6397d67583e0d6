"""Plain-text ``Question:`` / ``Answer:`` / ``Solution:`` files (``.txt`` without Anki headers)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from bot.bank import LoadResult
from tests.bank.cli import bank_cli

Load = Callable[..., LoadResult]

QA = """\
Operating systems, week 3

Question 1: What is the difference between a process
and a thread?
Answer: A process has its own memory;
threads share the memory of their process.
Question 2: What is a deadlock?
Solution: Two tasks each waiting for the other.

- Avoid it by ordering locks,
  always in the same order.
- Or use timeouts.

Q3. What is a race condition?
A: When the result depends on timing.
Q: What is a mutex?
A: A lock.
Question 5. Which one is a scheduler state?
A. running
B. flying
Ans: running
"""


def test_question_and_answer_blocks_wrapped_over_lines(load: Load) -> None:
    result = load("os.txt", QA)
    assert (result.format, result.errors, result.warnings) == ("plaintext", [], [])
    assert result.bank is not None and result.bank.name == "os"
    got = [(q.prompt, q.answer) for q in result.bank.questions]
    assert got == [
        (
            "What is the difference between a process and a thread?",
            "A process has its own memory; threads share the memory of their process.",
        ),
        (
            "What is a deadlock?",
            "Two tasks each waiting for the other.\n\n"
            "- Avoid it by ordering locks, always in the same order.\n- Or use timeouts.",
        ),
        ("What is a race condition?", "When the result depends on timing."),
        ("What is a mutex?", "A lock."),
        ("Which one is a scheduler state? A. running B. flying", "running"),
    ]
    lines = [q.source.rsplit(":", 1)[1] for q in result.bank.questions]
    assert lines == ["3", "7", "14", "16", "18"]


def test_problems_name_their_line(load: Load) -> None:
    doc = "Answer: orphan\nQuestion: Fine?\nAnswer: Yes.\nQuestion: Unanswered?\nQ: Last?\nA:\n"
    result = load("gaps.txt", doc)
    assert result.errors == [] and result.bank is not None
    assert [q.prompt for q in result.bank.questions] == ["Fine?"]
    p = result.path
    assert result.warnings == [
        f"{p}:1: an answer without a question before it: ignored",
        f"{p}:4: skipped question 'Unanswered?': it has no answer",
        f"{p}:5: skipped question 'Last?': it has no answer",
    ]


def test_txt_is_routed_by_content(load: Load) -> None:
    # Markdown structure outweighing the labels: read as Markdown, as before.
    md = load(
        "md.txt", "# Title\n## Basic\nQ: What is X?\nA: Y.\n## Advanced\nQ: What is Z?\nA: W.\n"
    )
    assert md.format == "markdown" and md.bank is not None
    assert md.bank.questions[0].difficulty is not None
    # Short labels without any Markdown: plain text, so a wrapped question keeps its second line.
    short = load("short.txt", "Q: What is a very long\nquestion?\nA: Yes.\n")
    assert short.format == "plaintext" and short.bank is not None
    assert short.bank.questions[0].prompt == "What is a very long question?"
    prose = load("prose.txt", "Just some notes.\nQuestions are good.\n")
    assert prose.format == "markdown" and prose.errors == [
        f"{prose.path}: no questions found in this file"
    ]


def test_cli_check_and_quiz(tmp_path: Path) -> None:
    path = tmp_path / "os.txt"
    path.write_text(QA, encoding="utf-8")
    check = bank_cli("check", str(path))
    assert check.returncode == 0, check.stdout
    assert f"{path}: plaintext (plain-text Q&A) 'os', 5 question(s)" in check.stdout
    quiz = bank_cli("quiz", str(path), "--json")
    assert quiz.returncode == 0, quiz.stderr
    questions = json.loads(quiz.stdout)["questions"]
    assert len(questions) == 5
    for q in questions:  # every question can at least be recalled against its key points
        recall = [i for i in q["items"] if i["kind"] == "recall"]
        assert recall and recall[0]["key_points"], q["prompt"]
