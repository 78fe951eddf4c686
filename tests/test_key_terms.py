"""Source forms in the glossary, and the key-terms check against the source text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copydesk.config import HouseStyle
from copydesk.errors import GlossaryError
from copydesk.findings.checker import FindContext
from copydesk.findings.key_terms import MISSING_RULE, KeyTermsChecker, source_terms
from copydesk.glossary import Glossary, load_glossary
from copydesk.lint import lint_glossary
from copydesk.model import Finding
from copydesk.pipeline import clean
from copydesk.rules import load_rules
from copydesk.settings import default_settings
from copydesk.source import SegmentPair, SourceText, align
from tests.conftest import SHARED_DATA

FIXTURES = Path(__file__).parent / "fixtures" / "key_terms"
GLOSSARY = load_glossary()

GOOD = """\
domain: places
source: test
entries:
  - id: idlib
    type: place
    forms: {en: Idlib, ru: Идлиб}
    sources:
      ar: [إدلب, ادلب]
      tr: İdlib
    variants: [Idleb]
"""


def _load(tmp_path: Path, text: str) -> Glossary:
    (tmp_path / "places.yaml").write_text(text, encoding="utf-8")
    return load_glossary(tmp_path)


def _ids(language: str, text: str) -> list[tuple[str, str]]:
    terms = source_terms(GLOSSARY, language)
    return [(GLOSSARY.entries[h.entry_index].id, text[h.start : h.end]) for h in terms.find(text)]


def _check(source: str, text: str, source_lang: str, lang: str = "en") -> list[Finding]:
    context = FindContext(
        lang, load_rules(lang), HouseStyle(), source=align(source, text, source_lang),
        glossary=GLOSSARY,
    )  # fmt: skip
    return list(KeyTermsChecker().find(text, context))


# The glossary format


def test_sources_load_as_lists_and_single_spellings(tmp_path: Path) -> None:
    (entry,) = _load(tmp_path, GOOD).entries
    assert entry.sources == {"ar": ("إدلب", "ادلب"), "tr": ("İdlib",)}
    assert entry.source_texts("ar") == ("إدلب", "ادلب")
    assert entry.source_texts("ru") == ("Идлиб",)  # a house form is a source form too
    assert entry.source_texts("fa") == ()


def test_a_file_without_sources_still_loads(tmp_path: Path) -> None:
    lines = [line for line in GOOD.splitlines() if "sources" not in line and "  ar:" not in line]
    text = "\n".join(line for line in lines if "tr: İdlib" not in line) + "\n"
    (entry,) = _load(tmp_path, text).entries
    assert entry.sources == {}


@pytest.mark.parametrize(
    ("sources", "error"),
    [
        ("AR: [إدلب]", "places.yaml:8:7: entry 'idlib' sources: 'AR' is not a language code"),
        ("ar: []", "places.yaml:8:7: entry 'idlib' sources: 'ar' must list at least one"),
        ("ar: [إدلب, 3]", "places.yaml:8:"),
        ("ar: {x: y}", "places.yaml:8:7: entry 'idlib' sources: 'ar' must be a"),
    ],
    ids=["language", "empty", "not-text", "mapping"],
)
def test_bad_sources_name_file_line_and_column(tmp_path: Path, sources: str, error: str) -> None:
    with pytest.raises(GlossaryError) as caught:
        _load(tmp_path, GOOD.replace("ar: [إدلب, ادلب]", sources))
    assert error in str(caught.value)
    assert "sources" in str(caught.value)


def test_lint_reports_a_source_form_in_the_wrong_script_and_a_shared_one(tmp_path: Path) -> None:
    text = GOOD.replace("tr: İdlib", "tr: Идлиб\n      zh: Idlib") + (
        "  - id: idlib-city\n    type: place\n    forms: {en: Idlib city}\n"
        "    sources: {ar: إدلب}\n"
    )
    problems = [str(p) for p in lint_glossary(_load(tmp_path, text))]
    assert any("script" in p and "tr source form 'Идлиб'" in p for p in problems)
    assert any("script" in p and "zh source form 'Idlib'" in p for p in problems)
    assert any(": source: places.idlib-city: the ar source form 'إدلب'" in p for p in problems)


def test_the_shipped_glossary_has_sourced_forms_for_every_organisation_and_leader() -> None:
    for entry in GLOSSARY.entries:
        if entry.id.startswith(("organisations.", "people.")):
            assert entry.sources, entry.id
    assert not [p for p in lint_glossary(GLOSSARY) if p.kind in ("script", "source")]


# Matching the source


def test_arabic_forms_are_found_after_clitics_and_the_article() -> None:
    text = "وصل إلى إدلب وللرقة وبالرقة، وقصف ادلب والجيش الوطني السوري وللجيش الوطني السوري"
    assert _ids("ar", text) == [
        ("places.idlib", "إدلب"),
        ("places.raqqa", "وللرقة"),
        ("places.raqqa", "وبالرقة"),
        ("places.idlib", "ادلب"),  # alef without hamza
        ("organisations.sna", "والجيش الوطني السوري"),
        ("organisations.sna", "وللجيش الوطني السوري"),
    ]


def test_arabic_forms_inside_other_words_are_not_found() -> None:
    assert _ids("ar", "المحافظة الإدلبية والمدن السورية وسورياتيل") == []


def test_russian_forms_are_found_in_their_case_forms() -> None:
    text = "Встреча с Владимиром Путиным прошла в Сочи; обстрелы в Идлибе."
    assert [entry for entry, _ in _ids("ru", text)] == [
        "people.putin", "places.sochi", "places.idlib",
    ]  # fmt: skip


def test_chinese_forms_need_no_word_boundaries() -> None:
    assert [e for e, _ in _ids("zh", "普京说，埃尔多安在索契")] == [
        "people.putin", "people.erdogan", "places.sochi",
    ]  # fmt: skip


def test_turkish_forms_take_suffixes_after_an_apostrophe_and_need_their_capital() -> None:
    assert _ids("tr", "İdlib'de Heyet Tahrir el-Şam") == [
        ("places.idlib", "İdlib"),
        ("organisations.hts", "Heyet Tahrir el-Şam"),
    ]
    assert _ids("en", "the hama of it") == []


# The check


def test_the_seed_names_hts_word_by_word_and_drops_the_s_400() -> None:
    """The Arabic source of five of the seed's sentences, and a translation that renders
    هيئة تحرير الشام as "the Levant Liberation Authority" (no glossary variant) and leaves out
    إس-400; every other name is a house form or a known variant."""
    source = (FIXTURES / "sochi-summit.ar.txt").read_text(encoding="utf-8")
    target = (FIXTURES / "sochi-summit.en.txt").read_text(encoding="utf-8")
    cleaned = clean(target.encode(), default_settings(), name="sochi-summit.txt").cleaned
    for text in (target, cleaned):
        findings = _check(source, text, "ar")
        lines = [text[: f.start].count("\n") + 1 for f in findings]
        assert lines == [2, 5]
        hts, s400 = findings
        assert "Levant Liberation Authority" in hts.text
        assert hts.rule == MISSING_RULE and hts.category.startswith("Terminology")
        assert "هيئة تحرير الشام" in hts.message and "organisations.hts" in hts.message
        assert hts.advice == "name it 'Hayat Tahrir al-Sham (HTS)'"
        assert "إس-400" in s400.message and s400.advice == "name it 'S-400'"


def test_no_source_the_same_language_or_an_unknown_one_gives_nothing() -> None:
    text = "The Levant Liberation Authority took the town."
    context = FindContext("en", load_rules("en"), HouseStyle(), glossary=GLOSSARY)
    assert list(KeyTermsChecker().find(text, context)) == []
    assert _check("Hayat Tahrir al-Sham took the town.", text, "en") == []
    assert _check("هيئة تحرير الشام سيطرت على البلدة", text, "und") == []


def test_a_source_language_without_source_forms_is_a_note() -> None:
    text = "The Levant Liberation Authority took the town."
    context = FindContext(
        "en", load_rules("en"), HouseStyle(), source=align("어쩌구", text, "ko"), glossary=GLOSSARY
    )
    assert list(KeyTermsChecker().find(text, context)) == []
    assert context.notes == ["key terms: the glossary has no ko source forms"]


@pytest.mark.parametrize(
    ("source", "source_lang", "text", "lang"),
    [
        ("أردوغان يزور موسكو", "ar", "Erdogan visits Moscow", "en"),  # a surname alone
        ("قصف في إدلب", "ar", "Shelling in Idleb", "en"),  # a variant
        ("Kämpfe in Nordsyrien", "de", "Fighting in northern Syria", "en"),
        ("Earthquake in northern Syria", "en", "Erdbeben in Nordsyrien", "de"),  # a compound
        ("Putin met Erdogan", "en", "Путин встретился с Эрдоганом", "ru"),
        ("Vladimir Putin spoke", "en", "Выступил Владимир Путин, а затем Путина спросили", "ru"),
        ("Talks in Syria", "en", "Conversaciones sirias", "es"),  # the stem of a one-word name
    ],
)
def test_accepted_spellings_give_no_finding(
    source: str, source_lang: str, text: str, lang: str
) -> None:
    assert _check(source, text, source_lang, lang) == []


def test_each_entry_is_reported_once_per_segment_and_segments_stay_apart() -> None:
    source = "هيئة تحرير الشام وهيئة تحرير الشام\nبوتين في سوتشي"
    text = "The Levant Liberation Authority, again.\nPutin in the resort."
    findings = _check(source, text, "ar")
    assert [(f.text, f.advice) for f in findings] == [
        ("The Levant Liberation Authority, again.", "name it 'Hayat Tahrir al-Sham (HTS)'"),
        ("Putin in the resort.", "name it 'Sochi'"),
    ]


@pytest.mark.skipif(not (SHARED_DATA / "ml").is_dir(), reason="shared data not present")
def test_human_references_against_their_sources_give_no_finding() -> None:
    checked = 0
    for path in sorted((SHARED_DATA / "ml").glob("*.jsonl")):
        pairs = set()
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("reference"):
                pairs.add((row["lp"], row["source"], row["reference"]))
        for lp, source, reference in sorted(pairs):
            source_lang, lang = lp.split("-")
            if source_terms(GLOSSARY, source_lang).find(source):
                checked += 1
                assert _check(source, reference, source_lang, lang) == [], (path.name, source)
    assert checked >= 6


def test_a_name_inside_a_longer_one_is_part_of_it() -> None:
    assert [e for e, _ in _ids("ar", "قوات سوريا الديمقراطية في سوريا")] == [
        "organisations.sdf", "places.syria",
    ]  # fmt: skip
    assert _check("قوات سوريا الديمقراطية (قسد)", "The SDF said so.", "ar") == []


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("دعم حزب العمال الكردستاني", "support for the Kurdistan Workers’ Party"),  # sources.en
        ("هيئة تحرير الشام", "Hayat Tahrir al-Sham took the town"),  # a form without its acronym
        ("هيئة تحرير الشام", "HTS took the town"),  # the later form
        ("الخوذ البيضاء", "Syrian Civil Defence volunteers"),
    ],
)
def test_the_names_english_press_writes_are_accepted(source: str, text: str) -> None:
    assert _check(source, text, "ar") == []


def test_arabic_vowel_marks_and_the_tatweel_do_not_hide_a_name() -> None:
    text = "قصف في إِدْلِبَ ومدينة حلـــب"
    found = _ids("ar", text)
    assert found == [("places.idlib", "إِدْلِبَ"), ("places.aleppo", "حلـــب")]


def test_ukrainian_forms_take_the_endings_they_share_with_russian() -> None:
    assert [e for e, _ in _ids("uk", "Зустріч з Путіним? Ні: бої під Ідлібом, візит Путіна")] == [
        "places.idlib", "people.putin",
    ]  # fmt: skip


def test_after_an_alignment_by_length_a_name_one_segment_away_counts() -> None:
    source = "هيئة تحرير الشام سيطرت على البلدة"
    text = "Fighters took the town.\nHTS said so."
    pairs = (SegmentPair(0, len(source), 0, 23), SegmentPair(len(source), len(source), 24, 36))
    for method, expected in (("sentences", []), ("lines", ["Fighters took the town."])):
        aligned = SourceText(source, "ar", method, pairs)
        context = FindContext("en", load_rules("en"), HouseStyle(), source=aligned)
        assert [f.text for f in KeyTermsChecker().find(text, context)] == expected, method


def test_findings_on_one_segment_keep_the_source_order_in_every_process() -> None:
    """Two entries missing from the same segment give two findings on the same span; the
    report lists them in the order the source names them, whatever the string hash seed."""
    source = "Kämpfe in Syrien und in Gaziantep.\nPutin in Sotschi."
    text = "Fighting in the country and in the city.\nPutin in the resort."
    result = clean(text, default_settings(), language="en", source=source, source_language="de")
    missing = [f for f in result.findings if f.rule == MISSING_RULE]
    assert [f.advice for f in missing] == [
        "name it 'Syria'",
        "name it 'Gaziantep'",
        "name it 'Sochi'",
    ]
