"""Number findings: the numbers of a target segment and of the source segment it renders agree.

Contract: :class:`NumbersChecker` reads ``context.source`` (and yields nothing without one);
for each aligned pair it compares the numbers written with digits on both sides
(:func:`copydesk.numbers.number_mentions`: any digits, decimal comma or point, thousands
marks, magnitudes, percentages) by value. A number is confirmed by any reading of a number
of the other side, digits or words (:func:`copydesk.numbers.word_values`), so right
conversions ("3万" and "30,000", "1,5 млн" and "1.5 million", "two" and "2") never report.
Only ``sure`` mentions report (no number inside a name, no ordinal, time, range or date).
Its rules (``numbers.yaml`` beside this module), all Accuracy/Mistranslation:

``numbers.mismatch``
    The source segment has a number the target lacks and the target one the source lacks:
    reported on the target's number, naming both.
``numbers.missing``
    A number of the source segment that the target segment lacks (and no other number
    stands in its place): reported on the target segment. Off by default (see its figures).
``numbers.added``
    A number of the target segment that the source segment lacks: reported on the number.
    Off by default (see its figures).

Findings index the text the checker is given (the target offsets of the aligned pairs).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from copydesk.findings.checker import FindContext, RuleFileChecker, rule_file_rules
from copydesk.model import Finding
from copydesk.numbers import NumberMention, number_mentions, same_value, word_values
from copydesk.rules.model import Match

__all__ = ["ADDED_RULE", "MISMATCH_RULE", "MISSING_RULE", "NumbersChecker", "iter_number_findings"]

MISMATCH_RULE = "numbers.mismatch"
MISSING_RULE = "numbers.missing"
ADDED_RULE = "numbers.added"
_FIELDS = frozenset({"source_number", "target_number", "source_context"})
_RULE_FILE = Path(__file__).with_name("numbers.yaml")
# Characters of the source shown on each side of its number (or from its start).
_CONTEXT = 30


def _confirmed(mention: NumberMention, other: Iterable[float]) -> bool:
    return any(same_value(v, w) for v in mention.values for w in other)


def _context(source: str, mention: NumberMention | None) -> str:
    """The source around ``mention`` (its start when None), on one line."""
    start, end = (0, 0) if mention is None else (mention.start, mention.end)
    first, last = max(0, start - _CONTEXT), min(len(source), end + _CONTEXT)
    if mention is None:
        last = min(len(source), 2 * _CONTEXT)
    shown = " ".join(source[first:last].split())
    return ("…" if first else "") + shown + ("…" if last < len(source) else "")


def _unconfirmed(mentions: list[NumberMention], other: set[float]) -> list[NumberMention]:
    return [m for m in mentions if m.sure and not _confirmed(m, other)]


def _pair_findings(
    source: str, target: str, target_start: int, rule_ids: Iterable[str]
) -> Iterator[tuple[str, Match]]:
    """The findings of one segment pair, as (rule id, match in the target)."""
    wanted = set(rule_ids)
    source_mentions, target_mentions = number_mentions(source), number_mentions(target)
    if not source_mentions and not target_mentions:
        return
    source_values = word_values(source).union(*(m.values for m in source_mentions))
    target_values = word_values(target).union(*(m.values for m in target_mentions))
    lacking_in_target = _unconfirmed(source_mentions, target_values)
    lacking_in_source = _unconfirmed(target_mentions, source_values)
    paired = min(len(lacking_in_target), len(lacking_in_source))
    found: list[tuple[str, NumberMention | None, NumberMention | None]] = [
        (MISMATCH_RULE, s, t) for s, t in zip(lacking_in_target, lacking_in_source, strict=False)
    ]
    if target.strip():
        found += [(MISSING_RULE, s, None) for s in lacking_in_target[paired:]]
    found += [(ADDED_RULE, None, t) for t in lacking_in_source[paired:]]
    for rule_id, source_number, target_number in found:
        if rule_id not in wanted:
            continue
        named = {
            "source_number": source_number.text if source_number else "",
            "target_number": target_number.text if target_number else "",
            "source_context": _context(source, source_number),
        }
        if target_number is not None:
            start, end = target_number.start, target_number.end
        else:  # a number the target lacks: the target segment, trimmed
            start, end = len(target) - len(target.lstrip()), len(target.rstrip())
        yield rule_id, Match(target_start + start, target_start + end, (), named)


def iter_number_findings(
    text: str, context: FindContext, rule_ids: Iterable[str] = (MISMATCH_RULE,)
) -> Iterator[Finding]:
    """The findings of the rules in ``rule_ids`` in ``text`` against ``context.source``."""
    if context.source is None:
        return
    rules = rule_file_rules(_RULE_FILE, _FIELDS)
    wanted = tuple(rule_ids)
    for source, target, pair in context.source.segments(text):
        for rule_id, match in _pair_findings(source, target, pair.target_start, wanted):
            yield rules[rule_id].finding(text, match)


class NumbersChecker(RuleFileChecker):
    """Numbers that differ between a source segment and its translation."""

    name = "numbers"
    rule_file = _RULE_FILE
    fields = _FIELDS

    def find(self, text: str, context: FindContext) -> Iterator[Finding]:
        """The findings of the enabled rules (none without a source)."""
        wanted = self.enabled(context)
        if context.source is None or not wanted:
            return iter(())
        return iter_number_findings(text, context, wanted)
