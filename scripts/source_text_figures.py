"""Figures of the source-text checker on the shared data: findings per rule on the human
references against their sources (every one a false alarm), and on the annotated MT, with
how many of those segments raters marked (an error overlapping the finding, or an omission
marked on the source side).

Usage: python scripts/source_text_figures.py [DATA_DIR]  (default ../shared/data)

The checker runs alone on each row (target or reference against the row's source, aligned
as the pipeline aligns them), in the row's languages, with every one of its rules enabled.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from copydesk.config import HouseStyle
from copydesk.evaluate import lp_side, read_sourced_texts, wilson_interval
from copydesk.findings.checker import FindContext
from copydesk.findings.source_text import SourceTextChecker
from copydesk.rules import RuleSet
from copydesk.source import align

CHECKER = SourceTextChecker()


def findings(
    target: str, source: str, language: str | None, source_language: str | None
) -> list[tuple[str, int, int]]:
    language, source_language = language or "und", source_language or "und"
    style = HouseStyle(enabled=("source-text",))
    context = FindContext(language, RuleSet(language, (), ""), style)
    context.source = align(source, target, source_language)
    return [(f.rule, f.start, f.end) for f in CHECKER.find(target, context)]


def main(data: Path) -> None:
    files = [data / "mqm_en_ted_eval.jsonl", *sorted((data / "ml").glob("*.jsonl"))]
    print("human references against their sources (false alarms):")
    for path in files:
        counts: Counter[str] = Counter()
        texts = read_sourced_texts([path])
        for t in texts:
            counts.update(
                rule for rule, _, _ in findings(t.text, t.source, t.language, t.source_language)
            )
        print(f"  {path.name}: {len(texts)} references, findings {dict(counts) or 0}")
    print("annotated MT (flags, right, precision, 95% interval):")
    for path in files:
        flags: Counter[str] = Counter()
        right: Counter[str] = Counter()
        rows = 0
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("errors") is None:
                continue
            rows += 1
            errors = row["errors"]
            lp = row["lp"]
            for rule, start, end in findings(
                row["target"], row["source"], lp_side(lp, 1), lp_side(lp, 0)
            ):
                flags[rule] += 1
                overlap = any(
                    e.get("side", "target") == "target" and e["start"] < end and start < e["end"]
                    for e in errors
                )
                omitted = rule.endswith("omission") and any(
                    e.get("side") == "source" and "Omission" in e["category"] for e in errors
                )
                right[rule] += overlap or omitted
        if rows:
            parts = []
            for rule in sorted(flags):
                low, high = wilson_interval(right[rule], flags[rule])
                parts.append(
                    f"{rule} {flags[rule]} {right[rule]} {right[rule] / flags[rule]:.2f} "
                    f"({low:.2f}-{high:.2f})"
                )
            print(f"  {path.name}: {rows} rows; " + ("; ".join(parts) or "no findings"))


if __name__ == "__main__":
    main(
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).parents[1].parent / "shared" / "data"
    )
