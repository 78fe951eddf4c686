"""Replaying, undoing and chaining edits.

Contract: edits index the text they were made on. :func:`apply_edits` replays the applied
ones; :func:`undo_edits` gets the input back from the cleaned text and the edits alone;
:func:`revert_edits` undoes only some of them (a review's rejections);
:func:`compose_edits` chains the edits of two passes (A -> B, then B -> C) into edits on A,
merging a second-pass edit with the first-pass edit it touches. Suggested edits
(``applied=False``) never change text.
"""

from __future__ import annotations

import bisect
import itertools
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from copydesk.limits import check_changes
from copydesk.model import Edit


def _applied_sorted(edits: Iterable[Edit]) -> list[Edit]:
    out = sorted((e for e in edits if e.applied), key=lambda e: (e.start, e.end))
    for a, b in itertools.pairwise(out):
        if b.start < a.end:
            msg = (
                f"overlapping edits: {a.rule} [{a.start}:{a.end}] and {b.rule} [{b.start}:{b.end}]"
            )
            raise ValueError(msg)
    return out


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """Replay the applied edits on the text they index.

    >>> apply_edits("in Idleb", [Edit(3, 8, "Idleb", "Idlib", "places.idlib")])
    'in Idlib'
    """
    return _splice(text, ((e, e.start, e.end, e.before, e.after) for e in _applied_sorted(edits)))


def _splice(text: str, changes: Iterable[tuple[Edit, int, int, str, str]]) -> str:
    """``text`` with each ``(edit, start, end, expected, replacement)`` made, in order.

    Each span must hold its expected text: edits that do not fit the text are an error.
    """
    pieces: list[str] = []
    pos = 0
    for e, start, end, expected, replacement in changes:
        if text[start:end] != expected:
            msg = f"edit {e.rule} expects {expected!r} at {start}, found {text[start:end]!r}"
            raise ValueError(msg)
        pieces += [text[pos:start], replacement]
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def cleaned_offsets(edits: Iterable[Edit]) -> list[tuple[Edit, int, int]]:
    """Each applied edit with the span its ``after`` occupies in the cleaned text."""
    out = []
    delta = 0
    for e in _applied_sorted(edits):
        start = e.start + delta
        out.append((e, start, start + len(e.after)))
        delta += len(e.after) - (e.end - e.start)
    return out


def undo_edits(cleaned: str, edits: Iterable[Edit]) -> str:
    """Get the input back from the cleaned text and the edits alone.

    >>> undo_edits("in Idlib", [Edit(3, 8, "Idleb", "Idlib", "places.idlib")])
    'in Idleb'
    """
    return revert_edits(cleaned, edits, lambda _edit: True)


def revert_edits(cleaned: str, edits: Iterable[Edit], revert: Callable[[Edit], bool]) -> str:
    """The cleaned text with the applied edits that ``revert`` picks undone, the others kept.

    The result is what replaying only the others on the input gives, so a review that
    rejects some changes keeps the replay and undo guarantees.

    >>> edits = [Edit(0, 2, "aa", "A", "r.a"), Edit(3, 5, "bb", "B", "r.b")]
    >>> revert_edits("A B", edits, lambda e: e.rule == "r.a")
    'aa B'
    """
    return _splice(
        cleaned,
        ((e, s, end, e.after, e.before) for e, s, end in cleaned_offsets(edits) if revert(e)),
    )


def to_input_offset(offset: int, edits: Iterable[Edit]) -> int:
    """Map an offset in the cleaned text back to the input text.

    An offset inside a changed span maps to that span's start in the input.
    """
    for e, start, end in reversed(cleaned_offsets(edits)):
        if offset >= end:
            return offset - end + e.end
        if offset >= start:
            return e.start
    return offset


