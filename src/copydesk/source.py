"""The source text of a translation, and which of its segments each target segment renders.

Contract: :func:`align` pairs segments of ``source`` with segments of ``target`` and never
raises. When both texts have the same number of non-empty lines, line *i* renders line *i*
(``method="lines"``); otherwise the whole texts form one pair (``method="whole"``), which
source-aware checks read as one segment. Offsets index the texts as given (code points).
Pure and deterministic.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

__all__ = ["SegmentPair", "SourceText", "align", "non_empty_lines", "source_hash"]

_LINE = re.compile(r"[^\r\n]+")


@dataclass(frozen=True, slots=True)
class SegmentPair:
    """A source segment and the target segment that translates it (half-open offsets)."""

    source_start: int
    source_end: int
    target_start: int
    target_end: int


@dataclass(frozen=True, slots=True)
class SourceText:
    """A source text aligned with the text it was translated into.

    ``language`` is the source's language code (given or detected, ``und`` when unknown);
    ``method`` names how the segments were paired (``lines``, ``whole``, ...) so that a report
    can say it; ``pairs`` are in target order.
    """

    text: str
    language: str
    method: str
    pairs: tuple[SegmentPair, ...]
    name: str = ""

    def segments(self, target: str) -> list[tuple[str, str, SegmentPair]]:
        """Each pair's source and target text.

        >>> src = align("Один.\\nДва.", "One.\\nTwo.", "ru")
        >>> [(s, t) for s, t, _ in src.segments("One.\\nTwo.")]
        [('Один.', 'One.'), ('Два.', 'Two.')]
        """
        return [
            (self.text[p.source_start : p.source_end], target[p.target_start : p.target_end], p)
            for p in self.pairs
        ]

    @property
    def sha(self) -> str:
        """The short content hash of the source text (as the signature names it)."""
        return source_hash(self.text)

    def describe(self) -> str:
        """One line for a report: name, language, method and number of segments.

        >>> align("Один.\\nДва.", "One.\\nTwo.", "ru", "wire.txt").describe()
        'wire.txt (ru), 2 segment(s) aligned by lines'
        """
        return (
            f"{self.name or '<source>'} ({self.language}), {len(self.pairs)} segment(s) "
            f"aligned by {self.method}"
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the source (see docs/report-schema.md); no text, no offsets."""
        return {
            "name": self.name,
            "language": self.language,
            "method": self.method,
            "segments": len(self.pairs),
            "sha256": self.sha,
        }


def source_hash(text: str) -> str:
    """The first 12 hex digits of the SHA-256 of ``text`` in UTF-8.

    >>> source_hash("")
    'e3b0c44298fc'
    """
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def non_empty_lines(text: str) -> list[tuple[int, int]]:
    """The spans of ``text``'s lines that hold more than white space.

    >>> non_empty_lines("a\\n\\n  \\nb c\\r\\n")
    [(0, 1), (6, 9)]
    """
    return [(m.start(), m.end()) for m in _LINE.finditer(text) if m.group().strip()]


def align(source: str, target: str, language: str = "und", name: str = "") -> SourceText:
    """Pair ``source``'s segments with ``target``'s (see the module docstring).

    >>> align("a\\nb", "x\\ny").method, align("a\\nb", "x y").method
    ('lines', 'whole')
    """
    src_lines, tgt_lines = non_empty_lines(source), non_empty_lines(target)
    if src_lines and len(src_lines) == len(tgt_lines):
        pairs = tuple(
            SegmentPair(s0, s1, t0, t1)
            for (s0, s1), (t0, t1) in zip(src_lines, tgt_lines, strict=True)
        )
        return SourceText(source, language, "lines", pairs, name)
    return SourceText(
        source, language, "whole", (SegmentPair(0, len(source), 0, len(target)),), name
    )
