"""/review: spaced repetition of each member's cards, with reminders by direct message."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.review.buttons import DYNAMIC_ITEMS
from cogs.review.cog import Review

if TYPE_CHECKING:
    from bot.discord_glue.client import StudyBot


async def setup(bot: StudyBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(Review(bot))


async def teardown(bot: StudyBot) -> None:
    bot.remove_dynamic_items(*DYNAMIC_ITEMS)
