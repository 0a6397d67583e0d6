"""The Bot class, its command tree with the one error handler, and the one reply helper."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

import aiohttp
import discord
from discord import app_commands
from discord.backoff import ExponentialBackoff
from discord.ext import commands, tasks
from discord.utils import MISSING

from bot.clock import Clock
from bot.config import Settings
from bot.db import Database, DatabaseClosed, DatabaseFull, DatabaseUnavailable
from bot.db.guilds import GuildZones
from bot.db.state import get_state, set_state
from bot.discord_glue.loopwatch import LoopWatch
from bot.discord_glue.members import MemberDirectory
from bot.discord_glue.render import fit_content
from bot.discord_glue.tuning import (
    observe_acknowledgements,
    throttle_bucket_sweep,
    yield_between_gateway_events,
)
from bot.items.library import BankLibrary
from bot.metrics import CLICK_ACK_SECONDS
from bot.server_banks import ServerBanks

log = logging.getLogger(__name__)
T = TypeVar("T")

EXTENSIONS = (
    "cogs.help",
    "cogs.qotd",
    "cogs.quiz",
    "cogs.review",
    "cogs.export",
    "cogs.banks",
    "cogs.web",
    "cogs.suggestions",
    "cogs.leaderboard",
    "cogs.privacy",
)
QUIET = discord.AllowedMentions.none()


SHUTTING_DOWN = "The bot is restarting; your answer was not recorded. Please try again in a minute."
DISK_FULL = "I cannot save anything right now (the server's disk is full); please try again later."
DATABASE_UNAVAILABLE = (
    "I could not save that just now (my database is busy or unreachable); please try again in a "
    "moment."
)


HEARTBEAT_SECONDS = 30
MAX_FIRST_CONNECT_DELAY = 60.0
HTTP_CONNECTIONS = 64


def write_heartbeat(path: Path, latency: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"connected {time.time():.0f} latency {latency:.3f}\n", encoding="utf-8")


def remove_heartbeat(path: Path) -> None:
    path.unlink(missing_ok=True)


def heartbeat_age(path: Path) -> float | None:
    """Seconds since the bot last said it was connected, or None if it never did."""
    try:
        text = path.read_text(encoding="utf-8").split()
        return time.time() - float(text[1])
    except (OSError, IndexError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class Health:
    connected: bool
    database_writable: bool

    @property
    def ok(self) -> bool:
        return self.connected and self.database_writable


class UserError(Exception):
    """Something the member can fix. Its message is shown to them, privately."""


@dataclass
class Services:
    """What the cogs need, owned by the entry point and passed in."""

    settings: Settings
    db: Database
    banks: BankLibrary
    clock: Clock


async def reply(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    embeds: list[discord.Embed] | None = None,
    view: discord.ui.View | None = None,
    ephemeral: bool = True,
    files: list[discord.File] | None = None,
) -> None:
    """Answer an interaction whether or not it was already answered (or deferred). Content
    longer than Discord allows is shortened, so a reply never fails for its length."""
    content = fit_content(content) if content else content
    all_embeds = embeds if embeds is not None else ([embed] if embed is not None else MISSING)
    view_ = view if view is not None else MISSING
    files_ = files if files else MISSING
    if interaction.response.is_done():
        await interaction.followup.send(
            content or MISSING,
            embeds=all_embeds,
            view=view_,
            ephemeral=ephemeral,
            allowed_mentions=QUIET,
            files=files_,
        )
    else:
        await interaction.response.send_message(
            content,
            embeds=all_embeds,
            view=view_,
            ephemeral=ephemeral,
            allowed_mentions=QUIET,
            files=files_,
        )


PERMISSION_NAMES = {"manage_guild": "Manage Server", "view_channel": "View Channel"}


def permission_names(names: list[str]) -> str:
    """Permissions as Discord's interface names them ("Manage Server", not manage_guild)."""
    return ", ".join(PERMISSION_NAMES.get(p, p.replace("_", " ").title()) for p in names)


ACK_BUDGET = 2.0  # seconds of Discord's 3 we let work take before answering "thinking..."


TOO_LATE = 2.8  # seconds: an interaction this old cannot be acknowledged in time any more


class Expired(Exception):
    """The interaction expired before the bot got to it; nobody is waiting for an answer."""


