"""The question of the day left unattended: exactly-once posts and reveals, one server's
failure kept to itself, forged clicks and option values refused, operators' edits."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import discord.http
import pytest

from bot.bank.model import Bank, Question
from bot.db import qotd as store
from bot.items.library import BankLibrary
from bot.items.model import Item
from emulator import Emulator, Member, Message
from tests.e2e.harness import BotHarness
from tests.e2e.test_qotd import NINE, admin, posts, setup_qotd

__all__ = ["admin"]  # the fixture, shared with test_qotd


def age_messages(emu: Emulator, seconds: float) -> None:
    """Move every message back in time: Discord's nonce window (5 min) is over for them."""
    for message in emu.messages.values():
        message.created -= seconds


async def right_answer(h: BotHarness, message: Message) -> str:
    post = await store.get_post(h.db, int(message.custom_ids()[0].split(":")[1]))
    assert post is not None
    assert post.item is not None
    return f"qotd:{post.id}:{Item.loads(post.item).correct}"


async def test_remove_and_setup_again_keeps_one_post_a_day_and_the_rotation(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin, format="choice")  # answered with a button below
    await harness.tick(NINE)
    (first,) = posts(harness)
    alice = harness.member("alice")
    await (await emu.click(first, await right_answer(harness, first), member=alice)).reply()

    await (await emu.slash("qotd remove", {"channel": harness.channel}, member=admin)).reply()
    await setup_qotd(harness, admin, format="auto")
    age_messages(emu, 600)
    harness.clock.set(NINE + timedelta(hours=1))
    again = await (await emu.slash("qotd post-now", member=admin)).reply()
    assert "already posted" in again.text()
    assert len(posts(harness)) == 1

    # the channel's rotation goes on: no question comes back before the bank is used up
    for day in range(1, 17):
        await harness.tick(NINE + timedelta(days=day))
        if day == 1:  # the first post is revealed: its answer counted once
            board = await (await emu.slash("leaderboard", {"period": "all"}, member=alice)).reply()
            assert "10 points (1/1 right)" in board.text()
        if day == 3:
            await (
                await emu.slash("qotd remove", {"channel": harness.channel}, member=admin)
            ).reply()
            await setup_qotd(harness, admin, format="auto")
    asked = [
        r[0] for r in await harness.db.fetchall("SELECT question_id FROM posts ORDER BY local_date")
    ]
    assert len(asked) == 17 and len(set(asked)) == 17


async def test_a_post_sent_before_a_restart_is_found_behind_many_newer_messages(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin)
    await harness.tick(NINE)
    (message,) = posts(harness)
    # the confirmation was lost in a crash; the channel went on chatting meanwhile
    await harness.db.execute("UPDATE posts SET state = 'claimed', message_id = NULL")
    chatter = harness.member("chatty")
    for n in range(40):
        emu.create_message(harness.channel, {"content": f"chat {n}"}, author=chatter.user)
    age_messages(emu, 600)  # back after Discord's nonce window
    await harness.restart()
    await harness.tick(NINE + timedelta(minutes=10))
    assert posts(harness) == [message]
    confirmed = await store.channel_post_on(harness.db, harness.channel.id, "2026-12-01")
    assert confirmed is not None and confirmed.message_id == message.id


async def test_a_claim_never_sent_is_released_when_too_late(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin)
    schedule = (await store.guild_schedules(harness.db, harness.guild.id))[0]
    tuesday = harness.banks.banks["generative-ai-interview-questions"].questions[0].id
    claim = store.Claim(
        schedule.id,
        harness.guild.id,
        harness.channel.id,
        "2026-12-01",
        "generative-ai-interview-questions",
        tuesday,
        "q1d20261201",
        1,
        int((NINE + timedelta(hours=23, minutes=50)).timestamp()),
        int((NINE + timedelta(days=1)).timestamp()),
    )
    assert await store.claim_post(harness.db, claim, int(NINE.timestamp())) is not None
    await harness.stop()  # it crashed before sending Tuesday's question
    friday = NINE + timedelta(days=3)
    harness.clock.set(friday)
    await harness.start()
    await harness.tick()
    (post,) = posts(harness)
    assert "Fri 04 Dec 2026" in post.embeds[0]["title"]
    assert [r[0] for r in await harness.db.fetchall("SELECT local_date FROM posts")] == [
        "2026-12-04"
    ]
    await harness.tick(friday + timedelta(minutes=1))
    assert [m for m in emu.public(harness.channel) if "Answer ·" in m.text()] == []
    status = await (await emu.slash("qotd status", member=admin)).reply()
    assert "Skipped the question of Tue 01 Dec" in status.text()


