"""/forget-me: a member deletes everything the bot stored about them in a server."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.db.answers import forget_member
from bot.db.suggestions import forget_contributor
from bot.discord_glue.client import StudyBot, UserError, reply, report_error


class ForgetButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"forget:(?P<user>\d+):(?P<choice>yes|no)",
):
    def __init__(self, user_id: int, choice: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Delete my data" if choice == "yes" else "Cancel",
                style=discord.ButtonStyle.danger
                if choice == "yes"
                else discord.ButtonStyle.secondary,
                custom_id=f"forget:{user_id}:{choice}",
            )
        )
        self.user_id, self.choice = user_id, choice

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ForgetButton:
        return cls(int(match["user"]), match["choice"])

    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
        try:
            if interaction.user.id != self.user_id or interaction.guild_id is None:
                raise UserError("Only the member who asked can confirm this.")
            if self.choice == "no":
                await interaction.response.edit_message(content="Nothing was deleted.", view=None)
                return
            db = interaction.client.services.db
            deleted = await forget_member(db, interaction.guild_id, self.user_id)
            await forget_contributor(db, interaction.guild_id, self.user_id)
            await interaction.response.edit_message(
                content=f"Done: {deleted} answer(s), your scores, your streak, your suggestions "
                "and your reports in this server are deleted.",
                view=None,
            )
        except Exception as exc:
            await report_error(interaction, exc)


class Privacy(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="forget-me", description="Delete all your answers and scores in this server"
    )
    @app_commands.guild_only()
    async def forget_me(self, interaction: discord.Interaction[StudyBot]) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(ForgetButton(interaction.user.id, "yes"))
        view.add_item(ForgetButton(interaction.user.id, "no"))
        await reply(
            interaction,
            "This deletes all your answers, points, streaks, review cards, reminders, suggestions "
            "and reports in this server, for good. Sure?",
            view=view,
        )


async def setup(bot: StudyBot) -> None:
    bot.add_dynamic_items(ForgetButton)
    await bot.add_cog(Privacy(bot))


async def teardown(bot: StudyBot) -> None:
    bot.remove_dynamic_items(ForgetButton)
