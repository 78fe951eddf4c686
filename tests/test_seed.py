"""The seed article (Erdogan and Putin in Sochi) comes out as reviewed."""

from __future__ import annotations

import json

import pytest

from copydesk.model import Result
from copydesk.pipeline import clean, default_settings
from copydesk.report import render_markdown

from .conftest import FIXTURES, SEED

EXPECTED_CHANGES = [
    ("Sotchi", "Sochi"),
    ("Qarabakh", "Karabakh"),
    ("Idleb", "Idlib"),
    ("the Syrian Liberation Committee", "Hayat Tahrir al-Sham (HTS)"),
    ("the calculated Turkish national army", "the Turkish-backed Syrian National Army"),
    ("Ghosn al-Zaytoun", "Olive Branch"),
    ("Basselhasya", "Baselhaya"),
    ("Syrian Front for Liberation", "National Front for Liberation"),
]
KEPT = ["Basufan", "Barad", "Afrin", "Hama", "Latakia", "Aleppo", "Recep Tayyip Erdogan",
        "Vladimir Putin", "Mustafa Sejari", "Kurdistan Workers’ Party", "S-400", "$6.5 billion",
        "$1.5 billion", "“The agreement", "mid-July 2019.”"]  # fmt: skip


@pytest.fixture(scope="module")
def result() -> Result:
    return clean(SEED.read_bytes(), default_settings(), name=str(SEED))


def test_seed_changes(result: Result) -> None:
    assert [(e.before, e.after) for e in result.edits if e.applied] == EXPECTED_CHANGES
    assert result.suggested_edits == ()
    cleaned = result.cleaned
    assert "the Karabakh region" in cleaned
    assert "the National Front for Liberation" in cleaned
    assert "Olive Branch area" in cleaned
    assert "the Hayat Tahrir al-Sham" not in cleaned


def test_seed_keeps_names_numbers_quotes(result: Result) -> None:
    for kept in KEPT:
        assert kept in result.cleaned, kept


def test_seed_matches_reviewed_fixtures(result: Result) -> None:
    reviewed = (FIXTURES / "seed" / "sochi-summit.clean.txt").read_bytes().decode("utf-8")
    assert result.cleaned == reviewed
    edits = json.loads((FIXTURES / "seed" / "sochi-summit.edits.json").read_text(encoding="utf-8"))
    keys = ("start", "end", "before", "after", "rule", "category", "applied")
    assert [{k: e.to_dict()[k] for k in keys} for e in result.edits] == edits


def test_seed_in_french_keeps_sotchi() -> None:
    article = (
        "Le président turc Recep Tayyip Erdogan s'est rendu à Sotchi pour rencontrer "
        "Vladimir Poutine. Les frappes ont visé Idleb et la région du Karabakh.\n"
    )
    result = clean(article, default_settings())
    assert result.language.code == "fr"
    assert "Sotchi" in result.cleaned
    assert "Idleb" in result.cleaned
    assert result.applied_edits == ()


def test_seed_findings_match_reviewed_fixture(result: Result) -> None:
    reviewed = json.loads(
        (FIXTURES / "seed" / "sochi-summit.findings.json").read_text(encoding="utf-8")
    )
    assert all(row["review"].startswith(("right:", "accepted noise:")) for row in reviewed)
    keys = ("start", "end", "text", "rule", "category", "severity", "suggestion")
    assert [{k: f.to_dict()[k] for k in keys} for f in result.findings] == [
        {k: row[k] for k in keys} for row in reviewed
    ]


@pytest.mark.parametrize(
    "flagged",
    [
        "according to the planned plan",
        "a few days ago",
        "four days ago",
        "forces strikes",
        "great contradiction",
        "future… Major",
    ],
)
def test_seed_flags_with_suggestions(result: Result, flagged: str) -> None:
    hits = [f for f in result.findings if flagged in f.text]
    assert hits and all(f.suggestion for f in hits)


def test_seed_flags_first_person_in_reported_speech(result: Result) -> None:
    paragraph = result.cleaned.splitlines()[3]
    assert paragraph.startswith("In contrast, Putin said that our cooperation")
    offset = result.cleaned.index(paragraph)
    first_person = [
        result.cleaned[f.start : f.end + 13]
        for f in result.findings
        if f.rule == "en.reported-speech.first-person"
    ]
    assert "our cooperation" in first_person[0]
    assert any(s.startswith("our investments") for s in first_person)
    assert all(offset <= f.start < offset + len(paragraph) for f in result.findings
               if f.rule == "en.reported-speech.first-person")  # fmt: skip
    assert not any("calculated" in f.text for f in result.findings)
    assert "calculated" not in result.cleaned


def test_seed_markdown_report_matches_reviewed_fixture() -> None:
    """The Markdown report as reviewed: narrow Changes and Findings tables, each entry's
    reason and source and each rule's message once below them (the signature, which
    changes with every glossary or rule edit, left out)."""
    result = clean(SEED.read_bytes(), default_settings(), name="sochi-summit.txt")
    lines = render_markdown(result).splitlines(keepends=True)
    assert sum(line.startswith("| Signature | `copydesk:") for line in lines) == 1
    reviewed = (FIXTURES / "seed" / "sochi-summit.report.md").read_text(encoding="utf-8")
    assert "".join(line for line in lines if not line.startswith("| Signature |")) == reviewed
    for table_head in ("| # | Status | Change | Entry or rule |", "| # | Line | Severity | Text "):
        assert table_head in reviewed
