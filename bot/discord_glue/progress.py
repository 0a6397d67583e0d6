"""The progress card as a Discord attachment, for /stats, its Share button and /review."""

from __future__ import annotations

import asyncio
import io

import discord

from bot.db.progress import progress_inputs
from bot.discord_glue.client import StudyBot
from bot.progress import ProgressInputs, build_layout, render_png

FILENAME = "progress.png"


def draw_card(inputs: ProgressInputs) -> tuple[bytes, str]:
    """The PNG and its description for screen readers."""
    layout = build_layout(inputs)
    return render_png(layout), layout.alt_text


async def progress_file(bot: StudyBot, guild_id: int, user_id: int) -> discord.File:
    """The member's card, drawn in a thread: a render must not stall the gateway."""
    zone = await bot.zones.get(guild_id)
    inputs = await progress_inputs(bot.db, guild_id, user_id, bot.services.clock.now(), zone)
    png, alt = await asyncio.to_thread(draw_card, inputs)
    return discord.File(io.BytesIO(png), filename=FILENAME, description=alt)


def show_card(embed: discord.Embed, file: discord.File) -> discord.Embed:
    """The embed with the attached card as its image (the embed's text stays for screen
    readers)."""
    return embed.set_image(url=f"attachment://{file.filename}")
