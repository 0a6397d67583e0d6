"""Scenario 10: a server's own banks. What an upload of a full server bank (5,000 questions)
costs before its preview, what confirming it costs, what a one-question edit costs (the bank is
read back and its item maker prepared again), and what serving many servers' banks costs at
start-up, in time and memory."""

from __future__ import annotations

import asyncio
import gc
import resource
import tempfile
import time
from pathlib import Path

from bench.common import Report, median
from bench.data import yaml_bank
from bot.bank.form import QuestionForm, read_form
from bot.bank.model import Bank
from bot.db import Database
from bot.db.server_banks import MAX_SERVER_QUESTIONS
from bot.items.library import BankLibrary
from bot.server_banks import ServerBanks
from cogs.banks.cog import read_upload

ROUNDS = 3
SERVERS = 10


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(report: Report, count: int = MAX_SERVER_QUESTIONS, servers: int = SERVERS) -> None:
    asyncio.run(_run(report, count, servers))


async def _run(report: Report, count: int, servers: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = yaml_bank(Path(folder) / "upload.yaml", count)
        raw = path.read_bytes()
        timings = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            result, usable, _ = read_upload("upload.yaml", raw)
            timings.append(time.perf_counter() - start)
        assert result.bank is not None and usable is not None, result.errors[:3]
        questions = result.bank.questions
        report.add(
            f"upload of {len(questions):,} questions ({len(raw) / 2**20:.1f} MB): "
            "read, prepared, preview",
            f"{median(timings):.2f} s",
            "under 15 s (the interaction is deferred)",
            median(timings) < 15,
        )
        async with await Database.open(Path(folder) / "bot.sqlite3") as db:
            service = ServerBanks(db, BankLibrary({}))
            start = time.perf_counter()
            await service.replace(1, "upload", "Upload", questions, source=None, user_id=1, now=0)
            report.add("confirm: stored and served", f"{time.perf_counter() - start:.2f} s")
            first = questions[0]
            edited, _ = read_form(
                QuestionForm(first.prompt, "An edited answer."), question_id=first.id, keep=first
            )
            assert edited is not None
            start = time.perf_counter()
            await service.put_question(1, "upload", edited, user_id=1, now=1)
            report.add(
                f"one question edited in a bank of {count:,}",
                f"{time.perf_counter() - start:.2f} s",
            )
            for guild in range(2, servers + 1):
                await service.replace(
                    guild, "upload", "Upload", questions, source=None, user_id=1, now=0
                )
            gc.collect()
            before = _rss_mb()
            fresh = BankLibrary({})
            start = time.perf_counter()
            served = await ServerBanks(db, fresh).load()
            elapsed = time.perf_counter() - start
            report.add(
                f"start-up: {servers} servers' banks ({served:,} questions) served",
                f"{elapsed:.1f} s",
            )
            report.add(
                "memory peak growth while serving them (ru_maxrss)",
                f"{max(0.0, _rss_mb() - before):.0f} MB",
            )
            assert isinstance(fresh.get("5:upload"), Bank)


if __name__ == "__main__":
    run(Report("server banks"))
