"""Anki text exports (File > Export > Notes in Plain Text), .txt with Anki's headers or .tsv."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from bot.bank import Difficulty, LoadResult
from bot.bank.html_text import html_to_text
from tests.bank.cli import bank_cli

Load = Callable[..., LoadResult]

EXPORT = (
    "#separator:tab\n"
    "#html:true\n"
    "#guid column:1\n"
    "#notetype column:2\n"
    "#deck column:3\n"
    "#tags column:6\n"
    "f1J^x\tBasic\tML::Basics\tWhat is <b>overfitting</b>?\t"
    "Learning the noise<br>of the <i>training</i> data:<ul><li>high variance</li>"
    "<li>train &amp; test gap</li></ul>\tmachine_learning difficulty::hard\n"
    'g2K^y\tBasic\tML::Statistics\t"What does\tthe ""p"" mean?"\t'
    '"The <code>p-value</code>,\nsee <img src=""p.png"">[sound:p.mp3]"\tleech stats easy\n'
)


def test_anki_export_with_html_guid_notetype_deck_and_tags(load: Load) -> None:
    result = load("ml.txt", EXPORT)
    assert result.format == "anki" and result.errors == []
    assert result.warnings == [f"{result.path}:8: dropped 1 image(s): Discord shows text"]
    assert result.bank is not None and result.bank.name == "ml"
    q1, q2 = result.bank.questions
    assert q1.prompt == "What is overfitting?"
    assert (
        q1.answer
        == "Learning the noise\nof the *training* data:\n- high variance\n- train & test gap"
    )
    # Two decks in the file: each note's deck is its topic; the tags set the difficulty.
    assert (q1.topic, q1.difficulty) == ("Basics", Difficulty.HARD)
    assert q2.prompt == 'What does the "p" mean?'
    assert q2.answer == "The `p-value`, see"
    assert (q2.topic, q2.difficulty) == ("Statistics", Difficulty.EASY)
    assert q1.source.endswith("ml.txt:7") and q2.source.endswith("ml.txt:8")


def test_one_deck_names_the_bank_and_the_first_tag_is_the_topic(load: Load) -> None:
    doc = (
        "#separator:comma\n#html:false\n#deck column:1\n#tags column:4\n"
        "Languages::Spanish,Hola?,Hello,marked greetings::spoken medium\n"
        'Languages::Spanish,"Adiós, amigo?",Goodbye,level::advanced\n'
    )
    result = load("export.txt", doc)
    assert result.format == "anki" and result.errors == [] and result.warnings == []
    assert result.bank is not None and result.bank.name == "Spanish"
    q1, q2 = result.bank.questions
    assert (q1.prompt, q1.answer, q1.topic, q1.difficulty) == (
        "Hola?",
        "Hello",
        "spoken",
        Difficulty.MEDIUM,
    )
    assert (q2.prompt, q2.topic, q2.difficulty) == ("Adiós, amigo?", None, Difficulty.HARD)


def test_separators_by_name_or_character(load: Load) -> None:
    for name, sep in [
        ("semicolon", ";"),
        ("Pipe", "|"),
        ("space", " "),
        ("colon", ":"),
        (",", ","),
    ]:
        result = load(f"{name}.txt", f"#separator:{name}\n#html:false\nFront{sep}Back\n")
        assert result.errors == [], name
        assert result.bank is not None
        assert [(q.prompt, q.answer) for q in result.bank.questions] == [("Front", "Back")]


def test_whole_file_headers_and_a_guessed_separator(load: Load) -> None:
    doc = "#html:false\n#deck:Chemistry\n#notetype:Cloze\n#tags:lab\n{{c1::H2O}} is water.;Wet\n"
    result = load("chem.txt", doc)
    assert result.format == "anki" and result.errors == [] and result.bank is not None
    assert result.bank.name == "Chemistry"
    (q,) = result.bank.questions
    assert (q.prompt, q.answer, q.topic) == ("[...] is water.", "**H2O** is water.\n\nWet", "lab")


def test_without_html_fields_are_text_as_written(load: Load) -> None:
    doc = "#separator:tab\n#html:false\nWhat does <b> mean?\tBold, as in <b>x</b> [sound:x.mp3]\n"
    result = load("plain.txt", doc)
    assert result.bank is not None
    (q,) = result.bank.questions
    assert q.answer == "Bold, as in <b>x</b>"


def test_html_fields_keep_text_that_only_looks_like_a_tag() -> None:
    assert html_to_text("Use &lt;formula&gt; &amp; tool upgrade <name>") == (
        "Use <formula> & tool upgrade <name>",
        0,
    )
    assert html_to_text("<div>one</div><div><b>two </b>three</div>") == ("one\n**two** three", 0)
    assert html_to_text("<ol><li>a</li><li>b<ul><li>c</li></ul></li></ol>x") == (
        "1. a\n2. b\n  - c\nx",
        0,
    )
    assert html_to_text("<p>a&nbsp;b</p><p><b></b>c<img src='i.png'></p>") == ("a b\n\nc", 1)


def test_cloze_notes_are_readable_questions_with_a_warning(load: Load) -> None:
    doc = (
        "#separator:tab\n#html:true\n#notetype column:1\n"
        "Cloze\tThe capital of {{c1::<b>France</b>}} is {{c2::Paris::city}}.\tIn Europe.\n"
        "Cloze\t{{c1::Rome}} is in Italy.\n"
        "Basic\tFront\tBack\n"
    )
    result = load("cloze.txt", doc)
    assert result.errors == [] and result.bank is not None
    q1, q2, q3 = result.bank.questions
    assert q1.prompt == "The capital of [...] is [city]."
    assert q1.answer == "The capital of **France** is **Paris**.\n\nIn Europe."
    assert (q2.prompt, q2.answer) == ("[...] is in Italy.", "**Rome** is in Italy.")
    assert (q3.prompt, q3.answer) == ("Front", "Back")
    assert result.warnings == [
        f"{result.path}:4: 2 Cloze note(s): each is asked as one question, its gaps shown as "
        "[...] and filled in the answer"
    ]


def test_tsv_without_headers_and_columns_header(load: Load) -> None:
    result = load("cards.tsv", "What is 2+2?\t4\n\nWhat is <b>3+3</b>?\t6<br>six\n")
    assert result.format == "anki" and result.errors == [] and result.bank is not None
    assert [(q.prompt, q.answer) for q in result.bank.questions] == [
        ("What is 2+2?", "4"),
        ("What is 3+3?", "6\nsix"),
    ]
    named = load(
        "named.txt", "#separator:tab\n#html:false\n#columns:Tags\tFront\tBack\nt1\tQ?\tA\n"
    )
    assert named.bank is not None
    (q,) = named.bank.questions
    assert (q.prompt, q.answer, q.topic) == ("Q?", "A", "t1")


def test_bad_headers_and_short_lines_are_reported_with_their_line(load: Load) -> None:
    doc = (
        "#separator:wobble\n#html:maybe\n#tags column:zero\nFine?\tYes\nOnly a front\nNo back?\t\n"
    )
    result = load("bad.txt", doc)
    assert result.format == "anki" and result.bank is not None
    assert [q.prompt for q in result.bank.questions] == ["Fine?"]
    p = result.path
    assert result.errors == [
        f"{p}:1: unknown separator 'wobble': use tab, comma, semicolon, pipe, space, colon or "
        "the character itself",
        f"{p}:3: '#tags column:' must be a column number from 1, not 'zero'",
        f"{p}:5: expected a front and a back separated by tab; found 1 field(s)",
    ]
    assert result.warnings == [
        f"{p}:2: '#html:' must be true or false, not 'maybe'; guessing",
        f"{p}:6: skipped question 'No back?': it has no answer",
    ]


def test_txt_without_anki_headers_is_not_anki(load: Load) -> None:
    result = load("notes.txt", "# Notes\n\nQ: What is X?\nA: Y.\n")
    assert result.format == "markdown"


def test_cli_check_and_quiz(tmp_path: Path) -> None:
    path = tmp_path / "deck.txt"
    path.write_text(
        "#separator:tab\n#html:true\nWhat is 2+2?\t4\nWhat is 3+3?\t6\nWhat is 4+4?\t8\n",
        encoding="utf-8",
    )
    check = bank_cli("check", str(path))
    assert check.returncode == 0, check.stdout
    assert f"{path}: anki (Anki text export) 'deck', 3 question(s)" in check.stdout
    quiz = bank_cli("quiz", str(path), "--json")
    assert quiz.returncode == 0, quiz.stderr
    questions = json.loads(quiz.stdout)["questions"]
    assert [q["prompt"] for q in questions] == ["What is 2+2?", "What is 3+3?", "What is 4+4?"]
    for q in questions:  # three one-word answers: too few to draw three wrong options from
        assert q["options"] is None
        assert [(i["kind"], i["key_points"]) for i in q["items"]] == [("recall", [q["answer"]])]


def test_an_unclosed_quote_is_an_error_the_notes_before_it_load(load: Load) -> None:
    doc = '#separator:tab\n#html:false\nFine?\tYes\n"Broken?\tno end\nLost?\tLost\n'
    result = load("open.txt", doc)
    assert result.bank is not None and [q.prompt for q in result.bank.questions] == ["Fine?"]
    assert result.errors == [
        f"{result.path}:4: a quoted cell opened on this line is never closed: lines 4-5 were "
        "not read (add the missing '\"')"
    ]
