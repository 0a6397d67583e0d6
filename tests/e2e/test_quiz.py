"""/quiz end to end: solo, group, typed answers, restarts, fair scoring."""

from __future__ import annotations

import asyncio
import re

from bot.db import quiz as store
from bot.db.answers import member_score
from bot.discord_glue.render import bank_text
from bot.items.model import CHOICE_KINDS
from bot.items.model import Kind as ItemKind
from bot.study.matching import Kind, judge
from emulator import Emulator, Member, Message
from tests.e2e.harness import BotHarness
from tests.e2e.quizhelp import item_of, question_of

ACRONYMS = "ml-acronyms"


async def play_solo(h: BotHarness, member: Member, message: Message, *, right: bool) -> Message:
    """Answer the question shown: pick an option, or for recall reveal the key points and grade
    oneself Good (all recalled) or Again (none)."""
    qq_id, _, item = await item_of(h, message)
    if item.is_choice:
        assert item.correct is not None and item.options is not None
        choice = item.correct if right else (item.correct + 1) % len(item.options)
        click = f"quiz:a:{qq_id}:{choice}"
        return await (await h.emu.click(message, click, member=member)).reply()
    assert item.kind is ItemKind.RECALL
    shown = await (await h.emu.click(message, f"quiz:r:{qq_id}", member=member)).reply()
    assert "Key points" in shown.text()
    if not right:
        return await (await h.emu.click(shown, f"quiz:g:{qq_id}:1:0", member=member)).reply()
    every = [str(n) for n in range(len(item.key_points))]
    ticked = await (await h.emu.select(shown, f"quiz:k:{qq_id}", every, member=member)).reply()
    assert f"You recalled {len(every)} of {len(every)} key points" in ticked.text()
    click = f"quiz:g:{qq_id}:3:{len(every)}"
    graded = await (await h.emu.click(ticked, click, member=member)).reply()
    assert f"report:quiz:{qq_id}" in graded.custom_ids()  # a recalled answer can be reported too
    return graded


def choice_questions(h: BotHarness) -> int:
    """How many questions of the default bank can be asked as multiple choice."""
    bank = h.banks.banks["generative-ai-interview-questions"]
    return sum(h.banks.askable(bank.key, q, CHOICE_KINDS) for q in bank.questions)


async def test_solo_quiz_played_to_the_end(harness: BotHarness, emu: Emulator) -> None:
    alice = harness.member("alice")
    first = await (
        await emu.slash("quiz", {"format": "choice", "questions": 3}, member=alice)
    ).reply()
    assert first.ephemeral and first.visible_to == alice.id
    assert first.embeds[0]["title"] == "Quiz · question 1 of 3"
    message = first
    for n, right in enumerate([True, False, True]):
        feedback = await play_solo(harness, alice, message, right=right)
        assert feedback.id == first.id  # the same private message is updated
        assert ("✅ Right!" if right else "❌ Not quite") in feedback.text()
        assert "Reference answer" in feedback.text()
        label = "See results" if n == 2 else "Next question"
        handle = await emu.click(feedback, feedback.button(label)["custom_id"], member=alice)
        message = await handle.reply()
    summary = message.text()
    assert "Quiz finished · 2/3 right" in summary
    assert "Score: **20 points**" in summary
    assert "Answer:" in summary  # the missed question with its answer
    assert message.button("Review what I missed") and len(message.custom_ids()) == 1
    assert emu.public(harness.channel) == []  # nobody else saw any of it


