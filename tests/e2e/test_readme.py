"""What the README shows is what the bot and the emulator do."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import aiohttp
from discord import app_commands

from emulator import Emulator
from tests.e2e.harness import BotHarness

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_demo_excerpt_is_what_the_demo_prints() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCORD_")}
    demo = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    demo = "\n".join(line.rstrip() for line in demo.splitlines())
    section = README[README.index("## See it first") : README.index("## Set up")]
    excerpt = re.search(r"```\n(.*?)```", section, re.DOTALL)
    assert excerpt
    lines = excerpt[1].splitlines()
    assert len(lines) > 20
    # consecutive lines of the excerpt appear as they are in the output ("..." skips)
    for block in "\n".join(lines).split("\n  ...\n"):
        assert block.strip("\n") in demo, block
    assert "<t:" not in demo and "revealed in 2 hours" in demo


async def test_control_endpoints_are_documented_and_find_channels(
    harness: BotHarness, emu: Emulator
) -> None:
    routes = {
        r.resource.canonical
        for r in emu.app().router.routes()
        if r.resource is not None and r.resource.canonical.startswith("/_emulator/")
    }
    assert routes >= {"/_emulator/status", "/_emulator/slash", "/_emulator/messages"}
    for route in routes:
        assert re.search(rf"`(GET|POST) {route}\b", README), route
    channel = await emu.add_channel(harness.guild, "daily-question")
    base = emu.base_url.removesuffix("/api/v10")
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/_emulator/status") as response:
            status = await response.json()
        (guild,) = status["guilds"]
        assert {"id": str(channel.id), "name": "daily-question", "type": 0} in guild["channels"]
        setup = {
            "command": "qotd setup",
            "options": {"channel": "#daily-question", "time": "09:00", "timezone": "UTC"},
            "user": "ada",
            "admin": True,
        }
        async with http.post(f"{base}/_emulator/slash", json=setup) as response:
            answer = await response.json()
        assert response.status == 200 and "#daily-question" in answer["shown"], answer
        post = {"command": "qotd post-now", "user": "ada", "channel": "daily-question"}
        async with http.post(f"{base}/_emulator/slash", json=post) as response:
            assert "Posted" in (await response.json())["text"]
        async with http.get(
            f"{base}/_emulator/messages", params={"channel": str(channel.id)}
        ) as response:
            messages = await response.json()
        (question,) = messages
        assert "[Question of the day" in question["shown"] and question["custom_ids"]
        async with http.get(f"{base}/_emulator/messages", params={"channel": "nope"}) as response:
            assert (
                response.status == 404 and "/_emulator/status" in (await response.json())["error"]
            )


async def test_every_command_is_in_the_readme_table(harness: BotHarness) -> None:
    table = README[README.index("## Commands") :].split("\n## ", 1)[0]
    listed = set(re.findall(r"`(/[a-z-]+(?: [a-z-]+)?)", table))
    for command in harness.bot.tree.walk_commands():
        if not isinstance(command, app_commands.Group):
            assert f"/{command.qualified_name}" in listed, command.qualified_name
