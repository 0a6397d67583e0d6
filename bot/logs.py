"""Logging to stdout in a plain, greppable format. The token never appears in a log line."""

from __future__ import annotations

import logging
import sys


class _Redact(logging.Filter):
    def __init__(self, secret: str | None) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secret and self.secret in record.getMessage():
            record.msg = record.getMessage().replace(self.secret, "[token]")
            record.args = ()
        return True


class _ReconnectInOneLine(logging.Filter):
    """discord.py logs each failed gateway connection as an error with a traceback; it is an
    expected situation (Discord or the network is down) that it handles by trying again, so it
    becomes one warning line that says why."""

    def filter(self, record: logging.LogRecord) -> bool:
        if (
            record.name == "discord.client"
            and str(record.msg).startswith("Attempting a reconnect in")
            and record.exc_info
            and record.exc_info[1] is not None
        ):
            exc = record.exc_info[1]
            record.msg = "cannot reach Discord's gateway (%s: %s); trying again in %.0f s"
            record.args = (type(exc).__name__, exc, *(record.args or ()))
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def setup_logging(level: str = "INFO", secret: str | None = None) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")
    )
    handler.addFilter(_ReconnectInOneLine())
    handler.addFilter(_Redact(secret))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("discord").setLevel(max(logging.getLevelName(level), logging.INFO))
    logging.getLogger("discord.http").setLevel(logging.WARNING)
    logging.getLogger("discord.gateway").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
