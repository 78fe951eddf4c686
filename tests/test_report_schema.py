"""Every field of the JSON report is listed in ``docs/report-schema.md``, and nothing else is.

The page lists fields by path (``findings[].advice``, ``summary.edits_by_rule.*`` for an
object keyed by data); this walks real reports, nested objects and arrays included.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest

from copydesk.pipeline import clean, default_settings
from copydesk.report import SCHEMA_VERSION, render_json
from copydesk.review import ReviewDecision, apply_review, awaiting_review

from .conftest import FIXTURES, ROOT, SEED

SCHEMA = ROOT / "docs" / "report-schema.md"
ARTICLE = (
    "The goverment said yesterday that talks in «Sochi»، would resume. It is worth "
    "mentioning that the the army returned back.\n"
    "Le ministre des affaires étrangères a déclaré que les négociations reprendraient "
    "la semaine prochaine à Genève.\n"
)
REFERENCE = "The government said on Monday that talks in Sochi would resume.\nThe army returned.\n"


def documented() -> set[str]:
    """The paths in the first column of the page's tables."""
    paths: set[str] = set()
    for line in SCHEMA.read_text(encoding="utf-8").splitlines():
        cells = line.split("|")
        if line.startswith("| `") and len(cells) > 2:
            paths.update(re.findall(r"`([^`]+)`", cells[1]))
    return paths


def walk(value: Any, path: str, known: set[str], seen: set[str]) -> None:
    """Record the path of every field under ``value`` (at ``path``) in ``seen``."""
    if isinstance(value, list):
        for item in value:
            seen.add(f"{path}[]")
            walk(item, f"{path}[]", known, seen)
    elif isinstance(value, dict):
        for key, item in value.items():
            wildcard = f"{path}.*" if path else "*"
            child = wildcard if wildcard in known else (f"{path}.{key}" if path else key)
            seen.add(child)
            walk(item, child, known, seen)


def _reports() -> list[dict[str, Any]]:
    glossary = FIXTURES / "glossary"
    settings = default_settings(glossary_dir=glossary)
    suggesting = default_settings(glossary_dir=glossary, suggest_only=True)
    seed = clean(SEED.read_bytes(), default_settings(), name=str(SEED))
    decision = ReviewDecision(
        reviewed_at=dt.datetime(2026, 11, 30, 10, 41, tzinfo=dt.UTC),
        reject_changes=(1,),
        reject_rules=("organisations",),
        note="keep the quoted name",
    )
    results = [
        seed,
        awaiting_review(seed),
        apply_review(seed, decision, default_settings()),
        clean(ARTICLE, settings, language="en", reference=REFERENCE),
        clean(ARTICLE, suggesting, language="en"),
        clean(ARTICLE, settings, language="en", source="Президент приехал в Сочи."),
        clean("Это статья на русском языке о переговорах в Сочи.\n", settings),
    ]
    return [json.loads(render_json(result)) for result in results]


@pytest.fixture(scope="module")
def seen() -> set[str]:
    paths: set[str] = set()
    known = documented()
    for report in _reports():
        assert report["schema_version"] == SCHEMA_VERSION == "1.2"
        walk(report, "", known, paths)
    return paths


def test_every_field_of_the_report_is_documented(seen: set[str]) -> None:
    missing = sorted(seen - documented())
    assert not missing, f"fields not in {SCHEMA.name}: {missing}"


def test_the_walk_reaches_nested_fields(seen: set[str]) -> None:
    # The reports used reach every kind of field: a finding's new fields, a nested score.
    assert {
        "findings[].replacement",
        "findings[].advice",
        "findings[].source",
        "findings[].link",
        "edits[].applied",
        "source_text.method",
        "summary.findings_by_category.*",
        "scores.reference.cleaned.*.details.text",
        "scores.edit_rate.details.lines",
        "language.method",
        "edits[].status",
        "review.rejected_changes[]",
        "review.rejected_rules[]",
        "review.reviewed_at",
    } <= seen


def test_the_page_lists_no_finding_field_the_report_lacks(seen: set[str]) -> None:
    listed = {p for p in documented() if p.startswith(("findings[]", "edits[]"))}
    assert listed <= seen


def test_a_path_that_is_not_documented_is_caught() -> None:
    paths: set[str] = set()
    walk({"findings": [{"start": 1, "surprise": {"deep": 2}}]}, "", documented(), paths)
    assert {"findings[].surprise", "findings[].surprise.deep"} <= paths - documented()
