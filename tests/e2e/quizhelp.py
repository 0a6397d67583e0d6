"""Reading quiz state the way a test needs it: which button is right."""

from __future__ import annotations

from bot.bank.model import Question
from bot.db import quiz as store
from emulator import Message
from tests.e2e.harness import BotHarness


async def question_of(h: BotHarness, message: Message) -> tuple[int, Question, int | None]:
    """(quiz question row id, the question, the right option or None for typed) of a message."""
    custom = next(c for c in message.custom_ids() if c.startswith(("quiz:a:", "quiz:t:")))
    qq_id = int(custom.split(":")[2])
    qq = await store.quiz_question(h.db, qq_id)
    assert qq is not None
    session = await store.get_quiz(h.db, qq.session_id)
    assert session is not None
    question = h.banks.banks[session.bank].get(qq.question_id)
    assert question is not None
    if session.typed:
        return qq_id, question, None
    mc = h.banks.choices(session.bank, question, session.id)
    assert mc is not None
    return qq_id, question, mc.correct
