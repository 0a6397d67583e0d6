"""The answer buttons of a question-of-the-day post.

They are DynamicItems: the custom_id names the post and the choice (``qotd:<post>:<choice>``), so
a click works after a restart and on posts the bot never cached. A post asked as recall has one
"Answer privately" button instead, which opens the recall flow (bot/discord_glue/recall.py).

Also the buttons of the private lists: Skip in /qotd upcoming (``qotd:skip:<schedule>:<question>``)
and the pages of /qotd archive (``qotd:archive:<channel>:<page>``).
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

    async def skip_upcoming(
        self, interaction: discord.Interaction[StudyBot], schedule_id: int, question_id: str
    ) -> None: ...

    async def archive_page(
        self, interaction: discord.Interaction[StudyBot], channel_id: int, page: int
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


STALE_LIST = "This list is out of date and nothing was changed: run the command again."
MAX_PAGE = 10**6  # more pages than any channel's archive has


class SkipButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"qotd:skip:(?P<schedule>\d+):(?P<question>[\w-]{1,64})",
):
    """Move one of the next questions of a schedule to the end of its cycle."""

    def __init__(self, schedule_id: int, question_id: str, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"qotd:skip:{schedule_id}:{question_id}",
            )
        )
        self.schedule_id = schedule_id
        self.question_id = question_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> SkipButton:
        return cls(int(match["schedule"]), match["question"], "Skip")

    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
        async def skip(cog: QotdButtons) -> None:
            if not is_row_id(self.schedule_id):
                raise UserError(STALE_LIST)
            await cog.skip_upcoming(interaction, self.schedule_id, self.question_id)

        await with_cog(interaction, COG_NAME, skip)


class ArchivePageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"qotd:archive:(?P<channel>\d+):(?P<page>\d+)",
):
    """Previous or Next in /qotd archive: the custom_id names the page it shows."""

    def __init__(self, channel_id: int, page: int, label: str, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"qotd:archive:{channel_id}:{page}",
                disabled=disabled,
            )
        )
        self.channel_id = channel_id
        self.page = page

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ArchivePageButton:
        return cls(int(match["channel"]), int(match["page"]), "Page")

    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
        async def page(cog: QotdButtons) -> None:
            if not is_row_id(self.channel_id) or self.page > MAX_PAGE:
                raise UserError(STALE_LIST)
            await cog.archive_page(interaction, self.channel_id, self.page)

        await with_cog(interaction, COG_NAME, page)


def archive_buttons(channel_id: int, page: int, pages: int) -> discord.ui.View:
    """Previous and Next, each naming the page it opens (disabled at either end)."""
    view = discord.ui.View(timeout=None)
    view.add_item(ArchivePageButton(channel_id, max(page - 1, 0), "◀ Previous", disabled=page == 0))
    view.add_item(ArchivePageButton(channel_id, page + 1, "Next ▶", disabled=page + 1 >= pages))
    return view


def skip_buttons(schedule_id: int, question_ids: list[str]) -> discord.ui.View:
    """One Skip button per listed question, numbered as the list is."""
    view = discord.ui.View(timeout=None)
    for n, question_id in enumerate(question_ids, 1):
        view.add_item(SkipButton(schedule_id, question_id, f"Skip {n}"))
    return view


RECALL = RecallComponents("qotd", COG_NAME, "Answer privately")
DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    AnswerButton,
    SkipButton,
    ArchivePageButton,
    *RECALL.dynamic_items,
)


def answer_view(
    post_id: int, item: Item, *, revealed: bool = False, closed: bool = False
) -> discord.ui.View:
    """One button per option (once revealed, all disabled and the right one green; once
    ``closed`` without a reveal, all disabled alike), or for a recall item the button that opens
    the private checklist."""
    view = discord.ui.View(timeout=None)
    if not item.is_choice:
        view.add_item(RECALL.show_button(post_id, disabled=revealed or closed))
        return view
    for i in range(len(item.options or ())):
        style = (
            discord.ButtonStyle.success
            if revealed and i == item.correct
            else discord.ButtonStyle.secondary
        )
        view.add_item(AnswerButton(post_id, i, style=style, disabled=revealed or closed))
    return view
