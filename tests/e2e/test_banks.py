"""A server's own questions, managed from Discord end to end: /bank upload (preview, confirm,
re-upload keeping history), list, show, export, remove, settings, and /question add, edit,
remove, find, each refused for members without the right."""

from __future__ import annotations

from datetime import timedelta

from bot.db import server_banks as store
from bot.items.model import Item
from emulator import Emulator, Member, Message
from tests.e2e.harness import BotHarness
from tests.e2e.test_qotd import NINE, posts, setup_qotd

WEEK1 = """\
name: Week 1
questions:
  - prompt: Which of these keeps insertion order?
    choices: [set, list, frozenset]
    correct: list
    topic: Python
  - prompt: What does `len([])` return?
    answer: "`0`: an empty list has no items."
    aliases: ["0", zero]
  - prompt: What is a tuple?
    answer: An immutable sequence.
"""


async def upload(
    h: BotHarness, member: Member, filename: str, text: str | bytes, **options: object
) -> Message:
    data = text.encode() if isinstance(text, str) else text
    handle = await h.emu.slash(
        "bank upload", {"file": h.emu.upload(filename, data), **options}, member=member
    )
    return await handle.reply()


def button_id(message: Message, label: str) -> str:
    return str(message.button(label)["custom_id"])


async def confirm(
    h: BotHarness, member: Member, preview: Message, label: str = "Import"
) -> Message:
    return await (await h.emu.click(preview, button_id(preview, label), member=member)).reply()


async def test_an_upload_is_previewed_then_imported_and_used(
    harness: BotHarness, emu: Emulator
) -> None:
    ada = harness.member("ada", admin=True)
    preview = await upload(harness, ada, "week1.yaml", WEEK1)
    assert preview.ephemeral
    embed = preview.embeds[0]
    assert embed["title"] == "Import Week 1?"
    assert "week1.yaml" in embed["description"] and "3 questions" in embed["description"]
    assert "1 as choices" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Topics"] == "Python"
    assert "✅ **B.** **list**" in fields["Question 1, as it will be asked"]
    assert await store.server_bank(harness.db, harness.guild.id, "week-1") is None  # not yet

    done = await confirm(harness, ada, preview)
    assert "Imported **Week 1**: 3 questions (3 added" in done.text()
    stored = await store.server_bank(harness.db, harness.guild.id, "week-1")
    assert stored is not None and len(stored.questions) == 3

    listed = await (await emu.slash("bank list", {}, member=harness.member("bo"))).reply()
    own = next(f for f in listed.embeds[0]["fields"] if f["name"] == "This server's banks")
    assert "**Week 1** (`week-1`): 3 questions" in own["value"]
    choices = await emu.autocomplete("quiz", {"bank": "week"}, "bank", member=ada)
    assert [c["value"] for c in choices] == [f"{harness.guild.id}:week-1"]

    # another server never sees it
    other = emu.add_guild("Elsewhere")
    eve = emu.add_member(other, "eve", admin=True)
    assert await emu.autocomplete("quiz", {"bank": "week"}, "bank", member=eve) == []
    refused = await (
        await emu.slash(
            "quiz",
            {"bank": f"{harness.guild.id}:week-1"},
            member=eve,
            channel=emu.text_channel(other),
        )
    ).reply()
    assert "There is no bank" in refused.text()


async def test_refusals_name_the_file_and_line_and_change_nothing(harness: BotHarness) -> None:
    ada = harness.member("ada", admin=True)
    broken = WEEK1 + "  - prompt: Which?\n    choices: [a, b]\n    correct: c\n"
    refused = await upload(harness, ada, "week1.yaml", broken)
    assert "**week1.yaml** was not imported (1 error; nothing was changed)" in refused.text()
    assert "week1.yaml:12: question 4: 'correct' must be" in refused.text()
    assert refused.components == []
    too_big = await upload(harness, ada, "big.md", b"# x\n" + b"a" * (2 * 1024 * 1024))
    assert too_big.text().startswith("big.md is 2.0 MB; a bank file may be at most 2 MB")
    clash = await upload(harness, ada, "ml.yaml", WEEK1, name="ML acronyms")
    assert "A shared bank is already called 'ml-acronyms'" in clash.text()
    unknown = await upload(harness, ada, "notes.pdf", b"%PDF-1.4")
    assert "notes.pdf: unknown bank format '.pdf'" in unknown.text()
    assert await store.server_question_count(harness.db, harness.guild.id) == 0


