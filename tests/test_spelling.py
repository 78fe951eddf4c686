"""Spelling findings: the tokeniser, unknown words, near-misses of glossary forms, precision."""

from __future__ import annotations

import pytest
from spellchecker import SpellChecker

from copydesk.findings.dictionaries import hunspell_dictionary
from copydesk.findings.spelling import (
    NAME_RULE,
    SPELLING_LANGUAGES,
    UNKNOWN_RULE,
    find_misspellings,
    split_words,
)
from copydesk.glossary import Glossary
from copydesk.scores.mqm import count_words
from tests.conftest import SEED

NAMES = [
    "Idlib",
    "Aleppo",
    "Sochi",
    "Latakia",
    "Raqqa",
    "Karabakh",
    "Manbij",
    "Erdogan",
    "Hayat Tahrir al-Sham",
    "Ghosn al-Zaytoun",
    "Syrian National Army",
    "Syria",
]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Idleb’s", ["Idleb", "s"]),
        ("Idleb's", ["Idleb", "s"]),
        ("al-Sham", ["al", "Sham"]),
        ("Hay'at Tahrir", ["Hay", "at", "Tahrir"]),
        ("$6.5 billion", ["6", "5", "billion"]),
        ("«Сочи»", ["Сочи"]),
        ("", []),
    ],
)
def test_split_words(text: str, words: list[str]) -> None:
    assert [w for _, _, w in split_words(text)] == words


def test_split_words_offsets_are_code_points() -> None:
    text = "😀 Erdoğan’s visit"
    for start, end, word in split_words(text):
        assert text[start:end] == word
    assert split_words(text)[0] == (2, 9, "Erdoğan")


@pytest.mark.parametrize(
    ("variant", "form"),
    [
        ("Edleb", "Idlib"),
        ("Idleb", "Idlib"),
        ("Alepo", "Aleppo"),
        ("Sotchi", "Sochi"),
        ("Lattakia", "Latakia"),
        ("Raqqah", "Raqqa"),
        ("Qarabakh", "Karabakh"),
        ("Menbij", "Manbij"),
        ("Erdoğan", "Erdogan"),
        ("Zaytun", "Zaytoun"),
    ],
)
def test_near_glossary_form(variant: str, form: str) -> None:
    text = f"Russian jets struck {variant}’s outskirts."
    (finding,) = find_misspellings(text, "en", names=NAMES)
    assert finding.rule == NAME_RULE
    assert finding.category == "Terminology/Inconsistent"
    assert finding.severity == "minor"
    assert finding.suggestion == form
    assert text[finding.start : finding.end] == finding.text == variant


@pytest.mark.parametrize(
    "word",
    ["Sejari", "Basufan", "Barad", "Basselhasya", "Syrians", "Idlib", "Aleppo", "Hims", "Zelensky"],
)
def test_names_that_are_not_variants_are_left_alone(word: str) -> None:
    assert find_misspellings(f"They met {word} in the village.", "en", names=NAMES) == []


def test_capitalised_words_never_reach_the_corrector(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    original = SpellChecker.candidates

    def spy(self: SpellChecker, word: str) -> set[str] | None:
        asked.append(word)
        return original(self, word)

    def forbidden(self: SpellChecker, word: str) -> str | None:
        msg = f"correction() called on {word!r}"
        raise AssertionError(msg)

    monkeypatch.setattr(SpellChecker, "candidates", spy)
    monkeypatch.setattr(SpellChecker, "correction", forbidden)
    text = SEED.read_text(encoding="utf-8") + "\nSejari and Basselhasya met the goverment."
    findings = find_misspellings(text, "en", names=NAMES)
    assert asked == ["goverment"]
    assert [f.text for f in findings if f.rule == UNKNOWN_RULE] == ["goverment"]


@pytest.mark.parametrize(
    ("word", "suggestion"),
    [
        ("goverment", "government"),
        ("occured", "occurred"),
        ("teh", None),  # several words one edit away: no guess
        ("recieved", None),  # received or relieved
    ],
)
def test_unknown_lowercase_word(word: str, suggestion: str | None) -> None:
    text = f"Officials said the {word} statement was issued."
    (finding,) = find_misspellings(text, "en")
    assert (finding.rule, finding.category, finding.severity) == (
        UNKNOWN_RULE,
        "Fluency/Spelling",
        "minor",
    )
    assert finding.text == word
    assert finding.suggestion == suggestion


@pytest.mark.parametrize(
    "text",
    [
        "It costs 6.5bn dollars and the A4 model.",  # digits
        "See https://exmaple.org/pagee or write to editr@exmaple.com.",  # URL, e-mail
        "NATO and the UNHCR met the SDF.",  # acronyms
        "He bought an iPhone on eBay.",  # mixed case
        "It doesn’t matter; they weren't there.",  # contraction parts
        "The colour of the organised centre travelled.",  # British spelling
        "Он сказал «мир» and left.",  # another script: the untranslated checker's job
        "A pre-war multiverse of supermassive thermoregulation.",  # prefixes, rare words
        "A pre - tax and post‐war budget.",  # spaced and Unicode hyphens
        "Forensics, etc.",  # abbreviation
        "ok so um we go",  # one and two letters
    ],
)
def test_skipped_words(text: str) -> None:
    assert find_misspellings(text, "en") == []


def test_known_words_are_known() -> None:
    assert find_misspellings("the zaytoun grove", "en") == []  # no word one edit away
    assert len(find_misspellings("the idleb road", "en")) == 1  # idle, idler...
    assert find_misspellings("the idleb road", "en", known_words=["Idleb Road"]) == []
    assert find_misspellings("the idleb road", "en", names=["Idleb"]) == []


def test_a_word_used_twice_is_a_term_not_a_slip() -> None:
    assert len(find_misspellings("the selloum leaf", "en")) == 1
    assert find_misspellings("the selloum leaf and the selloum stem", "en") == []


@pytest.mark.parametrize("language", ["zh", "ja", "tr", "und", ""])
def test_language_without_dictionary_is_skipped(language: str) -> None:
    assert find_misspellings("teh goverment of Edleb", language, names=NAMES) == []


def test_language_with_region_and_other_dictionaries() -> None:
    assert SPELLING_LANGUAGES[:4] == ("en", "es", "fr", "it")
    assert [f.text for f in find_misspellings("the goverment", "en-GB")] == ["goverment"]
    if hunspell_dictionary("fr") is None:
        pytest.skip("no Hunspell dictionary for fr")
    found = find_misspellings("le gouvernment français", "fr-CA")
    assert [f.text for f in found] == ["gouvernment"]


def test_seed_names_with_the_shipped_glossary(shipped_glossary: Glossary) -> None:
    forms = [t for e in shipped_glossary.entries for t in e.form_texts("en")]
    known = forms + [v.text for e in shipped_glossary.entries for v in e.variants]
    seed = SEED.read_text(encoding="utf-8")
    flagged = {f.text for f in find_misspellings(seed, "en", known_words=known, names=forms)}
    assert not flagged & {"Sejari", "Basufan", "Barad", "Basselhasya"}


@pytest.mark.slow
def test_precision_on_human_references(human_references: list[str]) -> None:
    """Fewer than 1 finding per 1,000 words of professional translation (measured: 0.23)."""
    words = sum(count_words(r) for r in human_references)
    findings = [f for r in human_references for f in find_misspellings(r, "en", names=NAMES)]
    assert 1000 * len(findings) / words < 1.0
    assert not [f for f in findings if f.rule == NAME_RULE]
