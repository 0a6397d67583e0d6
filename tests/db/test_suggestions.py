"""Suggestions and reports on a real SQLite file: the daily cap, decisions made once, one open
report per member and question, outcomes kept for closed DMs and given once."""

from __future__ import annotations

import asyncio

import pytest

from bot.bank.model import Question, question_id
from bot.db import Database
from bot.db import suggestions as store

G, OTHER, ANN, BOB = 10, 20, 1, 2
DAY = "2026-12-01"


def q(prompt: str, answer: str = "An answer.") -> Question:
    return Question(id=question_id(prompt), prompt=prompt, answer=answer, source="form")


async def suggest(db: Database, prompt: str, *, user: int = ANN, guild: int = G) -> int:
    made = await store.add_suggestion(
        db, guild, user, "suggestions", q(prompt), local_date=DAY, now=5
    )
    return made.id


async def test_a_suggestion_is_stored_pending_as_typed(db: Database) -> None:
    row = await suggest(db, "What is a tensor?")
    found = await store.get_suggestion(db, row)
    assert found is not None
    assert (found.status, found.bank, found.user_id) == ("pending", "suggestions", ANN)
    assert found.question.prompt == "What is a tensor?"
    assert found.question.id == question_id("What is a tensor?")


async def test_the_daily_cap_counts_per_member_server_and_day(db: Database) -> None:
    for n in range(store.DAILY_SUGGESTIONS):
        await suggest(db, f"Question {n}?")
    with pytest.raises(store.DailyCapReached):
        await suggest(db, "One too many?")
    await suggest(db, "Bob's?", user=BOB)  # another member
    await suggest(db, "Elsewhere?", guild=OTHER)  # another server
    await store.add_suggestion(db, G, ANN, "s", q("Tomorrow?"), local_date="2026-12-02", now=9)
    assert await store.suggestions_on(db, G, ANN, DAY) == store.DAILY_SUGGESTIONS


async def test_concurrent_suggestions_never_pass_the_cap(db: Database) -> None:
    results = await asyncio.gather(
        *(suggest(db, f"Burst {n}?") for n in range(8)), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, store.DailyCapReached)]
    assert len(refused) == 8 - store.DAILY_SUGGESTIONS
    assert await store.suggestions_on(db, G, ANN, DAY) == store.DAILY_SUGGESTIONS


async def test_a_suggestion_is_decided_once_and_credited_when_approved(db: Database) -> None:
    row = await suggest(db, "What is a tensor?")
    edited = q("What is a tensor, exactly?")
    approvals = await asyncio.gather(
        store.approve_suggestion(db, row, edited, by=BOB, now=6),
        store.reject_suggestion(db, row, "dup", by=3, now=6),
    )
    assert approvals == [True, False]  # the first decision wins, the second changes nothing
    found = await store.get_suggestion(db, row)
    assert found is not None
    assert (found.status, found.decided_by, found.reason) == ("approved", BOB, None)
    assert found.question.prompt == "What is a tensor, exactly?"
    assert await store.contributed(db, G, ANN) == 1
    assert await store.contributed(db, OTHER, ANN) == 0


async def test_a_reopened_approval_is_pending_as_suggested(db: Database) -> None:
    row = await suggest(db, "What is a tensor?")
    before = await store.get_suggestion(db, row)
    assert before is not None
    assert await store.approve_suggestion(db, row, q("Edited?"), by=BOB, now=6)
    await store.reopen_suggestion(db, before)
    after = await store.get_suggestion(db, row)
    assert after is not None
    assert (after.status, after.question.prompt) == ("pending", "What is a tensor?")
    assert await store.contributed(db, G, ANN) == 0


async def test_a_rejection_keeps_its_reason(db: Database) -> None:
    row = await suggest(db, "What is a tensor?")
    assert await store.reject_suggestion(db, row, "Already asked last week", by=BOB, now=6)
    found = await store.get_suggestion(db, row)
    assert found is not None
    assert (found.status, found.reason) == ("rejected", "Already asked last week")


async def test_one_open_report_per_member_and_question(db: Database) -> None:
    first = await store.add_report(db, G, ANN, "general", "abc", "typo", "teh", now=5)
    assert first is not None and first.status == "open"
    assert await store.add_report(db, G, ANN, "general", "abc", "wrong", "", now=6) is None
    assert await store.add_report(db, G, BOB, "general", "abc", "wrong", "", now=6) is not None
    assert await store.decide_report(db, first.id, "dismissed", by=BOB, now=7)
    assert not await store.decide_report(db, first.id, "retired", by=BOB, now=8)
    again = await store.add_report(db, G, ANN, "general", "abc", "unclear", "", now=9)
    assert again is not None and again.id != first.id


async def test_a_report_names_the_question_its_row_was_shown_with(db: Database) -> None:
    await db.execute(
        "INSERT INTO posts (id, guild_id, channel_id, local_date, bank, question_id, nonce, "
        "claimed_at, reveal_at) VALUES (7, ?, 1, ?, 'general', 'q1', 'n', 0, 0)",
        (G, DAY),
    )
    found = await store.reported_question(db, "post", 7)
    assert found == store.ReportedQuestion(G, "general", "q1")
    assert await store.reported_question(db, "post", 8) is None
    assert await store.reported_question(db, "nothing", 7) is None


async def test_notices_are_given_once_in_order(db: Database) -> None:
    assert await store.take_notices(db, G, ANN) == []
    await store.add_notice(db, G, ANN, "first", now=1)
    await store.add_notice(db, G, ANN, "second", now=2)
    await store.add_notice(db, OTHER, ANN, "elsewhere", now=2)
    assert await store.take_notices(db, G, ANN) == ["first", "second"]
    assert await store.take_notices(db, G, ANN) == []
    assert await store.take_notices(db, OTHER, ANN) == ["elsewhere"]


async def test_forgetting_a_member_deletes_their_suggestions_and_reports(db: Database) -> None:
    await suggest(db, "Mine?")
    await suggest(db, "Bob's?", user=BOB)
    await store.add_report(db, G, ANN, "general", "abc", "typo", "", now=5)
    await store.add_notice(db, G, ANN, "outcome", now=5)
    assert await store.forget_contributor(db, G, ANN) == 2
    assert await store.suggestions_on(db, G, ANN, DAY) == 0
    assert await store.suggestions_on(db, G, BOB, DAY) == 1
    assert await store.take_notices(db, G, ANN) == []
