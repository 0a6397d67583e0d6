"""Storage: one SQLite file through one aiosqlite connection. Every SQL statement lives here."""

from bot.db.database import Database, DatabaseClosed, DatabaseError, DatabaseTooNew

__all__ = ["Database", "DatabaseClosed", "DatabaseError", "DatabaseTooNew"]
