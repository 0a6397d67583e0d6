"""The real bot logs into the emulator, syncs its commands, answers /help and survives faults."""

from __future__ import annotations

import asyncio

from emulator import Emulator
from tests.e2e.harness import BotHarness


async def test_logs_in_syncs_and_answers_help(harness: BotHarness, emu: Emulator) -> None:
    assert emu.gateway.identifies == 1
    assert {c["name"] for c in emu.global_commands} >= {"help", "qotd"}
    alice = harness.member("alice")
    handle = await emu.slash("help", member=alice)
    reply = await handle.reply()
    assert reply.ephemeral and reply.visible_to == alice.id
    assert "question of the day" in reply.text()
    assert "/help" in reply.text()
    assert reply not in emu.public(harness.channel)  # nobody else sees it


async def test_commands_are_not_synced_again_when_unchanged(
    harness: BotHarness, emu: Emulator
) -> None:
    assert len(emu.command_syncs) == 1
    await harness.restart()
    assert len(emu.command_syncs) == 1
    assert await harness.bot.sync_commands(force=True)
    assert len(emu.command_syncs) == 2


async def test_survives_reconnect_request(harness: BotHarness, emu: Emulator) -> None:
    await emu.gateway.send_reconnect()
    await emu.wait_until(lambda: emu.gateway.resumes >= 1)
    handle = await emu.slash("help", member=harness.member("bob"))
    assert "question of the day" in (await handle.reply()).text()
    assert emu.gateway.identifies == 1  # resumed, not re-identified


async def test_survives_a_dropped_connection_and_replays_missed_events(
    harness: BotHarness, emu: Emulator
) -> None:
    await emu.gateway.drop(abrupt=True)
    # an interaction created while the bot is disconnected is replayed on RESUME
    handle = await emu.slash("help", member=harness.member("carol"))
    assert "question of the day" in (await handle.reply(timeout=10)).text()
    assert emu.gateway.resumes >= 1
    harness.assert_alive()


async def test_survives_an_invalidated_session(harness: BotHarness, emu: Emulator) -> None:
    await emu.gateway.invalidate(resumable=False)
    await emu.wait_until(lambda: emu.gateway.identifies >= 2, timeout=10)
    await asyncio.sleep(0.1)  # READY and GUILD_CREATE of the new session
    handle = await emu.slash("help", member=harness.member("dave"))
    assert "question of the day" in (await handle.reply(timeout=10)).text()


async def test_retries_after_a_429(harness: BotHarness, emu: Emulator) -> None:
    emu.fail_next("POST", r"/interactions/\d+/.+/callback", 429, retry_after=0.2)
    handle = await emu.slash("help", member=harness.member("erin"))
    reply = await handle.reply(timeout=5)
    assert "question of the day" in reply.text()
    assert emu.rate_limited == [next(r for r in emu.rate_limited)]

    def attempts() -> list[int]:
        return [r.status for r in emu.requests if r.path.endswith("/callback")]

    # the emulator logs a request once its handler returns, which is after the reply shows
    await emu.wait_until(lambda: len(attempts()) == 2, timeout=5)
    assert attempts() == [429, 200]