async def test_someone_elses_buttons_and_ended_quizzes_answer_politely(
    harness: BotHarness, emu: Emulator
) -> None:
    alice, bob = harness.member("alice"), harness.member("bob")
    message = await (
        await emu.slash("quiz", {"format": "choice", "questions": 1}, member=alice)
    ).reply()
    qq_id, _, correct = await question_of(harness, message)
    intruder = await (await emu.click(message, f"quiz:a:{qq_id}:{correct}", member=bob)).reply()
    assert "someone else's quiz" in intruder.text() and intruder.visible_to == bob.id
    other = await (
        await emu.slash("quiz", {"format": "choice", "questions": 1}, member=alice)
    ).reply()
    other_qq, _, other_correct = await question_of(harness, other)
    session = await store.quiz_question(harness.db, other_qq)
    assert session is not None
    await store.end_quiz(harness.db, session.session_id, "stopped", 0)  # e.g. ended elsewhere
    late = await (
        await emu.click(other, f"quiz:a:{other_qq}:{other_correct}", member=alice)
    ).reply()
    assert "This quiz has ended" in late.text()
    done = await play_solo(harness, alice, message, right=True)
    summary = await (
        await emu.click(done, done.button("See results")["custom_id"], member=alice)
    ).reply()
    assert "Quiz finished" in summary.text()


async def test_solo_quiz_survives_a_restart(harness: BotHarness, emu: Emulator) -> None:
    alice = harness.member("alice")
    message = await (
        await emu.slash("quiz", {"format": "choice", "questions": 2}, member=alice)
    ).reply()
    await harness.restart()
    feedback = await play_solo(harness, alice, message, right=True)
    assert "Right!" in feedback.text()
    nxt = await (
        await emu.click(feedback, feedback.button("Next question")["custom_id"], member=alice)
    ).reply()
    assert "question 2 of 2" in nxt.text()


async def test_a_late_solo_answer_does_not_score(harness: BotHarness, emu: Emulator) -> None:
    alice = harness.member("alice")
    message = await (
        await emu.slash("quiz", {"format": "choice", "questions": 1}, member=alice)
    ).reply()
    harness.clock.advance(seconds=61)
    feedback = await play_solo(harness, alice, message, right=True)
    assert "Time was up" in feedback.text()
    assert await member_score(harness.db, harness.guild.id, "quiz", "all", alice.id) is not None
    score = await member_score(harness.db, harness.guild.id, "quiz", "all", alice.id)
    assert score is not None and score.points == 0


async def test_group_quiz_with_three_members_at_different_speeds(
    harness: BotHarness, emu: Emulator
) -> None:
    host = harness.member("host")
    fast, medium, slow = harness.member("fast"), harness.member("medium"), harness.member("slow")
    start = await (await emu.slash("quiz", {"questions": 2, "mode": "group"}, member=host)).reply()
    assert not start.ephemeral and "started a group quiz" in start.text()
    for round_ in range(2):
        question = await emu.wait_until(
            lambda r=round_: [
                m for m in emu.public(harness.channel) if f"question {r + 1} of 2" in m.text()
            ]
        )
        message = question[0]
        qq_id, _, correct = await question_of(harness, message)
        right = f"quiz:a:{qq_id}:{correct}"
        wrong = f"quiz:a:{qq_id}:{(correct + 1) % len(message.custom_ids()[:-1])}"
        harness.clock.advance(seconds=3)
        locked = await (await emu.click(message, right, member=fast)).reply()
        assert "Answer locked in" in locked.text() and locked.ephemeral
        harness.clock.advance(seconds=9)
        await (await emu.click(message, right, member=medium)).reply()
        harness.clock.advance(seconds=12)
        await (await emu.click(message, wrong if round_ == 0 else right, member=slow)).reply()
        again = await (await emu.click(message, wrong, member=fast)).reply()
        assert "already answered" in again.text()
        harness.clock.advance(seconds=7)  # past the 30 s timer
        asked = message.id
        result = await emu.wait_until(
            lambda asked=asked: [
                m
                for m in emu.public(harness.channel)
                if m.text().startswith("Time's up!") and m.id > asked
            ]
        )
        text = result[0].text()
        assert f"<@{fast.id}> +19" in text and f"<@{medium.id}> +16" in text
        closed = [
            b for b in message.components[0]["components"] if b["custom_id"].startswith("quiz:a:")
        ]
        assert all(b["disabled"] for b in closed)
        assert [b["style"] for b in closed].count(3) == 1  # the right answer shown in green
    final = await emu.wait_until(
        lambda: [m for m in emu.public(harness.channel) if "Group quiz · results" in m.text()]
    )
    table = final[0].text().splitlines()
    ranking = [line for line in table if line.startswith("**")]
    assert ranking[0].startswith(f"**1.** <@{fast.id}> · 38 points (2/2 right)")
    assert ranking[1].startswith(f"**2.** <@{medium.id}> · 32 points")
    assert ranking[2].startswith(f"**3.** <@{slow.id}> · 12 points (1/2 right)")
    assert await store.running_group_quiz(harness.db, harness.channel.id) is None


