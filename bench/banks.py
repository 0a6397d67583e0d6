"""Scenario 5: how fast banks of 10,000 questions load (Markdown and YAML), and what the
multiple choice of one question costs in such a bank (every post and quiz question asks)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.common import Report, median, percentile
from bench.data import markdown_bank, yaml_bank
from bot.bank import Bank, load_bank
from bot.items.maker import ItemMaker

COUNT = 10_000
ROUNDS = 3
MEGABYTE = 1 << 20

_OUTPUT_ITEM = """###### {n}. What's the output?

```javascript
function f{n}() {{
  const x = {n};
  return [x, typeof x, x + '{n}'];
}}
console.log(f{n}());
```

- A: `[{n}, "number", "{n}{n}"]`
- B: `[{n}, "string", {n}]`
- C: `ReferenceError`
- D: `undefined`

<details><summary><b>Answer</b></summary>
<p>

#### Answer: A

Adding a string to a number makes a string: <b>`x + '{n}'`</b> is `"{n}{n}"`.
See [the spec](https://tc39.es/ecma262/#sec-addition-operator-plus) for item {n}.

</p>
</details>

---

"""


def markdown_megabyte(path: Path) -> Path:
    """A 1 MB Markdown bank shaped like the published ones: numbered level-6 headings, code,
    lettered options, <details> answers with an answer key."""
    parts = ["# JavaScript output questions\n\n"]
    size, n = 0, 0
    while size < MEGABYTE:
        n += 1
        parts.append(_OUTPUT_ITEM.format(n=n))
        size += len(parts[-1])
    path.write_text("".join(parts), encoding="utf-8")
    return path


def run(report: Report, count: int = COUNT) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, make in (("Markdown", markdown_bank), ("YAML", yaml_bank)):
            path = make(Path(folder) / f"bank.{'md' if name == 'Markdown' else 'yaml'}", count)
            rates = []
            for _ in range(ROUNDS):
                start = time.perf_counter()
                result = load_bank(path)
                elapsed = time.perf_counter() - start
                assert result.bank is not None and not result.errors, result.errors[:3]
                rates.append(len(result.bank.questions) / elapsed)
            loaded = len(result.bank.questions)
            report.add(f"{name} bank of {loaded} questions: questions/s", f"{median(rates):,.0f}")
            _choices(report, name, result.bank)
        _megabyte(report, Path(folder) / "megabyte.md")


def _megabyte(report: Report, path: Path) -> None:
    markdown_megabyte(path)
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        result = load_bank(path)
        timings.append(time.perf_counter() - start)
        assert result.bank is not None and not result.errors, result.errors[:3]
    report.add(
        f"1 MB Markdown bank ({len(result.bank.questions)} questions with code, options and "
        "<details> answers): load time",
        f"{median(timings):.2f} s",
    )


def _choices(report: Report, name: str, bank: Bank) -> None:
    start = time.perf_counter()
    maker = ItemMaker(bank).prepare()
    report.add(
        f"{name} bank: answers summarised at start-up", f"{time.perf_counter() - start:.1f} s"
    )
    sample = bank.questions[:: max(1, len(bank.questions) // 500)]
    timings = []
    for n, question in enumerate(sample):
        start = time.perf_counter()
        maker.item(question, seed=n)
        timings.append(time.perf_counter() - start)
    report.add(
        f"{name} bank: the item of one question p50 / p99",
        f"{median(timings) * 1000:.2f} / {percentile(timings, 99) * 1000:.2f} ms",
    )


if __name__ == "__main__":
    run(Report("bank loading"))
