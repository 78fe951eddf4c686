"""The typed values of a run's scores: one :class:`Score`, the MQM penalty, reference scores.

Contract: every score of a run is a frozen value; :class:`Scores` gathers them for
:attr:`copydesk.model.Result.scores` and :meth:`Scores.to_dict` gives the report's JSON
``scores`` object (``words``, ``mqm``, ``edit_rate``, ``reference`` with a reference). A score
carries a signature when its number depends on settings (sacrebleu's ``get_signature()``
string), so that two numbers can be compared only when their signatures match. This module
imports nothing of copydesk, so the data model can name its types; the numbers are computed in
:mod:`~copydesk.scores.mqm`, :mod:`~copydesk.scores.ter` and :mod:`~copydesk.scores.reference`,
and all of them for one run by :func:`copydesk.scores.run.score_run`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MQMScore", "ReferenceScores", "Score", "Scores"]


@dataclass(frozen=True, slots=True)
class Score:
    """One number with its name, its signature (None if it needs none) and details.

    >>> Score("TER", 2.0, "case:mixed", {"edits": 1}).to_dict()["score"]
    2.0
    """

    name: str
    value: float
    signature: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a score: name, score (the value), signature, details.

        The key is ``score``, as sacrebleu names the attribute.
        """
        return {
            "name": self.name,
            "score": self.value,
            "signature": self.signature,
            "details": dict(self.details),
        }


@dataclass(frozen=True, slots=True)
class MQMScore:
    """The MQM-style penalty of a run's findings (see :func:`copydesk.scores.mqm.mqm_score`)."""

    findings: int
    word_count: int
    penalty: float
    score: float  # the penalty per 100 words, lower is better
    by_category: Mapping[str, int]
    by_severity: Mapping[str, int]
    by_category_severity: Mapping[str, Mapping[str, int]]
    weights: Mapping[str, float]
    signature: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape: the fields in order, mappings as plain dicts."""
        return {
            "findings": self.findings,
            "word_count": self.word_count,
            "penalty": self.penalty,
            "score": self.score,
            "by_category": dict(self.by_category),
            "by_severity": dict(self.by_severity),
            "by_category_severity": {k: dict(v) for k, v in self.by_category_severity.items()},
            "weights": dict(self.weights),
            "signature": self.signature,
        }


@dataclass(frozen=True, slots=True)
class ReferenceScores:
    """BLEU, chrF++ and TER of each hypothesis (``input``, ``cleaned``) against a reference.

    ``segmentation`` is ``"line"`` or ``"document"``; ``systems`` maps each hypothesis's name
    to its scores by metric label.
    """

    segmentation: str
    segments: int
    systems: Mapping[str, Mapping[str, Score]]

    def to_dict(self) -> dict[str, Any]:
        """``{"segmentation", "segments", <name>: {<metric>: Score.to_dict()}}``."""
        out: dict[str, Any] = {"segmentation": self.segmentation, "segments": self.segments}
        for name, scores in self.systems.items():
            out[name] = {label: score.to_dict() for label, score in scores.items()}
        return out


@dataclass(frozen=True, slots=True)
class Scores:
    """Every score of one run: the word count, MQM penalty, edit rate, reference scores."""

    words: int
    mqm: MQMScore
    edit_rate: Score
    reference: ReferenceScores | None = None

    def to_dict(self) -> dict[str, Any]:
        """The report's JSON ``scores`` object; ``reference`` only when there was one."""
        out: dict[str, Any] = {
            "words": self.words,
            "mqm": self.mqm.to_dict(),
            "edit_rate": self.edit_rate.to_dict(),
        }
        if self.reference is not None:
            out["reference"] = self.reference.to_dict()
        return out
