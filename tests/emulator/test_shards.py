"""Sharded IDENTIFY, driven by real discord.py clients: each shard's connection gets the servers
of its shard and their events only; a connection without a shard gets everything."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import aiohttp
import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket

from emulator import Emulator, Guild
from emulator.gateway import IDENTIFY

SHARDS = 2


class Recorder:
    """A client's view: its servers, and the interactions and channel events it was sent."""

    def __init__(self, client: discord.Client) -> None:
        self.client = client
        self.clicks: list[int] = []  # the server of each interaction (0: none)
        self.channels: list[int] = []  # the server of each channel created

        @client.event
        async def on_interaction(interaction: discord.Interaction) -> None:
            self.clicks.append(interaction.guild_id or 0)
            await interaction.response.send_message("noted", ephemeral=True)

        @client.event
        async def on_guild_channel_create(channel: discord.abc.GuildChannel) -> None:
            self.channels.append(channel.guild.id)

    @property
    def guild_ids(self) -> set[int]:
        return {g.id for g in self.client.guilds}


@contextmanager
def pointed_at(emu: Emulator) -> Iterator[None]:
    old_base, old_gateway = discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = emu.base_url
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(emu.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway


@asynccontextmanager
async def running(client: discord.Client, token: str) -> AsyncIterator[Recorder]:
    recorder = Recorder(client)
    async with client:
        task = asyncio.create_task(client.start(token))
        await asyncio.wait_for(client.wait_until_ready(), 10)
        yield recorder
        assert not task.done(), "the client stopped"
        await client.close()
        await task


def client(**options: Any) -> discord.Client:
    return discord.Client(
        intents=discord.Intents(guilds=True),
        allowed_mentions=discord.AllowedMentions.none(),
        guild_ready_timeout=0.05,
        **options,
    )


def sharded(**options: Any) -> discord.AutoShardedClient:
    return discord.AutoShardedClient(
        intents=discord.Intents(guilds=True),
        allowed_mentions=discord.AllowedMentions.none(),
        guild_ready_timeout=0.05,
        **options,
    )


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    emulator = Emulator()
    for shard in range(SHARDS):
        for n in range(2):
            emulator.add_guild(f"Shard {shard} group {n}", shard=(shard, SHARDS))
    await emulator.start()
    with pointed_at(emulator):
        yield emulator
    await emulator.stop()
    assert emulator.violations == []


def on_shard(emu: Emulator, shard: int) -> list[Guild]:
    return [g for g in emu.guilds.values() if (g.id >> 22) % SHARDS == shard]


async def click_in(emu: Emulator, guild: Guild, sender: discord.Client) -> None:
    """Post a button in ``guild`` through ``sender`` and click it as a member."""
    channel = sender.get_channel(emu.text_channel(guild).id)
    assert isinstance(channel, discord.TextChannel)
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Go", custom_id="go"))
    sent = await channel.send("click", view=view)
    member = emu.add_member(guild, f"member-{guild.id}")
    handle = await emu.click(emu.messages[sent.id], "go", member=member)
    assert (await handle.reply()).content == "noted"


def test_guilds_can_be_made_on_a_chosen_shard() -> None:
    emulator = Emulator()
    made = [emulator.add_guild(shard=(s, 4)) for s in (3, 0, 3, 1, 2)]
    assert [(g.id >> 22) % 4 for g in made] == [3, 0, 3, 1, 2]
    assert [g.id for g in made] == sorted(g.id for g in made)  # still increasing snowflakes


async def test_each_shard_connection_gets_its_servers_and_their_events(emu: Emulator) -> None:
    zero = client(shard_id=0, shard_count=SHARDS)
    one = client(shard_id=1, shard_count=SHARDS)
    async with running(zero, emu.token) as first, running(one, emu.token) as second:
        assert first.guild_ids == {g.id for g in on_shard(emu, 0)}
        assert second.guild_ids == {g.id for g in on_shard(emu, 1)}
        for guild in emu.guilds.values():
            owner = first if guild.id in first.guild_ids else second
            await click_in(emu, guild, owner.client)
            await emu.add_channel(guild, "new")
        await emu.wait_until(lambda: len(first.channels) + len(second.channels) == 4)
        assert sorted(first.clicks) == sorted(first.guild_ids)
        assert sorted(second.clicks) == sorted(second.guild_ids)
        assert sorted(first.channels) == sorted(first.guild_ids)
        assert sorted(second.channels) == sorted(second.guild_ids)


async def test_an_auto_sharded_client_gets_every_server_on_its_shard(emu: Emulator) -> None:
    async with running(sharded(shard_count=SHARDS), emu.token) as both:
        assert both.guild_ids == set(emu.guilds)
        for guild in both.client.guilds:
            assert guild.shard_id == (guild.id >> 22) % SHARDS
            await click_in(emu, emu.guilds[guild.id], both.client)
        assert sorted(both.clicks) == sorted(emu.guilds)
        assert set(both.client.shards) == {0, 1}
    assert emu.gateway.identifies == SHARDS


async def test_a_connection_without_a_shard_gets_everything(emu: Emulator) -> None:
    async with running(client(), emu.token) as whole:
        assert whole.guild_ids == set(emu.guilds)
        for guild in emu.guilds.values():
            await emu.add_channel(guild, "new")
        await emu.wait_until(lambda: len(whole.channels) == len(emu.guilds))


@pytest.mark.parametrize("shard", [[2, 2], [0, 0], [-1, 2], [0], "0,1"])
async def test_a_shard_discord_would_refuse_closes_with_4010(emu: Emulator, shard: object) -> None:
    async with aiohttp.ClientSession() as session, session.ws_connect(emu.gateway_url) as ws:
        await ws.receive_json()  # HELLO
        identify = {"token": emu.token, "intents": 1, "properties": {}, "shard": shard}
        await ws.send_json({"op": IDENTIFY, "d": identify})
        closed = await ws.receive()
        assert closed.type == aiohttp.WSMsgType.CLOSE and closed.data == 4010
