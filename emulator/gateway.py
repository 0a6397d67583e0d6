"""The gateway WebSocket: HELLO, IDENTIFY, READY, heartbeats, dispatches, RESUME with replay."""

from __future__ import annotations

import asyncio
import logging
import secrets
import zlib
from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson
from aiohttp import WSMsgType, web

from emulator.state import Guild, User


class GatewayHost(Protocol):
    """The parts of the emulator the gateway reads (the Emulator is one)."""

    token: str
    application_id: int
    bot_user: User
    guilds: dict[int, Guild]
    privileged_intents: int
    identified_intents: list[int]
    identify_close_code: int | None

    @property
    def gateway_url(self) -> str: ...

    async def notify(self) -> None: ...


log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, RESUME = 0, 1, 2, 6
RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 7, 8, 9, 10, 11
HEARTBEAT_INTERVAL_MS = 41250
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)
REPLAY_LIMIT = 5000


@dataclass(eq=False)
class Connection:
    ws: web.WebSocketResponse
    request: web.Request
    compress: bool
    deflate: Any = field(default_factory=zlib.compressobj)

    async def send(self, payload: dict[str, Any]) -> None:
        raw = orjson.dumps(payload)
        if self.compress:
            data = self.deflate.compress(raw) + self.deflate.flush(zlib.Z_SYNC_FLUSH)
            await self.ws.send_bytes(data)
        else:
            await self.ws.send_str(raw.decode())


@dataclass(eq=False)
class Session:
    id: str
    intents: int
    shard: list[int] | None
    seq: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    connection: Connection | None = None
    valid: bool = True

    def serves(self, guild_id: int | None) -> bool:
        """Whether this session's shard gets the events of ``guild_id`` (None: events of no
        server, such as direct messages, which Discord sends on shard 0)."""
        if self.shard is None:
            return True
        shard_id, shard_count = self.shard
        return (0 if guild_id is None else (guild_id >> 22) % shard_count) == shard_id

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        self.seq += 1
        payload = {"op": DISPATCH, "t": event, "s": self.seq, "d": data}
        self.sent.append(payload)
        del self.sent[:-REPLAY_LIMIT]
        if self.connection is not None:
            try:
                await self.connection.send(payload)
            except (ConnectionError, RuntimeError):
                self.connection = None  # kept in ``sent`` for a RESUME


def guild_of(event: str, data: dict[str, Any]) -> int | None:
    """The server an event is about: its ``guild_id``, or the server itself for GUILD_CREATE,
    GUILD_UPDATE and GUILD_DELETE."""
    if "guild_id" in data:
        return int(data["guild_id"]) if data["guild_id"] is not None else None
    if event in ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"):
        return int(data["id"])
    return None


def valid_shard(shard: object) -> bool:
    """No shard, or ``[id, count]`` with 0 <= id < count, as Discord accepts."""
    if shard is None:
        return True
    if not isinstance(shard, list) or len(shard) != 2:
        return False
    shard_id, count = shard
    return isinstance(shard_id, int) and isinstance(count, int) and 0 <= shard_id < count


