"""A bank exported in the bot's YAML reads back as the same questions, with the same ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bank.loader import BUNDLED_BANKS, load_bank, load_bank_bytes
from bot.bank.model import Question
from bot.bank.native import dump_native


def _fields(q: Question) -> dict[str, object]:
    data = q.to_json()
    data.pop("source")
    return data


@pytest.mark.parametrize("path", sorted(BUNDLED_BANKS.iterdir()), ids=lambda p: p.name)
def test_bundled_banks_round_trip(path: Path) -> None:
    first = load_bank(path)
    assert first.bank is not None and first.bank.questions
    again = load_bank_bytes(f"{path.stem}.yaml", dump_native(first.bank).encode())
    assert again.errors == []
    assert again.bank is not None
    assert again.bank.name == first.bank.name
    assert [_fields(q) for q in again.bank.questions] == [_fields(q) for q in first.bank.questions]


def test_ids_survive_an_edited_prompt() -> None:
    text = (
        "questions:\n"
        "  - id: q-1\n    prompt: What is a tensor?\n    answer: An array of numbers.\n"
        "  - prompt: What is a scalar?\n    answer: A single number.\n"
    )
    loaded = load_bank_bytes("mine.yaml", text.encode())
    assert loaded.bank is not None
    first, second = loaded.bank.questions
    assert first.id == "q-1"
    assert len(second.id) == 12  # no id given: derived from the prompt
    edited = load_bank_bytes(
        "mine.yaml", text.replace("What is a tensor?", "Define a tensor.").encode()
    )
    assert edited.bank is not None and edited.bank.questions[0].id == "q-1"


def test_bad_and_repeated_ids_are_errors_with_their_line() -> None:
    text = (
        "questions:\n"
        "  - id: 'has spaces'\n    prompt: A?\n    answer: a\n"
        "  - id: same\n    prompt: B?\n    answer: b\n"
        "  - id: same\n    prompt: C?\n    answer: c\n"
    )
    loaded = load_bank_bytes("mine.yaml", text.encode())
    assert any(e.startswith("mine.yaml:2:") and "'id'" in e for e in loaded.errors)
    assert any(e.startswith("mine.yaml:8:") and "'same'" in e for e in loaded.errors)


def test_an_upload_names_the_file_and_line() -> None:
    loaded = load_bank_bytes("../../etc/notes.yaml", b"questions:\n  - prompt: [1, 2\n")
    assert loaded.bank is None
    assert loaded.errors and loaded.errors[0].startswith("notes.yaml:")
    unknown = load_bank_bytes("slides.pdf", b"%PDF")
    assert unknown.errors == [
        "slides.pdf: unknown bank format '.pdf': use .md (Markdown Q&A), "
        ".rst, .yaml/.yml, .json, .jsonl, .csv, .txt or .tsv"
    ]
