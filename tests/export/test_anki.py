"""Anki packages and CSV: built from the seed bank and read back as Anki reads them (a zip
holding an SQLite collection)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import genanki
import pytest

from bot.bank import load_bank
from bot.bank.model import Bank, Difficulty, Question, question_id
from bot.export.anki import bank_package, build_package, markdown_html, prompt_html, stable_id
from bot.export.notes import CSV_COLUMNS, ExportNote, bank_notes, csv_export
from tests.bank.cli import bank_cli

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "data" / "banks" / "generative-ai-interview-questions.md"


@dataclass(frozen=True)
class ReadNote:
    guid: str
    model_id: int
    fields: list[str]
    tags: list[str]
    deck_id: int
    position: int


@dataclass(frozen=True)
class ReadPackage:
    notes: list[ReadNote]  # in the order Anki introduces their cards
    decks: dict[int, str]
    models: dict[int, str]
    files: list[str]


def read_package(path: Path, work: Path) -> ReadPackage:
    with zipfile.ZipFile(path) as apkg:
        files = apkg.namelist()
        name = next(n for n in files if n in ("collection.anki21", "collection.anki2"))
        apkg.extract(name, work)
    db = sqlite3.connect(work / name)
    try:
        decks_json, models_json = db.execute("SELECT decks, models FROM col").fetchone()
        rows = db.execute(
            "SELECT n.guid, n.mid, n.flds, n.tags, c.did, c.due"
            " FROM notes n JOIN cards c ON c.nid = n.id ORDER BY c.due"
        ).fetchall()
    finally:
        db.close()
    notes = [
        ReadNote(guid, mid, flds.split("\x1f"), tags.split(), did, due)
        for guid, mid, flds, tags, did, due in rows
    ]
    decks = {int(k): v["name"] for k, v in json.loads(decks_json).items()}
    models = {int(k): v["name"] for k, v in json.loads(models_json).items()}
    return ReadPackage(notes, decks, models, files)


@pytest.fixture(scope="module")
def seed() -> Bank:
    result = load_bank(SEED)
    assert result.bank is not None, result.errors
    return result.bank


def test_the_seed_bank_reads_back_with_one_note_per_question(seed: Bank, tmp_path: Path) -> None:
    out = tmp_path / "seed.apkg"
    assert bank_package(seed, out, deck_name="Study group") == len(seed.questions) == 17
    package = read_package(out, tmp_path)
    assert "collection.anki2" in package.files
    assert len(package.notes) == len(seed.questions)
    assert package.decks[stable_id("deck", "Study group")] == "Study group"
    by_guid = {note.guid: note for note in package.notes}
    for question in seed.questions:
        note = by_guid[genanki.guid_for("studybot", question.id)]
        prompt, body, answer = note.fields
        assert prompt == prompt_html(question.prompt)
        assert question.prompt.split()[0] in prompt
        assert body == markdown_html(question.body)
        assert answer == markdown_html(question.answer) and answer.startswith("<")
        assert question.difficulty is not None
        topic = [question.topic.replace(" ", "_")] if question.topic else []
        assert note.tags == [*topic, question.difficulty.value]
        assert package.models[note.model_id] == "Study bot question"


def test_list_answers_become_html_lists(seed: Bank, tmp_path: Path) -> None:
    out = tmp_path / "seed.apkg"
    build_package(bank_notes(seed), "Seed", out)
    answers = [note.fields[2] for note in read_package(out, tmp_path).notes]
    listed = [a for a in answers if "<ul>" in a and "<li>" in a]
    assert len(listed) >= 5
    assert any("<strong>" in a for a in listed)  # **label:** in the bank


def test_a_second_export_updates_the_same_deck_and_notes(seed: Bank, tmp_path: Path) -> None:
    first, second = tmp_path / "a.apkg", tmp_path / "b.apkg"
    build_package(bank_notes(seed), "Group", first, timestamp=1_700_000_000)
    build_package(bank_notes(seed), "Group", second, timestamp=1_750_000_000)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = read_package(first, tmp_path / "a"), read_package(second, tmp_path / "b")
    assert a.decks == b.decks and a.models == b.models
    assert [n.guid for n in a.notes] == [n.guid for n in b.notes]
    assert stable_id("deck", "Group") != stable_id("deck", "Other group")


def _question(prompt: str, answer: str, **kwargs: object) -> Question:
    return Question(id=question_id(prompt), prompt=prompt, answer=answer, source="t", **kwargs)  # type: ignore[arg-type]


def test_html_in_a_bank_comes_out_escaped(tmp_path: Path) -> None:
    hostile = _question(
        "Why <img src=x onerror=alert(1)>?",
        "<script>alert('x')</script>\n\nUse **escaping** and [links](javascript:alert(1)).",
        body="<iframe src=//evil></iframe>",
    )
    out = tmp_path / "hostile.apkg"
    bank_package(Bank("hostile", "Hostile", [hostile]), out, deck_name="Hostile")
    (note,) = read_package(out, tmp_path).notes
    prompt, body, answer = note.fields
    assert "&lt;script&gt;alert(" in answer and "<script" not in answer
    assert "<strong>escaping</strong>" in answer
    assert "javascript:" not in answer.split("href=")[-1].split(">")[0]
    assert "&lt;img src=x" in prompt and "<img" not in prompt
    assert "&lt;iframe" in body and "<iframe" not in body


def test_tags_carry_topic_and_difficulty_without_spaces(tmp_path: Path) -> None:
    question = _question(
        "What is a GAN?", "Two networks.", topic="Deep  learning basics", difficulty=Difficulty.HARD
    )
    out = tmp_path / "t.apkg"
    bank_package(Bank("t", "T", [question]), out, deck_name="T")
    (note,) = read_package(out, tmp_path).notes
    assert note.tags == ["Deep_learning_basics", "hard"]


def test_a_members_missed_and_due_questions_come_first(tmp_path: Path) -> None:
    notes = [
        ExportNote("q1", "Plain one?", "a"),
        ExportNote("q2", "Due one?", "a", due=True),
        ExportNote("q3", "Missed one?", "a", missed=True, topic="NLP"),
        ExportNote("q4", "Plain two?", "a"),
        ExportNote("q5", "Missed and due?", "a", missed=True, due=True),
    ]
    out = tmp_path / "member.apkg"
    assert build_package(notes, "Server A", out) == 5
    package = read_package(out, tmp_path)
    order = [n.fields[0] for n in package.notes]
    assert order == ["Missed and due?", "Missed one?", "Due one?", "Plain one?", "Plain two?"]
    assert [n.tags for n in package.notes][:2] == [["missed"], ["NLP", "missed"]]
    assert {n.deck_id for n in package.notes} == {stable_id("deck", "Server A")}


def test_writing_leaves_no_temporary_file_behind(
    seed: Bank, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    out = tmp_path / "out" / "seed.apkg"
    out.parent.mkdir()
    bank_package(seed, out, deck_name="Seed")
    assert list(scratch.iterdir()) == []
    assert list(out.parent.iterdir()) == [out]


def test_an_unwritable_path_raises_and_leaves_nothing(seed: Bank, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        bank_package(seed, tmp_path / "missing" / "seed.apkg", deck_name="Seed")
    assert list(tmp_path.iterdir()) == []


def test_csv_holds_the_markdown_in_study_order_and_defuses_formulas() -> None:
    notes = [
        ExportNote("q1", '=HYPERLINK("http://x")', "- a list\n- of two", topic="Maths"),
        ExportNote("q2", "Missed?", "-1+2", difficulty="easy", missed=True),
        ExportNote("q3", "With, a comma?", 'He said "yes"', body="`code`", due=True),
    ]
    rows = list(csv.reader(io.StringIO(csv_export(notes))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r[0] for r in rows[1:]] == ["q2", "q3", "q1"]
    assert rows[1] == ["q2", "Missed?", "", "'-1+2", "", "easy", "yes", ""]
    assert rows[2] == ["q3", "With, a comma?", "`code`", 'He said "yes"', "", "", "", "yes"]
    assert rows[3][1] == '\'=HYPERLINK("http://x")' and rows[3][3] == "- a list\n- of two"


def test_the_cli_exports_the_seed_as_anki_and_csv(seed: Bank, tmp_path: Path) -> None:
    apkg, table = tmp_path / "seed.apkg", tmp_path / "seed.csv"
    run = bank_cli("export", str(SEED), "--anki", str(apkg), "--csv", str(table), "--deck", "G")
    assert run.returncode == 0, run.stderr
    assert f"{apkg}: 17 notes in the Anki deck 'G'" in run.stdout
    package = read_package(apkg, tmp_path)
    assert len(package.notes) == 17 and set(package.decks.values()) >= {"G"}
    assert len(list(csv.reader(io.StringIO(table.read_text(encoding="utf-8"))))) == 18


def test_the_cli_exports_this_bots_yaml_with_ids(seed: Bank, tmp_path: Path) -> None:
    out = tmp_path / "seed.yaml"
    run = bank_cli("export", str(SEED), "--yaml", str(out))
    assert run.returncode == 0, run.stderr
    assert f"{out}: 17 questions in this bot's YAML, each with its id" in run.stdout
    again = load_bank(out)
    assert again.errors == [] and again.bank is not None
    assert [q.id for q in again.bank.questions] == [q.id for q in seed.questions]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("--anki", "{tmp}/missing/out.apkg"), 1, "cannot write {tmp}/missing/out.apkg: No such"),
        (("--anki", "{tmp}"), 2, "{tmp} is a folder"),
        ((), 2, "give --anki OUT.apkg, --csv OUT.csv or --yaml OUT.yaml"),
    ],
)
def test_the_cli_says_what_went_wrong_in_one_sentence(
    tmp_path: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    run = bank_cli("export", str(SEED), *(a.format(tmp=tmp_path) for a in args))
    assert run.returncode == code
    assert message.format(tmp=tmp_path) in run.stderr
    assert "Traceback" not in run.stderr


def test_the_cli_refuses_a_missing_bank(tmp_path: Path) -> None:
    run = bank_cli("export", str(tmp_path / "nope.md"), "--anki", str(tmp_path / "x.apkg"))
    assert run.returncode == 2
    assert run.stderr.strip() == f"{tmp_path / 'nope.md'}: no such file"
