"""Files sent with a message, and direct messages, as Discord takes and refuses them."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator

import aiohttp
import pytest

from emulator import Emulator
from emulator.server import MAX_UPLOAD_BYTES


@pytest.fixture
async def world() -> AsyncIterator[tuple[Emulator, aiohttp.ClientSession]]:
    emu = Emulator()
    emu.add_guild()
    await emu.start()
    async with aiohttp.ClientSession(headers={"Authorization": f"Bot {emu.token}"}) as session:
        yield emu, session
    await emu.stop()


def with_file(name: str, data: bytes) -> aiohttp.FormData:
    form = aiohttp.FormData()
    body = {
        "content": "here",
        "attachments": [{"id": 0, "filename": name}],
        "allowed_mentions": {"parse": []},
    }
    form.add_field("payload_json", json.dumps(body), content_type="application/json")
    form.add_field("files[0]", io.BytesIO(data), filename=name, content_type="text/csv")
    return form


async def test_a_file_is_stored_and_read_back(
    world: tuple[Emulator, aiohttp.ClientSession],
) -> None:
    emu, session = world
    channel = emu.text_channel(next(iter(emu.guilds.values())))
    url = f"{emu.base_url}/channels/{channel.id}/messages"
    async with session.post(url, data=with_file("cards.csv", b"id,prompt\n")) as response:
        assert response.status == 200
        sent = await response.json()
    (attachment,) = sent["attachments"]
    assert attachment["filename"] == "cards.csv" and attachment["size"] == 10
    message = emu.messages[int(sent["id"])]
    assert emu.attachment_bytes(message, "cards.csv") == b"id,prompt\n"


async def test_files_over_the_limit_are_refused(
    world: tuple[Emulator, aiohttp.ClientSession],
) -> None:
    emu, session = world
    channel = emu.text_channel(next(iter(emu.guilds.values())))
    url = f"{emu.base_url}/channels/{channel.id}/messages"
    big = b"x" * (MAX_UPLOAD_BYTES + 1)
    async with session.post(url, data=with_file("big.csv", big)) as response:
        assert response.status == 413
        assert (await response.json())["code"] == 40005


async def test_a_direct_message_and_closed_direct_messages(
    world: tuple[Emulator, aiohttp.ClientSession],
) -> None:
    emu, session = world
    guild = next(iter(emu.guilds.values()))
    sam = emu.add_member(guild, "sam")
    async with session.post(
        f"{emu.base_url}/users/@me/channels", json={"recipient_id": str(sam.id)}
    ) as response:
        channel = await response.json()
    assert channel["type"] == 1 and channel["recipients"][0]["id"] == str(sam.id)
    url = f"{emu.base_url}/channels/{channel['id']}/messages"
    async with session.post(
        url, json={"content": "due: 3 cards", "allowed_mentions": {"parse": []}}
    ) as response:
        assert response.status == 200
    assert [m.content for m in emu.dms(sam)] == ["due: 3 cards"]
    emu.close_dms(sam)
    async with session.post(
        url, json={"content": "again", "allowed_mentions": {"parse": []}}
    ) as response:
        assert response.status == 403
        assert (await response.json())["code"] == 50007
