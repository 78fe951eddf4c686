"""The phrasing-rule checker: runs the article language's rule pack (``rules/<language>/``).

Contract: every enabled rule's matches become findings (:meth:`~copydesk.rules.model.Rule.finding`),
in rule order and, within a rule, in text order; the text never changes. A rule over its time
budget (:func:`~copydesk.rules.model.rule_time_budget`) is stopped and named in
``context.over_budget`` (its findings are then dropped) and in a note. Code checks are not
timed here: the test suite holds them, like every pattern, to a budget on adversarial input.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator

from copydesk.config import HouseStyle
from copydesk.findings.checker import FindContext, collect
from copydesk.limits import FindingCap
from copydesk.model import Finding
from copydesk.rules.checks import CheckContext
from copydesk.rules.model import Rule, RuleSet, over_budget_note, rule_time_budget

__all__ = ["PhrasingChecker", "find_issues"]


class PhrasingChecker:
    """The rules of the article language's pack: phrases, patterns and code checks."""

    name = "phrasing"

    def rules(self, ruleset: RuleSet) -> tuple[Rule, ...]:
        """The pack's rules."""
        return ruleset.rules

    def find(self, text: str, context: FindContext) -> Iterator[Finding]:
        """Every enabled rule's matches, rule by rule."""
        check_context = CheckContext(
            date=context.date, quotes=context.style.quotes(context.ruleset.language)
        )
        budget = rule_time_budget(len(text))
        for rule in context.ruleset.rules:
            if not context.is_enabled(rule):
                continue
            try:
                for hit in rule.iter_hits(text, check_context, timeout=budget):
                    yield rule.finding(text, hit)
            except TimeoutError:
                context.over_budget.append(rule.id)
                context.note(over_budget_note(rule.id))


def find_issues(
    text: str,
    ruleset: RuleSet,
    config: HouseStyle | None = None,
    *,
    date: dt.date | None = None,
    notes: list[str] | None = None,
) -> list[Finding]:
    """Every match of the enabled rules of ``ruleset``, graded by the house style.

    ``date`` is the article's date; rules about relative dates use it to name the day.
    A rule over its time budget is skipped, with a note appended to ``notes``.

    >>> from copydesk.rules.loader import load_rules
    >>> [f.rule for f in find_issues("It is worth mentioning that talks resumed.",
    ...                              load_rules("en"))]
    ['en.calques.worth-mentioning']
    """
    style = config or HouseStyle()
    context = FindContext(
        ruleset.language, ruleset, style, date, notes=[] if notes is None else notes
    )
    cap = FindingCap(limit=sys.maxsize)
    collect((PhrasingChecker(),), text, context, cap)
    return cap.findings()
