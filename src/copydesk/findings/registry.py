"""The registry of checkers, in the order they run, and the rule ids they know.

Contract: :func:`checkers` is the one list of every source of findings, in a fixed order
(the phrasing rules of the language's pack, spelling, untranslated text, then the checks
against the source text); a new checker is
added with :func:`register`. :func:`check_rule_prefixes` refuses a house style that names a
rule id prefix no checker knows in any language of the rules folder in use, so that a typo
(``disable = ["en.calqes"]``) is an error, not a silent no-op.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from copydesk.config import HouseStyle
from copydesk.errors import ConfigError
from copydesk.findings.checker import Checker
from copydesk.findings.consistency import ConsistencyChecker
from copydesk.findings.key_terms import KeyTermsChecker
from copydesk.findings.numbers import NumbersChecker
from copydesk.findings.phrasing import PhrasingChecker
from copydesk.findings.source_text import SourceTextChecker
from copydesk.findings.spelling import SpellingChecker
from copydesk.findings.untranslated import UntranslatedChecker
from copydesk.rules.loader import shipped_rules_root
from copydesk.rules.model import Rule, RuleSet

__all__ = ["check_rule_prefixes", "checkers", "known_rule_ids", "register", "rules_of"]

# A folder of the rules root that holds a language's pack: a primary language code.
_LANGUAGE = re.compile(r"[a-z]{2,3}")

_CHECKERS: list[Checker] = [
    PhrasingChecker(),
    SpellingChecker(),
    UntranslatedChecker(),
    ConsistencyChecker(),
    SourceTextChecker(),
    NumbersChecker(),
    KeyTermsChecker(),
]


def register(checker: Checker) -> Checker:
    """Add ``checker`` after the registered ones; a name may be registered once."""
    if any(c.name == checker.name for c in _CHECKERS):
        msg = f"checker {checker.name!r} is registered twice"
        raise ValueError(msg)
    _CHECKERS.append(checker)
    return checker


def checkers() -> tuple[Checker, ...]:
    """Every registered checker, in the order they run.

    >>> [c.name for c in checkers()]
    ['phrasing', 'spelling', 'untranslated', 'consistency', 'source-text', 'numbers', 'key-terms']
    """
    return tuple(_CHECKERS)


def rules_of(ruleset: RuleSet) -> tuple[Rule, ...]:
    """Every rule of every checker for a language whose pack is ``ruleset``."""
    return tuple(rule for checker in _CHECKERS for rule in checker.rules(ruleset))


def known_rule_ids(rules_root: Path, load: Callable[[str], RuleSet]) -> set[str]:
    """The id of every rule any checker reports in any language of ``rules_root``, and the
    languages themselves (a language folder is a valid prefix even while it is empty).

    ``load`` gives a language's rule pack (the caller's cache).
    """
    folders = sorted(rules_root.iterdir()) if rules_root.is_dir() else []
    languages = [p.name for p in folders if p.is_dir() and _LANGUAGE.fullmatch(p.name)]
    known = set(languages)
    for language in languages or ["und"]:
        known.update(rule.id for rule in rules_of(load(language)))
    return known


def _matches_a_rule(prefix: str, known: Iterable[str]) -> bool:
    return any(rule_id == prefix or rule_id.startswith(prefix + ".") for rule_id in known)


def check_rule_prefixes(
    style: HouseStyle, rules_dir: Path | None, load: Callable[[str], RuleSet]
) -> None:
    """Refuse a prefix in ``disable``, ``enable`` or ``severity`` that matches no rule id.

    ``rules_dir`` is the rules folder in use (None: the shipped one); ``load`` gives a
    language's rule pack. Raises :class:`~copydesk.errors.ConfigError` naming the prefix and
    the house-style file.
    """
    named = [
        ("disable", style.disabled),
        ("enable", style.enabled),
        ("severity", tuple(style.severity)),
    ]
    if not any(prefixes for _, prefixes in named):
        return
    known = known_rule_ids(rules_dir or shipped_rules_root(), load)
    for key, prefixes in named:
        for prefix in prefixes:
            if not _matches_a_rule(prefix, known):
                where = style.path if style.path is not None else "house style"
                msg = (
                    f"{where}: rules.{key}: {prefix!r} matches no rule id "
                    f"(a language such as 'en', a checker such as 'spelling', or a rule id)"
                )
                raise ConfigError(msg)
