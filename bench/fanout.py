"""Scenarios 2 and 4: many servers due in the same minute; start-up time and memory.

N servers each have a question of the day due now (written to the database before the bot
starts, with a 10,000-question bank in BANKS_DIR for the largest run). The bot starts in its own
process against the emulator (Discord's global limit of 50 requests/s enforced) and posts them all.
Reported: time to ready, resident memory, the time until every post is sent against the floor
N/50 s, 429s, missed or duplicated posts, and the longest event-loop stall inside the bot.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bench.common import BotProcess, Report, rss_mb
from bench.data import markdown_bank
from bot.db import Database
from bot.db.qotd import ScheduleSpec, save_schedule
from bot.study.schedule import ALL_DAYS, due_on
from emulator import Emulator

SIZES = (1000, 10000)
SEED_BANK = "generative-ai-interview-questions"


async def _schedules(path: Path, emu: Emulator) -> None:
    now = datetime.now(UTC)
    local_time = f"{now.hour:02d}:{now.minute:02d}"
    due = int(due_on(now.date(), local_time, "UTC").timestamp())
    async with await Database.open(path) as db:
        await asyncio.gather(
            *(
                save_schedule(
                    db,
                    ScheduleSpec(
                        g.id, emu.text_channel(g).id, local_time, "UTC", ALL_DAYS, SEED_BANK
                    ),
                    next_due=due,
                    now=due,
                )
                for g in emu.guilds.values()
            )
        )


async def _run(n: int, folder: Path, big_bank: bool) -> dict[str, float]:
    emu = Emulator(validate=False)
    for i in range(n):
        emu.add_guild(f"Server {i}")
    await emu.start()
    await _schedules(folder / "bot.sqlite3", emu)
    env = {}
    if big_bank:
        banks = folder / "banks"
        banks.mkdir()
        markdown_bank(banks / "synthetic.md", 10_000)
        env["BANKS_DIR"] = str(banks)
    bot = await BotProcess.start(emu, folder, env=env)
    try:
        ready = await bot.wait_ready(timeout=300)
        rss_ready = rss_mb(bot.process.pid)
        ready_at = time.monotonic()

        def posts() -> list[int]:
            return [m.channel_id for m in emu.messages.values() if m.custom_ids()]

        # Count new messages only: rescanning 10,000 of them twice a second would stall the
        # emulator's loop and bunch the bot's requests, which the bot's figures would then show.
        seen, posted = 0, 0
        deadline = ready_at + n / 50 * 2 + 120
        while posted < n and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            fresh = list(emu.messages.values())[seen:]
            seen += len(fresh)
            posted += sum(1 for m in fresh if m.custom_ids())
        created = sorted(m.created for m in emu.messages.values() if m.custom_ids())
        rss_end = rss_mb(bot.process.pid)
    finally:
        await bot.stop()
        await emu.stop()
    counts = Counter(posts())
    channels = {emu.text_channel(g).id for g in emu.guilds.values()}
    return {
        "ready": ready,
        "rss_ready": rss_ready,
        "rss_end": rss_end,
        "posting": (created[-1] - created[0]) if created else float("nan"),
        "until_last": (created[-1] - (time.time() - (time.monotonic() - ready_at)))
        if created
        else float("nan"),
        "rate_limited": len(emu.rate_limited),
        "missed": len(channels - set(counts)),
        "duplicated": sum(c - 1 for c in counts.values() if c > 1),
        "stall_ms": bot.longest_stall_ms(),
    }


def run(report: Report, sizes: tuple[int, ...] = SIZES) -> None:
    for n in sizes:
        big = n == max(sizes)
        with tempfile.TemporaryDirectory() as folder:
            r = asyncio.run(_run(n, Path(folder), big))
        floor = n / 50
        extra = " and a 10,000-question bank" if big else ""
        report.add(f"{n} servers{extra}: start to ready", f"{r['ready']:.1f} s")
        report.add(
            f"{n} servers: resident memory at ready / after posting",
            f"{r['rss_ready']:.0f} / {r['rss_end']:.0f} MB",
        )
        report.add(
            f"{n} servers: first to last post",
            f"{r['posting']:.1f} s",
            f"<= {floor * 1.25:.0f} s (1.25 x {floor:.0f} s floor)",
            r["posting"] <= floor * 1.25,
        )
        report.add(f"{n} servers: 429s received", f"{r['rate_limited']}")
        report.add(
            f"{n} servers: posts missed / duplicated",
            f"{r['missed']} / {r['duplicated']}",
            "0 / 0",
            r["missed"] == 0 and r["duplicated"] == 0,
        )
        report.add(
            f"{n} servers: longest event-loop stall",
            f"{r['stall_ms']:.0f} ms",
            "< 50 ms",
            r["stall_ms"] < 50,
        )


if __name__ == "__main__":
    run(Report("fan-out"))
