"""Posting, revealing and refreshing question-of-the-day posts.

One tick (driven by APScheduler, or called directly by tests with their clock) asks the database
which schedules are due and posts them, paced under Discord's global rate limit. A post is claimed
in the database before it is sent (one per schedule and local date) and sent with a deterministic
nonce, so a crash or a restart between claim and confirmation never yields a second message.
"""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING

import aiohttp
import discord
from discord.utils import MISSING

from bot.bank.cloze import asking
from bot.bank.model import Bank, Question
from bot.bank.text import shorten
from bot.db import qotd as store
from bot.db.answers import count_post_answers, post_answers
from bot.db.self_grades import post_grades
from bot.discord_glue.ratelimit import RateLimiter
from bot.discord_glue.render import (
    PostView,
    discussion_reveal_embeds,
    qotd_embed,
    qotd_title,
    reveal_embeds,
)
from bot.discord_glue.report import report_view
from bot.discord_glue.tuning import global_limit_cleared
from bot.items.maker import QOTD_KINDS, allowed_kinds, recall_item
from bot.items.model import Format, Item, Kind
from bot.study.rotation import rotation
from bot.study.schedule import local_date_of, next_due, reveal_instant
from cogs.qotd.buttons import answer_view

if TYPE_CHECKING:
    from bot.discord_glue.client import StudyBot

log = logging.getLogger(__name__)

CATCH_UP_GRACE = timedelta(hours=6)  # a post due while the bot was down is sent this late at most
# Requests per second, in bursts of at most 2: at most 46 in any second, so that requests
# bunched on their way still stay under Discord's global 50/s.
POST_RATE = 44.0
POST_BURST = 2
# Posts prepared or in flight at once: enough to keep 44 posts/s going while each request takes
# up to ~0.45 s, and few enough that the workers woken together by one commit of their claims
# do not hold the event loop for long (50 gave stalls of ~50 ms with 10,000 servers).
MAX_IN_FLIGHT = 20
UNCONFIRMED_AFTER = 15  # seconds before a claimed post of another run is resolved
# Looking for a post sent before a restart: the channel's messages from a little before its claim
# (clocks differ), oldest first, up to this many (the post comes right after its claim).
FIND_SENT_MARGIN = timedelta(minutes=5)
FIND_SENT_LIMIT = 1000
DUE_BATCH = 500
POST_CACHE = 2048


def _epoch(instant: datetime) -> int:
    return int(instant.timestamp())


