"""The README's screenshots of the web pages: the real bot against the emulator, with a few
days of questions and answers, read in the system's Chromium.

    python -m tests.e2e.web_screenshots docs/images
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from emulator import Emulator
from tests.e2e.harness import BotHarness
from tests.e2e.test_qotd import NINE, setup_qotd
from tests.e2e.web_browser import chromium, free_port

MEMBERS = ("Ines", "Jo", "Kai", "Lu", "Mo")


async def take(out: Path) -> list[Path]:
    emu = Emulator()
    emu.add_guild("Interview prep")
    await emu.start()
    with tempfile.TemporaryDirectory() as folder:
        h = BotHarness(emu, Path(folder), web_port=free_port(), web_host="127.0.0.1")
        await h.start()
        try:
            return await _take(h, emu, out)
        finally:
            await h.stop()
            await emu.stop()


async def _take(h: BotHarness, emu: Emulator, out: Path) -> list[Path]:
    admin = h.member("Ada", admin=True)
    members = [h.member(name) for name in MEMBERS]
    await setup_qotd(h, admin)
    for day in range(4):
        await h.tick(NINE + timedelta(days=day))
        post = await h.db.fetchone("SELECT id, item FROM posts ORDER BY id DESC LIMIT 1")
        assert post is not None
        message = [m for m in emu.public(h.channel) if f"qotd:{post['id']}:0" in m.custom_ids()][0]
        for n, member in enumerate(members[: 5 - day % 3]):
            choice = (n + day) % 2
            await (await emu.click(message, f"qotd:{post['id']}:{choice}", member=member)).reply()
        await (await emu.slash("qotd reveal-now", member=admin)).reply()
    enabled = await (await emu.slash("web enable", member=admin)).reply()
    url = re.search(r"http://\S+/s/[\w-]+", enabled.text())
    assert url
    stats = await (await emu.slash("stats", member=members[0])).reply()
    own = next(
        f["value"] for f in stats.embeds[0]["fields"] if f["name"].startswith("Your progress")
    )
    shots = []
    async with chromium() as browser:
        for name, link, viewport in (
            ("web-server.png", url[0] + "?period=all", {"width": 1000, "height": 1100}),
            ("web-phone.png", url[0] + "?period=all", {"width": 375, "height": 800}),
            ("web-member.png", own, {"width": 1000, "height": 700}),
        ):
            page = await browser.new_page(viewport=viewport)
            await page.goto(link)
            path = out / name
            await page.screenshot(path=str(path))
            shots.append(path)
    return shots


if __name__ == "__main__":
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images")
    folder.mkdir(parents=True, exist_ok=True)
    for shot in asyncio.run(take(folder)):
        print(shot)
