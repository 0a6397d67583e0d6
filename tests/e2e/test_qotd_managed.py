"""The question of the day managed from Discord: upcoming with Skip, skip today's post, reveal now,
the archive for members, and the discussion format. Real bot, real SQLite, the emulator."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.db import qotd as store
from emulator import Emulator, Member, Message
from tests.e2e.harness import BotHarness
from tests.e2e.test_qotd import NINE, posts, setup_qotd

CREATE_PUBLIC_THREADS = 1 << 35
BANK_SIZE = 17  # questions of the bundled bank, every one askable in the format auto


@pytest.fixture
async def admin(harness: BotHarness) -> Member:
    return harness.member("ada", admin=True)


async def posted_ids(h: BotHarness) -> list[str]:
    rows = await h.db.fetchall(
        "SELECT question_id FROM posts WHERE state <> 'replaced' ORDER BY local_date"
    )
    return [r[0] for r in rows]


def skip_ids(listing: Message) -> list[str]:
    """The questions a /qotd upcoming list shows, in order (named by its Skip buttons)."""
    return [c.split(":")[3] for c in listing.custom_ids() if c.startswith("qotd:skip:")]


async def upcoming(h: BotHarness, admin: Member) -> Message:
    return await (await h.emu.slash("qotd upcoming", member=admin)).reply()


def reveals(h: BotHarness, where: object = None) -> list[Message]:
    channel = where if where is not None else h.channel
    return [m for m in h.emu.public(channel) if "Answer ·" in m.text()]  # type: ignore[arg-type]


async def test_upcoming_lists_what_will_be_posted_in_that_order(
    harness: BotHarness, admin: Member
) -> None:
    await setup_qotd(harness, admin, format="auto")
    listing = await upcoming(harness, admin)
    assert listing.ephemeral and "Coming up" in listing.text()
    coming = skip_ids(listing)
    assert len(coming) == 5 and len(set(coming)) == 5
    assert [b["label"] for b in listing.components[0]["components"]] == [
        f"Skip {n}" for n in range(1, 6)
    ]
    for day in range(5):
        await harness.tick(NINE + timedelta(days=day))
    assert await posted_ids(harness) == coming


async def test_skip_moves_a_question_to_the_end_of_the_cycle(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin, format="auto")
    listing = await upcoming(harness, admin)
    first, *rest = skip_ids(listing)
    shown = await (await emu.click(listing, f"qotd:skip:1:{first}", member=admin)).reply()
    assert shown.id == listing.id  # the list is shown again, in place
    assert skip_ids(shown)[:4] == rest and first not in skip_ids(shown)
    for day in range(BANK_SIZE + 1):
        await harness.tick(NINE + timedelta(days=day))
    asked = await posted_ids(harness)
    assert asked[:4] == rest
    assert first not in asked[: BANK_SIZE - 1] and asked[BANK_SIZE - 1] == first  # last of cycle
    assert len(set(asked[:BANK_SIZE])) == BANK_SIZE


async def test_a_stale_or_forged_skip_changes_nothing(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin, format="auto")
    listing = await upcoming(harness, admin)
    first = skip_ids(listing)[0]
    await harness.tick(NINE)  # the first question is posted: no longer upcoming
    stale = await (await emu.click(listing, f"qotd:skip:1:{first}", member=admin)).reply()
    assert stale.ephemeral and stale.id != listing.id
    assert (
        stale.text() == "This list is out of date and nothing was changed: run the command again."
    )
    second = skip_ids(listing)[1]
    for forged in (f"qotd:skip:999:{second}", f"qotd:skip:1:{'f' * 12}", f"qotd:skip:0:{second}"):
        refusal = await (await emu.forge_click(listing, forged, member=admin)).reply()
        assert "out of date and nothing was changed" in refusal.text(), forged
    member = harness.member("mallory")
    refused = await (await emu.click(listing, f"qotd:skip:1:{second}", member=member)).reply()
    assert "You need the Manage Server permission to skip questions." in refused.text()
    assert await harness.db.scalar("SELECT count(*) FROM channel_deferred") == 0


async def test_skip_replaces_todays_question(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin, reveal_after=2)
    await harness.tick(NINE)
    (old,) = posts(harness)
    replaced = await store.channel_post_on(harness.db, harness.channel.id, "2026-12-01")
    assert replaced is not None
    alice = harness.member("alice")
    await (await emu.click(old, old.custom_ids()[0], member=alice)).reply()

    harness.clock.set(NINE + timedelta(minutes=30))
    done = await (await emu.slash("qotd skip", member=admin)).reply()
    assert "Replaced today's question" in done.text()
    assert "replaced by another one for today" in old.text()
    buttons = old.components[0]["components"]
    assert all(b.get("disabled") for b in buttons)
    assert all(b["style"] != 3 for b in buttons)  # closed, not revealed: no answer shown
    new = await store.channel_post_on(harness.db, harness.channel.id, "2026-12-01")
    assert new is not None and new.id != replaced.id
    assert new.question_id != replaced.question_id
    assert new.nonce != replaced.nonce and len(new.nonce) <= 25
    assert any(m.id == new.message_id for m in posts(harness))
    # alice's answer keeps its points: counted on the boards at once
    assert await harness.db.scalar("SELECT counted FROM answers WHERE user_id = ?", (alice.id,))
    assert await harness.db.scalar(
        "SELECT question_id FROM channel_deferred WHERE channel_id = ?", (harness.channel.id,)
    ) == (replaced.question_id)

    late = await (await emu.forge_click(old, f"qotd:{replaced.id}:0", member=alice)).reply()
    assert "replaced by another one today" in late.text()
    await harness.tick(NINE + timedelta(minutes=30, hours=2))
    (reveal,) = reveals(harness)
    assert reveal.nonce == f"r{new.id}"  # the reveal of the replacement, not of the replaced


async def test_skip_is_refused_without_a_post_or_after_the_reveal(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin, reveal_after=1)
    nothing = await (await emu.slash("qotd skip", member=admin)).reply()
    assert "There is no question in" in nothing.text() and "none to replace" in nothing.text()
    await harness.tick(NINE)
    await harness.tick(NINE + timedelta(hours=1))
    too_late = await (await emu.slash("qotd skip", member=admin)).reply()
    assert "is already revealed: it stays." in too_late.text()
    assert len(posts(harness)) == 1


async def test_reveal_now_reveals_once(harness: BotHarness, admin: Member, emu: Emulator) -> None:
    await setup_qotd(harness, admin, reveal_after=2)
    await harness.tick(NINE)
    (post,) = posts(harness)
    harness.clock.set(NINE + timedelta(hours=2))  # the timer is due at the same moment
    command = asyncio.create_task(emu.slash("qotd reveal-now", member=admin))
    await asyncio.gather(command, harness.qotd.poster.tick())
    answer = await command.result().reply()
    assert "Revealed:" in answer.text() or "revealed or replaced meanwhile" in answer.text()
    await harness.tick(NINE + timedelta(hours=3))
    assert len(reveals(harness)) == 1
    assert all(b.get("disabled") for b in post.components[0]["components"])
    again = await (await emu.slash("qotd reveal-now", member=admin)).reply()
    assert "There is no open question in" in again.text()


async def test_reveal_now_before_the_timer(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin, reveal_after=2)
    await harness.tick(NINE)
    answer = await (await emu.slash("qotd reveal-now", member=admin)).reply()
    assert "Revealed:" in answer.text()
    assert len(reveals(harness)) == 1
    await harness.tick(NINE + timedelta(hours=2))
    assert len(reveals(harness)) == 1
    (post,) = posts(harness)
    closed = await (await emu.forge_click(post, post.custom_ids()[0], member=admin)).reply()
    assert "Answers to this question are closed" in closed.text()


async def test_archive_pages_past_questions_for_members(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin, reveal_after=1)
    alice = harness.member("alice")
    for day in range(7):
        await harness.tick(NINE + timedelta(days=day))
        post = posts(harness)[-1]
        await (await emu.click(post, post.custom_ids()[0], member=alice)).reply()
        await harness.tick(NINE + timedelta(days=day, hours=1))
    await harness.tick(NINE + timedelta(days=7))  # an open post: never in the archive
    member = harness.member("bob")
    first = await (await emu.slash("qotd archive", member=member)).reply()
    assert first.ephemeral
    embed = first.embeds[0]
    dates = [f["name"].split(" · ")[0] for f in embed["fields"]]
    assert dates == [
        f"{d:%a %d %b %Y}" for d in (datetime(2026, 12, 7 - n, tzinfo=UTC) for n in range(5))
    ]
    assert all("1 answered · " in f["value"] and "% right" in f["value"] for f in embed["fields"])
    assert embed["footer"]["text"] == "Page 1 of 2"
    previous, following = first.components[0]["components"]
    assert previous.get("disabled") and not following.get("disabled")
    second = await (await emu.click(first, following["custom_id"], member=member)).reply()
    assert second.id == first.id
    assert [f["name"][:15] for f in second.embeds[0]["fields"]] == [
        "Wed 02 Dec 2026",
        "Tue 01 Dec 2026",
    ]
    assert second.embeds[0]["footer"]["text"] == "Page 2 of 2"
    assert second.components[0]["components"][1].get("disabled")
    assert "Tue 08 Dec" not in first.text() + second.text()


async def test_archive_of_a_channel_without_past_questions(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    member = harness.member("bob")
    empty = await (await emu.slash("qotd archive", member=member)).reply()
    assert "has no past questions yet" in empty.text()
    forged = await (
        await emu.forge_click(harness.channel, "qotd:archive:1:0", member=member)
    ).reply()
    assert "cannot show the past questions of a channel you cannot see" in forged.text()


async def test_members_are_refused_everything_but_the_archive(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin)
    stranger = harness.member("mallory")
    channel = {"channel": harness.channel}
    for command, options in [
        ("qotd setup", {**channel, "time": "09:00", "timezone": "UTC"}),
        ("qotd edit", {**channel, "time": "10:00"}),
        ("qotd status", {}),
        ("qotd post-now", {}),
        ("qotd pause", {}),
        ("qotd resume", {}),
        ("qotd upcoming", {}),
        ("qotd skip", {}),
        ("qotd reveal-now", {}),
        ("qotd remove", channel),
    ]:
        reply = await (await emu.slash(command, options, member=stranger)).reply()
        assert "You need the Manage Server permission" in reply.text(), command
    archive = await (await emu.slash("qotd archive", member=stranger)).reply()
    assert "has no past questions yet" in archive.text()
    (schedule,) = await store.guild_schedules(harness.db, harness.guild.id)
    assert (schedule.local_time, schedule.paused) == ("09:00", False)


async def test_discussion_format(harness: BotHarness, admin: Member, emu: Emulator) -> None:
    await emu.set_bot_permissions(harness.channel, deny=CREATE_PUBLIC_THREADS)
    refused = await setup_qotd(harness, admin, format="discussion")
    assert "The discussion format opens a thread" in refused.text()
    assert "Create Public Threads" in refused.text()
    assert await store.guild_schedules(harness.db, harness.guild.id) == []
    await emu.set_bot_permissions(harness.channel)
    done = await setup_qotd(harness, admin, format="discussion", reveal_after=2)
    assert "with a discussion thread" in done.text() and "discussion only" in done.text()

    await harness.tick(NINE)
    (post,) = [m for m in emu.public(harness.channel) if "Question of the day" in m.text()]
    assert post.components == []
    assert "share your answer in the discussion thread" in post.text()
    (thread,) = emu.threads_of(harness.channel)
    assert post.thread_id == thread.id
    stored = await store.channel_post_on(harness.db, harness.channel.id, "2026-12-01")
    assert stored is not None and stored.discussion
    alice = harness.member("alice")
    forged = await (await emu.forge_click(post, f"qotd:r:{stored.id}", member=alice)).reply()
    assert "for discussion only" in forged.text()

    await harness.tick(NINE + timedelta(hours=2))
    (reveal,) = emu.public(thread)
    assert reveal.embeds[0]["title"].startswith("One way to answer it")
    assert "Discussion closed" in post.text()
    assert await harness.db.scalar("SELECT count(*) FROM answers") == 0
    assert await harness.db.scalar("SELECT count(*) FROM self_grades") == 0
    status = await (await emu.slash("qotd status", member=admin)).reply()
    assert "Format: discussion only" in status.text()
    edited = await (
        await emu.slash("qotd edit", {"channel": harness.channel, "format": "choice"}, member=admin)
    ).reply()
    assert "format (discussion only" in edited.text() and "→ multiple choice only)" in edited.text()


async def test_every_question_can_be_posted_for_discussion(
    harness: BotHarness, admin: Member
) -> None:
    await setup_qotd(harness, admin, format="discussion")
    for day in range(BANK_SIZE):
        await harness.tick(NINE + timedelta(days=day))
    assert len(set(await posted_ids(harness))) == BANK_SIZE
