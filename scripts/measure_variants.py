"""Measure glossary discovery and the consistency checker on the shared data.

Discovery: the variants of ``place_variants.tsv`` (Latin script) whose place is in the
glossary (its GeoNames id in the entry's source, or its GeoNames name a spelling of the
entry) but which the glossary lacks are planted, one sentence each, into articles made of the
English MT of ``mqm_en_ted_eval.jsonl`` (one article per system and talk), so that the real
text can produce false proposals; precision@k counts a proposal right when it is a planted
(entry, variant) pair. Discovery also runs on the MT alone (every proposal there is a false
one unless the talk names a place).

Consistency: findings per 1,000 words (``copydesk.scores.mqm.count_words``) on the human
references of the TED data and the English sources of the WMT24 en-de news (each distinct
segment once, one article per document), and on the TED MT (one article per system and talk);
then on the human references and the MT of the WMT24 news in German, Spanish and Russian.

Usage: python scripts/measure_variants.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

from copydesk.discover import Article, discover
from copydesk.findings._words import word_scripts
from copydesk.findings.consistency import iter_inconsistent_names
from copydesk.findings.spelling import glossary_lexicon
from copydesk.glossary import Glossary, load_glossary
from copydesk.scores.mqm import count_words
from copydesk.translit import fold_name

TEMPLATES = (
    "Shelling was reported near {v} on Monday, residents said.",
    "The convoy reached {v} late on Tuesday.",
    "Officials in {v} said the road had reopened.",
    "Fighting around {v} displaced thousands of families.",
    "A delegation from {v} arrived for the talks.",
)


def _rows(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _articles(rows: list[dict[str, object]], field: str, by_system: bool) -> dict[str, str]:
    """One article per document (and system), each segment once, in segment order."""
    segments: dict[str, dict[int, str]] = defaultdict(dict)
    for row in rows:
        doc = str(row["doc"]) + (f"/{row['system']}" if by_system else "")
        segments[doc].setdefault(int(str(row["seg_id"])), str(row[field]))
    return {doc: "\n".join(s[k] for k in sorted(s)) for doc, s in segments.items()}


def planted_variants(glossary: Glossary, tsv: Path) -> set[tuple[str, str, float]]:
    known = {s.casefold() for e in glossary.entries for f in e.forms.values() for s in f.texts()}
    known |= {v.text.casefold() for e in glossary.entries for v in e.variants}
    by_name: dict[str, str] = {}
    by_geonames: dict[str, str] = {}
    for e in glossary.entries:
        for spelling in [t for f in e.forms.values() for t in f.texts()]:
            by_name.setdefault(fold_name(spelling), e.id)
        for geonames_id in re.findall(r"(?:GeoNames |geonames\.org/)(\d+)", e.source or ""):
            by_geonames[geonames_id] = e.id
    out: set[tuple[str, str, float]] = set()
    with tsv.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            entry = (
                by_geonames.get(row["geonameid"])
                or by_name.get(fold_name(row["canonical_en"]))
                or by_name.get(fold_name(row["canonical_ascii"]))
            )
            variant = row["variant"].strip()
            if entry is None or variant.casefold() in known:
                continue
            if word_scripts(variant) != {"Latin"} or not variant[0].isupper():
                continue
            out.add((entry, variant, float(row["similarity"])))
    return out


def precision_at(ranked: list[tuple[str, str]], truth: set[tuple[str, str]], k: int) -> str:
    top = ranked[:k]
    right = sum(p in truth for p in top)
    return f"{right}/{len(top)} = {right / len(top):.2f}" if top else "n/a"


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data")
    glossary = load_glossary()
    ted = _rows(data / "mqm_en_ted_eval.jsonl")
    mt = _articles(ted, "target", by_system=True)

    similar = planted_variants(glossary, data / "place_variants.tsv")
    truth = {(e, v) for e, v, _ in similar}
    planted = sorted(truth)
    docs = sorted(mt)
    articles: dict[str, list[str]] = {d: mt[d].split("\n") for d in docs}
    for i, (_, variant) in enumerate(planted):
        doc = docs[i % len(docs)]
        lines = articles[doc]
        lines.insert((i * 7) % (len(lines) + 1), TEMPLATES[i % len(TEMPLATES)].format(v=variant))
    proposals = discover([Article(d, "\n".join(v)) for d, v in articles.items()], glossary)
    ranked = [(p.entry, p.variant) for p in proposals]
    found = truth & set(ranked)
    print(f"discovery: {len(truth)} planted variants of {len({e for e, _ in truth})} entries")
    print(f"  proposals: {len(ranked)}; planted variants found: {len(found)}/{len(truth)}")
    for k in (1, 5, 10, 50):
        print(f"  precision@{k}: {precision_at(ranked, truth, k)}")
    wrong = [p for p in proposals if (p.entry, p.variant) not in truth]
    print(f"  wrong proposals: {len(wrong)}")
    for p in wrong[:15]:
        print(f"    {p.entry} {p.variant!r} ({p.match}, {p.similarity:.2f}, {p.count}x)")
    close = {(e, v) for e, v, sim in similar if sim >= 0.6}
    print(f"  of those with GeoNames similarity >= 0.6: {len(close & found)}/{len(close)}")
    missed = sorted(truth - found)
    print(f"  missed (first 15 of {len(missed)}): {missed[:15]}")
    alone = discover([Article(d, t) for d, t in mt.items()], glossary)
    print(f"discovery on the TED MT alone ({len(mt)} articles): {len(alone)} proposals")
    for p in alone[:10]:
        print(f"    {p.entry} {p.variant!r} ({p.match}, {p.similarity:.2f}, {p.count}x)")

    known = glossary_lexicon(glossary, "en").known
    news = _rows(data / "ml" / "mt_ende_wmt24_news.jsonl")
    for label, texts in (
        ("TED human references", _articles(ted, "reference", by_system=False)),
        ("WMT24 en news sources", _articles(news, "source", by_system=False)),
        ("TED MT (English)", mt),
    ):
        words = sum(count_words(t) for t in texts.values())
        findings = [
            (doc, f.message)
            for doc, t in texts.items()
            for f in iter_inconsistent_names(t, "en", known)
        ]
        rate = 1000 * len(findings) / words if words else 0.0
        print(f"consistency on {label}: {len(findings)} findings, {words} words, {rate:.2f}/1,000")
        for doc, message in findings[:10]:
            print(f"    {doc}: {message}")
    other_languages(data, glossary)


def other_languages(data: Path, glossary: Glossary) -> None:
    """The consistency rule on the WMT24 human references and MT in German, Spanish, Russian."""
    for stem, lang in (("mt_ende", "de"), ("mt_enes", "es"), ("mt_enru", "ru")):
        rows = _rows(data / "ml" / f"{stem}_wmt24_news.jsonl")
        known = glossary_lexicon(glossary, lang).known
        for field, by_system in (("reference", False), ("target", True)):
            texts = _articles(rows, field, by_system=by_system)
            words = sum(count_words(t) for t in texts.values())
            findings = [
                (doc, f.message)
                for doc, t in texts.items()
                for f in iter_inconsistent_names(t, lang, known)
            ]
            rate = 1000 * len(findings) / words if words else 0.0
            print(
                f"consistency on WMT24 {lang} {field}: {len(findings)}, {words} words, {rate:.2f}"
            )
            for doc, message in findings:
                print(f"    {doc}: {message}")


if __name__ == "__main__":
    main()
