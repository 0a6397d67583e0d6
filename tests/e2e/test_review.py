"""/review end to end: a question of the day a member missed comes due, is reviewed and moves
out; new questions come at a capped rate; old or foreign buttons change nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.db import reviews as store
from bot.db.answers import member_score
from bot.items.model import Item
from emulator import Emulator, Member, Message
from tests.e2e.harness import BotHarness
from tests.e2e.test_qotd import NINE, posts, setup_qotd
from tests.export.test_anki import read_package


async def miss_the_question_of_the_day(h: BotHarness, member: Member) -> str:
    admin = h.member("ada", admin=True)
    await setup_qotd(h, admin)  # multiple choice
    await h.tick(NINE)
    (post,) = posts(h)
    db_post = await h.db.fetchone("SELECT id, item, question_id FROM posts")
    assert db_post is not None
    item = Item.loads(db_post["item"])
    assert item.correct is not None and item.options is not None
    wrong = (item.correct + 1) % len(item.options)
    await (await h.emu.click(post, f"qotd:{db_post['id']}:{wrong}", member=member)).reply()
    return str(db_post["question_id"])


async def start(h: BotHarness, member: Member, **options: object) -> Message:
    return await (await h.emu.slash("review", options, member=member)).reply()


def card_button(message: Message, kind: str) -> str:
    return next(c for c in message.custom_ids() if c.startswith(f"review:{kind}:"))


async def recall(h: BotHarness, member: Member, message: Message, grade: int) -> Message:
    """Reveal the key points of the card shown and grade it."""
    show = card_button(message, "r")
    row = int(show.split(":")[2])
    shown = await (await h.emu.click(message, show, member=member)).reply()
    assert "Key points" in shown.text()
    return await (await h.emu.click(shown, f"review:g:{row}:{grade}:0", member=member)).reply()


async def test_a_missed_question_comes_due_is_reviewed_and_moves_out(
    harness: BotHarness, emu: Emulator
) -> None:
    sam = harness.member("sam")
    missed = await miss_the_question_of_the_day(harness, sam)
    cards = await store.member_cards(harness.db, harness.guild.id, sam.id)
    assert set(cards) == {missed} and cards[missed].reps == 1  # the miss reviewed it: Again

    harness.clock.set(NINE + timedelta(minutes=15))  # past its first learning step
    shown = await start(harness, sam)
    assert shown.ephemeral and shown.embeds[0]["title"] == "Review"
    assert "Due now: **1**" in shown.text()
    card = await store.next_due_card(harness.db, harness.guild.id, sam.id, harness.clock.now())
    assert card is not None and card.question_id == missed
    row = int(card_button(shown, "r").split(":")[2])
    graded = await recall(harness, sam, shown, 3)
    assert "Recorded: **Good**" in graded.text() and "Next review of this card" in graded.text()
    after = await store.member_cards(harness.db, harness.guild.id, sam.id)
    assert after[missed].reps == 2 and after[missed].due > harness.clock.now()
    # reviews earn no leaderboard points
    assert await member_score(harness.db, harness.guild.id, "quiz", "all", sam.id) is None

    # a second click on the same card's old buttons changes nothing
    stale = await (await emu.forge_click(shown, f"review:g:{row}:1:0", member=sam)).reply()
    assert "reviewed this card already" in stale.text()
    assert (await store.member_cards(harness.db, harness.guild.id, sam.id))[missed].reps == 2


async def test_new_questions_come_at_the_members_daily_rate(
    harness: BotHarness, emu: Emulator
) -> None:
    ann = harness.member("ann")
    done = await start(harness, ann, new_per_day=1)
    assert "New questions a day for you: 1." in done.text()
    first = await start(harness, ann)
    assert first.embeds[0]["title"] == "Review · new card"
    graded = await recall(harness, ann, first, 4)
    nxt = await (
        await emu.click(graded, graded.button("Next card")["custom_id"], member=ann)
    ).reply()
    assert nxt.embeds[0]["title"] == "Review · all done for now"
    assert "Next card" in nxt.text()  # when the next one is due
    harness.clock.advance(days=1)  # a new day, a new allowance
    again = await start(harness, ann)
    assert again.embeds[0]["title"] == "Review · new card"


async def test_someone_elses_card_and_the_server_default_are_refused(
    harness: BotHarness, emu: Emulator
) -> None:
    ann, bob = harness.member("ann"), harness.member("bob")
    shown = await start(harness, ann)
    refused = await (await emu.forge_click(shown, card_button(shown, "r"), member=bob)).reply()
    assert "someone else's cards" in refused.text()
    no = await start(harness, bob, new_per_day=3, server_default=True)
    assert "Only members with Manage Server" in no.text()
    admin = harness.member("ada", admin=True)
    yes = await start(harness, admin, new_per_day=3, server_default=True)
    assert "by default in this server: 3" in yes.text()
    settings = await store.review_settings(harness.db, harness.guild.id, bob.id)
    assert settings.new_per_day == 3


async def test_reminder_settings_are_checked(harness: BotHarness, emu: Emulator) -> None:
    ann = harness.member("ann")
    bad = await start(harness, ann, remind="25:99")
    assert bad.ephemeral and "25:99" in bad.text() and "Traceback" not in bad.text()
    zone = await start(harness, ann, remind="08:00", timezone="Mars/Olympus")
    assert "Mars/Olympus" in zone.text()
    good = await start(harness, ann, remind="08:00", timezone="Europe/Berlin")
    assert "I will remind you by direct message at 08:00 Europe/Berlin" in good.text()
    off = await start(harness, ann, remind="off")
    assert "Review reminders are off." in off.text()
    settings = await store.review_settings(harness.db, harness.guild.id, ann.id)
    assert settings.remind_next is None


async def test_an_item_is_never_a_derived_choice_in_review(harness: BotHarness) -> None:
    ann = harness.member("ann")
    shown = await start(harness, ann)
    card = await store.next_due_card(harness.db, harness.guild.id, ann.id, harness.clock.now())
    assert card is not None
    assert [c.split(":")[1] for c in shown.custom_ids()] == ["r"]  # the seed's answers: recall


async def test_a_missed_question_comes_first_in_a_solo_quiz_and_stats_show_reviews(
    harness: BotHarness, emu: Emulator
) -> None:
    sam = harness.member("sam")
    missed = await miss_the_question_of_the_day(harness, sam)
    quiz = await (await emu.slash("quiz", {"questions": 3}, member=sam)).reply()
    custom = next(c for c in quiz.custom_ids() if c.startswith("quiz:"))
    qq = await harness.db.fetchone(
        "SELECT question_id FROM quiz_questions WHERE id = ?", (int(custom.split(":")[2]),)
    )
    assert qq is not None and qq["question_id"] == missed
    stats = await (await emu.slash("stats", member=sam)).reply()
    assert "Reviews (spaced repetition)" in stats.text()
    assert "1 done · retention, last 30 days: -" in stats.text()
    assert "Cards: learning 1" in stats.text()


async def test_a_reminder_arrives_once_only_when_due_and_the_review_runs_in_the_dm(
    harness: BotHarness, emu: Emulator
) -> None:
    sam = harness.member("sam")
    missed = await miss_the_question_of_the_day(harness, sam)  # 09:00: due again within minutes
    done = await start(harness, sam, remind="09:30", timezone="UTC")
    assert "at 09:30 UTC" in done.text()
    cog = harness.bot.get_cog("Review")
    harness.clock.set(NINE + timedelta(minutes=29))
    assert await cog.send_reminders(harness.clock.now()) == 0  # not its time yet
    harness.clock.set(NINE + timedelta(minutes=31))
    assert await cog.send_reminders(harness.clock.now()) == 1
    assert await cog.send_reminders(harness.clock.now()) == 0  # one a day at most
    (dm,) = emu.dms(sam)
    assert "1 card is due for review in **" in dm.text()
    assert dm.guild_id is None and not dm.ephemeral

    # the button starts the review in the direct message: this server's cards, no guild
    shown = await (await emu.click(dm, dm.custom_ids()[0], member=sam)).reply()
    assert shown.channel_id == dm.channel_id and shown.embeds[0]["title"] == "Review"
    graded = await recall(harness, sam, shown, 4)
    assert "Recorded: **Easy**" in graded.text()
    cards = await store.member_cards(harness.db, harness.guild.id, sam.id)
    assert cards[missed].reps == 2 and cards[missed].due >= harness.clock.now() + timedelta(days=1)

    # at the next day's reminder nothing is due yet: no message
    harness.clock.set(NINE + timedelta(days=1, minutes=30))
    assert await cog.send_reminders(harness.clock.now()) == 0
    assert len([m for m in emu.dms(sam) if "due for review" in m.text()]) == 1


async def test_closed_direct_messages_stop_reminders_and_are_told_once(
    harness: BotHarness, emu: Emulator
) -> None:
    sam = harness.member("sam")
    await miss_the_question_of_the_day(harness, sam)
    await start(harness, sam, remind="09:30", timezone="UTC")
    emu.close_dms(sam)
    harness.clock.set(NINE + timedelta(minutes=31))
    cog = harness.bot.get_cog("Review")
    assert await cog.send_reminders(harness.clock.now()) == 0
    settings = await store.review_settings(harness.db, harness.guild.id, sam.id)
    assert settings.remind_next is None and settings.dm_closed
    told = await start(harness, sam)
    assert "direct messages from this server are closed" in told.text()
    again = await start(harness, sam)
    assert "direct messages" not in again.text()


async def test_export_gives_the_members_cards_as_an_anki_deck_and_csv(
    harness: BotHarness, emu: Emulator, tmp_path: Path
) -> None:
    sam = harness.member("sam")
    none = await (await emu.slash("export", member=sam)).reply()
    assert "You have no cards yet" in none.text()
    missed = await miss_the_question_of_the_day(harness, sam)
    handle = await emu.slash("export", member=sam)
    shown = await handle.reply(timeout=20)
    assert shown.ephemeral and shown.visible_to == sam.id
    names = [a["filename"] for a in shown.attachments]
    assert len(names) == 2 and names[0].endswith("-cards.apkg") and names[1].endswith(".csv")
    package = tmp_path / names[0]
    package.write_bytes(emu.attachment_bytes(shown, names[0]))
    read = read_package(package, tmp_path)
    question = harness.banks.find(missed)
    assert question is not None
    (note,) = read.notes
    assert note.fields[0].startswith(question.prompt[:20]) and "missed" in note.tags
    table = emu.attachment_bytes(shown, names[1]).decode("utf-8")
    assert missed in table and table.splitlines()[0].startswith("id,prompt")
    # a whole bank: for admins only
    refused = await (
        await emu.slash("export", {"bank": "generative-ai-interview-questions"}, member=sam)
    ).reply()
    assert "Only members with Manage Server" in refused.text()
    admin = harness.member("ada", admin=True)
    whole = await (
        await emu.slash("export", {"bank": "generative-ai-interview-questions"}, member=admin)
    ).reply(timeout=20)
    bank_file = tmp_path / "bank.apkg"
    bank_file.write_bytes(emu.attachment_bytes(whole, whole.attachments[0]["filename"]))
    assert len(read_package(bank_file, tmp_path / "b").notes) == 17


async def test_a_card_of_a_bank_no_longer_loaded_does_not_block_the_others(
    harness: BotHarness, emu: Emulator
) -> None:
    sam = harness.member("sam")
    missed = await miss_the_question_of_the_day(harness, sam)
    await store.introduce(harness.db, harness.guild.id, sam.id, "gone", "x1", NINE, "2026-11-01")
    harness.clock.set(NINE + timedelta(minutes=15))
    shown = await start(harness, sam)
    assert shown.embeds[0]["title"] == "Review"  # the missed card, not a new one
    card = card_button(shown, "r")
    row = await store.get_card(harness.db, int(card.split(":")[2]) // 1_000_000)
    assert row is not None and row.question_id == missed


async def test_only_the_member_sees_their_reviews_and_a_member_who_left_gets_no_reminder(
    harness: BotHarness, emu: Emulator
) -> None:
    sam, bob = harness.member("sam"), harness.member("bob")
    first = await start(harness, sam)
    await recall(harness, sam, first, 3)
    own = await (await emu.slash("stats", member=sam)).reply()
    assert "Reviews (spaced repetition)" in own.text()  # reviews alone make stats
    other = await (await emu.slash("stats", {"member": sam}, member=bob)).reply()
    assert "Reviews" not in other.text()
    harness.clock.advance(minutes=20)
    await start(harness, sam, remind="10:00", timezone="UTC")
    await emu.remove_member(harness.guild, sam)
    harness.clock.set(NINE + timedelta(days=1, hours=1, minutes=1))
    cog = harness.bot.get_cog("Review")
    assert await cog.send_reminders(harness.clock.now()) == 0
    settings = await store.review_settings(harness.db, harness.guild.id, sam.id)
    assert settings.remind_next is None and not settings.dm_closed
