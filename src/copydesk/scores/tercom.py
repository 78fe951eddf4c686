"""sacreBLEU's TER of one segment pair, computed the same way in far less time.

Contract: :func:`translation_edit_rate` returns exactly what sacreBLEU's
``sacrebleu.metrics.lib_ter.translation_edit_rate`` returns for the same word lists (the
number of edits, shifts included, and the reference length): the same Tercom heuristics
(shifts of at most 10 words by at most 50 positions, a beam of 25 around the diagonal, the
same ranking of shift candidates and the same stop after 1,000 of them per segment), the
same tie-breaking between substitution, deletion and insertion. ``tests/test_tercom.py``
compares the two on real line pairs and on random ones.

What is faster, with the same arithmetic:

- words are numbered once, so the edit distance compares integers;
- a shift candidate only needs its distance, not its trace: its rows are computed from the
  last row it shares with the hypothesis before the shift (they start with the same words),
  costs only, one row at a time over the beam;
- once a candidate's row equals the hypothesis' row at the same position past the shifted
  words, the remaining rows are equal too (same words, same recurrence), so its distance is
  the hypothesis' distance and the rest is not computed; when the two rows differ by one
  constant over the whole beam the rest differs by that constant, and the distance is known
  as well;
- shift pairs are looked up by word among the reference positions in reach, not by trying
  every pair of positions.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator, Sequence

__all__ = ["translation_edit_rate"]

# Tercom's limits, as sacreBLEU sets them.
_MAX_SHIFT_SIZE = 10
_MAX_SHIFT_DIST = 50
_BEAM_WIDTH = 25
_MAX_SHIFT_CANDIDATES = 1000
# sacreBLEU's "infinite" distance of the cells outside the beam. A cell reached only from
# such cells holds a little more here (sacreBLEU keeps its value at the first one); any value
# from it on means infinite, and no finite cost comes near it.
_INF = int(1e16)

_NOP, _SUB, _INS, _DEL = 0, 1, 2, 3

Row = list[int]


def translation_edit_rate(words_hyp: Sequence[str], words_ref: Sequence[str]) -> tuple[int, int]:
    """(number of edits, reference length) of one segment pair, as sacreBLEU counts them.

    >>> translation_edit_rate("a b c d".split(), "a b c e".split())
    (1, 4)
    >>> translation_edit_rate("d a b c".split(), "a b c d".split())
    (1, 4)
    """
    n_ref, n_hyp = len(words_ref), len(words_hyp)
    if n_ref == 0:
        return n_hyp, 0
    ids: dict[str, int] = {}
    ref = [ids.setdefault(w, len(ids)) for w in words_ref]
    hyp = [ids.setdefault(w, len(ids)) for w in words_hyp]
    distance = _BeamDistance(ref, n_hyp)
    positions: dict[int, list[int]] = {}
    for j, w in enumerate(ref):
        positions.setdefault(w, []).append(j)
    rows = distance.rows(hyp)
    shifts = checked = 0
    while True:  # shift while a shift lowers the distance, as sacreBLEU does
        gain, shifted, unchanged, checked = _best_shift(hyp, rows, positions, distance, checked)
        if checked >= _MAX_SHIFT_CANDIDATES or gain <= 0:
            break
        shifts += 1
        hyp = shifted
        rows = distance.rows(hyp, rows[: unchanged + 1])
    return shifts + rows[-1][-1], n_ref


class _BeamDistance:
    """sacreBLEU's ``BeamEditDistance`` for hypotheses of one length (a shift keeps it)."""

    def __init__(self, ref: list[int], n_hyp: int) -> None:
        self.ref = ref
        n_ref = len(ref)
        self.width = n_ref + 1
        length_ratio = n_ref / n_hyp if n_hyp else 1
        if length_ratio / 2 > _BEAM_WIDTH:
            beam_width = math.ceil(length_ratio / 2 + _BEAM_WIDTH)
        else:
            beam_width = _BEAM_WIDTH
        # The columns each row computes (row i: the first i hypothesis words).
        self.windows: list[tuple[int, int]] = [(0, self.width)]
        for i in range(1, n_hyp + 1):
            pseudo_diag = math.floor(i * length_ratio)
            low = max(0, pseudo_diag - beam_width)
            high = self.width if i == n_hyp else min(self.width, pseudo_diag + beam_width)
            self.windows.append((low, high))
        self.first_row: Row = list(range(self.width))

    def row(self, previous: Row, word: int, i: int) -> Row:
        """Row ``i`` of the distance matrix from row ``i - 1`` and the hypothesis' word ``i``."""
        low, high = self.windows[i]
        current: Row = [_INF] * self.width
        if low == 0:
            current[0] = previous[0] + 1
            low = 1
        left = current[low - 1]
        ref = self.ref
        for j in range(low, high):
            # substitution (or match), then deletion, then insertion: the first smallest wins
            cost = previous[j - 1] if ref[j - 1] == word else previous[j - 1] + 1
            up = previous[j] + 1
            if up < cost:
                cost = up
            left += 1
            if left < cost:
                cost = left
            current[j] = left = cost
        return current

    def rows(self, hyp: Sequence[int], known: list[Row] | None = None) -> list[Row]:
        """Every row of the distance matrix of ``hyp`` (row 0 first), after the ``known``
        first ones."""
        out = list(known) if known else [self.first_row]
        for i in range(len(out), len(hyp) + 1):
            out.append(self.row(out[-1], hyp[i - 1], i))
        return out

    def distance_from(self, hyp: Sequence[int], base: list[Row], start: int, same_from: int) -> int:
        """The distance of ``hyp``, which starts with the words of ``base``'s hypothesis up
        to ``start`` and ends with them from ``same_from`` on (``base``: that hypothesis' rows).
        """
        row = base[start]
        last = len(hyp)
        for i in range(start + 1, last + 1):
            row = self.row(row, hyp[i - 1], i)
            if i >= same_from and i < last:
                low, high = self.windows[i]
                reference = base[i]
                if row[low] >= _INF or reference[low] >= _INF:
                    continue  # at the beam's edge: compare a later row
                offset = row[low] - reference[low]
                if offset == 0:
                    if row[low:high] == reference[low:high]:
                        return base[-1][-1]
                elif _constant_offset(row, reference, low, high, offset):
                    return base[-1][-1] + offset
        return row[-1]

    def trace(self, rows: list[Row], hyp: Sequence[int]) -> list[int]:
        """The operations of the best path, first to last, as sacreBLEU breaks ties."""
        ref = self.ref
        ops: list[int] = []
        i, j = len(hyp), len(ref)
        while i > 0 or j > 0:
            if i == 0:
                op = _INS  # row 0: insertions only
            elif j == 0:
                op = _DEL
            else:
                previous, current = rows[i - 1], rows[i]
                sub = previous[j - 1] if ref[j - 1] == hyp[i - 1] else previous[j - 1] + 1
                cost = current[j]
                if cost >= _INF:
                    msg = "no path through the beam"
                    raise ValueError(msg)
                if sub == cost:
                    op = _NOP if ref[j - 1] == hyp[i - 1] else _SUB
                elif previous[j] + 1 == cost:
                    op = _DEL
                else:
                    op = _INS
            ops.append(op)
            if op in (_NOP, _SUB):
                i -= 1
                j -= 1
            elif op == _INS:
                j -= 1
            else:
                i -= 1
        ops.reverse()
        return ops


