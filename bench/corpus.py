"""Realistic benchmark inputs built from real text and real names.

- :func:`real_text` assembles about ``size`` characters from the seed article and the
  MT outputs and human references of the shared MQM data (falls back to the seed alone).
- :func:`realistic_glossary` builds ``n`` glossary entries from real place names
  (GeoNames variants in ``../shared/data``) and the shipped glossary's names, combined
  into multi-word names the way news names are ("Jisr al-Shughur", "Ras al-Ain").
"""

from __future__ import annotations

import csv
import itertools
import json
from pathlib import Path

from copydesk.glossary import Entry, Form, Glossary, Variant, load_glossary

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "sochi-summit.txt"
SHARED = ROOT.parent / "shared" / "data"


def real_text(size: int = 1_000_000) -> str:
    """About ``size`` characters of real news and MT text."""
    seed = SEED.read_text(encoding="utf-8")
    parts = [seed]
    mqm = SHARED / "mqm_en_ted_eval.jsonl"
    if mqm.exists():
        with mqm.open(encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                row = json.loads(line)
                parts += [row["target"], row["reference"]]
                if i % 100 == 99:  # news with names to normalise, between the talks
                    parts.append(seed)
    chunks: list[str] = []
    total = 0
    for part in itertools.cycle(parts):
        chunks.append(part + "\n")
        total += len(part) + 1
        if total >= size:
            break
    return "".join(chunks)


def _real_names() -> list[str]:
    names: dict[str, None] = {}
    for entry in load_glossary().entries:
        for form in entry.forms.values():
            names.setdefault(form.first, None)
        for v in entry.variants:
            names.setdefault(v.text, None)
    tsv = SHARED / "place_variants.tsv"
    if tsv.exists():
        with tsv.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                names.setdefault(row["variant"], None)
                names.setdefault(row["canonical_ascii"], None)
    return [n for n in names if n.strip() == n and n]


def realistic_glossary(n: int) -> Glossary:
    """``n`` entries: the shipped glossary's, then pairs of real names ("Kapan Ghapan")."""
    entries: list[Entry] = list(load_glossary().entries[:n])
    names = _real_names()
    words = sorted({w for name in names for w in name.split() if len(w) > 3})
    pairs = ((a, b) for a in words for b in words if a != b)
    for i, (a, b) in enumerate(pairs):
        if len(entries) >= n:
            break
        form = f"{a} {b}"
        variant = f"{b} {a}"
        entries.append(
            Entry(
                id=f"bench.e{i}",
                type="place",
                forms={"en": Form(form)},
                variants=(Variant(variant),),
            )
        )
    return Glossary(entries=tuple(entries), content_hash=f"bench-{n}")
