"""The "Report a problem" button, shown under answer feedback and reveals by every feature.

Its custom_id names the row the question was shown with (``report:post:<post>``,
``report:quiz:<quiz question>``, ``report:card:<review card>``), never the question itself: the
question is read from that row on the server side, so a forged id can only report a question
its server really asked. The cog named ``COG_NAME`` implements :class:`ReportHandler` and
registers :data:`DYNAMIC_ITEMS`; the other features only add :func:`report_button` to views.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Protocol, get_args

import discord

from bot.db.database import Database
from bot.db.suggestions import REPORT_REASONS, ReportReason, ReportSource, take_notices
from bot.discord_glue.client import UserError, with_cog
from bot.discord_glue.custom_ids import is_row_id

if TYPE_CHECKING:
    from bot.discord_glue.client import StudyBot

COG_NAME = "Suggestions"
SOURCES: tuple[str, ...] = get_args(ReportSource)
MODAL_PREFIX = "report:m:"
MAX_NOTE = 500

# The first word of the reason field, as a member may write it.
_REASON_WORDS: dict[str, ReportReason] = {
    "wrong": "wrong",
    "incorrect": "wrong",
    "unclear": "unclear",
    "confusing": "unclear",
    "ambiguous": "unclear",
    "typo": "typo",
    "spelling": "typo",
    "other": "other",
}
REASON_LABELS: dict[ReportReason, str] = {
    "wrong": "Wrong answer",
    "unclear": "Unclear",
    "typo": "Typo",
    "other": "Other",
}
assert set(REASON_LABELS) == set(REPORT_REASONS)


class ReportHandler(Protocol):
    async def open_report(
        self, interaction: discord.Interaction[StudyBot], source: str, row: int
    ) -> None: ...


class ReportButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"report:(?P<source>post|quiz|card):(?P<row>\d+)",
):
    def __init__(self, source: str, row: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Report a problem",
                emoji="⚠️",
                style=discord.ButtonStyle.secondary,
                custom_id=f"report:{source}:{row}",
            )
        )
        self.source = source
        self.target = row

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ReportButton:
        return cls(match["source"], int(match["row"]))

    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:  # type: ignore[override]
        async def work(cog: ReportHandler) -> None:
            if not is_row_id(self.target):
                raise UserError("This button is not valid.")
            await cog.open_report(interaction, self.source, self.target)

        await with_cog(interaction, COG_NAME, work)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (ReportButton,)


def report_button(source: ReportSource, row: int) -> ReportButton:
    """The button to add to a view that shows the question of ``row`` (a post, a quiz
    question, a review card)."""
    return ReportButton(source, row)


def report_view(source: ReportSource, row: int) -> discord.ui.View:
    """A view of the report button alone, for a message that has no other buttons."""
    view = discord.ui.View(timeout=None)
    view.add_item(report_button(source, row))
    return view


def report_modal(source: str, row: int) -> discord.ui.Modal:
    """What is wrong (its first word is read) and an optional note."""
    modal = discord.ui.Modal(
        title="Report a problem", custom_id=f"{MODAL_PREFIX}{source}:{row}", timeout=None
    )
    modal.add_item(
        discord.ui.TextInput(
            label="What is wrong: wrong, unclear, typo or other",
            custom_id="reason",
            max_length=100,
            placeholder="wrong / unclear / typo / other",
        )
    )
    modal.add_item(
        discord.ui.TextInput(
            label="Details (optional)",
            custom_id="note",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=MAX_NOTE,
            placeholder="What should it say instead?",
        )
    )
    return modal


def modal_target(custom_id: str) -> tuple[str, int] | None:
    """(source, row) named by a report form's custom_id; None for one that names nothing."""
    source, _, row = custom_id.removeprefix(MODAL_PREFIX).partition(":")
    if source not in SOURCES or not (row.isascii() and row.isdigit()) or not is_row_id(int(row)):
        return None
    return source, int(row)


def read_reason(text: str) -> ReportReason | None:
    """The reason a member typed, read from its first word ("Wrong answer: ..." is wrong)."""
    words = re.findall(r"[a-z]+", text.casefold())
    return _REASON_WORDS.get(words[0]) if words else None


async def owed_outcomes(db: Database, guild_id: int, user_id: int) -> str | None:
    """The outcomes of a member's suggestions and reports that could not be sent by direct
    message, as lines to show them; each is shown once."""
    notices = await take_notices(db, guild_id, user_id)
    return "\n".join(f"📬 {n}" for n in notices) or None
