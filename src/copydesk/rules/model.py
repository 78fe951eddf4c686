"""The rule model: one rule as loaded from a rule file, a language's rule set, and matching.

A rule matches by a list of ``phrases``, a ``pattern`` (a regular expression in the syntax of
the ``regex`` module, so ``\\p{Latin}`` works), a named code ``check`` from
:mod:`copydesk.rules.checks`, or, for the rules a code checker ships with itself
(``extends: checker``), by that checker's code.

Contract:

- :meth:`Rule.iter_hits` yields a rule's matches one at a time, minus those that overlap a
  match of one of its ``exceptions``; with a timeout it raises :class:`TimeoutError` when the
  pattern and exceptions take longer.
- :meth:`Rule.finding` is the one place a match becomes a :class:`~copydesk.model.Finding`:
  it fills the rule's templates and copies its metadata (category, declared severity, source,
  link). A template whose field is unknown for a match (``None``) gives nothing, so a
  ``replacement`` is only ever text that is known.

Every pattern has a time budget per article (:func:`rule_time_budget`: a base plus an allowance
per megabyte); the callers skip a rule that runs over it and say so in a note
(:func:`over_budget_note`). On real news text a rule should take far less: its budget in CPU
milliseconds per megabyte (:attr:`Rule.budget_ms_per_mb`), which the benchmark suite checks.
"""

from __future__ import annotations

import bisect
import string
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from copydesk.model import Finding, Severity
from copydesk.rules.checks import CHECKS, CheckContext

__all__ = [
    "CHECKER",
    "PACK_EXTENDS",
    "REAL_TEXT_BUDGET_MS",
    "Match",
    "Rule",
    "RuleSet",
    "fill",
    "over_budget_note",
    "rule_time_budget",
    "template_fields",
]

#: How a rule in a language's rule pack matches (``extends:``).
PACK_EXTENDS = ("phrase", "pattern", "check")
#: ``extends:`` of a rule that a code checker ships and finds itself (spelling, untranslated).
CHECKER = "checker"

# A rule's time budget on one article. On 1 MB of news text the slowest shipped pattern takes
# 0.15 s (most take a few milliseconds): the allowance per megabyte is over 30 times that.
RULE_TIME_BASE = 2.0
RULE_TIME_PER_MB = 5.0


#: What a rule may cost on real news text, in CPU milliseconds per megabyte, unless its rule
#: file gives it a ``budget`` of its own. The benchmark suite times every rule of every pack on
#: real text of its language and counts the rules over their budget (``bench/run.py``).
REAL_TEXT_BUDGET_MS = 50.0


def rule_time_budget(length: int) -> float:
    """Seconds one rule may spend on a text of ``length`` characters.

    >>> rule_time_budget(0), rule_time_budget(2_000_000)
    (2.0, 12.0)
    """
    return RULE_TIME_BASE + RULE_TIME_PER_MB * length / 1_000_000


def over_budget_note(rule_id: str) -> str:
    """The note that says a rule was skipped on an article."""
    return f"rule {rule_id} skipped: over its time budget on this article"


def _remaining(deadline: float) -> float | None:
    """Seconds left until ``deadline`` for a ``timeout=`` argument (None: no limit)."""
    return None if deadline == float("inf") else max(deadline - time.monotonic(), 0.0)


@lru_cache(maxsize=1024)
def template_fields(template: str) -> tuple[str, ...]:
    """The field names of a template (``"{1}' {2}"`` has ``1`` and ``2``).

    >>> template_fields("{0!r} or {replacement}")
    ('0', 'replacement')
    """
    return tuple(f for _, f, _, _ in string.Formatter().parse(template) if f is not None)


@dataclass(frozen=True)
class Match:
    """A match before it becomes a finding or an edit: span and template fields.

    ``args`` fill ``{0}``, ``{1}``...; ``named`` fills named fields, where ``None`` means the
    value is not known for this match.
    """

    start: int
    end: int
    args: tuple[str, ...] = ()
    named: Mapping[str, str | None] = field(default_factory=dict)


def fill(template: str | None, match: Match) -> str | None:
    """``template`` with the match's fields; None when there is none or a field is unknown.

    >>> fill("{0} or {replacement}", Match(0, 1, ("a",), {"replacement": "b"}))
    'a or b'
    >>> fill("{replacement}", Match(0, 1, (), {"replacement": None})) is None
    True
    """
    if template is None:
        return None
    if any(match.named.get(name, "") is None for name in template_fields(template)):
        return None
    return template.format(*match.args, **match.named)


class _Exceptions:
    """The matches of a rule's exceptions, found as far into the text as asked.

    Each exception's matches come from one ``finditer`` over the whole text, read only up to
    the end of the latest hit asked about, so they are the very matches a full scan gives.
    A pattern's matches do not overlap and come in order, so their ends come in order too:
    the last match that starts before a hit's end reaches furthest.
    """

    def __init__(self, patterns: tuple[Any, ...], text: str, deadline: float) -> None:
        self._matches = [p.finditer(text, timeout=_remaining(deadline)) for p in patterns]
        self._starts: list[list[int]] = [[] for _ in patterns]
        self._ends: list[list[int]] = [[] for _ in patterns]
        self._next: list[tuple[int, int] | None] = [None for _ in patterns]
        self._done = [False for _ in patterns]

    def _read_to(self, index: int, end: int) -> None:
        """Read exception ``index``'s matches that start before ``end``."""
        while not self._done[index]:
            span = self._next[index]
            if span is None:
                match = next(self._matches[index], None)
                if match is None:
                    self._done[index] = True
                    return
                span = match.span()
            if span[0] >= end:
                self._next[index] = span
                return
            self._next[index] = None
            self._starts[index].append(span[0])
            self._ends[index].append(span[1])

    def overlaps(self, start: int, end: int) -> bool:
        """Whether a match ``(a, b)`` of an exception has ``a < end and start < b``."""
        for index in range(len(self._matches)):
            self._read_to(index, end)
            before = bisect.bisect_left(self._starts[index], end)
            if before and self._ends[index][before - 1] > start:
                return True
        return False


