"""Adjustments to discord.py for large deployments and bursts of clicks.

One replaces discord.py's sweep of its rate-limit buckets, one wraps the gateway's read of each
event, one reads discord.py's global rate-limit state. They rely on a few private names of
discord.py (pinned in requirements.lock); ``tests/discord_glue/test_tuning.py`` checks that those
still exist, so an upgrade that renames them fails the tests instead of silently undoing an
adjustment.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import discord
from discord.gateway import DiscordWebSocket

W = TypeVar("W")

SWEEP_EVERY = 10.0  # seconds between sweeps of discord.py's idle rate-limit buckets
BUCKET_IDLE = 60.0  # seconds without a request after which a bucket is dropped
YIELD_EVERY = 0.005  # seconds of gateway parsing after which the handlers get a turn


def throttle_bucket_sweep(
    http: discord.http.HTTPClient,
    *,
    every: float = SWEEP_EVERY,
    idle_for: float = BUCKET_IDLE,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Sweep discord.py's idle rate-limit buckets at most once every ``every`` seconds, and
    count a bucket idle after ``idle_for`` seconds without requests instead of five minutes.

    discord.py keeps one bucket per route and channel, and once it holds 256 it looks at every
    bucket for idle ones each time it creates another. Posting to 10,000 channels made that
    10,000 passes over up to 10,000 buckets, milliseconds each on the event loop; and the buckets
    of five minutes of posting (three objects each) made every full garbage collection longer.
    A channel's limit resets within seconds, so a bucket unused for a minute holds nothing.
    """
    buckets = http._buckets  # checked by tests/discord_glue/test_tuning.py
    last = -math.inf

    def idle(bucket: discord.http.Ratelimit) -> bool:
        return (
            bucket._loop.time() - bucket._last_request >= idle_for
            and bucket.outgoing == 0
            and not bucket._pending_requests
        )

    def sweep() -> None:
        nonlocal last
        if len(buckets) < 256:  # discord.py's own floor
            return
        now = clock()
        if now - last < every:
            return
        last = now
        for key in [key for key, bucket in buckets.items() if idle(bucket)]:
            del buckets[key]

    http._try_clear_expired_ratelimits = sweep  # type: ignore[method-assign]


def yielding(
    poll: Callable[[W], Awaitable[None]],
    *,
    every: float = YIELD_EVERY,
    clock: Callable[[], float] = time.monotonic,
) -> Callable[[W], Awaitable[None]]:
    """``poll``, then, when ``every`` seconds have passed since the last such turn, one turn for
    every other task that is ready to run."""
    last = -math.inf

    async def poll_then_yield(ws: W) -> None:
        nonlocal last
        await poll(ws)
        now = clock()
        if now - last >= every:
            await asyncio.sleep(0)
            last = clock()

    poll_then_yield.__wrapped__ = poll  # type: ignore[attr-defined]
    return poll_then_yield


def yield_between_gateway_events() -> None:
    """Let other tasks run while the client works through a backlog of gateway events.

    discord.py reads events in a loop that does not wait while events are already buffered. In
    a burst of clicks it parses the whole backlog before any handler runs, so the first click's
    acknowledgement waits for the last click to be parsed; once that takes longer than Discord's
    3 s, every click of the burst fails. Giving the handlers a turn every ``YIELD_EVERY`` (5 ms)
    of parsing bounds that wait, while a small backlog is still parsed in one go (a turn after
    every event costs more than it gains when the bot is keeping up).
    """
    poll = DiscordWebSocket.poll_event
    if not hasattr(poll, "__wrapped__"):
        DiscordWebSocket.poll_event = yielding(poll)  # type: ignore[method-assign,assignment]


def global_limit_cleared(http: discord.http.HTTPClient) -> Callable[[], Awaitable[object]]:
    """What to await for discord.py's global rate limit to be over (at once when it is not).

    After a global 429 discord.py holds every request until the limit resets, then lets them all
    go together, which can trip the limit again; a pacer that also waits keeps its requests
    spread out after the reset.
    """

    async def cleared() -> None:
        event = http._global_over  # an asyncio.Event once logged in; checked by the tests
        if isinstance(event, asyncio.Event):
            await event.wait()

    return cleared


def observe_acknowledgements(observe: Callable[[float], object]) -> None:
    """Call ``observe`` with the seconds from each interaction's creation (its snowflake) to the
    bot's first response to it, whatever answered it (a reply, a defer, a modal, an edit).

    Every first response goes through one method of discord.py's webhook adapter, so wrapping it
    measures every command and click in one place.
    """
    adapter = discord.webhook.async_.AsyncWebhookAdapter
    create = adapter.create_interaction_response
    if hasattr(create, "__wrapped__"):
        return

    def timed(self: Any, interaction_id: int, token: str, **kwargs: Any) -> Any:
        request = create(self, interaction_id, token, **kwargs)

        async def answered() -> Any:
            result = await request
            created = discord.utils.snowflake_time(interaction_id)
            observe((discord.utils.utcnow() - created).total_seconds())
            return result

        return answered()

    timed.__wrapped__ = create  # type: ignore[attr-defined]
    adapter.create_interaction_response = timed  # type: ignore[method-assign]