def _constant_offset(row: Row, reference: Row, low: int, high: int, offset: int) -> bool:
    """Whether ``row`` is ``reference`` plus ``offset`` over the columns ``low:high``, the
    infinite cells infinite on both sides (they never lead to a finite one)."""
    for a, b in zip(row[low:high], reference[low:high], strict=True):
        if a - b != offset and not (a >= _INF and b >= _INF):
            return False
    return True


def _alignment(ops: list[int]) -> tuple[list[int], list[int], list[int]]:
    """sacreBLEU's ``trace_to_alignment`` of the flipped trace: for each reference word the
    hypothesis position it aligns with, and the error flags of reference and hypothesis."""
    pos_hyp = pos_ref = -1
    align: list[int] = []
    ref_err: list[int] = []
    hyp_err: list[int] = []
    for op in ops:
        # The trace rewrites the hypothesis into the reference; sacreBLEU flips it (an
        # insertion becomes a deletion) to read it the other way round.
        if op in (_NOP, _SUB):
            pos_hyp += 1
            pos_ref += 1
            align.append(pos_hyp)
            flag = 0 if op == _NOP else 1
            hyp_err.append(flag)
            ref_err.append(flag)
        elif op == _DEL:  # flipped: an insertion in the hypothesis
            pos_hyp += 1
            hyp_err.append(1)
        else:  # _INS, flipped: a deletion
            pos_ref += 1
            align.append(pos_hyp)
            ref_err.append(1)
    return align, ref_err, hyp_err


