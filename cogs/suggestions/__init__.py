"""Members suggest questions and report problems; the server's question editors decide in its
review channel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.discord_glue import report
from cogs.suggestions.buttons import DYNAMIC_ITEMS
from cogs.suggestions.cog import Suggestions

if TYPE_CHECKING:
    from bot.discord_glue.client import StudyBot


async def setup(bot: StudyBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS, *report.DYNAMIC_ITEMS)
    await bot.add_cog(Suggestions(bot))


async def teardown(bot: StudyBot) -> None:
    bot.remove_dynamic_items(*DYNAMIC_ITEMS, *report.DYNAMIC_ITEMS)
