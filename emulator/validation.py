"""Reject what Discord would reject: request bodies against Discord's OpenAPI description, and the
limits that description does not encode (total embed length, unique custom_ids, mentions, nonces).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

try:  # a test dependency: without it (a plain install running the demo) only the limits apply
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
except ImportError:  # pragma: no cover - exercised by installs without the dev extra
    Draft202012Validator = None

from emulator.state import iter_components

SPEC_PATH = Path(__file__).parent / "spec" / "openapi.json"
SPEC_URI = "urn:discord-openapi"

MAX_CONTENT = 2000
MAX_EMBED_TOTAL = 6000
EMBED_LIMITS = {"title": 256, "description": 4096}
MAX_FIELDS = 25
MAX_ACTION_ROWS = 5
MAX_ROW_BUTTONS = 5
MAX_LABEL = 80
MAX_CUSTOM_ID = 100
MAX_NONCE = 25
MAX_MODAL_TITLE = 45
MAX_TEXT_INPUT_VALUE = 4000
MAX_PLACEHOLDER = 100


@cache
def _spec() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    # Discord accepts snowflakes as JSON integers too (discord.py sends role ids in
    # allowed_mentions that way); the description only lists strings.
    schemas = data["components"]["schemas"]
    schemas["SnowflakeType"] = {
        "anyOf": [schemas["SnowflakeType"], {"type": "integer", "minimum": 0}]
    }
    return data


@cache
def _registry() -> Registry[Any]:
    resource: Resource[Any] = Resource.from_contents(_spec(), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
    return registry


@cache
def _routes() -> list[tuple[re.Pattern[str], str, int]]:
    routes = []
    for path in _spec()["paths"]:
        pattern = re.sub(r"\\\{[^}]+\\\}", r"[^/]+", re.escape(path))
        routes.append((re.compile(f"^{pattern}$"), path, path.count("{")))
    routes.sort(key=lambda r: r[2])  # literal segments win over parameters
    return routes


def spec_path(path: str) -> str | None:
    """The spec's path template for a concrete request path (without /api/v10)."""
    for pattern, template, _ in _routes():
        if pattern.match(path):
            return template
    return None


@cache
def _validator(template: str, method: str) -> Draft202012Validator | None:
    operation = _spec()["paths"].get(template, {}).get(method.lower())
    if not operation or "requestBody" not in operation:
        return None
    content = operation["requestBody"].get("content", {})
    if "application/json" not in content:
        return None
    pointer = "/".join(
        p.replace("~", "~0").replace("/", "~1")
        for p in ("paths", template, method.lower(), "requestBody", "content", "application/json")
    )
    schema = {"$ref": f"{SPEC_URI}#/{pointer}/schema"}
    return Draft202012Validator(schema, registry=_registry())


def validate_schema(method: str, path: str, body: Any) -> list[str]:
    if Draft202012Validator is None:
        return []
    template = spec_path(path)
    if template is None:
        return []
    validator = _validator(template, method)
    if validator is None:
        return []
    error = best_match(validator.iter_errors(body))
    if error is None:
        return []
    where = "/".join(str(p) for p in error.absolute_path) or "(body)"
    return [f"{method} {template}: {where}: {error.message[:300]}"]


# --- limits the spec does not encode --------------------------------------------------------------


def _embed_errors(embeds: list[dict[str, Any]]) -> list[str]:
    errors = []
    total = 0
    for n, embed in enumerate(embeds):
        for key, limit in EMBED_LIMITS.items():
            value = str(embed.get(key) or "")
            total += len(value)
            if len(value) > limit:
                errors.append(f"embeds/{n}/{key}: {len(value)} characters, limit {limit}")
        fields = embed.get("fields") or []
        if len(fields) > MAX_FIELDS:
            errors.append(f"embeds/{n}/fields: {len(fields)} fields, limit {MAX_FIELDS}")
        for i, f in enumerate(fields):
            name, value = str(f.get("name", "")), str(f.get("value", ""))
            total += len(name) + len(value)
            if len(name) > 256 or not name:
                errors.append(f"embeds/{n}/fields/{i}/name: must be 1-256 characters")
            if len(value) > 1024 or not value:
                errors.append(f"embeds/{n}/fields/{i}/value: must be 1-1024 characters")
        footer = str((embed.get("footer") or {}).get("text", ""))
        author = str((embed.get("author") or {}).get("name", ""))
        total += len(footer) + len(author)
        if len(footer) > 2048:
            errors.append(f"embeds/{n}/footer/text: {len(footer)} characters, limit 2048")
        if len(author) > 256:
            errors.append(f"embeds/{n}/author/name: {len(author)} characters, limit 256")
    if total > MAX_EMBED_TOTAL:
        errors.append(f"embeds: {total} characters in all, limit {MAX_EMBED_TOTAL}")
    return errors


