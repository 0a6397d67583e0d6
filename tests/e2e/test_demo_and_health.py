"""The demo runs to its end with every scene, and the health check follows the connection."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from emulator import Emulator
from tests.e2e.harness import BotHarness

ROOT = Path(__file__).resolve().parents[2]


def test_demo_plays_a_whole_morning() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCORD_")}
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    scenes = [
        "Ada sets up the daily question",
        "The question of the day is posted",
        "Three members answer",
        "The answer is revealed",
        "Ben practises with a solo quiz",
        "Cleo checks the leaderboard",
    ]
    positions = [out.index(f"· {scene}\n") for scene in scenes]
    assert positions == sorted(positions)
    for expected in (
        "First question:",
        "[Question of the day ·",
        "@studiers",
        "[✅ Right!]",
        "[❌ Not quite]",
        "You already answered this question",
        "3 answered",
        "3 answered · 67% right · first right answer: @Ben",
        "[Show answer]",  # a recall item
        "Key points",
        "You recalled",
        "Recorded: Good",
        "Which one of the techniques is this?",  # a which-one item: a list's labels as options
        "[Quiz finished · 1/1 right · 2 self-graded]",
        "[Leaderboard · All points · This week]",
        "1. @Ben · 20 points",
    ):
        assert expected in out, expected
    assert "Traceback" not in out + proc.stderr
    assert time.monotonic() - started < 60


async def test_health_file_follows_the_connection(emu: Emulator, tmp_path: Path) -> None:
    health = tmp_path / "health"
    h = BotHarness(emu, tmp_path)
    h.settings.health_file = health
    await h.start()
    try:
        await emu.wait_until(health.exists)
        env = {**os.environ, "HEALTH_FILE": str(health)}
        ok = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot", "health"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert ok.returncode == 0 and "healthy" in ok.stdout
        stale = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "bot", "health", "--max-age", "-1"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert stale.returncode == 1 and "unhealthy" in stale.stderr
    finally:
        await h.stop()