async def test_one_group_quiz_per_channel_and_who_may_stop_it(
    harness: BotHarness, emu: Emulator
) -> None:
    host, other = harness.member("host"), harness.member("other")
    await (await emu.slash("quiz", {"questions": 3, "mode": "group"}, member=host)).reply()
    busy = await (await emu.slash("quiz", {"mode": "group"}, member=other)).reply()
    assert "already running in this channel" in busy.text()
    (question,) = await emu.wait_until(
        lambda: [m for m in emu.public(harness.channel) if "question 1 of 3" in m.text()]
    )
    stop_id = question.button("Stop quiz")["custom_id"]
    refused = await (await emu.click(question, stop_id, member=other)).reply()
    assert "Only the member who started the quiz" in refused.text()
    stopped = await (await emu.click(question, stop_id, member=host)).reply()
    assert "Quiz stopped" in stopped.text()
    await emu.wait_until(
        lambda: [m for m in emu.public(harness.channel) if "Group quiz stopped" in m.text()]
    )


async def test_group_quiz_survives_a_restart(harness: BotHarness, emu: Emulator) -> None:
    host = harness.member("host")
    await (await emu.slash("quiz", {"questions": 2, "mode": "group"}, member=host)).reply()
    (question,) = await emu.wait_until(
        lambda: [m for m in emu.public(harness.channel) if "question 1 of 2" in m.text()]
    )
    qq_id, _, correct = await question_of(harness, question)
    await (await emu.click(question, f"quiz:a:{qq_id}:{correct}", member=host)).reply()
    await harness.restart()
    await asyncio.sleep(0.1)
    harness.clock.advance(seconds=31)
    await emu.wait_until(
        lambda: [m for m in emu.public(harness.channel) if "question 2 of 2" in m.text()]
    )
    harness.clock.advance(seconds=31)
    final = await emu.wait_until(
        lambda: [m for m in emu.public(harness.channel) if "Group quiz · results" in m.text()]
    )
    assert f"<@{host.id}>" in final[0].text()


def near_miss_spelling(answer: str) -> str:
    """The answer in lower case with a letter left out of its longest word; a word of 4 letters
    or fewer (Adam, ReLU) has no typo forgiven, so such an answer is only shouted."""
    longest = max(re.findall(r"[^\W\d_]+", answer), key=len)
    if len(longest) < 5:
        return f"{answer.upper()}!"
    return answer.lower().replace(longest.lower(), longest.lower()[0] + longest.lower()[2:], 1)


async def test_typed_answers_with_near_miss_spellings(harness: BotHarness, emu: Emulator) -> None:
    alice = harness.member("alice")
    first = await (
        await emu.slash("quiz", {"questions": 3, "bank": ACRONYMS}, member=alice)
    ).reply()
    message = first
    results = []
    for n in range(3):
        qq_id, question, correct = await question_of(harness, message)
        assert correct is None  # a trivia list is typed by default
        typo = near_miss_spelling(question.aliases[0]) if n < 2 else "the wrong thing entirely"
        opened = await emu.click(message, f"quiz:t:{qq_id}", member=alice)
        submitted = await emu.submit_modal(opened, {"answer": typo})
        feedback = await submitted.reply()
        results.append("Right!" in feedback.text())
        label = "See results" if n == 2 else "Next question"
        message = await (
            await emu.click(feedback, feedback.button(label)["custom_id"], member=alice)
        ).reply()
    assert results == [True, True, False]
    assert "2/3 right" in message.text()


