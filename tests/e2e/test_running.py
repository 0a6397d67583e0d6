"""Running unattended: health means connected now, the gateway may be down, stops are prompt."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from discord.backoff import ExponentialBackoff
from pydantic import SecretStr

from bot.config import Settings
from bot.runner import EXIT_OK, serve
from emulator import Emulator
from tests.e2e.databases import database_settings
from tests.e2e.harness import BotHarness
from tests.e2e.processes import start, stop
from tests.e2e.test_operations import bot_env

ROOT = Path(__file__).resolve().parents[2]


def health(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "health"],
        env={**os.environ, "HEALTH_FILE": str(path)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


async def test_health_means_connected_now_and_ends_with_a_clean_stop(
    emu: Emulator, tmp_path: Path
) -> None:
    path = tmp_path / "health"
    h = BotHarness(emu, tmp_path)
    h.settings.health_file = path
    await h.start()
    try:
        await emu.wait_until(path.exists)
        assert (await asyncio.to_thread(health, path)).returncode == 0
        await emu.gateway.outage()
        await emu.wait_until(lambda: emu.gateway.refused >= 1, timeout=10)
        await h.bot.heartbeat()  # the 30-second heartbeat, while discord.py reconnects
        down = await asyncio.to_thread(health, path)
        assert down.returncode == 1 and "unhealthy" in down.stderr, down
        emu.gateway.recover()
        await emu.wait_until(lambda: emu.gateway.connected, timeout=20)
        await emu.wait_until(path.exists)
        assert (await asyncio.to_thread(health, path)).returncode == 0
    finally:
        await h.stop()
    assert not path.exists(), "the health file outlived a clean stop"
    assert (await asyncio.to_thread(health, path)).returncode == 1


async def test_stop_is_prompt_while_discord_is_unreachable(
    emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        discord_token=SecretStr(emu.token),
        discord_api_base_url=emu.base_url,
        discord_gateway_url=emu.gateway_url,
        _env_file=None,  # type: ignore[call-arg]
        **database_settings(tmp_path),  # type: ignore[arg-type]
    )
    stopping = asyncio.Event()
    running = asyncio.create_task(serve(settings, emu.token, stop=stopping))
    await emu.wait_until(lambda: emu.gateway.connected, timeout=20)
    # Deep into discord.py's reconnect back-off, each wait is minutes long.
    monkeypatch.setattr(ExponentialBackoff, "delay", lambda self: 300.0)
    with caplog.at_level(logging.INFO, logger="discord.client"):
        await emu.gateway.outage()
        await emu.wait_until(
            lambda: any("reconnect" in r.getMessage() for r in caplog.records), timeout=10
        )
        stopping.set()
        async with asyncio.timeout(5):
            assert await running == EXIT_OK


async def test_first_start_waits_for_an_unreachable_gateway(emu: Emulator, tmp_path: Path) -> None:
    emu.gateway.up = False
    process = await start([sys.executable, "-m", "bot"], cwd=ROOT, env=bot_env(emu, tmp_path))
    try:
        await emu.wait_until(lambda: emu.gateway.refused >= 2, timeout=30)
        assert process.returncode is None, "the bot gave up"
        emu.gateway.recover()
        await emu.wait_until(lambda: emu.gateway.connected, timeout=30)
        code, output = await stop(process, signal.SIGTERM)
    finally:
        if process.returncode is None:
            process.kill()
    assert code == 0, output
    assert "cannot reach Discord's gateway" in output
    assert "Traceback" not in output and "AttributeError" not in output
    assert "stopped cleanly" in output


async def test_a_second_copy_on_the_same_database_is_refused(emu: Emulator, tmp_path: Path) -> None:
    # SQLite only: a SQLite file is locked by its one process, while processes of different
    # shards share one PostgreSQL database by design.
    env = bot_env(emu, tmp_path, sqlite=True)
    first = await start([sys.executable, "-m", "bot"], cwd=ROOT, env=env)
    try:
        await emu.wait_until(lambda: emu.gateway.connected and emu.global_commands, timeout=20)
        second = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert second.returncode != 0
        (line,) = [line for line in second.stderr.splitlines() if line.strip()]
        assert "already" in line and env["DATABASE_PATH"] in line, line
        assert "Traceback" not in second.stdout + second.stderr
        assert emu.gateway.identifies == 1
        code, output = await stop(first, signal.SIGTERM)
        assert code == 0, output
    finally:
        if first.returncode is None:
            first.kill()
    # released on exit, and a copy that crashed (SIGKILL) leaves no lock behind
    for ending in (signal.SIGKILL, signal.SIGTERM):
        identified = emu.gateway.identifies
        again = await start([sys.executable, "-m", "bot"], cwd=ROOT, env=env)
        try:
            await emu.wait_until(lambda n=identified: emu.gateway.identifies > n, timeout=20)
            await stop(again, ending)
        finally:
            if again.returncode is None:
                again.kill()


def problems_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{r.levelname} {r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.ERROR or r.exc_info
    ]


async def test_a_member_error_is_not_logged_as_an_error(
    harness: BotHarness, emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    host, other = harness.member("host"), harness.member("other")
    with caplog.at_level(logging.INFO):
        await (await emu.slash("quiz", {"questions": 2, "mode": "group"}, member=host)).reply()
        busy = await (await emu.slash("quiz", {"mode": "group"}, member=other)).reply()
        assert "already running in this channel" in busy.text()
    assert problems_logged(caplog) == []


@pytest.fixture
async def sqlite_harness(emu: Emulator, tmp_path: Path) -> AsyncIterator[BotHarness]:
    """A bot on a SQLite file whatever STUDYBOT_E2E_DATABASE says, for a test that drives
    SQLite's own limits."""
    h = BotHarness(emu, tmp_path, sqlite=True)
    await h.start()
    yield h
    h.assert_alive()
    await h.stop()


