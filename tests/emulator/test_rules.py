"""The emulator rejects what Discord would reject, and records it so that the test fails."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from emulator import Emulator


@pytest.fixture
async def world() -> AsyncIterator[tuple[Emulator, aiohttp.ClientSession, str]]:
    emu = Emulator()
    guild = emu.add_guild()
    await emu.start()
    channel = emu.text_channel(guild)
    async with aiohttp.ClientSession(headers={"Authorization": f"Bot {emu.token}"}) as session:
        yield emu, session, f"{emu.base_url}/channels/{channel.id}/messages"
    await emu.stop()


QUIET = {"allowed_mentions": {"parse": []}}


async def post(session: aiohttp.ClientSession, url: str, body: dict[str, Any]) -> tuple[int, Any]:
    async with session.post(url, json=body) as response:
        assert response.headers["Content-Type"] == "application/json"
        return response.status, await response.json()


async def test_a_valid_message_is_created(
    world: tuple[Emulator, aiohttp.ClientSession, str],
) -> None:
    emu, session, url = world
    status, body = await post(session, url, {"content": "hello", **QUIET})
    assert status == 200 and body["content"] == "hello"
    assert emu.violations == []


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"content": "x" * 2001, **QUIET}, "content: 2001 characters"),
        (
            {"embeds": [{"description": "d" * 4000}, {"description": "e" * 2500}], **QUIET},
            "embeds: 6500 characters in all",
        ),
        (
            {
                "content": "pick",
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {"type": 2, "style": 1, "label": "A", "custom_id": "same"},
                            {"type": 2, "style": 1, "label": "B", "custom_id": "same"},
                        ],
                    }
                ],
                **QUIET,
            },
            "custom_id 'same' is used twice",
        ),
        ({"content": "n", "nonce": "n" * 26, **QUIET}, "nonce"),
        ({"content": "no mentions policy"}, "allowed_mentions missing"),
        ({"content": "@everyone", "allowed_mentions": {"parse": ["everyone"]}}, "@everyone"),
        (
            {
                "content": "long label",
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {"type": 2, "style": 1, "label": "L" * 81, "custom_id": "a"}
                        ],
                    }
                ],
                **QUIET,
            },
            "components",
        ),
        ({"content": 5, **QUIET}, "content"),
    ],
)
async def test_rule_breaking_bodies_are_rejected_and_recorded(
    world: tuple[Emulator, aiohttp.ClientSession, str], body: dict[str, Any], needle: str
) -> None:
    emu, session, url = world
    status, answer = await post(session, url, body)
    assert status == 400 and answer["code"] == 50035
    assert any(needle in v for v in emu.violations), emu.violations
    assert not emu.public(int(url.split("/")[-2]))


async def test_unknown_routes_and_bad_tokens(
    world: tuple[Emulator, aiohttp.ClientSession, str],
) -> None:
    emu, session, _ = world
    async with session.get(f"{emu.base_url}/nowhere/at/all") as response:
        assert response.status == 404
    assert emu.unknown_routes == ["GET /nowhere/at/all"]
    async with (
        aiohttp.ClientSession(headers={"Authorization": "Bot wrong"}) as other,
        other.get(f"{emu.base_url}/users/@me") as response,
    ):
        assert response.status == 401


async def test_missing_permissions_and_deleted_channels(
    world: tuple[Emulator, aiohttp.ClientSession, str],
) -> None:
    emu, session, url = world
    channel = emu.channels[int(url.split("/")[-2])]
    await emu.set_bot_permissions(channel, deny=1 << 11)
    status, body = await post(session, url, {"content": "hi", **QUIET})
    assert (status, body["code"]) == (403, 50013)
    await emu.delete_channel(channel)
    status, body = await post(session, url, {"content": "hi", **QUIET})
    assert (status, body["code"]) == (404, 10003)


async def test_nonce_returns_the_first_message(
    world: tuple[Emulator, aiohttp.ClientSession, str],
) -> None:
    emu, session, url = world
    body = {"content": "once", "nonce": "qotd-1-2026-12-01", "enforce_nonce": True, **QUIET}
    _, first = await post(session, url, body)
    _, second = await post(session, url, body)
    assert first["id"] == second["id"]
    assert len(emu.public(int(url.split("/")[-2]))) == 1


async def test_injected_429_carries_what_discord_py_needs(
    world: tuple[Emulator, aiohttp.ClientSession, str],
) -> None:
    emu, session, url = world
    emu.fail_next("POST", r"/messages$", 429, retry_after=0.25)
    async with session.post(url, json={"content": "x", **QUIET}) as response:
        assert response.status == 429
        assert response.headers["Via"] and response.headers["X-RateLimit-Remaining"] == "0"
        assert (await response.json())["retry_after"] == 0.25
    status, _ = await post(session, url, {"content": "x", **QUIET})
    assert status == 200


async def test_global_rate_limit(world: tuple[Emulator, aiohttp.ClientSession, str]) -> None:
    emu, session, url = world
    statuses = [(await post(session, url, {"content": f"{n}", **QUIET}))[0] for n in range(55)]
    assert statuses.count(429) >= 5
    assert len(emu.rate_limited) == statuses.count(429)
