"""The web server: routes, the rate limit, a short cache, and the pages' data.

Everything is read-only. A page exists only for a server whose admin turned it on, at its
current token: any other path, an old token or a forged member signature is a plain 404, the
same for every case, so a link's validity cannot be probed.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import discord
import jinja2
from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.bank.cloze import asking
from bot.config import Settings
from bot.db import qotd as qotd_store
from bot.db import stats as stats_store
from bot.db import web as store
from bot.db.answers import get_streak, period_key_for
from bot.db.database import Database
from bot.db.progress import progress_inputs
from bot.discord_glue.boards import board_page
from bot.discord_glue.progress import draw_card
from bot.discord_glue.render import archive_stats_line
from bot.items.model import Item
from bot.metrics import GATEWAY_LATENCY_SECONDS, REGISTRY
from bot.progress import ProgressInputs, build_layout
from bot.study.periods import Period
from bot.web.links import member_path, signature_ok
from bot.web.text import markdown_html, markdown_inline

if TYPE_CHECKING:
    from bot.discord_glue.client import StudyBot

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).parent / "templates"
CACHE_SECONDS = 30.0
ARCHIVE_PAGE = 10
CACHE_ENTRIES = 512
RATE = 2.0  # requests per second per client, on average
BURST = 30.0
PERIODS: dict[str, Period] = {"week": "week", "month": "month", "all": "all"}
PERIOD_NAMES = {"week": "This week", "month": "This month", "all": "All time"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class RateLimiter:
    """A token bucket per client address: ``burst`` requests at once, ``rate`` a second after."""

    def __init__(self, rate: float = RATE, burst: float = BURST, clock: Any = time.monotonic):
        self.rate, self.burst, self.clock = rate, burst, clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, client: str) -> bool:
        now = self.clock()
        if len(self._buckets) > 10_000:  # forget clients idle long enough to be full again
            idle = self.burst / self.rate
            self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < idle}
        tokens, last = self._buckets.get(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1:
            self._buckets[client] = (tokens, now)
            return False
        self._buckets[client] = (tokens - 1, now)
        return True


@dataclass
class Cached:
    body: str
    at: float


class WebServer:
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self.db = bot.services.db
        self.settings = bot.services.settings
        self.limiter = RateLimiter()
        self._cache: OrderedDict[tuple[int, str], Cached] = OrderedDict()
        self._runner: web.AppRunner | None = None
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self.templates.filters["markdown"] = markdown_html
        self.templates.filters["markdown_inline"] = markdown_inline
        self.templates.globals["cache_seconds"] = int(CACHE_SECONDS)

    # --- lifecycle ----------
    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.metrics)
        app.router.add_get("/s/{token}", self.server_page)
        app.router.add_get("/s/{token}/m/{user:\\d{1,20}}/{signature}", self.member_page)
        app.router.add_get("/s/{token}/m/{user:\\d{1,20}}/{signature}/card.png", self.member_card)
        return app

    async def start(self) -> None:
        port = self.settings.web_port
        if port is None:
            return
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.web_host, port)
        await site.start()
        log.info("web pages served on %s:%s", self.settings.web_host, port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def base_url(self) -> str:
        return self.settings.web_public_url()

    # --- the guard: rate limit, errors, headers ----------
    @web.middleware
    async def _guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not self.limiter.allow(request.remote or "?"):
            return web.Response(
                status=429,
                text="Too many requests: try again in a minute.",
                headers={"Retry-After": "30"},
            )
        try:
            response: web.StreamResponse = await handler(request)
        except web.HTTPNotFound:
            response = self._page(404, "error.html", message="There is no page here.")
        except web.HTTPException:
            raise
        except Exception:
            log.exception("web: %s failed", request.path)
            response = self._page(500, "error.html", message="Something went wrong on our side.")
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def _page(self, status: int, template: str, **context: Any) -> web.Response:
        body = self.templates.get_template(template).render(**context)
        return web.Response(status=status, text=body, content_type="text/html", charset="utf-8")

    def _cached(self, guild_id: int, key: str) -> str | None:
        found = self._cache.get((guild_id, key))
        if found is None or time.monotonic() - found.at > CACHE_SECONDS:
            return None
        return found.body

    def _remember(self, guild_id: int, key: str, body: str) -> None:
        self._cache[(guild_id, key)] = Cached(body, time.monotonic())
        self._cache.move_to_end((guild_id, key))
        while len(self._cache) > CACHE_ENTRIES:
            self._cache.popitem(last=False)

    def _html(self, body: str) -> web.Response:
        return web.Response(
            text=body,
            content_type="text/html",
            charset="utf-8",
            headers={"Cache-Control": f"private, max-age={int(CACHE_SECONDS)}"},
        )

    async def _guild(self, token: str) -> discord.Guild:
        guild_id = await store.guild_of_token(self.db, token)
        guild = self.bot.get_guild(guild_id) if guild_id is not None else None
        if guild is None:
            raise web.HTTPNotFound()
        return guild

    # --- operators ----------
    async def healthz(self, request: web.Request) -> web.Response:
        health = await self.bot.health()
        return web.json_response(
            {"connected": health.connected, "database_writable": health.database_writable},
            status=200 if health.ok else 503,
            headers={"Cache-Control": "no-store"},
        )

    async def metrics(self, request: web.Request) -> web.Response:
        GATEWAY_LATENCY_SECONDS.set(self.bot.latency)
        return web.Response(
            body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    # --- a server's page ----------
    async def server_page(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        guild = await self._guild(token)
        period = PERIODS.get(request.query.get("period", "week"), "week")
        try:
            page = max(0, min(int(request.query.get("page", "1")) - 1, 10_000))
        except ValueError:
            page = 0
        key = f"server:{period}:{page}"
        body = self._cached(guild.id, key)
        if body is None:
            body = await self._server_body(guild, token, period, page)
            self._remember(guild.id, key, body)
        return self._html(body)

    async def _server_body(
        self, guild: discord.Guild, token: str, period: Period, page: int
    ) -> str:
        zone = await self.bot.zones.get(guild.id)
        board = await board_page(
            self.db,
            self.bot.members,
            guild,
            "all",
            period_key_for(period, self.bot.services.clock.now(), zone),
            0,
        )
        rows = [
            {
                "rank": r.rank,
                "name": await self.bot.members.display_name(guild, r.user_id) or "A member",
                "points": r.points,
                "correct": r.correct,
                "answered": r.answered,
            }
            for r in board.rows
        ]
        archive = await self._archive(guild, page)
        return self.templates.get_template("server.html").render(
            server=guild.name,
            period=period,
            periods=PERIOD_NAMES,
            rows=rows,
            archive=archive,
            base=f"/s/{token}",
        )

    async def _archive(self, guild: discord.Guild, page: int) -> dict[str, Any]:
        """One page of the server's revealed questions of the day, newest first."""
        total = await qotd_store.count_archived(self.db, guild.id, None)
        pages = max(1, math.ceil(total / ARCHIVE_PAGE))
        page = min(page, pages - 1)
        rows = await qotd_store.archived_posts(
            self.db, guild.id, None, limit=ARCHIVE_PAGE, offset=page * ARCHIVE_PAGE
        )
        posts = []
        for archived in rows:
            post = archived.post
            bank = self.bot.services.banks.get(post.bank)
            question = bank.get(post.question_id) if bank else None
            item = _stored_item(post.item)
            prompt = item.prompt if item is not None else (question.prompt if question else "")
            answer = question.answer if question else (item.answer if item else "")
            channel = guild.get_channel_or_thread(post.channel_id)
            posts.append(
                {
                    "date": f"{date.fromisoformat(post.local_date):%a %d %b %Y}",
                    "channel": channel.name if channel is not None else "a former channel",
                    "prompt": asking(prompt) or "(a question no longer in its bank)",
                    "answer": answer,
                    "stats": archive_stats_line(archived, item),
                }
            )
        return {"posts": posts, "page": page + 1, "pages": pages}

    # --- a member's own page ----------
    async def _member(self, request: web.Request) -> tuple[discord.Guild, int]:
        """The server and member a signed member link names (404 for any other link)."""
        token = request.match_info["token"]
        user_id = int(request.match_info["user"])
        secret = await store.link_secret(self.db)
        if not signature_ok(secret, token, user_id, request.match_info["signature"]):
            raise web.HTTPNotFound()
        return await self._guild(token), user_id

    async def member_page(self, request: web.Request) -> web.Response:
        guild, user_id = await self._member(request)
        key = f"member:{user_id}"
        body = self._cached(guild.id, key)
        if body is None:
            body = await self._member_body(guild, user_id, f"{request.path}/card.png")
            self._remember(guild.id, key, body)
        return self._html(body)

    async def member_card(self, request: web.Request) -> web.Response:
        """The member's progress card, the picture /stats shows them."""
        guild, user_id = await self._member(request)
        inputs = await self._progress(guild.id, user_id)
        png, _ = await asyncio.to_thread(draw_card, inputs)
        return web.Response(
            body=png,
            content_type="image/png",
            headers={"Cache-Control": f"private, max-age={int(CACHE_SECONDS)}"},
        )

    async def _progress(self, guild_id: int, user_id: int) -> ProgressInputs:
        zone = await self.bot.zones.get(guild_id)
        return await progress_inputs(
            self.db, guild_id, user_id, self.bot.services.clock.now(), zone
        )

    async def _member_body(self, guild: discord.Guild, user_id: int, card: str) -> str:
        totals = {
            t.board: t for t in await stats_store.board_totals(self.db, guild.id, user_id, "all")
        }
        overall = totals.get("all")
        topics = sorted(
            (
                t
                for t in await stats_store.topic_scores(
                    self.db, guild.id, user_id, include_open=True
                )
                if t.answered
            ),
            key=lambda t: (-t.accuracy, -t.answered),
        )
        streak = await get_streak(self.db, guild.id, user_id)
        layout = build_layout(await self._progress(guild.id, user_id))
        return self.templates.get_template("member.html").render(
            server=guild.name,
            card=card,
            card_alt=layout.alt_text,
            name=await self.bot.members.display_name(guild, user_id) or "You",
            answered=overall.answered if overall else 0,
            correct=overall.correct if overall else 0,
            points={b: t.points for b, t in totals.items()},
            streak=streak.current if streak else 0,
            best=streak.best if streak else 0,
            topics=[
                {"topic": t.topic, "percent": round(100 * t.accuracy), "answered": t.answered}
                for t in topics[:10]
            ],
        )


def _stored_item(text: str | None) -> Item | None:
    try:
        return Item.loads(text) if text else None
    except ValueError:
        return None


async def member_link(db: Database, settings: Settings, guild_id: int, user_id: int) -> str | None:
    """The member's own progress page, if the web server runs and the server's page is on."""
    if settings.web_port is None:
        return None
    token = await store.link_token(db, guild_id)
    if token is None:
        return None
    secret = await store.link_secret(db)
    return settings.web_public_url() + member_path(secret, token, user_id)
