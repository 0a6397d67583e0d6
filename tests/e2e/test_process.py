"""`python -m bot` as a user runs it, against `python -m emulator` in its own process."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import aiohttp

from tests.e2e.databases import database_env
from tests.e2e.processes import read_settings, start, stop

ROOT = Path(__file__).resolve().parents[2]


async def test_bot_process_connects_to_emulator_process_and_answers_help(tmp_path: Path) -> None:
    emulator = await start([sys.executable, "-m", "emulator", "--port", "0"], cwd=tmp_path)
    try:
        env = await read_settings(emulator)
        base = env["DISCORD_API_BASE_URL"].removesuffix("/api/v10")
        bot = await start(
            [sys.executable, "-m", "bot"],
            cwd=ROOT,
            env={**os.environ, **env, **database_env(tmp_path)},
        )
        try:
            async with aiohttp.ClientSession() as http:
                deadline = time.monotonic() + 20
                while True:
                    async with http.get(f"{base}/_emulator/status") as response:
                        status = await response.json()
                    if status["connected"] and "help" in status["commands"]:
                        break
                    assert time.monotonic() < deadline, "the bot did not connect"
                    assert bot.returncode is None, "the bot exited"
                    await asyncio.sleep(0.1)
                async with http.post(
                    f"{base}/_emulator/slash", json={"command": "help", "user": "alice"}
                ) as response:
                    answer = await response.json()
                assert response.status == 200, answer
                assert "question of the day" in answer["text"] and answer["ephemeral"]
                async with http.get(f"{base}/_emulator/status") as response:
                    status = await response.json()
                assert status["violations"] == [] and status["unknown_routes"] == []
            started = time.monotonic()
            code, output = await stop(bot, signal.SIGTERM)
            assert code == 0, output
            assert time.monotonic() - started < 5
            assert "stopped cleanly" in output
            assert env["DISCORD_TOKEN"] not in output
        finally:
            if bot.returncode is None:
                bot.kill()
    finally:
        await stop(emulator, signal.SIGTERM)