async def test_a_typed_near_miss_is_told_what_it_was_close_to(
    harness: BotHarness, emu: Emulator
) -> None:
    alice = harness.member("alice")
    message = await (
        await emu.slash("quiz", {"questions": 1, "bank": ACRONYMS}, member=alice)
    ).reply()
    qq_id, question, _ = await question_of(harness, message)
    # a sibling the bank refuses (GELU for ReLU), else the answer with its last word changed
    *head, _ = question.answer.split()
    near = question.rejects[0] if question.rejects else " ".join([*head, "Banana"])
    verdict = judge(near, question.aliases, question.rejects, question.prompt)
    assert verdict.kind is Kind.CLOSE, near
    opened = await emu.click(message, f"quiz:t:{qq_id}", member=alice)
    feedback = await (await emu.submit_modal(opened, {"answer": near})).reply()
    text = feedback.text()
    assert "❌ Not quite" in text
    assert f"Close, not accepted: did you mean {verdict.suggestion}?" in text
    assert f"The answer is **{bank_text(question.answer, inline=True)}**" in text


async def test_replaying_a_quiz_does_not_farm_points(harness: BotHarness, emu: Emulator) -> None:
    alice = harness.member("alice")
    count = choice_questions(harness)
    options = {"questions": count, "format": "choice"}
    for attempt in range(2):
        message = await (await emu.slash("quiz", options, member=alice)).reply()
        for n in range(count):
            feedback = await play_solo(harness, alice, message, right=True)
            if attempt == 1 and n == 0:
                assert "none on the leaderboard" in feedback.text()
            label = "See results" if n == count - 1 else "Next question"
            message = await (
                await emu.click(feedback, feedback.button(label)["custom_id"], member=alice)
            ).reply()
        # the quiz itself still counts them
        assert f"Score: **{10 * count} points**" in message.text()
    score = await member_score(harness.db, harness.guild.id, "quiz", "all", alice.id)
    assert score is not None and (score.points, score.answered) == (10 * count, 2 * count)
    # a new week is a new period for the weekly board, not for the all-time one
    harness.clock.advance(days=7)
    message = await (
        await emu.slash("quiz", {"format": "choice", "questions": 1}, member=alice)
    ).reply()
    await play_solo(harness, alice, message, right=True)
    score = await member_score(harness.db, harness.guild.id, "quiz", "all", alice.id)
    assert score is not None and score.points == 10 * count


async def test_twenty_questions_with_the_longest_answers_fit_discord(
    harness: BotHarness, emu: Emulator
) -> None:
    alice = harness.member("a" * 32, global_name="A very long display name indeed!")
    message = await (await emu.slash("quiz", {"questions": 20}, member=alice)).reply()
    assert "question 1 of 17" in message.text()  # the seed has 17: all of them, once each
    for n in range(17):
        feedback = await play_solo(harness, alice, message, right=n % 2 == 0)
        label = "See results" if n == 16 else "Next question"
        message = await (
            await emu.click(feedback, feedback.button(label)["custom_id"], member=alice)
        ).reply()
    # the questions asked as recall are self-graded, the others judged
    judged = choice_questions(harness)
    assert f"/{judged} right · {17 - judged} self-graded" in message.text()
    assert emu.violations == []


async def test_quiz_filters(harness: BotHarness, emu: Emulator) -> None:
    alice = harness.member("alice")
    msg = await (
        await emu.slash("quiz", {"topic": "Model Evaluation", "questions": 5}, member=alice)
    ).reply()
    assert "question 1 of 2" in msg.text()
    none = await (await emu.slash("quiz", {"topic": "Cooking"}, member=alice)).reply()
    assert "has no question with topic 'Cooking'" in none.text()
    hard = await (
        await emu.slash("quiz", {"difficulty": "hard", "questions": 10}, member=alice)
    ).reply()
    assert "question 1 of 4" in hard.text()
    topics = await emu.autocomplete("quiz", {"topic": "eval"}, "topic", member=alice)
    assert [t["value"] for t in topics] == ["Model Evaluation"]
