"""Measure the numbers checker on the shared MQM data and on the human references.

Usage: python scripts/number_precision.py [DATA_DIR] [--show RULE] [--only WHAT]

Each row's ``source`` and ``target`` are one aligned segment. Precision: a finding on the
target is right when it overlaps an MQM error span on the target side (any category; the
strict figure counts only Accuracy errors). False alarms: the findings of each distinct
human translation (``reference``, or ``target`` in the ``*_ref*`` files) against its
``source``, where the goal is none. ``--only mt`` lists the findings on the unannotated
WMT24 MT (``ml/mt_*.jsonl``) with their system and context, for checking by hand.
``--only recall``: in each human translation with no finding, the last digit of its first
number that can report is changed (3 becomes 4, 9 becomes 8), and the share of changed
translations with a finding on that number is given.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from copydesk.config import HouseStyle
from copydesk.findings.checker import FindContext
from copydesk.findings.numbers import ADDED_RULE, MISMATCH_RULE, MISSING_RULE, iter_number_findings
from copydesk.model import Finding
from copydesk.numbers import number_mentions
from copydesk.rules.model import RuleSet
from copydesk.source import align

RULES = (MISMATCH_RULE, MISSING_RULE, ADDED_RULE)
MQM_FILES = (
    "mqm_en_ted_eval.jsonl",
    "ml/mqm_ende_generalMT2023_news.jsonl",
    "ml/mqm_ende_ted.jsonl",
)


def rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def findings(source: str, target: str, source_lang: str, target_lang: str) -> list[Finding]:
    context = FindContext(
        target_lang,
        RuleSet(target_lang, (), "none"),
        HouseStyle(enabled=RULES),
        source=align(source, target, source_lang),
    )
    return list(iter_number_findings(target, context, RULES))


def _overlaps(finding: Finding, errors: list[dict[str, Any]], strict: bool) -> bool:
    return any(
        e.get("side", "target") == "target"
        and e["start"] < finding.end
        and finding.start < e["end"]
        and (not strict or e["category"].startswith("Accuracy"))
        for e in errors
    )


def precision(path: Path, show: str | None) -> None:
    right, strict, total = Counter[str](), Counter[str](), Counter[str]()
    for row in rows(path):
        if row.get("errors") is None:
            continue
        source_lang, target_lang = row["lp"].split("-")
        for finding in findings(row["source"], row["target"], source_lang, target_lang):
            total[finding.rule] += 1
            hit = _overlaps(finding, row["errors"], strict=False)
            right[finding.rule] += hit
            strict[finding.rule] += _overlaps(finding, row["errors"], strict=True)
            if show == finding.rule:
                mark = "RIGHT" if hit else "WRONG"
                print(f"  {mark} {finding.text!r}: {finding.message}\n     target: {row['target']}")
    for rule in RULES:
        n = total[rule]
        if n:
            print(
                f"{path.name}\t{rule}\tfindings {n}\tprecision {right[rule] / n:.2f}"
                f"\t(Accuracy only {strict[rule] / n:.2f})"
            )
        else:
            print(f"{path.name}\t{rule}\tfindings 0")


def human_pairs(path: Path) -> Iterator[tuple[str, str, str, str]]:
    """(source, human translation, source language, target language) of each distinct pair:
    the target of a reference file, else each row's reference."""
    seen: set[tuple[str, str]] = set()
    for row in rows(path):
        human = row["target"] if path.stem.endswith(("_ref", "_refA")) else row.get("reference")
        pair = (row["source"], human or "")
        if not pair[1] or pair in seen:
            continue
        seen.add(pair)
        source_lang, target_lang = row["lp"].split("-")
        yield pair[0], pair[1], source_lang, target_lang


def false_alarms(path: Path, show: str | None) -> None:
    references = 0
    alarms = Counter[str]()
    for source, human, source_lang, target_lang in human_pairs(path):
        references += 1
        for finding in findings(source, human, source_lang, target_lang):
            alarms[finding.rule] += 1
            if show == finding.rule:
                print(f"  {finding.text!r}: {finding.message}\n     reference: {human[:300]}")
    figures = ", ".join(f"{rule} {alarms[rule]}" for rule in RULES)
    print(f"{path.name}\treferences {references}\tfalse alarms: {figures}")


def unannotated(path: Path) -> None:
    """Every finding on the MT of a file without annotation, with its context."""
    for row in rows(path):
        source_lang, target_lang = row["lp"].split("-")
        target = row["target"]
        for finding in findings(row["source"], target, source_lang, target_lang):
            context = " ".join(target[max(0, finding.start - 80) : finding.end + 40].split())
            print(f"{path.name}\t{row['system']}\t{finding.rule}\t{finding.message}\n  {context}")


def _changed(text: str) -> tuple[str, int, int] | None:
    """``text`` with the last digit of its first sure number changed, and that number's span."""
    for mention in number_mentions(text):
        if mention.sure:
            digits = [i for i in range(mention.start, mention.end) if text[i] in "0123456789"]
            last = digits[-1]
            new = "8" if text[last] == "9" else str(int(text[last]) + 1)
            return text[:last] + new + text[last + 1 :], mention.start, mention.end
    return None


def recall(path: Path) -> None:
    """How often a changed number of a human translation is reported."""
    changed = caught = 0
    for source, human, source_lang, target_lang in human_pairs(path):
        if findings(source, human, source_lang, target_lang):
            continue
        edit = _changed(human)
        if edit is None:
            continue
        text, start, end = edit
        changed += 1
        caught += any(
            f.rule in (MISMATCH_RULE, ADDED_RULE) and f.start < end and start < f.end
            for f in findings(source, text, source_lang, target_lang)
        )
    share = f"{caught / changed:.2f}" if changed else "-"
    print(f"{path.name}\tchanged {changed}\tcaught {caught}\trecall {share}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", nargs="?", default="/work/shared/data", type=Path)
    parser.add_argument("--show", help="print every finding of this rule")
    parser.add_argument("--only", choices=("precision", "references", "mt", "recall"))
    args = parser.parse_args()
    if args.only == "recall":
        for path in [*sorted((args.data / "ml").glob("*.jsonl")), args.data / MQM_FILES[0]]:
            recall(path)
        return
    if args.only == "mt":
        for path in sorted((args.data / "ml").glob("mt_*.jsonl")):
            unannotated(path)
        return
    if args.only != "references":
        for name in MQM_FILES:
            precision(args.data / name, args.show)
    if args.only != "precision":
        for path in [*sorted((args.data / "ml").glob("*.jsonl")), args.data / MQM_FILES[0]]:
            false_alarms(path, args.show)


if __name__ == "__main__":
    main()
