"""The baseline of the answer burst: a discord.py client whose handler only acknowledges.

Run as ``python -m bench.noop_bot`` with the same settings as the bot; with
``NOOP_GATEWAY_YIELD=1`` it also yields between gateway events as the bot does.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal

import discord
import yarl

from bot.discord_glue.tuning import yield_between_gateway_events

log = logging.getLogger("noop")


class NoopClient(discord.Client):
    async def on_ready(self) -> None:
        log.info("connected as %s", self.user)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.component:
            await interaction.response.defer(ephemeral=True, thinking=True)


async def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    discord.http.Route.BASE = os.environ["DISCORD_API_BASE_URL"]
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["DISCORD_GATEWAY_URL"])
    intents = discord.Intents.none()
    intents.guilds = True
    if os.environ.get("NOOP_GATEWAY_YIELD"):  # the bot's own adjustment, for comparison
        yield_between_gateway_events()
    client = NoopClient(intents=intents, member_cache_flags=discord.MemberCacheFlags.none())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with client:
        runner = asyncio.create_task(client.start(os.environ["DISCORD_TOKEN"]))
        await stop.wait()
        await client.close()
        await runner


if __name__ == "__main__":
    asyncio.run(main())
