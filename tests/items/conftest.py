from __future__ import annotations

from pathlib import Path

import pytest

from bot.bank import Bank, Question, load_bank
from bot.bank.loader import BUNDLED_BANKS
from bot.bank.model import question_id

SEED = BUNDLED_BANKS / "generative-ai-interview-questions.md"
REAL = Path(__file__).resolve().parents[1] / "bank" / "real"


def question(
    answer: str, prompt: str = "What are the main challenges in training GANs?"
) -> Question:
    return Question(id=question_id(prompt), prompt=prompt, answer=answer, source="test")


def load(path: Path) -> Bank:
    result = load_bank(path)
    assert result.bank is not None, result.errors
    return result.bank


@pytest.fixture(scope="session")
def seed() -> Bank:
    return load(SEED)


@pytest.fixture(scope="session")
def real_questions() -> list[Question]:
    """Every question of the real Markdown and reStructuredText banks (list answers among them)."""
    paths = sorted(REAL.glob("*.md")) + sorted(REAL.glob("*.rst"))
    paths = [p for p in paths if p.name != "README.md"]
    return [q for p in paths for q in load(p).questions]
