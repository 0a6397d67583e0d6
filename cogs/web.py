"""/web: a read-only web page for the server (leaderboard and past questions), off by default.

The operator turns the web server on with WEB_PORT; an admin turns the server's page on with
``/web enable`` and gets its unguessable link, ``/web rotate`` replaces the link (every earlier
one, members' own included, stops working) and ``/web disable`` turns the page off.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.db import web as store
from bot.discord_glue.client import StudyBot, UserError, reply
from bot.web.links import server_path
from bot.web.server import WebServer


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Web(
    commands.GroupCog, name="Web", group_name="web", group_description="This server's web page"
):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self.db = bot.services.db
        self.clock = bot.services.clock
        self.server = WebServer(bot)
        super().__init__()

    async def cog_load(self) -> None:
        await self.server.start()

    async def cog_unload(self) -> None:
        await self.server.stop()

    def _check(self, interaction: discord.Interaction[StudyBot]) -> int:
        """The server's id, once the member and the operator allow it (checked here, on the
        server side, whatever the client showed)."""
        if interaction.guild_id is None:
            raise UserError("The web page belongs to a server: run this in one.")
        if not interaction.permissions.manage_guild:
            raise UserError("Only members with Manage Server turn the web page on or off.")
        if self.bot.services.settings.web_port is None:
            raise UserError(
                "The web page is not available: whoever runs this bot has not turned the web "
                "server on (the WEB_PORT setting)."
            )
        return interaction.guild_id

    def _now(self) -> int:
        return int(self.clock.now().timestamp())

    def _url(self, token: str) -> str:
        return self.server.base_url() + server_path(token)

    @app_commands.command(
        name="enable", description="Turn on this server's web page and get its link"
    )
    async def enable(self, interaction: discord.Interaction[StudyBot]) -> None:
        guild_id = self._check(interaction)
        token = await store.link_token(self.db, guild_id)
        fresh = token is None
        if token is None:
            token = await store.set_link(self.db, guild_id, interaction.user.id, self._now())
        await reply(
            interaction,
            ("The web page is on: " if fresh else "The web page is already on: ")
            + f"{self._url(token)}\nIt shows the leaderboard and past questions of the day with "
            "their answers, with members' names. Anyone with the link can read it: share it "
            "where you want. `/web rotate` replaces the link, `/web disable` turns the page off.",
        )

    @app_commands.command(
        name="rotate", description="Replace the web page's link (the old one stops working)"
    )
    async def rotate(self, interaction: discord.Interaction[StudyBot]) -> None:
        guild_id = self._check(interaction)
        if await store.link_token(self.db, guild_id) is None:
            raise UserError("The web page is off: turn it on with /web enable.")
        token = await store.set_link(self.db, guild_id, interaction.user.id, self._now())
        await reply(
            interaction,
            f"New link: {self._url(token)}\nThe old link, and members' own progress links, "
            "no longer work (members get new ones in /stats).",
        )

    @app_commands.command(name="disable", description="Turn off this server's web page")
    async def disable(self, interaction: discord.Interaction[StudyBot]) -> None:
        guild_id = self._check(interaction)
        if not await store.remove_link(self.db, guild_id):
            raise UserError("The web page is already off.")
        await reply(interaction, "The web page is off: its links no longer work.")


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Web(bot))
