"""From raw parsed entries to clean questions: duplicates merged, answers cleaned, limits checked.

Every loader produces :class:`RawQuestion` entries and hands them to :func:`build_questions`, so
the cleaning rules are the same for every format.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from bot.bank import cloze
from bot.bank.answer import Unit, dedupe_units, render_units
from bot.bank.model import Difficulty, Question, question_id_of_keys
from bot.bank.text import content_key, plain, prompt_key, shorten, strip_question_label

# Discord limits the question must fit in (see docs/banks.md): the prompt is an embed
# description next to the options, the answer a 4096-character embed description.
MAX_PROMPT_CHARS = 1000
MAX_ANSWER_CHARS = 4000
# Each choice is one button, and a Discord message holds at most 25 of them (5 rows of 5).
MAX_CHOICES = 25


@dataclass(slots=True)
class Problems:
    """Warnings and errors for one file, each as ``path:line: message``."""

    path: str
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def _at(self, line: int | None, message: str) -> str:
        return f"{self.path}:{line}: {message}" if line else f"{self.path}: {message}"

    def warn(self, line: int | None, message: str) -> None:
        self.warnings.append(self._at(line, message))

    def error(self, line: int | None, message: str) -> None:
        self.errors.append(self._at(line, message))


@dataclass(slots=True)
class RawQuestion:
    prompt: str
    line: int
    body: str = ""  # Markdown shown under the prompt: code, images, statements
    verbatim: bool = False  # the prompt is plain text, not Markdown (its ``__`` are blanks)
    answers: list[list[Unit]] = field(default_factory=list)
    topic: str | None = None
    difficulty: Difficulty | None = None
    choices: tuple[str, ...] | None = None
    correct: int | None = None
    aliases: tuple[str, ...] = ()
    rejects: tuple[str, ...] = ()
    id: str | None = None  # given by the bank (this bot's YAML): kept through prompt edits


_ASKS_EXPANSION = re.compile(
    r"\b(?:stands?|standing) for\b|\bshort for\b|\bacronym|\babbreviat|\bexpan|\bfull form"
    r"|\bmean",
    re.IGNORECASE,
)


def gives_away(prompt: str, aliases: tuple[str, ...]) -> list[str]:
    """The accepted answers that are an acronym the prompt writes ("What does GPU stand for?"
    accepting "GPU" or "G.P.U."): typing the question's own word back would score."""
    if not _ASKS_EXPANSION.search(prompt):
        return []  # "Which is faster, a GPU or a CPU?" may well accept "GPU"
    acronyms = {w.casefold() for w in re.findall(r"\w+", prompt) if sum(map(str.isupper, w)) > 1}
    return [a for a in aliases if re.sub(r"\W|_", "", a).casefold() in acronyms]