def interaction_age(interaction: discord.Interaction) -> float:
    return (discord.utils.utcnow() - interaction.created_at).total_seconds()


class Pressure:
    """Bounds how many interactions do their full work at once.

    Under a burst (every slot taken), a new interaction is acknowledged at once ("thinking..."),
    which costs little, and does its work when a slot frees: acknowledgements keep up with the
    burst instead of queueing behind the work of earlier clicks.
    """

    def __init__(self, slots: int) -> None:
        self._slots = asyncio.Semaphore(slots)

    async def run(
        self,
        interaction: discord.Interaction,
        work: Callable[[], Awaitable[T]],
        *,
        ephemeral: bool = True,
    ) -> T:
        if interaction_age(interaction) > TOO_LATE:
            # Discord has already shown this member a failure: answering would only be refused,
            # and the time is better spent on the clicks that can still be answered.
            raise Expired()
        if self._slots.locked() and not interaction.response.is_done():
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        async with self._slots:
            return await before_deadline(interaction, work(), ephemeral=ephemeral)


async def before_deadline(
    interaction: discord.Interaction, work: Awaitable[T], *, ephemeral: bool = True
) -> T:
    """Await ``work``; if it is not done while enough of Discord's 3 s remain, acknowledge the
    interaction first ("thinking...") so it never fails, then finish. In the common case the
    caller answers with one request instead of two."""
    if interaction.response.is_done():
        return await work
    task = asyncio.ensure_future(work)
    budget = ACK_BUDGET - interaction_age(interaction)
    if budget > 0:
        done, _ = await asyncio.wait({task}, timeout=budget)
        if done:
            return task.result()
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    return await task