def _next_errors(flags: list[int]) -> list[int]:
    """For each position, the first position at or after it flagged as an error (or the
    length: none)."""
    out = [len(flags)] * (len(flags) + 1)
    following = len(flags)
    for k in range(len(flags) - 1, -1, -1):
        if flags[k]:
            following = k
        out[k] = following
    return out


def _shift_candidates(
    hyp: list[int],
    ref: list[int],
    positions: dict[int, list[int]],
    hyp_err: list[int],
    ref_err: list[int],
) -> Iterator[tuple[int, int, int]]:
    """The (hypothesis start, reference start, length) that sacreBLEU's
    ``_find_shifted_pairs`` yields (matching runs of up to 10 words, starts at most 50
    apart), in its order, less those its ``_shift`` skips because the run holds no error on
    the hypothesis side or none on the reference side."""
    n_hyp, n_ref = len(hyp), len(ref)
    next_h, next_r = _next_errors(hyp_err), _next_errors(ref_err)
    for start_h in range(n_hyp):
        # the shortest run that holds an error of the hypothesis
        shortest_h = next_h[start_h] - start_h + 1
        if shortest_h > _MAX_SHIFT_SIZE:
            continue
        found = positions.get(hyp[start_h])
        if not found:
            continue
        first = bisect.bisect_left(found, start_h - _MAX_SHIFT_DIST)
        for start_r in found[first:]:
            if start_r - start_h > _MAX_SHIFT_DIST:
                break
            shortest = max(shortest_h, next_r[start_r] - start_r + 1)
            if shortest > _MAX_SHIFT_SIZE:
                continue
            longest = min(_MAX_SHIFT_SIZE, n_hyp - start_h, n_ref - start_r)
            length = 1  # the first words are equal: they were looked up by word
            while length < longest and hyp[start_h + length] == ref[start_r + length]:
                length += 1
            for run in range(shortest, length + 1):
                yield start_h, start_r, run


def _perform_shift(words: list[int], start: int, length: int, target: int) -> list[int]:
    if target < start:
        return (
            words[:target]
            + words[start : start + length]
            + words[target:start]
            + words[start + length :]
        )
    if target > start + length:
        return (
            words[:start]
            + words[start + length : target]
            + words[start : start + length]
            + words[target:]
        )
    return (
        words[:start]
        + words[start + length : length + target]
        + words[start : start + length]
        + words[length + target :]
    )


def _best_shift(
    hyp: list[int],
    rows: list[Row],
    positions: dict[int, list[int]],
    distance: _BeamDistance,
    checked: int,
) -> tuple[int, list[int], int, int]:
    """sacreBLEU's ``_shift`` of ``hyp`` (whose distance matrix is ``rows``): the gain of the
    shift that lowers the distance most, the shifted words, how many words they start with
    unchanged, and the number of candidates tried so far."""
    ref = distance.ref
    pre_score = rows[-1][-1]
    align, ref_err, hyp_err = _alignment(distance.trace(rows, hyp))
    n_align = len(align)
    best: tuple[int, int, int, int] | None = None
    best_words, best_unchanged = hyp, len(hyp)
    for start_h, start_r, length in _shift_candidates(hyp, ref, positions, hyp_err, ref_err):
        if start_h <= align[start_r] < start_h + length:
            continue
        prev_idx = -1
        for offset in range(-1, length):
            at = start_r + offset
            if at == -1:
                idx = 0
            elif at < n_align:
                idx = align[at] + 1
            else:
                break
            if idx == prev_idx:
                continue
            prev_idx = idx
            shifted = _perform_shift(hyp, start_h, length, idx)
            # Words before the first moved one, and from the end of the moved stretch on,
            # are the hypothesis' own.
            unchanged = min(start_h, idx)
            if idx < start_h:
                same_from = start_h + length
            elif idx > start_h + length:
                same_from = idx
            else:
                same_from = idx + length
            score = pre_score - distance.distance_from(shifted, rows, unchanged, same_from)
            key = (score, length, -start_h, -idx)
            checked += 1
            # sacreBLEU's tuple also holds the shifted words, but equal keys are one shift
            if best is None or key > best:
                best, best_words, best_unchanged = key, shifted, unchanged
        if checked >= _MAX_SHIFT_CANDIDATES:
            break
    if best is None:
        return 0, hyp, best_unchanged, checked
    return best[0], best_words, best_unchanged, checked
