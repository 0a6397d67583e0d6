"""Reading quiz state the way a test needs it: which button is right."""

from __future__ import annotations

from bot.bank.model import Question
from bot.db import quiz as store
from bot.items.model import Item
from emulator import Message
from tests.e2e.harness import BotHarness


async def item_of(h: BotHarness, message: Message) -> tuple[int, Question, Item]:
    """(quiz question row id, the question, the item it was asked as) of a question message."""
    custom = next(
        c for c in message.custom_ids() if c.startswith(("quiz:a:", "quiz:t:", "quiz:r:"))
    )
    qq_id = int(custom.split(":")[2])
    qq = await store.quiz_question(h.db, qq_id)
    assert qq is not None and qq.item is not None, "an asked question stores its item"
    session = await store.get_quiz(h.db, qq.session_id)
    assert session is not None
    question = h.banks.banks[session.bank].get(qq.question_id)
    assert question is not None
    return qq_id, question, Item.loads(qq.item)


async def question_of(h: BotHarness, message: Message) -> tuple[int, Question, int | None]:
    """(quiz question row id, the question, the right option or None when not a choice item)."""
    qq_id, question, item = await item_of(h, message)
    return qq_id, question, item.correct if item.is_choice else None
