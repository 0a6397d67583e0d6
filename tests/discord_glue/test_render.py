"""What bank text may do in an embed: formatting kept, links, spoilers and layout neutralised."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pytest

from bot.bank.model import Question
from bot.discord_glue.render import (
    MAX_DESCRIPTION,
    MAX_FIELD,
    MAX_MESSAGE_EMBEDS,
    PostView,
    answer_embeds,
    bank_text,
    feedback_embeds,
    qotd_embed,
    quiz_question_embed,
    quiz_summary_embed,
    recall_embed,
    reveal_embeds,
)
from bot.items.model import Item, Kind

EVIL = "https://evil.example/steal"


def test_kept_formatting_passes_unchanged() -> None:
    answer = (
        "**Bold**, *italic*, __underline__, ~~struck~~ and `inline code`:\n"
        "- a list item\n1. a numbered one\n\n```python\nx = [1, 2]  # a comment\n```"
    )
    assert bank_text(answer) == answer


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (f"read [the docs]({EVIL}) first", f"read the docs ({EVIL}) first"),
        (f"[docs](<{EVIL}>)", f"docs ({EVIL})"),
        (f'[docs]({EVIL} "a title")', f"docs ({EVIL})"),
        (f"[[docs]]({EVIL})", f"[[docs]]\\({EVIL})"),  # not read as a link: still not one
        ("||the answer|| is hidden", "\\|\\|the answer\\|\\| is hidden"),
        ("# Heading\n## Two\n-# subtext", "\\# Heading\n\\## Two\n\\-# subtext"),
        (">>> quotes the rest\n> a quote", "\\>>> quotes the rest\n\\> a quote"),
        ("  # indented heading", "  \\# indented heading"),
    ],
)
def test_links_spoilers_and_line_markup_are_neutralised(text: str, shown: str) -> None:
    assert bank_text(text) == shown


def test_code_keeps_what_it_contains() -> None:
    code = f"`[x]({EVIL})` and `a || b`\n```\n# not a heading [x]({EVIL}) ||y||\n```"
    assert bank_text(code) == code


def test_a_code_block_left_open_is_closed_where_the_text_ends() -> None:
    assert bank_text("Look:\n```python\nx = 1\n") == "Look:\n```python\nx = 1\n```"
    assert bank_text("one ``` two ``` three ```") == "one ``` two ``` three ```\n```"


def test_inline_text_shows_every_character_as_written() -> None:
    shown = bank_text(f"Is **this** a ||spoiler|| or ```code``` or [link]({EVIL})?", inline=True)
    assert shown == (
        f"Is \\*\\*this\\*\\* a \\|\\|spoiler\\|\\| or \\`\\`\\`code\\`\\`\\` or link ({EVIL})?"
    )
    assert bank_text("two\nlines", inline=True) == "two lines"


def test_hostile_text_is_read_in_linear_time() -> None:
    started = time.perf_counter()
    for hostile in ("[" * 50_000, "[a](" * 20_000, "](" * 50_000, "|" * 100_000, "`" * 99_999):
        bank_text(hostile)
        bank_text(hostile, inline=True)
    assert time.perf_counter() - started < 5  # measured: about 0.1 s


HOSTILE_PROMPT = f"Which [answer]({EVIL}) is right ||here||?```"
HOSTILE_ANSWER = (
    f"# Answer\n>>> everything below is quoted\nSee [this]({EVIL}).\n||spoiler\n```\nunclosed"
)


def hostile_question(**kw: object) -> Question:
    values: dict[str, object] = {
        "id": "q1",
        "prompt": HOSTILE_PROMPT,
        "answer": HOSTILE_ANSWER,
        "source": "x.md:1",
        "alternatives": (f"Or [that]({EVIL}) ```",),
    }
    values.update(kw)
    return Question(**values)  # type: ignore[arg-type]


def assert_neutral(text: str) -> None:
    assert f"]({EVIL}" not in text  # no masked link
    assert EVIL in text  # the address is visible
    assert "||" not in text.replace("\\|\\|", "")  # no spoiler bar
    assert text.count("```") % 2 == 0  # no code block left open
    assert not any(line.startswith(("#", ">")) for line in text.splitlines())


def test_every_embed_with_bank_text_is_neutralised() -> None:
    q = hostile_question()
    mc = Item(Kind.CHOICE, q.id, q.prompt, (f"[one]({EVIL})", "||two||", "```three", "# four"), 0)
    at = datetime(2026, 12, 1, 9, tzinfo=UTC)
    post = qotd_embed(PostView(q, mc, date(2026, 12, 1), at, answered=0))
    assert post.description is not None
    assert_neutral(post.description)
    assert "\\# four" in post.description
    quiz = quiz_question_embed(q, mc, position=0, total=1, deadline=at, group=True)
    assert quiz.description is not None
    assert_neutral(quiz.description)
    for embed in reveal_embeds(q, mc, date(2026, 12, 1), answered=1, right=1, first_right=None):
        assert embed.description is not None
        assert_neutral(embed.description)
    summary = quiz_summary_embed(
        right=0, total=1, points=0, seconds=3, missed=[(q, "the answer")], stopped=False
    )
    assert f"]({EVIL}" not in summary.fields[0].name  # type: ignore[operator]
    recall = Item(Kind.RECALL, q.id, q.prompt, key_points=(f"[one]({EVIL})", "||two||"))
    assert_neutral(recall_embed(q, recall).description or "")
    assert_neutral(recall_embed(q, recall, ticked=1).description or "")
    which = Item(
        Kind.WHICH_ONE, q.id, f"||desc|| [x]({EVIL})", ("# a", "b"), 0, explains=("||e||", "# f")
    )
    for embed in feedback_embeds(q, which, 1, points=0, streak=None):
        assert_neutral(embed.description or "")


def test_a_wrong_pick_says_what_it_describes_and_the_right_answer_unmasked() -> None:
    q = Question(id="q", prompt="Which challenge is this?", answer="Mode collapse: ...", source="s")
    which = Item(
        Kind.WHICH_ONE,
        "q",
        "The model keeps producing a narrow variety of outputs.",
        ("Bias", "Mode collapse"),
        1,
        explains=("Models amplify biases in their data.", "A narrow variety of outputs."),
        answer="Mode collapse",
    )
    text = feedback_embeds(q, which, 0, points=0, streak=None)[0].description or ""
    assert "You chose **A.** Bias" in text
    assert "Option **A** is something else: Models amplify biases in their data." in text
    assert "The answer is **B.** Mode collapse" in text
    summary = Item(
        Kind.SUMMARY,
        "q",
        "What is X?",
        ("Captures ___ in a compressed form.", "Creates new content."),
        0,
        explains=("the answer to this question", "the answer to: What is generative AI?"),
        answer="Captures the essential features in a compressed form.",
    )
    text = feedback_embeds(q, summary, 1, points=0, streak=None)[0].description or ""
    assert "Option **B** is the answer to: What is generative AI?" in text
    assert "The answer is **A.** Captures the essential features in a compressed form." in text
    assert "___" not in text.split("Reference answer")[0]


def test_escaping_keeps_embeds_within_discord_limits() -> None:
    long_answer = ("||x|| [a](b) " * 2000)[:3990]
    q = hostile_question(prompt="[a](b) ||x|| " * 80, answer=long_answer, alternatives=())
    embeds = answer_embeds(q, title="t", colour=None, lead="lead")  # type: ignore[arg-type]
    assert all(len(e.description or "") <= MAX_DESCRIPTION for e in embeds)
    assert sum(len(e.description or "") + len(e.title or "") for e in embeds) <= 6000
    summary = quiz_summary_embed(
        right=0, total=1, points=0, seconds=3, missed=[(q, "x")], stopped=False
    )
    assert len(summary.fields[0].name or "") <= 256
    assert len(summary.fields[0].value or "") <= MAX_FIELD


def test_only_what_a_message_can_show_is_read() -> None:
    huge = "||x|| " * 1_000_000
    started = time.perf_counter()
    shown = bank_text(huge)
    assert len(shown) <= 2 * MAX_MESSAGE_EMBEDS and shown.startswith("\\|\\|x\\|\\| ")
    embeds = answer_embeds(hostile_question(answer=huge), title="t", colour=None, lead="l")  # type: ignore[arg-type]
    assert len(embeds[0].description or "") <= MAX_DESCRIPTION
    assert time.perf_counter() - started < 1  # measured: a few milliseconds


def test_the_body_is_shown_under_the_prompt_within_limits() -> None:
    code = "```javascript\nconsole.log(name);\n```"
    q = Question(id="q", prompt="What's the output?", answer="x", source="s", body=code)
    mc = Item(Kind.CHOICE, q.id, q.prompt, ("Lydia", "undefined"), 1)
    at = datetime(2026, 12, 1, 9, tzinfo=UTC)
    post = qotd_embed(PostView(q, mc, date(2026, 12, 1), at, answered=0))
    assert post.description is not None
    assert post.description.startswith(f"**What's the output?**\n\n{code}\n\n")
    quiz = quiz_question_embed(q, mc, position=0, total=1, deadline=at, group=False)
    assert quiz.description is not None and code in quiz.description
    long = Question(
        id="l", prompt="What's the output?", answer="x", source="s", body="[a](b) x\n" * 2000
    )
    post = qotd_embed(PostView(long, mc, date(2026, 12, 1), at, answered=0))
    assert post.description is not None and len(post.description) <= MAX_DESCRIPTION
    assert "Answer with the buttons below" in post.description
    assert "](b" not in post.description
    recall = Item(Kind.RECALL, "l", long.prompt, key_points=("x",))
    post = qotd_embed(PostView(long, recall, date(2026, 12, 1), at, answered=0))
    assert post.description is not None and len(post.description) <= MAX_DESCRIPTION
    assert "press **Answer privately**" in post.description
