"""An editor's review of a cleaned article: accept it, reject some changes, or reject it all.

Contract:

* :func:`apply_review` takes a :class:`~copydesk.model.Result`, a :class:`ReviewDecision` and
  the settings it was cleaned with, and gives the reviewed result. Changes are named by
  their number in the report (1-based, the order of ``Result.edits``) or by an entry or rule
  id prefix (``places`` matches ``places.sochi``; a change two passes made together,
  ``a + b``, matches a prefix of either). ``reject article`` rejects every change.
* The rejected changes are undone through the edit model
  (:func:`copydesk.edits.revert_edits`): the reviewed ``cleaned`` is what replaying the
  accepted edits on the input gives, and undoing them gives the input back. Each change
  keeps its place and number and gets its status (``applied``, ``rejected by review``;
  suggestions stay suggestions). Rejecting every change gives the input back unchanged.
* Findings and scores are computed again on the reviewed text
  (:func:`copydesk.pipeline.find_and_score`), so their offsets index it: a rejected change
  can bring back words a checker flags, and mapping the old findings would miss them.
* A review always starts from the cleaning (the changes an earlier review rejected are made
  again first), so applying one decision twice gives the same result as once.
* A decision that names a change number out of range, a suggestion, a prefix that matches
  no applied change, or a decision other than ``accept`` / ``reject article`` raises
  :class:`~copydesk.errors.ReviewError` naming every problem; nothing is applied.
* :func:`remember_rejections` saves the changes rejected *by rule* to the false-alarm memory
  (rule id and context of each: see :mod:`copydesk.memory`), so that the next cleaning holds
  them back as suggestions. Changes rejected by number, or with the whole article, are one
  editor's call on one article and are not remembered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from copydesk.config import prefix_matches
from copydesk.edits import apply_edits, revert_edits
from copydesk.errors import ReviewError
from copydesk.memory import change_contexts, remember_contexts
from copydesk.model import REVIEW_DECISIONS, Edit, Result, Review
from copydesk.pipeline import find_and_score
from copydesk.report import escape_markdown_line
from copydesk.settings import Settings
from copydesk.source import align

__all__ = [
    "ReviewDecision",
    "apply_review",
    "awaiting_review",
    "remember_rejections",
    "review_form_markdown",
]

#: How many rule ids an error message lists before it says "...".
_LISTED = 12


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    """What an editor decided, as the review form gives it.

    ``reviewed_at`` must carry a time zone; it is recorded in UTC.
    """

    reviewed_at: dt.datetime
    reject_changes: tuple[int, ...] = ()
    reject_rules: tuple[str, ...] = ()
    decision: str = "accept"
    note: str = ""
    remember_rejections: bool = False


@dataclass(frozen=True, slots=True)
class _Selection:
    """Indices (0-based, into ``Result.edits``) of the changes a decision rejects."""

    by_rule: frozenset[int]
    rules: tuple[str, ...]
    all: frozenset[int]


def awaiting_review(result: Result) -> Result:
    """``result`` marked as waiting for an editor's review (its reports say so)."""
    return replace(result, review=Review(status="awaiting review"))


def _cleaning_edits(result: Result) -> tuple[Edit, ...]:
    """The edits as cleaning made them: an earlier review's rejections made again."""
    return tuple(
        replace(e, applied=True, rejected=False) if e.rejected else e for e in result.edits
    )


def _contributors(rule: str) -> list[str]:
    return [rule, *rule.split(" + ")]


def _select(edits: tuple[Edit, ...], decision: ReviewDecision) -> _Selection:
    """The changes ``decision`` rejects; every problem in one :class:`ReviewError`."""
    problems: list[str] = []
    if decision.decision not in REVIEW_DECISIONS:
        problems.append(f"decision must be 'accept' or 'reject article', not {decision.decision!r}")
    applied = [i for i, e in enumerate(edits) if e.applied]
    by_number: set[int] = set()
    for number in decision.reject_changes:
        if isinstance(number, bool) or not isinstance(number, int):
            problems.append(f"reject_changes: {number!r} is not a change number")
        elif not 1 <= number <= len(edits):
            span = f"1 to {len(edits)}" if edits else "none"
            problems.append(f"reject_changes: there is no change {number} (the report has {span})")
        elif not edits[number - 1].applied:
            problems.append(
                f"reject_changes: change {number} is only a suggestion; nothing to reject"
            )
        else:
            by_number.add(number - 1)
    rules = tuple(dict.fromkeys(r.strip() for r in decision.reject_rules if r.strip()))
    by_rule: set[int] = set()
    for prefix in rules:
        matched = {
            i
            for i in applied
            if any(prefix_matches(prefix, c) for c in _contributors(edits[i].rule))
        }
        if not matched:
            ids = list(dict.fromkeys(edits[i].rule for i in applied))
            listed = ", ".join(ids[:_LISTED]) + (", ..." if len(ids) > _LISTED else "")
            problems.append(
                f"reject_rules: {prefix!r} matches no applied change "
                f"(entries and rules of applied changes: {listed or 'none'})"
            )
        by_rule |= matched
    if problems:
        raise ReviewError("; ".join(problems))
    everything = set(applied) if decision.decision == "reject article" else set()
    return _Selection(
        by_rule=frozenset(by_rule),
        rules=rules,
        all=frozenset(by_number | by_rule | everything),
    )