def _instant(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def post_seed(nonce: str) -> int:
    """The seed of a post's item, known before the post is claimed (its nonce names the
    schedule and the date), so that the item is stored in the claim itself."""
    return zlib.crc32(nonce.encode("ascii"))


DISCUSSION = "discussion"  # the format that asks for discussion only: no answers, no points


def qotd_kinds(fmt: str) -> frozenset[Kind]:
    """The item kinds a schedule of format ``fmt`` ('auto', 'choice', 'recall', 'discussion')
    asks with. A discussion post keeps the question's reference answer as a recall item (every
    question has one) to reveal it."""
    if fmt == DISCUSSION:
        return frozenset((Kind.RECALL,))
    try:
        return allowed_kinds(Format(fmt), QOTD_KINDS)
    except ValueError:
        return QOTD_KINDS


class PostingError(Exception):
    """Posting to a channel is impossible until an admin acts (the message says what to do)."""


class Poster:
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self.db = bot.services.db
        self.banks = bot.services.banks
        self.clock = bot.services.clock
        self.shards = bot.served_shards  # the tick does the work of these shards' servers only
        # The global limit is the bot's, whatever its processes: each paces its own share.
        self.limiter = RateLimiter(
            POST_RATE * self.shards.share,
            burst=POST_BURST,
            until_clear=global_limit_cleared(bot.http),
        )
        self.dirty: set[int] = set()  # posts whose answer count changed since the last refresh
        self.in_flight: set[int] = set()
        self._tick_lock = asyncio.Lock()
        self._flush_lock = asyncio.Lock()
        # Held while a post is revealed or replaced, and the post read again inside it: the
        # timer, /qotd reveal-now and /qotd skip close a post exactly once between them.
        self._closing = asyncio.Lock()
        self.stopping = False  # set at shutdown: finish the post in hand, start no other
        self._posts: OrderedDict[int, store.Post] = OrderedDict()
        self._orders: dict[str, tuple[Bank, list[Question]]] = {}  # each bank's questions by id

    async def post(self, post_id: int) -> store.Post | None:
        """A confirmed post, from memory when it was read recently: every click reads it, and
        nothing an answer depends on changes once it is posted (the reveal instant is fixed)."""
        post = self._posts.get(post_id)
        if post is not None:
            self._posts.move_to_end(post_id)
            return post
        post = await store.get_post(self.db, post_id)
        if post is not None and post.state == "posted":
            self._posts[post_id] = post
            if len(self._posts) > POST_CACHE:
                self._posts.popitem(last=False)
        return post

    # --- the tick ----------
    async def tick(self) -> None:
        """Post what is due, resolve interrupted posts, reveal what is due."""
        async with self._tick_lock:
            now = self.clock.now()
            await self.resolve_unconfirmed(now)
            seen: set[int] = set()
            while not self.stopping:
                batch = await store.due_schedules(self.db, _epoch(now), DUE_BATCH, self.shards)
                due = [s for s in batch if s.id not in seen]  # each schedule once per tick
                if not due:
                    break
                seen.update(s.id for s in due)
                await self._post_all(due, now)
            if not self.stopping:
                await self.reveal_due(now)

    async def _post_all(self, due: list[store.Schedule], now: datetime) -> None:
        """A few workers share the due schedules: no burst of tasks blocks the event loop, and
        a failure in one server never stops the others."""
        queue: asyncio.Queue[store.Schedule] = asyncio.Queue()
        for schedule in due:
            queue.put_nowait(schedule)

        async def worker() -> None:
            while not self.stopping and not queue.empty():
                schedule = queue.get_nowait()
                try:
                    await self.post_due(schedule, now)
                except Exception:
                    log.exception("qotd: posting schedule %s failed; others go on", schedule.id)

        await asyncio.gather(*(worker() for _ in range(min(MAX_IN_FLIGHT, len(due)))))

    def pick_question(
        self,
        bank: Bank,
        used: frozenset[str],
        channel_id: int,
        cycle: int,
        kinds: frozenset[Kind] = QOTD_KINDS,
        deferred: Mapping[int, Sequence[str]] | None = None,
    ) -> tuple[Question, int] | None:
        """The next question of the channel's rotation: no repeats until the bank is used up.

        The order of each cycle is a fixed shuffle of the bank for the channel, so it is the same
        after a restart and after the channel's schedule is removed and set up again; the
        questions ``deferred`` in a cycle come after all the others, in the order deferred.
        Questions that cannot be asked as one of ``kinds`` are passed over.
        """
        cached = self._orders.get(bank.key)
        if cached is None or cached[0] is not bank:  # a server's bank may have a new version
            cached = self._orders[bank.key] = (bank, sorted(bank.questions, key=lambda q: q.id))
        order = cached[1]
        moved = deferred or {}
        for attempt in (cycle, cycle + 1):
            for question in self._cycle_order(bank, order, channel_id, attempt, moved.get(attempt)):
                if attempt == cycle and question.id in used:
                    continue
                if self.banks.askable(bank.key, question, kinds):
                    return question, attempt
        return None

    @staticmethod
    def _cycle_order(
        bank: Bank,
        order: list[Question],
        channel_id: int,
        cycle: int,
        deferred: Sequence[str] | None,
    ) -> Iterator[Question]:
        """One cycle of the channel's rotation, its deferred questions moved to the end."""
        later = set(deferred or ())
        for question in rotation(order, f"channel {channel_id}:{cycle}"):
            if question.id not in later:
                yield question
        for question_id in deferred or ():
            moved = bank.get(question_id)
            if moved is not None:
                yield moved

    def lineup(
        self, bank: Bank, turn: store.Rotation, channel_id: int, kinds: frozenset[Kind]
    ) -> Iterator[tuple[Question, int]]:
        """The questions the channel will be asked next, in order, with the cycle of each: each
        the choice :meth:`pick_question` makes once the ones before it are posted."""
        used, cycle = turn.used, turn.cycle
        while True:
            picked = self.pick_question(bank, used, channel_id, cycle, kinds, turn.deferred)
            if picked is None:
                return
            yield picked
            question, at = picked
            used = (used if at == cycle else frozenset()) | {question.id}
            cycle = at

    def pick_instead(
        self,
        bank: Bank,
        turn: store.Rotation,
        channel_id: int,
        kinds: frozenset[Kind],
        avoid: str | None = None,
    ) -> tuple[Question, int] | None:
        """The next question of the channel's rotation other than ``avoid`` (the question of a
        post being replaced): None when the bank has no other question to ask."""
        if avoid is None:
            return self.pick_question(bank, turn.used, channel_id, turn.cycle, kinds, turn.deferred)
        taken = store.Rotation(turn.cycle, turn.used | {avoid}, turn.deferred)
        # only a new cycle can start with ``avoid``; the pick after it is then another question
        picks = islice(self.lineup(bank, taken, channel_id, kinds), 2)
        return next((p for p in picks if p[0].id != avoid), None)

    async def post_due(self, schedule: store.Schedule, now: datetime) -> None:
        """Post a due schedule, or skip it with a notice when it is too late to catch up."""
        latest = _instant(schedule.next_due)
        missed = 0
        while True:
            following, _ = next_due(latest, schedule.local_time, schedule.days, schedule.timezone)
            if following > now:
                break
            latest = following
            missed += 1
        upcoming, _ = next_due(now, schedule.local_time, schedule.days, schedule.timezone)
        day = local_date_of(latest, schedule.local_time, schedule.days, schedule.timezone)
        if now - latest > CATCH_UP_GRACE:
            notice = (
                f"Skipped the question of {day:%a %d %b}: I was offline and came back "
                f"{(now - latest).total_seconds() / 3600:.0f} h after its time."
            )
            log.warning("qotd: schedule %s: %s", schedule.id, notice)
            await store.move_schedule(self.db, schedule.id, _epoch(upcoming), notice)
            return
        if missed:
            log.info("qotd: schedule %s: %d older post(s) skipped as too late", schedule.id, missed)
        await self.publish(schedule, day, now, upcoming)

    async def publish(
        self,
        schedule: store.Schedule,
        day: date,
        now: datetime,
        upcoming: datetime,
        *,
        replacement: int = 0,
        avoid: str | None = None,
    ) -> store.Post | None:
        """Claim and send the post of ``day``. None when that date was already posted.

        ``replacement`` counts the posts of ``day`` replaced before this one: each gets its own
        nonce (Discord would return the replaced message for a nonce it has seen) and item, and
        a question other than ``avoid``, the one it replaces."""
        bank = self.banks.get(schedule.bank)
        if bank is None:
            await self.mark_error(
                schedule,
                f"the bank {schedule.bank!r} is no longer loaded; pick another with /qotd setup",
            )
            return None
        turn = await store.channel_rotation(self.db, schedule.channel_id)
        kinds = qotd_kinds(schedule.format)
        picked = self.pick_instead(bank, turn, schedule.channel_id, kinds, avoid)
        if picked is None:
            how = "as multiple choice" if schedule.format == "choice" else "at all"
            await self.mark_error(
                schedule, f"the bank {bank.name!r} has no question that can be asked {how}"
            )
            return None
        question, cycle = picked
        nonce = f"q{schedule.id}d{day:%Y%m%d}" + (f"r{replacement}" if replacement else "")
        item = self.banks.item(bank.key, question, post_seed(nonce), kinds)
        reveal_at = reveal_instant(
            now,
            upcoming,
            schedule.reveal_after_min // 60 if schedule.reveal_after_min is not None else None,
        )
        claim = store.Claim(
            schedule_id=schedule.id,
            guild_id=schedule.guild_id,
            channel_id=schedule.channel_id,
            local_date=day.isoformat(),
            bank=bank.key,
            question_id=question.id,
            nonce=nonce,
            cycle=cycle,
            reveal_at=_epoch(reveal_at),
            next_due=_epoch(upcoming),
            item=item.dumps() if item else None,
            discussion=schedule.format == DISCUSSION,
        )
        post = await store.claim_post(self.db, claim, _epoch(now))
        if post is None:
            log.info("qotd: channel %s already has its post of %s", schedule.channel_id, day)
            return None
        await self.send(post, schedule)
        return await store.get_post(self.db, post.id)

    async def send(self, post: store.Post, schedule: store.Schedule | None) -> None:
        """Send a claimed post and confirm it; on a lasting failure undo the claim.

        A failure of this post alone (a question that cannot be shown, a bug) skips its date for
        its channel: it is logged, noted in /qotd status, and never reaches other posts.
        """
        try:
            await self._send(post, schedule)
        except Exception:
            log.exception("qotd: post %s (guild %s) could not be made", post.id, post.guild_id)
            await store.release_claim(self.db, post.id, keep_question=True)
            if schedule is not None:
                await store.set_schedule_notice(
                    self.db,
                    schedule.id,
                    f"The question of {date.fromisoformat(post.local_date):%a %d %b} could not "
                    "be posted (it is logged); the next one comes as planned.",
                )

    def item_of(self, post: store.Post) -> Item | None:
        """The item ``post`` asks: the one stored with its claim, so that what a click means
        never changes. None for a post made before items were stored (its options cannot be
        rebuilt as they were shown): it is revealed with its reference answer only."""
        if post.item:
            try:
                return Item.loads(post.item)
            except ValueError as exc:
                log.warning("qotd: post %s has an unreadable item: %s", post.id, exc)
        return None

    async def _send(self, post: store.Post, schedule: store.Schedule | None) -> None:
        bank = self.banks.get(post.bank)
        question = bank.get(post.question_id) if bank else None
        item = self.item_of(post) if question else None
        if question is not None and item is None and post.state == "claimed":
            # claimed by an older version, never shown: asked as its schedule says now
            fmt = schedule.format if schedule else "auto"
            item = self.banks.item(post.bank, question, post_seed(post.nonce), qotd_kinds(fmt))
            if item is not None:
                await store.set_post_item(self.db, post.id, item.dumps())
        if question is None or item is None:
            await store.release_claim(self.db, post.id)
            if schedule is not None:
                await self.mark_error(schedule, f"the question of bank {post.bank!r} is gone")
            return
        self.in_flight.add(post.id)
        try:
            channel = await self._channel(post.guild_id, post.channel_id)
            view = PostView(
                question,
                item,
                date.fromisoformat(post.local_date),
                _instant(post.reveal_at),
                0,
                discussion=post.discussion,
            )
            role_id = schedule.role_id if schedule else None
            await self.limiter.acquire()
            message = await channel.send(
                content=f"<@&{role_id}>" if role_id else None,
                embed=qotd_embed(view),
                view=MISSING if post.discussion else answer_view(post.id, item),
                nonce=post.nonce,
                allowed_mentions=discord.AllowedMentions(
                    everyone=False,
                    users=False,
                    replied_user=False,
                    roles=[discord.Object(role_id)] if role_id else False,
                ),
            )
            try:  # the message is out: from here on a failure must not undo the claim
                await store.confirm_post(self.db, post.id, message.id, _epoch(self.clock.now()))
                if schedule is not None and (schedule.thread or post.discussion):
                    await self._open_thread(post, message, question, schedule)
            except Exception:
                # the claim stays; resolve_unconfirmed finds the message and confirms it
                log.exception("qotd: post %s was sent but could not be recorded", post.id)
        except PostingError as exc:
            await store.release_claim(self.db, post.id)
            if schedule is not None:
                await self.mark_error(schedule, str(exc))
        except discord.Forbidden:
            await store.release_claim(self.db, post.id)
            if schedule is not None:
                await self.mark_error(
                    schedule,
                    f"I lack permission to post in <#{post.channel_id}>: it needs View Channel, "
                    "Send Messages and Embed Links for me",
                )
        except discord.NotFound:
            await store.release_claim(self.db, post.id)
            if schedule is not None:
                await self.mark_error(schedule, f"the channel <#{post.channel_id}> was deleted")
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            # Discord is having trouble: the claim stays and the next tick sends it again with
            # the same nonce, so Discord returns the first message if it got this one.
            log.warning("qotd: post %s not confirmed yet (%s); will retry", post.id, exc)
        finally:
            self.in_flight.discard(post.id)

    async def _channel(self, guild_id: int, channel_id: int) -> discord.abc.Messageable:
        # Through the guild: the client's get_channel searches every guild in turn, which costs
        # milliseconds per call with thousands of servers.
        guild = self.bot.get_guild(guild_id)
        channel: object = guild.get_channel_or_thread(channel_id) if guild else None
        if channel is None:
            try:
                channel = await self.bot.fetch_channel(channel_id)
            except discord.NotFound:
                raise PostingError(f"the channel <#{channel_id}> was deleted") from None
            except discord.Forbidden:
                raise PostingError(f"I cannot see the channel <#{channel_id}> any more") from None
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            raise PostingError(f"<#{channel_id}> is not a text channel")
        return channel

    async def _open_thread(
        self,
        post: store.Post,
        message: discord.Message,
        question: Question,
        schedule: store.Schedule,
    ) -> None:
        try:
            await self.limiter.acquire()
            thread = await message.create_thread(
                name=shorten(f"Discuss: {asking(question.prompt)}", 100),
                auto_archive_duration=1440,
            )
        except discord.HTTPException as exc:
            log.warning("qotd: no discussion thread for post %s: %s", post.id, exc)
            await store.move_schedule(
                self.db,
                schedule.id,
                schedule.next_due,
                "Could not open a discussion thread: I need Create Public Threads.",
            )
            return
        await store.set_post_thread(self.db, post.id, thread.id)

    async def mark_error(self, schedule: store.Schedule, error: str) -> None:
        """Stop a schedule until an admin acts; logged once, shown in /qotd status."""
        if await store.set_schedule_error(self.db, schedule.id, error):
            log.warning(
                "qotd: schedule %s (guild %s) stopped: %s", schedule.id, schedule.guild_id, error
            )

    # --- interrupted posts ----------
    async def resolve_unconfirmed(self, now: datetime) -> None:
        """Claims never confirmed (a crash between claim and send): find the message or send it;
        a claim older than the catch-up grace that was never sent is released, not sent late."""
        for post in await store.unconfirmed_posts(self.db, self.shards):
            if post.id in self.in_flight or _epoch(now) - post.claimed_at < UNCONFIRMED_AFTER:
                continue
            try:
                await self._resolve(post, now)
            except Exception:
                log.exception("qotd: could not resolve the unconfirmed post %s", post.id)

    async def _resolve(self, post: store.Post, now: datetime) -> None:
        schedule = (
            await store.schedule_by_id(self.db, post.schedule_id) if post.schedule_id else None
        )
        found = await self._find_sent(post)
        if found is not None:
            await store.confirm_post(self.db, post.id, found, _epoch(now))
            log.info("qotd: post %s was sent before a restart; confirmed", post.id)
        elif now - _instant(post.claimed_at) > CATCH_UP_GRACE:
            await store.release_claim(self.db, post.id)
            log.info(
                "qotd: post %s of %s was never sent and is too late: released",
                post.id,
                post.local_date,
            )
            if schedule is not None:
                await store.set_schedule_notice(
                    self.db,
                    schedule.id,
                    f"Skipped the question of {date.fromisoformat(post.local_date):%a %d %b}: "
                    "it could not be sent before I went offline.",
                )
        else:
            await self.send(post, schedule)

    async def _find_sent(self, post: store.Post) -> int | None:
        """The message of ``post`` if it was sent: searched from its claim on, so any number of
        later messages in the channel does not hide it."""
        prefix = f"qotd:{post.id}:"
        since = discord.utils.time_snowflake(_instant(post.claimed_at) - FIND_SENT_MARGIN)
        me = self.bot.user
        # a discussion post has no buttons: it is told by its title, the replaced posts of its
        # date set apart
        title = qotd_title(date.fromisoformat(post.local_date)) if post.discussion else None
        replaced = set(await store.replaced_messages(self.db, post.channel_id, post.local_date))
        try:
            channel = await self._channel(post.guild_id, post.channel_id)
            async for message in channel.history(
                limit=FIND_SENT_LIMIT, after=discord.Object(since), oldest_first=True
            ):
                if (me is not None and message.author.id != me.id) or message.id in replaced:
                    continue
                if title is not None and any(e.title == title for e in message.embeds):
                    return message.id
                for row in message.components:
                    for item in getattr(row, "children", []):
                        if str(getattr(item, "custom_id", "")).startswith(prefix):
                            return message.id
        except (PostingError, discord.HTTPException):
            return None
        return None

    # --- reveal ----------
    async def reveal_due(self, now: datetime) -> None:
        for post in await store.posts_to_reveal(self.db, _epoch(now), shards=self.shards):
            try:
                await self.reveal(post)
            except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
                # Discord is having trouble: the post stays to reveal, the next tick tries again
                log.warning("qotd: reveal of post %s not sent yet (%s); will retry", post.id, exc)
            except Exception:
                # this post cannot be revealed (a bug, a question that cannot be shown): logged,
                # and given up so that it does not fail again every tick
                log.exception("qotd: reveal of post %s failed; given up", post.id)
                await store.mark_revealed(self.db, post.id)

    async def reveal(self, post: store.Post) -> bool:
        """Reveal ``post`` unless it was closed meanwhile (revealed or replaced): whoever asks
        (the timer, /qotd reveal-now), a post is revealed once. True if this call revealed it."""
        async with self._closing:
            current = await store.get_post(self.db, post.id)
            if current is None or current.state != "posted":
                return False
            await self._reveal(current)
            return True

    async def _reveal(self, post: store.Post) -> None:
        """Close the buttons and reply with the answer; the post counts as revealed only once
        both are done (a failure leaves it for the next tick, which does both again)."""
        self._posts.pop(post.id, None)
        self.dirty.discard(post.id)
        bank = self.banks.get(post.bank)
        question = bank.get(post.question_id) if bank else None
        # a post from before items were stored is closed with its reference answer
        item = (self.item_of(post) or recall_item(question)) if question else None
        if question is None or item is None or post.message_id is None:
            await store.mark_revealed(self.db, post.id)
            return
        try:
            channel = await self._channel(post.guild_id, post.channel_id)
        except PostingError as exc:
            log.info("qotd: post %s cannot be revealed: %s", post.id, exc)
            await store.mark_revealed(self.db, post.id)
            return
        if post.discussion:
            await self._reveal_discussion(post, channel, question, item)
        else:
            await self._reveal_answers(post, channel, question, item)
        await store.mark_revealed(self.db, post.id)
        self._posts.pop(post.id, None)

    async def _reveal_answers(
        self,
        post: store.Post,
        channel: discord.abc.Messageable,
        question: Question,
        item: Item,
    ) -> None:
        assert post.message_id is not None
        answers = await post_answers(self.db, post.id)
        grades = await post_grades(self.db, post.id)
        right = [a for a in answers if a.correct]
        day = date.fromisoformat(post.local_date)
        answered = len(answers) if item.is_choice else grades.total
        view = PostView(question, item, day, _instant(post.reveal_at), answered, revealed=True)
        await self._edit_post(post, channel, view, answer_view(post.id, item, revealed=True))
        await self._send_reveal(
            post,
            channel,
            reveal_embeds(
                question,
                item,
                day,
                answered=len(answers),
                right=len(right),
                first_right=right[0].user_id if right else None,
                grades=(grades.again, grades.hard, grades.good, grades.easy),
            ),
        )

    async def _reveal_discussion(
        self,
        post: store.Post,
        channel: discord.abc.Messageable,
        question: Question,
        item: Item,
    ) -> None:
        """A discussion post: one way to answer it, in its thread (under the post without one)."""
        day = date.fromisoformat(post.local_date)
        view = PostView(
            question, item, day, _instant(post.reveal_at), 0, revealed=True, discussion=True
        )
        await self._edit_post(post, channel, view, None)
        target = channel
        if post.thread_id is not None:
            try:
                target = await self._channel(post.guild_id, post.thread_id)
            except PostingError as exc:
                log.info("qotd: thread of post %s is gone (%s): revealed under it", post.id, exc)
        embeds = discussion_reveal_embeds(question, day)
        await self._send_reveal(post, target, embeds, reply=target is channel)

    async def _edit_post(
        self,
        post: store.Post,
        channel: discord.abc.Messageable,
        view: PostView,
        buttons: discord.ui.View | None,
    ) -> None:
        """Show ``post`` closed (a post deleted or out of reach is left as it is)."""
        message = channel.get_partial_message(post.message_id)  # type: ignore[attr-defined]
        async with self._flush_lock:  # no count refresh of this post is in flight meanwhile
            await self.limiter.acquire()
            try:
                await message.edit(embed=qotd_embed(view), view=buttons)
            except discord.NotFound:
                log.info("qotd: post %s was deleted before it was closed", post.id)
            except discord.Forbidden:
                log.info("qotd: post %s cannot be closed: permission lost", post.id)

    async def _send_reveal(
        self,
        post: store.Post,
        channel: discord.abc.Messageable,
        embeds: list[discord.Embed],
        *,
        reply: bool = True,
    ) -> None:
        assert post.message_id is not None
        reference = discord.MessageReference(
            message_id=post.message_id, channel_id=post.channel_id, fail_if_not_exists=False
        )
        await self.limiter.acquire()
        try:
            await channel.send(
                embeds=embeds,
                reference=reference if reply else None,  # type: ignore[arg-type]
                mention_author=False,
                allowed_mentions=discord.AllowedMentions.none(),
                view=report_view("post", post.id),
                nonce=f"r{post.id}",  # sent again after a crash: Discord keeps the first
            )
        except (discord.NotFound, discord.Forbidden) as exc:
            log.info("qotd: the reveal of post %s cannot be sent: %s", post.id, exc)

    # --- replacing today's post ----------
    async def replace(
        self, post: store.Post, schedule: store.Schedule, now: datetime
    ) -> store.Post | None:
        """Close the open ``post`` and post another question for its date (its question goes to
        the end of the cycle). None when the post was closed meanwhile (revealed or replaced)."""
        async with self._closing:
            if not await store.replace_post(self.db, post.id):
                return None
            self._posts.pop(post.id, None)
            self.dirty.discard(post.id)
            await self._show_replaced(post)
        day = date.fromisoformat(post.local_date)
        upcoming, due_day = next_due(now, schedule.local_time, schedule.days, schedule.timezone)
        if due_day <= day:
            upcoming, _ = next_due(upcoming, schedule.local_time, schedule.days, schedule.timezone)
        replaced = await store.replaced_messages(self.db, post.channel_id, post.local_date)
        return await self.publish(
            schedule, day, now, upcoming, replacement=len(replaced), avoid=post.question_id
        )

    async def _show_replaced(self, post: store.Post) -> None:
        bank = self.banks.get(post.bank)
        question = bank.get(post.question_id) if bank else None
        item = self.item_of(post) if question else None
        if question is None or item is None or post.message_id is None:
            return
        try:
            channel = await self._channel(post.guild_id, post.channel_id)
        except PostingError as exc:
            log.info("qotd: replaced post %s cannot be edited: %s", post.id, exc)
            return
        view = PostView(
            question,
            item,
            date.fromisoformat(post.local_date),
            _instant(post.reveal_at),
            0,
            discussion=post.discussion,
            replaced=True,
        )
        buttons = None if post.discussion else answer_view(post.id, item, closed=True)
        try:
            await self._edit_post(post, channel, view, buttons)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("qotd: replaced post %s not edited (%s)", post.id, exc)

    # --- answer counts ----------
    async def flush_counts(self) -> None:
        """Show how many answered, on every post that changed: one edit per post per call."""
        async with self._flush_lock:
            pending, self.dirty = self.dirty, set()
            for post_id in pending:
                try:
                    await self._refresh(post_id)
                except Exception:
                    log.exception("qotd: could not refresh the count of post %s", post_id)

    async def _refresh(self, post_id: int) -> None:
        post = await store.get_post(self.db, post_id)
        if post is None or post.state != "posted" or post.message_id is None:
            return
        if _epoch(self.clock.now()) >= post.reveal_at:
            return  # answers are closed: the reveal, not a count, is the post's last edit
        bank = self.banks.get(post.bank)
        question = bank.get(post.question_id) if bank else None
        item = self.item_of(post) if question else None
        if question is None or item is None:
            return
        if item.is_choice:
            count = await count_post_answers(self.db, post.id)
        else:
            count = (await post_grades(self.db, post.id)).total
        view = PostView(
            question, item, date.fromisoformat(post.local_date), _instant(post.reveal_at), count
        )
        channel = self.bot.get_partial_messageable(post.channel_id)
        await self.limiter.acquire()
        await channel.get_partial_message(post.message_id).edit(embed=qotd_embed(view))
