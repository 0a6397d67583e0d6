"""Rate limits: a token bucket that paces the bot's own REST calls under Discord's global
limit, and a bound on what discord.py's own per-route buckets cost."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable

import discord

SWEEP_EVERY = 60.0  # seconds between sweeps of discord.py's idle rate-limit buckets


class RateLimiter:
    """Allows ``rate`` acquisitions per second on average and bursts of ``burst``: in any one
    second at most ``rate + burst`` pass, which is what a sliding-window limit counts."""

    def __init__(self, rate: float, burst: int = 5) -> None:
        self.rate = rate
        self.capacity = float(burst)
        self._tokens = self.capacity
        self._updated = time.monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
                self._updated = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                await asyncio.sleep((1 - self._tokens) / self.rate)


def throttle_bucket_sweep(
    http: discord.http.HTTPClient,
    *,
    every: float = SWEEP_EVERY,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Sweep discord.py's idle rate-limit buckets at most once every ``every`` seconds.

    discord.py keeps one bucket per route and channel, and once it holds 256 it looks at every
    bucket for idle ones each time it creates another. Posting to 10,000 channels makes that
    10,000 passes over up to 10,000 buckets, milliseconds each on the event loop. A bucket only
    counts as idle after five minutes without requests, so sweeping once a minute frees the same
    memory; between sweeps the buckets grow by at most a minute of requests.
    """
    sweep = http._try_clear_expired_ratelimits  # checked by tests/test_ratelimit.py
    last = -math.inf

    def throttled() -> None:
        nonlocal last
        now = clock()
        if now - last >= every:
            last = now
            sweep()

    http._try_clear_expired_ratelimits = throttled  # type: ignore[method-assign]
