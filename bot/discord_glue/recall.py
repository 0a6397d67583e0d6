"""The recall flow's components, shared by the question of the day and quizzes.

A recall item is answered privately: the member reveals the key points, ticks in a select menu
those they recalled, and grades themselves with one of Anki's four grades (the grade the share of
ticks suggests is highlighted). Every component is a DynamicItem whose custom_id names the row
(a post or a quiz question) and, for a grade, the grade and how many points were ticked, so the
flow holds no state in memory and works after a restart. ``recall_components(prefix, cog)``
makes the three classes for one feature; the cog named ``cog`` implements :class:`RecallHandler`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol

import discord

from bot.bank.model import Question
from bot.discord_glue.client import UserError, with_cog
from bot.discord_glue.custom_ids import is_row_id
from bot.discord_glue.render import recall_embed
from bot.items.model import Item
from bot.study.recall import GRADE_NAMES, suggested_grade

if TYPE_CHECKING:
    from bot.discord_glue.client import StudyBot

MAX_POINTS = 25  # a select menu's options
NOT_VALID = "This button is not valid."


class RecallHandler(Protocol):
    async def recall_show(self, interaction: discord.Interaction[StudyBot], row: int) -> None: ...

    async def recall_tick(
        self, interaction: discord.Interaction[StudyBot], row: int, ticked: list[int]
    ) -> None: ...

    async def recall_grade(
        self, interaction: discord.Interaction[StudyBot], row: int, grade: int, ticked: int
    ) -> None: ...


def ticked_values(interaction: discord.Interaction[Any]) -> list[int]:
    """The key points a member ticked, as indexes (a forged value is refused)."""
    data: dict[str, Any] = dict(interaction.data or {})
    values = data.get("values", [])
    out: list[int] = []
    for value in values if isinstance(values, list) else []:
        if not (
            isinstance(value, str)
            and value.isascii()
            and value.isdigit()
            and int(value) < MAX_POINTS
        ):
            raise UserError(NOT_VALID)
        out.append(int(value))
    return sorted(set(out))


class RecallComponents:
    """The classes of one feature's recall components and the views built from them."""

    def __init__(self, prefix: str, cog_name: str, show_label: str) -> None:
        self.prefix = prefix

        async def run(interaction: discord.Interaction[StudyBot], row: int, work: Any) -> None:
            async def checked(cog: RecallHandler) -> None:
                if not is_row_id(row):
                    raise UserError(NOT_VALID)
                await work(cog)

            await with_cog(interaction, cog_name, checked)

        class ShowButton(
            discord.ui.DynamicItem[discord.ui.Button[Any]],
            template=rf"{prefix}:r:(?P<row>\d+)",
        ):
            def __init__(self, row: int, *, disabled: bool = False) -> None:
                super().__init__(
                    discord.ui.Button(
                        label=show_label,
                        emoji="💭",
                        style=discord.ButtonStyle.primary,
                        custom_id=f"{prefix}:r:{row}",
                        disabled=disabled,
                    )
                )
                self.target = row

            @classmethod
            async def from_custom_id(
                cls,
                interaction: discord.Interaction[Any],
                item: discord.ui.Item[Any],
                match: re.Match[str],
                /,
            ) -> ShowButton:
                return cls(int(match["row"]))

            async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
                await run(
                    interaction, self.target, lambda cog: cog.recall_show(interaction, self.target)
                )

        class TickSelect(
            discord.ui.DynamicItem[discord.ui.Select[Any]],
            template=rf"{prefix}:k:(?P<row>\d+)",
        ):
            def __init__(
                self, row: int, points: tuple[str, ...] = (), ticked: frozenset[int] = frozenset()
            ) -> None:
                options = [
                    discord.SelectOption(
                        label=f"{n + 1}. {point}"[:100], value=str(n), default=n in ticked
                    )
                    for n, point in enumerate(points[:MAX_POINTS])
                ] or [discord.SelectOption(label="-", value="0")]
                super().__init__(
                    discord.ui.Select(
                        custom_id=f"{prefix}:k:{row}",
                        placeholder="Tick the key points you recalled",
                        min_values=0,
                        max_values=len(options),
                        options=options,
                    )
                )
                self.target = row

            @classmethod
            async def from_custom_id(
                cls,
                interaction: discord.Interaction[Any],
                item: discord.ui.Item[Any],
                match: re.Match[str],
                /,
            ) -> TickSelect:
                return cls(int(match["row"]))

            async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
                async def tick(cog: RecallHandler) -> None:
                    await cog.recall_tick(interaction, self.target, ticked_values(interaction))

                await run(interaction, self.target, tick)

        class GradeButton(
            discord.ui.DynamicItem[discord.ui.Button[Any]],
            template=rf"{prefix}:g:(?P<row>\d+):(?P<grade>\d):(?P<ticked>\d{{1,2}})",
        ):
            def __init__(
                self, row: int, grade: int, ticked: int, *, suggested: bool = False
            ) -> None:
                super().__init__(
                    discord.ui.Button(
                        label=GRADE_NAMES.get(grade, "?"),
                        style=(
                            discord.ButtonStyle.primary
                            if suggested
                            else discord.ButtonStyle.secondary
                        ),
                        custom_id=f"{prefix}:g:{row}:{grade}:{ticked}",
                    )
                )
                self.target, self.grade, self.ticked = row, grade, ticked

            @classmethod
            async def from_custom_id(
                cls,
                interaction: discord.Interaction[Any],
                item: discord.ui.Item[Any],
                match: re.Match[str],
                /,
            ) -> GradeButton:
                return cls(int(match["row"]), int(match["grade"]), int(match["ticked"]))

            async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
                async def grade(cog: RecallHandler) -> None:
                    if self.grade not in GRADE_NAMES or self.ticked > MAX_POINTS:
                        raise UserError(NOT_VALID)
                    await cog.recall_grade(interaction, self.target, self.grade, self.ticked)

                await run(interaction, self.target, grade)

        self.ShowButton = ShowButton
        self.TickSelect = TickSelect
        self.GradeButton = GradeButton
        self.dynamic_items: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
            ShowButton,
            TickSelect,
            GradeButton,
        )

    def show_button(self, row: int, *, disabled: bool = False) -> discord.ui.Item[Any]:
        return self.ShowButton(row, disabled=disabled)

    def checklist(
        self, row: int, question: Question, item: Item, ticked: list[int] | None = None
    ) -> tuple[discord.Embed, discord.ui.View]:
        """The key points to tick and the grades, as first shown (``ticked`` None) or after the
        member ticked some (out-of-range ticks are ignored)."""
        if ticked is None:
            return recall_embed(question, item), self.checklist_view(row, item)
        chosen = frozenset(t for t in ticked if t < len(item.key_points))
        return (
            recall_embed(question, item, ticked=len(chosen)),
            self.checklist_view(row, item, chosen),
        )

    def checklist_view(
        self, row: int, item: Item, ticked: frozenset[int] | None = None
    ) -> discord.ui.View:
        """The key points to tick and the four grades, the suggested one highlighted."""
        view = discord.ui.View(timeout=None)
        if item.key_points:
            view.add_item(self.TickSelect(row, item.key_points, ticked or frozenset()))
        count = len(ticked) if ticked is not None else 0
        suggested = suggested_grade(count, len(item.key_points)) if ticked is not None else None
        for grade in GRADE_NAMES:
            view.add_item(self.GradeButton(row, grade, count, suggested=grade == suggested))
        return view
