"""/quiz: solo and group quizzes, with buttons or typed answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.quiz.buttons import DYNAMIC_ITEMS
from cogs.quiz.cog import Quiz

if TYPE_CHECKING:
    from bot.discord_glue.client import StudyBot


async def setup(bot: StudyBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(Quiz(bot))


async def teardown(bot: StudyBot) -> None:
    bot.remove_dynamic_items(*DYNAMIC_ITEMS)
