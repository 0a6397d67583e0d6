"""Shared by the scenarios: the bot in its own process against an in-process emulator, and the
figures' arithmetic."""

from __future__ import annotations

import asyncio
import os
import platform
import re
import signal
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from emulator import Emulator

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Result:
    """One figure with its target; ``ok`` is None for figures without one."""

    name: str
    value: str
    target: str = ""
    ok: bool | None = None

    def line(self) -> str:
        verdict = "" if self.ok is None else ("  ok" if self.ok else "  MISSED")
        target = f"  (target: {self.target})" if self.target else ""
        return f"  {self.name:<52} {self.value:>18}{target}{verdict}"


@dataclass
class Report:
    title: str
    results: list[Result] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, value: str, target: str = "", ok: bool | None = None) -> None:
        result = Result(name, value, target, ok)
        self.results.append(result)
        print(result.line(), flush=True)

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  note: {text}", flush=True)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()}"


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


class BotProcess:
    """`python -m bot` (or another module) in its own process, its output collected."""

    def __init__(self, process: asyncio.subprocess.Process, started: float) -> None:
        self.process = process
        self.started = started
        self.lines: list[str] = []
        self.ready_at: float | None = None
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(
        cls, emu: Emulator, folder: Path, *, module: str = "bot", env: dict[str, str] | None = None
    ) -> BotProcess:
        full = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATABASE_"))}
        full.update(
            DISCORD_TOKEN=emu.token,
            DISCORD_API_BASE_URL=emu.base_url,
            DISCORD_GATEWAY_URL=emu.gateway_url,
            DATABASE_PATH=str(folder / "bot.sqlite3"),
            LOG_LEVEL="INFO",
        )
        full.update(env or {})
        started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            module,
            cwd=ROOT,
            env=full,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        return cls(process, started)

    async def _read(self) -> None:
        assert self.process.stdout is not None
        while line := await self.process.stdout.readline():
            text = line.decode(errors="replace").rstrip()
            self.lines.append(text)
            if self.ready_at is None and "connected as" in text:
                self.ready_at = time.monotonic()

    async def wait_ready(self, timeout: float = 120) -> float:
        """Seconds from process start to the bot's "connected" log line."""
        deadline = time.monotonic() + timeout
        while self.ready_at is None:
            if self.process.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError("the bot did not become ready:\n" + "\n".join(self.lines[-20:]))
            await asyncio.sleep(0.05)
        return self.ready_at - self.started

    async def stop(self) -> int:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), 60)
        await self._reader
        return code

    def longest_stall_ms(self) -> float:
        for line in reversed(self.lines):
            m = re.search(r"longest stall since ready ([\d.]+) ms", line)
            if m:
                return float(m.group(1))
        return float("nan")
