"""Every rule of every checker proves itself on its own examples.

Each flag example must trigger the rule and each pass example must not; a rule needs at least
three of each. This covers the rules of every registered checker: the phrasing rules of each
shipped pack and the rules the code checkers ship (spelling, untranslated). An example runs as
an English article (a pack rule's examples in its pack's language) through the checker and the
grading step, with only that rule enabled and the shipped glossary's lexicon. A pack rule's id
must match its file path. Rules with a safe fix must be idempotent, and replaying their edits
must reproduce the fixed text. Every pack rule (pattern, exceptions and fix, or its check)
keeps within a time budget on adversarial input (``tests/pattern_budget.py``).
"""

from __future__ import annotations

import itertools
import re
import sys
from functools import cache
from pathlib import Path

import pytest

from copydesk.config import HouseStyle
from copydesk.edits import apply_edits
from copydesk.findings.checker import Checker, FindContext, collect
from copydesk.findings.phrasing import find_issues
from copydesk.findings.registry import checkers
from copydesk.findings.spelling import Lexicon, glossary_lexicon
from copydesk.glossary import default_glossary_dir, load_glossary
from copydesk.limits import FindingCap
from copydesk.model import Finding
from copydesk.rules import (
    Rule,
    RuleSet,
    default_rules_directory,
    fix_text_and_explain,
    load_rules,
)
from copydesk.source import align
from tests.pattern_budget import BUDGET, SIZE, rule_over_budget

MIN_EXAMPLES = 3
PACKS_ROOT = default_rules_directory("en").parent
LANGUAGES = sorted(p.name for p in PACKS_ROOT.iterdir() if p.is_dir())
RULES = [rule for language in LANGUAGES for rule in load_rules(language).rules]
FIXING = [rule for rule in RULES if rule.fix is not None]
# (checker, language, rule) for every rule any registered checker reports: a pack's rules in
# their pack's language, a code checker's rules once, in their examples' language.
EVERY_RULE = list(
    dict.fromkeys(
        (
            checker,
            language if rule in RULES else rule.examples_language or "en",
            rule,
        )
        for language in LANGUAGES
        for checker in checkers()
        for rule in checker.rules(load_rules(language))
        # A code checker's own rules (spelling, untranslated) carry English examples: they
        # run once, as English; a pack's rules run in their pack's language.
        if rule.extends != "checker" or language == "en"
    )
)
ALL_RULES = [rule for _, _, rule in EVERY_RULE]


def _alone(rule: Rule) -> tuple[RuleSet, HouseStyle]:
    """A rule set holding only ``rule``, with a style that enables it even if off by default."""
    return RuleSet(rule.id.split(".")[0], (rule,), "test"), HouseStyle(enabled=(rule.id,))


@cache
def _lexicon(language: str) -> Lexicon:
    return glossary_lexicon(load_glossary(default_glossary_dir()), language)


def _find_alone(
    checker: Checker, language: str, rule: Rule, text: str, kind: str = "flag"
) -> list[Finding]:
    """``checker``'s findings in ``text`` with every rule but ``rule`` turned off (against
    the source of the ``kind`` example ``text``, aligned with it, when it has one)."""
    style = HouseStyle(disabled=(rule.id.split(".")[0],), enabled=(rule.id,))
    sourced = rule.sourced(kind, text)
    source = None
    if sourced is not None:
        language = sourced.language or language
        source = align(sourced.source, text, sourced.source_language or "und")
    context = FindContext(
        language, load_rules(language), style, lexicon=_lexicon(language), source=source
    )
    cap = FindingCap(limit=sys.maxsize)
    collect((checker,), text, context, cap)
    return cap.findings()


def _examples(kind: str, rules: list[Rule]) -> list[object]:
    return [
        pytest.param(rule, text, id=f"{rule.id}-{number}")
        for rule in rules
        for number, text in enumerate(rule.examples_flag if kind == "flag" else rule.examples_pass)
    ]


def _checker_examples(kind: str) -> list[object]:
    return [
        pytest.param(checker, language, rule, text, id=f"{rule.id}-{number}")
        for checker, language, rule in EVERY_RULE
        for number, text in enumerate(rule.examples_flag if kind == "flag" else rule.examples_pass)
    ]


def test_packs_are_not_empty() -> None:
    assert "en" in LANGUAGES
    assert len(RULES) >= 30


