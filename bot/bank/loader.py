"""Read bank files of any supported format; never raises on bad input, reports it instead."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.bank.anki import is_anki, is_tab_separated, read_anki
from bot.bank.build import Problems, RawQuestion, build_questions
from bot.bank.csvbank import has_header_row, read_csv
from bot.bank.markdown import parse_markdown
from bot.bank.model import Bank
from bot.bank.opentriviaqa import is_opentriviaqa, read_jsonl, read_opentriviaqa
from bot.bank.plaintext import is_plaintext, read_plaintext
from bot.bank.rst import read_rst
from bot.bank.structured import (
    ShapeError,
    check_json_shape,
    int_or_text,
    is_native,
    is_opentdb,
    is_red,
    load_yaml,
    read_native,
    read_opentdb,
    read_red,
)

log = logging.getLogger(__name__)

MAX_BANK_BYTES = 5 * 1024 * 1024
MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt")
YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)
CSV_SUFFIXES = (".csv",)
ANKI_SUFFIXES = (".tsv",)  # and .txt files that start with Anki's "#separator:" or "#html:"
JSONL_SUFFIXES = (".jsonl",)
RST_SUFFIXES = (".rst", ".rest")
BANK_SUFFIXES = (
    MARKDOWN_SUFFIXES
    + YAML_SUFFIXES
    + JSON_SUFFIXES
    + CSV_SUFFIXES
    + ANKI_SUFFIXES
    + JSONL_SUFFIXES
    + RST_SUFFIXES
)
# What `bank check` calls each format (LoadResult.format is the key).
FORMAT_NAMES = {
    "markdown": "Markdown Q&A",
    "native": "this bot's YAML/JSON",
    "red": "Red-DiscordBot trivia list",
    "opentdb": "Open Trivia DB",
    "csv": "CSV",
    "anki": "Anki text export",
    "plaintext": "plain-text Q&A",
    "opentriviaqa": "OpenTriviaQA text",
    "jsonl": "JSON Lines",
    "rst": "reStructuredText",
}

BUNDLED_BANKS = Path(__file__).resolve().parents[2] / "data" / "banks"


@dataclass(slots=True)
class LoadResult:
    path: str
    format: str | None = None
    bank: Bank | None = None
    shape: str | None = None  # Markdown: the question pattern found ("level-3 headings")
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "format": self.format,
            "shape": self.shape,
            "name": self.bank.name if self.bank else None,
            "questions": len(self.bank.questions) if self.bank else 0,
            "warnings": self.warnings,
            "errors": self.errors,
        }


def _decode(raw: bytes, problems: Problems) -> str | None:
    if not raw.strip():
        problems.error(None, "the file is empty")
        return None
    if b"\x00" in raw:
        problems.error(None, "this is a binary file, not a question bank (expected UTF-8 text)")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.error(line, "the file is not UTF-8 text; save it as UTF-8 and try again")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _parse_data(text: str, suffix: str, problems: Problems) -> object:
    try:
        if suffix in JSON_SUFFIXES:
            check_json_shape(text)
            return json.loads(text, parse_int=int_or_text)
        return load_yaml(text)
    except ShapeError as exc:
        problems.error(exc.line, exc.message)
        return None
    except json.JSONDecodeError as exc:
        problems.error(exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})")
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        problems.error(mark.line + 1 if mark else None, f"invalid YAML: {problem}")
        return None


def load_bank(path: Path) -> LoadResult:
    """Load one bank file. Problems are collected in the result; nothing is raised.

    A mistake of a reader on some unforeseen input is logged with its traceback and reported as
    the file's one error: one bad file never stops the bot or the other banks.
    """
    try:
        return _load_bank(path)
    except Exception as exc:  # contained: see above
        log.exception("bank: %s: reading the file failed", path)
        return LoadResult(
            path=str(path),
            errors=[
                f"{path}: the bot could not read this file ({type(exc).__name__}: "
                f"{str(exc)[:200]}); it was skipped"
            ],
        )


def _load_bank(path: Path) -> LoadResult:
    result = LoadResult(path=str(path))
    problems = Problems(str(path), result.warnings, result.errors)
    suffix = path.suffix.lower()
    if suffix not in BANK_SUFFIXES:
        problems.error(
            None,
            f"unknown bank format {suffix or '(no extension)'!r}: "
            "use .md (Markdown Q&A), .rst, .yaml/.yml, .json, .jsonl, .csv, .txt or .tsv",
        )
        return result
    try:
        size = path.stat().st_size
        if size > MAX_BANK_BYTES:
            problems.error(
                None,
                f"the file is {size / 1024 / 1024:.1f} MiB; banks are limited to "
                f"{MAX_BANK_BYTES // 1024 // 1024} MiB (split it into several files)",
            )
            return result
        raw = path.read_bytes()
    except OSError as exc:
        problems.error(None, f"cannot read the file: {exc.strerror or exc}")
        return result
    return _read_bank(path, raw, result, problems)


def load_bank_bytes(filename: str, raw: bytes) -> LoadResult:
    """Read a bank sent as a file (an upload): the format comes from ``filename``'s extension and
    every problem names ``filename`` and the line, as for a file on disk. Never raises."""
    path = Path(Path(filename).name or "bank")
    result = LoadResult(path=path.name)
    problems = Problems(path.name, result.warnings, result.errors)
    if path.suffix.lower() not in BANK_SUFFIXES:
        problems.error(
            None,
            f"unknown bank format {path.suffix.lower() or '(no extension)'!r}: "
            "use .md (Markdown Q&A), .rst, .yaml/.yml, .json, .jsonl, .csv, .txt or .tsv",
        )
        return result
    try:
        return _read_bank(path, raw, result, problems)
    except Exception as exc:  # contained, as in load_bank
        log.exception("bank: %s: reading an uploaded file failed", path.name)
        problems.error(
            None, f"the bot could not read this file ({type(exc).__name__}); it was not loaded"
        )
        result.bank = None
        return result


def _read_bank(path: Path, raw: bytes, result: LoadResult, problems: Problems) -> LoadResult:
    suffix = path.suffix.lower()
    text = _decode(raw, problems)
    if text is None:
        return result

    name: str | None = None
    raws: list[RawQuestion]
    if suffix in CSV_SUFFIXES or (suffix in ANKI_SUFFIXES and has_header_row(text, "\t")):
        result.format = "csv"
        raws = read_csv(text, problems)
    elif suffix in ANKI_SUFFIXES or (suffix == ".txt" and is_anki(text)):
        result.format = "anki"
        name, raws = read_anki(text, suffix in ANKI_SUFFIXES, problems)
    elif suffix == ".txt" and is_opentriviaqa(text):
        result.format = "opentriviaqa"
        raws = read_opentriviaqa(text, problems)
    elif suffix in JSONL_SUFFIXES:
        result.format = "jsonl"
        raws = read_jsonl(text, problems)
    elif suffix == ".txt" and is_tab_separated(text):
        result.format = "anki"
        # Anki's older format has no headers; a line starting with "#" is a comment
        comments = "\n".join("" if line.startswith("#") else line for line in text.split("\n"))
        name, raws = read_anki(comments, True, problems)
    elif suffix == ".txt" and is_plaintext(text):
        result.format = "plaintext"
        raws = read_plaintext(text, problems)
    elif suffix in RST_SUFFIXES:
        result.format = "rst"
        name, raws, result.shape = read_rst(text, problems)
    elif suffix in MARKDOWN_SUFFIXES:
        result.format = "markdown"
        name, raws, result.shape = parse_markdown(text, problems)
    else:
        data = _parse_data(text, suffix, problems)
        if data is None:
            return result
        if is_opentdb(data) and isinstance(data, dict):
            result.format = "opentdb"
            raws = read_opentdb(data, problems)
        elif is_native(data) and isinstance(data, dict):
            result.format = "native"
            name, raws = read_native(data, problems)
        elif is_red(data) and isinstance(data, dict) and suffix in YAML_SUFFIXES:
            result.format = "red"
            raws = read_red(data, problems)
        else:
            problems.error(
                None,
                "unknown bank format: expected a 'questions:' list (this bot's format), "
                "'question: [answers]' entries (a Red trivia list) or Open Trivia DB "
                "'results' (see docs/banks.md)",
            )
            return result
    questions = build_questions(raws, problems)
    if not questions and not result.errors:
        problems.error(None, "no questions found in this file")
    result.bank = Bank(key=path.stem.lower(), name=name or path.stem, questions=questions)
    return result


def find_bank_files(paths: Iterable[Path]) -> list[Path]:
    """Bank files among ``paths``: files as given, folders searched (not recursively)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            )
        else:
            found.append(path)
    return found


def load_library(folders: Iterable[Path]) -> tuple[dict[str, Bank], list[LoadResult]]:
    """Load every bank in ``folders``; a broken file is logged and skipped, the rest load.

    Returns the banks by key (file stem; the first of two files with the same stem wins) and
    every file's result.
    """
    banks: dict[str, Bank] = {}
    results = []
    for path in find_bank_files(folders):
        if path.suffix.lower() not in BANK_SUFFIXES:
            continue
        result = load_bank(path)
        results.append(result)
        for message in result.errors:
            log.error("bank: %s", message)
        for message in result.warnings:
            log.info("bank: %s", message)
        if result.bank and result.bank.questions:
            if result.bank.key in banks:
                log.warning("bank: %s: a bank named %r is already loaded", path, result.bank.key)
                continue
            banks[result.bank.key] = result.bank
    return banks, results
