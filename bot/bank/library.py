"""The banks the bot serves, loaded once at start-up, with their multiple-choice makers."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from bot.bank.choices import ChoiceMaker, MultipleChoice
from bot.bank.loader import LoadResult, load_library
from bot.bank.model import Bank, Question

CACHE_SIZE = 4096


class BankLibrary:
    def __init__(self, banks: dict[str, Bank], results: list[LoadResult] | None = None) -> None:
        self.banks = banks
        self.results = results or []
        # Prepared now, at start-up: summarising a bank of 10,000 answers takes a second or two,
        # which must not fall on the event loop when the first member clicks.
        self._makers = {key: ChoiceMaker(bank).prepare() for key, bank in banks.items()}
        self._cache: OrderedDict[tuple[str, str, int], MultipleChoice | None] = OrderedDict()

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

    def choices(self, bank_key: str, question: Question, seed: int) -> MultipleChoice | None:
        """The options of ``question`` for ``seed`` (a post or quiz), remembered for the hot
        path: every click on a post asks for the same options again."""
        key = (bank_key, question.id, seed)
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        maker = self._makers.get(bank_key)
        result = maker.choices(question, seed) if maker else None
        self._cache[key] = result
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return result

    def askable(self, bank_key: str, question: Question) -> bool:
        """Whether ``question`` can be asked with buttons (explicit or derived options)."""
        maker = self._makers.get(bank_key)
        return maker is not None and maker.askable(question)

    def __len__(self) -> int:
        return len(self.banks)
