"""Glossary matching cost: build and match times at 100 and 100,000 entries, and the seed.

Run: ``python bench/bench_glossary.py``. Prints one table. Matching 1 MB of real text should
take about the same time with 100 entries as with 100,000 (one Aho-Corasick pass); the
build is paid once per glossary content hash.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import SEED, real_text, realistic_glossary

from copydesk.matcher import Automaton
from copydesk.normalize import normalize_terms_and_explain
from copydesk.pipeline import clean, default_settings


def timed(fn: Callable[[], object], repeat: int = 3) -> float:
    """Median wall time of ``fn`` in seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    text = real_text(1_000_000)
    print(f"text: {len(text):,} characters of real MT and news text")
    seed = SEED.read_text(encoding="utf-8")
    print(
        f"{'entries':>10} {'build s':>9} {'match 1 MB s':>13} {'normalise 1 MB s':>17} "
        f"{'hits':>7} {'seed, whole pipeline ms':>24}"
    )
    for n in (100, 100_000):
        glossary = realistic_glossary(n)
        build = timed(lambda g=glossary: Automaton(g), repeat=1 if n > 1000 else 3)
        automaton = Automaton(glossary)
        hits = len(automaton.find(text))
        match = timed(lambda a=automaton: a.find(text))
        norm = timed(lambda g=glossary: normalize_terms_and_explain(text, g, "en"))
        # Per-article cost once the glossary is loaded and compiled (the cached state of
        # a long-running process): it must not grow with the number of entries.
        with_glossary = replace(default_settings(), glossary=glossary)
        clean(seed, with_glossary)
        article = timed(lambda s=with_glossary: clean(seed, s), repeat=10)
        print(
            f"{len(glossary.entries):>10,} {build:>9.3f} {match:>13.3f} {norm:>17.3f} "
            f"{hits:>7,} {article * 1000:>24.1f}"
        )
    settings = default_settings()
    clean(seed, settings)  # warm caches: glossary automaton, rules, dictionaries
    per_article = timed(lambda: clean(seed, settings), repeat=10)
    terms_only = timed(
        lambda: normalize_terms_and_explain(seed, settings.glossary, "en"), repeat=10
    )
    print(
        f"seed article: whole pipeline {per_article * 1000:.1f} ms, "
        f"glossary stage {terms_only * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