def explain(error: Exception) -> str | None:
    """The sentence a member sees for a known error; None for a bug."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, UserError):
        return str(error)
    if isinstance(error, DatabaseClosed):
        return SHUTTING_DOWN
    if isinstance(error, DatabaseFull):
        return DISK_FULL  # the database logs it once, as a warning
    if isinstance(error, DatabaseUnavailable):
        log.warning("a member's request could not be saved: %s", error)
        return DATABASE_UNAVAILABLE
    if isinstance(error, app_commands.MissingPermissions):
        needed = permission_names(error.missing_permissions)
        return f"You need the {needed} permission to use this command."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works only in a server."
    if isinstance(error, app_commands.BotMissingPermissions):
        needed = permission_names(error.missing_permissions)
        return f"I need the {needed} permission in this channel."
    if isinstance(error, app_commands.TransformerError):
        return _unusable_option(error)
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.CheckFailure):
        return "You cannot use this command here."
    return None


def _unusable_option(error: app_commands.TransformerError) -> str:
    """An option value that names nothing usable any more (a channel or role deleted while the
    member was typing, or a forged request)."""
    kind = error.type
    mention = getattr(error.value, "mention", None) or repr(str(error.value))
    if kind is discord.AppCommandOptionType.channel:
        return f"The channel {mention} no longer exists or is not one I can use: pick another one."
    if kind is discord.AppCommandOptionType.role:
        return f"The role {mention} no longer exists: pick another one."
    if kind in (discord.AppCommandOptionType.user, discord.AppCommandOptionType.mentionable):
        return f"{mention} is not a member of this server any more."
    return f"{mention} is not a value this option accepts."


async def report_error(interaction: discord.Interaction, error: Exception) -> None:
    """Tell the member what went wrong in one sentence; log bugs with their traceback."""
    if isinstance(error, Expired):
        log.debug("skipped %s: it expired before it could be answered", _describe(interaction))
        return
    message = explain(error)
    if message is None:
        log.error("error in %s", _describe(interaction), exc_info=error)
        message = "Something went wrong on my side; it has been logged. Please try again."
    try:
        await reply(interaction, message)
    except (discord.HTTPException, aiohttp.ClientError, RuntimeError) as exc:
        # RuntimeError: the HTTP session is already closed because the bot is stopping
        log.warning(
            "could not tell the member about an error in %s: %s", _describe(interaction), exc
        )


def _describe(interaction: discord.Interaction) -> str:
    command = interaction.command.qualified_name if interaction.command else None
    data: dict[str, object] = dict(interaction.data or {})
    return f"/{command}" if command else f"component {data.get('custom_id', '?')}"


async def send(
    channel: discord.abc.Messageable,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
    nonce: str | None = None,
) -> discord.Message:
    """Post a message that pings nobody; content longer than Discord allows is shortened."""
    return await channel.send(
        fit_content(content) if content else None,
        embed=embed if embed is not None else MISSING,
        view=view if view is not None else MISSING,
        # None: discord.py makes a random one (MISSING would be sent as the nonce "...")
        nonce=cast(str, nonce),
        allowed_mentions=QUIET,
    )


HandlerT = TypeVar("HandlerT")


async def with_cog(
    interaction: discord.Interaction[Any],
    cog_name: str,
    work: Callable[[HandlerT], Awaitable[None]],
) -> None:
    """Run a button's work on the cog named ``cog_name``; every failure becomes the member's
    one-sentence reply (bugs are logged), so a click never ends in "interaction failed".

    Buttons name their cog instead of importing it, so a cog can import its buttons without a
    circle; ``HandlerT`` is the protocol the button module declares and the cog implements.
    """
    cog = interaction.client.get_cog(cog_name)
    try:
        if cog is None:
            raise UserError(SHUTTING_DOWN)  # a cog is missing only while the bot stops
        await work(cast(HandlerT, cog))
    except Exception as exc:
        await report_error(interaction, exc)


class StudyTree(app_commands.CommandTree["StudyBot"]):
    async def on_error(
        self, interaction: discord.Interaction[StudyBot], error: app_commands.AppCommandError
    ) -> None:
        await report_error(interaction, error)


class StudyBot(commands.Bot):
    """The bot on one gateway connection; with ``SHARD_COUNT`` above 1 it is built as a
    :class:`ShardedStudyBot` instead, so every caller gets the right one from ``StudyBot(...)``.
    """

    def __new__(cls, services: Services, *args: Any, **kwargs: Any) -> StudyBot:
        # discord.py's sharded client differs from the plain one (no ``ws``, one connection per
        # shard): a bot of one shard keeps the plain client, proven by every other test.
        if cls is StudyBot and services.settings.shards().sharded:
            cls = ShardedStudyBot
        return super().__new__(cls)

    def __init__(
        self,
        services: Services,
        *,
        extensions: tuple[str, ...] = EXTENSIONS,
        guild_ready_timeout: float = 2.0,
        reidentify_delay: float = 5.0,
        sync_on_start: bool = True,
    ) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # channels, threads and roles: no privileged intent is needed
        self.served_shards = services.settings.shards()
        super().__init__(
            **self._shard_options(),
            command_prefix=commands.when_mentioned,
            intents=intents,
            tree_cls=StudyTree,
            help_command=None,
            allowed_mentions=QUIET,
            member_cache_flags=discord.MemberCacheFlags.none(),
            chunk_guilds_at_startup=False,
            max_messages=None,
            guild_ready_timeout=guild_ready_timeout,
            # Reuse a bounded pool of connections: under a burst of clicks, unbounded pools
            # open one new TCP connection per in-flight request, which costs more than waiting.
            connector=aiohttp.TCPConnector(limit=HTTP_CONNECTIONS),
        )
        throttle_bucket_sweep(self.http)
        yield_between_gateway_events()
        observe_acknowledgements(CLICK_ACK_SECONDS.observe)
        self.services = services
        self.extensions_to_load = extensions
        self.reidentify_delay = reidentify_delay
        self.sync_on_start = sync_on_start
        self.loop_watch = LoopWatch()
        # One thread for the health file, so a removal always comes after a write in flight.
        self._health_io = ThreadPoolExecutor(max_workers=1, thread_name_prefix="health-file")
        self._health_io_closed = False
        self._was_ready = False
        self.zones = GuildZones(services.db)
        self.server_banks = ServerBanks(services.db, services.banks)
        self.members = MemberDirectory()  # who has left a server, shared by every feature

    def _shard_options(self) -> dict[str, Any]:
        return {}

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        if not initial:
            await asyncio.sleep(self.reidentify_delay)

    @property
    def db(self) -> Database:
        return self.services.db

    async def setup_hook(self) -> None:
        self.loop_watch.start()
        await self.server_banks.load()  # before any cog asks for a server's bank
        if self.services.settings.health_file is not None:
            self.heartbeat.start()
        for name in self.extensions_to_load:
            await self.load_extension(name)
        if self.sync_on_start:
            await self.sync_commands()

    def _sync_scope(self) -> discord.Object | None:
        guild_id = self.services.settings.dev_guild_id
        return discord.Object(guild_id) if guild_id else None

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Sync slash commands when they changed since the last sync (or when forced)."""
        guild = self._sync_scope()
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        payload = [c.to_dict(self.tree) for c in self.tree.get_commands(guild=guild)]
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        key = f"commands:{self.application_id}:{guild.id if guild else 'global'}"
        if not force and await get_state(self.db, key) == digest:
            log.info("slash commands unchanged; not syncing")
            return False
        await self.tree.sync(guild=guild)
        await set_state(self.db, key, digest)
        log.info("slash commands synced (%s)", f"server {guild.id}" if guild else "global")
        return True

    async def connect(self, *, reconnect: bool = True) -> None:
        """discord.py's connection loop, kept trying while the gateway cannot be reached at the
        first start (discord.py 2.7 then fails on its missing previous connection instead)."""
        backoff = ExponentialBackoff(base=2)
        while not self.is_closed():
            try:
                await super().connect(reconnect=reconnect)
                return
            except AttributeError:
                if self.ws is not None or not reconnect:
                    raise
            if self.is_closed():
                return
            delay = min(backoff.delay(), MAX_FIRST_CONNECT_DELAY)
            log.warning(
                "cannot reach Discord's gateway at %s yet; trying again in %.0f s",
                discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY,
                delay,
            )
            await asyncio.sleep(delay)

    def connected_now(self) -> bool:
        return self.is_ready() and not self.is_closed() and self.ws is not None and self.ws.open

    @tasks.loop(seconds=HEARTBEAT_SECONDS)
    async def heartbeat(self) -> None:
        """Touch the health file while healthy; `python -m bot health` reads it."""
        path = self.services.settings.health_file
        if path is not None and (await self.health()).ok:
            await self._health_file(write_heartbeat, path, self.latency)

    async def health(self) -> Health:
        """Connected to the gateway, and the database takes a write: what the health file and
        the web server's /healthz both report."""
        connected = self.connected_now()
        try:
            await set_state(self.db, "health:checked", str(int(time.time())))
            writable = True
        except Exception as exc:  # any failure to write is what this check is for
            log.warning("health: the database did not take a write: %s", exc)
            writable = False
        return Health(connected, writable)

    async def _health_file(self, fn: Callable[..., None], *args: Any) -> None:
        await asyncio.get_running_loop().run_in_executor(self._health_io, fn, *args)

    async def _forget_heartbeat(self) -> None:
        if self.services.settings.health_file is not None:
            await self._health_file(remove_heartbeat, self.services.settings.health_file)

    async def on_disconnect(self) -> None:
        await self._forget_heartbeat()  # healthy means connected now

    async def on_resumed(self) -> None:
        await self.heartbeat()

    async def close(self) -> None:
        self.heartbeat.cancel()
        await super().close()
        if not self._health_io_closed:  # close() may be called again
            self._health_io_closed = True
            await self._forget_heartbeat()
            self._health_io.shutdown(wait=False)
        await self.loop_watch.stop()

    async def on_ready(self) -> None:
        log.info("connected as %s to %d server(s)", self.user, len(self.guilds))
        if not self._was_ready:
            self._was_ready = True
            # The banks and the server caches built at start-up live as long as the process:
            # moved out of the collector's reach, they no longer make each full collection
            # (which walks every object and blocks the event loop) longer.
            gc.collect()
            gc.freeze()
            self.loop_watch.reset()  # after this one-off collection: it is part of start-up
        await self.heartbeat()


class ShardedStudyBot(StudyBot, commands.AutoShardedBot):
    """The bot on the shards ``SHARD_IDS`` of ``SHARD_COUNT``: one gateway connection each.

    Its ticks do the work of these shards' servers only (``served_shards``); other processes
    serve the other shards, and the database decides every claim between them.
    """

    def _shard_options(self) -> dict[str, Any]:
        return {
            "shard_count": self.served_shards.count,
            "shard_ids": list(self.served_shards.ids),
        }

    def connected_now(self) -> bool:
        shards = self.shards.values()
        return (
            self.is_ready()
            and not self.is_closed()
            and len(shards) == len(self.served_shards.ids)
            and not any(shard.is_closed() for shard in shards)
        )