def _common_prefix(a: list[Unit], b: list[Unit]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x.key != y.key:
            break
        n += 1
    return n


def _resolve_variants(
    raw_variants: list[tuple[int, list[Unit]]], problems: Problems, label: str
) -> tuple[list[Unit], list[list[Unit]]]:
    """Pick the reference answer and the genuinely different alternatives.

    Two variants that start with the same blocks are copies of one answer: the more complete one
    is kept (a cut-short copy loses what only it had, with a warning). A variant that starts
    differently is an alternative explanation, without the blocks already said elsewhere.
    """
    versions: list[tuple[int, list[Unit]]] = []
    for line, units in raw_variants:
        units = dedupe_units(units)
        if not units:
            continue
        for n, (kept_line, kept) in enumerate(versions):
            prefix = _common_prefix(units, kept)
            if prefix and prefix * 2 >= min(len(units), len(kept)):
                longer, shorter = (units, kept) if len(units) > len(kept) else (kept, units)
                short_line = kept_line if longer is units else line
                keys = {u.key for u in longer}
                lost = [u for u in shorter if u.key not in keys]
                if lost:
                    problems.warn(
                        short_line,
                        f"{label}: kept the more complete copy of the answer; dropped "
                        f"{shorten(plain(lost[0].text), 60)!r}"
                        + (f" and {len(lost) - 1} more block(s)" if len(lost) > 1 else "")
                        + " from the shorter copy",
                    )
                versions[n] = (kept_line if longer is kept else line, longer)
                break
        else:
            versions.append((line, units))

    seen: set[str] = set()
    reference = dedupe_units(versions[0][1], seen) if versions else []
    alternatives = []
    for _, units in versions[1:]:
        rest = dedupe_units(units, seen)
        if any(u.kind != "heading" for u in rest):
            alternatives.append(rest)
    return reference, alternatives


@functools.lru_cache(maxsize=4096)  # prompts repeat ("What's the output?" above code)
def _normal_prompt(prompt: str) -> tuple[str, str]:
    """A Markdown prompt without its label and markup, and its :func:`prompt_key`."""
    prompt = plain(strip_question_label(plain(prompt)))
    return prompt, prompt_key(prompt)


def _clozes_well_formed(raw: RawQuestion, problems: Problems) -> bool:
    """Report each malformed ``{{c1::...}}`` of the prompt at its line; False if there is one."""
    found = cloze.errors(raw.prompt)
    for error in found:
        line = raw.line + raw.prompt.count("\n", 0, error.offset) if raw.line else None
        problems.error(line, f"question {shorten(plain(raw.prompt), 50)!r}: {error.message}")
    return not found


def _cloze_answer(prompt: str, explanation: str) -> str:
    """A cloze's reference answer: its text with the gaps filled in, then what the bank adds."""
    text = cloze.filled(prompt, bold=True)
    return f"{text}\n\n{explanation}" if explanation and explanation != text else text


def build_questions(raws: list[RawQuestion], problems: Problems) -> list[Question]:
    """Merge duplicates (same prompt once normalised), clean answers and check Discord limits."""
    groups: dict[str, list[RawQuestion]] = {}
    bodies: dict[str, set[str]] = {}
    keys: dict[str, tuple[str, str]] = {}  # group -> its first question's prompt and body keys
    for raw in raws:
        if not _clozes_well_formed(raw, problems):
            continue
        if raw.verbatim:
            prompt = " ".join(raw.prompt.split())
            key = prompt_key(prompt)
        else:
            prompt, key = _normal_prompt(raw.prompt)
        if not key:
            problems.warn(raw.line, "skipped a question with an empty prompt")
            continue
        raw.prompt = prompt
        body_key = content_key(raw.body) if raw.body else ""
        bodies.setdefault(key, set()).add(body_key)
        # Two questions with the same prompt and different bodies ("What's the output?" above
        # different code) are different questions.
        merge_key = f"{key}\n{body_key}" if body_key else key
        if merge_key in groups:
            first = groups[merge_key][0]
            problems.warn(
                raw.line,
                f"merged duplicate of the question at line {first.line}: {shorten(prompt, 60)!r}",
            )
        else:
            keys[merge_key] = (key, body_key)
        groups.setdefault(merge_key, []).append(raw)

    questions: list[Question] = []
    seen_ids: dict[str, int] = {}
    for group_key, group in groups.items():
        first = group[0]
        key, body_key = keys[group_key]
        label = f"question {shorten(first.prompt, 50)!r}"
        variants = [(raw.line, units) for raw in group for units in raw.answers]
        reference, alternatives = _resolve_variants(variants, problems, label)
        choices = next((r.choices for r in group if r.choices), None)
        correct = next((r.correct for r in group if r.choices), None)
        aliases = tuple(dict.fromkeys(a for r in group for a in r.aliases))
        rejects = tuple(dict.fromkeys(a for r in group for a in r.rejects))
        for alias in gives_away(first.prompt, aliases):
            problems.warn(
                first.line,
                f"{label} accepts {alias!r}, the acronym it asks about: typing the question's "
                "own acronym would score",
            )
        if not reference and not choices and not aliases and not cloze.is_cloze(first.prompt):
            problems.warn(first.line, f"skipped {label}: it has no answer")
            continue
        if len(first.prompt) > MAX_PROMPT_CHARS:
            problems.error(
                first.line,
                f"{label} is {len(first.prompt)} characters long; a question must fit in "
                f"{MAX_PROMPT_CHARS} to be posted on Discord",
            )
            continue
        if choices is not None and len(choices) > MAX_CHOICES:
            problems.error(
                first.line,
                f"{label} has {len(choices)} choices; a question can show at most "
                f"{MAX_CHOICES} (one button each on Discord)",
            )
            continue
        answer = render_units(reference) if reference else (aliases[0] if aliases else "")
        if cloze.is_cloze(first.prompt):
            answer = _cloze_answer(first.prompt, answer)
        if not answer and choices is not None and correct is not None:
            answer = choices[correct]
        if len(answer) > MAX_ANSWER_CHARS:
            problems.warn(
                first.line,
                f"the answer of {label} is {len(answer)} characters long; it will be shortened "
                f"to {MAX_ANSWER_CHARS} when shown on Discord",
            )
        qid = next((r.id for r in group if r.id), None) or question_id_of_keys(
            key, body_key if first.body and len(bodies[key]) > 1 else None
        )
        if qid in seen_ids:
            problems.error(
                first.line,
                f"{label} has the id {qid!r} of the question at line {seen_ids[qid]}: "
                "each question needs its own id",
            )
            continue
        seen_ids[qid] = first.line
        questions.append(
            Question(
                id=qid,
                prompt=first.prompt,
                body=first.body,
                answer=answer,
                alternatives=tuple(render_units(a) for a in alternatives),
                topic=next((r.topic for r in group if r.topic), None),
                difficulty=next((r.difficulty for r in group if r.difficulty), None),
                choices=choices,
                correct=correct,
                aliases=aliases,
                rejects=rejects,
                source=f"{problems.path}:{first.line}",
            )
        )
    return questions
