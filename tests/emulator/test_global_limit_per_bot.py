"""Discord's global rate limit belongs to the bot, not to a connection: two processes of one bot
(two shards, each with its own HTTP session) share one bucket, so splitting the work over
processes does not raise the limit. The fan-out benchmark's floor of N/50 s relies on it."""

from __future__ import annotations

import aiohttp

from emulator import Emulator

LIMIT = 10  # requests a second; small so that the test's requests all fall in one second
EACH = 8  # under the limit for one session alone, over it for the two together


async def _send(session: aiohttp.ClientSession, url: str) -> int:
    body = {"content": "x", "allowed_mentions": {"parse": []}}
    async with session.post(url, json=body) as response:
        return response.status


async def test_two_sessions_of_one_bot_share_the_global_limit() -> None:
    emu = Emulator(global_rate_limit=LIMIT)
    guild = emu.add_guild()
    await emu.start()
    url = f"{emu.base_url}/channels/{emu.text_channel(guild).id}/messages"
    headers = {"Authorization": f"Bot {emu.token}"}
    try:
        async with (
            aiohttp.ClientSession(headers=headers) as first,
            aiohttp.ClientSession(headers=headers) as second,
        ):
            statuses: dict[str, list[int]] = {"first": [], "second": []}
            for _ in range(EACH):  # the two processes take turns, as two shards posting at once
                statuses["first"].append(await _send(first, url))
                statuses["second"].append(await _send(second, url))
    finally:
        await emu.stop()
    sent = [s for each in statuses.values() for s in each]
    assert sent.count(200) == LIMIT
    assert sent.count(429) == 2 * EACH - LIMIT == len(emu.rate_limited)
    assert all(429 in each for each in statuses.values())
