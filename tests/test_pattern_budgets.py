"""Time budgets of the library's own patterns and checks, and of the budget test itself.

Every compiled pattern held by a module of ``copydesk`` and every registered check must get
through 50 KB of adversarial input (``tests/pattern_budget.py``) within the budget. The rules of
the packs are held to the same budget in ``tests/test_rule_examples.py``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import re
from pathlib import Path

import pytest
import regex

import copydesk
from copydesk.findings.spelling import _SKIP_RE
from copydesk.report import _MD_LINE_START, escape_markdown
from copydesk.rules import load_rules
from copydesk.rules.checks import CHECKS, CheckContext
from tests.pattern_budget import (
    BUDGET,
    SIZE,
    SLOW_RULES,
    finditer_all,
    over_budget,
    rule_over_budget,
    units_from_source,
)

Pattern = re.Pattern[str] | regex.Pattern[str]


def _module_patterns() -> dict[str, Pattern]:
    """Every compiled pattern at the top level of a copydesk module, by ``module.NAME``."""
    found: dict[str, Pattern] = {}
    for info in pkgutil.walk_packages(copydesk.__path__, "copydesk."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern | regex.Pattern):
                found.setdefault(f"{info.name}.{name}", value)
    return found


PATTERNS = _module_patterns()


def test_the_library_patterns_are_found() -> None:
    names = set(PATTERNS)
    assert {
        "copydesk.findings.spelling._SKIP_RE",
        "copydesk.report._MD_LINE_START",
        "copydesk.rules.checks._RELATIVE",
        "copydesk.matcher._WHITESPACE_RUN",
    } <= names


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_library_pattern_keeps_its_time_budget(name: str) -> None:
    pattern = PATTERNS[name]
    slow = over_budget(finditer_all(pattern), pattern.pattern)
    assert not slow, f"{name} takes over {BUDGET} s on {SIZE} characters of: " + "; ".join(slow)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_check_keeps_its_time_budget(name: str) -> None:
    check = CHECKS[name]
    context = CheckContext(date=dt.date(2026, 11, 26))
    examples = [t for r in load_rules("en").rules if r.check == name for t in r.examples_flag]
    slow = over_budget(lambda text: list(check(text, context)), examples=examples)
    assert not slow, f"check {name} takes over {BUDGET} s on {SIZE} characters of: " + "; ".join(
        slow
    )


# --- the budget test catches what it is for ---------------------------------------------------

# A small size and budget keep these tests fast; the slow patterns are quadratic, so they are
# already far over a budget scaled down with the size.
SMALL_SIZE = 4_000
SMALL_BUDGET = 0.01


def test_a_catastrophic_rule_fails_naming_the_input_shape(tmp_path: Path) -> None:
    (tmp_path / "slow.yaml").write_text(SLOW_RULES, encoding="utf-8")
    chain, _, slow_exception, worth, _ = load_rules("xx", tmp_path).rules
    for rule in (chain, slow_exception):
        slow = rule_over_budget(rule, budget=SMALL_BUDGET, size=SMALL_SIZE)
        assert any(shape.startswith("'1,' x 2000") for shape in slow), (rule.id, slow)
    assert not rule_over_budget(worth, budget=SMALL_BUDGET, size=SMALL_SIZE)


def test_the_old_slow_patterns_fail_and_their_rewrites_pass() -> None:
    old_blanks = re.compile(r"[ \t]*\u060c")
    new_blanks = re.compile(r"(?<![ \t])[ \t]*+\u060c")
    old_lines = re.compile(r"^(\s*)([-+>=]|\d+[.)])", re.MULTILINE)
    small = {"budget": SMALL_BUDGET, "size": SMALL_SIZE}
    assert over_budget(finditer_all(old_blanks), old_blanks.pattern, **small)
    assert not over_budget(finditer_all(new_blanks), new_blanks.pattern, **small)
    assert any("'\\n' x 4000" in s for s in over_budget(finditer_all(old_lines), **small))
    assert not over_budget(finditer_all(_MD_LINE_START), **small)


def test_units_come_from_the_pattern_source() -> None:
    units = units_from_source(r"(?i)\b(?:said)\s+\u060c[ \t]*\.")
    assert {"said ", "said,", " ", "\t", "\u060c", "."} <= units
    assert "(" not in units


# --- the rewritten patterns keep their results ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "skipped"),
    [
        ("mail ann.lee+news@example.co.uk now", ["ann.lee+news@example.co.uk"]),
        ("see www.example.com/a?b=1, then", ["www.example.com/a?b=1,"]),
        ("on bbc.co.uk and sana.sy", ["bbc.co.uk", "sana.sy"]),
        ("#Idlib @UN_News", ["#Idlib", "@UN_News"]),
        ("a.b.c.d no domain", []),
        ("x@y nothing", ["@y"]),
        ("a-b-c-d. al-watan.sy", ["al-watan.sy"]),
    ],
)
def test_skip_pattern_spans(text: str, skipped: list[str]) -> None:
    assert [m.group() for m in _SKIP_RE.finditer(text)] == skipped


def test_markdown_line_starts_are_escaped_across_blank_lines() -> None:
    assert escape_markdown("\n\n - item\n1. one\n\t+ x") == "\n\n \\- item\n1\\. one\n\t\\+ x"
