"""A local Discord: REST under /api/v10 and the gateway, on 127.0.0.1, with one object of state.

Every REST body is validated against Discord's OpenAPI description and the limits in
``validation``; a violation answers 400 as Discord would and is recorded in ``violations``.
Requests to routes the emulator does not know are recorded in ``unknown_routes``. Tests fail on
either (see the pytest fixtures).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import contextvars
import logging
import mimetypes
import re
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import orjson
from aiohttp import BodyPartReader, web

from emulator import validation
from emulator.actions import MemberActions
from emulator.gateway import Gateway
from emulator.state import (
    ATTACH_FILES,
    ATTACHMENT_SIZE_LIMIT,
    CREATE_PUBLIC_THREADS,
    DEFAULT_EVERYONE,
    DM_CHANNEL,
    DM_PERMISSIONS,
    EMBED_LINKS,
    EPHEMERAL,
    MANAGE_GUILD,
    MAX_ATTACHMENTS,
    MAX_REQUEST_BYTES,
    PUBLIC_THREAD,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    VIEW_CHANNEL,
    Channel,
    Guild,
    Interaction,
    Member,
    Message,
    Role,
    Snowflakes,
    User,
)
from emulator.transcript import describe

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
ACK_DEADLINE_S = 3.0
TOKEN_LIFETIME_S = 15 * 60
NONCE_WINDOW_S = 5 * 60


class HTTPError(Exception):
    def __init__(self, status: int, code: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    # Exactly application/json: discord.py reads "; charset=..." as text and fails at login.
    return web.Response(
        status=status,
        body=orjson.dumps(body),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def _errors(messages: list[str]) -> dict[str, Any]:
    """Discord's nested error shape, which discord.py flattens into its exception text."""
    return {"body": {"_errors": [{"code": "EMULATOR_RULE", "message": m} for m in messages]}}


@dataclass
class Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    count: int
    retry_after: float = 0.05
    is_global: bool = False


@dataclass
class Request:
    method: str
    path: str
    body: Any
    status: int
    at: float


Handler = Callable[[web.Request, dict[str, str], Any], Awaitable[tuple[int, Any]]]
MAX_UPLOAD_BYTES = ATTACHMENT_SIZE_LIMIT  # each file, for a bot in a server without boosts
DIRECT_MESSAGES_INTENT = 1 << 12
GUILD_MESSAGES_INTENT = 1 << 9
# Python's own table only, so that a machine's /etc/mime.types does not change what tests see.
_MIME_TYPES = mimetypes.MimeTypes()


@dataclass(frozen=True)
class Upload:
    """A file sent with the request being served (``files[n]`` of a multipart body)."""

    index: int
    filename: str
    content_type: str
    data: bytes


_UPLOADS: contextvars.ContextVar[tuple[Upload, ...]] = contextvars.ContextVar("uploads", default=())


