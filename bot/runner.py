"""Runs the bot: settings, logging, the database and the Discord client, owned by one entry."""

from __future__ import annotations

import sys

from pydantic import ValidationError

from bot.config import DEVELOPER_PORTAL, Settings

EXIT_CONFIG = 2


def load_settings() -> Settings | None:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]).upper()
        print(f"Setting {where} is invalid: {first['msg']}", file=sys.stderr)
        return None


def run() -> int:
    settings = load_settings()
    if settings is None:
        return EXIT_CONFIG
    if settings.discord_token is None:
        print(
            f"DISCORD_TOKEN is not set: create a bot at {DEVELOPER_PORTAL} "
            "(Bot > Reset Token) and put DISCORD_TOKEN=<token> in .env",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    print("The Discord client is not part of this build yet.", file=sys.stderr)
    return EXIT_CONFIG
