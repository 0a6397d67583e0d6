"""A file attached to a slash command reaches discord.py as an ``Attachment`` whose bytes it can
read, as from Discord's CDN."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import discord
import pytest
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket

from emulator import Emulator


@pytest.fixture
async def bot() -> AsyncIterator[tuple[Emulator, discord.Client, list[bytes]]]:
    emu = Emulator()
    emu.add_guild()
    await emu.start()
    old_base, old_gateway = discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = emu.base_url
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(emu.gateway_url)
    client = discord.Client(
        intents=discord.Intents(guilds=True),
        allowed_mentions=discord.AllowedMentions.none(),
        guild_ready_timeout=0.05,
    )
    tree = app_commands.CommandTree(client)
    received: list[bytes] = []

    @tree.command(name="upload", description="Send a file")
    async def upload(interaction: discord.Interaction, file: discord.Attachment) -> None:
        received.append(await file.read())
        await interaction.response.send_message(
            f"{file.filename}: {file.size} bytes", ephemeral=True
        )

    try:
        async with client:
            task = asyncio.create_task(client.start(emu.token))
            await asyncio.wait_for(client.wait_until_ready(), 10)
            await tree.sync()
            yield emu, client, received
            await client.close()
            await task
    finally:
        discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway
        await emu.stop()


async def test_a_file_option_is_read_back_byte_for_byte(
    bot: tuple[Emulator, discord.Client, list[bytes]],
) -> None:
    emu, _, received = bot
    guild = next(iter(emu.guilds.values()))
    ada = emu.add_member(guild, "ada")
    content = b"questions:\n  - prompt: What is 2+2?\n    answer: '4'\n"
    file = emu.upload("maths.yaml", content)
    assert file["filename"] == "maths.yaml" and file["size"] == len(content)
    shown = await (await emu.slash("upload", {"file": file}, member=ada)).reply()
    assert shown.text() == f"maths.yaml: {len(content)} bytes"
    assert received == [content]
    with pytest.raises(TypeError, match=r"emu\.upload"):
        await emu.slash("upload", {"file": "maths.yaml"}, member=ada)
