"""Autocomplete shared by commands: banks and topics from the loaded banks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands

if TYPE_CHECKING:
    from bot.items.library import BankLibrary


def bank_choices(banks: BankLibrary, current: str) -> list[app_commands.Choice[str]]:
    """The bank's name is shown, its key is sent."""
    query = current.lower()
    out = []
    for key, bank in banks.banks.items():
        if query in key.lower() or query in bank.name.lower():
            label = f"{bank.name} ({len(bank.questions)} questions)"
            out.append(app_commands.Choice(name=label[:100], value=key[:100]))
    return out[:25]


def topic_choices(
    banks: BankLibrary, bank_key: str | None, current: str
) -> list[app_commands.Choice[str]]:
    chosen = [banks.banks[bank_key]] if bank_key in banks.banks else list(banks.banks.values())
    query = current.lower()
    topics = sorted({t for bank in chosen for t in bank.topics() if query in t.lower()})
    return [app_commands.Choice(name=t[:100], value=t[:100]) for t in topics[:25]]
