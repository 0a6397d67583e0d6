"""CSV banks with a header row, as spreadsheets export them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from bot.bank import Difficulty, LoadResult
from tests.bank.cli import bank_cli

Load = Callable[..., LoadResult]

CSV = """\
Question,Answer,Topic,Difficulty,Accept
What is overfitting?,"When a model learns the noise
of its training data.",ML,Basic,
Which keyword defines a function?,def,Python,hard,def keyword|define
"Is 1,000 a ""big"" number?",It depends.,,,
"""


def test_csv_with_a_header_row(load: Load) -> None:
    result = load("ml.csv", CSV)
    assert (result.format, result.errors, result.warnings) == ("csv", [], [])
    assert result.bank is not None and result.bank.name == "ml"
    q1, q2, q3 = result.bank.questions
    assert q1.prompt == "What is overfitting?"
    assert q1.answer == "When a model learns the noise\nof its training data."
    assert (q1.topic, q1.difficulty, q1.aliases) == ("ML", Difficulty.EASY, ())
    assert (q2.answer, q2.aliases) == ("def", ("def", "def keyword", "define"))
    assert (q2.topic, q2.difficulty) == ("Python", Difficulty.HARD)
    assert (q3.prompt, q3.topic) == ('Is 1,000 a "big" number?', None)
    assert q1.source.endswith("ml.csv:2") and q2.source.endswith("ml.csv:4")
    assert q3.source.endswith("ml.csv:5")


def test_column_names_in_any_case_and_their_other_names(load: Load) -> None:
    result = load("cards.csv", "FRONT,back,Category\nWhat is 2+2?,4,Maths\n")
    assert result.errors == [] and result.bank is not None
    (q,) = result.bank.questions
    assert (q.prompt, q.answer, q.topic) == ("What is 2+2?", "4", "Maths")
    other = load("other.csv", "Prompt,Solution,Deck\nWhat is 3+3?,6,Maths\n")
    assert other.bank is not None and other.bank.questions[0].answer == "6"


def test_choices_become_explicit_multiple_choice(load: Load) -> None:
    doc = (
        "question,choices,correct,answer\n"
        "Which is immutable?,list|dict|tuple,tuple,Tuples cannot change.\n"
        "Which is a prime?,4;5;6,B,\n"
        "Which is even?,1|2|3,2,\n"
        "Which is odd?,2|3|4,3,\n"
        "Which is a colour?,red|car|dog,,red\n"
    )
    result = load("mc.csv", doc)
    assert result.errors == [] and result.bank is not None
    got = [(q.choices, q.correct, q.answer) for q in result.bank.questions]
    assert got == [
        (("list", "dict", "tuple"), 2, "Tuples cannot change."),
        (("4", "5", "6"), 1, "5"),
        (("1", "2", "3"), 1, "2"),  # the text of a choice wins over a number
        (("2", "3", "4"), 1, "3"),
        (("red", "car", "dog"), 0, "red"),
    ]


def test_correct_must_be_one_of_the_choices(load: Load) -> None:
    doc = (
        "question,choices,correct\n"
        "Fine?,yes|no,yes\n"
        "Which letter?,a|b|c,Z\n"
        "Which number?,x|y,3\n"
        "Which text?,x|y,z\n"
        "Only one?,x,x\n"
    )
    result = load("bad.csv", doc)
    assert result.bank is not None and [q.prompt for q in result.bank.questions] == ["Fine?"]
    p = result.path
    assert result.errors == [
        f"{p}:3: question 'Which letter?': 'correct' ('Z') must be one of the choices, "
        "its letter (A-C) or its number (1-3)",
        f"{p}:4: question 'Which number?': 'correct' ('3') must be one of the choices, "
        "its letter (A-B) or its number (1-2)",
        f"{p}:5: question 'Which text?': 'correct' ('z') must be one of the choices, "
        "its letter (A-B) or its number (1-2)",
        f"{p}:6: question 'Only one?': 'choices' needs at least 2 choices separated by '|'",
    ]


def test_spreadsheet_export_bom_excel_sep_line_and_semicolons(load: Load) -> None:
    doc = (
        'sep=;\r\nQuestion;Answer\r\nWhat is 1,5 + 1?;2,5\r\n"Multi;\r\nline?";"yes;\r\nreally"\r\n'
    )
    result = load("excel.csv", b"\xef\xbb\xbf" + doc.encode("utf-8"))
    assert result.errors == [] and result.bank is not None
    q1, q2 = result.bank.questions
    assert (q1.prompt, q1.answer) == ("What is 1,5 + 1?", "2,5")
    assert (q2.prompt, q2.answer) == ("Multi; line?", "yes;\nreally")
    assert q2.source.endswith("excel.csv:4")
    sniffed = load("semi.csv", b"\xef\xbb\xbfquestion;answer\nWhat is 1,5 + 1?;2,5\n")
    assert sniffed.errors == [] and sniffed.bank is not None
    assert sniffed.bank.questions[0].answer == "2,5"


def test_rows_without_answer_are_skipped_with_a_warning(load: Load) -> None:
    doc = "question,answer,notes\nFine?,Yes,\nNo answer?,,\n\n,orphan answer,\nAlso fine?,Yes,x\n"
    result = load("gaps.csv", doc)
    assert result.errors == [] and result.bank is not None
    assert [q.prompt for q in result.bank.questions] == ["Fine?", "Also fine?"]
    p = result.path
    assert result.warnings == [
        f"{p}:1: ignored column(s) 'notes'",
        f"{p}:3: skipped question 'No answer?': it has no answer or correct choice",
        f"{p}:5: skipped a row without a question",
    ]


def test_missing_header_is_one_clear_error(load: Load) -> None:
    result = load("nohead.csv", "What is 2+2?,4\nWhat is 3+3?,6\n")
    assert result.errors == [
        f"{result.path}:1: no header row: the first line must name the columns, e.g. "
        "'question,answer' (found 'What is 2+2?, 4')"
    ]
    no_answer = load("noanswer.csv", "question,topic\nWhat?,x\n")
    assert no_answer.errors == [
        f"{no_answer.path}:1: no answer column: name one 'answer' (or 'back', 'solution'), "
        "'correct' or 'accept'"
    ]


def test_unknown_difficulty_is_a_warning(load: Load) -> None:
    result = load("d.csv", "question,answer,difficulty\nWhat?,That.,insane\n")
    assert result.bank is not None and result.bank.questions[0].difficulty is None
    assert result.warnings == [
        f"{result.path}:2: question 'What?': unknown difficulty 'insane' ignored"
    ]


def test_cli_check_and_quiz(tmp_path: Path) -> None:
    path = tmp_path / "mc.csv"
    path.write_text(
        "question,choices,correct\nWhich is immutable?,list|dict|tuple,C\n", encoding="utf-8"
    )
    check = bank_cli("check", str(path))
    assert check.returncode == 0, check.stdout
    assert f"{path}: csv (CSV) 'mc', 1 question(s)" in check.stdout
    quiz = bank_cli("quiz", str(path), "--json")
    assert quiz.returncode == 0, quiz.stderr
    (q,) = json.loads(quiz.stdout)["questions"]
    assert (q["options"], q["correct_option"]) == (["list", "dict", "tuple"], 2)


def test_a_quoted_cell_never_closed_is_an_error_naming_its_line(load: Load) -> None:
    doc = 'question,answer\nFine?,Yes\n"Broken?,oops\nNever read?,No\n'
    result = load("open.csv", doc)
    assert result.bank is not None and [q.prompt for q in result.bank.questions] == ["Fine?"]
    assert result.errors == [
        f"{result.path}:3: a quoted cell opened on this line is never closed: lines 3-4 were "
        "not read (add the missing '\"')"
    ]


def test_tsv_with_a_header_row_is_read_as_a_spreadsheet(load: Load) -> None:
    result = load("sheet.tsv", "Question\tAnswer\tTopic\nWhat is 2+2?\t4\tMaths\n")
    assert (result.format, result.errors) == ("csv", [])
    assert result.bank is not None
    assert [(q.prompt, q.answer, q.topic) for q in result.bank.questions] == [
        ("What is 2+2?", "4", "Maths")
    ]
