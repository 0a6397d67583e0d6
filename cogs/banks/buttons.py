"""The buttons of /bank: Confirm / Cancel of an upload or a removal, and the pages of a bank.

A pending upload or removal is kept in memory under a random token for a few minutes; a click
on an expired or forged token, or by someone other than who asked, changes nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol

import discord

from bot.discord_glue.client import with_cog

if TYPE_CHECKING:
    from bot.discord_glue.client import StudyBot

COG_NAME = "Banks"


class BankButtons(Protocol):
    async def on_pending(
        self, interaction: discord.Interaction[StudyBot], token: str, *, confirm: bool
    ) -> None: ...

    async def on_page(
        self, interaction: discord.Interaction[StudyBot], key: str, page: int
    ) -> None: ...


class PendingButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"bank:(?P<act>ok|no):(?P<token>[0-9a-f]{16})",
):
    def __init__(self, token: str, *, confirm: bool, label: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or ("Confirm" if confirm else "Cancel"),
                style=discord.ButtonStyle.primary if confirm else discord.ButtonStyle.secondary,
                custom_id=f"bank:{'ok' if confirm else 'no'}:{token}",
            )
        )
        self.token = token
        self.confirm = confirm

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PendingButton:
        return cls(match["token"], confirm=match["act"] == "ok")

    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
        async def run(cog: BankButtons) -> None:
            await cog.on_pending(interaction, self.token, confirm=self.confirm)

        await with_cog(interaction, COG_NAME, run)


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"bank:p:(?P<page>\d{1,5}):(?P<dir>[<>]):(?P<key>\S{1,80})",
):
    def __init__(self, key: str, page: int, *, forward: bool, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Next" if forward else "Previous",
                style=discord.ButtonStyle.secondary,
                custom_id=f"bank:p:{page}:{'>' if forward else '<'}:{key}",
                disabled=disabled,
            )
        )
        self.key = key
        self.page = page

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PageButton:
        return cls(match["key"], int(match["page"]), forward=match["dir"] == ">")

    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
        async def run(cog: BankButtons) -> None:
            await cog.on_page(interaction, self.key, self.page)

        await with_cog(interaction, COG_NAME, run)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (PendingButton, PageButton)


def confirm_view(token: str, confirm_label: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(PendingButton(token, confirm=True, label=confirm_label))
    view.add_item(PendingButton(token, confirm=False))
    return view


def pages_view(key: str, page: int, pages: int) -> discord.ui.View | None:
    if pages <= 1:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(PageButton(key, max(page - 1, 0), forward=False, disabled=page <= 0))
    view.add_item(
        PageButton(key, min(page + 1, pages - 1), forward=True, disabled=page >= pages - 1)
    )
    return view
