"""The question of the day: scheduling, posting, answering and revealing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.qotd.buttons import DYNAMIC_ITEMS
from cogs.qotd.cog import Qotd

if TYPE_CHECKING:
    from bot.discord_glue.client import StudyBot


async def setup(bot: StudyBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(Qotd(bot))


async def teardown(bot: StudyBot) -> None:
    bot.remove_dynamic_items(*DYNAMIC_ITEMS)
