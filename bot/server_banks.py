"""A server's own banks: the database holds them, the bank library serves them.

Every change is written first (one transaction) and served after, with the new version's item
maker prepared off the event loop: a member never sees a bank the database does not hold.
Changes to one process's banks are made one at a time, so versions are served in the order they
were written.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import unicodedata
from collections.abc import Sequence

from bot.bank.changes import BankChanges, reconcile
from bot.bank.model import Bank, Question
from bot.db import server_banks as store
from bot.db.database import Database
from bot.items.library import BankLibrary

log = logging.getLogger(__name__)

MAX_SLUG = 40


def slug_of(name: str) -> str:
    """How commands name a bank: lower case letters, digits and '-' ("Week 3 / Attention" is
    "week-3-attention")."""
    out = []
    for ch in unicodedata.normalize("NFKD", name.strip().casefold()):
        if unicodedata.combining(ch):
            continue
        out.append(ch if ch.isascii() and ch.isalnum() else "-")
    return "-".join(part for part in "".join(out).split("-") if part)[:MAX_SLUG].strip("-")


class ServerBanks:
    def __init__(self, db: Database, library: BankLibrary) -> None:
        self.db = db
        self.library = library
        self._lock = asyncio.Lock()

    async def load(self) -> int:
        """Serve every server's banks (at start-up); returns how many questions."""
        started = time.perf_counter()
        stored = await store.all_server_banks(self.db)
        for bank in stored:
            await self._serve(bank.bank())
        total = sum(len(b.questions) for b in stored)
        if stored:
            log.info(
                "loaded %d server bank(s), %d question(s) in %.1f s",
                len(stored),
                total,
                time.perf_counter() - started,
            )
        return total

    async def _serve(self, bank: Bank) -> None:
        maker = await asyncio.to_thread(self.library.prepare, bank)
        self.library.put(bank, maker)

    def own(self, guild_id: int, slug: str) -> Bank | None:
        """The server's bank named ``slug``, as served now."""
        return self.library.get(store.bank_key(guild_id, slug))

    def shared_clash(self, slug: str) -> Bank | None:
        """A shared bank a server's bank of this name would be mistaken for."""
        for bank in self.library.visible(None):
            if slug in (bank.key, slug_of(bank.name)):
                return bank
        return None

    def preview(
        self, guild_id: int, slug: str, questions: Sequence[Question]
    ) -> tuple[list[Question], BankChanges]:
        """``questions`` with the ids they keep from the bank they would replace, and what
        would change."""
        current = self.own(guild_id, slug)
        return reconcile(current.questions if current else [], questions)

    async def replace(
        self,
        guild_id: int,
        slug: str,
        name: str,
        questions: Sequence[Question],
        *,
        source: str | None,
        user_id: int,
        now: int,
    ) -> BankChanges:
        """Create or replace the server's bank ``slug`` with ``questions`` (ids reconciled
        with the version it replaces). Raises store.TooManyQuestions."""
        async with self._lock:
            kept, changes = self.preview(guild_id, slug, questions)
            await store.save_bank(
                self.db, guild_id, slug, name, kept, source=source, user_id=user_id, now=now
            )
            await self._reload(guild_id, slug)
        return changes

    async def put_question(
        self,
        guild_id: int,
        slug: str,
        question: Question,
        *,
        user_id: int,
        now: int,
        name: str | None = None,
    ) -> bool:
        """Add a question (or replace the one with its id), making the bank (called ``name``)
        if it does not exist; True when added."""
        async with self._lock:
            added = await store.put_question(
                self.db, guild_id, slug, question, user_id=user_id, now=now, name=name
            )
            await self._reload(guild_id, slug)
        return added

    async def remove_question(self, guild_id: int, slug: str, question_id: str) -> bool:
        async with self._lock:
            removed = await store.delete_question(self.db, guild_id, slug, question_id)
            if removed:
                await self._reload(guild_id, slug)
        return removed

    async def remove_bank(self, guild_id: int, slug: str) -> bool:
        async with self._lock:
            removed = await store.delete_bank(self.db, guild_id, slug)
            self.library.drop(store.bank_key(guild_id, slug))
        return removed

    async def _reload(self, guild_id: int, slug: str) -> None:
        stored = await store.server_bank(self.db, guild_id, slug)
        if stored is None:
            self.library.drop(store.bank_key(guild_id, slug))
        else:
            await self._serve(stored.bank())

    def find(self, guild_id: int, question_id: str) -> tuple[Bank, Question] | None:
        """A question of one of the server's own banks, by id."""
        for bank in self.library.visible(guild_id):
            if bank.owner == guild_id and (found := bank.get(question_id)) is not None:
                return bank, found
        return None

    @staticmethod
    def with_id(question: Question, question_id: str) -> Question:
        return dataclasses.replace(question, id=question_id)
