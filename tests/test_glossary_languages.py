"""The glossary in every language: Russian case endings, other languages' forms as variants,
the precision rules that keep them from touching ordinary words, and lint's script check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copydesk import crosslang
from copydesk.edits import apply_edits, undo_edits
from copydesk.glossary import Entry, Form, Glossary, Variant, load_glossary
from copydesk.inflection import ENDINGS, inflect, is_case_form, paradigm
from copydesk.lint import lint_glossary
from copydesk.matcher import Automaton
from copydesk.normalize import normalize_terms, normalize_terms_and_explain
from tests.conftest import SHARED_DATA


def _glossary(*entries: Entry) -> Glossary:
    return Glossary(entries, content_hash="test-" + "-".join(e.id for e in entries))


IDLIB = Entry(
    "places.idlib",
    "place",
    {"en": Form("Idlib"), "ru": Form("Идлиб"), "de": Form("Idlib")},
    (Variant("Idleb"), Variant("Идлеб")),
)
SOCHI = Entry(
    "places.sochi",
    "place",
    {"en": Form("Sochi"), "fr": Form("Sotchi"), "de": Form("Sotschi"), "ru": Form("Сочи")},
    (),
)
SYRIA = Entry(
    "places.syria", "place", {"en": Form("Syria"), "ru": Form("Сирия")}, (Variant("Сирея"),)
)
ASSAD = Entry(
    "people.bashar-al-assad",
    "person",
    {"en": Form("Bashar al-Assad"), "ru": Form("Башар Асад")},
    (Variant("Башар аль-Ассад"),),
)
SERGEI = Entry(
    "people.sergei", "person", {"en": Form("Sergei"), "ru": Form("Сергей")}, (Variant("Серхей"),)
)
TVER = Entry("places.tver", "place", {"en": Form("Tver"), "ru": Form("Тверь")}, (Variant("Твер"),))
RUSSIAN = _glossary(IDLIB, SOCHI, SYRIA, ASSAD, SERGEI, TVER)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("в Идлеб", "в Идлиб"),
        ("в Идлебе", "в Идлибе"),
        ("из Идлеба", "из Идлиба"),
        ("над Идлебом", "над Идлибом"),
        ("ИДЛЕБА", "ИДЛИБА"),
        ("Идлеба, Идлебу", "Идлиба, Идлибу"),
        ("режим Башара аль-Ассада", "режим Башара Асада"),
        ("с Башаром аль-Ассадом", "с Башаром Асадом"),
        ("Сирея", "Сирия"),
        ("в Сирее", "в Сирее"),  # -ея and -ия decline apart: the case form is left
        ("от Твера", "от Твера"),  # a hard variant of a soft form: left alone
    ],
)
def test_russian_names_keep_their_case_ending(text: str, expected: str) -> None:
    assert normalize_terms(text, RUSSIAN, "ru") == expected


@pytest.mark.parametrize(
    "text",
    [
        "идлебский район",  # another word: an adjective made from the name
        "Идлебский район",
        "Идлебская провинция",
        "ИдлебА",  # an ending in another case than the stem
        "Идлебxyz",
        "Идлиба и Сирии",  # house forms in any case
        "Сочи",  # does not decline: no ending is accepted
    ],
)
def test_russian_words_that_are_not_case_forms_stay(text: str) -> None:
    cleaned, edits = normalize_terms_and_explain(text, RUSSIAN, "ru")
    assert (cleaned, [e for e in edits if e.applied]) == (text, [])


def test_vowel_and_soft_endings_need_their_stem() -> None:
    assert paradigm("Сирия").stem == "Сири"
    assert paradigm("Сергей").stem == "Серге"
    assert paradigm("Тверь").stem == "Твер"
    assert paradigm("Хама").stem == "Хам"
    assert paradigm("Сочи").cls == "fixed"
    assert paradigm("аль").cls == "fixed"
    assert paradigm("Исламское").cls == "adjective"
    assert paradigm("Дмитрий").cls == "iy"
    # Хама's stem is the word "хам": bare, it is no case form of Hama.
    assert "" not in ENDINGS["a"]
    assert inflect("Идлиб", "Идлеб", ("ом",)) == "Идлибом"
    assert inflect("Тверь", "Твер", ("а",)) is None
    assert is_case_form("Сирией", "Сирия") and is_case_form("ПУТИНЫМ", "Путин")
    assert not is_case_form("Хам", "Хама") and not is_case_form("Идлибский", "Идлиб")


def test_soft_and_y_stems_in_text() -> None:
    assert normalize_terms("Серхею и Серхеем", RUSSIAN, "ru") == "Сергею и Сергеем"


def test_case_endings_are_one_pass_with_a_bounded_number_of_keys() -> None:
    automaton = Automaton(RUSSIAN)
    # Each declining spelling adds its inner words' endings, never a key per case form
    # of its last word.
    assert automaton.size < 200
    long_name = Entry(
        "people.long",
        "person",
        {"ru": Form("Первый Второй Третий Четвёртый Пятый")},
        (Variant("Первыи Второи Третии Четвёртыи Пятыи"),),
    )
    assert Automaton(_glossary(long_name)).size <= 2 * 512 + 2


def test_yo_and_ye_are_one_letter() -> None:
    semyonov = Entry(
        "people.semyonov", "person", {"en": Form("Semyonov"), "ru": Form("Семёнов")},
        (Variant("Семьонов"),),
    )  # fmt: skip
    glossary = _glossary(semyonov)
    assert _changes("с Семеновым и Семёновым", "ru", glossary) == []
    assert normalize_terms("у Семьонова", glossary, "ru") == "у Семёнова"


def test_replay_undo_and_idempotence_with_endings() -> None:
    text = "Над Идлебом и в Идлебе; режим Башара аль-Ассада."
    cleaned, edits = normalize_terms_and_explain(text, RUSSIAN, "ru")
    assert apply_edits(text, edits) == cleaned
    assert undo_edits(cleaned, edits) == text
    assert normalize_terms(cleaned, RUSSIAN, "ru") == cleaned


# -- other languages' forms --------------------------------------------------------------

MIR = Entry(
    "terms.mir", "term", {"en": Form("Mir"), "de": Form("Mir-Raumstation")}, ()
)  # an English form that is a German word
LIBYA = Entry("places.libya", "place", {"fr": Form("Libye"), "de": Form("Libyen")}, ())
UN = Entry("organisations.un", "organisation", {"en": Form("UN"), "fr": Form("ONU")}, ())
EU = Entry("organisations.eu", "organisation", {"en": Form("EU"), "fr": Form("UE")}, ())
PUTIN = Entry(
    "people.putin",
    "person",
    {
        "en": Form("Vladimir Putin"),
        "de": Form("Wladimir Putin"),
        "es": Form("Vladímir Putin"),
        "ru": Form("Владимир Путин"),
    },
    (Variant("Vladimir Poutine"), Variant("Wladimir Putin", apply=False)),
)
HTS = Entry(
    "organisations.hts",
    "organisation",
    {
        "en": Form("Hayat Tahrir al-Sham (HTS)", "HTS"),
        "de": Form("Haiat Tahrir al-Scham (HTS)", "HTS"),
        "fr": Form("Hayat Tahrir al-Cham (HTC)", "HTC"),
    },
    (),
)
FOREIGN = _glossary(IDLIB, SOCHI, MIR, LIBYA, UN, EU, PUTIN, HTS)


def _changes(text: str, lang: str, glossary: Glossary = FOREIGN) -> list[tuple[str, str, bool]]:
    return [
        (e.before, e.after, e.applied) for e in normalize_terms_and_explain(text, glossary, lang)[1]
    ]


@pytest.mark.skipif(not crosslang.has_dictionary("de"), reason="no German hunspell list")
def test_english_and_french_forms_become_the_german_form() -> None:
    text = "Sochi und Sotchi, nicht Sotschi."
    assert normalize_terms(text, FOREIGN, "de") == "Sotschi und Sotschi, nicht Sotschi."
    assert normalize_terms("Sotchi", FOREIGN, "fr") == "Sotchi"  # French keeps its own
    assert normalize_terms("Sotschi et Sochi", FOREIGN, "fr") == "Sotchi et Sotchi"


def test_a_form_spelled_the_same_in_two_languages_stays() -> None:
    assert _changes("Idlib liegt im Norden.", "de") == []


@pytest.mark.skipif(not crosslang.has_dictionary("fr"), reason="no French hunspell list")
def test_a_form_that_is_a_word_of_the_language_is_left() -> None:
    assert _changes("Mir ist das egal.", "de") == []  # "mir" is a German pronoun
    assert _changes("Un Libyen a été arrêté.", "fr") == []  # a Libyan, not Libya
    assert _changes("UN HOMME", "fr") == []  # "un" in capitals


def test_transliterations_accents_and_acronyms_are_only_suggested() -> None:
    assert _changes("Владимир Путин в Сочи", "en") == [
        ("Владимир Путин", "Vladimir Putin", False),
        ("Сочи", "Sochi", False),
    ]
    assert _changes("Vladimir Putin", "ru") == [("Vladimir Putin", "Владимир Путин", False)]
    assert _changes("Vladimir Putin llegó.", "es") == [("Vladimir Putin", "Vladímir Putin", False)]
    assert _changes("The UE said.", "en") == [("UE", "EU", False)]


def test_a_variant_of_the_entry_decides_over_the_foreign_form() -> None:
    # "Wladimir Putin" is the German form and an explicit variant that is only suggested.
    assert _changes("Wladimir Putin said", "en") == [("Wladimir Putin", "Vladimir Putin", False)]
    assert _changes("Vladimir Poutine sagte", "de") == [
        ("Vladimir Poutine", "Wladimir Putin", True)
    ]


def test_first_and_later_foreign_forms_map_to_first_and_later_forms() -> None:
    text = "Hayat Tahrir al-Cham (HTC) a dit. HTC a ajouté."
    assert _changes(text, "de") == [
        ("Hayat Tahrir al-Cham (HTC)", "Haiat Tahrir al-Scham (HTS)", True),
        ("HTC", "HTS", False),  # three letters: an acronym is only suggested
    ]


def test_a_foreign_form_of_two_entries_that_disagree_changes_nothing() -> None:
    one = Entry("places.one", "place", {"en": Form("Nowhereton"), "de": Form("Nirgendwo")}, ())
    two = Entry("places.two", "place", {"en": Form("Nowhereton"), "de": Form("Anderswo")}, ())
    assert _changes("Nowhereton liegt weit.", "de", _glossary(one, two)) == []


def test_without_a_dictionary_one_word_forms_are_only_suggested(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from copydesk.findings import dictionaries

    monkeypatch.setattr(dictionaries, "DICTIONARY_DIRS", (str(tmp_path),))
    monkeypatch.delenv("DICPATH", raising=False)
    caches = (
        dictionaries.hunspell_dictionary,
        dictionaries.word_dictionary,
        crosslang.foreign_form_policy,
    )
    for cached in caches:
        cached.cache_clear()
    try:
        assert _changes("Sochi", "de") == [("Sochi", "Sotschi", False)]
        assert _changes("Vladimir Poutine sagte", "de")[0][2] is True  # names of two words
    finally:
        for cached in caches:
            cached.cache_clear()


@pytest.mark.skipif(not crosslang.has_dictionary("de"), reason="no German hunspell list")
def test_foreign_forms_are_applied_with_a_dictionary() -> None:
    assert _changes("Sochi", "de") == [("Sochi", "Sotschi", True)]


# -- lint ---------------------------------------------------------------------------------


def test_lint_reports_a_form_in_another_script(tmp_path: Path) -> None:
    (tmp_path / "places.yaml").write_text(
        "domain: places\nentries:\n  - id: idlib\n    type: place\n    forms:\n"
        "      en: Idlib\n      ru: Идлиb\n      de: Идлиб\n"
        "  - id: anadolu\n    type: organisation\n    forms:\n"
        "      en: Anadolu\n      ru: агентство Anadolu\n",
        encoding="utf-8",
    )
    problems = [str(p) for p in lint_glossary(load_glossary(tmp_path))]
    assert [p.split(": ", 1)[1] for p in problems] == [
        "script: places.idlib: the de form 'Идлиб': has Cyrillic letters",
        "script: places.idlib: the ru form 'Идлиb': the word 'Идлиb' mixes Latin and "
        "Cyrillic letters",
    ]
    assert all(p.startswith(f"{tmp_path / 'places.yaml'}:3: ") for p in problems)


def test_a_variant_in_another_script_is_applied_like_any_variant() -> None:
    sna = Entry(
        "organisations.sna",
        "organisation",
        {"en": Form("Syrian National Army"), "ru": Form("Сирийская национальная армия")},
        (Variant("Suriye Milli Ordusu"),),
    )
    text = "бойцы «Suriye Milli Ordusu» продвинулись"
    assert _changes(text, "ru", _glossary(sna)) == [
        ("Suriye Milli Ordusu", "Сирийская национальная армия", True)
    ]


def test_shipped_people_have_a_form_in_every_language() -> None:
    people = [e for e in load_glossary().entries if e.type == "person"]
    assert len(people) >= 37
    missing = [e.id for e in people if not {"en", "ru"} <= set(e.forms)]
    # No agency usage found for these in Russian: left out, not guessed.
    assert missing == ["people.abu-mohammed-al-golani", "people.mustafa-sejari"]
    assert sum("de" in e.forms for e in people) >= 30


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["de", "es", "ru"])
def test_no_applied_term_edit_on_human_references(lang: str, shipped_glossary: Glossary) -> None:
    path = SHARED_DATA / "ml" / f"mt_en{lang}_wmt24_news.jsonl"
    if not path.exists():
        pytest.skip(f"shared data not present: {path}")
    references = {json.loads(line)["reference"] for line in path.open(encoding="utf-8")}
    applied = [
        (e.before, e.after)
        for text in sorted(references)
        for e in normalize_terms_and_explain(text, shipped_glossary, lang)[1]
        if e.applied
    ]
    assert applied == []


def test_a_capital_the_variant_itself_has_is_not_carried_into_mid_sentence() -> None:
    from copydesk.glossary import Entry, Form, Glossary, Variant
    from copydesk.normalize import normalize_terms_and_explain

    wagner = Entry(
        "organisations.wagner",
        "organisation",
        {"fr": Form("groupe Wagner")},
        (Variant("Wagner Group"),),
    )
    glossary = Glossary((wagner,), "test-wagner-capital")
    mid, _ = normalize_terms_and_explain(
        "Les mercenaires du Wagner Group sont partis.", glossary, "fr"
    )
    assert mid == "Les mercenaires du groupe Wagner sont partis."
    first, _ = normalize_terms_and_explain("Il a parlé. Wagner Group a nié.", glossary, "fr")
    assert first == "Il a parlé. Groupe Wagner a nié."
