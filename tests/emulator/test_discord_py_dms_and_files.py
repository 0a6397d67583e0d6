"""Direct messages, clicks in them and files, driven by a real discord.py client: what it sends
is taken, and what the emulator answers is what discord.py expects from Discord."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket

from emulator import Emulator, Member
from emulator.server import MAX_UPLOAD_BYTES
from emulator.state import ATTACH_FILES, Channel
from emulator.transcript import describe

Handler = Callable[[discord.Interaction], Awaitable[None]]


@dataclass
class World:
    emu: Emulator
    client: discord.Client
    sam: Member
    channel: Channel
    answers: dict[str, Handler] = field(default_factory=dict)  # custom_id -> the bot's answer
    seen: list[discord.Interaction] = field(default_factory=list)

    def text_channel(self) -> discord.TextChannel:
        found = self.client.get_channel(self.channel.id)
        assert isinstance(found, discord.TextChannel)
        return found


class Buttons(discord.ui.View):
    """Buttons whose clicks ``on_interaction`` answers (by the World's ``answers``)."""

    def __init__(self, *custom_ids: str) -> None:
        super().__init__(timeout=None)
        for custom_id in custom_ids:
            self.add_item(discord.ui.Button(label=custom_id, custom_id=custom_id))


@pytest.fixture
async def world() -> AsyncIterator[World]:
    emu = Emulator()
    guild = emu.add_guild()
    sam = emu.add_member(guild, "sam")
    await emu.start()
    old_base, old_gateway = discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = emu.base_url
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(emu.gateway_url)
    client = discord.Client(
        intents=discord.Intents(guilds=True),
        allowed_mentions=discord.AllowedMentions.none(),  # the emulator insists, as the bot does
        guild_ready_timeout=0.05,
    )
    world = World(emu, client, sam, emu.text_channel(guild))

    @client.event
    async def on_interaction(interaction: discord.Interaction) -> None:
        world.seen.append(interaction)
        assert interaction.data is not None
        await world.answers[str(interaction.data.get("custom_id"))](interaction)

    try:
        async with client:
            task = asyncio.create_task(client.start(emu.token))
            await asyncio.wait_for(client.wait_until_ready(), 10)
            yield world
            assert not task.done(), "the client stopped"
            await client.close()
            await task
    finally:
        discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway
        await emu.stop()
    assert emu.violations == [] and emu.unknown_routes == []


def a_file(name: str, data: bytes, description: str | None = None) -> discord.File:
    return discord.File(io.BytesIO(data), filename=name, description=description)


async def test_a_direct_message_is_sent_and_read_back(world: World) -> None:
    emu, client, sam = world.emu, world.client, world.sam
    dm = await client.create_dm(discord.Object(sam.id))
    assert isinstance(dm, discord.DMChannel) and dm.recipient and dm.recipient.id == sam.id
    sent = await dm.send("3 cards are due")
    assert sent.guild is None and sent.channel.id == dm.id
    (shown,) = emu.dms(sam)
    assert shown.content == "3 cards are due" and shown.guild_id is None
    assert "guild_id" not in shown.to_json()
    # asking Discord again gives the same channel, and it can be fetched and read
    again = await client.http.start_private_message(sam.id)
    assert again["id"] == str(dm.id) and again["type"] == 1
    fetched = await client.fetch_channel(dm.id)
    assert isinstance(fetched, discord.DMChannel)
    assert fetched.recipient is not None and fetched.recipient.id == sam.id
    assert [m.content async for m in fetched.history()] == ["3 cards are due"]


async def test_closed_direct_messages_raise_forbidden_50007(world: World) -> None:
    emu, client, sam = world.emu, world.client, world.sam
    dm = await client.create_dm(discord.Object(sam.id))
    emu.close_dms(sam)
    with pytest.raises(discord.Forbidden) as refused:
        await dm.send("3 cards are due")
    assert refused.value.status == 403 and refused.value.code == 50007
    assert refused.value.text == "Cannot send messages to this user"
    assert emu.dms(sam) == []
    emu.open_dms(sam)
    await dm.send("3 cards are due")
    assert [m.content for m in emu.dms(sam)] == ["3 cards are due"]


async def test_direct_messages_to_whom_discord_refuses_them(world: World) -> None:
    emu, client = world.emu, world.client
    stranger = emu.add_user("stranger")  # shares no server with the bot
    dm = await client.create_dm(discord.Object(stranger.id))
    with pytest.raises(discord.Forbidden) as refused:
        await dm.send("hello")
    assert refused.value.code == 50007
    with pytest.raises(discord.HTTPException) as unknown:
        await client.http.start_private_message(emu.ids.next())
    assert unknown.value.status == 400 and unknown.value.code == 50033


async def test_a_button_clicked_in_a_dm_reaches_the_bot_with_no_server(world: World) -> None:
    emu, client, sam = world.emu, world.client, world.sam

    async def start(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Review: card 1 of 3", ephemeral=True)

    world.answers["review:start"] = start
    dm = await client.create_dm(discord.Object(sam.id))
    await dm.send("3 cards are due", view=Buttons("review:start"))
    (reminder,) = emu.dms(sam)
    reply = await (await emu.click(reminder, "review:start", member=sam)).reply()

    (interaction,) = world.seen
    assert interaction.guild is None and interaction.guild_id is None
    assert type(interaction.user) is discord.User and interaction.user.id == sam.id
    assert isinstance(interaction.channel, discord.DMChannel)
    assert interaction.channel.id == dm.id
    assert interaction.context.dm_channel and not interaction.context.guild
    assert interaction.message is not None and interaction.message.id == reminder.id
    allowed = interaction.app_permissions
    assert allowed.attach_files and allowed.embed_links and allowed.mention_everyone
    assert allowed.external_emojis and allowed.send_messages
    assert interaction.filesize_limit == MAX_UPLOAD_BYTES
    assert not interaction.is_guild_integration()

    assert reply.ephemeral and reply.visible_to == sam.id
    assert reply.channel_id == dm.id and reply.guild_id is None
    assert reply.content == "Review: card 1 of 3"
    assert [m.id for m in emu.dms(sam)] == [reminder.id, reply.id]


async def test_a_dm_click_as_the_user_and_a_private_followup(world: World) -> None:
    emu, client, sam = world.emu, world.client, world.sam

    async def later(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send("Done for today", ephemeral=True)
        await interaction.followup.send("See you tomorrow", ephemeral=True)

    world.answers["review:later"] = later
    dm = await client.create_dm(discord.Object(sam.id))
    await dm.send("3 cards are due", view=Buttons("review:later"))
    (reminder,) = emu.dms(sam)
    handle = await emu.click(reminder, "review:later", member=sam.user)
    assert (await handle.reply()).content == "Done for today"
    followup = await handle.followup()
    assert followup.content == "See you tomorrow"
    assert followup.ephemeral and followup.channel_id == dm.id
    other = emu.add_member(next(iter(emu.guilds.values())), "other")
    with pytest.raises(LookupError):  # a DM has two people: nobody else can click in it
        await emu.click(reminder, "review:later", member=other)


async def test_a_file_in_a_channel_message_and_a_dm_reads_back_byte_for_byte(
    world: World,
) -> None:
    emu, client, sam = world.emu, world.client, world.sam
    table = bytes(range(256)) * 40
    sent = await world.text_channel().send(
        "your cards", file=a_file("cards.csv", table, "every card")
    )
    (attachment,) = sent.attachments  # as discord.py read Discord's answer
    assert attachment.filename == "cards.csv" and attachment.size == len(table)
    assert attachment.content_type == "text/csv; charset=utf-8"
    assert attachment.description == "every card"
    assert attachment.url.startswith("https://cdn.discordapp.com/attachments/")
    message = emu.messages[sent.id]
    assert emu.attachment_bytes(message, "cards.csv") == table
    assert "📎 cards.csv (10.00 KB)" in describe(message, emu)

    deck = b"PK\x03\x04 an Anki package"
    dm = await client.create_dm(discord.Object(sam.id))
    await dm.send(files=[a_file("deck.apkg", deck), a_file("deck.csv", b"a,b\n")])
    (shown,) = emu.dms(sam)
    assert [a["filename"] for a in shown.attachments] == ["deck.apkg", "deck.csv"]
    assert "content_type" not in shown.attachments[0]  # no type Discord knows by its name
    assert emu.attachment_bytes(shown, "deck.apkg") == deck
    assert emu.attachment_bytes(shown, "deck.csv") == b"a,b\n"


async def test_files_in_an_interaction_reply_a_followup_and_an_edit(world: World) -> None:
    emu, sam = world.emu, world.sam

    async def export(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            "your deck", file=a_file("deck.apkg", b"deck-1"), ephemeral=True
        )
        await interaction.followup.send(
            "and a table", file=a_file("cards.csv", b"id,prompt\n"), ephemeral=True
        )
        await interaction.edit_original_response(attachments=[a_file("deck.apkg", b"deck-2")])

    world.answers["export"] = export
    await world.text_channel().send("Export", view=Buttons("export"))
    (button_message,) = emu.public(world.channel)
    with pytest.raises(LookupError):  # in a server, a click comes from one of its members
        await emu.click(button_message, "export", member=sam.user)
    handle = await emu.click(button_message, "export", member=sam)
    followup = await handle.followup()
    assert followup.ephemeral and followup.visible_to == sam.id
    assert emu.attachment_bytes(followup, "cards.csv") == b"id,prompt\n"
    assert followup.attachments[0]["ephemeral"] is True
    reply = await handle.reply()
    await emu.wait_until(lambda: reply.history)
    # an edit that lists only the new file replaces the old one
    assert [a["filename"] for a in reply.attachments] == ["deck.apkg"]
    assert emu.attachment_bytes(reply, "deck.apkg") == b"deck-2"


async def test_files_over_discords_limits_are_refused(world: World) -> None:
    emu, channel = world.emu, world.text_channel()
    with pytest.raises(discord.HTTPException) as too_large:
        await channel.send(file=a_file("big.csv", b"x" * (MAX_UPLOAD_BYTES + 1)))
    assert too_large.value.status == 413 and too_large.value.code == 40005
    assert emu.public(world.channel) == []
    # the limit is per file: two files of 6 MiB go together
    half = b"y" * (6 * 1024 * 1024)
    sent = await channel.send(files=[a_file("a.csv", half), a_file("b.csv", half)])
    assert [a.size for a in sent.attachments] == [len(half), len(half)]
    with pytest.raises(discord.HTTPException) as too_many:
        await channel.send(files=[a_file(f"{n}.csv", b"n") for n in range(11)])
    assert too_many.value.status == 400 and too_many.value.code == 30015


async def test_payload_json_is_checked_like_a_json_body(world: World) -> None:
    emu, channel = world.emu, world.text_channel()
    with pytest.raises(discord.HTTPException) as refused:
        await channel.send("x" * 2001, file=a_file("cards.csv", b"a"))
    assert refused.value.status == 400 and refused.value.code == 50035
    assert emu.violations == ["content: 2001 characters, limit 2000"]
    emu.violations.clear()  # seen: the fixture asserts that nothing else was rejected


async def test_a_file_in_a_channel_needs_attach_files(world: World) -> None:
    emu, channel = world.emu, world.text_channel()
    await emu.set_bot_permissions(world.channel, deny=ATTACH_FILES)
    with pytest.raises(discord.Forbidden) as refused:
        await channel.send(file=a_file("cards.csv", b"a"))
    assert refused.value.code == 50013
    assert (await channel.send("text still goes")).content == "text still goes"
