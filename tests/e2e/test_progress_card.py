"""The progress card end to end: on a member's own /stats and on /review when nothing is due,
shared in the channel only by its member."""

from __future__ import annotations

import io

from PIL import Image

from emulator import Emulator, Member, Message
from tests.e2e.harness import BotHarness
from tests.e2e.test_leaderboard import seed_points

SHARE = "progress:share:{}"


def assert_card(emu: Emulator, message: Message) -> None:
    """The message carries the card as its embed's image, described for screen readers."""
    (attachment,) = message.attachments
    assert attachment["filename"] == "progress.png"
    assert attachment["content_type"] == "image/png"
    assert attachment["description"].startswith("Progress card. Last 12 weeks: studied on 1 of")
    # the embed's image is the attachment itself (Discord resolves attachment:// to its url)
    assert message.embeds[-1]["image"]["url"] == attachment["url"]
    image = Image.open(io.BytesIO(emu.attachment_bytes(message, "progress.png")))
    assert (image.format, image.size) == ("PNG", (800, 420))


async def stats(emu: Emulator, viewer: Member, member: Member | None = None) -> Message:
    options = {"member": member} if member else {}
    return await (await emu.slash("stats", options, member=viewer)).reply()


async def test_own_stats_carry_the_card_and_another_members_do_not(
    harness: BotHarness, emu: Emulator
) -> None:
    sam, eve = harness.member("sam"), harness.member("eve")
    await seed_points(harness, {sam: 10, eve: 20})
    own = await stats(emu, sam)
    assert own.ephemeral and own.visible_to == sam.id
    assert "Answered" in own.text()  # the text embed stays, for screen readers
    assert_card(emu, own)
    assert own.custom_ids() == [SHARE.format(sam.id)]
    theirs = await stats(emu, eve, sam)
    assert "Answered" in theirs.text()
    assert theirs.attachments == [] and "image" not in theirs.embeds[0]
    assert theirs.custom_ids() == []


async def test_share_posts_the_card_publicly_for_its_member_only(
    harness: BotHarness, emu: Emulator
) -> None:
    sam, eve = harness.member("sam"), harness.member("eve")
    await seed_points(harness, {sam: 10})
    own = await stats(emu, sam)
    shared = await (await emu.click(own, SHARE.format(sam.id), member=sam)).reply()
    assert not shared.ephemeral and shared in emu.public(harness.channel)
    assert f"<@{sam.id}>" in shared.text()
    assert_card(emu, shared)
    forged = await (await emu.forge_click(own, SHARE.format(sam.id), member=eve)).reply()
    assert forged.ephemeral
    assert forged.text() == "Only the member whose progress card this is can share it."
    assert emu.public(harness.channel) == [shared]  # nothing more was posted


async def test_review_with_nothing_due_shows_the_card(harness: BotHarness, emu: Emulator) -> None:
    sam = harness.member("sam")
    await seed_points(harness, {sam: 10})
    await (await emu.slash("review", {"new_per_day": 0}, member=sam)).reply()
    done = await (await emu.slash("review", member=sam)).reply()
    assert done.ephemeral and done.embeds[0]["title"] == "Review · all done for now"
    assert_card(emu, done)
