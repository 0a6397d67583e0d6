"""Hostile bank files load, or are refused, within bounded time and memory.

Each file is read in a child process capped at ``MEMORY_CAP`` bytes of address space and killed
after ``TIME_BOUND`` seconds, the way the bot reads it: ``load_bank`` (what ``bank check`` uses),
``python -m bot bank check`` itself, and ``BankLibrary.load`` (the bot's start-up), next to a
good bank that must still load. Measured on a 2-core machine: each case takes well under 0.5 s
and 60 MiB; before the limits, some took minutes or gigabytes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

TIME_BOUND = 10.0  # seconds, generous: a slow shared machine; the real figures are < 0.5 s
MEMORY_CAP = 1 << 30  # the child's whole address space
PEAK_BOUND_KIB = 300 * 1024

CHILD = f"""
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_CAP}, {MEMORY_CAP}))
from pathlib import Path
mode, path = sys.argv[1], Path(sys.argv[2])
start = time.perf_counter()
if mode == "load_bank":
    from bot.bank import load_bank
    result = load_bank(path)
    out = {{"errors": result.errors, "warnings": result.warnings,
           "questions": [q.prompt for q in result.bank.questions] if result.bank else []}}
else:
    from bot.items.library import BankLibrary
    library = BankLibrary.load([path.parent])
    errors = [e for r in library.results for e in r.errors]
    out = {{"errors": errors, "banks": sorted(library.banks)}}