class _NoWaitAsyncio:
    """asyncio for discord.py's HTTP client, with its pauses between retries cut to nothing:
    its whole retry budget (5 tries, 25 s) passes in a moment."""

    def __getattr__(self, name: str) -> object:
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(delay: float, result: object = None) -> object:
        await asyncio.sleep(0)
        return result


async def test_a_reveal_is_retried_until_sent(
    harness: BotHarness, admin: Member, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    await setup_qotd(harness, admin, reveal_after=2)
    await harness.tick(NINE)
    (post,) = posts(harness)
    monkeypatch.setattr(discord.http, "asyncio", _NoWaitAsyncio())
    emu.fail_next("POST", rf"/channels/{harness.channel.id}/messages$", 500, count=5)
    await harness.tick(NINE + timedelta(hours=2))  # Discord fails for the whole retry budget
    assert [m for m in emu.public(harness.channel) if "Answer ·" in m.text()] == []
    await harness.tick(NINE + timedelta(hours=2, seconds=30))
    reveals = [m for m in emu.public(harness.channel) if "Answer ·" in m.text()]
    assert len(reveals) == 1
    assert all(b.get("disabled") for b in post.components[0]["components"])
    await harness.tick(NINE + timedelta(hours=2, seconds=60))
    assert len([m for m in emu.public(harness.channel) if "Answer ·" in m.text()]) == 1


def wide_bank() -> Bank:
    """A question with 26 choices, one more than Discord can show as lettered buttons (as a
    bank the loaders let through would give)."""
    choices = tuple(f"option {n}" for n in range(26))
    question = Question(
        id="wide-1",
        prompt="Which option?",
        answer="option 0",
        source="test",
        choices=choices,
        correct=0,
    )
    return Bank("wide", "Too wide", [question])


async def test_a_post_that_cannot_be_made_stops_nothing_for_other_servers(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await harness.stop()
    harness.banks = BankLibrary({**harness.banks.banks, "wide": wide_bank()})
    await harness.start()
    other = emu.add_guild("Other Server")
    await emu.join_guild(other)
    other_admin = emu.add_member(other, "bea", admin=True)
    await emu.wait_until(lambda: harness.bot.get_guild(other.id) is not None)
    wide_channel = emu.text_channel(other)
    answer = await (
        await emu.slash(
            "qotd setup",
            {"channel": wide_channel, "time": "09:00", "timezone": "UTC", "bank": "wide"},
            member=other_admin,
        )
    ).reply()
    assert "Question of the day set" in answer.text()
    await setup_qotd(harness, admin, reveal_after=2)

    await harness.tick(NINE)
    assert len(posts(harness)) == 1
    for minutes in (1, 2, 3):  # the failed post is not tried again and again
        await harness.tick(NINE + timedelta(minutes=minutes))
    await harness.tick(NINE + timedelta(hours=2))  # the healthy server's reveal comes
    assert len([m for m in emu.public(harness.channel) if "Answer ·" in m.text()]) == 1
    await harness.tick(NINE + timedelta(days=1))  # and its next question
    assert len(posts(harness)) == 2
    assert [m for m in emu.public(wide_channel) if m.custom_ids()] == []
    status = await (await emu.slash("qotd status", member=other_admin)).reply()
    assert "could not be posted" in status.text()


async def test_forged_answer_buttons_are_refused_plainly(
    harness: BotHarness, admin: Member, emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    await setup_qotd(harness, admin)
    await harness.tick(NINE)
    (post,) = posts(harness)
    post_id = post.custom_ids()[0].split(":")[1]
    mallory = harness.member("mallory")
    for forged in (
        f"qotd:{post_id}:99",  # no such option letter
        f"qotd:{post_id}:7",  # a letter, but not an option of this post
        f"qotd:{'9' * 27}:0",  # no post id is that large
        "qotd:0:0",
    ):
        refusal = await (await emu.forge_click(post, forged, member=mallory)).reply()
        assert refusal.ephemeral, forged
        assert "This button is out of date" in refusal.text(), forged
    assert "Traceback" not in caplog.text and "Something went wrong" not in caplog.text
    assert not [r for r in caplog.records if r.exc_info]
    assert await harness.db.scalar("SELECT count(*) FROM answers") == 0


async def test_setup_refuses_bad_option_values_with_a_sentence(
    harness: BotHarness, admin: Member, emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    no_days = await setup_qotd(harness, admin, days=",,,")
    assert "at least one day" in no_days.text()
    fuzzy = await setup_qotd(harness, admin, days="monkey,tuesday-ish,frisbee")
    assert "'monkey' is not a day" in fuzzy.text()
    assert (await setup_qotd(harness, admin, days="Monday, thurs")).text().count("mon,thu") == 1

    gone = await emu.add_channel(harness.guild, "doomed")
    await emu.wait_until(lambda: harness.bot.get_channel(gone.id) is not None)
    await emu.delete_channel(gone)
    await emu.wait_until(lambda: harness.bot.get_channel(gone.id) is None)
    deleted = await setup_qotd(harness, admin, channel=gone)
    assert "no longer exists" in deleted.text()

    everyone = harness.guild.roles[harness.guild.id]
    assert "@everyone" in (await setup_qotd(harness, admin, role=everyone)).text()
    old_role = emu.add_role(harness.guild, "old")
    await emu.delete_role(harness.guild, old_role)
    assert "no longer exists" in (await setup_qotd(harness, admin, role=old_role)).text()

    for hours in (0, -3, 2**53):
        refused = await setup_qotd(harness, admin, reveal_after=hours)
        assert "reveal_after must be 1 to 72 hours" in refused.text(), hours

    assert not [r for r in caplog.records if r.exc_info]
    (schedule,) = await store.guild_schedules(harness.db, harness.guild.id)
    assert schedule.role_id is None and schedule.reveal_after_min is None
    assert schedule.channel_id == harness.channel.id
    (qotd,) = [c for c in emu.global_commands if c["name"] == "qotd"]
    (setup,) = [o for o in qotd["options"] if o["name"] == "setup"]
    (reveal,) = [o for o in setup["options"] if o["name"] == "reveal_after"]
    assert (reveal["min_value"], reveal["max_value"]) == (1, 72)


def schedule_of(schedules: list[store.Schedule]) -> store.Schedule:
    (schedule,) = schedules
    return schedule


async def test_edit_changes_only_what_is_given(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    role = emu.add_role(harness.guild, "studiers")
    await setup_qotd(harness, admin, role=role, thread=True, reveal_after=2, days="weekdays")
    await (await emu.slash("qotd pause", member=admin)).reply()
    edited = await (
        await emu.slash("qotd edit", {"channel": harness.channel, "time": "10:30"}, member=admin)
    ).reply()
    assert "time (09:00 → 10:30)" in edited.text()
    schedule = schedule_of(await store.guild_schedules(harness.db, harness.guild.id))
    assert (schedule.local_time, schedule.role_id, schedule.thread) == ("10:30", role.id, True)
    assert (schedule.reveal_after_min, schedule.days, schedule.paused) == (120, 0b0011111, True)

    cleared = await (
        await emu.slash("qotd edit", {"channel": harness.channel, "clear_role": True}, member=admin)
    ).reply()
    assert f"role (<@&{role.id}> → none)" in cleared.text()
    schedule = schedule_of(await store.guild_schedules(harness.db, harness.guild.id))
    assert schedule.role_id is None and schedule.local_time == "10:30" and schedule.thread

    bad = await (
        await emu.slash("qotd edit", {"channel": harness.channel, "days": "blursday"}, member=admin)
    ).reply()
    assert "'blursday' is not a day" in bad.text()
    quiet = await emu.add_channel(harness.guild, "quiet")
    await emu.wait_until(lambda: harness.bot.get_channel(quiet.id) is not None)
    missing = await (
        await emu.slash("qotd edit", {"channel": quiet, "time": "08:00"}, member=admin)
    ).reply()
    assert "There is no question of the day in" in missing.text()

    help_text = (await (await emu.slash("help", member=admin)).reply()).text()
    assert "`edit`: Change some settings of a question of the day" in help_text


async def test_setup_says_what_it_replaces(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    role = emu.add_role(harness.guild, "studiers")
    first = await setup_qotd(harness, admin, role=role, reveal_after=2)
    assert "replaced" not in first.text()
    again = await setup_qotd(harness, admin, time="10:00")
    text = again.text()
    assert "This replaced the channel's previous settings" in text
    assert "time (09:00 → 10:00)" in text and f"role (<@&{role.id}> → none)" in text
    assert "reveal (after 2 h → just before the next question)" in text
    assert "Answers, scores and the rotation of questions are kept" in text
    assert "/qotd edit" in text


async def test_setup_after_todays_post_announces_tomorrows(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin)
    harness.clock.set(NINE - timedelta(minutes=30))
    assert "Posted:" in (await (await emu.slash("qotd post-now", member=admin)).reply()).text()
    again = await setup_qotd(harness, admin, thread=True)
    tomorrow = int((NINE + timedelta(days=1)).timestamp())
    assert f"First question: <t:{tomorrow}:F>" in again.text()
    await (await emu.slash("qotd pause", member=admin)).reply()
    resumed = await (await emu.slash("qotd resume", member=admin)).reply()
    assert f"Next question: <t:{tomorrow}:F>" in resumed.text()


async def test_status_counts_the_questions_left_of_the_bank_in_use(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin)
    for day in range(3):
        await harness.tick(NINE + timedelta(days=day))
    await setup_qotd(harness, admin, bank="ml-acronyms", format="auto")
    status = await (await emu.slash("qotd status", member=admin)).reply()
    assert "15 of 15 questions left in this cycle" in status.text()


async def test_setup_refuses_multiple_choice_from_a_bank_that_cannot_give_it(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await harness.stop()
    lonely = Bank(
        "lonely", "Lonely", [Question(id="l1", prompt="What is X?", answer="Y", source="t")]
    )
    harness.banks = BankLibrary({**harness.banks.banks, "lonely": lonely})
    await harness.start()
    refused = await setup_qotd(harness, admin, bank="lonely", format="choice")
    assert (
        "The bank 'Lonely' has no question that can be asked as multiple choice: pick another "
        "bank or the format auto." in refused.text()
    )
    assert await store.guild_schedules(harness.db, harness.guild.id) == []
    # Asked as recall, its one question can be a question of the day.
    accepted = await setup_qotd(harness, admin, bank="lonely", format="auto")
    assert "Question of the day set" in accepted.text()


async def test_a_count_refresh_never_undoes_a_reveal(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin, reveal_after=2)
    await harness.tick(NINE)
    (post,) = posts(harness)
    await (await emu.click(post, post.custom_ids()[0], member=harness.member("alice"))).reply()
    poster = harness.qotd.poster
    assert poster.dirty  # a count to show
    harness.clock.set(NINE + timedelta(hours=2))  # reveal time: the reveal may be under way
    edits = len(post.history)
    await poster.flush_counts()
    assert len(post.history) == edits  # the count is not written over a (coming) reveal
    await harness.tick()
    assert all(b.get("disabled") for b in post.components[0]["components"])
    await poster.flush_counts()
    assert all(b.get("disabled") for b in post.components[0]["components"])


async def test_a_post_sent_but_not_recorded_keeps_its_claim_and_is_confirmed_later(
    harness: BotHarness, admin: Member, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    await setup_qotd(harness, admin)
    real_confirm = store.confirm_post
    failures = []

    async def confirm_fails_once(*args: object, **kwargs: object) -> None:
        if not failures:
            failures.append(args)
            raise OSError("disk I/O error")  # e.g. the disk is full just then
        await real_confirm(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "confirm_post", confirm_fails_once)
    await harness.tick(NINE)
    (message,) = posts(harness)
    assert failures
    claimed = await store.channel_post_on(harness.db, harness.channel.id, "2026-12-01")
    assert claimed is not None and claimed.state == "claimed"  # not released: it was sent
    await harness.tick(NINE + timedelta(minutes=1))  # the next tick finds it in the channel
    assert posts(harness) == [message]
    confirmed = await store.channel_post_on(harness.db, harness.channel.id, "2026-12-01")
    assert confirmed is not None and confirmed.message_id == message.id
