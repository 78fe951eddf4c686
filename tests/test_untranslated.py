"""Untranslated text: foreign paragraphs and runs of script flagged, names and noise not."""

from __future__ import annotations

import pytest

from copydesk.findings.untranslated import (
    PARAGRAPH_RULE,
    SCRIPT_RULE,
    find_untranslated,
    paragraphs,
)
from tests.conftest import SEED

RUSSIAN = (
    "Президент России Владимир Путин заявил, что сотрудничество с Турцией "
    "успешно продолжается на международной арене."
)
ARABIC = "قال الوزير إن المحادثات كانت مثمرة جدا"
FRENCH = (
    "Le président turc a rencontré son homologue russe pour discuter de plusieurs "
    "questions importantes entre les deux pays."
)
GERMAN = (
    "Der türkische Präsident ist nach Sotschi gereist, um seinen russischen "
    "Amtskollegen zu treffen."
)
CHINESE = "我们对宇宙的大部分了解都来自于光"


def _article(middle: str) -> str:
    return (
        "Erdogan met Putin in Sochi on Wednesday.\n"
        f"{middle}\n"
        "The talks lasted three hours, officials said.\n"
    )


@pytest.mark.parametrize(
    ("middle", "rule", "language_named", "flagged"),
    [
        (RUSSIAN, SCRIPT_RULE, "Russian", RUSSIAN[:-1]),  # the final period is not a letter
        (f"The minister said: {ARABIC}, and left.", SCRIPT_RULE, "Arabic", ARABIC),
        (FRENCH, PARAGRAPH_RULE, "French", FRENCH),
        (GERMAN, PARAGRAPH_RULE, "German", GERMAN),
        (f"He said {CHINESE} in Chinese.", SCRIPT_RULE, "Han", CHINESE),
    ],
)
def test_untranslated_text_is_flagged(
    middle: str, rule: str, language_named: str, flagged: str
) -> None:
    text = _article(middle)
    (finding,) = find_untranslated(text, "en")
    assert finding.rule == rule
    assert finding.category == "Accuracy/Untranslated"
    assert finding.severity == "major"
    assert finding.suggestion is None
    assert language_named in finding.message
    assert finding.text == flagged == text[finding.start : finding.end]


@pytest.mark.parametrize(
    "text",
    [
        "President Putin (Путин) spoke in Sochi, the city Russians call Сочи.",
        "Residents of Idlib (إدلب) call it Idleb; the word «мир» means peace.",
        "The city of 北京 hosted the meeting with the Turkish delegation today.",
        "He said inshallah and the coup d'état failed, a fait accompli for Ankara.",
        "Greek letters such as π and Σ appear in the formula for the missile range.",
        "(Applause)",
        "It sounds like ding, ding, ding.",
        "Buying weapons for Turkey",
    ],
)
def test_short_foreign_words_and_names_are_not_flagged(text: str) -> None:
    assert find_untranslated(text, "en") == []


def test_seed_has_no_untranslated_text() -> None:
    assert find_untranslated(SEED.read_text(encoding="utf-8"), "en") == []


def test_the_article_language_is_not_foreign() -> None:
    assert find_untranslated(FRENCH, "fr") == []
    assert find_untranslated(RUSSIAN, "ru-RU") == []
    (finding,) = find_untranslated("The agreement was signed in Ankara in 2017 by both.", "ru")
    assert finding.rule == SCRIPT_RULE and "Latin" in finding.message


def test_unknown_language_skips_both_rules() -> None:
    assert find_untranslated(_article(FRENCH), "und") == []
    assert find_untranslated(_article(RUSSIAN), "xx") == []


def test_results_are_repeatable() -> None:
    text = _article(FRENCH) + GERMAN
    assert find_untranslated(text, "en") == find_untranslated(text, "en")


def test_paragraphs_are_non_empty_lines() -> None:
    text = "One.\r\n\n   \n  Two two.\n"
    assert [text[s:e] for s, e in paragraphs(text)] == ["One.", "Two two."]
    (finding,) = find_untranslated(f"Intro.\r\n\r\n{FRENCH}\r\n", "en")
    assert finding.text == FRENCH


@pytest.mark.slow
def test_no_false_alarm_on_human_references(human_references: list[str]) -> None:
    """Zero untranslated findings on the 523 professional English translations."""
    flagged = [(r, f.message) for r in human_references for f in find_untranslated(r, "en")]
    assert flagged == []
