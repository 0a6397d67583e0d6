"""The bot's pacing of its own requests, and its two adjustments to discord.py."""

from __future__ import annotations

import asyncio

import discord

from bot.discord_glue.ratelimit import RateLimiter
from bot.discord_glue.tuning import (
    global_limit_cleared,
    throttle_bucket_sweep,
    yield_between_gateway_events,
    yielding,
)


async def test_idle_buckets_are_swept_at_most_once_per_interval() -> None:
    loop = asyncio.get_running_loop()
    http = discord.http.HTTPClient(loop)
    now = [1000.0]
    throttle_bucket_sweep(http, every=10, idle_for=60, clock=lambda: now[0])

    for n in range(2000):  # a new bucket per channel, as when posting to 2,000 servers
        http.get_ratelimit(f"POST /channels/{{channel_id}}/messages:{n}")
    assert len(http._buckets) == 2000  # none idle: nothing dropped

    buckets = list(http._buckets.values())
    for bucket in buckets[:1500]:
        bucket._last_request = loop.time() - 61  # a minute without a request
    buckets[0].outgoing = 1  # but this one has a request in flight
    http.get_ratelimit("POST /channels/{channel_id}/messages:new")
    assert len(http._buckets) == 2001  # the last sweep was less than 10 s ago

    now[0] += 10
    http.get_ratelimit("POST /channels/{channel_id}/messages:newer")
    assert len(http._buckets) == 2002 - 1499
    assert buckets[0] in http._buckets.values()


async def test_discord_ratelimit_buckets_still_have_what_the_sweep_reads() -> None:
    bucket = discord.http.Ratelimit(None)
    for name in ("_loop", "_last_request", "outgoing", "_pending_requests"):
        assert hasattr(bucket, name), name
    assert "_try_clear_expired_ratelimits" in vars(discord.http.HTTPClient)


async def test_rate_limiter_allows_the_burst_then_paces() -> None:
    limiter = RateLimiter(rate=1000.0, burst=3)
    for _ in range(3):
        await asyncio.wait_for(limiter.acquire(), 0.05)
    assert limiter._tokens < 1


async def test_each_gateway_event_gives_waiting_tasks_a_turn() -> None:
    order: list[str] = []

    async def handler(n: int) -> None:
        order.append(f"handled {n}")

    async def poll(events: list[int]) -> None:  # an event parsed from a buffer: no wait
        n = events.pop(0)
        order.append(f"parsed {n}")
        asyncio.get_running_loop().create_task(handler(n))

    events = [1, 2, 3]
    plain = list(events)
    for _ in range(3):
        await poll(plain)
    assert order[:3] == ["parsed 1", "parsed 2", "parsed 3"]  # the backlog first, handlers after
    await asyncio.sleep(0)

    order.clear()
    now = [0.0]
    polled = yielding(poll, every=0.005, clock=lambda: now[0])
    for _ in range(3):
        await polled(events)
        now[0] += 0.01  # each event took 10 ms to parse
    assert order == ["parsed 1", "handled 1", "parsed 2", "handled 2", "parsed 3", "handled 3"]

    order.clear()
    events = [4, 5, 6]
    now[0] += 1
    for _ in range(3):  # parsed in no time after the first: one go, like discord.py alone
        await polled(events)
    assert order == ["parsed 4", "handled 4", "parsed 5", "parsed 6"]


def test_discord_gateway_poll_is_wrapped_once() -> None:
    from discord.gateway import DiscordWebSocket

    yield_between_gateway_events()
    first = DiscordWebSocket.poll_event
    yield_between_gateway_events()
    assert DiscordWebSocket.poll_event is first
    assert first.__wrapped__.__name__ == "poll_event"  # discord.py's own method is still there


async def test_pacing_waits_out_discords_global_limit_then_stays_spread() -> None:
    http = discord.http.HTTPClient(asyncio.get_running_loop())
    assert not isinstance(http._global_over, asyncio.Event)  # before login: nothing to wait for
    await asyncio.wait_for(global_limit_cleared(http)(), 0.1)
    http._global_over = asyncio.Event()  # what discord.py's login creates
    http._global_over.clear()  # a global 429 is being waited out
    limiter = RateLimiter(rate=1000.0, burst=2, until_clear=global_limit_cleared(http))
    waiting = asyncio.ensure_future(limiter.acquire())
    await asyncio.sleep(0.02)
    assert not waiting.done()
    http._global_over.set()
    await asyncio.wait_for(waiting, 0.1)


def test_discord_login_still_creates_the_global_limit_event() -> None:
    import inspect

    assert "self._global_over = asyncio.Event()" in inspect.getsource(
        discord.http.HTTPClient.static_login
    )
