"""A hostile bank's text arrives neutralised: no hidden links, spoilers, headings or open code."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.items.library import BankLibrary
from emulator import Emulator, Message
from tests.e2e.harness import BotHarness
from tests.e2e.quizhelp import question_of
from tests.e2e.test_qotd import NINE, posts, setup_qotd

EVIL = "https://evil.example/steal"
TOPIC = f"[Topic]({EVIL}) ||t|| " + "long " * 600  # 3,000 characters: more than a field holds

HOSTILE_BANK = f"""\
name: Hostile
questions:
  - prompt: "Which [safe link]({EVIL}) is ||hidden||? ```"
    topic: "{TOPIC}"
    choices:
      - "[Click me]({EVIL})"
      - "||spoiler||"
      - "```open"
      - "# Shout"
    correct: 0
    answer: |
      # A heading that shouts
      >>> this would quote everything below
      Read [the official docs]({EVIL}) for more.
      ||the rest is hidden
      ```
      the code block is never closed
  - prompt: "Second: [another]({EVIL}) ||question||?"
    topic: "{TOPIC}"
    choices: ["[one]({EVIL})", "||two||"]
    correct: 1
    answer: "Also [here]({EVIL}) and ||there||. ```"
"""


def assert_neutral(text: str) -> None:
    """What a member sees: the address in the open, nothing hidden, no layout taken over."""
    assert f"]({EVIL}" not in text, text  # no masked link hides the address
    assert EVIL in text
    assert "||" not in text.replace("\\|\\|", ""), text  # every spoiler bar is escaped
    assert text.count("```") % 2 == 0, text  # no code block swallows what follows
    assert not any(line.startswith(("#", ">", "-#")) for line in text.splitlines()), text


def assert_message_neutral(message: Message) -> None:
    assert message.embeds
    for embed in message.embeds:
        texts = [embed.get("description") or ""] + [
            f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])
        ]
        for text in texts:
            if EVIL in text or "|" in text:
                assert_neutral(text)


@pytest.fixture
async def hostile(emu: Emulator, tmp_path: Path) -> AsyncIterator[BotHarness]:
    banks = tmp_path / "banks"
    banks.mkdir()
    (banks / "hostile.yaml").write_text(HOSTILE_BANK, encoding="utf-8")
    h = BotHarness(emu, tmp_path)
    h.banks = BankLibrary.load([banks])
    assert h.banks.results[0].errors == []
    await h.start()
    yield h
    h.assert_alive()
    await h.stop()


async def test_qotd_post_feedback_and_reveal_arrive_neutralised(
    hostile: BotHarness, emu: Emulator
) -> None:
    admin = hostile.member("ada", admin=True)
    await setup_qotd(hostile, admin, bank="hostile", reveal_after=2)
    await hostile.tick(NINE)
    (post,) = posts(hostile)
    description = post.embeds[0]["description"]
    assert_neutral(description)
    # which of the two questions comes first follows the channel's shuffle
    assert (f"safe link ({EVIL})" in description and "\\|\\|hidden\\|\\|" in description) or (
        f"another ({EVIL})" in description and "\\|\\|question\\|\\|" in description
    ), description
    assert f"Click me ({EVIL})" in description or f"one ({EVIL})" in description

    member = hostile.member("bea")
    choice = next(c for c in post.custom_ids() if c.startswith("qotd:"))
    feedback = await (await emu.click(post, choice, member=member)).reply()
    assert "Reference answer" in feedback.text()
    assert_message_neutral(feedback)

    await hostile.tick(NINE + timedelta(hours=2))
    (reveal,) = [m for m in emu.public(hostile.channel) if "Answer ·" in m.text()]
    assert_message_neutral(reveal)


async def test_quiz_question_feedback_and_summary_arrive_neutralised(
    hostile: BotHarness, emu: Emulator
) -> None:
    alice = hostile.member("alice")
    first = await (
        await emu.slash("quiz", {"questions": 2, "bank": "hostile"}, member=alice)
    ).reply()
    assert_neutral(first.embeds[0]["description"])
    message = first
    for n in range(2):
        qq_id, _, correct = await question_of(hostile, message)
        assert correct is not None
        feedback = await (
            await emu.click(message, f"quiz:a:{qq_id}:{(correct + 1) % 2}", member=alice)
        ).reply()
        assert "Reference answer" in feedback.text()
        assert_message_neutral(feedback)
        label = "See results" if n == 1 else "Next question"
        message = await (
            await emu.click(feedback, feedback.button(label)["custom_id"], member=alice)
        ).reply()
        if n == 0:
            assert_neutral(message.embeds[0]["description"])
    assert "Quiz finished · 0/2 right" in message.text()
    assert_message_neutral(message)
    assert any(EVIL in f["name"] for f in message.embeds[0]["fields"])

    stats = await (await emu.slash("stats", member=alice)).reply()  # prompts and topics
    assert "Last answers" in stats.text() and "Topics" in stats.text()
    assert_message_neutral(stats)
