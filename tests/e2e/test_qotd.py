"""The question of the day end to end: real bot, real discord.py, real SQLite, the emulator."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.db import qotd as store
from bot.items.model import Item
from emulator import Emulator, Member, Message
from tests.e2e.harness import BotHarness

# The harness clock starts at 2026-12-01 08:00 UTC (a Tuesday).
NINE = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def setup_qotd(h: BotHarness, admin: Member, **options: object) -> Message:
    values: dict[str, object] = {
        "channel": h.channel,
        "time": "09:00",
        "timezone": "UTC",
        "format": "choice",  # these tests answer with buttons; recall has tests of its own
    }
    values.update(options)
    handle = await h.emu.slash("qotd setup", values, member=admin)
    return await handle.reply()


def posts(h: BotHarness) -> list[Message]:
    return [
        m for m in h.emu.public(h.channel) if any(c.startswith("qotd:") for c in m.custom_ids())
    ]


async def post_at(h: BotHarness, at: datetime = NINE) -> Message:
    await h.tick(at)
    (message,) = [m for m in posts(h) if m.created >= 0][-1:]
    return message


@pytest.fixture
async def admin(harness: BotHarness) -> Member:
    return harness.member("ada", admin=True)


async def test_setup_replies_with_the_next_post_time(harness: BotHarness, admin: Member) -> None:
    reply = await setup_qotd(harness, admin, timezone="Europe/Berlin", days="weekdays")
    assert reply.ephemeral
    text = reply.text()
    assert f"<#{harness.channel.id}>" in text and "09:00 Europe/Berlin, weekdays" in text
    first = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # 09:00 in Berlin is 08:00 UTC
    assert f"<t:{int(first.timestamp()) + 24 * 3600}:F>" in text  # today's 09:00 has passed
    assert "missing permissions" not in text


async def test_setup_explains_bad_input(harness: BotHarness, admin: Member, emu: Emulator) -> None:
    bad_time = await setup_qotd(harness, admin, time="25:00")
    assert "'25:00' is not a time" in bad_time.text()
    bad_zone = await setup_qotd(harness, admin, timezone="Berlinn")
    assert "Did you mean Europe/Berlin" in bad_zone.text()
    alias = await setup_qotd(harness, admin, timezone="EST")
    assert "EST was read as America/New_York" in alias.text()
    bad_bank = await setup_qotd(harness, admin, bank="nope")
    assert "There is no bank 'nope'" in bad_bank.text()
    assert await emu.autocomplete("qotd setup", {"timezone": "berl"}, "timezone", member=admin) == [
        {"name": "Europe/Berlin", "value": "Europe/Berlin"}
    ]
    banks = await emu.autocomplete("qotd setup", {"bank": "gen"}, "bank", member=admin)
    assert banks[0]["value"] == "generative-ai-interview-questions"


async def test_members_without_manage_server_are_refused(
    harness: BotHarness, emu: Emulator
) -> None:
    stranger = harness.member("mallory")
    for command, options in [
        ("qotd setup", {"channel": harness.channel, "time": "09:00", "timezone": "UTC"}),
        ("qotd status", {}),
        ("qotd post-now", {}),
        ("qotd remove", {"channel": harness.channel}),
    ]:
        reply = await (await emu.slash(command, options, member=stranger)).reply()
        assert "You need the Manage Server permission" in reply.text(), command
    assert await store.guild_schedules(harness.db, harness.guild.id) == []
    (qotd,) = [c for c in emu.global_commands if c["name"] == "qotd"]
    # no default for the group: Discord would apply it to /qotd archive, which is for members
    assert qotd["default_member_permissions"] is None
    assert qotd["contexts"] == [0]


async def test_post_answer_reveal(harness: BotHarness, admin: Member, emu: Emulator) -> None:
    role = emu.add_role(harness.guild, "studiers")
    await setup_qotd(harness, admin, role=role, reveal_after=2)
    await harness.tick(NINE - timedelta(minutes=1))
    assert posts(harness) == []
    await harness.tick(NINE)
    (post,) = posts(harness)
    assert post.pinged_roles == [role.id]
    assert post.allowed_mentions is not None
    assert post.allowed_mentions["parse"] == []
    assert [int(r) for r in post.allowed_mentions["roles"]] == [role.id]
    assert post.content == f"<@&{role.id}>"
    assert post.nonce and len(str(post.nonce)) <= 25
    embed = post.embeds[0]
    assert embed["title"] == "Question of the day · Tue 01 Dec 2026"
    labels = [b["label"] for b in post.components[0]["components"]]
    assert labels in (["A", "B", "C"], ["A", "B", "C", "D"])  # a list of three, or four
    assert all(f"**{label}.**" in embed["description"] for label in labels)

    db_post = await store.channel_post_on(harness.db, harness.channel.id, "2026-12-01")
    assert db_post is not None and db_post.message_id == post.id
    assert db_post.item is not None
    mc = Item.loads(db_post.item)
    assert mc.correct is not None
    right, wrong = (
        f"qotd:{db_post.id}:{mc.correct}",
        f"qotd:{db_post.id}:{(mc.correct + 1) % len(mc.options or ())}",
    )

    alice, bob, carol = harness.member("alice"), harness.member("bob"), harness.member("carol")
    feedback = await (await emu.click(post, right, member=alice)).reply()
    assert feedback.ephemeral and feedback.visible_to == alice.id
    assert "✅ Right!" in feedback.text() and "+10 points" in feedback.text()
    assert "1-day streak" in feedback.text()
    assert "Reference answer" in feedback.text()
    wrong_feedback = await (await emu.click(post, wrong, member=bob)).reply()
    assert "❌ Not quite" in wrong_feedback.text() and "The answer is" in wrong_feedback.text()
    again = await (await emu.click(post, wrong, member=alice)).reply()
    assert "already answered" in again.text() and "✅ Right!" in again.text()
    assert await harness.db.scalar("SELECT count(*) FROM answers") == 2

    # the answer count is refreshed once for the burst, not once per click
    edits_before = len(post.history)
    await harness.qotd.poster.flush_counts()
    assert len(post.history) == edits_before + 1
    assert "2 answered" in post.embeds[0]["footer"]["text"]
    await harness.qotd.poster.flush_counts()
    assert len(post.history) == edits_before + 1

    harness.clock.set(NINE + timedelta(hours=2))  # reveal time, before the tick closes the post
    late = await (await emu.click(post, right, member=carol)).reply()
    assert "Answers to this question are closed" in late.text()
    await harness.tick()
    buttons = post.components[0]["components"]
    assert all(b.get("disabled") for b in buttons)
    assert [b["style"] for b in buttons].count(3) == 1  # the right one is green
    reveal = posts_or_replies(harness, post)
    assert "2 answered · 50% right" in reveal.text()
    assert f"<@{alice.id}>" in reveal.text()
    assert reveal.allowed_mentions is not None and reveal.allowed_mentions["parse"] == []
    assert reveal.pinged_roles == []
    assert await harness.db.scalar("SELECT count(*) FROM answers") == 2


def posts_or_replies(h: BotHarness, post: Message) -> Message:
    (reveal,) = [m for m in h.emu.public(h.channel) if m.id != post.id and "Answer ·" in m.text()]
    return reveal


async def test_clicks_work_after_a_restart(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin)
    post = await post_at(harness)
    await harness.restart()
    alice = harness.member("alice")
    feedback = await (await emu.click(post, post.custom_ids()[0], member=alice)).reply()
    assert "Right!" in feedback.text() or "Not quite" in feedback.text()


async def test_thread_option_opens_a_discussion_thread(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin, thread=True)
    post = await post_at(harness)
    (thread,) = emu.threads_of(harness.channel)
    assert thread.name.startswith("Discuss: ") and post.thread_id == thread.id


async def test_post_now_posts_once_per_local_date(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin)
    harness.clock.set(NINE - timedelta(hours=1))
    first = await (await emu.slash("qotd post-now", member=admin)).reply()
    assert "Posted:" in first.text()
    second = await (await emu.slash("qotd post-now", member=admin)).reply()
    assert "already posted" in second.text()
    await harness.tick(NINE)  # the scheduled time of the same day: no second post
    assert len(posts(harness)) == 1
    await harness.tick(NINE + timedelta(days=1))
    assert len(posts(harness)) == 2


async def test_no_repeats_until_the_bank_is_used_up(harness: BotHarness, admin: Member) -> None:
    await setup_qotd(harness, admin, format="auto")  # every question: recall if not choice
    for day in range(18):
        await harness.tick(NINE + timedelta(days=day))
    ids = [
        r[0] for r in await harness.db.fetchall("SELECT question_id FROM posts ORDER BY local_date")
    ]
    assert len(ids) == 18
    assert len(set(ids[:17])) == 17  # the whole seed bank once
    assert ids[17] in ids[:17]  # then a new cycle
    status = await (await harness.emu.slash("qotd status", member=admin)).reply()
    assert "16 of 17 questions left in this cycle" in status.text()


async def test_catch_up_after_downtime_and_skip_when_too_late(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin)
    await harness.stop()
    harness.clock.set(NINE + timedelta(hours=2))  # the bot was down at 09:00
    await harness.start()
    await harness.tick()
    assert len(posts(harness)) == 1  # caught up
    await harness.stop()
    harness.clock.set(NINE + timedelta(days=1, hours=10))  # back long after the next 09:00
    await harness.start()
    await harness.tick()
    assert len(posts(harness)) == 1
    status = await (await emu.slash("qotd status", member=admin)).reply()
    assert "Skipped the question of Wed 02 Dec" in status.text()
    await harness.tick(NINE + timedelta(days=2))
    assert len(posts(harness)) == 2


async def test_crash_between_claim_and_send_never_duplicates(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin)
    # a run that claimed the post and died before sending it
    schedule = (await store.guild_schedules(harness.db, harness.guild.id))[0]
    claim = store.Claim(
        schedule.id,
        harness.guild.id,
        harness.channel.id,
        "2026-12-01",
        "generative-ai-interview-questions",
        harness.banks.banks["generative-ai-interview-questions"].questions[0].id,
        "q1d20261201",
        1,
        int((NINE + timedelta(hours=20)).timestamp()),
        int((NINE + timedelta(days=1)).timestamp()),
    )
    assert await store.claim_post(harness.db, claim, int(NINE.timestamp())) is not None
    await harness.restart()
    await harness.tick(NINE + timedelta(minutes=1))
    assert len(posts(harness)) == 1
    await harness.tick(NINE + timedelta(minutes=2))
    assert len(posts(harness)) == 1
    (post,) = await store.unconfirmed_posts(harness.db) or [None]
    assert post is None


async def test_crash_after_send_before_confirm_finds_the_message(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin)
    await harness.tick(NINE)
    (message,) = posts(harness)
    # pretend the confirmation was lost: the row is back to 'claimed'
    await harness.db.execute("UPDATE posts SET state = 'claimed', message_id = NULL")
    await harness.restart()
    await harness.tick(NINE + timedelta(minutes=1))
    assert len(posts(harness)) == 1
    confirmed = await store.channel_post_on(harness.db, harness.channel.id, "2026-12-01")
    assert confirmed is not None and confirmed.message_id == message.id


async def test_a_429_while_posting_is_retried(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin)
    emu.fail_next("POST", rf"/channels/{harness.channel.id}/messages$", 429, retry_after=0.3)
    await harness.tick(NINE)
    assert len(posts(harness)) == 1
    assert any("/messages" in r for r in emu.rate_limited)


async def test_deleted_channel_and_missing_permission_stop_only_that_schedule(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    other = await emu.add_channel(harness.guild, "quiet")
    gone = await emu.add_channel(harness.guild, "doomed")
    await asyncio.sleep(0.05)
    await setup_qotd(harness, admin)
    await setup_qotd(harness, admin, channel=other)
    await setup_qotd(harness, admin, channel=gone)
    await emu.set_bot_permissions(other, deny=1 << 11)
    await emu.delete_channel(gone)
    await harness.tick(NINE)
    assert len(posts(harness)) == 1  # general still gets its question
    status = (await (await emu.slash("qotd status", member=admin)).reply()).text()
    assert "I lack permission to post" in status
    assert "was deleted" in status
    await harness.tick(NINE + timedelta(days=1))  # logged once, not retried every tick
    assert len(posts(harness)) == 2


async def test_pause_resume_remove(harness: BotHarness, admin: Member, emu: Emulator) -> None:
    await setup_qotd(harness, admin)
    assert "Paused" in (await (await emu.slash("qotd pause", member=admin)).reply()).text()
    await harness.tick(NINE)
    assert posts(harness) == []
    resumed = (await (await emu.slash("qotd resume", member=admin)).reply()).text()
    assert "Resumed" in resumed
    await harness.tick(NINE + timedelta(days=1))
    assert len(posts(harness)) == 1
    removed = await (
        await emu.slash("qotd remove", {"channel": harness.channel}, member=admin)
    ).reply()
    assert "Removed" in removed.text()
    await harness.tick(NINE + timedelta(days=2))
    assert len(posts(harness)) == 1


async def test_many_channels_due_at_once_are_paced_and_clicks_still_answered(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    channels = [await emu.add_channel(harness.guild, f"room-{n}") for n in range(60)]
    await asyncio.sleep(0.05)
    for channel in channels:
        await setup_qotd(harness, admin, channel=channel)
    await setup_qotd(harness, admin)
    await harness.tick(NINE - timedelta(days=1, hours=-1))  # yesterday 10:00: nothing due
    harness.clock.set(NINE)
    ticking = asyncio.create_task(harness.qotd.poster.tick())
    await emu.wait_until(lambda: posts(harness), timeout=10)
    (first,) = posts(harness)[:1]
    started = asyncio.get_running_loop().time()
    handle = await emu.click(first, first.custom_ids()[0], member=harness.member("busy"))
    assert await handle.acked() < 1.0  # acknowledged while dozens of posts are going out
    await handle.reply()
    await ticking
    sent = [m for m in emu.messages.values() if any(c.startswith("qotd:") for c in m.custom_ids())]
    assert len(sent) == 61
    assert [r for r in emu.rate_limited if "global" in r] == []  # paced under 50/s
    assert asyncio.get_running_loop().time() - started < 5


async def test_a_500_while_posting_is_retried_without_a_duplicate(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin)
    emu.fail_next("POST", rf"/channels/{harness.channel.id}/messages$", 500)
    await harness.tick(NINE)
    assert len(posts(harness)) == 1
    statuses = [
        r.status for r in emu.requests if r.path.endswith("/messages") and r.method == "POST"
    ]
    assert statuses == [500, 200]


async def test_setup_warns_about_missing_permissions(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await emu.set_bot_permissions(harness.channel, deny=(1 << 14) | (1 << 35))
    reply = await setup_qotd(harness, admin, thread=True)
    text = reply.text()
    assert "⚠️ I am missing permissions" in text
    assert "Embed Links" in text and "Create Public Threads" in text
