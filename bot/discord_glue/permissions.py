"""The Discord permissions each feature needs: the invite link asks for exactly these."""

from __future__ import annotations

import base64
import binascii

import discord

FEATURE_PERMISSIONS: dict[str, discord.Permissions] = {
    # post questions and reveals, with embeds; find an interrupted post again after a restart
    "qotd": discord.Permissions(
        view_channel=True, send_messages=True, embed_links=True, read_message_history=True
    ),
    # the optional discussion thread under each question
    "qotd threads": discord.Permissions(create_public_threads=True, send_messages_in_threads=True),
    # group quizzes post their questions and results in the channel
    "group quiz": discord.Permissions(view_channel=True, send_messages=True, embed_links=True),
}
SCOPES = ("bot", "applications.commands")


def required_permissions() -> discord.Permissions:
    total = discord.Permissions.none()
    for permissions in FEATURE_PERMISSIONS.values():
        total |= permissions
    return total


def application_id_from_token(token: str) -> int | None:
    """A bot token starts with the bot's user id (the application id) in base64."""
    first = token.split(".", 1)[0]
    try:
        decoded = base64.b64decode(first + "=" * (-len(first) % 4), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return int(decoded) if decoded.isdigit() else None


def looks_like_token(token: str) -> bool:
    parts = token.split(".")
    return len(parts) == 3 and all(parts) and application_id_from_token(token) is not None


def invite_url(application_id: int) -> str:
    return discord.utils.oauth_url(
        application_id, permissions=required_permissions(), scopes=SCOPES
    )
