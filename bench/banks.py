"""Scenario 5: how fast banks of 10,000 questions load (Markdown and YAML), and what the
multiple choice of one question costs in such a bank (every post and quiz question asks)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.common import Report, median, percentile
from bench.data import markdown_bank, yaml_bank
from bot.bank import Bank, load_bank
from bot.bank.choices import ChoiceMaker

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
            _choices(report, name, result.bank)


def _choices(report: Report, name: str, bank: Bank) -> None:
    start = time.perf_counter()
    maker = ChoiceMaker(bank).prepare()
    report.add(
        f"{name} bank: answers summarised at start-up", f"{time.perf_counter() - start:.1f} s"
    )
    sample = bank.questions[:: max(1, len(bank.questions) // 500)]
    timings = []
    for n, question in enumerate(sample):
        start = time.perf_counter()
        maker.choices(question, seed=n)
        timings.append(time.perf_counter() - start)
    report.add(
        f"{name} bank: options of one question p50 / p99",
        f"{median(timings) * 1000:.2f} / {percentile(timings, 99) * 1000:.2f} ms",
    )


if __name__ == "__main__":
    run(Report("bank loading"))
