"""The one interface of every source of findings, what it is told, and the grading step.

A :class:`Checker` has a ``name`` (the first part of the ids of the rules it ships itself, or
of the checker that runs a language's rule pack), publishes its rules with their metadata and
examples (:meth:`Checker.rules`), and finds doubts in a text (:meth:`Checker.find`) given a
:class:`FindContext`. Findings leave a checker at their rule's own severity; :class:`Grader`
is the one place where the house style decides which rules report (``disable``, ``enable``,
a rule's ``default: off``) and how severe their findings are (``[rules.severity]``).

Contract: a checker never changes text, yields findings one at a time and keeps none (the
:class:`~copydesk.limits.FindingCap` bounds them), and is deterministic. It may skip a rule
that :meth:`FindContext.is_enabled` turns off, for speed, but never re-grades a finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from copydesk.config import HouseStyle
from copydesk.limits import FindingCap
from copydesk.model import Finding
from copydesk.rules.loader import load_rule_file
from copydesk.rules.model import Rule, RuleSet
from copydesk.source import SourceText

if TYPE_CHECKING:
    from copydesk.findings.spelling import Lexicon
    from copydesk.glossary import Glossary
    from copydesk.langid import ForeignSpan

__all__ = ["Checker", "FindContext", "Grader", "RuleFileChecker", "collect", "rule_file_rules"]


@dataclass
class FindContext:
    """What a checker knows besides the text it checks.

    ``ruleset`` is the article language's rule pack; ``lexicon`` the glossary's words for the
    spelling checker (None: spelling without them); ``notes`` collects what a checker skipped
    and why; ``over_budget`` the ids of rules stopped part-way (their findings are dropped);
    ``source`` is the source text aligned with the checked text
    (:class:`~copydesk.source.SourceText`), when there is one; ``foreign`` the spans of the
    text in another language (:func:`~copydesk.langid.foreign_spans`), when the caller has
    computed them (None: a checker that needs them finds them); ``glossary`` the glossary in
    use (None: a checker that needs one reads the shipped glossary).
    """

    language: str
    ruleset: RuleSet
    style: HouseStyle = field(default_factory=HouseStyle)
    date: dt.date | None = None
    lexicon: Lexicon | None = None
    notes: list[str] = field(default_factory=list)
    over_budget: list[str] = field(default_factory=list)
    source: SourceText | None = None
    foreign: Sequence[ForeignSpan] | None = None
    glossary: Glossary | None = None

    def is_enabled(self, rule: Rule) -> bool:
        """Whether the house style lets ``rule`` report (a checker may skip it otherwise)."""
        return self.style.is_enabled(rule.id, rule.default_on)

    def note(self, text: str) -> None:
        """Add a note once."""
        if text not in self.notes:
            self.notes.append(text)


class Checker(Protocol):
    """A source of findings (see the module docstring)."""

    name: str

    def rules(self, ruleset: RuleSet) -> tuple[Rule, ...]:
        """Every rule this checker can report, given a language's rule pack."""
        ...

    def find(self, text: str, context: FindContext) -> Iterator[Finding]:
        """The findings in ``text``, one at a time, at their rules' own severity."""
        ...


class Grader:
    """The house style applied to findings: rules turned off are dropped, severities set.

    >>> from copydesk.rules.model import Match, Rule
    >>> rule = Rule("x.y", "checker", "m", "c", "minor", None, None, True, (), (), "f", 1)
    >>> grader = Grader(HouseStyle(severity={"x": "critical"}), [rule])
    >>> [f.severity for f in grader.grade([rule.finding("ab", Match(0, 1))])]
    ['critical']
    """

    def __init__(self, style: HouseStyle, rules: Iterable[Rule]) -> None:
        self.style = style
        self._default_on: Mapping[str, bool] = {r.id: r.default_on for r in rules}

    def grade(self, findings: Iterable[Finding]) -> Iterator[Finding]:
        """Each finding of an enabled rule, at the severity the house style gives it."""
        style = self.style
        for finding in findings:
            if not style.is_enabled(finding.rule, self._default_on.get(finding.rule, True)):
                continue
            severity = style.severity_for(finding.rule, finding.severity)
            if severity != finding.severity:
                finding = replace(finding, severity=severity)  # type: ignore[arg-type]
            yield finding


def collect(checkers: Iterable[Checker], text: str, context: FindContext, cap: FindingCap) -> None:
    """Every checker's findings in ``text``, graded, into ``cap`` (in checker order).

    The findings of a rule stopped part-way (``context.over_budget``) are dropped.
    """
    checkers = tuple(checkers)
    rules = [rule for checker in checkers for rule in checker.rules(context.ruleset)]
    grader = Grader(context.style, rules)
    for checker in checkers:
        cap.add_all(grader.grade(checker.find(text, context)))
    for rule_id in context.over_budget:
        cap.drop(rule_id)


@cache
def rule_file_rules(path: Path, fields: frozenset[str]) -> dict[str, Rule]:
    """The rules a code checker ships in ``path`` (read once), by id."""
    return {rule.id: rule for rule in load_rule_file(path, fields)}


class RuleFileChecker:
    """The base of a checker that ships its rules in a YAML file beside its code.

    A subclass sets ``name``, ``rule_file`` and ``fields`` (the values its code computes for
    the rules' templates) and writes :meth:`find`.
    """

    name: str
    rule_file: Path
    fields: frozenset[str]

    def rules(self, ruleset: RuleSet) -> tuple[Rule, ...]:
        """The checker's rules (the same for every language)."""
        return tuple(rule_file_rules(self.rule_file, self.fields).values())

    def enabled(self, context: FindContext) -> list[str]:
        """The ids of the checker's rules that the house style lets report."""
        return [rule.id for rule in self.rules(context.ruleset) if context.is_enabled(rule)]
