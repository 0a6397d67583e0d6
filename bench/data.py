"""Synthetic banks for the benchmarks: many distinct questions with varied answers."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

WORDS = (
    "model data token layer weight gradient loss prompt vector matrix attention encoder decoder "
    "sample noise latent batch epoch bias variance feature label cluster kernel graph node edge "
    "signal entropy memory cache index query answer context window output input rate decay"
).split()


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def markdown_bank(path: Path, count: int, seed: int = 1) -> Path:
    rng = random.Random(seed)
    lines = [f"# Synthetic bank of {count} questions", ""]
    q = 0
    for level in ("Basic", "Intermediate", "Advanced"):
        lines += [f"## {level}", ""]
        for n in range(count // 3 + (1 if level == "Basic" else 0) * (count % 3)):
            q += 1
            lines.append(f"**Q{q}: What does term {q} ({rng.choice(WORDS)}) mean?**")
            if n % 2:
                lines.append(f"**A:** {_sentence(rng, 14)} {_sentence(rng, 10)}")
            else:
                lines.append("**A:**")
                lines += [
                    f"*   **{rng.choice(WORDS).title()} {k}:** {_sentence(rng, 8)}"
                    for k in range(4)
                ]
            lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def yaml_bank(path: Path, count: int, seed: int = 2) -> Path:
    rng = random.Random(seed)
    questions = [
        {
            "prompt": f"Question {n}: which {rng.choice(WORDS)} fits case {n}?",
            "answer": _sentence(rng, 16),
            "topic": rng.choice(WORDS).title(),
            "difficulty": rng.choice(["easy", "medium", "hard"]),
        }
        for n in range(count)
    ]
    path.write_text(yaml.safe_dump({"name": "Synthetic", "questions": questions}), encoding="utf-8")
    return path
