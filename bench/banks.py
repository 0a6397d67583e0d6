"""Scenario 5: how fast banks of 10,000 questions load (Markdown and YAML)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.common import Report, median
from bench.data import markdown_bank, yaml_bank
from bot.bank import load_bank

COUNT = 10_000
ROUNDS = 3


def run(report: Report, count: int = COUNT) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, make in (("Markdown", markdown_bank), ("YAML", yaml_bank)):
            path = make(Path(folder) / f"bank.{'md' if name == 'Markdown' else 'yaml'}", count)
            rates = []
            for _ in range(ROUNDS):
                start = time.perf_counter()
                result = load_bank(path)
                elapsed = time.perf_counter() - start
                assert result.bank is not None and not result.errors, result.errors[:3]
                rates.append(len(result.bank.questions) / elapsed)
            loaded = len(result.bank.questions)
            report.add(f"{name} bank of {loaded} questions: questions/s", f"{median(rates):,.0f}")


if __name__ == "__main__":
    run(Report("bank loading"))
