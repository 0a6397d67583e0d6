from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.bank import LoadResult, load_bank


@pytest.fixture
def load(tmp_path: Path) -> Callable[..., LoadResult]:
    """Write ``content`` to a file named ``name`` and load it through the real loader."""

    def _load(name: str, content: str | bytes) -> LoadResult:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
        return load_bank(path)

    return _load
