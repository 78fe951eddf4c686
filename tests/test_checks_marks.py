"""The punctuation packs of de, fr, es and ru: locale quotation marks per house style, and
their figures on the shared MT data and human references.

The examples of each rule run in ``tests/test_rule_examples.py``; here: text in the locale's
own marks is never touched, the house style's ``[quotes]`` choice decides which marks are
right and which are suggested, and the measured precision and false-alarm rates hold.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from copydesk.config import HouseStyle
from copydesk.findings.phrasing import find_issues
from copydesk.model import Result
from copydesk.pipeline import clean
from copydesk.rules import RuleSet, fix_text_and_explain, load_rules
from copydesk.rules.checks import CheckContext
from copydesk.rules.checks_marks import (
    foreign_double_quotes,
    straight_double_quotes,
    straight_single_quotes,
)
from copydesk.scores.mqm import count_words
from copydesk.settings import default_settings

from .conftest import SHARED_DATA

ML = SHARED_DATA / "ml"

# Articles written as each locale's agencies write them: no punctuation rule may touch them.
LOCALE_ARTICLES = {
    "de": (
        "Die Ministerin sprach von einem „historischen Tag“ – und sie meinte es ernst.\n\n"
        "„Wir nennen das ‚Fortschritt‘“, sagte sie. Die Preise stiegen um 5 %.\n"
        "McDonald’s und Hans’ Bäckerei waren geschlossen."
    ),
    "fr": (
        "La ministre a parlé d’un «\u00a0jour historique\u00a0»\u00a0: elle était sérieuse.\n\n"
        "«\u00a0Nous appelons cela “le progrès”\u00a0», a-t-elle dit. Pourquoi\u202f?"
        " Les prix ont augmenté de 5\u00a0%."
    ),
    "es": (
        "La ministra habló de un «día histórico» —y lo decía en serio—.\n\n"
        "«Lo llamamos “progreso”», dijo. ¿Por qué? Si gana, ¡qué fiesta!"
    ),
    "ru": (
        "Министр говорила об «историческом дне» — и говорила всерьёз.\n\n"
        "«Мы называем это „прогрессом“», — сказала она. Цены выросли на 5%."
    ),
}


@cache
def _pack(language: str) -> RuleSet:
    """The language's punctuation rules only, every one of them (also those off by default)."""
    rules = load_rules(language)
    own = tuple(r for r in rules.rules if r.id.startswith(f"{language}.punctuation."))
    return RuleSet(language, own, rules.content_hash)


def _every_rule(language: str) -> HouseStyle:
    return HouseStyle(enabled=(f"{language}.punctuation",))


@pytest.mark.parametrize("language", sorted(LOCALE_ARTICLES))
def test_text_in_the_locales_own_marks_is_left_alone(language: str) -> None:
    text = LOCALE_ARTICLES[language]
    style = _every_rule(language)
    assert find_issues(text, _pack(language), style) == []
    assert fix_text_and_explain(text, _pack(language), style) == (text, [])


def test_a_german_article_comes_out_byte_for_byte() -> None:
    text = LOCALE_ARTICLES["de"]
    result = clean(text, language="de")
    assert result.cleaned == text
    assert not [f for f in result.findings if f.rule.startswith("de.punctuation")]


def test_straight_quotes_are_reported_once_per_pair_at_the_opening_mark() -> None:
    text = 'Er nannte es "dumm" und "gefährlich".\nDann: „Nein".'
    hits = list(straight_double_quotes(text, CheckContext(quotes="„“‚‘")))
    assert [(text[h.start - 1 : h.start + 2], h.replacement) for h in hits] == [
        (' "d', "„"),
        (' "g', "„"),
        ('n".', "“"),
    ]


def test_inch_signs_and_apostrophes_are_not_quotation_marks() -> None:
    text = "Der Monitor misst 27\". McDonald's, Hans' Auto, die '90er."
    context = CheckContext(quotes="„“‚‘")
    assert list(straight_double_quotes(text, context)) == []
    assert list(straight_single_quotes(text, context)) == []


def test_the_house_style_decides_which_marks_are_right() -> None:
    chevrons = HouseStyle(quote_marks={"de": "»«›‹"})
    assert chevrons.quotes("de") == "»«›‹"
    context = CheckContext(quotes=chevrons.quotes("de"))
    assert list(foreign_double_quotes("Er sprach von »Fortschritt«.", context)) == []
    hits = list(foreign_double_quotes("Er sprach von „Fortschritt“.", context))
    assert [h.replacement for h in hits] == ["»", "«"]
    straight = list(straight_double_quotes('Er sprach von "Fortschritt".', context))
    assert [h.replacement for h in straight] == ["»"]


