"""The score value and the metric interface that every ``scores/<metric>.py`` implements.

Contract: a :class:`Metric` turns one run (input text, cleaned text, findings) into a
:class:`Score`; it never changes text and never raises on empty text. A score carries
a signature when its number depends on settings (sacrebleu's ``get_signature()``
string), so that two numbers can be compared only when their signatures match.

Metrics are listed in :data:`METRICS` by name and imported lazily by
:func:`get_metric`, so that importing copydesk does not import sacrebleu.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from copydesk.model import Finding

__all__ = ["METRICS", "Metric", "Score", "get_metric"]


@dataclass(frozen=True, slots=True)
class Score:
    """One number with its name, its signature (None if it needs none) and details.

    >>> Score("TER", 2.0, "case:mixed", {"edits": 1}).to_dict()["score"]
    2.0
    """

    name: str
    value: float
    signature: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

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


class Metric(ABC):
    """A score of one cleaning run; subclasses set ``name`` and implement ``score``."""

    name: ClassVar[str]

    @abstractmethod
    def score(self, input_text: str, cleaned: str, findings: Sequence[Finding] = ()) -> Score:
        """Score one run: the input text, the cleaned text and its findings."""


#: Registered metrics: name -> "module:Class", imported on first use.
METRICS: dict[str, str] = {
    "mqm": "copydesk.scores.mqm:MQMPenalty",
    "edit-rate": "copydesk.scores.ter:EditRate",
}


def get_metric(name: str) -> type[Metric]:
    """The metric class registered under ``name`` (imported on first use).

    >>> get_metric("mqm").name
    'mqm'
    """
    try:
        target = METRICS[name]
    except KeyError:
        known = ", ".join(sorted(METRICS))
        msg = f"unknown metric {name!r}; known metrics: {known}"
        raise KeyError(msg) from None
    module_name, _, class_name = target.partition(":")
    metric: type[Metric] = getattr(importlib.import_module(module_name), class_name)
    return metric
