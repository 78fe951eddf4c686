"""The safe-fix stage: the rules that carry a ``fix`` change the text, and say why.

Contract: :func:`fix_text_and_explain` applies only rules that carry a ``fix`` (changes that
are always right) and returns the fixed text with one applied :class:`~copydesk.model.Edit`
per change; edits index the input, are sorted and never overlap, and replaying them on the
input gives the output. Fixing fixed text gives no edit. A rule over its time budget
(:func:`~copydesk.rules.model.rule_time_budget`) makes no further change, with a note.
"""

from __future__ import annotations

from copydesk.config import HouseStyle
from copydesk.edits import apply_edits, compose_edits
from copydesk.limits import check_changes
from copydesk.limits import max_changes as limit_of_changes
from copydesk.model import Edit
from copydesk.rules.checks import CheckContext
from copydesk.rules.model import Rule, RuleSet, fill, over_budget_note, rule_time_budget

__all__ = ["MAX_FIX_PASSES", "fix_text_and_explain"]


def _fix_once(
    text: str, rules: list[Rule], notes: list[str] | None, limit: int, context: CheckContext
) -> list[Edit]:
    """One pass of fixes: where two overlap, the one that starts first (or, on a tie, comes
        first in the pack) wins. A rule over its time budget is dropped from ``rules``. More than
        ``limit`` changes refuse the article (:func:`~copydesk.limits.check_changes`). ``context``
    carries the house style's quotation marks for the pack's language."""
    candidates: list[tuple[int, int, Edit]] = []
    for order, rule in enumerate(list(rules)):
        found: list[tuple[int, int, Edit]] = []
        try:
            for hit in rule.iter_hits(text, context, timeout=rule_time_budget(len(text))):
                after = fill(rule.fix, hit)
                before = text[hit.start : hit.end]
                if after is None or after == before:
                    continue
                edit = Edit(
                    start=hit.start,
                    end=hit.end,
                    before=before,
                    after=after,
                    rule=rule.id,
                    category=rule.category,
                    applied=True,
                    note=rule.message,
                    source=rule.source,
                )
                found.append((hit.start, order, edit))
                check_changes(len(candidates) + len(found), limit)
        except TimeoutError:
            rules.remove(rule)
            note = over_budget_note(rule.id)
            if notes is not None and note not in notes:
                notes.append(note)
            continue
        candidates += found
    edits: list[Edit] = []
    for start, _, edit in sorted(candidates, key=lambda c: (c[0], c[1])):
        if not edits or start >= edits[-1].end:
            edits.append(edit)
    return edits


# Every fix removes a character that no fix produces, so passes end; this bounds pathological
# input (each extra pass only happens when one fix changed another's context).
MAX_FIX_PASSES = 8


def fix_text_and_explain(
    text: str,
    ruleset: RuleSet,
    config: HouseStyle | None = None,
    *,
    notes: list[str] | None = None,
    max_changes: int | None = None,
) -> tuple[str, list[Edit]]:
    """Apply the enabled rules' safe fixes; return the fixed text and one Edit per change.

    Fixes run again on their own output until nothing changes (a removed mark can reveal a
    digit run that was next to it), and the passes' edits are composed into edits on ``text``;
    an edit made of two passes touching each other names both rules (``"a + b"``).
    A rule over its time budget makes no further change, with a note appended to ``notes``.
    More than ``max_changes`` changes (default: :func:`~copydesk.limits.max_changes`) raise
    :class:`~copydesk.limits.TooManyChanges` while they are found.

    >>> from copydesk.rules.loader import load_rules
    >>> fixed, edits = fix_text_and_explain("Talks in «Sochi»، then Ankara.", load_rules("en"))
    >>> fixed
    'Talks in “Sochi”, then Ankara.'
    >>> [e.rule for e in edits]
    ['en.script.guillemets', 'en.script.guillemets', 'en.script.arabic-comma']
    """
    limit = limit_of_changes(max_changes)
    style = config or HouseStyle()
    rules = [
        rule
        for rule in ruleset.rules
        if rule.fix is not None and style.is_enabled(rule.id, rule.default_on)
    ]
    context = CheckContext(quotes=style.quotes(ruleset.language))
    current = text
    edits: list[Edit] = []
    for _ in range(MAX_FIX_PASSES):
        new = _fix_once(current, rules, notes, limit, context)
        if not new:
            break
        fixed = apply_edits(current, new)
        edits = compose_edits(edits, new, text, current, max_changes=limit) if edits else new
        current = fixed
    return current, edits
