"""Questions that teach, end to end: recall with a self-graded checklist in the question of
the day and in quizzes, feedback that says what a wrong pick describes, the reference answer in
group quizzes, and reviewing what a member missed."""

from __future__ import annotations

from datetime import timedelta

from bot.db import qotd as store
from bot.db import quiz as quiz_store
from bot.db.answers import forget_member, get_streak, member_score
from bot.db.self_grades import member_grades
from bot.items.model import Item, Kind
from emulator import Emulator, Member, Message
from tests.e2e.harness import BotHarness
from tests.e2e.quizhelp import item_of
from tests.e2e.test_qotd import NINE, posts, setup_qotd


async def stored_post_item(h: BotHarness, post: Message) -> tuple[int, Item]:
    db_post = await store.channel_post_on(h.db, h.channel.id, "2026-12-01")
    assert db_post is not None and db_post.message_id == post.id and db_post.item
    return db_post.id, Item.loads(db_post.item)


async def test_a_recall_question_of_the_day_is_checked_privately_and_graded(
    harness: BotHarness, emu: Emulator
) -> None:
    admin = harness.member("ada", admin=True)
    done = await setup_qotd(harness, admin, format="recall", reveal_after=2)
    assert "asked as recall, self-graded" in done.text()
    await harness.tick(NINE)
    (post,) = posts(harness)
    post_id, item = await stored_post_item(harness, post)
    assert item.kind is Kind.RECALL and 1 <= len(item.key_points) <= 7
    assert "press **Answer privately**" in post.embeds[0]["description"]
    assert post.custom_ids() == [f"qotd:r:{post_id}"]

    sam = harness.member("sam")
    shown = await (await emu.click(post, f"qotd:r:{post_id}", member=sam)).reply()
    assert shown.ephemeral and shown.visible_to == sam.id
    assert "Key points" in shown.text() and f"\n{len(item.key_points)}. " in shown.text()
    every = [str(n) for n in range(len(item.key_points))]
    ticked = await (await emu.select(shown, f"qotd:k:{post_id}", every, member=sam)).reply()
    total = len(item.key_points)
    assert f"You recalled {total} of {total} key points: **Easy** is suggested" in ticked.text()
    graded = await (await emu.click(ticked, f"qotd:g:{post_id}:4:{total}", member=sam)).reply()
    assert f"Recorded: **Easy** ({total} of {total} key points)" in graded.text()
    assert "not for leaderboard points" in graded.text()
    assert "Reference answer" in graded.text()
    assert f"report:post:{post_id}" in graded.custom_ids()
    streak = await get_streak(harness.db, harness.guild.id, sam.id)
    assert streak is not None and streak.current == 1  # it counts for the streak
    # a second grade changes nothing: the first one counts
    again = await (await emu.click(post, f"qotd:r:{post_id}", member=sam)).reply()
    regraded = await (await emu.click(again, f"qotd:g:{post_id}:1:0", member=sam)).reply()
    assert "your first grade (**Easy**) counts" in regraded.text()

    await harness.qotd.poster.flush_counts()
    assert post.embeds[0]["footer"]["text"].endswith("1 answered")
    harness.clock.set(NINE + timedelta(hours=2, minutes=1))
    await harness.tick()
    assert all(c.get("disabled") for row in post.components for c in row["components"])
    reveal = [m for m in emu.public(harness.channel) if m.id > post.id][-1]
    assert "1 checked their answer privately (Again 0 · Hard 0 · Good 0 · Easy 1)" in (
        reveal.text()
    )
    assert "Reference answer" in reveal.text()
    # never on a leaderboard; shown as practice in /stats
    for board in ("qotd", "all"):
        assert await member_score(harness.db, harness.guild.id, board, "all", sam.id) is None
    stats = await (await emu.slash("stats", member=sam)).reply()
    assert "Recalled and self-graded (no points)" in stats.text()
    assert "1 · Again 0 · Hard 0 · Good 0 · Easy 1" in stats.text()
    assert "Current: 1" in stats.text()
    await forget_member(harness.db, harness.guild.id, sam.id)  # what /forget-me runs
    assert (await member_grades(harness.db, harness.guild.id, sam.id)).total == 0


async def test_forged_recall_components_are_refused_plainly(
    harness: BotHarness, emu: Emulator
) -> None:
    admin = harness.member("ada", admin=True)
    await setup_qotd(harness, admin)  # multiple choice: no recall here
    await harness.tick(NINE)
    (post,) = posts(harness)
    post_id, _ = await stored_post_item(harness, post)
    eve = harness.member("eve")
    for custom_id, expected in (
        (f"qotd:r:{post_id}", "This button is out of date"),
        (f"qotd:g:{post_id}:9:0", "This button is not valid"),
        (f"qotd:g:{post_id}:3:99", "This button is not valid"),
        ("qotd:r:0", "This button is not valid"),
    ):
        refused = await (await emu.forge_click(post, custom_id, member=eve)).reply()
        assert expected in refused.text(), custom_id
        assert refused.visible_to == eve.id


async def test_a_schedule_changed_to_recall_asks_the_next_question_that_way(
    harness: BotHarness, emu: Emulator
) -> None:
    admin = harness.member("ada", admin=True)
    await setup_qotd(harness, admin)
    edited = await (
        await emu.slash("qotd edit", {"channel": harness.channel, "format": "recall"}, member=admin)
    ).reply()
    assert "format (multiple choice only → recall, self-graded)" in edited.text()
    await harness.tick(NINE)
    (post,) = posts(harness)
    _, item = await stored_post_item(harness, post)
    assert item.kind is Kind.RECALL


