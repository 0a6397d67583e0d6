"""Storage: a SQLite file (the default) or a PostgreSQL database, behind one ``Database``.
Every SQL statement lives here."""

from bot.db.database import Database
from bot.db.engine import (
    Connection,
    DatabaseClosed,
    DatabaseError,
    DatabaseFull,
    DatabaseTooNew,
    DatabaseUnavailable,
    Row,
)

__all__ = [
    "Connection",
    "Database",
    "DatabaseClosed",
    "DatabaseError",
    "DatabaseFull",
    "DatabaseTooNew",
    "DatabaseUnavailable",
    "Row",
]
