"""Every bank shipped in data/banks loads through the real loader without errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bank import load_bank
from bot.bank.loader import BANK_SUFFIXES, BUNDLED_BANKS
from bot.items.maker import ItemMaker

BUNDLED = sorted(p for p in BUNDLED_BANKS.iterdir() if p.suffix in BANK_SUFFIXES)


def test_there_are_bundled_banks() -> None:
    assert BUNDLED


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.name)
def test_bundled_bank_loads_cleanly(path: Path) -> None:
    result = load_bank(path)
    assert result.errors == []
    assert result.bank is not None and result.bank.questions
    maker = ItemMaker(result.bank).prepare()
    for q in result.bank.questions:
        assert maker.item(q, 0) is not None, q.prompt
