"""Structured bank formats: the bot's own YAML/JSON, Red-DiscordBot trivia lists, Open Trivia DB.

YAML is always read with a safe loader. Mappings remember the line they start on, so problems
are reported as ``path:line``.
"""

from __future__ import annotations

import html
import random
import re
from typing import Any

import yaml

from bot.bank.answer import parse_units
from bot.bank.build import Problems, RawQuestion
from bot.bank.model import parse_difficulty, question_id
from bot.bank.text import plain


class LineDict(dict[Any, Any]):
    """A YAML mapping that knows the line it starts on, the line of each key and, for keys and
    values written as scalars, the text the author wrote (``No`` rather than ``False``)."""

    line: int | None = None
    key_lines: dict[Any, int]
    key_texts: dict[Any, str]
    value_texts: dict[Any, str]

    def line_of(self, key: object) -> int | None:
        return getattr(self, "key_lines", {}).get(key, self.line)


class SourceList(list[Any]):
    """A YAML sequence that keeps, for each scalar item, its source text (``None`` otherwise)."""

    texts: list[str | None]


# libyaml's parser when PyYAML was built with it (the usual wheels are): several times faster.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Any:
    data = LineDict()
    data.line = node.start_mark.line + 1
    yield data
    data.update(loader.construct_mapping(node))
    data.key_lines = {}
    data.key_texts = {}
    data.value_texts = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node)
        if isinstance(key, str | int | float | bool):
            data.key_lines[key] = key_node.start_mark.line + 1
            if isinstance(key_node, yaml.ScalarNode):
                data.key_texts[key] = key_node.value
            if isinstance(value_node, yaml.ScalarNode):
                data.value_texts[key] = value_node.value


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> Any:
    data = SourceList()
    data.texts = [n.value if isinstance(n, yaml.ScalarNode) else None for n in node.value]
    yield data
    data.extend(loader.construct_sequence(node))


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)

# Python refuses to turn more than this many digits into an int (sys.get_int_max_str_digits).
MAX_INT_DIGITS = 4300


def int_or_text(digits: str) -> int | str:
    """A number as written in a bank: an int, or the text itself when it is too long for one."""
    return int(digits) if len(digits.lstrip("+-")) <= MAX_INT_DIGITS else digits


def _construct_int(loader: _LineLoader, node: yaml.ScalarNode) -> Any:
    value = loader.construct_scalar(node)
    return loader.construct_yaml_int(node) if len(value) <= MAX_INT_DIGITS else value


def _construct_text(loader: _LineLoader, node: yaml.ScalarNode) -> Any:
    return loader.construct_scalar(node)  # a bank holds text: a date is kept as written


_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)


# A bank is a few levels deep (questions, a question, its choices); 32 is far more than any
# format needs and keeps parsers and everything reading the data well away from recursion limits.
MAX_NESTING = 32
# Values in a YAML document once its aliases are expanded. A 5 MiB bank holds about 300,000; a
# "billion laughs" of 400 bytes holds 387 million and takes gigabytes to turn into text.
MAX_YAML_VALUES = 1_000_000


class ShapeError(ValueError):
    """Data too deep or too large once expanded to be a bank; ``line`` is where it shows."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _too_deep(line: int | None) -> ShapeError:
    return ShapeError(
        line, f"the data is nested more than {MAX_NESTING} levels deep; a bank needs a few"
    )


def _check_yaml_shape(text: str) -> None:
    """Refuse, from the event stream and before anything is built, YAML nested too deeply or
    whose aliases expand to too many values. Linear in the file's size."""
    expanded = 0
    sizes: dict[str, int] = {}  # anchor -> values it stands for
    open_at: list[tuple[str | None, int]] = []  # anchor and ``expanded`` where each opened
    for event in yaml.parse(text, Loader=_SafeLoader):
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.CollectionStartEvent):
            if len(open_at) >= MAX_NESTING:
                raise _too_deep(line)
            open_at.append((event.anchor, expanded))
            expanded += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, start = open_at.pop()
            if anchor is not None:
                sizes[anchor] = expanded - start
        elif isinstance(event, yaml.ScalarEvent):
            expanded += 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            expanded += sizes.get(event.anchor or "", 1)
        if expanded > MAX_YAML_VALUES:
            raise ShapeError(
                line,
                f"YAML aliases expand to more than {MAX_YAML_VALUES:,} values; "
                "write the values out instead of repeating anchors",
            )


def load_yaml(text: str) -> Any:
    """Parse YAML safely; raises ``yaml.YAMLError`` (with a mark) on invalid input and
    :class:`ShapeError` on YAML nested too deeply or with aliases that expand too much."""
    _check_yaml_shape(text)
    return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader


_JSON_STRING = re.compile(r'"(?:[^"\\\n]++|\\.)*+"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def check_json_shape(text: str) -> None:
    """Raise :class:`ShapeError` when ``text`` nests arrays and objects more than MAX_NESTING
    deep (Python's parser would recurse until it fails). Strings are skipped; linear time."""
    bare = _JSON_STRING.sub("0", text)
    depth = 0
    for n, char in enumerate(_NOT_BRACKET.sub("", bare)):
        depth += 1 if char in "[{" else -1
        if depth > MAX_NESTING:
            at = next(m for k, m in enumerate(re.finditer(r"[\[\]{}]", bare)) if k == n)
            raise _too_deep(bare.count("\n", 0, at.start()) + 1)


def _line(data: object) -> int | None:
    return data.line if isinstance(data, LineDict) else None


def _answer_units(text: str) -> list[list[Any]]:
    return [parse_units(text.strip().split("\n"))] if text.strip() else []


def _str_list(value: object) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(v, str | int | float | bool) for v in value):
        return [str(v) for v in value]
    return None


# --- the bot's own format ----------------------------------------------------------------------


def _topic(value: object, where: int | None, label: str, problems: Problems) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        problems.warn(where, f"{label}: 'topic' must be text; ignored")
        return None
    return str(value)


QUESTION_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")


def is_native(data: object) -> bool:
    return isinstance(data, dict) and isinstance(data.get("questions"), list)


def _native_correct(entry: dict[Any, Any], choices: list[str]) -> int | None:
    correct = entry.get("correct")
    if isinstance(correct, bool):
        return None
    if isinstance(correct, int) and 0 <= correct < len(choices):
        return correct
    if isinstance(correct, str) and correct in choices:
        return choices.index(correct)
    return None


def read_native(data: dict[Any, Any], problems: Problems) -> tuple[str | None, list[RawQuestion]]:
    """The bot's own format; see docs/banks.md."""
    name = data.get("name")
    raws: list[RawQuestion] = []
    for n, entry in enumerate(data["questions"], start=1):
        where = _line(entry)
        label = f"question {n}"
        if not isinstance(entry, dict):
            problems.error(where, f"{label}: expected a mapping with at least 'prompt'")
            continue
        where = _line(entry)
        prompt = entry.get("prompt", entry.get("question"))
        if not isinstance(prompt, str) or not prompt.strip():
            problems.error(where, f"{label}: 'prompt' is missing or not text")
            continue
        given_id = entry.get("id")
        if given_id is not None and not (
            isinstance(given_id, str | int) and QUESTION_ID.fullmatch(str(given_id))
        ):
            problems.error(
                where,
                f"{label}: 'id' must be 1-40 letters, digits, '-' or '_' (the bot writes it "
                "when it exports a bank; leave it out for a new question)",
            )
            continue
        body = entry.get("body", "")
        if not isinstance(body, str):
            problems.error(where, f"{label}: 'body' must be text")
            continue
        answer = entry.get("answer", "")
        kind = str(entry.get("type", "")).strip().lower().replace("-", "_")
        choices: list[str] | None = None
        correct: int | None = None
        if kind in ("true_false", "truefalse", "boolean"):
            truth = entry.get("correct", entry.get("answer"))
            if not isinstance(truth, bool):
                problems.error(where, f"{label}: a true_false question needs 'correct: true|false'")
                continue
            choices, correct = ["True", "False"], 0 if truth else 1
            answer = entry.get("explanation", "True" if truth else "False")
        elif "choices" in entry:
            choices = _str_list(entry["choices"])
            if not choices or len(choices) < 2:
                problems.error(where, f"{label}: 'choices' must be a list of at least 2 texts")
                continue
            correct = _native_correct(entry, choices)
            if correct is None:
                problems.error(
                    where,
                    f"{label}: 'correct' must be the index (0-{len(choices) - 1}) "
                    "or the text of one of the choices",
                )
                continue
        if isinstance(answer, bool | int | float):
            answer = str(answer)
        if not isinstance(answer, str):
            problems.error(where, f"{label}: 'answer' must be text")
            continue
        aliases = _str_list(entry.get("aliases", entry.get("accept")))
        alternatives = _str_list(entry.get("alternatives"))
        rejects = _str_list(entry.get("reject", entry.get("rejects")))
        if aliases is None or alternatives is None or rejects is None:
            problems.error(
                where, f"{label}: 'aliases', 'alternatives' and 'reject' must be lists of text"
            )
            continue
        if kind in ("short", "short_answer") and not aliases:
            aliases = [answer.strip()] if answer.strip() else []
        if not answer.strip() and not choices and not aliases and "{{c" not in prompt:
            problems.error(where, f"{label}: needs an 'answer', 'choices' or 'aliases'")
            continue
        raws.append(
            RawQuestion(
                prompt=prompt,
                line=where or 0,
                body=body.strip("\n"),
                id=str(given_id) if given_id is not None else None,
                answers=_answer_units(answer) + [parse_units(a.split("\n")) for a in alternatives],
                topic=_topic(entry.get("topic"), where, label, problems),
                difficulty=parse_difficulty(entry.get("difficulty")),
                choices=tuple(choices) if choices else None,
                correct=correct,
                aliases=tuple(aliases),
                rejects=tuple(rejects),
            )
        )
        if entry.get("difficulty") and raws[-1].difficulty is None:
            problems.warn(where, f"{label}: unknown difficulty {entry['difficulty']!r} ignored")
    return (str(name) if name else None), raws


