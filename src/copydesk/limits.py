"""Ceilings that bound the cost of one article however dense its text is.

Contract:

- **Findings.** At most :data:`MAX_FINDINGS_PER_RULE` findings of one rule are kept for one
  article: the first ones in text order. Further hits of that rule are counted, not kept,
  and a note says so ("en.repetition.doubled-word: 769,229 findings; the first 1,000 are
  listed"). Real articles have at most tens per rule. Scores and report summaries count the
  listed findings; the note gives the full count. :class:`FindingCap` is the one place this
  happens; the producers hand it their findings one at a time and keep none.
- **Changes.** An article whose changes (applied and suggested) pass :func:`max_changes`
  (:data:`DEFAULT_MAX_CHANGES`, or ``COPYDESK_MAX_CHANGES``, or the commands'
  ``--max-changes``) is refused with :class:`TooManyChanges`, an
  :class:`~copydesk.errors.InputError`, as soon as the fix pass, the glossary pass or their
  composition passes the ceiling. Refused rather than cut short: a partial set of changes
  would leave text that cleaning changes again.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Callable, Iterable
from typing import TypeVar

from copydesk.errors import InputError
from copydesk.model import Finding

__all__ = [
    "DEFAULT_MAX_CHANGES",
    "MAX_CHANGES_ENV",
    "MAX_FINDINGS_PER_RULE",
    "FindingCap",
    "TooManyChanges",
    "check_changes",
    "max_changes",
    "setting_from_env",
]

#: Findings of one rule kept for one article (real articles have at most tens).
MAX_FINDINGS_PER_RULE = 1_000
#: Changes (applied and suggested) one article may have (real articles have tens).
DEFAULT_MAX_CHANGES = 100_000
#: The environment variable that raises (or lowers) the ceiling on changes.
MAX_CHANGES_ENV = "COPYDESK_MAX_CHANGES"

T = TypeVar("T", int, float)


class TooManyChanges(InputError):
    """An article has more changes than the ceiling allows (the message names no file)."""


def setting_from_env(name: str, parse: Callable[[str], T], default: T, what: str) -> T:
    """A positive number from the environment variable ``name``, else ``default``.

    A value that does not parse, or is not above 0, is an :class:`InputError` naming it.

    >>> setting_from_env("COPYDESK_UNSET_EXAMPLE", int, 7, "a whole number")
    7
    """
    setting = os.environ.get(name, "").strip()
    if not setting:
        return default
    try:
        value = parse(setting)
    except ValueError:
        value = None
    if value is None or not value > 0:
        msg = f"{name} must be {what} above 0, got {setting!r}"
        raise InputError(msg)
    return value


def max_changes(limit: int | None = None) -> int:
    """The ceiling on changes: ``limit`` if given, else ``COPYDESK_MAX_CHANGES``, else the
    default.

    >>> max_changes(50)
    50
    """
    if limit is not None:
        return limit
    return setting_from_env(MAX_CHANGES_ENV, int, DEFAULT_MAX_CHANGES, "a whole number of changes")


def check_changes(count: int, limit: int) -> None:
    """Refuse the article once ``count`` changes pass ``limit``.

    >>> check_changes(10, 10)  # at the ceiling: nothing to say
    """
    if count > limit:
        msg = (
            f"more than {limit:,} changes in one article; split it, or raise the ceiling "
            f"with --max-changes or {MAX_CHANGES_ENV}"
        )
        raise TooManyChanges(msg)


class FindingCap:
    """Keeps the first ``limit`` findings of each rule (in text order) and counts the rest.

    Memory is bounded by ``limit`` findings per rule however many are added; a finding after
    the kept ones in text order (the usual case: producers report in text order) costs one
    comparison.

    >>> cap = FindingCap(limit=2)
    >>> cap.add_all(Finding(i, i + 1, "x", "r", "c", "minor", "m") for i in range(5))
    >>> [f.start for f in cap.findings()], cap.notes()
    ([0, 1], ['r: 5 findings; the first 2 are listed'])
    """

    def __init__(
        self, limit: int = MAX_FINDINGS_PER_RULE, keep: Callable[[Finding], bool] | None = None
    ) -> None:
        self.limit = limit
        self.keep = keep  # findings it rejects are neither kept nor counted
        self.counts: dict[str, int] = {}
        # Per rule, a max-heap (keys negated) of the kept findings: the root is the last one.
        self._kept: dict[str, list[tuple[int, int, int, Finding]]] = {}
        self._order = 0

    def add_all(self, findings: Iterable[Finding]) -> None:
        """Count every finding; keep it if it is among its rule's first ``limit``."""
        for finding in findings:
            if self.keep is not None and not self.keep(finding):
                continue
            rule = finding.rule
            self.counts[rule] = self.counts.get(rule, 0) + 1
            self._order += 1
            item = (-finding.start, -finding.end, -self._order, finding)
            heap = self._kept.setdefault(rule, [])
            if len(heap) < self.limit:
                heapq.heappush(heap, item)
            elif item[:3] > heap[0][:3]:  # earlier in the text than the last one kept
                heapq.heapreplace(heap, item)

    def kept(self, rule: str) -> int:
        """How many findings of ``rule`` are kept so far."""
        return len(self._kept.get(rule, ()))

    def drop(self, rule: str) -> None:
        """Forget every finding of ``rule`` (one that stopped part-way, over its budget)."""
        self.counts.pop(rule, None)
        self._kept.pop(rule, None)

    def findings(self) -> list[Finding]:
        """The kept findings, sorted by ``(start, end, rule)``."""
        kept = [item[3] for heap in self._kept.values() for item in heap]
        return sorted(kept, key=lambda f: (f.start, f.end, f.rule))

    def notes(self) -> list[str]:
        """One note per rule with more findings than were kept."""
        return [
            f"{rule}: {count:,} findings; the first {self.limit:,} are listed"
            for rule, count in sorted(self.counts.items())
            if count > self.limit
        ]
