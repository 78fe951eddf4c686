"""Pattern cost on adversarial input: each pattern's worst input shape at 50 KB, 200 KB, 1 MB.

Run: ``python bench/bench_patterns.py [--top 15]``. For every rule of every shipped pack,
every registered check and every compiled pattern of the library, finds the input shape
(``tests/pattern_budget.py``: runs of what the pattern repeats) that costs most on 10,000
characters, then times that shape at 50,000, 200,000 and 1,000,000 characters and prints the
slowest patterns. A linear pattern's time grows 4-fold and then 5-fold; a quadratic one 16-fold
and 25-fold. Times are CPU seconds of the running thread.

``python bench/bench_patterns.py --real [--size 1000000]`` times instead every rule of every
pack on real news text of its pack's language (:func:`real_text_in`) and prints its cost per
megabyte against its budget (:attr:`~copydesk.rules.model.Rule.budget_ms_per_mb`); the suite
(``bench/run.py``) reports the count of rules over their budget (:func:`rules_over_budget`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpus import SHARED, real_text  # noqa: E402

from copydesk.rules import Rule, default_rules_directory, load_rules  # noqa: E402
from copydesk.rules.checks import CHECKS, CheckContext  # noqa: E402
from tests.pattern_budget import cpu_seconds, finditer_all, shapes  # noqa: E402
from tests.test_pattern_budgets import PATTERNS  # noqa: E402

SIZES = (50_000, 200_000, 1_000_000)
CONTEXT = CheckContext(date=dt.date(2026, 11, 26))

Run = Callable[[str], object]


def _languages() -> list[str]:
    """The languages of the shipped rule packs."""
    return sorted(p.name for p in default_rules_directory("en").parent.iterdir() if p.is_dir())


def _subjects() -> list[tuple[str, Run, str, tuple[str, ...]]]:
    """(name, run, pattern source, examples) for every rule, check and library pattern."""
    subjects: list[tuple[str, Run, str, tuple[str, ...]]] = []
    for language in _languages():
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


# The MT outputs and references of the shared WMT24 news data, by the language they are in.
_NEWS = {"de": "mt_ende_wmt24_news.jsonl", "es": "mt_enes_wmt24_news.jsonl"}
_NEWS["ru"] = "mt_enru_wmt24_news.jsonl"


def real_text_in(language: str, size: int) -> tuple[str, str]:
    """About ``size`` characters of real news in ``language`` and what they are: the WMT24 MT
    outputs and references of the shared data for de, es and ru, else (English, and a pack
    with no news of its own, fr) :func:`corpus.real_text`."""
    path = SHARED / "ml" / _NEWS.get(language, "-")
    if not path.exists():
        return real_text(size), "English MT news"
    parts: list[str] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            parts += [row["target"], row.get("reference") or ""]
    chunks: list[str] = []
    total = 0
    for part in itertools.cycle([p for p in parts if p]):
        chunks.append(part + "\n")
        total += len(part) + 1
        if total >= size:
            break
    return "".join(chunks), f"WMT24 news in {language}"


@dataclass(frozen=True)
class RuleCost:
    """One rule's CPU time on real text of its language, per megabyte, and its budget."""

    rule: Rule
    ms_per_mb: float
    text: str

    @property
    def over(self) -> bool:
        """Whether the rule takes longer than its budget."""
        return self.ms_per_mb > self.rule.budget_ms_per_mb


def rule_costs(size: int = 1_000_000, runs: int = 3) -> list[RuleCost]:
    """Every rule of every shipped pack timed on ``size`` characters of real text of its
    pack's language (the least CPU time of ``runs``: other work on the machine only adds)."""
    costs: list[RuleCost] = []
    for language in _languages():
        text, what = real_text_in(language, size)
        megabytes = len(text.encode("utf-8")) / 1_000_000
        for rule in load_rules(language).rules:
            best = float("inf")
            for _ in range(runs):
                start = time.thread_time()
                for _hit in rule.iter_hits(text, CONTEXT):
                    pass
                best = min(best, time.thread_time() - start)
            costs.append(RuleCost(rule, 1000 * best / megabytes, what))
    return costs


def rules_over_budget(size: int = 1_000_000, runs: int = 3) -> tuple[list[RuleCost], int]:
    """The rules over their budget on real text, slowest first, and the number of rules."""
    costs = rule_costs(size, runs)
    over = sorted((c for c in costs if c.over), key=lambda c: -c.ms_per_mb)
    return over, len(costs)


def _print_real(size: int, top: int) -> None:
    costs = sorted(rule_costs(size), key=lambda c: -c.ms_per_mb)
    over = [c for c in costs if c.over]
    print(f"rules over their budget: {len(over)} of {len(costs)} (CPU ms per MB of real text)")
    print(f"{'rule':48} {'ms/MB':>8} {'budget':>8}  text")
    for cost in costs[:top] + [c for c in over if c not in costs[:top]]:
        mark = "  OVER" if cost.over else ""
        print(
            f"{cost.rule.id:48} {cost.ms_per_mb:8.1f} {cost.rule.budget_ms_per_mb:8.0f}"
            f"  {cost.text}{mark}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=15, help="rows to print")
    parser.add_argument("--real", action="store_true", help="each rule on real text vs budget")
    parser.add_argument("--size", type=int, default=1_000_000, help="characters, with --real")
    args = parser.parse_args()
    if args.real:
        _print_real(args.size, args.top)
        return
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
