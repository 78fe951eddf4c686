"""Print every hit of a pack's rules on one field of a JSONL file, with its context.

For hand-checking rules where no annotation exists (Spanish and Russian MT) and for reading
the hits behind `copydesk eval` figures. A hit that overlaps a human MQM span on the target
says so with the span's categories. Reference texts are read once per segment (rows repeat
them per system). Off-by-default rules run too.

    python scripts/rule_hits.py FILE.jsonl FIELD LANGUAGE RULE-ID-PREFIX [--limit N]
    python scripts/rule_hits.py ../shared/data/ml/mt_enru_wmt24_news.jsonl target ru ru.script
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from copydesk.rules import load_rules
from copydesk.rules.checks import CheckContext

CONTEXT = 60


def _rows(path: Path, field: str) -> list[dict[str, Any]]:
    """The rows of ``path``; for ``reference``, one row per document and segment."""
    rows: list[dict[str, Any]] = []
    seen: set[tuple[object, object]] = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if field == "reference":
                key = (row.get("doc"), row.get("seg_id"))
                if key in seen:
                    continue
                seen.add(key)
            rows.append(row)
    return rows


def _human_categories(row: dict[str, Any], field: str, start: int, end: int) -> list[str]:
    """Categories of the MQM spans on the target that overlap ``start:end``."""
    if field != "target":
        return []
    return sorted(
        {
            error["category"]
            for error in row.get("errors") or []
            if error.get("side", "target") == "target"
            and error["start"] < end
            and error["end"] > start
        }
    )


def main() -> None:
    """Print the hits and, per rule, flags, hits on human spans and flags per 1,000 words."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("field")
    parser.add_argument("language")
    parser.add_argument("prefix")
    parser.add_argument("--limit", type=int, default=50, help="hits to print (default: 50)")
    args = parser.parse_args()
    rules = [r for r in load_rules(args.language).rules if r.id.startswith(args.prefix)]
    flags: Counter[str] = Counter()
    right: Counter[str] = Counter()
    words = 0
    for row in _rows(args.file, args.field):
        text = row.get(args.field) or ""
        words += len(text.split())
        for rule in rules:
            for hit in rule.iter_hits(text, CheckContext()):
                categories = _human_categories(row, args.field, hit.start, hit.end)
                flags[rule.id] += 1
                right[rule.id] += bool(categories)
                if sum(flags.values()) <= args.limit:
                    before = text[max(0, hit.start - CONTEXT) : hit.start]
                    after = text[hit.end : hit.end + CONTEXT]
                    marked = f"  MQM: {', '.join(categories)}" if categories else ""
                    shown = f"...{before}⟦{text[hit.start : hit.end]}⟧{after}..."
                    line = f"{rule.id} [{row.get('system', '')}] {shown}{marked}"
                    print(line.replace("\n", " "))
    print(f"{words} words")
    for rule_id, count in flags.most_common():
        rate = count * 1000 / max(words, 1)
        print(
            f"{rule_id}: {count} flags, {right[rule_id]} on human spans, {rate:.2f} per 1,000 words"
        )


if __name__ == "__main__":
    main()
