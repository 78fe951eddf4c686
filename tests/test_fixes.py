"""Safe fixes of the English pack: what they change, what they must leave alone."""

from __future__ import annotations

import itertools
import random

import pytest

from copydesk.edits import apply_edits
from copydesk.rules import RuleSet, fix_text_and_explain, load_rules


@pytest.fixture(scope="module")
def english() -> RuleSet:
    return load_rules("en")


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("Damascus، Homs ، Aleppo،and Hama.", "Damascus, Homs, Aleppo, and Hama."),
        ("Why now؟ Prices rose؛ wages fell.", "Why now? Prices rose; wages fell."),
        ("It reached ٦٫٥ billion, or ۱٬۲۰۰ million.", "It reached 6.5 billion, or 1,200 million."),
        ("Near İdlib and İSTANBUL.", "Near Idlib and ISTANBUL."),
        ("The «Astana» and „Minsk“ formats.", "The “Astana” and “Minsk” formats."),
        ("Ale\u200bppo\u200f and Latـakia\ufeff.", "Aleppo and Latakia."),
        ("The end ، \u200f", "The end, "),
        ("He said «Aleppo\u200f has ٣ gates».", "He said “Aleppo has 3 gates”."),
    ],
)
def test_fixes(english: RuleSet, text: str, fixed: str) -> None:
    result, edits = fix_text_and_explain(text, english)
    assert result == fixed
    assert apply_edits(text, edits) == fixed
    assert all(e.applied and e.rule.startswith("en.script.") for e in edits)
    assert fix_text_and_explain(result, english) == (result, [])


def test_edit_categories(english: RuleSet) -> None:
    _, edits = fix_text_and_explain("Homs، ٣ «x» İzmir\u200b.", english)
    assert {e.rule: e.category for e in edits} == {
        "en.script.arabic-comma": "Fluency/Punctuation",
        "en.script.eastern-digits": "Locale convention",
        "en.script.guillemets": "Locale convention",
        "en.script.dotted-capital-i": "Locale convention",
        "en.script.zero-width": "Fluency/Punctuation",
    }


@pytest.mark.parametrize(
    "text",
    [
        "The minister said: «سنواصل العمل، بلغت الاستثمارات ٦٫٥ مليار دولار» on Monday.",
        "He quoted the verse لماذا؟ and the Persian می\u200cخواهم, then left.",
        "ارتفعت الأسعار؛ انخفضت الأجور",
        "The name كلمـة keeps its kashida, and محمد\u200f keeps its mark.",
        "The paper «Известия» and the firm „Газпром“ declined to comment.",
    ],
)
def test_arabic_and_cyrillic_text_is_left_alone(english: RuleSet, text: str) -> None:
    assert fix_text_and_explain(text, english) == (text, [])


def test_mixed_article_changes_only_the_latin_parts(english: RuleSet) -> None:
    text = "In İdlib، officials said «نعم، ٣ مرات» twice، on ٣ May."
    fixed, edits = fix_text_and_explain(text, english)
    assert fixed == "In Idlib, officials said «نعم، ٣ مرات» twice, on 3 May."
    assert [(e.before, e.after) for e in edits] == [("İ", "I"), ("،", ","), ("،", ","), ("٣", "3")]
    assert apply_edits(text, edits) == fixed


def test_house_rules_never_fix(english: RuleSet) -> None:
    text = "Regime forces shelled the town; the Zionist entity denied it."
    assert fix_text_and_explain(text, english) == (text, [])


def test_fixes_are_idempotent_on_random_mixes(english: RuleSet) -> None:
    # Removing a mark changes its neighbours' context; passes repeat until nothing changes.
    alphabet = "ab Z.,1\n،؛؟٠٣۵٫٬«»„“”İبمـ\u200e\u200f\u202b\u200b\u200c\ufeff"
    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 20)))
        fixed, edits = fix_text_and_explain(text, english)
        assert apply_edits(text, edits) == fixed
        assert all(a.end <= b.start for a, b in itertools.pairwise(edits))
        assert fix_text_and_explain(fixed, english) == (fixed, []), repr(text)
