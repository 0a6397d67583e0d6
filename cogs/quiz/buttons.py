"""Quiz buttons. DynamicItems whose custom_id names the quiz question or session, so clicks work
after a restart and on messages the bot never cached; typed answers come back through a modal."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

import discord

from bot.discord_glue.client import with_cog
from bot.discord_glue.custom_ids import is_row_id
from bot.discord_glue.modals import answer_form
from bot.discord_glue.recall import RecallComponents, RecallHandler
from bot.discord_glue.render import LETTERS
from bot.items.model import Item

if TYPE_CHECKING:
    from bot.discord_glue.client import StudyBot

COG_NAME = "Quiz"


class QuizButtons(RecallHandler, Protocol):
    """What the buttons ask of the cog named ``COG_NAME``, which implements it."""

    async def on_choice(
        self, interaction: discord.Interaction[StudyBot], qq_id: int, choice: int
    ) -> None: ...

    async def open_typed(self, interaction: discord.Interaction[StudyBot], qq_id: int) -> None: ...

    async def on_next(
        self, interaction: discord.Interaction[StudyBot], session_id: int
    ) -> None: ...

    async def on_stop(
        self, interaction: discord.Interaction[StudyBot], session_id: int
    ) -> None: ...

    async def on_review_missed(
        self, interaction: discord.Interaction[StudyBot], session_id: int
    ) -> None: ...

    async def on_full_answer(
        self, interaction: discord.Interaction[StudyBot], qq_id: int
    ) -> None: ...


async def _run(
    interaction: discord.Interaction[StudyBot], work: Callable[[QuizButtons], Awaitable[None]]
) -> None:
    await with_cog(interaction, COG_NAME, work)


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"quiz:a:(?P<qq>\d+):(?P<choice>\d+)",
):
    def __init__(
        self,
        qq: int,
        choice: int,
        *,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        disabled: bool = False,
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=LETTERS[choice] if 0 <= choice < len(LETTERS) else "?",
                style=style,
                custom_id=f"quiz:a:{qq}:{choice}",
                disabled=disabled,
            )
        )
        self.qq, self.choice = qq, choice

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> AnswerButton:
        return cls(int(match["qq"]), int(match["choice"]))

    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
        await _run(interaction, lambda cog: cog.on_choice(interaction, self.qq, self.choice))


class TypeButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"quiz:t:(?P<qq>\d+)"):
    def __init__(self, qq: int, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Type your answer",
                emoji="✏️",
                style=discord.ButtonStyle.primary,
                custom_id=f"quiz:t:{qq}",
                disabled=disabled,
            )
        )
        self.qq = qq

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> TypeButton:
        return cls(int(match["qq"]))

    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
        await _run(interaction, lambda cog: cog.open_typed(interaction, self.qq))


class NextButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"quiz:n:(?P<session>\d+)"
):
    def __init__(self, session: int, *, last: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="See results" if last else "Next question",
                style=discord.ButtonStyle.primary,
                custom_id=f"quiz:n:{session}",
            )
        )
        self.session = session

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> NextButton:
        return cls(int(match["session"]))

    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
        await _run(interaction, lambda cog: cog.on_next(interaction, self.session))


class StopButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"quiz:s:(?P<session>\d+)"
):
    def __init__(self, session: int, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Stop quiz",
                style=discord.ButtonStyle.danger,
                custom_id=f"quiz:s:{session}",
                disabled=disabled,
            )
        )
        self.session = session

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> StopButton:
        return cls(int(match["session"]))

    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
        await _run(interaction, lambda cog: cog.on_stop(interaction, self.session))


class ReviewButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"quiz:v:(?P<session>\d+)"
):
    """Re-asks, privately, the questions of a quiz the clicking member missed."""

    def __init__(self, session: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Review what I missed",
                emoji="🔁",
                style=discord.ButtonStyle.primary,
                custom_id=f"quiz:v:{session}",
            )
        )
        self.session = session

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ReviewButton:
        return cls(int(match["session"]))

    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
        await _run(interaction, lambda cog: cog.on_review_missed(interaction, self.session))


class FullAnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"quiz:f:(?P<qq>\d+)"
):
    """The whole reference answer of a group quiz question, privately."""

    def __init__(self, qq: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Full answer",
                emoji="📖",
                style=discord.ButtonStyle.secondary,
                custom_id=f"quiz:f:{qq}",
            )
        )
        self.qq = qq

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> FullAnswerButton:
        return cls(int(match["qq"]))

    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
        await _run(interaction, lambda cog: cog.on_full_answer(interaction, self.qq))


RECALL = RecallComponents("quiz", COG_NAME, "Show answer")
DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    AnswerButton,
    TypeButton,
    NextButton,
    StopButton,
    ReviewButton,
    FullAnswerButton,
    *RECALL.dynamic_items,
)
MODAL_PREFIX = "quiz:m:"
MODAL_ID = re.compile(r"quiz:m:(?P<qq>[0-9]+)")


def modal_question(custom_id: str) -> int | None:
    """The quiz question a submitted answer form names, or None when it names none."""
    match = MODAL_ID.fullmatch(custom_id)
    number = int(match["qq"]) if match else 0
    return number if is_row_id(number) else None


def question_view(
    qq: int,
    item: Item,
    *,
    session: int | None = None,
    closed: bool = False,
) -> discord.ui.View:
    """Answer buttons, a Type button or a Show answer button (recall), and for group quizzes a
    Stop button."""
    view = discord.ui.View(timeout=None)
    if item.is_choice:
        for i in range(len(item.options or ())):
            style = (
                discord.ButtonStyle.success
                if closed and i == item.correct
                else discord.ButtonStyle.secondary
            )
            view.add_item(AnswerButton(qq, i, style=style, disabled=closed))
    elif item.is_typed:
        view.add_item(TypeButton(qq, disabled=closed))
    else:
        view.add_item(RECALL.show_button(qq, disabled=closed))
    if session is not None:
        view.add_item(StopButton(session, disabled=closed))
    return view


def next_view(session: int, *, last: bool) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(NextButton(session, last=last))
    return view


def summary_view(session: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ReviewButton(session))
    return view


def results_view(session: int) -> discord.ui.View:
    """Under a group quiz's results: each member can review what they missed."""
    return summary_view(session)


def full_answer_view(qq: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(FullAnswerButton(qq))
    return view


def answer_modal(qq: int) -> discord.ui.Modal:
    return answer_form(f"{MODAL_PREFIX}{qq}")
