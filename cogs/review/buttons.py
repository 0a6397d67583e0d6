"""The buttons of /review. Every custom_id names the card and how many reviews it had when it
was shown (``review:a:<card>:<reps>:<choice>``), so a click on an old card changes nothing, and
the server for "Next card" (``review:n:<guild>``), so a review also runs in a direct message."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

import discord

from bot.discord_glue.client import UserError, with_cog
from bot.discord_glue.custom_ids import is_row_id
from bot.discord_glue.modals import answer_form
from bot.discord_glue.recall import RecallComponents, RecallHandler
from bot.discord_glue.render import LETTERS
from bot.items.model import Item

if TYPE_CHECKING:
    from bot.discord_glue.client import StudyBot

COG_NAME = "Review"
NOT_VALID = "This button is not valid."
# A recall checklist's custom_id has room for one number: the card and its review count.
REPS_SPAN = 1_000_000


def recall_row(card_id: int, reps: int) -> int:
    return card_id * REPS_SPAN + reps % REPS_SPAN


def card_of_row(row: int) -> tuple[int, int]:
    return divmod(row, REPS_SPAN)


class ReviewButtons(RecallHandler, Protocol):
    async def on_choice(
        self, interaction: discord.Interaction[StudyBot], card_id: int, reps: int, choice: int
    ) -> None: ...

    async def open_typed(
        self, interaction: discord.Interaction[StudyBot], card_id: int, reps: int
    ) -> None: ...

    async def on_next(
        self, interaction: discord.Interaction[StudyBot], guild_id: int, *, start: bool
    ) -> None: ...


async def _run(
    interaction: discord.Interaction[StudyBot],
    numbers: tuple[int, ...],
    work: Callable[[ReviewButtons], Awaitable[None]],
) -> None:
    async def checked(cog: ReviewButtons) -> None:
        if not is_row_id(numbers[0]):
            raise UserError(NOT_VALID)
        await work(cog)

    await with_cog(interaction, COG_NAME, checked)


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"review:a:(?P<card>\d+):(?P<reps>\d+):(?P<choice>\d{1,2})",
):
    def __init__(self, card: int, reps: int, choice: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=LETTERS[choice] if 0 <= choice < len(LETTERS) else "?",
                style=discord.ButtonStyle.secondary,
                custom_id=f"review:a:{card}:{reps}:{choice}",
            )
        )
        self.card, self.reps, self.choice = card, reps, choice

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> AnswerButton:
        return cls(int(match["card"]), int(match["reps"]), int(match["choice"]))

    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
        await _run(
            interaction,
            (self.card,),
            lambda cog: cog.on_choice(interaction, self.card, self.reps, self.choice),
        )


class TypeButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"review:t:(?P<card>\d+):(?P<reps>\d+)",
):
    def __init__(self, card: int, reps: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Type your answer",
                emoji="✏️",
                style=discord.ButtonStyle.primary,
                custom_id=f"review:t:{card}:{reps}",
            )
        )
        self.card, self.reps = card, reps

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> TypeButton:
        return cls(int(match["card"]), int(match["reps"]))

    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
        await _run(
            interaction, (self.card,), lambda cog: cog.open_typed(interaction, self.card, self.reps)
        )


class NextButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"review:(?P<kind>[ns]):(?P<guild>\d+)",
):
    """Next card (``n``: in place of the last card) or a reminder's Start review (``s``: a new
    message, the reminder stays)."""

    def __init__(self, guild: int, *, start: bool = False) -> None:
        kind = "s" if start else "n"
        super().__init__(
            discord.ui.Button(
                label="Start review" if start else "Next card",
                style=discord.ButtonStyle.primary,
                custom_id=f"review:{kind}:{guild}",
            )
        )
        self.guild, self.start = guild, start

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> NextButton:
        return cls(int(match["guild"]), start=match["kind"] == "s")

    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
        await _run(
            interaction,
            (self.guild,),
            lambda cog: cog.on_next(interaction, self.guild, start=self.start),
        )


RECALL = RecallComponents("review", COG_NAME, "Show answer")
DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    AnswerButton,
    TypeButton,
    NextButton,
    *RECALL.dynamic_items,
)
MODAL_PREFIX = "review:m:"
MODAL_ID = re.compile(r"review:m:(?P<card>[0-9]+):(?P<reps>[0-9]+)")


def modal_card(custom_id: str) -> tuple[int, int] | None:
    match = MODAL_ID.fullmatch(custom_id)
    if match is None or not is_row_id(int(match["card"])):
        return None
    return int(match["card"]), int(match["reps"])


def card_view(card_id: int, reps: int, item: Item) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    if item.is_choice:
        for i in range(len(item.options or ())):
            view.add_item(AnswerButton(card_id, reps, i))
    elif item.is_typed:
        view.add_item(TypeButton(card_id, reps))
    else:
        view.add_item(RECALL.show_button(recall_row(card_id, reps)))
    return view


def next_view(guild_id: int, *, start: bool = False) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(NextButton(guild_id, start=start))
    return view


def answer_modal(card_id: int, reps: int) -> discord.ui.Modal:
    return answer_form(f"{MODAL_PREFIX}{card_id}:{reps}")
