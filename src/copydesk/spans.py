"""Span lookups in log time: does a span overlap (or touch) any of many spans?

Rule exceptions against rule hits, findings against changes in the Markdown report, and
words against URL and address spans in the spelling check all ask this question once per
item; a scan of every span each time made them quadratic on dense text.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable

__all__ = ["SpanIndex"]


class SpanIndex:
    """Spans ``(a, b)``, sorted once, with the furthest end reached so far at each.

    >>> spans = SpanIndex([(2, 4), (9, 9)])
    >>> spans.overlaps(3, 5), spans.overlaps(4, 9), spans.touches(4, 9), spans.touches(5, 8)
    (True, False, True, False)
    """

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self._spans = sorted(spans)
        self._reach = list(itertools.accumulate((b for _, b in self._spans), max))
        self._empty = [a for a, b in self._spans if a == b]

    def overlaps(self, start: int, end: int) -> bool:
        """Whether a span ``(a, b)`` has ``a < end and start < b``."""
        before = bisect.bisect_left(self._spans, (end,))  # the spans that start before end
        return before > 0 and self._reach[before - 1] > start

    def touches(self, start: int, end: int) -> bool:
        """:meth:`overlaps`, or an empty span at either edge or inside ``start:end``."""
        if self.overlaps(start, end):
            return True
        at = bisect.bisect_left(self._empty, start)
        return at < len(self._empty) and self._empty[at] <= end
