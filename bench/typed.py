"""Typed answers: how often the matcher agrees with a fair human grader.

``tests/study/probes/typed-answers.yaml`` holds learner inputs for the bundled ml-acronyms bank,
each with the verdict of a grader who had not read the matcher. Every probe is judged against
its question's accepted answers and near misses, as a quiz does; the figures are the false
accepts (of the probes a grader refuses) and the false rejects (of those a grader accepts).
Runs in a fraction of a second.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bench.common import ROOT, Report
from bot.bank import load_bank
from bot.bank.model import Bank
from bot.study.matching import Answers, judge_with

PROBES = ROOT / "tests" / "study" / "probes" / "typed-answers.yaml"
# Later sets, each written by a grader who saw neither the matcher nor the earlier sets. A set's
# first measure is the honest one; once its misses have been read to improve the matcher, the
# next set is the one to trust (tests/study/heldout/README.md keeps the history).
HELD_OUT_SETS = tuple(
    ROOT / "tests" / "study" / "heldout" / name
    for name in ("typed-answers.yaml", "typed-answers-2.yaml", "typed-answers-3.yaml")
)
HELD_OUT = HELD_OUT_SETS[0]
FRESH = HELD_OUT_SETS[-1]  # measured once the matcher had stopped changing
BANK = ROOT / "data" / "banks" / "ml-acronyms.yaml"
MAX_FALSE_ACCEPTS = 0.03
MAX_FALSE_REJECTS = 0.10


@dataclass
class Tally:
    accepts: int = 0  # probes a grader accepts
    rejects: int = 0  # probes a grader refuses
    false_accepts: list[dict[str, object]] = field(default_factory=list)
    false_rejects: list[dict[str, object]] = field(default_factory=list)

    @property
    def false_accept_rate(self) -> float:
        return len(self.false_accepts) / self.rejects if self.rejects else 0.0

    @property
    def false_reject_rate(self) -> float:
        return len(self.false_rejects) / self.accepts if self.accepts else 0.0

    def misses_by_category(self) -> Counter[str]:
        return Counter(str(p.get("category", "?")) for p in self.false_accepts + self.false_rejects)

    def summary(self) -> str:
        return (
            f"false accepts {len(self.false_accepts)}/{self.rejects} "
            f"({self.false_accept_rate:.1%}), false rejects {len(self.false_rejects)}/"
            f"{self.accepts} ({self.false_reject_rate:.1%})"
        )


def load_probes(path: Path = PROBES) -> list[dict[str, object]]:
    probes = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(probes, list)
    return probes


def load_acronyms(path: Path = BANK) -> Bank:
    result = load_bank(path)
    assert result.bank is not None, result.errors
    return result.bank


def grade(probes: list[dict[str, object]], bank: Bank) -> Tally:
    """Judge every probe against its question in the bank, as the quiz judges a typed answer."""
    by_prompt = {q.prompt: q for q in bank.questions}
    answers: dict[str, Answers] = {}
    tally = Tally()
    for probe in probes:
        question = by_prompt[str(probe["question"])]
        if question.id not in answers:
            answers[question.id] = Answers.of(question.aliases, question.rejects, question.prompt)
        accepted = judge_with(str(probe["input"]), answers[question.id]).accepted
        if probe["accept"]:
            tally.accepts += 1
            if not accepted:
                tally.false_rejects.append(probe)
        else:
            tally.rejects += 1
            if accepted:
                tally.false_accepts.append(probe)
    return tally


def run(report: Report) -> None:
    bank = load_acronyms()
    sets = [("probes the matcher was tuned on", PROBES)]
    sets += [(f"held-out set {n}", path) for n, path in enumerate(HELD_OUT_SETS, start=1)]
    for label, path in sets:
        probes = load_probes(path)
        start = time.perf_counter()
        tally = grade(probes, bank)
        elapsed = time.perf_counter() - start
        report.add(
            f"{label}: false accepts (of {tally.rejects} wrong inputs)",
            f"{len(tally.false_accepts)} · {tally.false_accept_rate:.1%}",
            f"≤ {MAX_FALSE_ACCEPTS:.0%}",
            tally.false_accept_rate <= MAX_FALSE_ACCEPTS,
        )
        report.add(
            f"{label}: false rejects (of {tally.accepts} right inputs)",
            f"{len(tally.false_rejects)} · {tally.false_reject_rate:.1%}",
            f"≤ {MAX_FALSE_REJECTS:.0%}",
            tally.false_reject_rate <= MAX_FALSE_REJECTS,
        )
        report.add(f"{len(probes)} {label} judged in", f"{elapsed * 1000:.0f} ms")
        misses = tally.misses_by_category()
        report.note(
            f"{label}, misses by category: "
            + (", ".join(f"{c} {n}" for c, n in misses.most_common()) if misses else "none")
        )
        for probe in tally.false_accepts + tally.false_rejects:
            verdict = "accepted" if probe in tally.false_accepts else "refused"
            report.note(f"{verdict} {str(probe['input'])[:60]!r} ({probe['category']})")


if __name__ == "__main__":
    run(Report("typed answers"))
