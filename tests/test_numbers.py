"""Numbers in a source and its translation: reading them, and the checker that compares them.

The reading (``copydesk.numbers``): digits of every script, decimal and thousands marks,
magnitudes, and the mentions that are never sure. The checker (``findings/numbers.py``):
nothing without a source, right conversions never reported, a changed number reported with
both sides, one segment pair at a time. Example rule files: an example with a source is
read and refused as the loader's other keys are. On the shared data: no ``numbers.mismatch``
finding on the human references but the reference errors the rule exists for.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copydesk.config import HouseStyle
from copydesk.errors import RuleFileError
from copydesk.findings.checker import FindContext
from copydesk.findings.numbers import (
    ADDED_RULE,
    MISMATCH_RULE,
    MISSING_RULE,
    NumbersChecker,
    iter_number_findings,
)
from copydesk.numbers import number_mentions, same_value, word_values
from copydesk.rules.loader import load_rule_file
from copydesk.rules.model import RuleSet
from copydesk.source import align
from tests.conftest import SHARED_DATA

ALL_RULES = (MISMATCH_RULE, MISSING_RULE, ADDED_RULE)


def _values(text: str) -> list[tuple[str, list[float], bool]]:
    return [(m.text, sorted(m.values), m.sure) for m in number_mentions(text)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,500", 1500.0),
        ("1.500", 1500.0),
        ("1 500", 1500.0),
        ("1\u00a0500", 1500.0),
        ("1\u202f500\u202f000", 1500000.0),
        ("1,234.5", 1234.5),
        ("1.234,5", 1234.5),
        ("3,5", 3.5),
        ("١٢٣", 123.0),
        ("۱۲۳", 123.0),
        ("٦٫٥ مليار", 6.5e9),
        ("3万", 30000.0),
        ("2.5亿", 2.5e8),
        ("1万5千", 15000.0),
        ("1,5 млн", 1.5e6),
        ("12 тыс.", 12000.0),
        ("4 млрд", 4e9),
        ("2 Millionen", 2e6),
        ("3,2 Milliarden", 3.2e9),
        ("7 millones", 7e6),
        ("7 mil millones", 7e9),
        ("4 milliards", 4e9),
        ("3 Billionen", 3e12),
        ("2.5 billion.", 2.5e9),
        ("5 bin", 5000.0),
        ("3 milyon", 3e6),
        ("2 مليون", 2e6),
        ("5千", 5000.0),
        ("4 millions", 4e6),
        ("2 Milliarden", 2e9),
        ("1,2 milyar", 1.2e9),
        ("3 ألف", 3000.0),
        ("£44m", 44e6),
        ("50%", 50.0),
    ],
)
def test_a_number_is_worth_what_it_says(text: str, value: float) -> None:
    (mention,) = number_mentions(text)
    assert any(same_value(value, v) for v in mention.values), (text, mention)
    assert mention.sure


def test_a_separator_that_may_mark_decimals_or_thousands_gives_both_readings() -> None:
    assert _values("1,500 and 1,5") == [("1,500", [1.5, 1500.0], True), ("1,5", [1.5], True)]


@pytest.mark.parametrize(
    "text",
    ["G7", "COVID-19", "F-16", "MH17", "5G", "3rd", "3-й", "10:30", "10.30 Uhr", "6 p.m.",
     "10-20", "2010–2015", "12.03.2020", "am 3. März", "200 feet", "45 Metern", "115 Fahrenheit",
     "第3"],
)  # fmt: skip
def test_numbers_in_names_ordinals_times_ranges_dates_and_measures_are_not_sure(text: str) -> None:
    assert number_mentions(text)
    assert not any(m.sure for m in number_mentions(text)), number_mentions(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("two", 2.0),
        ("twenty-five", 25.0),
        ("fünfundzwanzig", 25.0),
        ("zweieinhalb Millionen", 2.5e6),
        ("half a million", 5e5),
        ("a dozen", 12.0),
        ("zehnmal", 10.0),
        ("三万五千", 35000.0),
        ("两千", 2000.0),
        ("一百五十万", 1.5e6),
        ("三十亿", 3e9),
        ("百分之五十", 50.0),
        ("тридцать", 30.0),
        ("drei Milliarden", 3e9),
    ],
)
def test_number_words_confirm_a_number(text: str, value: float) -> None:
    assert value in word_values(text)


def test_rounding_is_the_same_value_a_different_figure_is_not() -> None:
    assert same_value(1.53e6, 1.5e6)
    assert same_value(2.5, 2.5)
    assert not same_value(1.5e6, 1.5e9)
    assert not same_value(585.0, 858.0)
    assert not same_value(1.0, 2.0)
    assert not same_value(31.0, 30.0)
    assert not same_value(40001.0, 40000.0)


def _findings(source: str, target: str, source_lang: str = "en") -> list[tuple[str, str]]:
    context = FindContext(
        "en", RuleSet("en", (), "none"), HouseStyle(enabled=ALL_RULES),
        source=align(source, target, source_lang),
    )  # fmt: skip
    return [(f.rule, f.text) for f in iter_number_findings(target, context, ALL_RULES)]


@pytest.mark.parametrize(
    ("source", "target", "source_lang"),
    [
        ("该公司裁员3万人。", "The company cut 30,000 jobs.", "zh"),
        ("该公司裁员3万人。", "The company cut 30 thousand jobs.", "zh"),
        ("Бюджет 1,5 млн рублей.", "A budget of 1.5 million roubles.", "ru"),
        ("Бюджет 1 500 000 рублей.", "A budget of 1,500,000 roubles.", "ru"),
        ("بلغت ٦٫٥ مليار دولار", "It reached 6.5 billion dollars.", "ar"),
        ("Два человека погибли.", "2 people died.", "ru"),
        ("2 people died.", "Two people died.", "en"),
        ("Die Quote lag bei 3,4 Prozent.", "The rate was 3.4%.", "de"),
        ("Es costó 7 mil millones.", "It cost 7 billion.", "es"),
        ("Лидеры G7 встретились.", "The G8 leaders met.", "ru"),
        ("我们有两百万种蛋白质。", "We have two million proteins.", "zh"),
    ],
)
def test_right_conversions_never_report(source: str, target: str, source_lang: str) -> None:
    assert _findings(source, target, source_lang) == []


def test_a_changed_number_is_reported_on_the_target_with_both_sides() -> None:
    source, target = "Inflation rose to 4.3 percent.", "Die Inflation stieg auf 3,4 Prozent."
    context = FindContext(
        "de", RuleSet("de", (), "none"), HouseStyle(), source=align(source, target, "en")
    )
    (finding,) = NumbersChecker().find(target, context)
    assert (finding.rule, finding.text, finding.category) == (
        MISMATCH_RULE,
        "3,4",
        "Accuracy/Mistranslation",
    )
    assert "3,4" in finding.message and "4.3" in finding.message


def test_a_wrong_magnitude_is_a_mismatch() -> None:
    assert _findings("Фонд потратил 2,5 млн долларов.", "The fund spent $2.5 billion.", "ru") == [
        (MISMATCH_RULE, "2.5 billion")
    ]


def test_missing_and_added_numbers_report_by_their_own_rules() -> None:
    assert _findings("Police arrested 17 people.", "Police arrested several people.") == [
        (MISSING_RULE, "Police arrested several people.")
    ]
    assert _findings("Police arrested several people.", "Police arrested 17 people.") == [
        (ADDED_RULE, "17")
    ]


def test_numbers_compare_within_their_segment_pair() -> None:
    source = "Twelve people came.\nThe rest stayed home."
    target = "The rest stayed home.\n12 people came."
    assert _findings(source, target) == [(ADDED_RULE, "12")]
    assert _findings(source.replace("\n", " "), target.replace("\n", " ")) == []


def test_without_a_source_the_checker_finds_nothing() -> None:
    context = FindContext("en", RuleSet("en", (), "none"), HouseStyle(enabled=ALL_RULES))
    assert list(NumbersChecker().find("It cost 5 million.", context)) == []


def test_only_mismatch_reports_by_default() -> None:
    context = FindContext(
        "en", RuleSet("en", (), "none"), HouseStyle(),
        source=align("Police arrested 17 people.", "Police arrested 71 and 3 people.", "en"),
    )  # fmt: skip
    assert [f.rule for f in NumbersChecker().find("Police arrested 71 and 3 people.", context)] == [
        MISMATCH_RULE
    ]


SOURCED_RULE = """\
source: test
defaults: {category: Accuracy/Mistranslation, severity: major}
rules:
  - name: x
    extends: checker
    message: "m"
    examples:
      flag:
        - {text: "It cost 5.", source: "Es kostete 6.", lang: en, source_lang: de}
        - "plain text"
      pass:
        - {text: "It cost 5.", source: "Es kostete 5."}
