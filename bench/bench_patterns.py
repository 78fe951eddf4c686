"""Pattern cost on adversarial input: each pattern's worst input shape at 50 KB, 200 KB, 1 MB.

Run: ``python bench/bench_patterns.py [--top 15]``. For every rule of every shipped pack,
every registered check and every compiled pattern of the library, finds the input shape
(``tests/pattern_budget.py``: runs of what the pattern repeats) that costs most on 10,000
characters, then times that shape at 50,000, 200,000 and 1,000,000 characters and prints the
slowest patterns. A linear pattern's time grows 4-fold and then 5-fold; a quadratic one 16-fold
and 25-fold. Times are CPU seconds of the running thread.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from copydesk.rules import default_rules_directory, load_rules  # noqa: E402
from copydesk.rules.checks import CHECKS, CheckContext  # noqa: E402
from tests.pattern_budget import cpu_seconds, finditer_all, shapes  # noqa: E402
from tests.test_pattern_budgets import PATTERNS  # noqa: E402

SIZES = (50_000, 200_000, 1_000_000)
CONTEXT = CheckContext(date=dt.date(2026, 11, 26))

Run = Callable[[str], object]


def _subjects() -> list[tuple[str, Run, str, tuple[str, ...]]]:
    """(name, run, pattern source, examples) for every rule, check and library pattern."""
    subjects: list[tuple[str, Run, str, tuple[str, ...]]] = []
    for language in sorted(p.name for p in default_rules_directory("en").parent.iterdir()):
        for rule in load_rules(language).rules:
            source = "\n".join([rule.pattern or "", *rule.phrases, *rule.exceptions])
            examples = rule.examples_flag + rule.examples_pass
            subjects.append(
                (rule.id, lambda t, r=rule: r.hits(t, CONTEXT, timeout=60), source, examples)
            )
    for name, check in sorted(CHECKS.items()):
        subjects.append((f"check {name}", lambda t, c=check: list(c(t, CONTEXT)), "", ()))
    for name, pattern in sorted(PATTERNS.items()):
        subjects.append((name, finditer_all(pattern), pattern.pattern, ()))
    return subjects


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=15, help="rows to print")
    args = parser.parse_args()
    rows = []
    for name, run, source, examples in _subjects():
        worst = max(shapes(source, examples), key=lambda s: cpu_seconds(run, s[1](10_000)))
        times = [cpu_seconds(run, worst[1](size)) for size in SIZES]
        rows.append((times, name, worst[0].split(" x ")[0]))
    rows.sort(reverse=True)
    print(f"{len(rows)} patterns; the {args.top} slowest on their worst shape (CPU seconds)")
    print(f"{'pattern':58} {'shape':18} " + " ".join(f"{s // 1000:>6} KB" for s in SIZES))
    for times, name, shape in rows[: args.top]:
        print(f"{name:58} {shape[:18]:18} " + " ".join(f"{t:9.3f}" for t in times))


if __name__ == "__main__":
    main()
