"""Member suggestions and problem reports end to end: /suggest and the Report a problem button,
decided by question editors in the review channel, the author told by direct message."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.bank.model import Question, question_id
from bot.db import suggestions as store
from bot.db.guilds import set_editor_role, set_review_channel
from emulator import Channel, Emulator, Member, Message
from emulator.state import iter_components
from tests.e2e.harness import BotHarness

NINE = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
GPU = {
    "prompt": "What does GPU stand for?",
    "answer": "Graphics processing unit.",
    "choices": "*Graphics processing unit\nGeneral purpose unit\nGraphical pixel unit",
    "topic": "hardware",
}


@pytest.fixture
async def reviews(harness: BotHarness, emu: Emulator) -> Channel:
    channel = await emu.add_channel(harness.guild, "reviews")
    await set_review_channel(harness.db, harness.guild.id, channel.id, 0)
    return channel


@pytest.fixture
def admin(harness: BotHarness) -> Member:
    return harness.member("ada", admin=True)


async def suggest(h: BotHarness, member: Member, values: dict[str, str], **options: Any) -> Message:
    handle = await h.emu.slash("suggest", options, member=member)
    modal = await handle.modal()
    assert modal["title"] == "Suggest a question"
    return await (await h.emu.submit_modal(handle, values)).reply()


def review_posts(h: BotHarness, channel: Channel, prefix: str) -> list[Message]:
    return [
        m for m in h.emu.public(channel) if m.embeds and m.embeds[0]["title"].startswith(prefix)
    ]


async def dm(emu: Emulator, member: Member, number: int = 1) -> Message:
    """The ``number``-th direct message ``member`` got, once it arrives (the outcome is sent
    after the reviewer's click is answered)."""
    await emu.wait_until(lambda: len(emu.dms(member)) >= number)
    return emu.dms(member)[number - 1]


def prefilled(modal: dict[str, Any]) -> dict[str, str]:
    """What the client sends back for a modal left as the bot filled it in."""
    return {
        c["custom_id"]: c.get("value", "")
        for c in iter_components(modal["components"])
        if c.get("type") == 4
    }


async def test_suggested_approved_and_credited(
    harness: BotHarness, emu: Emulator, reviews: Channel, admin: Member
) -> None:
    ann, bob = harness.member("ann"), harness.member("bob")
    thanks = await suggest(harness, ann, GPU)
    assert thanks.ephemeral and "with the reviewers" in thanks.text()
    (posted,) = review_posts(harness, reviews, "Suggested question")
    text = posted.text()
    assert "What does GPU stand for?" in text and "✅ Graphics processing unit" in text
    assert f"<@{ann.id}>" in text and "suggestions" in text
    assert [b["label"] for b in posted.components[0]["components"]] == [
        "Approve",
        "Edit",
        "Reject",
    ]
    assert posted.allowed_mentions is not None and posted.allowed_mentions["parse"] == []

    decided = await (await emu.click_label(posted, "Approve", member=admin)).reply()
    assert decided.id == posted.id and decided.components == []
    assert "Approved" in decided.text() and f"<@{admin.id}>" in decided.text()
    bank = harness.bot.server_banks.own(harness.guild.id, "suggestions")
    assert bank is not None
    added = bank.get(question_id("What does GPU stand for?"))
    assert added is not None and added.choices is not None
    assert added.choices[added.correct or 0] == "Graphics processing unit"
    assert added.topic == "hardware"
    told = await dm(emu, ann)
    assert "was approved" in told.text() and "Study Group" in told.text()

    own = await (await emu.slash("stats", member=ann)).reply()
    assert "Questions contributed: 1" in own.text()
    seen = await (await emu.slash("stats", {"member": ann}, member=bob)).reply()
    assert "Questions contributed: 1" in seen.text()
    assert (
        "Questions contributed" not in (await (await emu.slash("stats", member=bob)).reply()).text()
    )


async def test_edited_then_approved(
    harness: BotHarness, emu: Emulator, reviews: Channel, admin: Member
) -> None:
    ann = harness.member("ann")
    await suggest(harness, ann, {"prompt": "What does CPU stand fr?", "answer": "Central unit."})
    (posted,) = review_posts(harness, reviews, "Suggested question")
    edit = await emu.click_label(posted, "Edit", member=admin)
    modal = await edit.modal()
    values = prefilled(modal)
    assert values["prompt"] == "What does CPU stand fr?" and values["answer"] == "Central unit."
    values.update(prompt="What does CPU stand for?", answer="Central processing unit.")
    decided = await (await emu.submit_modal(edit, values)).reply()
    assert decided.id == posted.id and decided.components == []
    assert "What does CPU stand for?" in decided.text() and "Approved" in decided.text()
    bank = harness.bot.server_banks.own(harness.guild.id, "suggestions")
    assert bank is not None
    (question,) = bank.questions
    assert (question.prompt, question.answer) == (
        "What does CPU stand for?",
        "Central processing unit.",
    )
    row = await harness.db.scalar("SELECT id FROM suggestions")
    stored = await store.get_suggestion(harness.db, row)
    assert stored is not None and stored.status == "approved"
    assert stored.question.prompt == "What does CPU stand for?"


async def test_rejected_with_a_reason_and_the_author_told(
    harness: BotHarness, emu: Emulator, reviews: Channel, admin: Member
) -> None:
    ann, cy = harness.member("ann"), harness.member("cy")
    await suggest(harness, ann, GPU)
    (posted,) = review_posts(harness, reviews, "Suggested question")
    reject = await emu.click_label(posted, "Reject", member=admin)
    decided = await (
        await emu.submit_modal(reject, {"reason": "We covered this last week"})
    ).reply()
    assert decided.components == []
    assert "Rejected" in decided.text() and "We covered this last week" in decided.text()
    told = await dm(emu, ann)
    assert "was not accepted" in told.text() and "We covered this last week" in told.text()
    assert harness.bot.server_banks.own(harness.guild.id, "suggestions") is None

    # closed direct messages: the author's next /stats in the server tells them, once
    emu.close_dms(cy)
    await suggest(harness, cy, {"prompt": "Is a GPU a CPU?", "answer": "No."})
    second = review_posts(harness, reviews, "Suggested question")[-1]
    reject = await emu.click_label(second, "Reject", member=admin)
    await (await emu.submit_modal(reject, {"reason": ""})).reply()
    held = "SELECT count(*) FROM outcome_notices WHERE user_id = ?"
    for _ in range(50):
        if await harness.db.scalar(held, (cy.id,)):
            break
        await asyncio.sleep(0.02)
    assert emu.dms(cy) == []
    told = await (await emu.slash("stats", member=cy)).reply()
    assert "was not accepted" in told.text() and "Is a GPU a CPU?" in told.text()
    again = await (await emu.slash("stats", member=cy)).reply()
    assert "was not accepted" not in again.text()


async def test_only_editors_decide_and_a_decided_suggestion_stays_decided(
    harness: BotHarness, emu: Emulator, reviews: Channel, admin: Member
) -> None:
    ann, bob = harness.member("ann"), harness.member("bob")
    await suggest(harness, ann, GPU)
    (posted,) = review_posts(harness, reviews, "Suggested question")
    refused = await (await emu.click_label(posted, "Approve", member=bob)).reply()
    assert refused.ephemeral and "needs Manage Server" in refused.text()
    assert len(posted.components[0]["components"]) == 3  # nothing changed
    assert await harness.db.scalar("SELECT status FROM suggestions") == "pending"

    # the question editors role is enough
    editors = await emu.create_role(harness.guild, "Question editors")
    cached = harness.bot.get_guild(harness.guild.id)
    assert cached is not None
    await emu.wait_until(lambda: cached.get_role(editors.id))
    await set_editor_role(harness.db, harness.guild.id, editors.id, 0)
    await emu.give_role(harness.guild, bob, editors)
    opened = await (await emu.click_label(posted, "Edit", member=bob)).modal()
    assert opened["title"] == "Edit, then approve"

    # a second reviewer's click on the same suggestion, after the first decided it
    eve = harness.member("eve", admin=True)
    await (await emu.click_label(posted, "Approve", member=admin)).reply()
    row = await harness.db.scalar("SELECT id FROM suggestions")
    stale = await (
        await emu.forge_click(reviews, f"suggest:reject:{row}", member=eve, message=posted)
    ).reply()
    assert "already approved" in stale.text()
    forged = await (
        await emu.forge_click(reviews, "suggest:approve:999999", member=admin, message=posted)
    ).reply()
    assert "does not exist" in forged.text()
    assert await harness.db.scalar("SELECT status FROM suggestions") == "approved"
    await dm(emu, ann)
    assert len(emu.dms(ann)) == 1


async def test_the_daily_cap_and_refusals_that_lose_nothing(
    harness: BotHarness, emu: Emulator, admin: Member
) -> None:
    ann = harness.member("ann")
    none_yet = await (await emu.slash("suggest", member=ann)).reply()
    assert (
        "no review channel" in none_yet.text()
        and "/bank settings review_channel:" in none_yet.text()
    )
    channel = await emu.add_channel(harness.guild, "reviews")
    await set_review_channel(harness.db, harness.guild.id, channel.id, 0)

    twice = await suggest(harness, ann, {**GPU, "choices": "*One\n*Two"})
    assert "Mark exactly one choice" in twice.text()
    assert "What does GPU stand for?" in twice.text() and "*Two" in twice.text()
    assert review_posts(harness, channel, "Suggested question") == []

    for n in range(store.DAILY_SUGGESTIONS):
        thanks = await suggest(harness, ann, {"prompt": f"Question {n}?", "answer": "Yes."})
        assert "with the reviewers" in thanks.text()
    capped = await (await emu.slash("suggest", member=ann)).reply()
    assert f"{store.DAILY_SUGGESTIONS} questions today" in capped.text()
    harness.clock.set(harness.clock.now() + timedelta(days=1))
    assert "with the reviewers" in (await suggest(harness, ann, GPU)).text()


async def own_bank(h: BotHarness) -> list[Question]:
    questions = [
        Question(
            id=question_id(prompt),
            prompt=prompt,
            answer=right,
            source="t",
            choices=(right, "Wrong one", "Wrong two"),
            correct=0,
        )
        for prompt, right in [
            ("What does RAM stand for?", "Random access memory"),
            ("What does ROM stand for?", "Read only memory"),
        ]
    ]
    await h.bot.server_banks.replace(
        h.guild.id, "week-1", "Week 1", questions, source=None, user_id=1, now=0
    )
    return questions


async def reveal_of_the_day(h: BotHarness, admin: Member) -> Message:
    options = {
        "channel": h.channel,
        "time": "09:00",
        "timezone": "UTC",
        "format": "choice",
        "bank": f"{h.guild.id}:week-1",
        "reveal_after": 1,
    }
    await (await h.emu.slash("qotd setup", options, member=admin)).reply()
    await h.tick(NINE)
    await h.tick(NINE + timedelta(hours=1))
    (reveal,) = [m for m in h.emu.public(h.channel) if "Answer ·" in m.text()]
    return reveal


async def report(
    h: BotHarness, member: Member, message: Message, values: dict[str, str]
) -> Message:
    button = next(c for c in message.custom_ids() if c.startswith("report:"))
    handle = await h.emu.click(message, button, member=member)
    modal = await handle.modal()
    assert modal["title"] == "Report a problem"
    return await (await h.emu.submit_modal(handle, values)).reply()


async def test_a_report_from_a_reveal_edits_the_question_and_another_retires_it(
    harness: BotHarness, emu: Emulator, reviews: Channel, admin: Member
) -> None:
    await own_bank(harness)
    reveal = await reveal_of_the_day(harness, admin)
    assert reveal.button("Report a problem")["style"] == 2  # secondary
    asked = await harness.db.scalar("SELECT question_id FROM posts")
    ann, bob = harness.member("ann"), harness.member("bob")

    thanks = await report(harness, ann, reveal, {"reason": "Typo in it", "note": "fr, not for"})
    assert "with the reviewers" in thanks.text()
    again = await report(harness, ann, reveal, {"reason": "wrong"})
    assert "reported this question already" in again.text()
    (posted,) = review_posts(harness, reviews, "Problem report")
    text = posted.text()
    assert "Typo" in text and "fr, not for" in text and f"<@{ann.id}>" in text
    assert f"id `{asked}`" in text and "Week 1" in text
    assert [b["label"] for b in posted.components[0]["components"]] == [
        "Edit question",
        "Retire question",
        "Dismiss",
    ]
    refused = await (await emu.click_label(posted, "Edit question", member=bob)).reply()
    assert "needs Manage Server" in refused.text()

    edit = await emu.click_label(posted, "Edit question", member=admin)
    values = prefilled(await edit.modal())
    before = harness.bot.server_banks.own(harness.guild.id, "week-1")
    assert before is not None
    original = before.get(asked)
    assert original is not None and values["prompt"] == original.prompt
    values["prompt"] = original.prompt.replace("stand for", "stand for, in full")
    decided = await (await emu.submit_modal(edit, values)).reply()
    assert decided.components == [] and "Question edited" in decided.text()
    bank = harness.bot.server_banks.own(harness.guild.id, "week-1")
    assert bank is not None
    edited = bank.get(asked)  # the same id: members' history and cards stay with it
    assert edited is not None and "in full" in edited.prompt
    assert len(bank.questions) == 2
    assert "was corrected" in (await dm(emu, ann)).text()

    # another member reports the same question from the reveal; it is retired
    await report(harness, bob, reveal, {"reason": "unclear"})
    second = review_posts(harness, reviews, "Problem report")[-1]
    assert "in full" in second.text()  # the question as the bank has it now
    retired = await (await emu.click_label(second, "Retire question", member=admin)).reply()
    assert "Question retired" in retired.text()
    bank = harness.bot.server_banks.own(harness.guild.id, "week-1")
    assert bank is not None and bank.get(asked) is None and len(bank.questions) == 1
    assert "was retired" in (await dm(emu, bob)).text()
    row = await harness.db.scalar("SELECT max(id) FROM reports")
    stale = await (
        await emu.forge_click(reviews, f"reported:dismiss:{row}", member=admin, message=second)
    ).reply()
    assert "already handled" in stale.text()
    assert await harness.db.scalar("SELECT status FROM reports WHERE id = ?", (row,)) == "retired"


async def test_a_shared_banks_question_can_only_be_dismissed(
    harness: BotHarness, emu: Emulator, reviews: Channel, admin: Member
) -> None:
    ann = harness.member("ann")
    first = await (
        await emu.slash("quiz", {"format": "choice", "questions": 1}, member=ann)
    ).reply()
    answer = next(c for c in first.custom_ids() if c.startswith("quiz:a:"))
    feedback = await (await emu.click(first, answer, member=ann)).reply()
    await report(harness, ann, feedback, {"reason": "other", "note": "Outdated"})
    (posted,) = review_posts(harness, reviews, "Problem report")
    assert [b["label"] for b in posted.components[0]["components"]] == ["Dismiss"]
    assert "read-only" in posted.text()
    forged = await (
        await emu.forge_click(
            reviews,
            f"reported:retire:{await harness.db.scalar('SELECT id FROM reports')}",
            member=admin,
            message=posted,
        )
    ).reply()
    assert "read-only" in forged.text()
    dismissed = await (await emu.click_label(posted, "Dismiss", member=admin)).reply()
    assert "Dismissed" in dismissed.text() and dismissed.components == []
    assert "kept the question" in (await dm(emu, ann)).text()


async def test_a_report_without_a_review_channel_is_refused(
    harness: BotHarness, emu: Emulator
) -> None:
    ann = harness.member("ann")
    first = await (
        await emu.slash("quiz", {"format": "choice", "questions": 1}, member=ann)
    ).reply()
    answer = next(c for c in first.custom_ids() if c.startswith("quiz:a:"))
    feedback = await (await emu.click(first, answer, member=ann)).reply()
    button = next(c for c in feedback.custom_ids() if c.startswith("report:quiz:"))
    refused = await (await emu.click(feedback, button, member=ann)).reply()
    assert "no review channel" in refused.text()
    forged = await (
        await emu.forge_click(harness.channel, "report:post:424242", member=ann)
    ).reply()
    assert "cannot be reported" in forged.text()
