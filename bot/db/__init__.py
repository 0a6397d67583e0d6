"""Storage: a SQLite file (the default) or a PostgreSQL database, behind one ``Database``.
Every SQL statement lives here."""

from bot.db.database import (
    Connection,
    Database,
    DatabaseClosed,
    DatabaseError,
    DatabaseFull,
    DatabaseTooNew,
    Row,
)

__all__ = [
    "Connection",
    "Database",
    "DatabaseClosed",
    "DatabaseError",
    "DatabaseFull",
    "DatabaseTooNew",
    "Row",
]