@dataclass(frozen=True)
class SourcedExample:
    """An example of a source-aware rule: the translation (``text``), its ``source``, and
    their languages (None: the rule's examples language, and undetermined); ``kind`` is
    ``flag`` or ``pass``."""

    kind: str
    text: str
    source: str
    language: str | None = None
    source_language: str | None = None


@dataclass(frozen=True)
class Rule:
    """One rule, as loaded from a rule file (see ``rules/README.md``)."""

    id: str
    extends: str
    message: str
    category: str
    severity: Severity
    suggestion: str | None
    fix: str | None
    default_on: bool
    examples_flag: tuple[str, ...]
    examples_pass: tuple[str, ...]
    file: str
    line: int
    phrases: tuple[str, ...] = ()
    pattern: str | None = None
    check: str | None = None
    exceptions: tuple[str, ...] = ()
    link: str | None = None
    source: str | None = None
    replacement: str | None = None
    # Milliseconds per megabyte of real text (None: :data:`REAL_TEXT_BUDGET_MS`).
    budget: float | None = None
    # The language a code checker's examples are read in (None: English; a pack's examples
    # are read in its pack's language).
    examples_language: str | None = None
    # The examples written with a source (``{text, source, lang, source_lang}``), whose
    # ``text`` is also in ``examples_flag`` or ``examples_pass``.
    sourced_examples: tuple[SourcedExample, ...] = ()
    _regex: Any = field(default=None, repr=False, compare=False)
    _exception_regexes: tuple[Any, ...] = field(default=(), repr=False, compare=False)

    def sourced(self, kind: str, text: str) -> SourcedExample | None:
        """The ``kind`` (flag or pass) example ``text`` with its source, when it was written
        with one."""
        return next((e for e in self.sourced_examples if (e.kind, e.text) == (kind, text)), None)

    @property
    def budget_ms_per_mb(self) -> float:
        """The CPU milliseconds this rule may take per megabyte of real news text: its own
        ``budget``, else :data:`REAL_TEXT_BUDGET_MS` (checked by ``bench/bench_patterns.py``)."""
        return REAL_TEXT_BUDGET_MS if self.budget is None else self.budget

    @property
    def name(self) -> str:
        """The rule's name inside its file (the last part of the id)."""
        return self.id.rsplit(".", 1)[-1]

    def finding(self, text: str, match: Match) -> Finding:
        """The finding this rule makes of ``match`` in ``text``, at the rule's own severity.

        A checker's rule (``extends: checker``) has a message template that its checker fills;
        a rule pack's message is plain text.
        """
        message = self.message
        if self.extends == CHECKER:
            message = fill(message, match) or message
        return Finding(
            start=match.start,
            end=match.end,
            text=text[match.start : match.end],
            rule=self.id,
            category=self.category,
            severity=self.severity,
            message=message,
            replacement=fill(self.replacement, match),
            advice=fill(self.suggestion, match),
            source=self.source,
            link=self.link,
        )

    def _raw_hits(self, text: str, context: CheckContext, deadline: float) -> Iterator[Match]:
        if self.check is not None:
            for hit in CHECKS[self.check](text, context):
                named = {"replacement": hit.replacement, "advice": hit.advice}
                yield Match(hit.start, hit.end, (text[hit.start : hit.end],), named)
            return
        if self._regex is None:
            return  # a checker's rule: its checker finds the matches
        for match in self._regex.finditer(text, timeout=_remaining(deadline)):
            if match.end() > match.start():
                args = tuple(g or "" for g in match.groups())
                named = {k: v or "" for k, v in match.groupdict().items()}
                yield Match(match.start(), match.end(), (match.group(), *args), named)

    def iter_hits(
        self, text: str, context: CheckContext | None = None, *, timeout: float | None = None
    ) -> Iterator[Match]:
        """Matches of this rule in ``text``, minus those that overlap an exception, one at a
        time (none is held).

        With ``timeout`` (seconds for the pattern and its exceptions together), raises
        :class:`TimeoutError` when they take longer.
        """
        deadline = float("inf") if timeout is None else time.monotonic() + timeout
        # The exceptions are looked for only once there is a hit they could drop, and only as
        # far into the text as the hits reach: most rules have no hit in an article, and an
        # exception costs as much as a pattern.
        excluded: _Exceptions | None = None
        for hit in self._raw_hits(text, context or CheckContext(), deadline):
            if excluded is None:
                excluded = _Exceptions(self._exception_regexes, text, deadline)
            if not excluded.overlaps(hit.start, hit.end):
                yield hit

    def hits(
        self, text: str, context: CheckContext | None = None, *, timeout: float | None = None
    ) -> list[Match]:
        """Every match of :meth:`iter_hits`, as a list."""
        return list(self.iter_hits(text, context, timeout=timeout))


@dataclass(frozen=True)
class RuleSet:
    """The rules of one language, in file then rule order, and a hash of their files."""

    language: str
    rules: tuple[Rule, ...]
    content_hash: str