async def test_only_editors_manage_questions(harness: BotHarness, emu: Emulator) -> None:
    ada = harness.member("ada", admin=True)
    bo = harness.member("bo")
    refused = await upload(harness, bo, "week1.yaml", WEEK1)
    assert refused.text() == "Managing this server's questions needs Manage Server."
    for command, options in (
        ("bank show", {"name": "ml-acronyms"}),
        ("bank export", {"name": "ml-acronyms"}),
        ("question find", {"text": "GPU"}),
        ("question add", {"bank": "mine"}),
        ("bank settings", {"review_channel": harness.channel}),
    ):
        answer = await (await emu.slash(command, options, member=bo)).reply()
        assert "Manage Server" in answer.text(), command

    editors = await emu.create_role(harness.guild, "Question editors")
    cached = harness.bot.get_guild(harness.guild.id)
    assert cached is not None
    await emu.wait_until(lambda: cached.get_role(editors.id))
    set_role = await (
        await emu.slash("bank settings", {"editor_role": editors}, member=ada)
    ).reply()
    assert f"<@&{editors.id}>" in set_role.text()
    refused = await upload(harness, bo, "week1.yaml", WEEK1)
    assert (
        refused.text()
        == f"Managing this server's questions needs Manage Server or the <@&{editors.id}> role."
    )
    await emu.give_role(harness.guild, bo, editors)
    preview = await upload(harness, bo, "week1.yaml", WEEK1)
    # someone else's confirmation is not theirs to click, even an admin's
    stolen = await (await emu.click(preview, button_id(preview, "Import"), member=ada)).reply()
    assert stolen.text() == "Only the member who ran the command can confirm it."
    forged = await (await emu.forge_click(preview, "bank:ok:0123456789abcdef", member=bo)).reply()
    assert forged.text() == "This confirmation has expired: run the command again."
    assert "Imported" in (await confirm(harness, bo, preview)).text()
    # the role taken away: the next change is refused on the server side
    harness.guild.members[bo.id].roles.remove(editors.id)
    again = await upload(harness, bo, "week1.yaml", WEEK1)
    assert "needs Manage Server" in again.text()


async def qotd_post(h: BotHarness, admin: Member) -> tuple[Message, int, Item]:
    await setup_qotd(h, admin, bank="week-1")
    await h.tick(NINE)
    (post,) = posts(h)
    row = await h.db.fetchone("SELECT id, item FROM posts")
    assert row is not None
    return post, int(row["id"]), Item.loads(row["item"])


async def verdicts(h: BotHarness) -> list[tuple[int, int, int]]:
    rows = await h.db.fetchall("SELECT user_id, correct, points FROM answers ORDER BY id")
    return [(r["user_id"], r["correct"], r["points"]) for r in rows]