class Gateway:
    def __init__(self, emulator: GatewayHost) -> None:
        self.emu = emulator
        self.sessions: dict[str, Session] = {}
        self.connections: set[Connection] = set()
        self.identifies = 0
        self.resumes = 0
        self.up = True  # False: an outage, as when Discord's gateway answers 503 for a while
        self.refused = 0  # connection attempts refused during an outage

    @property
    def connected(self) -> bool:
        return any(s.connection is not None for s in self.sessions.values() if s.valid)

    async def dispatch(self, event: str, data: dict[str, Any], intent: int | None = None) -> None:
        """Send an event to every session that asked for it: with sharding, only to the
        session of the server's shard."""
        guild_id = guild_of(event, data)
        for session in list(self.sessions.values()):
            wanted = intent is None or session.intents & intent
            if session.valid and wanted and session.serves(guild_id):
                await session.dispatch(event, data)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if not self.up:
            self.refused += 1
            await self.emu.notify()
            return web.Response(status=503, text="upstream connect error")
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(ws, request, request.query.get("compress") == "zlib-stream")
        self.connections.add(conn)
        session: Session | None = None
        try:
            await conn.send({"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                payload = orjson.loads(msg.data)
                op, data = payload.get("op"), payload.get("d")
                if op == HEARTBEAT:
                    await conn.send({"op": HEARTBEAT_ACK})
                elif op == IDENTIFY:
                    session = await self._identify(conn, data)
                elif op == RESUME:
                    session = await self._resume(conn, data)
                elif op == REQUEST_MEMBERS:
                    await self._members_chunk(conn, session, data)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self.connections.discard(conn)
            if session is not None and session.connection is conn:
                session.connection = None
        return ws

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> Session | None:
        if data.get("token", "").removeprefix("Bot ") != self.emu.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return None
        intents = int(data.get("intents", 0))
        self.emu.identified_intents.append(intents)
        if self.emu.identify_close_code is not None:  # e.g. 4014, as set in a test
            await conn.ws.close(code=self.emu.identify_close_code, message=b"Refused.")
            return None
        if intents & PRIVILEGED_INTENTS & ~self.emu.privileged_intents:
            await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
            return None
        self.identifies += 1
        shard = data.get("shard")
        if not valid_shard(shard):
            await conn.ws.close(code=4010, message=b"Invalid shard.")
            return None
        session = Session(secrets.token_hex(16), intents, shard)
        self.sessions[session.id] = session
        session.connection = conn
        emu = self.emu
        guilds = [g for g in list(emu.guilds.values()) if session.serves(g.id)]
        ready = {
            "v": 10,
            "user": emu.bot_user.to_json(),
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": emu.gateway_url,
            "application": {"id": str(emu.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "_trace": ["emulator"],
        }
        if session.shard is not None:
            ready["shard"] = session.shard
        await session.dispatch("READY", ready)
        for guild in guilds:
            await session.dispatch("GUILD_CREATE", guild.to_json(emu.bot_user.id))
        await emu.notify()
        return session

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> Session | None:
        session = self.sessions.get(str(data.get("session_id")))
        token_ok = data.get("token", "").removeprefix("Bot ") == self.emu.token
        if session is None or not session.valid or not token_ok:
            await conn.send({"op": INVALID_SESSION, "d": False})
            return None
        self.resumes += 1
        seq = int(data.get("seq") or 0)
        session.connection = conn
        for payload in [p for p in session.sent if p["s"] > seq]:
            await conn.send(payload)
        await session.dispatch("RESUMED", {"_trace": ["emulator"]})
        await self.emu.notify()
        return session

    async def _members_chunk(
        self, conn: Connection, session: Session | None, data: dict[str, Any]
    ) -> None:
        if session is None:
            return
        guild = self.emu.guilds.get(int(data.get("guild_id", 0)))
        if guild is None:
            return
        await session.dispatch(
            "GUILD_MEMBERS_CHUNK",
            {
                "guild_id": str(guild.id),
                "members": [m.to_json() for m in guild.members.values()],
                "chunk_index": 0,
                "chunk_count": 1,
                "nonce": data.get("nonce"),
            },
        )

    # --- faults -------------------------------------------------------------------------------
    async def send_reconnect(self) -> None:
        for conn in list(self.connections):
            await conn.send({"op": RECONNECT, "d": None})

    async def drop(self, *, abrupt: bool = True) -> None:
        """Drop every connection: abruptly (the TCP connection vanishes) or with close 4000."""
        for conn in list(self.connections):
            transport = conn.request.transport
            if abrupt and transport is not None:
                transport.abort()
            else:
                await conn.ws.close(code=4000, message=b"Unknown error")
        for session in self.sessions.values():
            session.connection = None

    async def outage(self) -> None:
        """The gateway goes down: every connection is dropped and new ones are refused (503)
        until ``recover()``."""
        self.up = False
        await self.drop(abrupt=True)

    def recover(self) -> None:
        self.up = True

    async def invalidate(self, *, resumable: bool = False) -> None:
        for session in self.sessions.values():
            if session.connection is not None:
                await session.connection.send({"op": INVALID_SESSION, "d": resumable})
            if not resumable:
                session.valid = False