def _component_errors(components: list[dict[str, Any]]) -> list[str]:
    errors = []
    rows = [c for c in components if c.get("type") == 1]
    if len(rows) > MAX_ACTION_ROWS:
        errors.append(f"components: {len(rows)} action rows, limit {MAX_ACTION_ROWS}")
    for n, row in enumerate(rows):
        buttons = [c for c in row.get("components", []) if c.get("type") == 2]
        if len(buttons) > MAX_ROW_BUTTONS:
            errors.append(f"components/{n}: {len(buttons)} buttons, limit {MAX_ROW_BUTTONS}")
    seen: set[str] = set()
    for comp in iter_components(components):
        label = comp.get("label")
        if comp.get("type") == 2 and label is not None and len(str(label)) > MAX_LABEL:
            errors.append(f"button label {str(label)[:30]!r}...: longer than {MAX_LABEL}")
        custom_id = comp.get("custom_id")
        if custom_id is not None:
            if not 1 <= len(custom_id) <= MAX_CUSTOM_ID:
                errors.append(f"custom_id {custom_id[:30]!r}: must be 1-{MAX_CUSTOM_ID} characters")
            if custom_id in seen:
                errors.append(f"custom_id {custom_id!r} is used twice in one message")
            seen.add(custom_id)
        if comp.get("type") == 4:
            if len(str(comp.get("value") or "")) > MAX_TEXT_INPUT_VALUE:
                errors.append("text input value longer than 4000")
            if len(str(comp.get("placeholder") or "")) > MAX_PLACEHOLDER:
                errors.append("text input placeholder longer than 100")
    return errors


def _mention_errors(body: dict[str, Any], require_allowed_mentions: bool) -> list[str]:
    allowed = body.get("allowed_mentions")
    errors = []
    if allowed is None:
        if require_allowed_mentions and body.get("content"):
            errors.append(
                "allowed_mentions missing on a message with content: bank and member text "
                "must never ping anyone"
            )
        return errors
    parse = allowed.get("parse") or []
    for kind in ("users", "roles"):
        if kind in parse and allowed.get(kind):
            errors.append(f"allowed_mentions: parse and {kind} are mutually exclusive")
    if require_allowed_mentions and "everyone" in parse:
        errors.append("allowed_mentions lets @everyone ping")
    return errors


def message_errors(body: dict[str, Any], *, require_allowed_mentions: bool = True) -> list[str]:
    """Limits of a message body (create, edit, interaction reply, follow-up)."""
    errors = []
    content = body.get("content")
    if content is not None and len(content) > MAX_CONTENT:
        errors.append(f"content: {len(content)} characters, limit {MAX_CONTENT}")
    errors += _embed_errors(body.get("embeds") or [])
    errors += _component_errors(body.get("components") or [])
    errors += _mention_errors(body, require_allowed_mentions)
    nonce = body.get("nonce")
    if isinstance(nonce, str) and len(nonce) > MAX_NONCE:
        errors.append(f"nonce: {len(nonce)} characters, limit {MAX_NONCE}")
    return errors


def modal_errors(data: dict[str, Any]) -> list[str]:
    errors = []
    if len(str(data.get("title", ""))) > MAX_MODAL_TITLE:
        errors.append(f"modal title longer than {MAX_MODAL_TITLE}")
    if not data.get("custom_id"):
        errors.append("modal custom_id missing")
    errors += _component_errors(data.get("components") or [])
    return errors
