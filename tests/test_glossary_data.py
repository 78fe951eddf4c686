"""The shipped glossary: coverage, provenance, lint-clean, and every entry's own examples."""

from __future__ import annotations

from collections import Counter

import pytest

from copydesk.glossary import Entry, Glossary, load_glossary
from copydesk.lint import lint_glossary
from copydesk.normalize import normalize_terms

SHIPPED = load_glossary()


def test_coverage_and_provenance(shipped_glossary: Glossary) -> None:
    assert len(shipped_glossary.entries) >= 150
    types = Counter(e.type for e in shipped_glossary.entries)
    assert types["organisation"] >= 30
    assert types["person"] >= 30
    assert all(e.source for e in shipped_glossary.entries)
    assert "Contains data from GeoNames (geonames.org), CC BY 4.0" in shipped_glossary.attributions


def test_lint_is_clean(shipped_glossary: Glossary) -> None:
    assert [str(p) for p in lint_glossary(shipped_glossary)] == []


@pytest.mark.parametrize("entry", SHIPPED.entries, ids=lambda e: e.id)
def test_entry_examples(entry: Entry, shipped_glossary: Glossary) -> None:
    for ex in entry.examples:
        expected = ex.text if ex.result is None else ex.result
        assert normalize_terms(ex.text, shipped_glossary, ex.lang) == expected, (
            f"{entry.file}:{ex.line}"
        )
