"""Acting as a member: slash commands, autocomplete, button clicks and modal submits.

Each action dispatches an INTERACTION_CREATE shaped like Discord's and returns a handle to wait
for the bot's answer and read it as that member sees it.
"""

from __future__ import annotations

import copy
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from emulator.state import (
    ATTACHMENT_SIZE_LIMIT,
    Channel,
    Guild,
    Interaction,
    Member,
    Message,
    Role,
    Snowflakes,
    User,
    iter_components,
)

if TYPE_CHECKING:
    from emulator.gateway import Gateway

COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 10, 11


@dataclass
class Handle:
    """An interaction a test started; read the bot's answer through it."""

    emu: MemberActions
    interaction: Interaction
    member: Member | User  # a User in direct messages, where there is no server

    @property
    def id(self) -> int:
        return self.interaction.id

    async def acked(self, timeout: float = 5.0) -> float:
        """Wait for the bot's first response; returns how long it took, in seconds."""
        ix = self.interaction
        await self.emu.wait_until(lambda: ix.acked_at is not None, timeout)
        assert ix.acked_at is not None
        return ix.acked_at - ix.created

    async def reply(self, timeout: float = 5.0) -> Message:
        """The bot's response message once it has content (after a defer, once edited)."""
        await self.acked(timeout)
        ix = self.interaction

        def ready() -> Message | None:
            target = ix.response_message_id or ix.component_message_id
            message = self.emu.messages.get(target or 0)
            if message is None or message.loading:
                return None
            if ix.response_type == 6 and len(message.history) <= ix.edits_at_ack:
                return None  # a deferred update: wait for the edit that follows it
            return message

        result: Message = await self.emu.wait_until(ready, timeout)
        return result

    async def followup(self, index: int = 0, timeout: float = 5.0) -> Message:
        ix = self.interaction
        await self.emu.wait_until(lambda: len(ix.followups) > index, timeout)
        return self.emu.messages[ix.followups[index]]

    async def modal(self, timeout: float = 5.0) -> dict[str, Any]:
        ix = self.interaction
        result: dict[str, Any] = await self.emu.wait_until(lambda: ix.modal, timeout)
        return result

    async def choices(self, timeout: float = 5.0) -> list[dict[str, Any]]:
        ix = self.interaction
        await self.emu.wait_until(lambda: ix.choices is not None, timeout)
        return ix.choices or []

    def messages(self) -> list[Message]:
        """Everything the bot answered to this interaction, in order."""
        ix = self.interaction
        ids = [i for i in (ix.response_message_id, *ix.followups) if i]
        return [self.emu.messages[i] for i in ids]


