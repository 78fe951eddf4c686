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

Severity = Literal["minor", "major", "critical"]
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
    ``applied`` is False for a change that is only suggested.
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

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of an edit (see docs/report-schema.md)."""
        return asdict(self)


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
        # ``suggestion`` keeps its place (schema 1.0) before the fields that schema 1.1 added.
        items = list(asdict(self).items())
        at = [key for key, _ in items].index("replacement")
        return dict([*items[:at], ("suggestion", self.suggestion), *items[at:]])


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

    @property
    def applied_edits(self) -> tuple[Edit, ...]:
        """The edits that were applied to produce ``cleaned``."""
        return tuple(e for e in self.edits if e.applied)

    @property
    def suggested_edits(self) -> tuple[Edit, ...]:
        """The edits that were only suggested."""
        return tuple(e for e in self.edits if not e.applied)