def _touch(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """Do two spans overlap, or does an empty one sit on the other's edge or inside it?"""
    if a_start == a_end or b_start == b_end:
        return b_start <= a_end and a_start <= b_end
    return a_start < b_end and b_start < a_end


def compose_edits(
    first: Sequence[Edit],
    second: Sequence[Edit],
    original: str,
    middle: str,
    *,
    max_changes: int | None = None,
) -> list[Edit]:
    """Chain ``first`` (``original`` -> ``middle``) and ``second`` (``middle`` -> ...).

    The result indexes ``original``. Second-pass edits that touch first-pass changes are
    merged with them into one edit whose rule names every contributor (``"a + b"``).
    With ``max_changes``, more composed edits than that raise
    :class:`~copydesk.limits.TooManyChanges` while they are built.

    >>> a = [Edit(0, 1, "\u0130", "I", "en.fixes.dotted-i")]
    >>> b = [Edit(0, 5, "Idleb", "Idlib", "places.idlib")]
    >>> [(e.before, e.after, e.rule) for e in compose_edits(a, b, "\u0130dleb", "Idleb")]
    [('İdleb', 'Idlib', 'en.fixes.dotted-i + places.idlib')]
    """
    spans = cleaned_offsets(first)  # applied first-pass edits with their span in ``middle``
    applied_second = sorted((e for e in second if e.applied), key=lambda e: (e.start, e.end))
    # Group, in ``middle`` coordinates, every change that touches another.
    items: list[tuple[int, int, Edit, bool]] = [(ms, me, f, True) for f, ms, me in spans]
    items += [(e.start, e.end, e, False) for e in applied_second]
    items.sort(key=lambda t: (t[0], t[1]))
    groups: list[list[tuple[int, int, Edit, bool]]] = []
    # Every member of the last group starts at or before the next item, so the item
    # touches one exactly when it starts before the furthest end of a non-empty member, or
    # at or before the furthest end of an empty one (or of any, when the item is empty).
    reach_full = reach_empty = -1
    for item in items:
        start, end = item[0], item[1]
        if start < end:
            touches = start < reach_full or start <= reach_empty
        else:
            touches = start <= max(reach_full, reach_empty)
        if groups and touches:
            groups[-1].append(item)
        else:
            groups.append([item])
            reach_full = reach_empty = -1
        if start < end:
            reach_full = max(reach_full, end)
        else:
            reach_empty = max(reach_empty, end)

    # Offsets in ``middle`` map back through the first edits that end before them:
    # a running sum of their length changes, found by bisection.
    span_ends = [me for _f, _ms, me in spans]
    span_starts = [ms for _f, ms, _me in spans]
    growth = [0]
    for f, _ms, _me in spans:
        growth.append(growth[-1] + len(f.after) - (f.end - f.start))
    span_end_of = {id(f): me for f, _ms, me in spans}

    def shift(pos: int, group: Sequence[Edit] = ()) -> int:
        """``middle`` offset -> ``original`` offset, counting first edits outside ``group``."""
        grown = growth[bisect.bisect_right(span_ends, pos)]
        grown -= sum(len(g.after) - (g.end - g.start) for g in group if span_end_of[id(g)] <= pos)
        return pos - grown

    def spans_touching(start: int, end: int) -> list[tuple[Edit, int, int]]:
        """The first edits whose ``middle`` span touches ``start:end`` (spans are disjoint)."""
        lo = bisect.bisect_left(span_ends, start)
        hi = bisect.bisect_right(span_starts, end)
        return [(f, ms, me) for f, ms, me in spans[lo:hi] if _touch(ms, me, start, end)]

    limit = sys.maxsize if max_changes is None else max_changes
    out: list[Edit] = []
    for group in groups:
        check_changes(len(out), limit)
        firsts = [it[2] for it in group if it[3]]
        seconds = [it[2] for it in group if not it[3]]
        if not seconds:
            out.extend(firsts)
            continue
        if not firsts:
            (s,) = seconds
            out.append(replace(s, start=shift(s.start), end=shift(s.start) + (s.end - s.start)))
            continue
        m_start = min(it[0] for it in group)
        m_end = max(it[1] for it in group)
        o_start = shift(m_start, firsts)
        o_end = o_start + (m_end - m_start) - sum(len(f.after) - (f.end - f.start) for f in firsts)
        after = apply_edits(middle[m_start:m_end], [
            replace(s, start=s.start - m_start, end=s.end - m_start) for s in seconds
        ])  # fmt: skip
        contributors = firsts + seconds  # in pipeline order
        out.append(
            replace(
                seconds[0],
                start=o_start,
                end=o_end,
                before=original[o_start:o_end],
                after=after,
                rule=" + ".join(dict.fromkeys(e.rule for e in contributors)),
                category=" + ".join(dict.fromkeys(e.category for e in contributors)),
            )
        )
    # Suggestions change nothing: map them onto ``original`` for the report.
    for s in second:
        if s.applied:
            continue
        check_changes(len(out) + 1, limit)
        touching = spans_touching(s.start, s.end)
        if not touching:
            out.append(replace(s, start=shift(s.start), end=shift(s.start) + (s.end - s.start)))
            continue
        m_start = min([s.start] + [ms for _f, ms, _me in touching])
        m_end = max([s.end] + [me for _f, _ms, me in touching])
        touched = [f for f, _ms, _me in touching]
        o_start = shift(m_start, touched)
        o_end = o_start + (m_end - m_start) - sum(len(f.after) - (f.end - f.start) for f in touched)
        after = middle[m_start : s.start] + s.after + middle[s.end : m_end]
        out.append(
            replace(s, start=o_start, end=o_end, before=original[o_start:o_end], after=after)
        )
    out.extend(f for f in first if not f.applied)
    check_changes(len(out), limit)
    out.sort(key=lambda e: (e.start, e.end, not e.applied, e.rule))
    return out
