"""Who may manage a server's questions: Manage Server, or the question editors role an admin
set. Checked on the server side for every command and button that changes questions (a client
shows commands by default permissions only, and a click can be forged)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.db.guilds import question_settings
from bot.discord_glue.client import UserError

if TYPE_CHECKING:
    from bot.discord_glue.client import StudyBot


async def is_editor(interaction: discord.Interaction[StudyBot]) -> bool:
    if interaction.guild_id is None:
        return False
    if interaction.permissions.manage_guild:
        return True
    role_id, _ = await question_settings(interaction.client.db, interaction.guild_id)
    user = interaction.user
    return (
        role_id is not None
        and isinstance(user, discord.Member)
        and any(role.id == role_id for role in user.roles)
    )


async def require_editor(interaction: discord.Interaction[StudyBot]) -> None:
    if interaction.guild_id is None:
        raise UserError("Questions are managed in a server, not in direct messages.")
    if not await is_editor(interaction):
        role_id, _ = await question_settings(interaction.client.db, interaction.guild_id)
        who = f"Manage Server or the <@&{role_id}> role" if role_id else "Manage Server"
        raise UserError(f"Managing this server's questions needs {who}.")
