"""Bad bank files give a clear message naming the file and line; other files still load."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.bank import LoadResult, load_library
from bot.bank.loader import MAX_BANK_BYTES

Load = Callable[..., LoadResult]


def only_error(result: LoadResult) -> str:
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def test_empty_file(load: Load) -> None:
    result = load("empty.md", "  \n\n")
    assert only_error(result) == f"{result.path}: the file is empty"


def test_binary_file(load: Load) -> None:
    result = load("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "binary file" in only_error(result)


def test_not_utf8(load: Load) -> None:
    result = load("latin1.md", "Q: Caf\xe9?\nA: oui\n".encode("latin-1"))
    assert only_error(result) == (
        f"{result.path}:1: the file is not UTF-8 text; save it as UTF-8 and try again"
    )


def test_file_over_the_size_limit(load: Load, tmp_path: Path) -> None:
    result = load("huge.md", b"Q: x?\nA: y\n" * (MAX_BANK_BYTES // 10))
    assert "banks are limited to 5 MiB" in only_error(result)


def test_invalid_yaml_names_the_line(load: Load) -> None:
    result = load("broken.yaml", "questions:\n  - prompt: ok\n    answer: [unclosed\n  - x: y\n")
    error = only_error(result)
    assert error.startswith(f"{result.path}:4: invalid YAML")


def test_invalid_json_names_the_line(load: Load) -> None:
    result = load("broken.json", '{\n  "questions": [\n    {"prompt": "x",}\n  ]\n}\n')
    assert only_error(result).startswith(f"{result.path}:3: invalid JSON")


def test_yaml_is_read_safely(load: Load) -> None:
    result = load("evil.yaml", "!!python/object/apply:os.system ['echo pwned']\n")
    assert "invalid YAML" in only_error(result)


def test_unknown_format(load: Load) -> None:
    result = load("bank.xlsx", "q,a\n")
    assert "unknown bank format '.xlsx'" in only_error(result)
    shapeless = load("list.yaml", "- just\n- a list\n")
    assert "unknown bank format: expected a 'questions:' list" in only_error(shapeless)


def test_markdown_without_questions(load: Load) -> None:
    result = load("notes.md", "# Notes\n\nJust some prose.\n")
    assert only_error(result) == f"{result.path}: no questions found in this file"


def test_question_too_long_for_discord(load: Load) -> None:
    long = "Why " + "very " * 300 + "long?"
    result = load("long.md", f"Q: {long}\nA: because\n\nQ: Short?\nA: yes\n")
    assert result.bank is not None and [q.prompt for q in result.bank.questions] == ["Short?"]
    assert only_error(result).startswith(f"{result.path}:1: question 'Why very")
    assert "must fit in 1000" in result.errors[0]


def test_library_skips_broken_files_and_loads_the_rest(tmp_path: Path) -> None:
    (tmp_path / "good.md").write_text("Q: Fine?\nA: Yes.\n", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("questions: [\n", encoding="utf-8")
    (tmp_path / "empty.json").write_text("", encoding="utf-8")
    banks, results = load_library([tmp_path])
    assert list(banks) == ["good"]
    assert sorted(len(r.errors) for r in results) == [0, 1, 1]


def test_cli_exit_codes(tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text("Q: Fine?\nA: Yes.\n\nQ: Wet?\nA: Water is.\n", encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "bank", *args],
            capture_output=True,
            text=True,
            check=False,
        )

    ok = run("check", str(good))
    assert ok.returncode == 0 and "2 question(s)" in ok.stdout
    mixed = run("check", str(bad), str(good))
    assert mixed.returncode == 1
    assert "invalid JSON" in mixed.stdout and "good.md: markdown" in mixed.stdout
    assert "Traceback" not in mixed.stdout + mixed.stderr
    assert run("check").returncode == 2
    assert run("check", str(tmp_path / "missing.md")).returncode == 2
    assert run("frobnicate").returncode == 2


def test_more_choices_than_discord_buttons_is_refused_at_load(load: Load) -> None:
    many = ", ".join(f"c{n}" for n in range(26))
    result = load(
        "wide.yaml",
        "questions:\n"
        "  - prompt: Fine?\n    choices: [left, right]\n    correct: left\n"
        f"  - prompt: Too wide?\n    choices: [{many}]\n    correct: c0\n"
        f"  - prompt: Just fits?\n    choices: [{', '.join(f'c{n}' for n in range(25))}]\n"
        "    correct: 3\n",
    )
    assert result.bank is not None
    assert [q.prompt for q in result.bank.questions] == ["Fine?", "Just fits?"]
    assert only_error(result) == (
        f"{result.path}:5: question 'Too wide?' has 26 choices; a question can show at most 25 "
        "(one button each on Discord)"
    )


def test_opentdb_question_with_too_many_answers_is_refused(load: Load) -> None:
    wrong = ", ".join(f'"w{n}"' for n in range(25))
    result = load(
        "trivia.json",
        '{"response_code": 0, "results": ['
        '{"question": "Ok?", "correct_answer": "a", "incorrect_answers": ["b", "c"]},'
        f'{{"question": "Wide?", "correct_answer": "a", "incorrect_answers": [{wrong}]}}]}}',
    )
    assert result.bank is not None and [q.prompt for q in result.bank.questions] == ["Ok?"]
    assert "'Wide?' has 26 choices; a question can show at most 25" in only_error(result)


def test_brackets_in_json_text_and_small_yaml_aliases_are_fine(load: Load) -> None:
    brackets = "Lists " + "[" * 100 + "{" * 100 + " nest."
    result = load(
        "text.json",
        '{"questions": [{"prompt": "Which brackets?", "answer": "' + brackets + '"},'
        ' {"prompt": "Escaped \\"[[[[\\" quotes?", "answer": "yes"}]}',
    )
    assert result.errors == [] and result.bank is not None
    assert [q.answer for q in result.bank.questions] == [brackets, "yes"]
    aliased = load(
        "aliased.yaml",
        "common: &common {topic: Python, difficulty: easy}\n"
        "questions:\n"
        "  - {<<: *common, prompt: What is a list?, answer: A mutable sequence.}\n"
        "  - {<<: *common, prompt: What is a tuple?, answer: An immutable sequence.}\n",
    )
    assert aliased.errors == [] and aliased.bank is not None
    assert [q.topic for q in aliased.bank.questions] == ["Python", "Python"]


def test_a_lone_open_question_is_asked_as_recall(tmp_path: Path) -> None:
    lone = tmp_path / "lone.md"  # one open question: no wrong option to draw, nothing to type
    lone.write_text("Q: Fine?\nA: Yes.\n", encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "bank", *args, str(lone)],
            capture_output=True,
            text=True,
            check=False,
        )

    checked = run("check")
    assert checked.returncode == 0, checked.stdout
    asked = run("quiz")
    assert "asked as recall:" in asked.stdout
    assert "   - Yes." in asked.stdout


def test_dates_and_numbers_too_long_for_python_are_read_as_text(load: Load) -> None:
    digits = "1" * 5000
    for name, content in [
        ("dates.yaml", "questions:\n  - {prompt: When?, answer: 2026-13-45}\n"),
        ("long.yaml", f"questions:\n  - prompt: How many?\n    answer: {digits}\n"),
        ("long.json", f'{{"questions": [{{"prompt": "How many?", "answer": {digits}}}]}}'),
    ]:
        result = load(name, content)
        assert result.errors == [], name
        assert result.bank is not None
        assert result.bank.questions[0].answer in ("2026-13-45", digits), name


def test_a_reader_mistake_is_contained_to_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(text: str, problems: object) -> object:
        raise RuntimeError("a bug in the reader")

    monkeypatch.setattr("bot.bank.loader.parse_markdown", broken)
    (tmp_path / "good.yaml").write_text(
        "questions:\n  - {prompt: Fine?, choices: [a, b], correct: a}\n", encoding="utf-8"
    )
    (tmp_path / "notes.md").write_text("Q: Fine?\nA: Yes.\n", encoding="utf-8")
    banks, results = load_library([tmp_path])
    assert list(banks) == ["good"]
    (broken_result,) = [r for r in results if r.errors]
    assert broken_result.errors == [
        f"{tmp_path / 'notes.md'}: the bot could not read this file "
        "(RuntimeError: a bug in the reader); it was skipped"
    ]
    assert "Traceback" in caplog.text  # the operator's log has the details