async def test_a_reupload_and_an_edit_keep_history_and_earlier_verdicts(
    harness: BotHarness, emu: Emulator
) -> None:
    ada = harness.member("ada", admin=True)
    only_choice = WEEK1.split("  - prompt: What does")[0]
    await confirm(harness, ada, await upload(harness, ada, "week1.yaml", only_choice))
    post, post_id, item = await qotd_post(harness, ada)
    assert item.options == ("set", "list", "frozenset") and item.correct == 1
    sam, kim = harness.member("sam"), harness.member("kim")
    await (await emu.click(post, f"qotd:{post_id}:1", member=sam)).reply()
    row = await harness.db.fetchone("SELECT question_id FROM posts")
    assert row is not None
    qid = row["question_id"]
    (sam_verdict,) = await verdicts(harness)
    assert sam_verdict[:2] == (sam.id, 1)

    # an editor makes "set" the right choice: a click on the post asked before keeps its meaning
    edit = await emu.slash("question edit", {"id": qid}, member=ada)
    assert (await edit.modal())["title"] == "Edit question"
    saved = await (
        await emu.submit_modal(
            edit,
            {"prompt": "Which keeps insertion order?", "choices": "*set\nlist\nfrozenset"},
        )
    ).reply()
    assert saved.text().startswith("Saved in **Week 1**")
    stored = await store.server_bank(harness.db, harness.guild.id, "week-1")
    assert stored is not None
    assert (stored.questions[0].id, stored.questions[0].correct) == (qid, 0)
    await (await emu.click(post, f"qotd:{post_id}:1", member=kim)).reply()
    assert await verdicts(harness) == [sam_verdict, (kim.id, 1, sam_verdict[2])]

    # a re-upload that rewords the prompt keeps the id, the member's card and their points
    reworded = only_choice.replace(
        "Which of these keeps insertion order?", "Which keeps the order items were added in?"
    )
    preview = await upload(harness, ada, "week1.yaml", reworded)
    changes = next(
        f for f in preview.embeds[0]["fields"] if f["name"] == "Replaces the bank of this name"
    )
    assert changes["value"].startswith("0 added, 1 edited, 0 removed, 0 unchanged")
    await confirm(harness, ada, preview, "Replace")
    stored = await store.server_bank(harness.db, harness.guild.id, "week-1")
    assert stored is not None and stored.questions[0].id == qid
    assert stored.questions[0].prompt == "Which keeps the order items were added in?"
    card = await harness.db.fetchone(
        "SELECT question_id, reps FROM cards WHERE user_id = ?", (sam.id,)
    )
    assert card is not None and (card["question_id"], card["reps"]) == (qid, 1)
    assert await verdicts(harness) == [sam_verdict, (kim.id, 1, sam_verdict[2])]


async def test_show_export_and_upload_again_changes_nothing(
    harness: BotHarness, emu: Emulator
) -> None:
    ada = harness.member("ada", admin=True)
    many = "questions:\n" + "".join(
        f"  - prompt: Question number {i}?\n    answer: Answer {i}.\n" for i in range(23)
    )
    await confirm(harness, ada, await upload(harness, ada, "many.yaml", many, name="Many"))
    shown = await (await emu.slash("bank show", {"name": "many"}, member=ada)).reply()
    assert shown.embeds[0]["footer"]["text"] == "Page 1 of 3 · 23 questions"
    nxt = await (await emu.click(shown, button_id(shown, "Next"), member=ada)).reply()
    assert nxt.embeds[0]["footer"]["text"] == "Page 2 of 3 · 23 questions"
    exported = await (await emu.slash("bank export", {"name": "many"}, member=ada)).reply()
    text = emu.attachment_bytes(exported, "many.yaml").decode()
    assert text.count("- id: ") == 23
    again = await upload(
        harness, ada, "many.yaml", text.replace("Answer 3.", "Answer three."), name="Many"
    )
    changes = next(
        f for f in again.embeds[0]["fields"] if f["name"] == "Replaces the bank of this name"
    )
    assert changes["value"].startswith("0 added, 1 edited, 0 removed, 22 unchanged")


async def test_remove_stops_the_question_of_the_day_that_used_it(
    harness: BotHarness, emu: Emulator
) -> None:
    ada = harness.member("ada", admin=True)
    await confirm(harness, ada, await upload(harness, ada, "week1.yaml", WEEK1))
    await setup_qotd(harness, ada, bank="week-1")
    shared = await (await emu.slash("bank remove", {"name": "ml-acronyms"}, member=ada)).reply()
    assert "read-only" in shared.text()
    asked = await (await emu.slash("bank remove", {"name": "week-1"}, member=ada)).reply()
    assert "Remove **Week 1** and its 3 questions?" in asked.text()
    assert f"<#{harness.channel.id}>" in asked.text()
    cancelled = await (await emu.click(asked, button_id(asked, "Cancel"), member=ada)).reply()
    assert cancelled.text() == "Cancelled: nothing was changed."
    asked = await (await emu.slash("bank remove", {"name": "week-1"}, member=ada)).reply()
    done = await (await emu.click(asked, button_id(asked, "Remove"), member=ada)).reply()
    assert done.text().startswith("Removed **Week 1**. The question of the day stopped in")
    assert await store.server_bank(harness.db, harness.guild.id, "week-1") is None
    notice = emu.public(harness.channel)[-1]
    assert "its bank **Week 1** was removed" in notice.text()
    status = await (await emu.slash("qotd status", {}, member=ada)).reply()
    assert "its bank 'Week 1' was removed" in status.text()


