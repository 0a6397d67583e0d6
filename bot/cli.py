"""Command line: ``python -m bot`` runs the bot; subcommands check banks and manage the database.

Each subcommand imports what it needs when it runs, so ``bank check`` does not pay for importing
discord.py or the emulator.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from bot.bank.cloze import asking
from bot.bank.loader import FORMAT_NAMES, find_bank_files, load_bank
from bot.items.maker import ItemMaker
from bot.items.model import CHOICE_KINDS, Item, Kind

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
# The running bot rewrites its health file every 30 s while connected and removes it on a
# disconnect: older than three heartbeats means stuck. The Dockerfile's HEALTHCHECK relies on it.
HEALTH_MAX_AGE = 90.0


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m bot", description="A Discord bot for study groups.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.add_parser("run", help="run the bot (the default)")
    sub.add_parser("sync", help="sync the slash commands with Discord now")
    sub.add_parser("demo", help="a scripted morning in a study server, without Discord")
    health = sub.add_parser("health", help="exit 0 if the running bot is connected (HEALTHCHECK)")
    health.add_argument(
        "--max-age",
        type=float,
        default=HEALTH_MAX_AGE,
        help=f"seconds since the last heartbeat (default {HEALTH_MAX_AGE:.0f})",
    )
    invite = sub.add_parser("invite", help="print the link that adds the bot to a server")
    invite.add_argument(
        "--client-id", type=int, help="the application id (default: read from DISCORD_TOKEN)"
    )

    bank = sub.add_parser("bank", help="check, show and export question banks").add_subparsers(
        dest="bank_command", metavar="BANK_COMMAND", required=True, parser_class=_Parser
    )
    check = bank.add_parser("check", help="read banks and report problems")
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    quiz = bank.add_parser("quiz", help="show each question as it would be asked")
    quiz.add_argument("path", type=Path, metavar="PATH")
    quiz.add_argument("--seed", type=int, default=0)
    quiz.add_argument("--json", action="store_true", help="print one JSON object")
    export = bank.add_parser(
        "export", help="write a bank as an Anki package (.apkg), CSV or this bot's YAML"
    )
    export.add_argument("path", type=Path, metavar="PATH")
    export.add_argument("--anki", type=Path, metavar="OUT.apkg", help="write an Anki package")
    export.add_argument("--csv", type=Path, metavar="OUT.csv", help="write CSV")
    export.add_argument(
        "--yaml", type=Path, metavar="OUT.yaml", help="write this bot's YAML, with question ids"
    )
    export.add_argument("--deck", help="the deck's name in Anki (default: the bank's name)")
    db = sub.add_parser("db", help="back up, check or move the database").add_subparsers(
        dest="db_command", metavar="DB_COMMAND", required=True, parser_class=_Parser
    )
    backup = db.add_parser("backup", help="copy the database while the bot runs")
    backup.add_argument("target", type=Path, metavar="PATH")
    db.add_parser("check", help="integrity check and score-consistency check")
    move = db.add_parser(
        "copy", help="copy the SQLite database (DATABASE_PATH) into an empty PostgreSQL one"
    )
    move.add_argument("--to", required=True, metavar="postgresql://...", type=_postgres_url)
    return parser


def _postgres_url(value: str) -> str:
    from bot.db.engine import is_postgres_url

    if not is_postgres_url(value):
        raise argparse.ArgumentTypeError("--to must be a postgresql:// URL")
    return value


def _db_command(args: argparse.Namespace) -> int:
    import asyncio

    from bot.db import DatabaseError, copy, maintenance
    from bot.db.postgres import redacted
    from bot.runner import load_settings

    settings = load_settings()
    if settings is None:
        return EXIT_USAGE
    source = settings.database()
    shown = redacted(source) if isinstance(source, str) else source
    try:
        if args.db_command == "copy":
            report = asyncio.run(copy.copy_to_postgres(settings.database_path, args.to))
            print(report.summary())
            return EXIT_OK if report.ok else EXIT_PROBLEMS
        if args.db_command == "backup":
            size = maintenance.backup(source, args.target)
            print(f"backed up {source} to {args.target} ({size} bytes)")
            return EXIT_OK
        problems = asyncio.run(maintenance.check(source))
    except (OSError, DatabaseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    for problem in problems:
        print(problem)
    print(f"{shown}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
    return EXIT_PROBLEMS if problems else EXIT_OK


def _health(max_age: float) -> int:
    from bot.discord_glue.client import heartbeat_age
    from bot.runner import load_settings

    settings = load_settings()
    if settings is None or settings.health_file is None:
        print("HEALTH_FILE is not set, so there is nothing to check", file=sys.stderr)
        return EXIT_USAGE
    age = heartbeat_age(settings.health_file)
    if age is None or age > max_age:
        print("unhealthy: the bot has not been connected recently", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"healthy: connected {age:.0f} s ago")
    return EXIT_OK


def _invite(client_id: int | None) -> int:
    from bot.discord_glue.permissions import (
        application_id_from_token,
        invite_url,
        required_permissions,
    )
    from bot.runner import load_settings

    if client_id is None:
        settings = load_settings()
        if settings is None:
            return EXIT_USAGE
        token = settings.discord_token
        client_id = application_id_from_token(token.get_secret_value()) if token else None
    if client_id is None:
        print(
            "Give the application id (--client-id, from the Developer Portal's General "
            "Information page) or set DISCORD_TOKEN",
            file=sys.stderr,
        )
        return EXIT_USAGE
    print(invite_url(client_id))
    names = ", ".join(n.replace("_", " ") for n, v in required_permissions() if v)
    print(f"It asks for: {names}.", file=sys.stderr)
    return EXIT_OK


def _bank_check(paths: list[Path], as_json: bool) -> int:
    missing = [p for p in paths if not p.exists()]
    for p in missing:
        print(f"{p}: no such file or folder", file=sys.stderr)
    results = [load_bank(p) for p in find_bank_files(p for p in paths if p.exists())]
    for r in results:
        if r.bank and r.bank.questions:
            # every loaded question can be asked (as recall at least): what is worth
            # reporting is where the bank fails to tell its own answers apart
            r.warnings.extend(ItemMaker(r.bank).check_warnings())
    if as_json:
        doc = {
            "files": [r.to_json() for r in results],
            "questions": [q.to_json() for r in results if r.bank for q in r.bank.questions],
        }
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        for r in results:
            count = len(r.bank.questions) if r.bank else 0
            name = f" {r.bank.name!r}" if r.bank else ""
            kind = f"{r.format} ({FORMAT_NAMES[r.format]})" if r.format else "unreadable"
            shape = f"; {r.shape}" if r.shape else ""
            print(f"{r.path}: {kind}{name}, {count} question(s){shape}")
            for w in r.warnings:
                print(f"  warning: {w}")
            for e in r.errors:
                print(f"  error: {e}")
    if missing:
        return EXIT_USAGE
    return EXIT_PROBLEMS if any(r.errors for r in results) else EXIT_OK


def _item_json(item: Item) -> dict[str, object]:
    return {
        "kind": item.kind.value,
        "prompt": item.prompt,
        "options": list(item.options) if item.options is not None else None,
        "correct_option": item.correct,
        "key_points": list(item.key_points) if item.kind is Kind.RECALL else None,
        "accepted": list(item.accepted) if item.is_typed else None,
    }


def _print_item(item: Item) -> None:
    print(f"   asked as {item.kind.value}:")
    if item.prompt.strip() and item.kind in (Kind.WHICH_ONE, Kind.WHICH_DESCRIPTION, Kind.CLOZE):
        for line in item.prompt.split("\n"):
            print(f"   | {line}")
    for i, option in enumerate(item.options or ()):
        mark = "*" if i == item.correct else " "
        print(f"  {mark} {chr(65 + i)}) {option}")
    for point in item.key_points if item.kind is Kind.RECALL else ():
        print(f"   - {point}")
    if item.is_typed:
        print(f"   accepted: {' | '.join(item.accepted)}")


def _bank_quiz(path: Path, seed: int, as_json: bool) -> int:
    if not path.is_file():
        print(f"{path}: no such file", file=sys.stderr)
        return EXIT_USAGE
    result = load_bank(path)
    for e in result.errors:
        print(f"error: {e}", file=sys.stderr)
    if result.bank is None:
        return EXIT_PROBLEMS
    maker = ItemMaker(result.bank).prepare()
    out = []
    for n, q in enumerate(result.bank.questions, start=1):
        choice = maker.item(q, seed, CHOICE_KINDS)
        items = maker.items(q, seed)
        entry = q.to_json()
        # the question's choice item, as readers of earlier versions expect
        entry["options"] = list(choice.options) if choice and choice.options else None
        entry["correct_option"] = choice.correct if choice else None
        if choice is None:
            entry["note"] = maker.why_not_choice(q)
        entry["items"] = [_item_json(i) for i in items]
        out.append(entry)
        if not as_json:
            level = f" [{q.difficulty}]" if q.difficulty else ""
            topic = f" ({q.topic})" if q.topic else ""
            print(f"{n}.{level}{topic} {asking(q.prompt)}")
            for line in q.body.split("\n") if q.body else ():
                print(f"   {line}")
            best = maker.item(q, seed)
            if best is None:
                print("   cannot be asked: no answer, choices or accepted answers")
            else:
                _print_item(best)
            kinds = sorted({i.kind.value for i in items})
            print(f"   can be asked as: {', '.join(kinds) or 'nothing'}")
            print()
    if as_json:
        print(
            json.dumps({"bank": result.bank.name, "questions": out}, indent=2, ensure_ascii=False)
        )
    return EXIT_PROBLEMS if result.errors else EXIT_OK


def _bank_export(
    path: Path, anki: Path | None, csv: Path | None, yaml_out: Path | None, deck: str | None
) -> int:
    from bot.bank.native import dump_native
    from bot.export.anki import build_package
    from bot.export.notes import bank_notes, csv_export

    if not path.is_file():
        print(f"{path}: no such file", file=sys.stderr)
        return EXIT_USAGE
    result = load_bank(path)
    for e in result.errors:
        print(f"error: {e}", file=sys.stderr)
    if result.bank is None:
        return EXIT_PROBLEMS
    bank, deck_name = result.bank, deck or result.bank.name
    notes = bank_notes(bank)

    def write_anki(out: Path) -> str:
        return f"{build_package(notes, deck_name, out)} notes in the Anki deck {deck_name!r}"

    def write_csv(out: Path) -> str:
        out.write_text(csv_export(notes), encoding="utf-8")
        return f"{len(notes)} questions as CSV"

    def write_yaml(out: Path) -> str:
        out.write_text(dump_native(bank), encoding="utf-8")
        return f"{len(bank.questions)} questions in this bot's YAML, each with its id"

    writers: list[tuple[Path, Callable[[Path], str]]] = []
    if yaml_out is not None:
        writers.append((yaml_out, write_yaml))
    if anki is not None:
        writers.append((anki, write_anki))
    if csv is not None:
        writers.append((csv, write_csv))
    for target, write in writers:
        if target.is_dir():
            print(f"{target} is a folder: give the file to write", file=sys.stderr)
            return EXIT_USAGE
        try:
            print(f"{target}: {write(target)}")
        except OSError as e:
            print(f"cannot write {target}: {e.strerror or e}", file=sys.stderr)
            return EXIT_PROBLEMS
    return EXIT_PROBLEMS if result.errors else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "db":
        return _db_command(args)
    if args.command == "invite":
        return _invite(args.client_id)
    if args.command == "health":
        return _health(args.max_age)
    if args.command == "demo":
        from bot.demo import run_demo

        return run_demo()
    if args.command == "bank":
        if args.bank_command == "check":
            return _bank_check(args.paths, args.json)
        if args.bank_command == "export":
            if args.anki is None and args.csv is None and args.yaml is None:
                _parser().error(
                    "bank export: give --anki OUT.apkg, --csv OUT.csv or --yaml OUT.yaml"
                )
            return _bank_export(args.path, args.anki, args.csv, args.yaml, args.deck)
        return _bank_quiz(args.path, args.seed, args.json)
    from bot.runner import run

    return run(sync=args.command == "sync")
