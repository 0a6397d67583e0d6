"""The question of the day left unattended: exactly-once posts and reveals, one server's
failure kept to itself, forged clicks and option values refused, operators' edits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.db import qotd as store
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
    bank = h.banks.banks[post.bank]
    question = bank.get(post.question_id)
    assert question is not None
    mc = h.banks.choices(post.bank, question, post.id)
    assert mc is not None
    return f"qotd:{post.id}:{mc.correct}"


async def test_remove_and_setup_again_keeps_one_post_a_day_and_the_rotation(
    harness: BotHarness, admin: Member, emu: Emulator
) -> None:
    await setup_qotd(harness, admin)
    await harness.tick(NINE)
    (first,) = posts(harness)
    alice = harness.member("alice")
    await (await emu.click(first, await right_answer(harness, first), member=alice)).reply()

    await (await emu.slash("qotd remove", {"channel": harness.channel}, member=admin)).reply()
    await setup_qotd(harness, admin)
    age_messages(emu, 600)
    harness.clock.set(NINE + timedelta(hours=1))
    again = await (await emu.slash("qotd post-now", member=admin)).reply()
    assert "already posted" in again.text()
    assert len(posts(harness)) == 1
    board = await (await emu.slash("leaderboard", {"period": "all"}, member=alice)).reply()
    assert "10 points (1/1 right)" in board.text()

    # the channel's rotation goes on: no question comes back before the bank is used up
    for day in range(1, 17):
        await harness.tick(NINE + timedelta(days=day))
        if day == 3:
            await (
                await emu.slash("qotd remove", {"channel": harness.channel}, member=admin)
            ).reply()
            await setup_qotd(harness, admin)
    asked = [
        r[0] for r in await harness.db.fetchall("SELECT question_id FROM posts ORDER BY local_date")
    ]
    assert len(asked) == 17 and len(set(asked)) == 17
