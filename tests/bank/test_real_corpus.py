"""Real published banks against the hand-counted truth in tests/bank/real/ (see its README)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.bank import Question, load_bank

REAL = Path(__file__).parent / "real"
TRUTHS = sorted(REAL.glob("*.truth.yaml"))
# Truth counts the file itself does not support (the truth files are not edited; see the
# report): file -> (pattern whose matches in the file are its questions, why).
DISPUTED_COUNTS = {
    "discordpy-faq.rst": (
        r"(?m)^\S.*\n~{3,}$",
        "the truth says 26 titles underlined with '~', but the file has 23 (every one answered)",
    ),
}
# Sample fragments of the truth files that the file itself does not support (the truth files are
# not edited; see the report): (file, line, fragment) -> why.
DISPUTED = {
    ("fe-handbook-css-questions.md", 363, "box-sizing"): (
        "'box-sizing' appears only under the next question (line 388), not in this answer"
    ),
}


def _file(truth: Path) -> Path:
    stem = truth.name.removesuffix(".truth.yaml")
    (path,) = [p for p in REAL.glob(stem + ".*") if not p.name.endswith(".truth.yaml")]
    return path


def _norm(text: str) -> str:
    return "".join(text.split()).casefold()


def _find(questions: list[Question], sample: dict[str, Any]) -> Question:
    want = _norm(sample["prompt"])
    found = [q for q in questions if _norm(q.prompt) == want]
    assert found, f"no question {sample['prompt']!r}"
    if len(found) == 1:
        return found[0]
    # several questions share the prompt ("What's the output?"): the one on the sample's line
    return min(found, key=lambda q: abs(int(q.source.rsplit(":", 1)[1]) - sample["line"]))


def _rst_to_markdown(fragment: str) -> str:
    """An answer fragment written in reStructuredText (``code``) as the bot shows it (`code`)."""
    return re.sub(r"``(.+?)``", r"`\1`", fragment)


@pytest.mark.parametrize("truth", TRUTHS, ids=str)
def test_count_and_samples(truth: Path) -> None:
    spec = yaml.safe_load(truth.read_text(encoding="utf-8"))
    path = _file(truth)
    result = load_bank(path)
    assert result.bank is not None, result.errors
    questions = result.bank.questions
    expected = spec["questions"]
    if path.name in DISPUTED_COUNTS:
        pattern, _why = DISPUTED_COUNTS[path.name]
        expected = len(re.findall(pattern, path.read_text(encoding="utf-8")))
        assert expected != spec["questions"]  # still disputed: otherwise drop the entry
    assert abs(len(questions) - expected) <= spec["tolerance"], len(questions)
    for sample in spec["samples"]:
        q = _find(questions, sample)
        shown = _norm(
            "\n".join([q.answer, q.body, *q.alternatives, *q.aliases, *(q.choices or ())])
        )
        for fragment in sample.get("answer_contains", []):
            if path.suffix == ".rst":
                fragment = _rst_to_markdown(str(fragment))
            if (_file(truth).name, sample["line"], fragment) in DISPUTED:
                assert _norm(str(fragment)) not in shown
                continue
            assert _norm(str(fragment)) in shown, (q.prompt, fragment)
        if "choices" in sample:
            correct = sample["correct"]
            if isinstance(correct, list):  # multi-select: an open question, marked ones answer
                assert q.choices is None
                for option in correct:
                    assert _norm(option) in _norm(q.answer), (q.prompt, option)
            else:
                assert q.choices is not None, q.prompt
                assert sorted(map(_norm, q.choices)) == sorted(
                    _norm(str(c)) for c in sample["choices"]
                )
                assert q.correct is not None
                assert _norm(q.choices[q.correct]) == _norm(str(correct))
        if "difficulty" in sample:
            want = {"expert": "hard"}.get(sample["difficulty"], sample["difficulty"])
            assert q.difficulty is not None and q.difficulty.value == want, q.prompt
        if "topic" in sample:
            assert q.topic is not None and _norm(q.topic) == _norm(sample["topic"]), q.topic
