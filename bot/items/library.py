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

    def find(self, question_id: str) -> Question | None:
        """A question by id in any loaded bank."""
        for bank in self.banks.values():
            found = bank.get(question_id)
            if found is not None:
                return found
        return None

    def default_key(self) -> str | None:
        return next(iter(self.banks), None)

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
