"""Run the bot and the emulator as separate processes, exactly as a user would."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path


async def start(
    argv: list[str], *, cwd: Path, env: dict[str, str] | None = None
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *argv,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def read_settings(process: asyncio.subprocess.Process) -> dict[str, str]:
    """The KEY=value lines `python -m emulator` prints on start."""
    assert process.stdout is not None
    settings: dict[str, str] = {}
    while len(settings) < 3:
        line = (await asyncio.wait_for(process.stdout.readline(), 10)).decode().strip()
        if not line:
            raise RuntimeError("the emulator exited before printing its settings")
        key, _, value = line.partition("=")
        settings[key] = value
    return settings


async def stop(
    process: asyncio.subprocess.Process, sig: signal.Signals, timeout: float = 10
) -> tuple[int, str]:
    if process.returncode is None:
        process.send_signal(sig)
    assert process.stdout is not None
    output = await asyncio.wait_for(process.stdout.read(), timeout)
    code = await asyncio.wait_for(process.wait(), timeout)
    return code, output.decode(errors="replace")
