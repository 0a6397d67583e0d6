"""Scenarios 2 and 4: many servers due in the same minute; start-up time and memory.

N servers each have a question of the day due now (written to the database before the bot
starts, with a 10,000-question bank in BANKS_DIR for the largest run). The bot starts in its own
process against the emulator (Discord's global limit of 50 requests/s enforced) and posts them all.
Reported: time to ready, resident memory, the time until every post is sent against the floor
N/50 s, 429s, missed or duplicated posts, and the longest event-loop stall inside the bot.

The same runs on a durable PostgreSQL server (one process), and split over two processes with a
shard each on that server: Discord's global limit is per bot, not per process, and the emulator
holds one global bucket for all of a bot's connections, so the floor stays N/50 s.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import postgres
from bench.common import BotProcess, Report, rss_mb
from bench.data import markdown_bank
from bot.db import Database
from bot.db.qotd import ScheduleSpec, save_schedule
from bot.study.schedule import ALL_DAYS, due_on
from emulator import Emulator

SIZES = (1000, 10000)
SEED_BANK = "generative-ai-interview-questions"


@dataclass(frozen=True)
class Setup:
    """Where the bot keeps its data and how many processes (one shard each) share the work."""

    label: str
    database_url: str | None = None  # None: the SQLite file in the run's folder
    processes: int = 1

    def env(self, shard: int) -> dict[str, str]:
        env = {"DATABASE_URL": self.database_url} if self.database_url else {}
        if self.processes > 1:
            env |= {"SHARD_COUNT": str(self.processes), "SHARD_IDS": str(shard)}
        return env


async def _schedules(path: Path | str, emu: Emulator) -> None:
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


async def _run(
    n: int, folder: Path, big_bank: bool, setup: Setup = Setup("SQLite")
) -> dict[str, float]:
    emu = Emulator(validate=False)
    shards = max(setup.processes, 1)
    for i in range(n):  # servers split evenly over the shards
        emu.add_guild(f"Server {i}", shard=(i % shards, shards) if shards > 1 else None)
    await emu.start()
    await _schedules(setup.database_url or folder / "bot.sqlite3", emu)
    env: dict[str, str] = {}
    if big_bank:
        banks = folder / "banks"
        banks.mkdir()
        markdown_bank(banks / "synthetic.md", 10_000)
        env["BANKS_DIR"] = str(banks)
    bots = [
        await BotProcess.start(emu, folder, env=env | setup.env(shard))
        for shard in range(setup.processes)
    ]
    try:
        ready = max([await bot.wait_ready(timeout=300) for bot in bots])
        rss_ready = sum(rss_mb(bot.process.pid) for bot in bots)
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
        rss_end = sum(rss_mb(bot.process.pid) for bot in bots)
    finally:
        for bot in bots:
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
        "stall_ms": max(bot.longest_stall_ms() for bot in bots),
    }


def _measure(n: int, big: bool, setup: Setup, server_url: str | None) -> dict[str, float]:
    url = postgres.create_database(server_url) if server_url else None
    try:
        with tempfile.TemporaryDirectory() as folder:
            if url:
                setup = Setup(setup.label, url, setup.processes)
            return asyncio.run(_run(n, Path(folder), big, setup))
    finally:
        if url:
            postgres.remove_database(url)


def _add(report: Report, n: int, big: bool, r: dict[str, float], label: str) -> None:
    floor = n / 50
    at = f"{label}, {n} servers" if label else f"{n} servers"
    extra = " and a 10,000-question bank" if big else ""
    report.add(f"{at}{extra}: start to ready", f"{r['ready']:.1f} s")
    report.add(
        f"{at}: resident memory at ready / after posting",
        f"{r['rss_ready']:.0f} / {r['rss_end']:.0f} MB",
    )
    report.add(
        f"{at}: first to last post",
        f"{r['posting']:.1f} s",
        f"<= {floor * 1.25:.0f} s (1.25 x {floor:.0f} s floor)",
        r["posting"] <= floor * 1.25,
    )
    report.add(f"{at}: ready to last post", f"{r['until_last']:.1f} s")
    report.add(f"{at}: 429s received", f"{r['rate_limited']}")
    report.add(
        f"{at}: posts missed / duplicated",
        f"{r['missed']} / {r['duplicated']}",
        "0 / 0",
        r["missed"] == 0 and r["duplicated"] == 0,
    )
    report.add(
        f"{at}: longest event-loop stall",
        f"{r['stall_ms']:.0f} ms",
        "< 50 ms",
        r["stall_ms"] < 50,
    )


SQLITE = Setup("")
POSTGRES = Setup("PostgreSQL")
TWO_SHARDS = Setup("PostgreSQL, two processes (a shard each)", processes=2)
SPLIT_SIZES = (10000,)


def run(
    report: Report, sizes: tuple[int, ...] = SIZES, split_sizes: tuple[int, ...] = SPLIT_SIZES
) -> None:
    """Each size on SQLite then on PostgreSQL, then the split sizes over two processes."""
    with postgres.server() as server_url:
        report.note(f"PostgreSQL: {postgres.durability(server_url)}")
        runs = [(n, s) for n in sizes for s in (SQLITE, POSTGRES)]
        runs += [(n, TWO_SHARDS) for n in split_sizes]
        for n, setup in runs:
            big = n == max(sizes)
            r = _measure(n, big, setup, server_url if setup is not SQLITE else None)
            _add(report, n, big, r, setup.label)
        if split_sizes:
            report.note(
                "two processes: start to ready is the later process's, memory the sum of "
                "both, the stall the longer of the two; 429s are the emulator's, which keeps one "
                "global bucket (50 requests/s) for the bot whatever the number of connections"
            )


if __name__ == "__main__":
    run(Report("fan-out"))
