"""Where the glossary's source forms occur in the shared data, and what ``key-terms.missing``
reports there.

For each JSONL file (rows with ``source``, ``target``, ``reference``, ``lp``): the segments
whose source holds a source form (and which entries), the findings on the human reference
against its source (false alarms: the goal is 0), and on the machine translation; where the
row carries MQM errors, a finding counts as confirmed when the segment has an omission,
mistranslation or terminology error (precision with its 95% Wilson interval).
Each distinct (source, text) pair is checked once.

    python scripts/key_terms_figures.py ../shared/data/*.jsonl ../shared/data/ml/*.jsonl
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from pathlib import Path

from copydesk.config import HouseStyle
from copydesk.findings.checker import FindContext
from copydesk.findings.key_terms import KeyTermsChecker, source_terms
from copydesk.glossary import load_glossary
from copydesk.model import Finding
from copydesk.rules import load_rules
from copydesk.source import align

CHECKER = KeyTermsChecker()
GLOSSARY = load_glossary()


def findings(source: str, text: str, source_lang: str, lang: str) -> list[Finding]:
    context = FindContext(
        lang, load_rules(lang), HouseStyle(), source=align(source, text, source_lang),
        glossary=GLOSSARY,
    )  # fmt: skip
    return list(CHECKER.find(text, context))


def confirmed(errors: list[dict[str, object]] | None) -> bool | None:
    if errors is None:
        return None
    return any(
        str(e.get("category", "")).startswith(
            ("Accuracy/Omission", "Accuracy/Mistranslation", "Terminology")
        )
        and e.get("side", "target") != "source"
        for e in errors
    )


def wilson(hits: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of ``hits`` out of ``n``."""
    if n == 0:
        return (0.0, 1.0)
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (centre - half, centre + half)


def main(paths: list[str]) -> None:
    for path in paths:
        rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]
        hits: Counter[str] = Counter()
        sources_with_hits: set[str] = set()
        seen_ref: set[tuple[str, str]] = set()
        seen_mt: set[tuple[str, str, str]] = set()
        ref_alarms: list[tuple[str, str, str]] = []
        mt_findings = mt_judged = mt_confirmed = 0
        for row in rows:
            source_lang, lang = row["lp"].split("-")
            source = row["source"]
            terms = source_terms(GLOSSARY, source_lang)
            if source not in sources_with_hits:
                found = {GLOSSARY.entries[h.entry_index].id for h in terms.find(source)}
                if not found:
                    continue
                sources_with_hits.add(source)
                hits.update(found)
            reference = row.get("reference")
            if reference and (source, reference) not in seen_ref:
                seen_ref.add((source, reference))
                for f in findings(source, reference, source_lang, lang):
                    ref_alarms.append((f.message, source, reference))
            key = (source, row["target"], row.get("system", ""))
            if key in seen_mt:
                continue
            seen_mt.add(key)
            found_mt = findings(source, row["target"], source_lang, lang)
            mt_findings += len(found_mt)
            verdict = confirmed(row.get("errors"))
            if found_mt and verdict is not None:
                mt_judged += len(found_mt)
                mt_confirmed += len(found_mt) if verdict else 0
        print(f"== {path}: {len(rows)} rows, {len({r['source'] for r in rows})} distinct sources")
        print(f"   sources holding a source form: {len(sources_with_hits)}; entries: {dict(hits)}")
        print(f"   references checked: {len(seen_ref)}; false alarms: {len(ref_alarms)}")
        for message, source, reference in ref_alarms[:10]:
            print(f"     - {message}\n       src: {source[:160]}\n       ref: {reference[:160]}")
        low, high = wilson(mt_confirmed, mt_judged)
        print(
            f"   MT findings: {mt_findings}; with MQM annotation: {mt_judged}, confirmed: "
            f"{mt_confirmed} (95% interval {low:.2f}-{high:.2f})"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