def _utc(moment: dt.datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        msg = "the review time must carry a time zone"
        raise ReviewError(msg)
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def apply_review(
    result: Result,
    decision: ReviewDecision,
    settings: Settings,
    *,
    reference: str | None = None,
) -> Result:
    """The reviewed result: only the accepted changes made, each change's status, the review.

    ``reference`` (when the result was scored against one) is scored again.
    """
    edits = _cleaning_edits(result)
    selection = _select(edits, decision)
    reviewed_at = _utc(decision.reviewed_at)
    base_cleaned = apply_edits(result.input, edits)
    rejected = {id(edits[i]) for i in selection.all}
    cleaned = revert_edits(base_cleaned, edits, lambda e: id(e) in rejected)
    reviewed_edits = tuple(
        replace(e, applied=False, rejected=True) if i in selection.all else e
        for i, e in enumerate(edits)
    )
    if apply_edits(result.input, reviewed_edits) != cleaned:  # the replay guarantee
        msg = "internal error: reviewed edits do not replay to the reviewed text"
        raise RuntimeError(msg)
    notes: list[str] = []
    old = result.source_text  # aligned again with the reviewed text
    source = None if old is None else align(old.text, cleaned, old.language, old.name)
    findings, suppressed, scores = find_and_score(
        result.input,
        cleaned,
        reviewed_edits,
        result.language.code,
        settings,
        notes,
        reference,
        source=source,
    )
    review = Review(
        status="reviewed",
        decision="reject article" if decision.decision == "reject article" else "accept",
        note=decision.note,
        reviewed_at=reviewed_at,
        rejected_changes=tuple(i + 1 for i in sorted(selection.all)),
        rejected_rules=selection.rules,
    )
    return replace(
        result,
        cleaned=cleaned,
        edits=reviewed_edits,
        findings=tuple(findings),
        suppressed=tuple(suppressed),
        scores=scores,
        # The checkers' notes of this run; the cleaning's own notes are kept once.
        notes=tuple(dict.fromkeys([*result.notes, *notes])),
        review=review,
        source_text=source,
    )


def remember_rejections(
    path: Path, result: Result, decision: ReviewDecision, today: dt.date | None = None
) -> Result:
    """Save the changes ``decision`` rejects by rule to the memory file at ``path``.

    ``result`` is the cleaning or its review; returns it with ``review.remembered`` set to
    the number of these rejections the memory now holds (saved now or by an earlier
    review); unchanged when the decision does not ask to remember.
    """
    edits = _cleaning_edits(result)
    selection = _select(edits, decision)
    if not decision.remember_rejections or not selection.by_rule:
        return result
    chosen = {id(edits[i]) for i in selection.by_rule}
    base_cleaned = apply_edits(result.input, edits)
    contexts = [(e.rule, c) for e, c in change_contexts(base_cleaned, edits) if id(e) in chosen]
    note = decision.note.strip() or "rejected in review"
    day = today or decision.reviewed_at.astimezone(dt.UTC).date()
    remember_contexts(path, contexts, note, day)  # adds those it does not hold yet
    if result.review is None:
        return result
    return replace(result, review=replace(result.review, remembered=len(contexts)))


def review_form_markdown(result: Result, problem: str | None = None) -> str:
    """The review form's description: how to answer, and the numbered applied changes.

    ``problem`` (a refused earlier answer) comes first, so the editor sees what to mend.
    """
    out: list[str] = []
    if problem:
        out += [f"**Not applied:** {escape_markdown_line(problem)}", ""]
    name = escape_markdown_line(result.source_name or "article")
    out += [
        f"Review of {name}: reject changes by number or by entry or rule id "
        "(a prefix such as `places` takes every `places.` entry), or reject the article. "
        "Numbers are those of the report.",
        "",
    ]
    applied = [(i, e) for i, e in enumerate(result.edits, 1) if e.applied or e.rejected]
    if not applied:
        return "\n".join([*out, "No change was made: accept, or add a note."])
    out += ["| # | Change | Entry or rule |", "|---|---|---|"]
    for number, e in applied:
        out.append(f"| {number} | {_change_cell(e)} | {escape_markdown_line(e.rule)} |")
    return "\n".join(out)


def _change_cell(edit: Edit) -> str:
    before = escape_markdown_line(edit.before).strip()
    after = escape_markdown_line(edit.after).strip()
    return " → ".join(
        part
        for part in (f"~~{before}~~" if before else "", f"**{after}**" if after else "")
        if part
    )