async def test_question_add_find_remove(harness: BotHarness, emu: Emulator) -> None:
    ada = harness.member("ada", admin=True)
    opened = await emu.slash(
        "question add", {"bank": "Interview prep", "difficulty": "hard"}, member=ada
    )
    bad = await (
        await emu.submit_modal(opened, {"prompt": "Which is immutable?", "choices": "list\ntuple"})
    ).reply()
    assert bad.text().startswith("Not added: Mark exactly one choice as the right one")
    assert "Question:\n```\nWhich is immutable?\n```" in bad.text()  # shown back to paste
    opened = await emu.slash(
        "question add", {"bank": "Interview prep", "difficulty": "hard"}, member=ada
    )
    added = await (
        await emu.submit_modal(
            opened, {"prompt": "Which is immutable?", "choices": "list\n*tuple", "topic": "Python"}
        )
    ).reply()
    assert added.text().startswith("Added to **Interview prep**")
    stored = await store.server_bank(harness.db, harness.guild.id, "interview-prep")
    assert stored is not None and stored.name == "Interview prep"
    (question,) = stored.questions
    assert (
        question.correct,
        question.topic,
        question.difficulty and question.difficulty.value,
    ) == (1, "Python", "hard")

    found = await emu.autocomplete("question find", {"text": "immut"}, "text", member=ada)
    assert found[0]["value"] == question.id
    page = await (await emu.slash("question find", {"text": question.id}, member=ada)).reply()
    assert page.embeds[0]["title"] == "Which is immutable?"
    removed = await (await emu.slash("question remove", {"id": question.id}, member=ada)).reply()
    assert removed.text().startswith("Removed from **Interview prep**")
    gone = await (await emu.slash("question remove", {"id": question.id}, member=ada)).reply()
    assert "have no question" in gone.text()
    shared_id = harness.banks.banks["ml-acronyms"].questions[0].id
    read_only = await (await emu.slash("question edit", {"id": shared_id}, member=ada)).reply()
    assert "shared banks are read-only" in read_only.text()


async def test_a_review_card_is_judged_by_what_was_shown(
    harness: BotHarness, emu: Emulator
) -> None:
    ada = harness.member("ada", admin=True)
    only_choice = WEEK1.split("  - prompt: What does")[0]
    await confirm(harness, ada, await upload(harness, ada, "week1.yaml", only_choice))
    post, post_id, _ = await qotd_post(harness, ada)
    sam = harness.member("sam")
    await (await emu.click(post, f"qotd:{post_id}:0", member=sam)).reply()  # "set": wrong
    harness.clock.set(NINE + timedelta(minutes=15))
    shown = await (await emu.slash("review", {}, member=sam)).reply()
    answer = next(c for c in shown.custom_ids() if c.startswith("review:a:") and c.endswith(":1"))

    qid = (await harness.db.fetchone("SELECT question_id FROM posts"))["question_id"]
    edit = await emu.slash("question edit", {"id": qid}, member=ada)
    await (
        await emu.submit_modal(
            edit, {"prompt": "Which keeps insertion order?", "choices": "*set\nlist\nfrozenset"}
        )
    ).reply()
    graded = await (await emu.click(shown, answer, member=sam)).reply()
    log = await harness.db.fetchall("SELECT grade, source FROM review_logs ORDER BY id")
    assert [(r["grade"], r["source"]) for r in log] == [
        (1, "qotd"),
        (3, "review"),
    ]  # "list" was right
    assert graded.ephemeral