async def test_a_full_disk_is_one_warning_and_a_sentence_for_each_member(
    sqlite_harness: BotHarness, emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    # SQLite only: the full disk is made with SQLite's page limit.
    harness = sqlite_harness
    admin = harness.member("admin", admin=True)
    setup = {"channel": harness.channel, "time": "09:00", "timezone": "UTC", "format": "choice"}
    await (await emu.slash("qotd setup", setup, member=admin)).reply()
    assert "Posted" in (await (await emu.slash("qotd post-now", member=admin)).reply()).text()
    (post,) = [m for m in emu.public(harness.channel) if m.custom_ids()]
    # The disk fills up: SQLite can no longer grow the file (SQLITE_FULL, as on a full disk).
    limit = await harness.db.scalar("PRAGMA page_count") + 8
    await harness.db.write(lambda conn: conn.execute(f"PRAGMA max_page_count = {limit}"))
    await harness.db.execute("CREATE TABLE filler (x BLOB)")
    for size in (2000, 64):  # other files take every free page
        with contextlib.suppress(Exception):
            while True:
                await harness.db.execute("INSERT INTO filler VALUES (randomblob(?))", (size,))
    with caplog.at_level(logging.INFO):
        texts = []
        # enough answers to outgrow the pages they have (answers to an open question add no
        # score rows until the reveal, so each takes little room)
        for n in range(120):
            member = harness.member(f"m{n}")
            buttons = post.custom_ids()
            handle = await emu.click(post, buttons[n % len(buttons)], member=member)
            texts.append((await handle.reply(timeout=10)).text())
    full = [t for t in texts if "disk" in t]
    assert full, texts
    assert all("Right!" in t or "Not quite" in t or "disk" in t for t in texts), texts
    assert problems_logged(caplog) == []
    warnings = [
        r for r in caplog.records if r.levelno == logging.WARNING and "full" in r.getMessage()
    ]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