class Emulator(MemberActions):
    """All of the emulated Discord. ``await start()`` serves it on 127.0.0.1."""

    def __init__(
        self,
        *,
        token: str | None = None,
        global_rate_limit: int | None = 50,
        validate: bool = True,
        ack_deadline: float = ACK_DEADLINE_S,
        privileged_intents: int = 0,
        identify_close_code: int | None = None,
    ) -> None:
        self.ids = Snowflakes()
        self.application_id = self.ids.next()
        self.token = token or self.make_token(self.application_id)
        self.bot_user = User(self.application_id, "StudyBot", bot=True)
        self.users: dict[int, User] = {self.bot_user.id: self.bot_user}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.dms_closed: set[int] = set()  # users whose direct messages refuse the bot
        self.uploads: dict[int, bytes] = {}  # attachment id -> the file's bytes
        self.interactions: dict[int, Interaction] = {}
        self.tokens: dict[str, Interaction] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.command_syncs: list[tuple[int | None, list[dict[str, Any]]]] = []
        self.violations: list[str] = []
        self.unknown_routes: list[str] = []
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self.rate_limited: list[str] = []  # 429s sent (injected and global limit)
        self.global_rate_limit = global_rate_limit
        self._recent: deque[float] = deque()
        self.validate = validate
        self.ack_deadline = ack_deadline
        self.privileged_intents = privileged_intents
        self.identified_intents: list[int] = []
        self.identify_close_code = identify_close_code
        self.gateway = Gateway(self)
        # The time of the people reading, for relative timestamps in transcripts (a demo sets
        # its own clock).
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.changed = asyncio.Condition()
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._install_routes()

    @staticmethod
    def make_token(application_id: int) -> str:
        """A token shaped like Discord's: base64 of the bot id, then two random parts."""
        head = base64.b64encode(str(application_id).encode()).decode().rstrip("=")
        return f"{head}.{secrets.token_urlsafe(5)}.{secrets.token_urlsafe(27)}"

    # --- serving ----------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def app(self) -> web.Application:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/gateway/", self.gateway.handle)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._serve)
        app.router.add_get("/attachments/{attachment_id}/{filename}", self._serve_file)
        app.router.add_get("/_emulator/status", self._control_status)
        app.router.add_post("/_emulator/slash", self._control_slash)
        app.router.add_get("/_emulator/messages", self._control_messages)
        return app

    def upload(self, filename: str, data: bytes) -> dict[str, Any]:
        """A file a member attaches to a slash command (an option of type attachment), as
        Discord resolves it: its ``url`` serves the bytes, as Discord's CDN does."""
        attachment_id = self.ids.next()
        self.uploads[attachment_id] = data
        kind = mimetypes.guess_type(filename)[0]
        host = self.base_url.removesuffix(API_PREFIX)
        attachment: dict[str, Any] = {
            "id": str(attachment_id),
            "filename": filename,
            "size": len(data),
            "url": f"{host}/attachments/{attachment_id}/{filename}",
            "proxy_url": f"{host}/attachments/{attachment_id}/{filename}",
        }
        if kind:
            attachment["content_type"] = kind
        return attachment

    async def _serve_file(self, request: web.Request) -> web.Response:
        data = self.uploads.get(int(request.match_info["attachment_id"]))
        if data is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=data, content_type="application/octet-stream")

    # --- control endpoints, to drive the emulator from another process ------------------------
    async def _control_status(self, request: web.Request) -> web.Response:
        return _json(
            200,
            {
                "connected": self.gateway.connected,
                "commands": sorted(
                    {c["name"] for c in self.global_commands}
                    | {c["name"] for cs in self.guild_commands.values() for c in cs}
                ),
                "guilds": [
                    {
                        "id": str(guild.id),
                        "name": guild.name,
                        "channels": [
                            {"id": str(c.id), "name": c.name, "type": c.type}
                            for c in guild.channels.values()
                        ],
                        "roles": [{"id": str(r.id), "name": r.name} for r in guild.roles.values()],
                    }
                    for guild in self.guilds.values()
                ],
                "violations": self.violations,
                "unknown_routes": self.unknown_routes,
            },
        )

    def _control_channel(self, guild: Guild, ref: object) -> Channel:
        """A channel of ``guild`` by id, name or #name (as listed by /_emulator/status)."""
        name = str(ref).removeprefix("#")
        for channel in guild.channels.values():
            if str(channel.id) == name or channel.name == name:
                return channel
        raise LookupError(f"no channel {ref!r} in {guild.name}; /_emulator/status lists them")

    def _control_options(self, guild: Guild, options: dict[str, Any]) -> dict[str, Any]:
        """Option values as a member picks them: "#name" is a channel, "@name" a role."""
        resolved: dict[str, Any] = {}
        for key, value in options.items():
            if isinstance(value, str) and value.startswith("#"):
                value = self._control_channel(guild, value)
            elif isinstance(value, str) and value.startswith("@"):
                role = next((r for r in guild.roles.values() if r.name == value[1:]), None)
                if role is None:
                    raise LookupError(f"no role {value!r} in {guild.name}")
                value = role
            resolved[key] = value
        return resolved

    async def _control_messages(self, request: web.Request) -> web.Response:
        """``?channel=general``: what everyone sees in a channel, oldest first, as text."""
        guild = next(iter(self.guilds.values()))
        try:
            channel = self._control_channel(guild, request.query.get("channel", "general"))
        except LookupError as exc:
            return _json(404, {"error": str(exc)})
        return _json(
            200,
            [
                {
                    "id": str(m.id),
                    "author": m.author.username,
                    "text": m.text(),
                    "shown": describe(m, self),
                    "custom_ids": m.custom_ids(),
                }
                for m in self.public(channel)
            ],
        )

    async def _control_slash(self, request: web.Request) -> web.Response:
        """``{"command": "help", "options": {}, "user": "alice"}``: run it, return the reply.
        Optional: ``"channel"`` (where it is typed), ``"admin": true`` (a new member is an
        admin); option values "#name" and "@name" pick a channel or a role."""
        body = await request.json()
        guild = next(iter(self.guilds.values()))
        name = str(body.get("user", "member"))
        member = next((m for m in guild.members.values() if m.user.username == name), None)
        member = member or self.add_member(guild, name, admin=bool(body.get("admin")))
        try:
            options = self._control_options(guild, body.get("options") or {})
            where = self._control_channel(guild, body["channel"]) if "channel" in body else None
            handle = await self.slash(body["command"], options, member=member, channel=where)
            reply = await handle.reply(timeout=float(body.get("timeout", 5)))
        except (LookupError, ValueError, TimeoutError) as exc:
            return _json(400, {"error": f"{type(exc).__name__}: {exc}"})
        return _json(
            200,
            {"text": reply.text(), "shown": describe(reply, self), "ephemeral": reply.ephemeral},
        )

    async def start(self, port: int = 0, host: str = "127.0.0.1") -> None:
        self._runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def stop(self) -> None:
        for conn in list(self.gateway.connections):
            await conn.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def wait_until(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        """Wait until ``predicate()`` is truthy; returns its value."""
        async with asyncio.timeout(timeout):
            async with self.changed:
                while True:
                    value = predicate()
                    if value:
                        return value
                    # woken by every change; the short timeout also catches changes made
                    # by code that does not notify (the bot's own tasks, the database)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.changed.wait(), 0.05)

    # --- world building ----------
    def add_user(self, username: str, global_name: str | None = None) -> User:
        user = User(self.ids.next(), username, global_name)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str = "Study Group",
        *,
        channels: tuple[str, ...] = ("general",),
        channel_ids: tuple[int, ...] = (),
        shard: tuple[int, int] | None = None,
    ) -> Guild:
        """A server with text ``channels``; ``channel_ids`` fixes their ids (a run that must
        repeat exactly, such as the demo), otherwise they are new snowflakes. ``shard`` (an id
        and a count) gives the server an id on that shard."""
        owner = self.add_user(f"{name.lower().replace(' ', '-')}-owner")
        guild_id = self.ids.next_on_shard(*shard) if shard else self.ids.next()
        guild = Guild(guild_id, name, owner.id)
        guild.roles[guild.id] = Role(guild.id, "@everyone", DEFAULT_EVERYONE)
        guild.members[owner.id] = Member(owner, guild.id)
        guild.members[self.bot_user.id] = Member(self.bot_user, guild.id)
        self.guilds[guild.id] = guild
        for n, channel in enumerate(channels):
            fixed = channel_ids[n] if n < len(channel_ids) else None
            self._new_channel(guild, channel, position=n, channel_id=fixed)
        return guild

    async def join_guild(self, guild: Guild) -> None:
        """The bot is added to a server after it connected."""
        await self.gateway.dispatch("GUILD_CREATE", guild.to_json(self.bot_user.id))

    def _new_channel(
        self, guild: Guild, name: str, *, channel_id: int | None = None, **kw: Any
    ) -> Channel:
        channel = Channel(channel_id or self.ids.next(), guild.id, name, **kw)
        guild.channels[channel.id] = channel
        self.channels[channel.id] = channel
        return channel

    async def add_channel(self, guild: Guild, name: str) -> Channel:
        channel = self._new_channel(guild, name, position=len(guild.channels))
        await self.gateway.dispatch("CHANNEL_CREATE", channel.to_json())
        return channel

    def text_channel(self, guild: Guild, name: str = "general") -> Channel:
        for channel in guild.channels.values():
            if channel.name == name and channel.type == 0:
                return channel
        raise LookupError(name)

    def add_member(
        self,
        guild: Guild,
        username: str,
        *,
        admin: bool = False,
        global_name: str | None = None,
    ) -> Member:
        user = self.add_user(username, global_name)
        member = Member(user, guild.id)
        if admin:
            role = next((r for r in guild.roles.values() if r.name == "Admin"), None)
            if role is None:
                role = Role(self.ids.next(), "Admin", MANAGE_GUILD, position=1)
                guild.roles[role.id] = role
            member.roles.append(role.id)
        guild.members[user.id] = member
        return member

    def add_role(self, guild: Guild, name: str, permissions: int = 0) -> Role:
        role = Role(self.ids.next(), name, permissions, position=len(guild.roles))
        guild.roles[role.id] = role
        return role

    async def create_role(self, guild: Guild, name: str, permissions: int = 0) -> Role:
        """A role made while the bot is connected: Discord tells the bot (GUILD_ROLE_CREATE)."""
        role = self.add_role(guild, name, permissions)
        await self.gateway.dispatch(
            "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.to_json()}
        )
        return role

    async def give_role(self, guild: Guild, member: Member, role: Role) -> None:
        """Give ``member`` a role (the bot hears of it only with the members intent; the next
        interaction of theirs carries it)."""
        if role.id not in member.roles:
            member.roles.append(role.id)

    async def delete_role(self, guild: Guild, role: Role) -> None:
        guild.roles.pop(role.id, None)
        for member in guild.members.values():
            if role.id in member.roles:
                member.roles.remove(role.id)
        await self.gateway.dispatch(
            "GUILD_ROLE_DELETE", {"guild_id": str(guild.id), "role_id": str(role.id)}
        )

    async def remove_member(self, guild: Guild, member: Member) -> None:
        guild.members.pop(member.id, None)
        await self.gateway.dispatch(
            "GUILD_MEMBER_REMOVE",
            {"guild_id": str(guild.id), "user": member.user.to_json()},
            intent=1 << 1,
        )

    async def delete_channel(self, channel: Channel) -> None:
        channel.deleted = True
        await self.gateway.dispatch("CHANNEL_DELETE", channel.to_json())

    async def set_bot_permissions(self, channel: Channel, *, deny: int = 0, allow: int = 0) -> None:
        """Overwrite the bot's own permissions in a channel (e.g. deny SEND_MESSAGES)."""
        channel.overwrites = [o for o in channel.overwrites if int(o["id"]) != self.bot_user.id]
        channel.overwrites.append(
            {"id": str(self.bot_user.id), "type": 1, "allow": str(allow), "deny": str(deny)}
        )
        await self.gateway.dispatch("CHANNEL_UPDATE", channel.to_json())

    # --- reading what members see ----------
    def visible(self, channel: Channel | int, member: Member | User | None = None) -> list[Message]:
        """Messages of a channel as ``member`` sees them (ephemeral ones only for their owner)."""
        channel_id = channel if isinstance(channel, int) else channel.id
        viewer = member.id if member is not None else None
        return [
            m
            for m in self.messages.values()
            if m.channel_id == channel_id
            and not m.deleted
            and (m.visible_to is None or m.visible_to == viewer)
        ]

    def public(self, channel: Channel | int) -> list[Message]:
        return self.visible(channel, None)

    # --- direct messages and files ----------
    def _existing_dm(self, person: User) -> Channel | None:
        for channel in self.channels.values():
            if channel.type == DM_CHANNEL and channel.recipient is person:
                return channel
        return None

    def dm_channel(self, user: User | Member) -> Channel:
        """The direct-message channel between the bot and ``user`` (made on first use, as
        ``POST /users/@me/channels`` does; asking again returns the same channel)."""
        person = _person(user)
        channel = self._existing_dm(person)
        if channel is None:
            channel = Channel(self.ids.next(), None, "", type=DM_CHANNEL, recipient=person)
            self.channels[channel.id] = channel
        return channel

    def dms(self, user: User | Member) -> list[Message]:
        """What the bot sent ``user`` by direct message and ``user`` sees, oldest first."""
        channel = self._existing_dm(_person(user))
        if channel is None:
            return []
        return sorted(self.visible(channel, _person(user)), key=lambda m: m.id)

    def close_dms(self, user: User | Member) -> None:
        """``user`` refuses direct messages (privacy settings, or the bot blocked): sending them
        one fails as on Discord, 403 with code 50007."""
        self.dms_closed.add(_person(user).id)

    def open_dms(self, user: User | Member) -> None:
        """``user`` accepts direct messages again."""
        self.dms_closed.discard(_person(user).id)

    def dm_refused(self, person: User) -> bool:
        """Discord refuses a bot's direct message to a user who closed them, to another bot,
        and to a user who shares no server with it."""
        shares_a_server = any(person.id in guild.members for guild in self.guilds.values())
        return person.id in self.dms_closed or person.bot or not shares_a_server

    def attachment_bytes(self, message: Message, filename: str) -> bytes:
        """The bytes of the file ``filename`` attached to ``message``, as uploaded."""
        for attachment in message.attachments:
            if attachment["filename"] == filename:
                return self.uploads[int(attachment["id"])]
        raise LookupError(f"message {message.id} has no attachment {filename!r}")

    def threads_of(self, channel: Channel) -> list[Channel]:
        return [c for c in self.channels.values() if c.parent_id == channel.id]

    # --- faults ----------
    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int = 429,
        *,
        count: int = 1,
        retry_after: float = 0.05,
        is_global: bool = False,
    ) -> None:
        """Answer the next ``count`` matching requests with ``status`` (a 429 with retry_after)."""
        self.faults.append(
            Fault(method.upper(), re.compile(path_regex), status, count, retry_after, is_global)
        )

    # --- the REST dispatcher ----------
    def route(self, method: str, template: str) -> Callable[[Handler], Handler]:
        pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$")

        def register(handler: Handler) -> Handler:
            self._routes.append((method, pattern, handler))
            return handler

        return register

    def _rate_headers(self, path: str) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": "50",
            "X-RateLimit-Remaining": "49",
            "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
            "X-RateLimit-Reset-After": "1.000",
            "X-RateLimit-Bucket": f"b{abs(hash(path)) % 10**8}",
        }

    def _global_limited(self, path: str) -> bool:
        if self.global_rate_limit is None or path.startswith(("/interactions/", "/webhooks/")):
            return False
        now = time.monotonic()
        while self._recent and now - self._recent[0] > 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.global_rate_limit:
            return True
        self._recent.append(now)
        return False

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        method = request.method
        try:
            body, uploads = await self._read_body(request)
        except HTTPError as exc:
            self.requests.append(Request(method, path, None, exc.status, time.time()))
            return _json(exc.status, {"code": exc.code, "message": exc.message, **exc.extra})
        _UPLOADS.set(uploads)
        status, payload, headers = await self._dispatch(request, method, path, body)
        self.requests.append(Request(method, path, body, status, time.time()))
        return _json(status, payload, headers) if status != 204 else web.Response(status=204)

    @classmethod
    async def _read_body(cls, request: web.Request) -> tuple[Any, tuple[Upload, ...]]:
        """The JSON body, and the files of a ``multipart/form-data`` request."""
        if request.content_type == "multipart/form-data":
            return await cls._multipart(request)
        raw = await request.read()
        if not raw:
            return None, ()
        if not request.content_type.startswith("application/json"):
            raise HTTPError(400, 50109, "The request body contains invalid JSON.")
        return orjson.loads(raw), ()

    @staticmethod
    async def _multipart(request: web.Request) -> tuple[Any, tuple[Upload, ...]]:
        """A body sent with files, as discord.py sends it: the JSON body in ``payload_json``
        and each file in a ``files[n]`` part; without ``payload_json``, the other parts are the
        body's fields. Discord's limits: each file, the whole request, the number of files."""
        fields: dict[str, Any] = {}
        body: Any = None
        uploads: list[Upload] = []
        total = 0
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            data = bytes(await part.read())
            total += len(data)
            if len(data) > ATTACHMENT_SIZE_LIMIT or total > MAX_REQUEST_BYTES:
                raise HTTPError(413, 40005, "Request entity too large")
            name = part.name or ""
            if name == "payload_json":
                body = orjson.loads(data)
            elif re.fullmatch(r"files\[\d+\]", name):
                index = int(name[len("files[") : -1])
                declared = part.headers.get("Content-Type", "application/octet-stream")
                uploads.append(Upload(index, part.filename or f"file{index}", declared, data))
            else:
                fields[name] = data.decode("utf-8")
        if len(uploads) > MAX_ATTACHMENTS:
            limit = f"Maximum number of attachments in a message reached ({MAX_ATTACHMENTS})"
            raise HTTPError(400, 30015, limit)
        return (body if body is not None else fields), tuple(uploads)

    def _attach(self, message: Message, body: dict[str, Any]) -> None:
        """The files of the request being served, and the earlier ones the body's
        ``attachments`` keeps (on an edit, those it leaves out are removed)."""
        uploads = _UPLOADS.get()
        listed = body.get("attachments")
        if not uploads and listed is None:
            return
        entries = {str(a.get("id")): a for a in listed or [] if isinstance(a, dict)}
        kept = [_described(a, entries[a["id"]]) for a in message.attachments if a["id"] in entries]
        for upload in uploads:
            kept.append(self._stored(message, upload, entries.get(str(upload.index), {})))
        message.attachments = kept
        _resolve_attachment_urls(message)

    def _stored(self, message: Message, upload: Upload, entry: dict[str, Any]) -> dict[str, Any]:
        """An uploaded file as Discord lists it on its message; ``entry`` is the body's
        ``attachments`` item with the file's index as its id (a filename, a description)."""
        attachment_id = self.ids.next()
        self.uploads[attachment_id] = upload.data
        filename = str(entry.get("filename") or upload.filename)
        where = f"attachments/{message.channel_id}/{attachment_id}/{quote(filename)}"
        attachment: dict[str, Any] = {
            "id": str(attachment_id),
            "filename": filename,
            "size": len(upload.data),
            "url": f"https://cdn.discordapp.com/{where}",
            "proxy_url": f"https://media.discordapp.net/{where}",
        }
        content_type = _content_type(filename, upload.content_type)
        if content_type is not None:
            attachment["content_type"] = content_type
        if message.ephemeral:
            attachment["ephemeral"] = True
        return _described(attachment, entry)

    async def _dispatch(
        self, request: web.Request, method: str, path: str, body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        headers = self._rate_headers(path)
        needs_auth = not path.startswith(("/interactions/", "/webhooks/"))
        if needs_auth and request.headers.get("Authorization") != f"Bot {self.token}":
            return 401, {"code": 0, "message": "401: Unauthorized"}, headers
        for fault in self.faults:
            if fault.count > 0 and fault.method == method and fault.pattern.search(path):
                fault.count -= 1
                if fault.status == 429:
                    self.rate_limited.append(f"{method} {path}")
                    headers.update(
                        {
                            "Retry-After": str(max(1, round(fault.retry_after))),
                            "X-RateLimit-Remaining": "0",
                            "X-RateLimit-Reset-After": f"{fault.retry_after:.3f}",
                            "X-RateLimit-Scope": "global" if fault.is_global else "user",
                            "Via": "1.1 google",
                        }
                    )
                    if fault.is_global:
                        headers["X-RateLimit-Global"] = "true"
                    return (
                        429,
                        {
                            "message": "You are being rate limited.",
                            "retry_after": fault.retry_after,
                            "global": fault.is_global,
                        },
                        headers,
                    )
                return fault.status, {"code": 0, "message": f"{fault.status}: injected"}, headers
        if self._global_limited(path):
            self.rate_limited.append(f"{method} {path} (global)")
            headers.update({"Via": "1.1 google", "X-RateLimit-Global": "true", "Retry-After": "1"})
            headers["X-RateLimit-Scope"] = "global"
            return (
                429,
                {"message": "You are being rate limited.", "retry_after": 0.2, "global": True},
                headers,
            )
        if self.validate and body is not None:
            errors = validation.validate_schema(method, path, body)
            if errors:
                return self._violation(errors, headers)
        for route_method, pattern, handler in self._routes:
            if route_method != method:
                continue
            match = pattern.match(path)
            if match:
                try:
                    status, payload = await handler(request, match.groupdict(), body)
                except HTTPError as exc:
                    return (
                        exc.status,
                        {"code": exc.code, "message": exc.message, **exc.extra},
                        headers,
                    )
                await self.notify()
                return status, payload, headers
        self.unknown_routes.append(f"{method} {path}")
        log.error("emulator: unknown route %s %s", method, path)
        return 404, {"code": 0, "message": "404: Not Found"}, headers

    def _violation(
        self, errors: list[str], headers: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]:
        self.violations.extend(errors)
        for error in errors:
            log.error("emulator: Discord would reject this: %s", error)
        return (
            400,
            {"code": 50035, "message": "Invalid Form Body", "errors": _errors(errors)},
            headers,
        )

    def check_message(self, body: dict[str, Any]) -> None:
        if not self.validate:
            return
        errors = validation.message_errors(body)
        if errors:
            self.violations.extend(errors)
            raise HTTPError(400, 50035, "Invalid Form Body", errors=_errors(errors))

    # --- helpers for handlers ----------
    def _channel(self, channel_id: str) -> Channel:
        channel = self.channels.get(int(channel_id))
        if channel is None or channel.deleted:
            raise HTTPError(404, 10003, "Unknown Channel")
        return channel

    def _message(self, channel: Channel, message_id: str) -> Message:
        message = self.messages.get(int(message_id))
        if message is None or message.deleted or message.channel_id != channel.id:
            raise HTTPError(404, 10008, "Unknown Message")
        return message

    def bot_permissions(self, channel: Channel) -> int:
        if channel.guild_id is None:
            return DM_PERMISSIONS
        guild = self.guilds[channel.guild_id]
        return guild.permissions(guild.members[self.bot_user.id], channel)

    def _require(self, channel: Channel, needed: int) -> None:
        perms = self.bot_permissions(channel)
        if not perms & VIEW_CHANNEL:
            raise HTTPError(403, 50001, "Missing Access")
        if perms & needed != needed:
            raise HTTPError(403, 50013, "Missing Permissions")

    def _role_pings(self, body: dict[str, Any]) -> list[int]:
        content = body.get("content") or ""
        allowed = body.get("allowed_mentions")
        mentioned = [int(r) for r in re.findall(r"<@&(\d+)>", content)]
        if allowed is None:
            return mentioned
        if "roles" in (allowed.get("parse") or []):
            return mentioned
        permitted = {int(r) for r in allowed.get("roles") or []}
        return [r for r in mentioned if r in permitted]

    def create_message(
        self, channel: Channel, body: dict[str, Any], *, author: User | None = None, **extra: Any
    ) -> Message:
        message = Message(
            id=self.ids.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=author or self.bot_user,
            content=body.get("content") or "",
            embeds=body.get("embeds") or [],
            components=body.get("components") or [],
            flags=int(body.get("flags") or 0),
            nonce=body.get("nonce"),
            allowed_mentions=body.get("allowed_mentions"),
            **extra,
        )
        message.pinged_roles = self._role_pings(body)
        self._attach(message, body)
        self.messages[message.id] = message
        return message

    def edit_message(self, message: Message, body: dict[str, Any]) -> None:
        message.history.append(
            {"content": message.content, "embeds": message.embeds, "components": message.components}
        )
        for key in ("content", "embeds", "components"):
            if key in body and body[key] is not None:
                setattr(message, key, body[key])
        if "flags" in body and body["flags"] is not None:
            message.flags = (message.flags & EPHEMERAL) | int(body["flags"])
        self._attach(message, body)
        message.edited = time.time()
        message.loading = False

    # --- routes ----------
    def _install_routes(self) -> None:
        r = self.route

        @r("GET", "/users/@me")
        async def me(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            return 200, self.bot_user.to_json()

        @r("GET", "/users/{user_id}")
        async def user(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            found = self.users.get(int(p["user_id"]))
            if found is None:
                raise HTTPError(404, 10013, "Unknown User")
            return 200, found.to_json()

        @r("GET", "/oauth2/applications/@me")
        async def application(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            return 200, {
                "id": str(self.application_id),
                "name": self.bot_user.username,
                "icon": None,
                "description": "",
                "rpc_origins": [],
                "bot_public": True,
                "bot_require_code_grant": False,
                "bot": self.bot_user.to_json(),
                "terms_of_service_url": None,
                "privacy_policy_url": None,
                "owner": self.bot_user.to_json(),
                "verify_key": "0" * 64,
                "team": None,
                "guild_id": None,
                "flags": 0,
                "tags": [],
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "approximate_guild_count": len(self.guilds),
            }

        @r("GET", "/gateway")
        async def gateway(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            return 200, {"url": self.gateway_url}

        @r("GET", "/gateway/bot")
        async def gateway_bot(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            return 200, {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }

        def stored_commands(
            commands: list[dict[str, Any]], guild_id: int | None
        ) -> list[dict[str, Any]]:
            out = []
            for command in commands:
                stored = {
                    **command,
                    "id": str(self.ids.next()),
                    "application_id": str(self.application_id),
                    "version": str(self.ids.next()),
                    "type": command.get("type", 1),
                }
                if guild_id is not None:
                    stored["guild_id"] = str(guild_id)
                stored.setdefault("default_member_permissions", None)
                stored.setdefault("description", "")
                out.append(stored)
            return out

        @r("PUT", "/applications/{app}/commands")
        async def put_global(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            self.global_commands = stored_commands(b, None)
            self.command_syncs.append((None, self.global_commands))
            return 200, self.global_commands

        @r("GET", "/applications/{app}/commands")
        async def get_global(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            return 200, self.global_commands

        @r("PUT", "/applications/{app}/guilds/{guild_id}/commands")
        async def put_guild(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            gid = int(p["guild_id"])
            self.guild_commands[gid] = stored_commands(b, gid)
            self.command_syncs.append((gid, self.guild_commands[gid]))
            return 200, self.guild_commands[gid]

        @r("GET", "/applications/{app}/guilds/{guild_id}/commands")
        async def get_guild(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            return 200, self.guild_commands.get(int(p["guild_id"]), [])

        @r("GET", "/guilds/{guild_id}")
        async def get_guild_obj(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            guild = self.guilds.get(int(p["guild_id"]))
            if guild is None:
                raise HTTPError(404, 10004, "Unknown Guild")
            data = guild.to_json(self.bot_user.id)
            return 200, data

        @r("GET", "/guilds/{guild_id}/roles")
        async def roles(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            guild = self.guilds.get(int(p["guild_id"]))
            if guild is None:
                raise HTTPError(404, 10004, "Unknown Guild")
            return 200, [r.to_json() for r in guild.roles.values()]

        @r("GET", "/guilds/{guild_id}/roles/{role_id}")
        async def role(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            guild = self.guilds.get(int(p["guild_id"]))
            if guild is None:
                raise HTTPError(404, 10004, "Unknown Guild")
            found = guild.roles.get(int(p["role_id"]))
            if found is None:
                raise HTTPError(404, 10011, "Unknown Role")
            return 200, found.to_json()

        @r("GET", "/guilds/{guild_id}/channels")
        async def channels(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            guild = self.guilds.get(int(p["guild_id"]))
            if guild is None:
                raise HTTPError(404, 10004, "Unknown Guild")
            return 200, [c.to_json() for c in guild.channels.values() if not c.deleted]

        @r("GET", "/guilds/{guild_id}/members/{user_id}")
        async def member(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            guild = self.guilds.get(int(p["guild_id"]))
            found = guild.members.get(int(p["user_id"])) if guild else None
            if found is None:
                raise HTTPError(404, 10007, "Unknown Member")
            return 200, found.to_json()

        @r("POST", "/users/@me/channels")
        async def open_dm(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            user = self.users.get(int(b.get("recipient_id") or 0))
            if user is None:
                raise HTTPError(400, 50033, "Invalid Recipient(s)")
            return 200, self.dm_channel(user).to_json()

        @r("GET", "/channels/{channel_id}")
        async def channel(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            return 200, self._channel(p["channel_id"]).to_json()

        @r("POST", "/channels/{channel_id}/messages")
        async def post_message(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            channel = self._channel(p["channel_id"])
            if channel.type == DM_CHANNEL:
                assert channel.recipient is not None
                if self.dm_refused(channel.recipient):
                    raise HTTPError(403, 50007, "Cannot send messages to this user")
            else:
                needed = VIEW_CHANNEL | (
                    SEND_MESSAGES_IN_THREADS if channel.type == PUBLIC_THREAD else SEND_MESSAGES
                )
                if b.get("embeds"):
                    needed |= EMBED_LINKS
                if _UPLOADS.get():
                    needed |= ATTACH_FILES
                self._require(channel, needed)
            self.check_message(b)
            nonce = b.get("nonce")
            if nonce is not None and b.get("enforce_nonce"):
                for old in self.messages.values():
                    if (
                        old.channel_id == channel.id
                        and old.nonce == nonce
                        and old.author.id == self.bot_user.id
                        and time.time() - old.created < NONCE_WINDOW_S
                    ):
                        return 200, old.to_json()
            message = self.create_message(channel, b)
            intent = DIRECT_MESSAGES_INTENT if channel.guild_id is None else GUILD_MESSAGES_INTENT
            await self.gateway.dispatch("MESSAGE_CREATE", message.to_json(), intent=intent)
            return 200, message.to_json()

        @r("GET", "/channels/{channel_id}/messages")
        async def history(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            channel = self._channel(p["channel_id"])
            limit = min(int(req.query.get("limit", 50)), 100)
            msgs = sorted(self.public(channel), key=lambda m: m.id, reverse=True)
            if "before" in req.query:
                msgs = [m for m in msgs if m.id < int(req.query["before"])]
            elif "after" in req.query:
                # the ``limit`` messages right after it, newest first (as Discord returns them)
                later = [m for m in reversed(msgs) if m.id > int(req.query["after"])]
                return 200, [m.to_json() for m in reversed(later[:limit])]
            return 200, [m.to_json() for m in msgs[:limit]]

        @r("GET", "/channels/{channel_id}/messages/{message_id}")
        async def get_message(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            channel = self._channel(p["channel_id"])
            return 200, self._message(channel, p["message_id"]).to_json()

        @r("PATCH", "/channels/{channel_id}/messages/{message_id}")
        async def edit(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            channel = self._channel(p["channel_id"])
            message = self._message(channel, p["message_id"])
            if message.author.id != self.bot_user.id:
                raise HTTPError(403, 50005, "Cannot edit a message authored by another user")
            self.check_message({**b, "allowed_mentions": b.get("allowed_mentions", {"parse": []})})
            self.edit_message(message, b)
            intent = DIRECT_MESSAGES_INTENT if channel.guild_id is None else GUILD_MESSAGES_INTENT
            await self.gateway.dispatch("MESSAGE_UPDATE", message.to_json(), intent=intent)
            return 200, message.to_json()

        @r("DELETE", "/channels/{channel_id}/messages/{message_id}")
        async def delete(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            channel = self._channel(p["channel_id"])
            self._message(channel, p["message_id"]).deleted = True
            return 204, None

        async def pin(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            channel = self._channel(p["channel_id"])
            self._message(channel, p["message_id"]).pinned = req.method == "PUT"
            return 204, None

        for method in ("PUT", "DELETE"):
            r(method, "/channels/{channel_id}/pins/{message_id}")(pin)
            r(method, "/channels/{channel_id}/messages/pins/{message_id}")(pin)

        @r("POST", "/channels/{channel_id}/messages/{message_id}/threads")
        async def thread_from_message(
            req: web.Request, p: dict[str, str], b: Any
        ) -> tuple[int, Any]:
            channel = self._channel(p["channel_id"])
            message = self._message(channel, p["message_id"])
            self._require(channel, CREATE_PUBLIC_THREADS)
            if message.thread_id:
                raise HTTPError(400, 160004, "A thread has already been created for this message")
            assert channel.guild_id is not None  # _require refused a direct message
            guild = self.guilds[channel.guild_id]
            thread = Channel(
                message.id,
                guild.id,
                b["name"],
                type=PUBLIC_THREAD,
                parent_id=channel.id,
                owner_id=self.bot_user.id,
            )
            guild.channels[thread.id] = thread
            self.channels[thread.id] = thread
            message.thread_id = thread.id
            await self.gateway.dispatch(
                "THREAD_CREATE", {**thread.to_json(), "newly_created": True}
            )
            return 201, thread.to_json()

        @r("POST", "/interactions/{interaction_id}/{token}/callback")
        async def callback(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            return await self._callback(int(p["interaction_id"]), p["token"], b)

        def by_token(token: str) -> Interaction:
            ix = self.tokens.get(token)
            if ix is None or time.monotonic() - ix.created > TOKEN_LIFETIME_S:
                raise HTTPError(401, 50027, "Invalid Webhook Token")
            return ix

        @r("POST", "/webhooks/{app}/{token}")
        async def followup(req: web.Request, p: dict[str, str], b: Any) -> tuple[int, Any]:
            ix = by_token(p["token"])
            if ix.acked_at is None:
                raise HTTPError(400, 40060, "Interaction has not been acknowledged")
            self.check_message(b)
            original = self.messages.get(ix.response_message_id or 0)
            if original is not None and original.loading:
                self.edit_message(original, b)
                return 200, original.to_json()
            channel = self.channels[ix.channel_id]
            ephemeral = bool(int(b.get("flags") or 0) & EPHEMERAL)
            message = self.create_message(
                channel,
                b,
                visible_to=ix.user_id if ephemeral else None,
                webhook_id=self.application_id,
                application_id=self.application_id,
                interaction_id=ix.id,
            )
            ix.followups.append(message.id)
            return 200, message.to_json()

        def webhook_message(ix: Interaction, message_id: str) -> Message:
            if message_id == "@original":
                target = ix.response_message_id or ix.component_message_id
            else:
                target = int(message_id)
            message = self.messages.get(target or 0)
            if message is None or message.deleted:
                raise HTTPError(404, 10008, "Unknown Message")
            return message

        @r("GET", "/webhooks/{app}/{token}/messages/{message_id}")
        async def get_webhook_message(
            req: web.Request, p: dict[str, str], b: Any
        ) -> tuple[int, Any]:
            return 200, webhook_message(by_token(p["token"]), p["message_id"]).to_json()

        @r("PATCH", "/webhooks/{app}/{token}/messages/{message_id}")
        async def edit_webhook_message(
            req: web.Request, p: dict[str, str], b: Any
        ) -> tuple[int, Any]:
            ix = by_token(p["token"])
            message = webhook_message(ix, p["message_id"])
            self.check_message({**b, "allowed_mentions": b.get("allowed_mentions", {"parse": []})})
            self.edit_message(message, b)
            return 200, message.to_json()

        @r("DELETE", "/webhooks/{app}/{token}/messages/{message_id}")
        async def delete_webhook_message(
            req: web.Request, p: dict[str, str], b: Any
        ) -> tuple[int, Any]:
            webhook_message(by_token(p["token"]), p["message_id"]).deleted = True
            return 204, None

    async def _callback(
        self, interaction_id: int, token: str, body: dict[str, Any]
    ) -> tuple[int, Any]:
        ix = self.interactions.get(interaction_id)
        if ix is None or ix.token != token:
            raise HTTPError(404, 10062, "Unknown interaction")
        if ix.acked_at is not None:
            raise HTTPError(400, 40060, "Interaction has already been acknowledged.")
        if time.monotonic() - ix.created > self.ack_deadline:
            self.violations.append(
                f"interaction {ix.id} answered after {time.monotonic() - ix.created:.2f}s "
                f"(Discord allows {self.ack_deadline:.0f}s)"
            )
            raise HTTPError(404, 10062, "Unknown interaction")
        kind = body["type"]
        data = body.get("data") or {}
        channel = self.channels[ix.channel_id]
        message: Message | None = None
        if kind in (4, 5):
            if kind == 4:
                self.check_message(data)
            ephemeral = bool(int(data.get("flags") or 0) & EPHEMERAL)
            message = self.create_message(
                channel,
                data if kind == 4 else {"flags": data.get("flags")},
                visible_to=ix.user_id if ephemeral else None,
                interaction_id=ix.id,
                application_id=self.application_id,
                webhook_id=self.application_id,
                loading=kind == 5,
            )
            ix.response_message_id = message.id
        elif kind == 7:
            self.check_message(
                {**data, "allowed_mentions": data.get("allowed_mentions", {"parse": []})}
            )
            message = self.messages[ix.component_message_id or 0]
            self.edit_message(message, data)
        elif kind == 8:
            ix.choices = data.get("choices", [])
        elif kind == 9:
            if self.validate:
                errors = validation.modal_errors(data)
                if errors:
                    self.violations.extend(errors)
                    raise HTTPError(400, 50035, "Invalid Form Body", errors=_errors(errors))
            ix.modal = data
        elif kind != 6:
            raise HTTPError(400, 50035, f"Unsupported callback type {kind}")
        if kind == 6 and ix.component_message_id in self.messages:
            ix.edits_at_ack = len(self.messages[ix.component_message_id].history)
        ix.acked_at = time.monotonic()
        ix.response_type = kind
        await self.notify()
        resource: dict[str, Any] = {"type": kind}
        if message is not None:
            resource["message"] = message.to_json()
        return 200, {
            "interaction": {
                "id": str(ix.id),
                "type": ix.type,
                "activity_instance_id": None,
                "response_message_id": str(message.id) if message else None,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool(message and message.ephemeral),
            },
            "resource": resource,
        }


def _person(user: User | Member) -> User:
    return user.user if isinstance(user, Member) else user


def _described(attachment: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """``attachment`` with the description the body gives it (an edit may change it)."""
    if entry.get("description"):
        return {**attachment, "description": str(entry["description"])}
    return attachment


def _content_type(filename: str, declared: str) -> str | None:
    """What Discord reports a file to be: by its name (text with its charset), else what the
    upload declared unless that is the generic type discord.py always sends; none if unknown."""
    guessed, _ = _MIME_TYPES.guess_type(filename, strict=False)
    if guessed is not None:
        return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed
    if declared != "application/octet-stream":
        return declared
    return None


def _resolve_attachment_urls(message: Message) -> None:
    """An embed's ``attachment://name`` image becomes that attachment's url, as Discord returns
    it (an image naming no attachment of the message is dropped, as Discord does)."""
    urls = {a["filename"]: a["url"] for a in message.attachments}
    for embed in message.embeds:
        for key in ("image", "thumbnail"):
            media = embed.get(key)
            if not isinstance(media, dict):
                continue
            url = str(media.get("url", ""))
            if url.startswith("attachment://"):
                found = urls.get(url.removeprefix("attachment://"))
                if found is None:
                    embed.pop(key)
                else:
                    media["url"] = found
