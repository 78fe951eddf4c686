"""The source-text checker: untranslated segments and omission candidates, against sources."""

from __future__ import annotations

import pytest

from copydesk.config import HouseStyle
from copydesk.findings.checker import FindContext
from copydesk.findings.source_text import (
    MAX_SHORT_SHARE,
    SourceTextChecker,
    expected_ratio,
)
from copydesk.pipeline import clean, default_settings
from copydesk.rules import RuleSet
from copydesk.source import align

from .conftest import FIXTURES, SHARED_DATA

SOURCE = (
    "Президент России встретился с коллегой в Сочи в понедельник.\n"
    "Переговоры в Сочи завершились поздно вечером без совместного заявления, сообщили в Кремле.\n"
)


def _find(target: str, source: str, language: str = "en", source_language: str = "ru",
          enabled: tuple[str, ...] = ()) -> list[str]:  # fmt: skip
    context = FindContext(language, RuleSet(language, (), ""), HouseStyle(enabled=enabled))
    context.source = align(source, target, source_language)
    return [f.rule for f in SourceTextChecker().find(target, context)]


def test_nothing_without_a_source() -> None:
    context = FindContext("en", RuleSet("en", (), ""))
    assert list(SourceTextChecker().find("Anything at all.", context)) == []


def test_a_shortened_segment_is_an_omission_candidate_and_a_full_one_is_not() -> None:
    full = (
        "The Russian president met his counterpart in Sochi on Monday.\n"
        "The talks in Sochi ended late in the evening without a joint statement, the Kremlin "
        "said.\n"
    )
    short = "The Russian president met his counterpart in Sochi on Monday.\nThe talks ended.\n"
    assert _find(full, SOURCE) == []
    assert _find(short, SOURCE) == ["source-text.omission"]


def test_the_omission_finding_names_both_sides() -> None:
    result = clean(
        "The Russian president met his counterpart in Sochi on Monday.\nThe talks ended.\n",
        default_settings(glossary_dir=FIXTURES / "glossary"),
        language="en",
        source=SOURCE,
    )
    (finding,) = [f for f in result.findings if f.rule == "source-text.omission"]
    assert finding.text == "The talks ended."
    assert finding.category == "Accuracy/Omission"
    assert "Переговоры в Сочи завершились" in finding.message and "characters" in finding.message


def test_a_segment_left_as_its_source_or_in_its_script() -> None:
    left = SOURCE.splitlines()[0] + (
        "\nThe talks in Sochi ended late in the evening without a joint statement, the "
        "Kremlin said.\n"
    )
    assert _find(left, SOURCE) == ["source-text.unchanged"]
    mixed = (
        "The Russian president met his counterpart in Sochi on Monday.\n"
        "Переговоры в Сочи завершились поздно вечером, the Kremlin said.\n"
    )
    assert _find(mixed, SOURCE) == []  # off by default
    on = ("source-text.source-script",)
    assert _find(mixed, SOURCE, enabled=on) == ["source-text.source-script"]
    # Same language on both sides: nothing is "untranslated".
    assert _find(SOURCE, SOURCE, "ru", "ru") == []


def test_the_expected_ratio() -> None:
    assert expected_ratio("en", "de", []) == pytest.approx(1.172)
    assert expected_ratio("zh", "en", []) == pytest.approx(2.70, abs=0.01)
    assert expected_ratio("tr", "en", []) is None  # unknown pair, too few pairs of its own
    context = FindContext("en", RuleSet("en", (), ""), HouseStyle())
    context.source = align("Bir.\nİki.", "One.\nTwo.", "tr")
    assert list(SourceTextChecker().find("One.\nTwo.", context)) == []
    assert any("no length ratio for tr-en" in n for n in context.notes)
    assert 0 < MAX_SHORT_SHARE < 0.5


def test_human_references_against_their_sources_give_no_omission() -> None:
    from copydesk.evaluate import read_sourced_texts

    files = [SHARED_DATA / "mqm_en_ted_eval.jsonl", *sorted((SHARED_DATA / "ml").glob("*.jsonl"))]
    if not files[0].is_file():
        pytest.skip("shared data absent")
    texts = [t for path in files for t in read_sourced_texts([path])]
    flagged = [
        (t.text, rule)
        for t in texts
        for rule in _find(t.text, t.source, t.language or "und", t.source_language or "und")
        if rule.endswith("omission")
    ]
    assert len(texts) > 1000 and flagged == []
