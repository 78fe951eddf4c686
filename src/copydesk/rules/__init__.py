"""The rule engine: rules as data, and the safe-fix stage.

- :mod:`copydesk.rules.model`: :class:`Rule`, :class:`RuleSet`, matching and the one place a
  match becomes a finding (:meth:`Rule.finding`).
- :mod:`copydesk.rules.loader`: rule files to rules (:func:`load_rules` for a language's pack,
  :func:`load_rule_file` for the file a code checker ships).
- :mod:`copydesk.rules.checks`: the ``extends: check`` vocabulary (:data:`CHECKS`).
- :mod:`copydesk.rules.fixes`: the safe-fix stage (:func:`fix_text_and_explain`).

The checkers that turn rules into findings live in :mod:`copydesk.findings`.
"""

from __future__ import annotations

from copydesk.rules.checks import CHECKS, CheckContext
from copydesk.rules.fixes import fix_text_and_explain
from copydesk.rules.loader import (
    default_rules_directory,
    load_rule_file,
    load_rules,
    shipped_rules_root,
)
from copydesk.rules.model import PACK_EXTENDS, Match, Rule, RuleSet, rule_time_budget

__all__ = [
    "CHECKS",
    "PACK_EXTENDS",
    "CheckContext",
    "Match",
    "Rule",
    "RuleSet",
    "default_rules_directory",
    "fix_text_and_explain",
    "load_rule_file",
    "load_rules",
    "rule_time_budget",
    "shipped_rules_root",
]