class MemberActions:
    """Mixed into :class:`Emulator`; these are the parts of it the actions use."""

    if TYPE_CHECKING:
        ids: Snowflakes
        application_id: int
        guilds: dict[int, Guild]
        channels: dict[int, Channel]
        messages: dict[int, Message]
        interactions: dict[int, Interaction]
        tokens: dict[str, Interaction]
        global_commands: list[dict[str, Any]]
        guild_commands: dict[int, list[dict[str, Any]]]
        command_syncs: list[tuple[int | None, list[dict[str, Any]]]]
        gateway: Gateway

        def bot_permissions(self, channel: Channel) -> int: ...

        async def wait_until(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any: ...

    def _base_payload(
        self, kind: int, member: Member | User, channel: Channel, data: dict[str, Any]
    ) -> tuple[Interaction, dict[str, Any]]:
        ix_id = self.ids.next()
        token = f"aW50ZXJhY3Rpb24{secrets.token_urlsafe(48)}"
        if channel.guild_id is None:
            person = member.user if isinstance(member, Member) else member
            return self._dm_payload(ix_id, token, kind, person, channel, data)
        if not isinstance(member, Member):
            raise LookupError(f"in a server, act as a Member, not as the User {member.username}")
        guild = self.guilds[channel.guild_id]
        payload = {
            "id": str(ix_id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "guild_id": str(guild.id),
            "guild": {"id": str(guild.id), "locale": "en-US", "features": []},
            "channel_id": str(channel.id),
            "channel": channel.to_json(),
            "member": member.to_json(permissions=guild.permissions(member, channel)),
            "token": token,
            "version": 1,
            "app_permissions": str(self.bot_permissions(channel)),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild.id)},
            "context": 0,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        ix = Interaction(ix_id, token, kind, guild.id, channel.id, member.id, payload)
        self.interactions[ix_id] = ix
        self.tokens[token] = ix
        return ix, payload

    def _dm_payload(
        self,
        ix_id: int,
        token: str,
        kind: int,
        user: User,
        channel: Channel,
        data: dict[str, Any],
    ) -> tuple[Interaction, dict[str, Any]]:
        """An interaction in the bot's direct messages with ``user``, as Discord sends it: no
        guild, no member but the user, context 1 (BOT_DM), and for a guild-installed app the
        integration owner "0" (a DM with the bot user)."""
        if channel.recipient is not user:
            raise LookupError(f"{user.username} cannot act in another user's direct messages")
        payload = {
            "id": str(ix_id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "channel_id": str(channel.id),
            "channel": channel.to_json(),
            "user": user.to_json(),
            "token": token,
            "version": 1,
            "app_permissions": str(self.bot_permissions(channel)),
            "locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": "0"},
            "context": 1,
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        ix = Interaction(ix_id, token, kind, None, channel.id, user.id, payload)
        self.interactions[ix_id] = ix
        self.tokens[token] = ix
        return ix, payload

    async def _send(
        self, ix: Interaction, payload: dict[str, Any], member: Member | User
    ) -> Handle:
        ix.created = time.monotonic()
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return Handle(self, ix, member)

    def _command(self, guild: Guild, name: str) -> dict[str, Any]:
        for command in [*self.guild_commands.get(guild.id, []), *self.global_commands]:
            if command["name"] == name and command.get("type", 1) == 1:
                return command
        raise LookupError(f"the bot has not registered /{name} (synced: {self.command_syncs!r})")

    def _build_options(
        self,
        guild: Guild,
        definitions: list[dict[str, Any]],
        values: dict[str, Any],
        resolved: dict[str, dict[str, Any]],
        focused: str | None,
    ) -> list[dict[str, Any]]:
        known = {d["name"]: d for d in definitions}
        for name in values:
            if name not in known:
                raise LookupError(f"no option {name!r}; the command has {sorted(known)}")
        options = []
        for definition in definitions:
            name = definition["name"]
            if name not in values:
                if definition.get("required") and focused is None:
                    raise ValueError(f"option {name!r} is required")
                continue
            value = values[name]
            kind = definition["type"]
            if kind == CHANNEL:
                channel = value if isinstance(value, Channel) else self.channels[int(value)]
                resolved.setdefault("channels", {})[str(channel.id)] = {
                    **channel.to_json(),
                    "permissions": str(ALL_VIEW),
                }
                value = str(channel.id)
            elif kind == ROLE:
                role = value if isinstance(value, Role) else guild.roles[int(value)]
                resolved.setdefault("roles", {})[str(role.id)] = role.to_json()
                value = str(role.id)
            elif kind == ATTACHMENT:  # a file the member attached: made with ``emu.upload``
                if not (isinstance(value, dict) and "url" in value):
                    raise TypeError(f"option {name!r} takes a file made with emu.upload(...)")
                resolved.setdefault("attachments", {})[value["id"]] = value
                value = value["id"]
            elif kind == USER:
                member = value if isinstance(value, Member) else guild.members[int(value)]
                resolved.setdefault("users", {})[str(member.id)] = member.user.to_json()
                data = member.to_json()
                data.pop("user")
                resolved.setdefault("members", {})[str(member.id)] = data
                value = str(member.id)
            option: dict[str, Any] = {"name": name, "type": kind, "value": value}
            if name == focused:
                option["focused"] = True
            options.append(option)
        return options

    def _command_data(
        self,
        guild: Guild,
        path: str,
        values: dict[str, Any],
        focused: str | None = None,
    ) -> dict[str, Any]:
        names = path.split()
        command = self._command(guild, names[0])
        resolved: dict[str, dict[str, Any]] = {}
        definitions = command.get("options", [])
        chain: list[tuple[str, int]] = []
        for sub in names[1:]:
            found = next((o for o in definitions if o["name"] == sub), None)
            if found is None or found["type"] not in (SUB_COMMAND, SUB_COMMAND_GROUP):
                raise LookupError(f"/{path}: no subcommand {sub!r}")
            chain.append((sub, found["type"]))
            definitions = found.get("options", [])
        options = self._build_options(guild, definitions, values, resolved, focused)
        for sub, kind in reversed(chain):
            options = [{"name": sub, "type": kind, "options": options}]
        data: dict[str, Any] = {
            "id": command["id"],
            "name": command["name"],
            "type": 1,
            "options": options,
        }
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return data

    async def slash(
        self,
        command: str,
        options: dict[str, Any] | None = None,
        *,
        member: Member,
        channel: Channel | None = None,
    ) -> Handle:
        """Run ``/command`` (``"qotd setup"`` for a subcommand) as ``member``."""
        guild = self.guilds[member.guild_id]
        channel = channel or next(c for c in guild.channels.values() if c.type == 0)
        data = self._command_data(guild, command, options or {})
        ix, payload = self._base_payload(COMMAND, member, channel, data)
        return await self._send(ix, payload, member)

    async def autocomplete(
        self,
        command: str,
        options: dict[str, Any],
        focused: str,
        *,
        member: Member,
        channel: Channel | None = None,
    ) -> list[dict[str, Any]]:
        """What the bot suggests while ``member`` types into option ``focused``."""
        guild = self.guilds[member.guild_id]
        channel = channel or next(c for c in guild.channels.values() if c.type == 0)
        data = self._command_data(guild, command, options, focused=focused)
        ix, payload = self._base_payload(AUTOCOMPLETE, member, channel, data)
        handle = await self._send(ix, payload, member)
        return await handle.choices()

    async def click(self, message: Message, custom_id: str, *, member: Member | User) -> Handle:
        """Click the button ``custom_id`` of ``message`` as ``member``. In direct messages only
        their recipient can click (a ``User``, or one of their ``Member``s)."""
        if custom_id not in message.custom_ids():
            raise LookupError(f"message {message.id} has no component {custom_id!r}")
        if any(
            c.get("custom_id") == custom_id and c.get("disabled")
            for c in iter_components(message.components)
        ):
            raise LookupError(f"the button {custom_id!r} is disabled: Discord does not send clicks")
        channel = self.channels[message.channel_id]
        data = {"custom_id": custom_id, "component_type": 2}
        ix, payload = self._base_payload(COMPONENT, member, channel, data)
        payload["message"] = message.to_json()
        ix.component_message_id = message.id
        return await self._send(ix, payload, member)

    async def select(
        self, message: Message, custom_id: str, values: list[str], *, member: Member
    ) -> Handle:
        """Pick ``values`` in the select menu ``custom_id`` of ``message`` as ``member``, as
        Discord's client does: only offered values, within the menu's minimum and maximum."""
        menu = next(
            (c for c in iter_components(message.components) if c.get("custom_id") == custom_id),
            None,
        )
        if menu is None or menu.get("type") != 3:
            raise LookupError(f"message {message.id} has no select menu {custom_id!r}")
        offered = {o["value"] for o in menu.get("options", [])}
        if not set(values) <= offered:
            raise LookupError(f"{custom_id!r} offers no value {sorted(set(values) - offered)}")
        if not menu.get("min_values", 1) <= len(values) <= menu.get("max_values", 1):
            raise LookupError(
                f"{custom_id!r} takes {menu.get('min_values', 1)} to "
                f"{menu.get('max_values', 1)} values, not {len(values)}"
            )
        channel = self.channels[message.channel_id]
        data = {"custom_id": custom_id, "component_type": 3, "values": values}
        ix, payload = self._base_payload(COMPONENT, member, channel, data)
        payload["message"] = message.to_json()
        ix.component_message_id = message.id
        return await self._send(ix, payload, member)

    async def forge_click(
        self,
        where: Message | Channel,
        custom_id: str,
        *,
        member: Member,
        message: Message | None = None,
    ) -> Handle:
        """What a tampered client sends: a click on ``custom_id`` that no button of the bot
        offered there (another server's id, an out-of-range number). The copy of the message it
        carries has that custom_id (in place of its first button's, or as its only button when
        no message is named), so discord.py's component lookup does not drop it: the bot must
        not trust what a custom_id says."""
        if isinstance(where, Message):
            message = where
            channel = self.channels[where.channel_id]
        else:
            channel = where
        data = {"custom_id": custom_id, "component_type": 2}
        ix, payload = self._base_payload(COMPONENT, member, channel, data)
        if message is not None:
            shown = copy.deepcopy(message.to_json())
            button = next(
                (c for c in iter_components(shown["components"]) if "custom_id" in c), None
            )
            if button is not None:
                button["custom_id"] = custom_id
            else:
                shown["components"] = [
                    {
                        "type": 1,
                        "components": [
                            {"type": 2, "style": 2, "label": "?", "custom_id": custom_id}
                        ],
                    }
                ]
            ix.component_message_id = message.id
        else:
            shown = {
                "id": str(self.ids.next()),
                "channel_id": str(channel.id),
                "author": {"id": str(self.application_id), "username": "bot", "bot": True},
                "content": "",
                "timestamp": "2026-12-01T00:00:00+00:00",
                "edited_timestamp": None,
                "tts": False,
                "mention_everyone": False,
                "mentions": [],
                "mention_roles": [],
                "attachments": [],
                "embeds": [],
                "pinned": False,
                "type": 0,
                "flags": 0,
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {"type": 2, "style": 2, "label": "?", "custom_id": custom_id}
                        ],
                    }
                ],
            }
        payload["message"] = shown
        return await self._send(ix, payload, member)

    async def forge_modal(
        self, channel: Channel, custom_id: str, values: dict[str, str], *, member: Member
    ) -> Handle:
        """What a tampered client sends: a modal submission the bot never opened for this
        member (``custom_id`` of someone else's question, or a made-up one)."""
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
            for key, value in values.items()
        ]
        data = {"custom_id": custom_id, "components": rows}
        ix, payload = self._base_payload(MODAL_SUBMIT, member, channel, data)
        return await self._send(ix, payload, member)

    async def click_label(self, message: Message, label: str, *, member: Member | User) -> Handle:
        return await self.click(message, message.button(label)["custom_id"], member=member)

    async def submit_modal(
        self, handle: Handle, values: dict[str, str], *, member: Member | User | None = None
    ) -> Handle:
        """Fill the modal the bot opened in answer to ``handle`` (values by input custom_id or
        label) and submit it."""
        modal = await handle.modal()
        member = member or handle.member
        rows = []
        for comp in iter_components(modal.get("components", [])):
            if comp.get("type") != 4:
                continue
            key = comp["custom_id"]
            value = values.get(key, values.get(str(comp.get("label")), ""))
            rows.append({"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]})
        channel = self.channels[handle.interaction.channel_id]
        data = {"custom_id": modal["custom_id"], "components": rows}
        ix, payload = self._base_payload(MODAL_SUBMIT, member, channel, data)
        source = handle.interaction.component_message_id
        if source is not None:
            payload["message"] = self.messages[source].to_json()
            ix.component_message_id = source
        return await self._send(ix, payload, member)


ALL_VIEW = (1 << 10) | (1 << 11)
