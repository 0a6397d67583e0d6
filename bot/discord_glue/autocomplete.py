"""Autocomplete shared by commands: banks and topics from the loaded banks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands

if TYPE_CHECKING:
    from bot.items.library import BankLibrary


def bank_choices(
    banks: BankLibrary, current: str, guild_id: int | None, *, own_only: bool = False
) -> list[app_commands.Choice[str]]:
    """The banks a server may use (``own_only``: its own): the name is shown, the key sent."""
    query = current.lower()
    out = []
    for bank in banks.visible(guild_id):
        key = bank.key
        if own_only and bank.owner is None:
            continue
        if query in key.lower() or query in bank.name.lower():
            label = f"{bank.name} ({len(bank.questions)} questions)"
            out.append(app_commands.Choice(name=label[:100], value=key[:100]))
    return out[:25]


def topic_choices(
    banks: BankLibrary, bank_key: str | None, current: str, guild_id: int | None
) -> list[app_commands.Choice[str]]:
    named = banks.choose(guild_id, bank_key) if bank_key else None
    chosen = [named] if named is not None else banks.visible(guild_id)
    query = current.lower()
    topics = sorted({t for bank in chosen for t in bank.topics() if query in t.lower()})
    return [app_commands.Choice(name=t[:100], value=t[:100]) for t in topics[:25]]
