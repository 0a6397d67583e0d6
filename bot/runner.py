"""Runs the bot: one async entry point owns settings, logging, the database and the client."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import tempfile
from pathlib import Path

import discord
import yarl
from pydantic import ValidationError

from bot.clock import SystemClock
from bot.config import DEVELOPER_PORTAL, Settings
from bot.db import Database, DatabaseError
from bot.discord_glue.client import Services, StudyBot
from bot.discord_glue.permissions import looks_like_token
from bot.items.library import BankLibrary
from bot.logs import setup_logging

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2
STOP_GRACE = 1.0  # seconds the client gets to finish after close() before it is cancelled


def load_settings() -> Settings | None:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]).upper()
        why = first["msg"].removeprefix("Value error, ")
        print(f"Setting {where} is invalid: {why}", file=sys.stderr)
    except UnicodeDecodeError:
        env_file = Path(str(Settings.model_config.get("env_file") or ".env")).resolve()
        print(
            f"{env_file} is not UTF-8 text (Windows PowerShell writes UTF-16 by default): save it "
            "again as UTF-8, for example with `Set-Content -Encoding utf8` or a text editor",
            file=sys.stderr,
        )
    return None


def point_discord_at(settings: Settings) -> None:
    """Send REST and gateway traffic to the configured endpoints (Discord's by default)."""
    discord.http.Route.BASE = settings.discord_api_base_url.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


async def serve(settings: Settings, token: str, *, stop: asyncio.Event | None = None) -> int:
    """Run until the bot is closed or ``stop`` is set (SIGTERM/SIGINT)."""
    point_discord_at(settings)
    banks = BankLibrary.load(settings.bank_folders())
    log.info("loaded %d bank(s): %s", len(banks), ", ".join(banks.banks) or "none")
    stop = stop or asyncio.Event()
    async with await Database.open(settings.database()) as db:
        bot = StudyBot(Services(settings, db, banks, SystemClock()))
        async with bot:
            runner = asyncio.create_task(bot.start(token), name="discord-client")
            stopper = asyncio.create_task(stop.wait(), name="stop-signal")
            done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if stopper in done:
                log.info("stopping")
                await bot.close()
                # The client may be waiting out a reconnect back-off (minutes while Discord is
                # unreachable): nothing is left to do there once closed.
                await asyncio.wait({runner}, timeout=STOP_GRACE)
                if not runner.done():
                    runner.cancel()
                    await asyncio.wait({runner})
            else:
                stopper.cancel()
            if not runner.cancelled():
                await runner  # re-raises a login or gateway failure
    log.info("stopped cleanly")
    return EXIT_OK


async def _main(settings: Settings, token: str) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    return await serve(settings, token, stop=stop)


async def sync_only(settings: Settings, token: str) -> int:
    """Log in over HTTP only, sync the slash commands, and stop.

    Syncing needs none of the bot's data, so it opens a scratch database of its own: it works
    while the bot runs (which holds the real one) and never migrates the real one.
    """
    point_discord_at(settings)
    banks = BankLibrary.load(settings.bank_folders())
    with tempfile.TemporaryDirectory(prefix="studybot-sync-") as scratch:
        return await _sync(settings, token, banks, Path(scratch) / "sync.sqlite3")


async def _sync(settings: Settings, token: str, banks: BankLibrary, scratch: Path) -> int:
    async with await Database.open(scratch) as db:
        bot = StudyBot(Services(settings, db, banks, SystemClock()), sync_on_start=False)
        async with bot:
            await bot.login(token)
            await bot.sync_commands(force=True)
            print("Slash commands synced.")
    return EXIT_OK


def token_from(settings: Settings) -> str | None:
    """The token, or None after telling the operator in one sentence what to do."""
    if settings.discord_token is None:
        print(
            f"DISCORD_TOKEN is not set: create a bot at {DEVELOPER_PORTAL} "
            "(Bot > Reset Token) and put DISCORD_TOKEN=<token> in .env",
            file=sys.stderr,
        )
        return None
    token = settings.discord_token.get_secret_value().strip()
    if not looks_like_token(token):
        print(
            "DISCORD_TOKEN does not look like a bot token (three parts separated by dots): copy "
            f"it again from {DEVELOPER_PORTAL} (Bot > Reset Token), without quotes or spaces",
            file=sys.stderr,
        )
        return None
    return token


def run(*, sync: bool = False) -> int:
    settings = load_settings()
    if settings is None:
        return EXIT_CONFIG
    token = token_from(settings)
    if token is None:
        return EXIT_CONFIG
    setup_logging(settings.log_level, secret=token)
    try:
        return asyncio.run(sync_only(settings, token) if sync else _main(settings, token))
    except discord.LoginFailure:
        print(
            "Discord rejected DISCORD_TOKEN: copy the token again from "
            f"{DEVELOPER_PORTAL} (Bot > Reset Token) into .env",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    except discord.PrivilegedIntentsRequired:
        print(
            "Discord refused a privileged intent: this bot needs none, so check that you run "
            "an unmodified copy",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    except DatabaseError as exc:
        print(f"Database problem: {exc}", file=sys.stderr)
    except (OSError, discord.GatewayNotFound, discord.HTTPException) as exc:
        print(f"Could not reach Discord: {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        return EXIT_OK
    finally:
        # Closing the loop gives SIGTERM its default action back: a second SIGTERM (a supervisor
        # repeating itself) during the last steps of a clean exit would end it with -15.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    return EXIT_FAILED
