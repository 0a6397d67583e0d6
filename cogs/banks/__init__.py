"""/bank and /question: a server's own questions, uploaded and managed from Discord."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.banks.buttons import DYNAMIC_ITEMS
from cogs.banks.cog import Banks
from cogs.banks.questions import Questions

if TYPE_CHECKING:
    from bot.discord_glue.client import StudyBot


async def setup(bot: StudyBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(Banks(bot))
    await bot.add_cog(Questions(bot))


async def teardown(bot: StudyBot) -> None:
    bot.remove_dynamic_items(*DYNAMIC_ITEMS)
