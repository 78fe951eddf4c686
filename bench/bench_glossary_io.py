"""A 10,000-entry glossary against today's 230: load, TBX import and export, match an article.

Run: ``python bench/bench_glossary_io.py`` (a few seconds). The large glossary is the shipped
one, then one entry per GeoNames place of ``../shared/data/place_variants.tsv`` (its English
name as the house form, its variants with similarity >= 0.6 as variants), then synthetic
two-word names from real place names up to 10,000 entries. It is written as glossary YAML
files and as TBX with copydesk's own import and export, and each row of the table times:
loading the YAML folder (``load_glossary``: with an empty disk cache, then read back
from it), importing the TBX, exporting it, building the
matcher (once per glossary content hash), and cleaning the seed article with the glossary
loaded and compiled (the per-article cost of a running process).
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_glossary import timed
from corpus import SEED, SHARED

from copydesk.disk_cache import CACHE_DIR_ENV
from copydesk.glossary import Entry, Form, Glossary, Variant, load_glossary
from copydesk.glossary_io import Imported, export_glossary, glossary_files, import_glossary, slug
from copydesk.matcher import Automaton
from copydesk.normalize import normalize_terms_and_explain
from copydesk.pipeline import clean, default_settings

SIZE = 10_000


def place_entries() -> list[Entry]:
    """One entry per GeoNames place: English name, variants of similarity >= 0.6."""
    path = SHARED / "place_variants.tsv"
    if not path.exists():
        return []
    places: dict[str, tuple[str, list[str]]] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            name, variant = row["canonical_en"].strip(), row["variant"].strip()
            house, variants = places.setdefault(row["geonameid"], (name, []))
            if float(row["similarity"]) >= 0.6 and variant not in (house, *variants):
                variants.append(variant)
    return [
        Entry(
            id=f"geonames.{slug(house) or 'place'}-{geonameid}",
            type="place",
            forms={"en": Form(house)},
            variants=tuple(Variant(v) for v in variants),
            source=f"GeoNames {geonameid} (variants)",
        )
        for geonameid, (house, variants) in places.items()
        if house
    ]


def large_glossary(size: int) -> Glossary:
    """The shipped glossary, the GeoNames places, then synthetic names up to ``size``."""
    shipped = load_glossary()
    entries = [*shipped.entries, *place_entries()][:size]
    words = sorted({w for e in entries for w in e.forms["en"].first.split() if len(w) > 3}
                   if entries else set())  # fmt: skip
    pairs = ((a, b) for a in words for b in words if a != b)
    for i, (a, b) in enumerate(pairs):
        if len(entries) >= size:
            break
        entries.append(
            Entry(
                id=f"synthetic.name-{i}",
                type="place",
                forms={"en": Form(f"{a} {b}")},
                variants=(Variant(f"{b} {a}"),),
            )
        )
    return Glossary(tuple(entries), f"bench-{size}", attributions=shipped.attributions)


def measure(label: str, folder: Path, work: Path) -> None:
    """One row of the table for the glossary files in ``folder``."""
    seed = SEED.read_text(encoding="utf-8")
    # Load, import and export once each: they are paid once per glossary, not per article.
    # The first load fills this row's own empty disk cache; the warm loads read it back.
    os.environ[CACHE_DIR_ENV] = str(work / f"cache-{label}")
    load = timed(lambda: load_glossary(folder), repeat=1)
    warm = timed(lambda: load_glossary(folder), repeat=5)
    glossary = load_glossary(folder)
    tbx = work / f"{label}.tbx"
    export = timed(lambda: tbx.write_text(export_glossary(glossary, "tbx").text, "utf-8"), 1)
    imported = timed(lambda: import_glossary(tbx, "tbx"), repeat=1)
    build = timed(lambda: Automaton(glossary), repeat=1)
    terms = timed(lambda: normalize_terms_and_explain(seed, glossary, "en"), repeat=10)
    settings = replace(default_settings(), glossary=glossary)
    clean(seed, settings)  # compile once: the automaton is cached per content hash
    article = timed(lambda: clean(seed, settings), repeat=10)
    print(
        f"{label:>10} {len(glossary.entries):>8,} {load:>7.2f} {warm:>11.3f} {imported:>10.2f} "
        f"{export:>10.2f} {build:>8.2f} {terms * 1000:>13.2f} {article * 1000:>16.1f}"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shipped = Path(load_glossary().files[0]).parent
        large = work / "large"
        large.mkdir()
        big = large_glossary(SIZE)
        for name, text in glossary_files(Imported(big.entries, big.attributions)).items():
            (large / name).write_text(text, encoding="utf-8")
        print(
            f"{'glossary':>10} {'entries':>8} {'load s':>7} {'warm load s':>11} {'TBX in s':>10} "
            f"{'TBX out s':>10} "
            f"{'build s':>8} {'seed terms ms':>13} {'seed article ms':>16}"
        )
        measure("shipped", shipped, work)
        measure("10k", large, work)


if __name__ == "__main__":
    main()
