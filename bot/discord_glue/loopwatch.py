"""Measures how long the event loop is blocked: a 10 ms ticker notes how late it wakes up.

A blocked loop delays every interaction acknowledgement, so long stalls are logged, and the
largest one is reported when the bot stops (the benchmarks read it there).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

log = logging.getLogger(__name__)

TICK = 0.010
WARN_AFTER = 0.250


class LoopWatch:
    def __init__(self, tick: float = TICK) -> None:
        self.tick = tick
        self.max_lag = 0.0
        self._since = 0.0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="loop-watch")

    def reset(self) -> None:
        """Forget the stalls so far (start-up is measured apart, as the time to ready)."""
        self.max_lag = 0.0
        self._since = time.perf_counter()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        log.info("event loop: longest stall since ready %.1f ms", self.max_lag * 1000)

    async def _run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(self.tick)
            lag = time.perf_counter() - before - self.tick
            if before < self._since:
                continue  # this wait began before a reset
            if lag > self.max_lag:
                self.max_lag = lag
            if lag > WARN_AFTER:
                log.warning("event loop: blocked for %.0f ms", lag * 1000)
