"""Run every benchmark: ``python -m bench`` (``--quick`` for smaller sizes, ``--write FILE`` to
record the results as Markdown)."""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import (
    answers,
    banks,
    cue_guesser,
    fanout,
    leaderboard,
    progress_card,
    retention,
    review,
    server_banks,
    storage,
    typed,
)
from bench.common import Report, machine


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--write", type=Path, help="write the results to this Markdown file")
    parser.add_argument("--only", nargs="*", help="scenario names to run")
    args = parser.parse_args()
    started = time.monotonic()
    print(f"machine: {machine()}")
    reports = []
    scenarios = [
        (
            "answers",
            "1. Answer burst",
            lambda r: answers.run(r, (200,) if args.quick else answers.SIZES),
        ),
        (
            "fanout",
            "2 and 4. Fan-out, start-up and memory (SQLite, PostgreSQL, two shard processes)",
            lambda r: fanout.run(r, (100, 300), (300,)) if args.quick else fanout.run(r),
        ),
        ("leaderboard", "3. Leaderboard at scale", lambda r: leaderboard.run(r)),
        ("banks", "5. Bank loading", lambda r: banks.run(r, 1000 if args.quick else banks.COUNT)),
        (
            "storage",
            "Storage: group commit (SQLite and PostgreSQL)",
            lambda r: r.results.extend(
                storage.run_report(300, 1) if args.quick else storage.run_report()
            ),
        ),
        ("typed", "6. Typed answers against a human grader", typed.run),
        ("cues", "7. Choice items against a cue-only guesser", cue_guesser.run),
        ("retention", "8. Spaced repetition: FSRS against other draws", retention.run),
        ("review", "9. /review at scale", review.run),
        (
            "server-banks",
            "10. A server's own banks",
            lambda r: server_banks.run(
                r, 1000 if args.quick else server_banks.MAX_SERVER_QUESTIONS
            ),
        ),
        ("progress-card", "11. The progress card", progress_card.run),
    ]
    for name, title, scenario in scenarios:
        if args.only and name not in args.only:
            continue
        print(f"\n{title}")
        report = Report(title)
        scenario(report)
        reports.append(report)
    elapsed = time.monotonic() - started
    print(f"\nall scenarios: {elapsed / 60:.1f} min")
    if args.write:
        args.write.write_text(markdown(reports, elapsed) + kept_notes(args.write), encoding="utf-8")
        print(f"written to {args.write}")


NOTES = "\n## How to read these figures"


def kept_notes(path: Path) -> str:
    """The hand-written part of a results file (from NOTES on), kept when the tables are
    rewritten: it explains the figures and names the causes of what was missed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    at = text.find(NOTES)
    return text[at:] if at >= 0 else ""


def markdown(reports: list[Report], elapsed: float) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d} on {machine()}, with `python -m bench` "
        f"({elapsed / 60:.1f} min in all). The machine is shared and noisy: compare the ratios "
        "measured in one run, not the absolute figures of two runs.",
        "",
    ]
    for report in reports:
        lines += [
            f"## {report.title}",
            "",
            "| figure | value | target | verdict |",
            "| --- | --- | --- | --- |",
        ]
        for r in report.results:
            verdict = "" if r.ok is None else ("ok" if r.ok else "**missed**")
            lines.append(f"| {r.name} | {r.value} | {r.target} | {verdict} |")
        lines += [""] + [f"- {n}" for n in report.notes] + ([""] if report.notes else [])
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
