"""A member's answer to the open question of the day is theirs alone until the reveal."""

from __future__ import annotations

from datetime import timedelta

from bot.db import qotd as store
from bot.db.answers import score_mismatches
from bot.items.model import Item
from emulator import Emulator, Member
from tests.e2e.harness import BotHarness
from tests.e2e.test_qotd import NINE, posts, setup_qotd


async def test_open_answers_show_only_to_their_member_until_the_reveal(
    harness: BotHarness, emu: Emulator
) -> None:
    admin = harness.member("ada", admin=True)
    await setup_qotd(harness, admin, reveal_after=2)
    await harness.tick(NINE)
    (post,) = posts(harness)
    db_post = await store.channel_post_on(harness.db, harness.channel.id, "2026-12-01")
    assert db_post is not None
    assert db_post.item is not None
    mc = Item.loads(db_post.item)
    assert mc.correct is not None
    alice, bob, eve = harness.member("alice"), harness.member("bob"), harness.member("eve")
    right, wrong = (
        f"qotd:{db_post.id}:{mc.correct}",
        f"qotd:{db_post.id}:{(mc.correct + 1) % len(mc.options or ())}",
    )
    feedback = await (await emu.click(post, right, member=alice)).reply()
    assert "+10 points at the reveal" in feedback.text()
    await (await emu.click(post, wrong, member=bob)).reply()

    async def seen_by(viewer: Member, command: str, options: dict[str, object]) -> str:
        return (await (await emu.slash(command, options, member=viewer)).reply()).text()

    # Another member learns nothing about who got it right before the reveal
    board = await seen_by(eve, "leaderboard", {})
    assert f"<@{alice.id}>" not in board and f"<@{bob.id}>" not in board
    assert "No points yet" in board
    for member in (alice, bob):
        stats = await seen_by(eve, "stats", {"member": member})
        assert "has not answered anything yet" in stats
        assert "✅" not in stats and "❌" not in stats
    # ... while the member sees their own open answer, marked as waiting for the reveal
    own = await seen_by(alice, "stats", {})
    assert "⏳" in own and "at the reveal" in own
    assert await score_mismatches(harness.db) == []

    # At the reveal the answers count for everyone, exactly once
    await harness.tick(NINE + timedelta(hours=2))
    board = await seen_by(eve, "leaderboard", {})
    assert f"**1.** <@{alice.id}> · 10 points (1/1 right)" in board
    assert f"<@{bob.id}> · 0 points (0/1 right)" in board
    stats = await seen_by(eve, "stats", {"member": alice})
    assert "1 · 1 right (100%)" in stats and "✅" in stats
    assert await score_mismatches(harness.db) == []
    await harness.tick(NINE + timedelta(hours=3))  # a later tick credits nothing twice
    assert await score_mismatches(harness.db) == []
    assert f"**1.** <@{alice.id}> · 10 points" in await seen_by(eve, "leaderboard", {})