def test_every_checker_has_rules_with_examples() -> None:
    ids = {rule.id for rule in ALL_RULES}
    assert {"spelling.unknown-word", "spelling.near-glossary-form"} <= ids
    assert {"untranslated.script", "untranslated.paragraph"} <= ids
    assert {rule.id for rule in RULES} < ids
    for checker in checkers():
        assert checker.rules(load_rules("en")), checker.name


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_rule_has_enough_examples(rule: Rule) -> None:
    assert len(rule.examples_flag) >= MIN_EXAMPLES, f"{rule.file}:{rule.line}: flag examples"
    assert len(rule.examples_pass) >= MIN_EXAMPLES, f"{rule.file}:{rule.line}: pass examples"


SEED = Path(__file__).resolve().parents[1] / "seeds" / "sochi-summit.txt"
SEED_SPAN = 7  # words in a row shared with the seed that make an example "taken from" it


def _word_runs(text: str, n: int) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_examples_are_not_taken_from_the_seed(rule: Rule) -> None:
    seed_runs = _word_runs(SEED.read_text(encoding="utf-8"), SEED_SPAN)
    for text in rule.examples_flag + rule.examples_pass:
        assert not (_word_runs(text, SEED_SPAN) & seed_runs), f"{rule.id}: {text!r}"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_id_matches_path(rule: Rule) -> None:
    path = Path(rule.file)
    assert rule.id == f"{path.parent.name}.{path.stem}.{rule.name}"
    assert path.parent.parent.resolve() == PACKS_ROOT.resolve()


@pytest.mark.parametrize(("checker", "language", "rule", "text"), _checker_examples("flag"))
def test_flag_example_triggers_rule(checker: Checker, language: str, rule: Rule, text: str) -> None:
    findings = _find_alone(checker, language, rule, text)
    assert findings, f"{rule.file}:{rule.line}: {rule.id} missed {text!r}"
    for finding in findings:
        assert finding.rule == rule.id
        assert text[finding.start : finding.end] == finding.text
        assert (finding.category, finding.source, finding.link) == (
            rule.category,
            rule.source,
            rule.link,
        )
        if rule.extends != "checker":  # a checker fills its message template
            assert finding.message == rule.message


@pytest.mark.parametrize(("checker", "language", "rule", "text"), _checker_examples("pass"))
def test_pass_example_does_not_trigger_rule(
    checker: Checker, language: str, rule: Rule, text: str
) -> None:
    findings = _find_alone(checker, language, rule, text, "pass")
    assert not findings, f"{rule.file}:{rule.line}: {rule.id} flagged {text!r}: {findings}"


@pytest.mark.parametrize(("rule", "text"), _examples("flag", FIXING))
def test_fix_is_replayable_and_idempotent(rule: Rule, text: str) -> None:
    ruleset, style = _alone(rule)
    fixed, edits = fix_text_and_explain(text, ruleset, style)
    assert edits and fixed != text
    assert all(e.rule == rule.id and e.applied and e.category == rule.category for e in edits)
    assert [e.start for e in edits] == sorted(e.start for e in edits)
    assert all(a.end <= b.start for a, b in itertools.pairwise(edits))
    assert apply_edits(text, edits) == fixed
    assert fix_text_and_explain(fixed, ruleset, style) == (fixed, [])
    assert not find_issues(fixed, ruleset, style)


@pytest.mark.parametrize(("rule", "text"), _examples("pass", FIXING))
def test_fix_leaves_pass_example_alone(rule: Rule, text: str) -> None:
    ruleset, style = _alone(rule)
    assert fix_text_and_explain(text, ruleset, style) == (text, [])


def test_the_time_budget_covers_every_pack() -> None:
    packs = {p.name for p in PACKS_ROOT.iterdir() if p.is_dir() and any(p.glob("*.yaml"))}
    assert {"en", "de", "fr", "es", "ru"} <= packs
    assert {rule.id.split(".")[0] for rule in RULES} == packs
    for language in packs:
        assert {r.id for r in load_rules(language).rules} <= {r.id for r in RULES}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_keeps_its_time_budget_on_adversarial_input(rule: Rule) -> None:
    slow = rule_over_budget(rule)
    assert not slow, (
        f"{rule.file}:{rule.line}: {rule.id} takes over {BUDGET} s on {SIZE} characters of: "
        + "; ".join(slow)
        + " (see 'Time budget' in rules/README.md)"
    )
