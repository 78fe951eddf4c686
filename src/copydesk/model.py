"""The data model shared by every stage: frozen, typed values.

An :class:`Edit` is one change to the input text (offsets into the input), a
:class:`Finding` is one doubt about the cleaned text (offsets into the cleaned
text), and a :class:`Result` is everything one run produced. Offsets are
code-point indices into the decoded text with line endings kept as read.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from copydesk.scores.base import Scores
from copydesk.signature import Signature
from copydesk.source import SourceText

Severity = Literal["minor", "major", "critical"]
EditStatus = Literal["applied", "suggested", "rejected by review"]
ReviewDecisionKind = Literal["accept", "reject article"]
REVIEW_DECISIONS: tuple[ReviewDecisionKind, ...] = ("accept", "reject article")
SEVERITIES: tuple[Severity, ...] = ("minor", "major", "critical")


def severity_rank(severity: Severity | str) -> int:
    """Order severities: minor < major < critical.

    >>> severity_rank("major") > severity_rank("minor")
    True
    """
    return SEVERITIES.index(severity)


@dataclass(frozen=True, slots=True)
class Edit:
    """One change to the input text, attributed to the entry or rule that made it.

    ``start``/``end`` index the *input* text; ``before == input[start:end]``.
    ``applied`` is False for a change that is only suggested, or that cleaning made and an
    editor's review rejected (``rejected``): neither is in the cleaned text.
    """

    start: int
    end: int
    before: str
    after: str
    rule: str
    category: str = "Terminology"
    applied: bool = True
    note: str | None = None
    source: str | None = None
    rejected: bool = False

    @property
    def status(self) -> EditStatus:
        """``applied``, ``suggested`` or ``rejected by review``.

        >>> Edit(0, 1, "a", "b", "r", applied=False, rejected=True).status
        'rejected by review'
        """
        if self.rejected:
            return "rejected by review"
        return "applied" if self.applied else "suggested"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of an edit (see docs/report-schema.md)."""
        # The fields one by one, as ``asdict`` gives them (they are all str, int, bool or
        # None), without its deep copies: a report has one dict per edit.
        return {
            "start": self.start,
            "end": self.end,
            "before": self.before,
            "after": self.after,
            "rule": self.rule,
            "category": self.category,
            "applied": self.applied,
            "note": self.note,
            "source": self.source,
            "status": self.status,  # says ``rejected`` too
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """One doubt about the cleaned text, for an editor to decide.

    ``start``/``end`` index the *cleaned* text; ``text == cleaned[start:end]``.
    ``replacement`` is the text to write instead, only when it is known; ``advice`` says in
    words how to mend it. ``source`` and ``link`` come from the finding's rule.
    """

    start: int
    end: int
    text: str
    rule: str
    category: str
    severity: Severity
    message: str
    replacement: str | None = None
    advice: str | None = None
    source: str | None = None
    link: str | None = None

    @property
    def suggestion(self) -> str | None:
        """What an editor is offered: the replacement when it is known, else the advice.

        >>> Finding(0, 1, "x", "r", "c", "minor", "m", advice="delete it").suggestion
        'delete it'
        """
        return self.replacement if self.replacement is not None else self.advice

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a finding (see docs/report-schema.md)."""
        # The fields one by one, without ``asdict``'s deep copies (they are all str, int or
        # None); ``suggestion`` keeps its place (schema 1.0) before the fields that schema
        # 1.1 added.
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "suggestion": self.suggestion,
            "replacement": self.replacement,
            "advice": self.advice,
            "source": self.source,
            "link": self.link,
        }


@dataclass(frozen=True, slots=True)
class Language:
    """The article's language and how it was decided."""

    code: str
    probability: float | None = None
    method: str = "langdetect"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a language decision."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Review:
    """An editor's review of a result: awaited, or given (see :mod:`copydesk.review`).

    ``rejected_changes`` are change numbers as the report numbers them (1-based, in the
    order of ``Result.edits``); ``rejected_rules`` the entry or rule id prefixes as given.
    ``reviewed_at`` is an ISO 8601 UTC time; ``remembered`` counts the rejections by rule
    the false-alarm memory holds after the review.
    """

    status: Literal["awaiting review", "reviewed"]
    decision: ReviewDecisionKind | None = None
    note: str = ""
    reviewed_at: str | None = None
    rejected_changes: tuple[int, ...] = ()
    rejected_rules: tuple[str, ...] = ()
    remembered: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a review (see docs/report-schema.md)."""
        data = asdict(self)
        data["rejected_changes"] = list(self.rejected_changes)
        data["rejected_rules"] = list(self.rejected_rules)
        return data


@dataclass(frozen=True, slots=True)
class Result:
    """Everything one cleaning run produced."""

    input: str
    cleaned: str
    edits: tuple[Edit, ...]
    findings: tuple[Finding, ...]
    language: Language
    encoding: str
    signature: Signature
    scores: Scores | None = None  # None only for a result built by hand
    notes: tuple[str, ...] = ()
    source_name: str | None = None
    suppressed: tuple[Finding, ...] = ()  # findings the false-alarm memory held back
    review: Review | None = None  # None: not sent for review
    source_text: SourceText | None = None  # the source, aligned with ``cleaned``; None: none

    @property
    def applied_edits(self) -> tuple[Edit, ...]:
        """The edits that were applied to produce ``cleaned``."""
        return tuple(e for e in self.edits if e.applied)

    @property
    def suggested_edits(self) -> tuple[Edit, ...]:
        """The edits that were only suggested."""
        return tuple(e for e in self.edits if not e.applied and not e.rejected)

    @property
    def rejected_edits(self) -> tuple[Edit, ...]:
        """The edits cleaning made and an editor's review rejected (not in ``cleaned``)."""
        return tuple(e for e in self.edits if e.rejected)
