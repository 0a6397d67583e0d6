"""The review channel's buttons. DynamicItems whose custom_id names the suggestion or report
row (``suggest:approve:<row>``, ``reported:retire:<row>``): every click is checked against that
row on the server side (who clicks, whether it is still undecided)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol

import discord

from bot.discord_glue.client import UserError, with_cog
from bot.discord_glue.custom_ids import is_row_id

if TYPE_CHECKING:
    from bot.discord_glue.client import StudyBot

COG_NAME = "Suggestions"
NOT_VALID = "This button is not valid."


class ReviewButtons(Protocol):
    """What the buttons ask of the cog named ``COG_NAME``, which implements it."""

    async def on_suggestion(
        self, interaction: discord.Interaction[StudyBot], action: str, row: int
    ) -> None: ...

    async def on_report(
        self, interaction: discord.Interaction[StudyBot], action: str, row: int
    ) -> None: ...


async def _run(interaction: discord.Interaction[StudyBot], row: int, work: Any) -> None:
    async def checked(cog: ReviewButtons) -> None:
        if not is_row_id(row):
            raise UserError(NOT_VALID)
        await work(cog)

    await with_cog(interaction, COG_NAME, checked)


SUGGESTION_BUTTONS = {
    "approve": ("Approve", discord.ButtonStyle.success),
    "edit": ("Edit", discord.ButtonStyle.primary),
    "reject": ("Reject", discord.ButtonStyle.danger),
}
REPORT_BUTTONS = {
    "edit": ("Edit question", discord.ButtonStyle.primary),
    "retire": ("Retire question", discord.ButtonStyle.danger),
    "dismiss": ("Dismiss", discord.ButtonStyle.secondary),
}


class SuggestionButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"suggest:(?P<action>approve|edit|reject):(?P<row>\d+)",
):
    def __init__(self, action: str, row: int) -> None:
        label, style = SUGGESTION_BUTTONS[action]
        super().__init__(
            discord.ui.Button(label=label, style=style, custom_id=f"suggest:{action}:{row}")
        )
        self.action, self.target = action, row

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> SuggestionButton:
        return cls(match["action"], int(match["row"]))

    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
        await _run(
            interaction,
            self.target,
            lambda cog: cog.on_suggestion(interaction, self.action, self.target),
        )


class ReportedButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"reported:(?P<action>edit|retire|dismiss):(?P<row>\d+)",
):
    def __init__(self, action: str, row: int) -> None:
        label, style = REPORT_BUTTONS[action]
        super().__init__(
            discord.ui.Button(label=label, style=style, custom_id=f"reported:{action}:{row}")
        )
        self.action, self.target = action, row

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ReportedButton:
        return cls(match["action"], int(match["row"]))

    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
        await _run(
            interaction,
            self.target,
            lambda cog: cog.on_report(interaction, self.action, self.target),
        )


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (SuggestionButton, ReportedButton)


def suggestion_view(row: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in SUGGESTION_BUTTONS:
        view.add_item(SuggestionButton(action, row))
    return view


def report_review_view(row: int, *, read_only: bool) -> discord.ui.View:
    """Edit, Retire and Dismiss; only Dismiss for a question of a shared (read-only) bank."""
    view = discord.ui.View(timeout=None)
    for action in ("dismiss",) if read_only else tuple(REPORT_BUTTONS):
        view.add_item(ReportedButton(action, row))
    return view
