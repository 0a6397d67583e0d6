"""The answer buttons of a question-of-the-day post.

They are DynamicItems: the custom_id names the post and the choice (``qotd:<post>:<choice>``), so
a click works after a restart and on posts the bot never cached. A post asked as recall has one
"Answer privately" button instead, which opens the recall flow (bot/discord_glue/recall.py).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol

import discord

from bot.discord_glue.client import UserError, with_cog
from bot.discord_glue.custom_ids import is_row_id
from bot.discord_glue.recall import RecallComponents, RecallHandler
from bot.discord_glue.render import LETTERS
from bot.items.model import Item

if TYPE_CHECKING:
    from bot.discord_glue.client import StudyBot

COG_NAME = "Qotd"
OUT_OF_DATE = (
    "This button is out of date: answer with the buttons of the latest question of the day."
)


def valid_click(post_id: int, choice: int) -> bool:
    """Whether a custom_id's numbers can name a post and one of its options at all (a forged or
    stale custom_id may carry anything the template lets through)."""
    return is_row_id(post_id) and 0 <= choice < len(LETTERS)


class QotdButtons(RecallHandler, Protocol):
    """What the buttons ask of the cog named ``COG_NAME``, which implements it."""

    async def answer(
        self, interaction: discord.Interaction[StudyBot], post_id: int, choice: int
    ) -> None: ...


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"qotd:(?P<post>\d+):(?P<choice>\d{1,2})",
):
    def __init__(
        self,
        post_id: int,
        choice: int,
        *,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        disabled: bool = False,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=LETTERS[choice] if valid_click(post_id, choice) else "?",
                style=style,
                custom_id=f"qotd:{post_id}:{choice}",
                disabled=disabled,
            )
        )
        self.post_id = post_id
        self.choice = choice

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> AnswerButton:
        return cls(int(match["post"]), int(match["choice"]))

    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
        async def answer(cog: QotdButtons) -> None:
            if not valid_click(self.post_id, self.choice):
                raise UserError(OUT_OF_DATE)
            await cog.answer(interaction, self.post_id, self.choice)

        await with_cog(interaction, COG_NAME, answer)


RECALL = RecallComponents("qotd", COG_NAME, "Answer privately")
DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    AnswerButton,
    *RECALL.dynamic_items,
)


def answer_view(post_id: int, item: Item, *, revealed: bool = False) -> discord.ui.View:
    """One button per option (once revealed, all disabled and the right one green), or for a
    recall item the button that opens the private checklist."""
    view = discord.ui.View(timeout=None)
    if not item.is_choice:
        view.add_item(RECALL.show_button(post_id, disabled=revealed))
        return view
    for i in range(len(item.options or ())):
        style = (
            discord.ButtonStyle.success
            if revealed and i == item.correct
            else discord.ButtonStyle.secondary
        )
        view.add_item(AnswerButton(post_id, i, style=style, disabled=revealed))
    return view
