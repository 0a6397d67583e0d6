"""Running it for real: settings errors, invite link, intents, forced sync, SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from bot.db import Database
from bot.discord_glue.permissions import required_permissions
from emulator import Emulator
from tests.e2e.databases import database_env
from tests.e2e.processes import start, stop

ROOT = Path(__file__).resolve().parents[2]
from bot.discord_glue.client import SHUTTING_DOWN  # noqa: E402


def bot_env(emu: Emulator, tmp_path: Path, *, sqlite: bool = False, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
    env.update(
        DISCORD_TOKEN=emu.token,
        DISCORD_API_BASE_URL=emu.base_url,
        DISCORD_GATEWAY_URL=emu.gateway_url,
        **database_env(tmp_path, sqlite=sqlite),
    )
    env.update(extra)
    return env


async def run_bot(env: dict[str, str], *args: str, timeout: float = 20) -> tuple[int, str]:
    process = await start([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env)
    assert process.stdout is not None
    output = await asyncio.wait_for(process.stdout.read(), timeout)
    return await process.wait(), output.decode()


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator()
    emulator.add_guild()
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.mark.parametrize(
    ("token", "sentence"),
    [
        ("", "DISCORD_TOKEN is not set"),
        ("not-a-token", "DISCORD_TOKEN does not look like a bot token"),
        (Emulator.make_token(42), "Discord rejected DISCORD_TOKEN"),
    ],
)
async def test_token_problems_are_one_sentence(
    emu: Emulator, tmp_path: Path, token: str, sentence: str
) -> None:
    code, output = await run_bot(bot_env(emu, tmp_path, DISCORD_TOKEN=token))
    assert code == 2
    assert sentence in output
    assert "Traceback" not in output
    if token:
        assert token not in output


async def test_refused_privileged_intent_is_one_sentence(tmp_path: Path) -> None:
    emu = Emulator(identify_close_code=4014)
    emu.add_guild()
    await emu.start()
    try:
        code, output = await run_bot(bot_env(emu, tmp_path))
    finally:
        await emu.stop()
    assert code == 2 and "privileged intent" in output and "Traceback" not in output


async def test_bad_setting_is_one_sentence(emu: Emulator, tmp_path: Path) -> None:
    code, output = await run_bot(bot_env(emu, tmp_path, LOG_LEVEL="LOUD"))
    assert code == 2 and "LOG_LEVEL" in output and "Traceback" not in output


async def test_invite_asks_for_exactly_what_the_features_need(
    emu: Emulator, tmp_path: Path
) -> None:
    code, output = await run_bot(bot_env(emu, tmp_path), "invite")
    assert code == 0
    url = next(line for line in output.splitlines() if line.startswith("https://"))
    query = parse_qs(urlparse(url).query)
    assert query["client_id"] == [str(emu.application_id)]
    assert query["scope"] == ["bot applications.commands"]
    permissions = int(query["permissions"][0])
    assert permissions == required_permissions().value
    assert not permissions & (1 << 3)  # never Administrator
    assert required_permissions().send_messages and required_permissions().embed_links


async def test_forced_sync_and_only_the_guilds_intent(emu: Emulator, tmp_path: Path) -> None:
    code, output = await run_bot(bot_env(emu, tmp_path), "sync")
    assert code == 0 and "synced" in output
    assert len(emu.command_syncs) == 1
    code, _ = await run_bot(bot_env(emu, tmp_path), "sync")
    assert len(emu.command_syncs) == 2  # forced, even though nothing changed
    assert emu.gateway.identifies == 0  # sync uses HTTP only


async def test_forced_sync_works_while_the_bot_runs(emu: Emulator, tmp_path: Path) -> None:
    env = bot_env(emu, tmp_path)
    # the running bot holds it
    async with await Database.open(env.get("DATABASE_URL") or Path(env["DATABASE_PATH"])):
        code, output = await run_bot(env, "sync")
    assert code == 0 and "synced" in output, output
    assert len(emu.command_syncs) == 1


async def test_sigterm_during_a_burst_of_clicks(emu: Emulator, tmp_path: Path) -> None:
    env = bot_env(emu, tmp_path)
    process = await start([sys.executable, "-m", "bot"], cwd=ROOT, env=env)
    try:
        await emu.wait_until(lambda: emu.gateway.connected and emu.global_commands, timeout=20)
        assert emu.identified_intents == [1]  # GUILDS only: no privileged intent
        guild = next(iter(emu.guilds.values()))
        admin = emu.add_member(guild, "admin", admin=True)
        channel = emu.text_channel(guild)
        setup = {"channel": channel, "time": "09:00", "timezone": "UTC", "format": "choice"}
        await (await emu.slash("qotd setup", setup, member=admin)).reply()
        posted = await (await emu.slash("qotd post-now", member=admin)).reply(timeout=10)
        assert "Posted" in posted.text()
        (post,) = [m for m in emu.public(channel) if m.custom_ids()]
        members = [emu.add_member(guild, f"m{n}") for n in range(120)]
        handles = []
        for n, member in enumerate(members):
            buttons = post.custom_ids()
            handles.append(await emu.click(post, buttons[n % len(buttons)], member=member))
            await asyncio.sleep(0.01)  # a burst over about a second, not a time-dependent check
            if n == 60:
                process.send_signal(signal.SIGTERM)
                stopped_at = time.monotonic()
        code, output = await stop(process, signal.SIGTERM, timeout=15)
        elapsed = time.monotonic() - stopped_at
    finally:
        if process.returncode is None:
            process.kill()
    assert code == 0, output
    assert elapsed < 5
    assert "stopped cleanly" in output
    replies = {
        h.member.id: " ".join(m.text() for m in h.messages() if not m.loading) for h in handles
    }
    answered = [u for u, text in replies.items() if "Right!" in text or "Not quite" in text]
    others = {text for u, text in replies.items() if text and u not in answered}
    assert others <= {SHUTTING_DOWN}, (others, output[-3000:])
    async with await Database.open(env.get("DATABASE_URL") or Path(env["DATABASE_PATH"])) as db:
        stored = {row[0] for row in await db.fetchall("SELECT user_id FROM answers")}
    assert answered, "no click was answered before the stop"
    assert set(answered) <= stored  # every acknowledged answer is in the database
