"""Leaderboards, stats, streaks and /forget-me, end to end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.db import quiz as store
from bot.db.answers import NewAnswer, record_answer
from bot.db.guilds import guild_timezone
from emulator import Emulator, Member, Message
from tests.e2e.harness import BotHarness


async def seed_points(
    h: BotHarness, points: dict[Member, int], *, at: datetime | None = None
) -> None:
    """Each member answers one quiz question right, worth the given points."""
    members = list(points)
    _, qqs = await store.create_quiz(
        h.db,
        store.QuizSpec(h.guild.id, h.channel.id, members[0].id, "solo", "seed", None, None),
        [f"q{n}" for n in range(len(members))],
        now=0,
    )
    for member, qq in zip(members, qqs, strict=True):
        await record_answer(
            h.db,
            NewAnswer(
                guild_id=h.guild.id,
                user_id=member.id,
                board="quiz",
                question_id=f"seeded-{member.id}",
                correct=True,
                points=points[member],
                answered_at=at or h.clock.now(),
                timezone=await guild_timezone(h.db, h.guild.id),
                quiz_question_id=qq.id,
            ),
        )


def ranking(message: Message) -> list[str]:
    return [line for line in message.embeds[0]["description"].splitlines() if line.startswith("**")]


async def test_leaderboard_ranks_ties_pages_and_own_rank(
    harness: BotHarness, emu: Emulator
) -> None:
    members = [harness.member(f"member-{n:02d}-" + "x" * 20) for n in range(13)]
    scores = [100, 90, 90, 80, 70, 60, 50, 40, 30, 20, 20, 10, 5]
    await seed_points(harness, dict(zip(members, scores, strict=True)))
    viewer = members[12]
    board = await (await emu.slash("leaderboard", member=viewer)).reply()
    assert board.ephemeral
    lines = ranking(board)
    assert len(lines) == 10
    assert lines[0] == f"**1.** <@{members[0].id}> · 100 points (1/1 right)"
    assert lines[1].startswith(f"**2.** <@{members[1].id}> · 90")
    assert lines[2].startswith(f"**2.** <@{members[2].id}> · 90")  # a tie shares the rank
    assert lines[3].startswith(f"**4.** <@{members[3].id}> · 80")
    assert lines[9].startswith("**10.**")
    own = board.embeds[0]["fields"][0]
    assert own["name"] == "You" and own["value"].startswith("Rank 13 · 5 points")
    assert board.embeds[0]["footer"]["text"] == "Page 1 of 2"
    page2 = await (
        await emu.click(board, board.button("Next ▶")["custom_id"], member=viewer)
    ).reply()
    assert ranking(page2) == [
        f"**10.** <@{members[10].id}> · 20 points (1/1 right)",
        f"**12.** <@{members[11].id}> · 10 points (1/1 right)",
        f"**13.** <@{members[12].id}> · 5 points (1/1 right)",
    ]
    back = await (
        await emu.click(page2, page2.button("◀ Previous")["custom_id"], member=viewer)
    ).reply()
    assert len(ranking(back)) == 10
    qotd = await (await emu.slash("leaderboard", {"board": "qotd"}, member=viewer)).reply()
    assert "No points yet" in qotd.text()


async def test_members_who_left_are_not_shown(harness: BotHarness, emu: Emulator) -> None:
    stay, leave, viewer = harness.member("stay"), harness.member("leave"), harness.member("viewer")
    await seed_points(harness, {leave: 50, stay: 40, viewer: 10})
    await emu.remove_member(harness.guild, leave)
    board = await (await emu.slash("leaderboard", member=viewer)).reply()
    assert ranking(board) == [
        f"**1.** <@{stay.id}> · 40 points (1/1 right)",
        f"**2.** <@{viewer.id}> · 10 points (1/1 right)",
    ]
    assert board.embeds[0]["fields"][0]["value"].startswith("Rank 2")


async def test_periods_follow_the_server_timezone(harness: BotHarness, emu: Emulator) -> None:
    alice = harness.member("alice")
    await harness.bot.zones.set(harness.guild.id, "Pacific/Auckland", 0)
    # Sunday 20:00 UTC is already Monday in Auckland: a new week there
    sunday = datetime(2026, 12, 6, 20, 0, tzinfo=UTC)
    await seed_points(harness, {alice: 30}, at=sunday)
    harness.clock.set(sunday + timedelta(hours=1))
    week = await (await emu.slash("leaderboard", {"period": "week"}, member=alice)).reply()
    assert len(ranking(week)) == 1
    harness.clock.set(sunday - timedelta(hours=12))  # Sunday morning in Auckland, the week before
    earlier = await (await emu.slash("leaderboard", {"period": "week"}, member=alice)).reply()
    assert ranking(earlier) == []
    alltime = await (await emu.slash("leaderboard", {"period": "all"}, member=alice)).reply()
    assert len(ranking(alltime)) == 1


async def qotd_day(h: BotHarness, admin: Member, day: datetime, answerers: list[Member]) -> None:
    await h.tick(day)
    post = [
        m for m in h.emu.public(h.channel) if any(c.startswith("qotd:") for c in m.custom_ids())
    ][-1]
    for member in answerers:
        await (await h.emu.click(post, post.custom_ids()[0], member=member)).reply()


async def test_streak_across_a_timezones_midnight_and_stats(
    harness: BotHarness, emu: Emulator
) -> None:
    admin, sam = harness.member("admin", admin=True), harness.member("sam")
    setup = {
        "channel": harness.channel,
        "time": "23:30",
        "timezone": "America/New_York",
        "format": "choice",
    }
    await (await emu.slash("qotd setup", setup, member=admin)).reply()
    # 23:30 in New York is 04:30 UTC the next day; answers after local midnight still count
    # for the post's own day.
    first = datetime(2026, 12, 2, 4, 30, tzinfo=UTC)  # Tue 1 Dec 23:30 New York
    harness.clock.set(first + timedelta(minutes=45))  # 00:15 local, Wednesday
    await qotd_day(harness, admin, first, [])
    harness.clock.set(first + timedelta(minutes=45))
    post = [m for m in emu.public(harness.channel) if m.custom_ids()][-1]
    feedback = await (await emu.click(post, post.custom_ids()[0], member=sam)).reply()
    assert "1-day streak" in feedback.text()
    await qotd_day(harness, admin, first + timedelta(days=1), [sam])
    stats = (await (await emu.slash("stats", member=sam)).reply()).text()
    assert "Current: 2 · best: 2" in stats
    await qotd_day(harness, admin, first + timedelta(days=2), [])  # Sam misses Thursday
    await harness.tick(first + timedelta(days=3))  # Thursday's question is revealed before Friday's
    stats = (await (await emu.slash("stats", member=sam)).reply()).text()
    assert "Current: 0 · best: 2" in stats
    friday = [
        m
        for m in emu.public(harness.channel)
        if any(c.startswith("qotd:") for c in m.custom_ids())
        and not m.components[0]["components"][0].get("disabled")
    ][-1]
    feedback = await (await emu.click(friday, friday.custom_ids()[0], member=sam)).reply()
    assert "1-day streak" in feedback.text()
    await harness.tick(first + timedelta(days=4))  # Friday's answers count from its reveal
    stats_msg = await (await emu.slash("stats", {"member": sam}, member=admin)).reply()
    text = stats_msg.text()
    assert "Current: 1 · best: 2" in text
    assert "Answered" in text and "3 ·" in text
    assert "Last answers" in text


async def test_forget_me(harness: BotHarness, emu: Emulator) -> None:
    alice, bob = harness.member("alice"), harness.member("bob")
    await seed_points(harness, {alice: 40, bob: 30})
    ask = await (await emu.slash("forget-me", member=alice)).reply()
    assert "Sure?" in ask.text() and ask.ephemeral
    cancel = await (await emu.click(ask, ask.button("Cancel")["custom_id"], member=alice)).reply()
    assert "Nothing was deleted" in cancel.text()
    ask = await (await emu.slash("forget-me", member=alice)).reply()
    done = await (
        await emu.click(ask, ask.button("Delete my data")["custom_id"], member=alice)
    ).reply()
    assert "Done: 1 answer(s)" in done.text()
    board = await (await emu.slash("leaderboard", member=bob)).reply()
    assert ranking(board) == [f"**1.** <@{bob.id}> · 30 points (1/1 right)"]
    stats = await (await emu.slash("stats", member=alice)).reply()
    assert "has not answered anything yet" in stats.text()


async def test_forged_page_buttons_are_refused_plainly(
    harness: BotHarness, emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    alice = harness.member("alice")
    await seed_points(harness, {alice: 10})
    board = await (await emu.slash("leaderboard", member=alice)).reply()
    for forged in ("lb:all:week:" + "9" * 28 + ":n", "lb:all:week:" + "9" * 19 + ":p"):
        refused = await (await emu.forge_click(board, forged, member=alice)).reply()
        assert "This button is out of date" in refused.text(), forged
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
    last = await (await emu.forge_click(board, "lb:all:week:5:n", member=alice)).reply()
    assert "Page 1 of 1" in last.text()  # past the end: the last page
