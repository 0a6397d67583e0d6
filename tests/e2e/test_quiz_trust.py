"""/quiz against forged input and misbehaving servers: every button, modal and option is checked
on the bot's side, and one server's trouble never sticks a quiz or reaches another server."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
import yaml

from bot.bank.loader import BUNDLED_BANKS
from bot.bank.model import Bank
from bot.db import quiz as store
from bot.items.library import BankLibrary
from bot.study.quiz import MAX_SOLO_QUIZZES
from emulator import Channel, Emulator, Member, Message
from emulator.state import EMBED_LINKS, SEND_MESSAGES
from tests.e2e.harness import BotHarness
from tests.e2e.quizhelp import question_of

HUGE = "9" * 27


async def group_question(h: BotHarness, text: str) -> Message:
    found = await h.emu.wait_until(lambda: [m for m in h.emu.public(h.channel) if text in m.text()])
    message: Message = found[0]
    return message


async def other_server_admin(emu: Emulator) -> tuple[Member, Channel]:
    other = emu.add_guild("Other Server")
    await emu.join_guild(other)
    return emu.add_member(other, "mallory", admin=True), emu.text_channel(other)


async def test_forged_buttons_and_modal_from_another_server_are_refused(
    harness: BotHarness, emu: Emulator
) -> None:
    host = harness.member("host")
    await (await emu.slash("quiz", {"questions": 2, "mode": "group"}, member=host)).reply()
    question = await group_question(harness, "question 1 of 2")
    qq_id, _, correct = await question_of(harness, question)
    session = await store.running_group_quiz(harness.db, harness.channel.id)
    assert session is not None
    mallory, channel = await other_server_admin(emu)

    stop = await (await emu.forge_click(channel, f"quiz:s:{session.id}", member=mallory)).reply()
    assert "not from this server" in stop.text() and stop.visible_to == mallory.id
    answer = await (
        await emu.forge_click(channel, f"quiz:a:{qq_id}:{correct}", member=mallory)
    ).reply()
    assert "not from this server" in answer.text()
    typed = await (
        await emu.forge_modal(channel, f"quiz:m:{qq_id}", {"answer": "x"}, member=mallory)
    ).reply()
    assert "not from this server" in typed.text()

    fresh = await store.get_quiz(harness.db, session.id)
    assert fresh is not None and fresh.state == "running"
    assert await store.question_answers(harness.db, qq_id) == []


async def test_a_solo_quiz_answers_only_to_its_owner_on_its_server(
    harness: BotHarness, emu: Emulator
) -> None:
    alice = harness.member("alice")
    message = await (
        await emu.slash("quiz", {"format": "choice", "questions": 2}, member=alice)
    ).reply()
    qq_id, _, correct = await question_of(harness, message)
    qq = await store.quiz_question(harness.db, qq_id)
    assert qq is not None
    mallory, channel = await other_server_admin(emu)
    for custom_id in (f"quiz:a:{qq_id}:{correct}", f"quiz:n:{qq.session_id}"):
        refused = await (await emu.forge_click(channel, custom_id, member=mallory)).reply()
        assert "not from this server" in refused.text()
    bob = harness.member("bob")
    typed = await (
        await emu.forge_modal(harness.channel, f"quiz:m:{qq_id}", {"answer": "x"}, member=bob)
    ).reply()
    assert "someone else's quiz" in typed.text()
    assert await store.question_answers(harness.db, qq_id) == []


@pytest.mark.parametrize(
    "custom_id",
    [
        "quiz:a:{qq}:99",
        "quiz:a:{qq}:25",
        f"quiz:a:{HUGE}:0",
        f"quiz:t:{HUGE}",
        f"quiz:n:{HUGE}",
        f"quiz:s:{HUGE}",
        "quiz:n:0",
    ],
)
async def test_out_of_range_button_ids_are_refused_plainly(
    harness: BotHarness, emu: Emulator, caplog: pytest.LogCaptureFixture, custom_id: str
) -> None:
    alice = harness.member("alice")
    message = await (
        await emu.slash("quiz", {"format": "choice", "questions": 1}, member=alice)
    ).reply()
    qq_id, _, _ = await question_of(harness, message)
    caplog.set_level(logging.WARNING)
    handle = await emu.forge_click(
        harness.channel, custom_id.format(qq=qq_id), member=alice, message=message
    )
    refused = await handle.reply()
    assert "This button is not valid" in refused.text() and refused.visible_to == alice.id
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize("custom_id", [f"quiz:m:{HUGE}", "quiz:m:0", "quiz:m:12x"])
async def test_out_of_range_modal_ids_are_refused_plainly(
    harness: BotHarness, emu: Emulator, caplog: pytest.LogCaptureFixture, custom_id: str
) -> None:
    alice = harness.member("alice")
    caplog.set_level(logging.WARNING)
    handle = await emu.forge_modal(harness.channel, custom_id, {"answer": "x"}, member=alice)
    refused = await handle.reply()
    assert "This answer form is not valid" in refused.text()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


@pytest.mark.parametrize("count", [0, -3, 21, 10**12])
async def test_question_counts_out_of_range_are_refused(
    harness: BotHarness, emu: Emulator, count: int
) -> None:
    (quiz,) = [c for c in emu.global_commands if c["name"] == "quiz"]
    (option,) = [o for o in quiz["options"] if o["name"] == "questions"]
    assert (option["min_value"], option["max_value"]) == (1, 20)
    alice = harness.member("alice")
    refused = await (await emu.slash("quiz", {"questions": count}, member=alice)).reply()
    assert "Choose between 1 and 20 questions." in refused.text()
    assert await store.running_quizzes(harness.db) == []


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"mode": "everyone"}, "There is no quiz mode 'everyone'"),
        ({"difficulty": "extreme"}, "There is no difficulty 'extreme'"),
    ],
)
async def test_unknown_choices_are_refused_plainly(
    harness: BotHarness, emu: Emulator, options: dict[str, str], expected: str
) -> None:
    alice = harness.member("alice")
    refused = await (await emu.slash("quiz", options, member=alice)).reply()
    assert expected in refused.text()
    assert await store.running_quizzes(harness.db) == []


@pytest.mark.parametrize("option", ["topic", "bank", "mode", "difficulty"])
async def test_huge_option_strings_still_get_a_reply_that_fits(
    harness: BotHarness, emu: Emulator, option: str
) -> None:
    alice = harness.member("alice")
    value = "x" * 2990 + "TAIL"
    refused = await (await emu.slash("quiz", {option: value}, member=alice)).reply()
    assert refused.visible_to == alice.id
    assert len(refused.content) <= 2000 and "TAIL" not in refused.text()
    assert refused.text().startswith(("There is no", "**"))
    assert emu.violations == []


def wide_bank(folder: Path) -> Path:
    """A bank whose first question has 25 choices (the most a message can show, with no room
    for a Stop button) and whose others have 3."""
    folder.mkdir(parents=True, exist_ok=True)
    wide = [f"option {n}" for n in range(25)]
    questions = [{"prompt": "Pick option 7 of many.", "choices": wide, "correct": "option 7"}]
    questions += [
        {"prompt": f"Which is number {n}?", "choices": [str(n), "x", "y"], "correct": str(n)}
        for n in range(4)
    ]
    (folder / "wide.yaml").write_text(
        yaml.safe_dump({"name": "Wide", "questions": questions}), encoding="utf-8"
    )
    return folder


async def use_banks(h: BotHarness, *folders: Path) -> None:
    h.banks = BankLibrary.load([BUNDLED_BANKS, *folders])
    await h.restart()


async def test_a_group_quiz_never_asks_a_question_with_more_choices_than_fit(
    harness: BotHarness, emu: Emulator, tmp_path: Path
) -> None:
    await use_banks(harness, wide_bank(tmp_path / "banks"))
    host = harness.member("host")
    start = await (
        await emu.slash("quiz", {"questions": 5, "mode": "group", "bank": "wide"}, member=host)
    ).reply()
    assert "4 question(s)" in start.text()  # the 25-choice question cannot be shown with Stop
    await group_question(harness, "question 1 of 4")
    session = await store.running_group_quiz(harness.db, harness.channel.id)
    assert session is not None
    asked = [q.question_id for q in await store.quiz_questions(harness.db, session.id)]
    wide = harness.banks.banks["wide"].questions[0]
    assert wide.choices is not None and len(wide.choices) == 25 and wide.id not in asked
    # alone, the same question fits: 25 buttons and no Stop button
    solo = await (
        await emu.slash("quiz", {"questions": 5, "bank": "wide"}, member=harness.member("solo"))
    ).reply()
    assert "question 1 of 5" in solo.text()


async def test_a_bank_name_too_long_for_a_message_still_starts_the_quiz(
    harness: BotHarness, emu: Emulator
) -> None:
    bank = harness.banks.choose(harness.guild.id, None)  # the bank /quiz uses by default
    assert bank is not None
    key = bank.key
    harness.banks.banks[key] = Bank(bank.key, "N" * 2500, list(bank.questions))
    host = harness.member("host")
    start = await (await emu.slash("quiz", {"questions": 1, "mode": "group"}, member=host)).reply()
    assert "started a group quiz" in start.text() and len(start.content) <= 2000
    await group_question(harness, "question 1 of 1")
    assert emu.violations == []


async def test_a_group_quiz_whose_start_reply_fails_is_called_off(
    harness: BotHarness, emu: Emulator
) -> None:
    host = harness.member("host")
    emu.fail_next("POST", r"^/interactions/\d+/[^/]+/callback", 404)
    await (await emu.slash("quiz", {"questions": 2, "mode": "group"}, member=host)).acked()
    await emu.wait_until(lambda: not harness.quiz.runners)
    assert await store.running_quizzes(harness.db) == []
    again = await (await emu.slash("quiz", {"questions": 1, "mode": "group"}, member=host)).reply()
    assert "started a group quiz" in again.text()


async def test_a_group_quiz_whose_question_discord_refuses_ends_cleanly(
    harness: BotHarness, emu: Emulator
) -> None:
    host = harness.member("host")
    # a 503 is what discord.py raises after its whole retry budget of 500s (about 25 s)
    emu.fail_next("POST", rf"^/channels/{harness.channel.id}/messages$", 503)
    start = await (await emu.slash("quiz", {"questions": 2, "mode": "group"}, member=host)).reply()
    assert "started a group quiz" in start.text()
    (ended,) = await group_question_any(harness, "This group quiz stopped")
    assert "Discord" in ended.text()
    assert await store.running_quizzes(harness.db) == []
    await harness.restart()
    await asyncio.sleep(0.2)
    assert not [m for m in emu.public(harness.channel) if "question 1 of 2" in m.text()]
    again = await (await emu.slash("quiz", {"questions": 1, "mode": "group"}, member=host)).reply()
    assert "started a group quiz" in again.text()


async def test_a_group_quiz_whose_bank_is_gone_after_a_restart_ends_cleanly(
    harness: BotHarness, emu: Emulator, tmp_path: Path
) -> None:
    await use_banks(harness, wide_bank(tmp_path / "banks"))
    host = harness.member("host")
    await (
        await emu.slash("quiz", {"questions": 2, "mode": "group", "bank": "wide"}, member=host)
    ).reply()
    await group_question(harness, "question 1 of 2")
    await use_banks(harness)  # the operator removed the bank
    harness.clock.advance(seconds=31)
    (ended,) = await group_question_any(harness, "This group quiz stopped")
    assert "no longer loaded" in ended.text()
    assert await store.running_quizzes(harness.db) == []


async def test_a_solo_quiz_whose_bank_is_gone_ends_with_a_message(
    harness: BotHarness, emu: Emulator, tmp_path: Path
) -> None:
    await use_banks(harness, wide_bank(tmp_path / "banks"))
    alice = harness.member("alice")
    message = await (
        await emu.slash("quiz", {"questions": 2, "bank": "wide"}, member=alice)
    ).reply()
    qq_id, _, correct = await question_of(harness, message)
    feedback = await (await emu.click(message, f"quiz:a:{qq_id}:{correct}", member=alice)).reply()
    await use_banks(harness)
    nxt = await (
        await emu.click(feedback, feedback.button("Next question")["custom_id"], member=alice)
    ).reply()
    assert "no longer loaded" in nxt.text()
    assert await store.running_quizzes(harness.db) == []


async def group_question_any(h: BotHarness, text: str) -> list[Message]:
    found: list[Message] = await h.emu.wait_until(
        lambda: [m for m in h.emu.public(h.channel) if text in m.text()]
    )
    return found


@pytest.mark.parametrize("history", ["readable", "unreadable"])
async def test_a_group_question_sent_but_not_recorded_before_a_crash_is_not_posted_twice(
    harness: BotHarness, emu: Emulator, monkeypatch: pytest.MonkeyPatch, history: str
) -> None:
    sent = asyncio.Event()

    async def crash_before_recording(*args: object) -> None:
        sent.set()
        await asyncio.Event().wait()  # the process dies here: the message id is never stored

    monkeypatch.setattr(store, "set_question_message", crash_before_recording)
    host = harness.member("host")
    await (await emu.slash("quiz", {"questions": 2, "mode": "group"}, member=host)).reply()
    await asyncio.wait_for(sent.wait(), 5)
    (first,) = await group_question_any(harness, "question 1 of 2")
    await harness.stop()
    monkeypatch.undo()
    if history == "unreadable":  # the question is sent again with its nonce: Discord dedupes
        emu.fail_next("GET", rf"^/channels/{harness.channel.id}/messages$", 403)
    await harness.start()
    await asyncio.sleep(0.3)  # the resumed quiz looks for its question instead of asking again
    assert len([m for m in emu.public(harness.channel) if "question 1 of 2" in m.text()]) == 1
    qq_id, _, correct = await question_of(harness, first)
    sends = [
        r
        for r in emu.requests
        if r.method == "POST" and isinstance(r.body, dict) and r.body.get("nonce") == f"quiz{qq_id}"
    ]
    assert len(sends) == (2 if history == "unreadable" else 1)
    locked = await (await emu.click(first, f"quiz:a:{qq_id}:{correct}", member=host)).reply()
    assert "Answer locked in" in locked.text()
    harness.clock.advance(seconds=31)
    await group_question_any(harness, "question 2 of 2")
    assert all(
        b["disabled"] for b in first.components[0]["components"]
    )  # the first message was found again and closed
    harness.clock.advance(seconds=31)
    (final,) = await group_question_any(harness, "Group quiz · results")
    assert f"<@{host.id}>" in final.text()
    assert len([m for m in emu.public(harness.channel) if "question 1 of 2" in m.text()]) == 1


async def test_a_new_solo_quiz_beyond_three_ends_the_members_oldest(
    harness: BotHarness, emu: Emulator
) -> None:
    alice = harness.member("alice")
    old = await (
        await emu.slash("quiz", {"format": "choice", "questions": 2}, member=alice)
    ).reply()
    handles = [
        await emu.slash("quiz", {"format": "choice", "questions": 2}, member=alice)
        for _ in range(30)
    ]
    for handle in handles:  # a burst of starts leaves three quizzes running, not thirty
        await handle.reply()
    new = await (
        await emu.slash("quiz", {"format": "choice", "questions": 2}, member=alice)
    ).reply()
    assert "question 1 of 2" in new.text()
    running = await store.running_quizzes(harness.db)
    assert [(s.user_id, s.mode) for s in running] == [(alice.id, "solo")] * MAX_SOLO_QUIZZES
    qq_id, _, correct = await question_of(harness, new)
    assert qq_id in [q.id for q in await store.quiz_questions(harness.db, running[-1].id)]
    qq_id, _, correct = await question_of(harness, old)
    late = await (await emu.click(old, f"quiz:a:{qq_id}:{correct}", member=alice)).reply()
    assert "This quiz has ended" in late.text()
    bob = harness.member("bob")  # other members' quizzes are theirs
    await (await emu.slash("quiz", {"questions": 2}, member=bob)).reply()
    assert len(await store.running_quizzes(harness.db)) == MAX_SOLO_QUIZZES + 1


async def test_a_member_runs_one_group_quiz_at_a_time(harness: BotHarness, emu: Emulator) -> None:
    host = harness.member("host")
    other = await emu.add_channel(harness.guild, "other")
    await (await emu.slash("quiz", {"questions": 2, "mode": "group"}, member=host)).reply()
    second = await (
        await emu.slash("quiz", {"questions": 2, "mode": "group"}, member=host, channel=other)
    ).reply()
    assert f"You are already running a group quiz in <#{harness.channel.id}>" in second.text()
    assert second.ephemeral
    friend = harness.member("friend")
    theirs = await (
        await emu.slash("quiz", {"questions": 2, "mode": "group"}, member=friend, channel=other)
    ).reply()
    assert "started a group quiz" in theirs.text()
    solo = await (await emu.slash("quiz", {"questions": 2}, member=host)).reply()
    assert "question 1 of 2" in solo.text()  # a solo quiz besides a group one is fine


async def test_an_abandoned_solo_quiz_is_ended(harness: BotHarness, emu: Emulator) -> None:
    alice, bob = harness.member("alice"), harness.member("bob")
    three = {"questions": 3, "format": "choice"}
    left = await (await emu.slash("quiz", three, member=alice)).reply()
    busy = await (await emu.slash("quiz", three, member=bob)).reply()
    harness.clock.advance(minutes=20)
    qq_id, _, correct = await question_of(harness, busy)
    await (await emu.click(busy, f"quiz:a:{qq_id}:{correct}", member=bob)).reply()
    harness.clock.advance(minutes=15)
    await harness.quiz.expire_idle()
    running = await store.running_quizzes(harness.db)
    assert [s.user_id for s in running] == [bob.id]  # bob answered 15 minutes ago
    qq_id, _, correct = await question_of(harness, left)
    late = await (await emu.click(left, f"quiz:a:{qq_id}:{correct}", member=alice)).reply()
    assert "This quiz has ended" in late.text()
    harness.clock.advance(minutes=31)
    await harness.quiz.expire_idle()
    assert await store.running_quizzes(harness.db) == []


async def test_a_member_who_cannot_send_messages_cannot_start_a_group_quiz(
    harness: BotHarness, emu: Emulator
) -> None:
    muted = harness.member("muted")
    harness.channel.overwrites.append(
        {"id": str(muted.id), "type": 1, "allow": "0", "deny": str(SEND_MESSAGES)}
    )
    refused = await (await emu.slash("quiz", {"mode": "group"}, member=muted)).reply()
    assert "You cannot send messages in this channel" in refused.text() and refused.ephemeral
    assert await store.running_quizzes(harness.db) == []
    solo = await (await emu.slash("quiz", {"questions": 1}, member=muted)).reply()
    assert "question 1 of 1" in solo.text()


async def test_a_group_quiz_is_refused_where_the_bot_cannot_post(
    harness: BotHarness, emu: Emulator
) -> None:
    await emu.set_bot_permissions(harness.channel, deny=EMBED_LINKS)
    host = harness.member("host")
    refused = await (await emu.slash("quiz", {"mode": "group"}, member=host)).reply()
    assert "I need the Send Messages and Embed Links permissions" in refused.text()
    assert await store.running_quizzes(harness.db) == []


async def test_help_tells_the_quiz_limits(harness: BotHarness, emu: Emulator) -> None:
    shown = await (await emu.slash("help", member=harness.member("newcomer"))).reply()
    assert "3 solo quizzes open in a server" in shown.text()
    assert "untouched for 30 minutes ends" in shown.text()


async def test_a_group_question_not_asked_yet_cannot_be_answered(
    harness: BotHarness, emu: Emulator
) -> None:
    host, eager = harness.member("host"), harness.member("eager")
    await (await emu.slash("quiz", {"questions": 2, "mode": "group"}, member=host)).reply()
    first = await group_question(harness, "question 1 of 2")
    qq_id, _, _ = await question_of(harness, first)
    later = qq_id + 1  # the next question's id, guessed from the one on screen
    assert (await store.quiz_question(harness.db, later)) is not None
    refused = await (
        await emu.forge_click(harness.channel, f"quiz:a:{later}:0", member=eager, message=first)
    ).reply()
    assert "has not been asked yet" in refused.text()
    assert await store.question_answers(harness.db, later) == []
