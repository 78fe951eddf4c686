"""Calibrate the dictionary pre-check that stands in for langdetect (``langid.reads_as``).

Run: ``python scripts/calibrate_language_precheck.py [articles per file]`` (default 40).
Articles are the shared data's MT and reference texts (``../shared/data/``, one article per
file, system and document, its segments as lines) and their English sources. For every
article's cleaned opening and every paragraph, it prints the dictionary's known-word ratio
and whether langdetect named another language (for a paragraph, with the probability
that makes it a foreign span); then it cleans each article with the
pre-check and with langdetect alone and counts the results whose JSON reports differ.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from unittest import mock

from copydesk import pipeline
from copydesk.findings.spelling import known_word_ratio
from copydesk.langid import (
    MIN_PARAGRAPH_LETTERS,
    MIN_PARAGRAPH_WORDS,
    MIN_PROBABILITY,
    SAME_LANGUAGE_KNOWN_RATIO,
    SAMPLE_CHARS,
    detect_language,
)
from copydesk.report import render_json

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def articles(per_file: int) -> list[tuple[str, str]]:
    """(name, text) of up to ``per_file`` targets and as many sources of each data file."""
    out: list[tuple[str, str]] = []
    for path in sorted(DATA.rglob("*.jsonl")):
        docs: dict[tuple[str, str], list[str]] = defaultdict(list)
        sources: dict[str, list[str]] = defaultdict(list)
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                docs[str(row.get("system")), str(row["doc"])].append(row["target"])
                if len(sources[str(row["doc"])]) < len(
                    docs[str(row.get("system")), str(row["doc"])]
                ):
                    sources[str(row["doc"])].append(row["source"])
        for (system, doc), lines in list(docs.items())[:per_file]:
            out.append((f"{path.name}:{system}:{doc}", "\n".join(lines) + "\n"))
        for doc, lines in list(sources.items())[:per_file]:
            out.append((f"{path.name}:source:{doc}", "\n".join(lines) + "\n"))
    return out


def main() -> None:
    per_file = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    texts = articles(per_file)
    # (kind, ratio, langdetect named another language) of openings and paragraphs
    points: list[tuple[str, float, bool]] = []
    differ = reached = 0
    for name, text in texts:
        lang = detect_language(text).code
        result = pipeline.clean(text, name=name)
        parts = [("opening", result.cleaned[:SAMPLE_CHARS])]
        parts += [("paragraph", line) for line in result.cleaned.split("\n")]
        for kind, part in parts:
            letters = sum(c.isalpha() for c in part)
            if len(part.split()) < MIN_PARAGRAPH_WORDS or letters < MIN_PARAGRAPH_LETTERS:
                continue  # what the pipeline never asks either check about
            ratio = known_word_ratio(part, lang)
            if ratio is not None:
                found = detect_language(part)
                # a paragraph becomes a span only at MIN_PROBABILITY or more
                sure = kind == "opening" or (found.probability or 0.0) >= MIN_PROBABILITY
                points.append((kind, ratio, found.code != lang and sure))
        if result.cleaned[:SAMPLE_CHARS] != text[:SAMPLE_CHARS]:
            reached += 1
            with mock.patch.object(pipeline, "reads_as", lambda _text, _language: False):
                alone = pipeline.clean(text, name=name)
            differ += render_json(alone) != render_json(result)
    print(f"articles: {len(texts)}")
    for kind in ("opening", "paragraph"):
        mine = [(ratio, other) for k, ratio, other in points if k == kind]
        other = [ratio for ratio, disagrees in mine if disagrees]
        kept = [ratio for ratio, _ in mine if ratio >= SAME_LANGUAGE_KNOWN_RATIO]
        wrong = sum(1 for ratio in other if ratio >= SAME_LANGUAGE_KNOWN_RATIO)
        print(
            f"{kind}s with a dictionary: {len(mine)}; langdetect named another language for "
            f"{len(other)} (highest ratio {max(other, default=0.0):.3f}); at or over "
            f"{SAME_LANGUAGE_KNOWN_RATIO}: {len(kept)}, of which langdetect disagreed on {wrong}"
        )
    print(
        f"articles whose cleaning changed the opening (second detection): {reached}; "
        f"reports that differ without the pre-check: {differ}"
    )


if __name__ == "__main__":
    main()
