"""The web pages' links: one unguessable token per server that turned its page on, and the
secret that signs members' own links."""

from __future__ import annotations

import secrets

from bot.db.database import Database
from bot.db.state import get_state

STATE_KEY = "web:link-signing"  # the bot_state row holding the signing secret


async def link_token(db: Database, guild_id: int) -> str | None:
    value = await db.scalar("SELECT token FROM web_links WHERE guild_id = ?", (guild_id,))
    return str(value) if value is not None else None


async def guild_of_token(db: Database, token: str) -> int | None:
    value = await db.scalar("SELECT guild_id FROM web_links WHERE token = ?", (token,))
    return int(value) if value is not None else None


async def set_link(db: Database, guild_id: int, user_id: int, now: int) -> str:
    """Turn the page on with a new token (a rotation when it was on); returns the token."""
    token = secrets.token_urlsafe(18)
    await db.execute(
        "INSERT INTO web_links (guild_id, token, created_by, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (guild_id) DO UPDATE SET token = excluded.token, "
        "created_by = excluded.created_by, created_at = excluded.created_at",
        (guild_id, token, user_id, now),
    )
    return token


async def remove_link(db: Database, guild_id: int) -> bool:
    return await db.execute("DELETE FROM web_links WHERE guild_id = ?", (guild_id,)) > 0


async def link_secret(db: Database) -> bytes:
    """The secret that signs members' links, made once per database (the first writer wins)."""
    await db.execute(
        "INSERT INTO bot_state (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (STATE_KEY, secrets.token_hex(32)),
    )
    found = await get_state(db, STATE_KEY)
    assert found is not None
    return bytes.fromhex(found)