# --- Red-DiscordBot trivia lists ---------------------------------------------------------------

RED_META_KEYS = ("AUTHOR", "DESCRIPTION", "CONFIG")


def is_red(data: object) -> bool:
    return isinstance(data, dict) and not is_native(data)


def _source_texts(answers: object, scalar_text: str | None) -> object:
    """The answers as the author wrote them: YAML 1.1 reads ``- No`` as ``False`` and ``- 1.50``
    as ``1.5``, but Red accepts the words written, so each scalar's source text is used."""
    if scalar_text and not isinstance(answers, list | dict):
        return [scalar_text]
    if isinstance(answers, SourceList) and all(answers.texts):
        return list(answers.texts)
    return answers


def read_red(data: dict[Any, Any], problems: Problems) -> list[RawQuestion]:
    """``question: [answer, ...]``: the first answer is the reference, all are accepted.

    Every answer (and question) is the exact text of its YAML scalar: ``- No`` stays ``No``,
    ``- 007`` stays ``007``, as Red-DiscordBot itself reads them.
    """
    raws: list[RawQuestion] = []
    key_texts = getattr(data, "key_texts", {})
    value_texts = getattr(data, "value_texts", {})
    for question, answers in data.items():
        if question in RED_META_KEYS:
            continue
        where = data.line_of(question) if isinstance(data, LineDict) else None
        prompt = key_texts.get(question, str(question))
        answers = _source_texts(answers, value_texts.get(question))
        if isinstance(answers, str | int | float) and not isinstance(answers, bool):
            answers = [answers]
        texts = _str_list(answers)
        if not texts:
            problems.error(where, f"{prompt[:60]!r}: expected a list of accepted answers")
            continue
        raws.append(
            RawQuestion(
                prompt=prompt,
                line=where or 0,
                answers=_answer_units(texts[0]),
                aliases=tuple(texts),
            )
        )
    return raws


# --- Open Trivia DB ------------------------------------------------------------------------------


def is_opentdb(data: object) -> bool:
    return isinstance(data, dict) and isinstance(data.get("results"), list)


def read_opentdb(data: dict[Any, Any], problems: Problems) -> list[RawQuestion]:
    """Open Trivia DB API JSON; HTML entities decoded, choices in a fixed per-question order."""
    code = data.get("response_code", 0)
    if code != 0:
        problems.error(None, f"Open Trivia DB response_code is {code}: the file has no results")
        return []
    raws: list[RawQuestion] = []
    for n, entry in enumerate(data["results"], start=1):
        label = f"result {n}"
        if not isinstance(entry, dict):
            problems.error(None, f"{label}: expected an object")
            continue
        question = entry.get("question")
        right = entry.get("correct_answer")
        wrong = _str_list(entry.get("incorrect_answers"))
        if not isinstance(question, str) or not isinstance(right, str) or not wrong:
            problems.error(
                None, f"{label}: needs 'question', 'correct_answer' and 'incorrect_answers'"
            )
            continue
        prompt = html.unescape(question)
        right = html.unescape(right)
        wrong = [html.unescape(w) for w in wrong]
        if entry.get("type") == "boolean":
            choices = ["True", "False"]
            correct = 0 if right.strip().lower() == "true" else 1
        else:
            choices = [right, *wrong]
            random.Random(question_id(prompt)).shuffle(choices)  # noqa: S311 - not security
            correct = choices.index(right)
        category = entry.get("category")
        raws.append(
            RawQuestion(
                prompt=prompt,
                line=0,
                answers=_answer_units(right),
                topic=plain(html.unescape(category)) if isinstance(category, str) else None,
                difficulty=parse_difficulty(entry.get("difficulty")),
                choices=tuple(choices),
                correct=correct,
            )
        )
    return raws