def test_the_house_style_reaches_the_rules_through_the_pack() -> None:
    pack = _pack("de")
    text = "Er sprach von »Fortschritt« und von „Stillstand“."
    default = [f.text for f in find_issues(text, pack) if f.rule == "de.punctuation.foreign-quotes"]
    assert default == ["»", "«"]
    style = HouseStyle(quote_marks={"de": "»«›‹"})
    chosen = find_issues(text, pack, style)
    assert [(f.text, f.replacement) for f in chosen] == [("„", "»"), ("“", "«")]


def test_a_style_file_with_quotes_changes_the_suggestion_and_the_signature(
    tmp_path: Path,
) -> None:
    text = 'Der Minister sprach von "Fortschritt" und von »Stillstand«.'
    default = clean(text, default_settings(), language="de")
    style = tmp_path / "copydesk.toml"
    style.write_text('[quotes]\nde = "»«›‹"\n', encoding="utf-8")
    chosen = clean(text, default_settings(style_file=style), language="de")
    assert chosen.signature != default.signature
    assert chosen.cleaned == default.cleaned == text

    def marks(result: Result) -> list[tuple[str, str | None]]:
        return [(f.text, f.replacement) for f in result.findings if "quotes" in f.rule]

    assert marks(default) == [('"', "„"), ("»", "„"), ("«", "“")]
    assert marks(chosen) == [('"', "»")]


def test_spanish_straight_quotes_follow_the_desk() -> None:
    text = 'El ministro habló de "progreso".'
    assert find_issues(text, _pack("es")) == []  # the references write them: off by default
    style = HouseStyle(enabled=("es.punctuation.straight-quotes",), quote_marks={"es": "“”‘’"})
    assert [f.replacement for f in find_issues(text, _pack("es"), style)] == ["“"]


def test_french_spaces_become_no_break_spaces_and_nothing_else_changes() -> None:
    text = "Il a dit « non » : pourquoi ? Parce que."
    fixed, edits = fix_text_and_explain(text, _pack("fr"), _every_rule("fr"))
    assert fixed == "Il a dit «\u00a0non\u00a0»\u00a0: pourquoi\u00a0? Parce que."
    assert {e.before for e in edits} == {" "}
    assert fix_text_and_explain(fixed, _pack("fr"), _every_rule("fr")) == (fixed, [])


# --- figures on the shared data ---------------------------------------------------------------


def _rows(name: str) -> list[dict[str, object]]:
    path = ML / name
    if not path.exists():
        pytest.skip(f"shared data not present: {path}")
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _overlaps(start: int, end: int, spans: list[dict[str, object]]) -> bool:
    return any(
        start < int(str(s["end"])) and int(str(s["start"])) < end
        for s in spans
        if s.get("side", "target") == "target"
    )


def test_german_news_mqm_precision() -> None:
    flags = right = 0
    for row in _rows("mqm_ende_generalMT2023_news.jsonl"):
        if row["errors"] is None:
            continue  # no annotation: not error-free
        spans = list(row["errors"])  # type: ignore[call-overload]
        for finding in find_issues(str(row["target"]), _pack("de")):
            flags += 1
            right += _overlaps(finding.start, max(finding.end, finding.start + 1), spans)
    assert flags >= 200
    assert right / flags >= 0.75


@pytest.mark.parametrize(
    ("language", "name", "field"),
    [
        ("de", "mt_ende_wmt24_news.jsonl", "reference"),
        ("es", "mt_enes_wmt24_news.jsonl", "reference"),
        ("ru", "mt_enru_wmt24_news.jsonl", "reference"),
        ("de", "mqm_ende_generalMT2023_refA.jsonl", "target"),
    ],
)
def test_human_references_get_no_fix_and_few_findings(language: str, name: str, field: str) -> None:
    texts = list(dict.fromkeys(str(row[field]) for row in _rows(name) if row.get(field)))
    words = findings = 0
    for text in texts:
        assert fix_text_and_explain(text, _pack(language), HouseStyle()) == (text, [])
        findings += len(find_issues(text, _pack(language)))
        words += count_words(text)
    assert 1000 * findings / words < 2.0
