"""The banks the bot serves, loaded once at start-up, each with the maker of its items."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from bot.bank.loader import LoadResult, load_library
from bot.bank.model import Bank, Question
from bot.items.maker import ALL_KINDS, ItemMaker
from bot.items.model import Item, Kind

CACHE_SIZE = 4096


class BankLibrary:
    def __init__(self, banks: dict[str, Bank], results: list[LoadResult] | None = None) -> None:
        self.banks = banks
        self.results = results or []
        # Prepared now, at start-up: summarising a bank of 10,000 answers takes a second or two,
        # which must not fall on the event loop when the first member clicks.
        self._makers = {key: ItemMaker(bank).prepare() for key, bank in banks.items()}
        self._cache: OrderedDict[tuple[str, str, int, frozenset[Kind]], Item | None] = OrderedDict()
        self._askable: dict[tuple[str, str, frozenset[Kind]], bool] = {}

    @classmethod
    def load(cls, folders: Iterable[Path]) -> BankLibrary:
        banks, results = load_library(folders)
        return cls(banks, results)

    def get(self, key: str) -> Bank | None:
        return self.banks.get(key)

    # --- a server's own banks beside the shared ones ----------
    @staticmethod
    def prepare(bank: Bank) -> ItemMaker:
        """The maker of ``bank``'s items, prepared (seconds for a large bank: call it off the
        event loop, then :meth:`put`)."""
        return ItemMaker(bank).prepare()

    def put(self, bank: Bank, maker: ItemMaker) -> None:
        """Serve ``bank`` (a new one, or a new version of one) from now on."""
        self.banks[bank.key] = bank
        self._makers[bank.key] = maker
        self._forget(bank.key)

    def drop(self, key: str) -> None:
        self.banks.pop(key, None)
        self._makers.pop(key, None)
        self._forget(key)

    def _forget(self, key: str) -> None:
        for cached in [k for k in self._cache if k[0] == key]:
            del self._cache[cached]
        for known in [k for k in self._askable if k[0] == key]:
            del self._askable[known]

    def visible(self, guild_id: int | None) -> list[Bank]:
        """The banks a server may use: the shared ones, then its own."""
        shared = [b for b in self.banks.values() if b.owner is None]
        own = [b for b in self.banks.values() if guild_id is not None and b.owner == guild_id]
        return shared + own

    def may_use(self, guild_id: int | None, key: str) -> bool:
        found = self.banks.get(key)
        return found is not None and found.owner in (None, guild_id)

    def names(self, guild_id: int | None) -> str:
        """The banks a server may use, for a message: "a, b and c" (or "none")."""
        return ", ".join(b.name for b in self.visible(guild_id)) or "none"

    def choose(self, guild_id: int | None, text: str | None) -> Bank | None:
        """The bank a member named (its key, as autocomplete sends it, or its name, as typed),
        among those the server may use; with no name, the default one (the first shared bank,
        else the server's first)."""
        if text is None:
            return next(iter(self.visible(guild_id)), None)
        if self.may_use(guild_id, text):
            return self.banks[text]
        wanted = text.strip().casefold()
        for bank in reversed(self.visible(guild_id)):  # the server's own first
            if wanted in (bank.name.casefold(), bank.key.rpartition(":")[2].casefold()):
                return bank
        return None

    def find(self, question_id: str) -> Question | None:
        """A question by id in any loaded bank."""
        for bank in self.banks.values():
            found = bank.get(question_id)
            if found is not None:
                return found
        return None

    def item(
        self,
        bank_key: str,
        question: Question,
        seed: int,
        kinds: frozenset[Kind] = ALL_KINDS,
    ) -> Item | None:
        """The item ``question`` is asked as for ``seed`` (a post or quiz) among ``kinds``,
        remembered for the hot path: every click on a post asks for the same item again."""
        key = (bank_key, question.id, seed, kinds)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        maker = self._makers.get(bank_key)
        result = maker.item(question, seed, kinds) if maker else None
        self._cache[key] = result
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return result

    def askable(
        self, bank_key: str, question: Question, kinds: frozenset[Kind] = ALL_KINDS
    ) -> bool:
        """Whether ``question`` can be asked as one of ``kinds`` (remembered: a status or a
        draw asks it of every question of a bank)."""
        key = (bank_key, question.id, kinds)
        found = self._askable.get(key)
        if found is None:
            maker = self._makers.get(bank_key)
            found = self._askable[key] = maker is not None and maker.askable(question, kinds)
        return found

    def maker(self, bank_key: str) -> ItemMaker | None:
        return self._makers.get(bank_key)

    def __len__(self) -> int:
        return len(self.banks)
