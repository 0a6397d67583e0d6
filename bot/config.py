"""Typed settings from the environment and ``.env`` (see ``.env.example``)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.bank.loader import BUNDLED_BANKS
from bot.study.shards import MAX_SHARDS, Shards, parse_shard_ids

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = PROJECT_ROOT / "data" / "studybot.sqlite3"
DISCORD_API_BASE_URL = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg"
DEVELOPER_PORTAL = "https://discord.com/developers/applications"


def _url(value: str, schemes: tuple[str, ...], example: str) -> str:
    value = value.strip()
    try:
        parts = urlsplit(value)
        ok = parts.scheme in schemes and bool(parts.hostname)
        _ = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        ok = False
    if not ok or any(c.isspace() for c in value):
        raise ValueError(
            f"it must be a {' or '.join(s + '://' for s in schemes)} URL like {example}"
        )
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8-sig", extra="ignore", case_sensitive=False
    )

    discord_token: SecretStr | None = None
    database_path: Path = DEFAULT_DATABASE
    # A PostgreSQL database instead of the SQLite file (several processes, one database).
    database_url: str | None = None
    banks_dir: str = Field(
        default="", description="extra bank folders, separated by the OS path separator"
    )
    log_level: str = "INFO"
    dev_guild_id: int | None = None
    discord_api_base_url: str = DISCORD_API_BASE_URL
    discord_gateway_url: str = DISCORD_GATEWAY_URL
    health_file: Path | None = None  # written every 30 s while connected (Docker HEALTHCHECK)
    web_port: int | None = Field(default=None, ge=1, le=65535)  # None: no web server
    web_host: str = "0.0.0.0"  # noqa: S104 - in a container, the published port reaches it
    web_base_url: str | None = None  # how members reach it (default http://localhost:PORT)
    shard_count: int = Field(default=1, ge=1, le=MAX_SHARDS)
    # This process's shards, as "0,1" or "0-3"; blank: all of them. Read after SHARD_COUNT.
    shard_ids: str = ""

    @field_validator("discord_token", mode="before")
    @classmethod
    def _blank_token_is_missing(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("dev_guild_id", mode="before")
    @classmethod
    def _blank_guild_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url", mode="before")
    @classmethod
    def _blank_url_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return _url(
            value, ("postgresql", "postgres"), "postgresql://studybot:PASSWORD@localhost/studybot"
        )

    def database(self) -> Path | str:
        """Where the bot keeps its data: ``DATABASE_URL`` when set, else ``DATABASE_PATH``."""
        return self.database_url or self.database_path

    @field_validator("discord_api_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return _url(value, ("http", "https"), DISCORD_API_BASE_URL)

    @field_validator("discord_gateway_url")
    @classmethod
    def _websocket_url(cls, value: str) -> str:
        return _url(value, ("ws", "wss"), DISCORD_GATEWAY_URL)

    @field_validator("web_port", "web_base_url", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("web_base_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        return (
            _url(value, ("http", "https"), "https://study.example.org").rstrip("/")
            if value
            else None
        )

    @field_validator("shard_count", mode="before")
    @classmethod
    def _blank_count_is_one(cls, value: object) -> object:
        return 1 if isinstance(value, str) and not value.strip() else value

    @field_validator("shard_ids")
    @classmethod
    def _known_shards(cls, value: str, info: ValidationInfo) -> str:
        count = info.data.get("shard_count")
        if count is None:  # SHARD_COUNT itself is refused: that is the one sentence to show
            return value
        return ",".join(map(str, parse_shard_ids(value, count)))

    def shards(self) -> Shards:
        """The shards this process connects, and whose servers' work it does."""
        return Shards(self.shard_count, parse_shard_ids(self.shard_ids, self.shard_count))

    def web_public_url(self) -> str:
        return self.web_base_url or f"http://localhost:{self.web_port}"

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level

    def bank_folders(self) -> list[Path]:
        """The bundled banks first, then each folder named in ``BANKS_DIR``."""
        extra = [Path(p).expanduser() for p in self.banks_dir.split(os.pathsep) if p.strip()]
        return [BUNDLED_BANKS, *extra]
