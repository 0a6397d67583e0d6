"""Storage: one SQLite file, read through aiosqlite, written by one writer thread. Every SQL
statement lives here."""

from bot.db.database import (
    Database,
    DatabaseClosed,
    DatabaseError,
    DatabaseFull,
    DatabaseTooNew,
)

__all__ = ["Database", "DatabaseClosed", "DatabaseError", "DatabaseFull", "DatabaseTooNew"]
