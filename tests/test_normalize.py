"""Glossary normalisation: matching, case, mentions, languages, whitespace."""

from __future__ import annotations

import pytest

from copydesk.edits import apply_edits, undo_edits
from copydesk.glossary import Glossary
from copydesk.normalize import normalize_terms, normalize_terms_and_explain


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He flew to Sotchi.", "He flew to Sochi."),
        ("SOTCHI SUMMIT", "SOCHI SUMMIT"),
        ("Idleb's villages", "Idlib's villages"),
        ("Idleb’s villages", "Idlib’s villages"),
        ("Idleb-based groups", "Idlib-based groups"),
        ("(Idleb)", "(Idlib)"),
        ("the Syrian Liberation Committee said", "Hayat Tahrir al-Sham (HTS) said"),
        ("The Syrian Liberation Committee said", "Hayat Tahrir al-Sham (HTS) said"),
        ("a Syrian Liberation Committee unit", "a Hayat Tahrir al-Sham (HTS) unit"),
        ("the calculated Turkish national army", "the Turkish-backed Syrian National Army"),
        ("The calculated Turkish National Army", "The Turkish-backed Syrian National Army"),
    ],
)
def test_variants_become_house_forms(test_glossary: Glossary, text: str, expected: str) -> None:
    assert normalize_terms(text, test_glossary, "en") == expected


@pytest.mark.parametrize(
    "text",
    [
        "Idlebs",  # not a whole word
        "Sotchiland",
        "xIdleb",
        "idleb",  # case-sensitive entry: lower case is not the name
        "the national army",  # a bare "national army" is never rewritten
        "Libyan National Army",
        "Sochi, Idlib and HTS",  # house forms stay
        "Kars and Qarsx",
    ],
)
def test_untouched_text_is_identical(test_glossary: Glossary, text: str) -> None:
    cleaned, edits = normalize_terms_and_explain(text, test_glossary, "en")
    assert cleaned == text
    assert edits == []


def test_first_and_later_mentions(test_glossary: Glossary) -> None:
    text = "The Syrian Liberation Committee met. Later the Levant Liberation Committee left."
    cleaned = normalize_terms(text, test_glossary, "en")
    assert cleaned == "Hayat Tahrir al-Sham (HTS) met. Later HTS left."


def test_existing_form_counts_as_first_mention(test_glossary: Glossary) -> None:
    text = "HTS said. Then the Syrian Liberation Committee left."
    assert normalize_terms(text, test_glossary, "en") == "HTS said. Then HTS left."


def test_french_article_keeps_its_own_form(test_glossary: Glossary) -> None:
    text = "Erdogan s'est rendu à Sotchi pour voir Poutine."
    assert normalize_terms(text, test_glossary, "fr") == text
    assert normalize_terms("Il part pour Sotschi.", test_glossary, "fr") == "Il part pour Sotchi."


def test_language_without_forms_is_skipped(test_glossary: Glossary) -> None:
    # Idlib has no Turkish form in the test glossary: nothing happens, no error.
    assert normalize_terms("Idleb'de", test_glossary, "tr") == "Idleb'de"


def test_split_variant_keeps_line_break(test_glossary: Glossary) -> None:
    text = (
        "attacks on the calculated Turkish\nnational army in  the Syrian Liberation\r\n"
        "Committee area"
    )
    cleaned, edits = normalize_terms_and_explain(text, test_glossary, "en")
    assert cleaned.count("\n") == 2
    assert "\r\n" in cleaned
    assert "Syrian National Army" in cleaned.replace("\n", " ")
    assert undo_edits(cleaned, edits) == text
    assert apply_edits(text, edits) == cleaned


def test_suggested_variant_is_not_applied(test_glossary: Glossary) -> None:
    cleaned, edits = normalize_terms_and_explain("in Soczi", test_glossary, "en")
    assert cleaned == "in Soczi"
    assert [(e.before, e.after, e.applied) for e in edits] == [("Soczi", "Sochi", False)]


def test_suggest_only_applies_nothing(test_glossary: Glossary) -> None:
    cleaned, edits = normalize_terms_and_explain(
        "Sotchi and Idleb", test_glossary, "en", suggest_only=True
    )
    assert cleaned == "Sotchi and Idleb"
    assert {e.after for e in edits} == {"Sochi", "Idlib"}
    assert not any(e.applied for e in edits)


def test_edits_are_attributed(test_glossary: Glossary) -> None:
    _, edits = normalize_terms_and_explain("in Idleb", test_glossary, "en")
    (edit,) = edits
    assert (edit.start, edit.end, edit.before, edit.after) == (3, 8, "Idleb", "Idlib")
    assert edit.rule == "t.idlib"
    assert edit.category == "Terminology"
    assert edit.note == "Reuters spelling."
    assert edit.source == "fixture"


def test_dotted_capital_i_does_not_shift_offsets(test_glossary: Glossary) -> None:
    text = "İstanbul and Idleb"
    cleaned, edits = normalize_terms_and_explain(text, test_glossary, "en")
    assert cleaned == "İstanbul and Idlib"
    assert edits[0].start == text.index("Idleb")


def test_non_latin_text_passes_through(test_glossary: Glossary) -> None:
    text = "«Идлиб» — إدلب\u200f Idleb\r\n"
    cleaned = normalize_terms(text, test_glossary, "en")
    assert cleaned == "«Идлиб» — إدلب\u200f Idlib\r\n"


def test_glossary_examples_in_fixture(test_glossary: Glossary) -> None:
    for entry in test_glossary.entries:
        for ex in entry.examples:
            expected = ex.text if ex.result is None else ex.result
            assert normalize_terms(ex.text, test_glossary, ex.lang) == expected, entry.id