"""


def test_an_example_may_carry_its_source(tmp_path: Path) -> None:
    path = tmp_path / "numbers.yaml"
    path.write_text(SOURCED_RULE, encoding="utf-8")
    (rule,) = load_rule_file(path, frozenset())
    assert rule.examples_flag == ("It cost 5.", "plain text")
    assert rule.examples_pass == ("It cost 5.",)
    flag = rule.sourced("flag", "It cost 5.")
    assert flag is not None
    assert (flag.source, flag.language, flag.source_language) == ("Es kostete 6.", "en", "de")
    passing = rule.sourced("pass", "It cost 5.")
    assert passing is not None and passing.source == "Es kostete 5."
    assert rule.sourced("flag", "plain text") is None


@pytest.mark.parametrize(
    ("item", "problem"),
    [
        ('{text: "a", sorce: "b"}', r"'sorce' is not a known key"),
        ('{text: "a"}', r"'source' is missing"),
        ('{text: "a", source: "b", source_lang: "??"}', r"'source_lang'"),
        ('{text: "", source: "b"}', r"'text' must be a non-empty string"),
    ],
)
def test_a_bad_example_with_a_source_names_its_place(
    tmp_path: Path, item: str, problem: str
) -> None:
    path = tmp_path / "numbers.yaml"
    path.write_text(SOURCED_RULE.replace('"plain text"', item), encoding="utf-8")
    with pytest.raises(RuleFileError, match=rf"^{path}:\d+:\d+: .*{problem}"):
        load_rule_file(path, frozenset())


def _reference_pairs(path: Path) -> set[tuple[str, str, str]]:
    pairs = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("reference"):
            pairs.add((row["lp"], row["source"], row["reference"]))
    return pairs


@pytest.mark.skipif(not (SHARED_DATA / "ml").is_dir(), reason="shared data absent")
def test_the_human_references_give_no_mismatch_but_their_own_errors() -> None:
    found = []
    names = ("mt_ende_wmt24_news.jsonl", "mt_enes_wmt24_news.jsonl", "mt_enru_wmt24_news.jsonl")
    for name in (*names, "mqm_ende_ted.jsonl"):
        for lp, source, reference in _reference_pairs(SHARED_DATA / "ml" / name):
            source_lang, target_lang = lp.split("-")
            context = FindContext(
                target_lang, RuleSet(target_lang, (), "none"), HouseStyle(),
                source=align(source, reference, source_lang),
            )  # fmt: skip
            found += [f.text for f in NumbersChecker().find(reference, context)]
    # The one finding is the reference's own error: "$16 billion" as "16 миллионов".
    assert found == ["16 миллионов"]