out["seconds"] = time.perf_counter() - start
out["peak_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps(out))
"""


def _bomb() -> str:
    """A 'billion laughs': nine lists of nine aliases, 9**9 strings once expanded."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\nquestions:\n  - prompt: What?\n    answer: yes\n    topic: *i\n"


BETWEEN = "Q: One?\nA: The first answer.\n\n{line}\n\nQ: Two?\nA: A different answer.\n"

# Markdown lines that sent the reader's regexes into catastrophic backtracking (3 KB each).
HOSTILE_LINES = {
    "spaces after Q": "Q" + " " * 3000 + "x",
    "tabs after Q": "Q" + "\t" * 3000 + "*",
    "spaces after A": "A" + " " * 3000 + "x",
    "spaces in a heading": "# a" + " " * 3000 + "x",
    "spaces in a numbered label": "Q 1" + " " * 3000 + "x",
    "spaces after bold": "**a**" + " " * 3000 + "x",
    "stars": " *a" * 1000,
    "angle brackets": "<" * 3000,
    "summaries": "<details><summary" * 200,
}

REFUSED = {
    "deep.json": ('{"questions": ' + "[" * 100_000 + "]" * 100_000 + "}", ":1: ", "nested more"),
    "deep.yaml": (
        "questions:\n" + "".join(" " * n + f"k{n}:\n" for n in range(1, 60)) + " " * 60 + "x\n",
        ":33: ",
        "nested more",
    ),
    "flow.yaml": ("questions: " + "[" * 50_000 + "]" * 50_000 + "\n", ":1: ", "nesting depth"),
    "bomb.yaml": (_bomb(), ":7: ", "aliases expand to more than 1,000,000 values"),
}


def _child(mode: str, path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(path)],
        capture_output=True,
        text=True,
        timeout=TIME_BOUND,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out: dict[str, object] = json.loads(done.stdout)
    assert isinstance(out["seconds"], float) and out["seconds"] < TIME_BOUND
    assert isinstance(out["peak_kib"], int) and out["peak_kib"] < PEAK_BOUND_KIB
    return out


def _cli(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "bank", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=TIME_BOUND,
        check=False,
    )


@pytest.mark.parametrize("shape", list(HOSTILE_LINES))
def test_markdown_line_reads_in_bounded_time(shape: str, tmp_path: Path) -> None:
    path = tmp_path / "hostile.md"
    path.write_text(BETWEEN.format(line=HOSTILE_LINES[shape]), encoding="utf-8")
    out = _child("load_bank", path)
    assert out["errors"] == []
    assert out["questions"] == ["One?", "Two?"]
    (tmp_path / "good.md").write_text("Q: Fine?\nA: Yes.\n", encoding="utf-8")
    assert _child("library", path)["banks"] == ["good", "hostile"]
    done = _cli(path)
    assert done.returncode == 0 and "2 question(s)" in done.stdout, done.stdout + done.stderr


@pytest.mark.parametrize("name", list(REFUSED))
def test_hostile_structure_is_refused_with_one_error(name: str, tmp_path: Path) -> None:
    content, where, message = REFUSED[name]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")

    out = _child("load_bank", path)
    assert out["questions"] == []
    assert isinstance(out["errors"], list) and len(out["errors"]) == 1, out["errors"]
    assert out["errors"][0].startswith(f"{path}{where}") and message in out["errors"][0]

    (tmp_path / "good.md").write_text("Q: Fine?\nA: Yes.\n", encoding="utf-8")
    started = _child("library", path)
    assert started["banks"] == ["good"] and started["errors"] == out["errors"]

    done = _cli(path)
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    errors = [line for line in done.stdout.splitlines() if line.startswith("  error: ")]
    assert errors == [f"  error: {out['errors'][0]}"]


def test_deeply_nested_html_in_an_anki_field_reads_in_bounded_time(tmp_path: Path) -> None:
    """One 30 KB line of nested HTML lists took 27 s: the text was rebuilt for every tag."""
    nested = "<ol>" * 3000 + "<li>x" * 3000
    path = tmp_path / "deck.txt"
    path.write_text(
        f"#separator:tab\n#html:true\nWhat is 1+1?\t2\nNested?\t{nested}\n", encoding="utf-8"
    )
    out = _child("load_bank", path)
    assert out["questions"] == ["What is 1+1?", "Nested?"]
    assert isinstance(out["seconds"], float) and out["seconds"] < 2.0


def test_many_code_fences_never_closed_load_in_bounded_time(tmp_path: Path) -> None:
    """Each fence is longer than every later one, so none closes another: each ends at its
    blank line, found in one scan of the file rather than one parse per fence."""
    count = 1500
    path = tmp_path / "fences.md"
    path.write_text(
        "".join(f"Q: Q{i}?\nA: look\n" + "`" * (count - i + 3) + "\nx\n\n" for i in range(count)),
        encoding="utf-8",
    )
    out = _child("load_bank", path)
    assert out["errors"] == []
    assert out["questions"] == [f"Q{i}?" for i in range(count)]
    assert isinstance(out["warnings"], list) and len(out["warnings"]) == count


def _rst_sections(limit: int) -> tuple[str, int]:
    entries: list[str] = []
    size = 0
    while True:
        i = len(entries)
        entry = f"Question {i}?\n{'~' * 20}\n\nAnswer {i} with ``code`` and :class:`Role{i}`.\n\n"
        if size + len(entry) > limit:
            return "".join(entries), i
        entries.append(entry)
        size += len(entry)


RST = {
    # just under the reStructuredText limit (256 KiB): docutils' slowest inputs still load
    "many sections": _rst_sections(250_000),
    "dense inline markup": (
        "Inline?\n~~~~~~~\n\n" + "*a* ``b`` :class:`c` `d`_ |e| [#]_ **f**\n" * 6000,
        1,
    ),
    "nested lists": (
        "Nested?\n~~~~~~~\n\n" + "".join(f"{'  ' * n}- {n}\n\n" for n in range(60)),
        1,
    ),
}


@pytest.mark.parametrize("shape", list(RST))
def test_rst_reads_in_bounded_time(shape: str, tmp_path: Path) -> None:
    content, count = RST[shape]
    path = tmp_path / "hostile.rst"
    path.write_text(content, encoding="utf-8")
    out = _child("load_bank", path)
    assert isinstance(out["questions"], list) and len(out["questions"]) == count
    assert not any("Traceback" in e for e in out["errors"])  # type: ignore[attr-defined]


def test_rst_nested_too_deep_is_refused_with_one_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.rst"
    path.write_text(
        "Deep?\n=====\n\n" + "".join(" " * n + "x\n\n" for n in range(600)), encoding="utf-8"
    )
    out = _child("load_bank", path)
    assert out["errors"] == [f"{path}: the reStructuredText is nested too deeply to read"]
    done = _cli(path)
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
