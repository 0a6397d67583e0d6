"""OpenTriviaQA text files and JSON Lines files of question/answer objects.

OpenTriviaQA (``#Q`` question, ``^`` right answer, then lettered options)::

    #Q Greta Garbo was successfully treated for this disease.
    ^ Breast cancer
    A Tuberculosis
    B Breast cancer

The lines between ``#Q`` and ``^`` continue the question (some quote dialogue written ``A: ...``:
options only come after the ``^`` line). The right answer is the option whose text is the ``^``
text.
"""

from __future__ import annotations

import json
import re

from bot.bank.answer import parse_units
from bot.bank.build import Problems, RawQuestion

_OPTION = re.compile(r"^(?P<letter>[A-Z]) (?P<text>.*)$")


def is_opentriviaqa(text: str) -> bool:
    lines = text.split("\n", 400)[:400]
    questions = sum(line.startswith("#Q ") for line in lines)
    return questions >= 2 and sum(line.startswith("^ ") for line in lines) >= questions // 2


def read_opentriviaqa(text: str, problems: Problems) -> list[RawQuestion]:
    out: list[RawQuestion] = []
    lines = text.split("\n")
    n = 0
    while n < len(lines):
        if not lines[n].startswith("#Q"):
            if lines[n].strip() and not out:
                problems.warn(n + 1, "ignored text before the first '#Q' question")
            n += 1
            continue
        start = n
        prompt = [lines[n][2:].strip()]
        n += 1
        while n < len(lines) and not lines[n].startswith(("^", "#Q")):
            prompt.append(lines[n].rstrip())
            n += 1
        if n >= len(lines) or not lines[n].startswith("^"):
            problems.warn(start + 1, "skipped a '#Q' question without a '^' answer line")
            continue
        right = lines[n][1:].strip()
        n += 1
        options: list[str] = []
        while n < len(lines) and (m := _OPTION.match(lines[n].rstrip())):
            if ord(m.group("letter")) - ord("A") != len(options):
                break
            options.append(m.group("text").strip())
            n += 1
        question = "\n".join(p for p in prompt if p.strip())
        raw = RawQuestion(prompt=question, line=start + 1, verbatim=True)
        if right in options:
            raw.choices = tuple(options)
            raw.correct = options.index(right)
        elif options:
            problems.warn(
                start + 1, f"the answer {right!r} is none of the options; asked as an open question"
            )
        if right:
            raw.answers.append(parse_units([right]))
        out.append(raw)
    return out


def read_jsonl(text: str, problems: Problems) -> list[RawQuestion]:
    """JSON Lines: one ``{"question": ..., "answer": ...}`` object a line (``prompt`` and
    ``solution`` are read too)."""
    out: list[RawQuestion] = []
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.error(n, f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(item, dict):
            problems.error(n, "expected an object with 'question' and 'answer'")
            continue
        prompt = item.get("question", item.get("prompt"))
        answer = item.get("answer", item.get("solution"))
        if not isinstance(prompt, str) or not prompt.strip():
            problems.warn(n, "skipped a line without a 'question'")
            continue
        raw = RawQuestion(prompt=prompt, line=n, verbatim=True)
        if isinstance(answer, str | int | float) and str(answer).strip():
            raw.answers.append(parse_units(str(answer).split("\n")))
        out.append(raw)
    return out
