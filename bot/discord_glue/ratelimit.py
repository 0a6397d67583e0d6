"""A token bucket that paces the bot's own REST calls under Discord's global limit."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class RateLimiter:
    """Allows ``rate`` acquisitions per second on average and bursts of ``burst``: in any one
    second at most ``rate + burst`` pass, which is what a sliding-window limit counts."""

    def __init__(
        self,
        rate: float,
        burst: int = 5,
        *,
        until_clear: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self.rate = rate
        self.capacity = float(burst)
        self._tokens = self.capacity
        self._updated = time.monotonic()
        self._lock = asyncio.Lock()
        # Awaited before each acquisition: while Discord's global limit is in force, requests
        # wait here, one by one, instead of piling up in discord.py and leaving together.
        self._until_clear = until_clear

    async def acquire(self) -> None:
        async with self._lock:
            if self._until_clear is not None:
                await self._until_clear()
            while True:
                now = time.monotonic()
                self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
                self._updated = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep((1 - self._tokens) / self.rate)