async def solo_choice_quiz(h: BotHarness, member: Member, count: int) -> Message:
    options = {"questions": count, "format": "choice"}
    return await (await h.emu.slash("quiz", options, member=member)).reply()


async def test_a_wrong_pick_teaches_and_what_was_missed_comes_back(
    harness: BotHarness, emu: Emulator
) -> None:
    alice = harness.member("alice")
    message = await solo_choice_quiz(harness, alice, 2)
    missed_ids = []
    for n in range(2):
        qq_id, question, item = await item_of(harness, message)
        assert item.correct is not None and item.options is not None
        wrong = (item.correct + 1) % len(item.options)
        feedback = await (await emu.click(message, f"quiz:a:{qq_id}:{wrong}", member=alice)).reply()
        text = feedback.text()
        assert "❌ Not quite" in text and "The answer is **" in text
        if item.explains and item.explains[wrong]:
            assert f"Option **{'ABCD'[wrong]}**" in text  # what the wrong pick describes
        assert "___" not in text.split("The answer is")[1].split("\n")[0]  # unmasked
        missed_ids.append(question.id)
        label = "See results" if n == 1 else "Next question"
        message = await (
            await emu.click(feedback, feedback.button(label)["custom_id"], member=alice)
        ).reply()
    assert "Quiz finished · 0/2 right" in message.text()
    assert "Answer: **" in message.text()  # the right answer in words, not a letter alone
    review = await (
        await emu.click(message, message.button("Review what I missed")["custom_id"], member=alice)
    ).reply()
    assert review.ephemeral and "Quiz · question 1 of 2" in review.text()
    first = await quiz_store.quiz_question(harness.db, (await item_of(harness, review))[0])
    assert first is not None
    asked = [q.question_id for q in await quiz_store.quiz_questions(harness.db, first.session_id)]
    assert sorted(asked) == sorted(missed_ids)
    # someone else cannot review Alice's quiz
    bob = harness.member("bob")
    refused = await (
        await emu.click(message, message.button("Review what I missed")["custom_id"], member=bob)
    ).reply()
    assert "someone else's quiz" in refused.text()


async def test_a_group_quiz_shows_the_reference_answer_and_each_member_reviews_their_misses(
    harness: BotHarness, emu: Emulator
) -> None:
    host, ann = harness.member("host"), harness.member("ann")
    await (await emu.slash("quiz", {"questions": 1, "mode": "group"}, member=host)).reply()
    (question,) = await emu.wait_until(
        lambda: [m for m in emu.public(harness.channel) if "question 1 of 1" in m.text()]
    )
    qq_id, asked, item = await item_of(harness, question)
    assert item.is_choice and item.correct is not None and item.options is not None
    wrong = (item.correct + 1) % len(item.options)
    await (await emu.click(question, f"quiz:a:{qq_id}:{wrong}", member=ann)).reply()
    harness.clock.advance(seconds=31)
    result = await emu.wait_until(
        lambda: [m for m in emu.public(harness.channel) if "Time's up!" in m.text()]
    )
    assert "Reference answer" in result[0].text()
    described = [i for i, e in enumerate(item.explains or ()) if e and i != item.correct]
    if described:  # what each wrong option describes, for everyone who picked it
        assert f"Option **{'ABCD'[described[0]]}**" in result[0].text()
    full = await (await emu.click(result[0], f"quiz:f:{qq_id}", member=ann)).reply()
    assert full.ephemeral and "Full answer" in full.text()
    assert asked.answer.split()[0] in full.text()
    results = await emu.wait_until(
        lambda: [m for m in emu.public(harness.channel) if "Group quiz · results" in m.text()]
    )
    review = await (
        await emu.click(
            results[0], results[0].button("Review what I missed")["custom_id"], member=ann
        )
    ).reply()
    assert review.ephemeral and review.visible_to == ann.id
    assert "Quiz · question 1 of 1" in review.text()


async def test_help_says_self_graded_answers_earn_no_points(
    harness: BotHarness, emu: Emulator
) -> None:
    shown = await (await emu.slash("help", member=harness.member("newcomer"))).reply()
    assert "never for leaderboard points" in shown.text()


async def test_a_post_from_before_items_were_stored_is_closed_with_its_answer(
    harness: BotHarness, emu: Emulator
) -> None:
    admin = harness.member("ada", admin=True)
    await setup_qotd(harness, admin, reveal_after=2)
    await harness.tick(NINE)
    (post,) = posts(harness)
    post_id, _ = await stored_post_item(harness, post)
    await harness.db.execute("UPDATE posts SET item = NULL")  # as an older version stored it
    await harness.restart()
    late = await (await emu.click(post, f"qotd:{post_id}:0", member=harness.member("al"))).reply()
    assert "posted before the bot's last upgrade" in late.text()
    harness.clock.set(NINE + timedelta(hours=2, minutes=1))
    await harness.tick()
    assert all(c.get("disabled") for row in post.components for c in row["components"])
    reveal = [m for m in emu.public(harness.channel) if m.id > post.id][-1]
    assert "Reference answer" in reveal.text()


async def test_a_post_answers_only_in_its_own_channel(harness: BotHarness, emu: Emulator) -> None:
    admin = harness.member("ada", admin=True)
    await setup_qotd(harness, admin)
    await harness.tick(NINE)
    (post,) = posts(harness)
    post_id, _ = await stored_post_item(harness, post)
    elsewhere = await emu.add_channel(harness.guild, "staff")
    forged = await (
        await emu.forge_click(elsewhere, f"qotd:{post_id}:0", member=harness.member("eve"))
    ).reply()
    assert "belongs to a question of another channel" in forged.text()
