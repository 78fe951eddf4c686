"""The source text of a translation, and which of its segments each target segment renders.

Contract: :func:`align` pairs segments of ``source`` with segments of ``target`` and never
raises. In order of preference:

- ``lines``: both texts have the same number of non-empty lines; line *i* renders line *i*;
- ``paragraphs``: both have more than one non-empty line (paragraph), but not as many; the
  paragraphs are aligned by length (Gale and Church 1993), one to one, one to two, two to
  one or two to two;
- ``sentences``: one side is a single paragraph; the sentences are aligned the same way;
- ``whole``: the texts form one pair (a side with one sentence, an empty side, or texts too
  long to align within the cost bound).

Every pair holds text on both sides (a segment the length model pairs with nothing joins its
neighbour's pair, so that a dropped sentence shows as a short target for its pair); pairs are
in order, do not overlap and cover every segment. Offsets index the texts as given (code
points). Pure and deterministic; time is bounded by a band around the diagonal.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "SegmentPair",
    "SourceText",
    "align",
    "gale_church",
    "non_empty_lines",
    "sentences",
    "source_hash",
]

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


# A sentence ends at . ! ? … (and their CJK, Arabic and Devanagari forms) with any closing
# quotes or brackets, before white space or the end; CJK full stops end one even with no space.
_SENTENCE_END = re.compile(
    r"""(?:[.!?…]+["'”’»)\]]*(?=\s|$)|[。！？؟।]+["'”’」』)\]]*\s*|[\r\n]+)"""
)


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The spans of the sentences of ``text[start:end]`` (white space trimmed), in order.

    >>> t = "He came. She left!  我来了。你好"
    >>> [t[a:b] for a, b in sentences(t)]
    ['He came.', 'She left!', '我来了。', '你好']
    """
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    at = start
    for m in _SENTENCE_END.finditer(text, start, end):
        _add_trimmed(text, at, m.end(), spans)
        at = m.end()
    _add_trimmed(text, at, end, spans)
    return spans


def _add_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        spans.append((start + lead, start + lead + len(stripped)))


# Gale and Church's priors of each bead (source segments, target segments) and the variance
# of the length difference per unit of length.
_BEADS: dict[tuple[int, int], float] = {
    (1, 1): 0.89,
    (1, 0): 0.0099 / 2,
    (0, 1): 0.0099 / 2,
    (2, 1): 0.089 / 2,
    (1, 2): 0.089 / 2,
    (2, 2): 0.011,
}
_VARIANCE = 6.8
#: Cells of the alignment table beyond which the texts are one pair ("whole").
MAX_CELLS = 200_000


def _bead_cost(src_len: int, tgt_len: int, ratio: float, prior: float) -> float:
    """-log(prior * P(length difference)): Gale and Church's match cost."""
    if src_len == 0 and tgt_len == 0:
        return 0.0
    mean = (src_len + tgt_len / ratio) / 2
    delta = (tgt_len - src_len * ratio) / math.sqrt(mean * _VARIANCE)
    p = max(math.erfc(abs(delta) / math.sqrt(2)), 1e-300)
    return -math.log(prior) - math.log(p)


def gale_church(
    source_lengths: list[int], target_lengths: list[int], ratio: float = 1.0
) -> list[tuple[int, int, int, int]] | None:
    """The least-cost alignment of two sequences of lengths, as beads
    ``(source_from, source_to, target_from, target_to)`` of indices; None when the table
    would exceed :data:`MAX_CELLS`. ``ratio`` is the expected target length per source
    length (character counts differ by script: Chinese takes fewer than English).

    >>> gale_church([10, 30, 12], [11, 20, 14, 13])
    [(0, 1, 0, 1), (1, 2, 1, 3), (2, 3, 3, 4)]
    """
    n, m = len(source_lengths), len(target_lengths)
    band = max(10, abs(n - m) + 10)
    if (n + 1) * min(m + 1, 2 * band + 1) > MAX_CELLS:
        return None
    inf = float("inf")
    cost: dict[tuple[int, int], float] = {(0, 0): 0.0}
    back: dict[tuple[int, int], tuple[int, int]] = {}
    src_sum = [0, *_running(source_lengths)]
    tgt_sum = [0, *_running(target_lengths)]
    for i in range(n + 1):
        centre = i * m // n if n else 0
        for j in range(max(0, centre - band), min(m, centre + band) + 1):
            if i == j == 0:
                continue
            best, step = inf, (0, 0)
            for (di, dj), prior in _BEADS.items():
                before = cost.get((i - di, j - dj), inf) if i >= di and j >= dj else inf
                if before == inf:
                    continue
                here = before + _bead_cost(
                    src_sum[i] - src_sum[i - di], tgt_sum[j] - tgt_sum[j - dj], ratio, prior
                )
                if here < best:
                    best, step = here, (di, dj)
            if best < inf:
                cost[i, j], back[i, j] = best, step
    if (n, m) not in cost:
        return None
    beads = []
    i, j = n, m
    while i or j:
        di, dj = back[i, j]
        beads.append((i - di, i, j - dj, j))
        i, j = i - di, j - dj
    return beads[::-1]


def _running(lengths: list[int]) -> list[int]:
    total, out = 0, []
    for length in lengths:
        total += length
        out.append(total)
    return out


def _length(text: str, span: tuple[int, int]) -> int:
    """The length that counts for alignment: characters other than white space."""
    piece = text[span[0] : span[1]]
    return len(piece) - sum(1 for c in piece if c.isspace())


def _pairs_by_length(
    source: str, target: str, src: list[tuple[int, int]], tgt: list[tuple[int, int]]
) -> tuple[SegmentPair, ...] | None:
    """Gale-Church pairs of the spans ``src`` and ``tgt``, an empty side joined to its
    neighbour; None when the table is too large."""
    src_lengths = [_length(source, s) for s in src]
    tgt_lengths = [_length(target, t) for t in tgt]
    ratio = max(sum(tgt_lengths), 1) / max(sum(src_lengths), 1)
    beads = gale_church(src_lengths, tgt_lengths, ratio)
    if beads is None:
        return None
    merged: list[list[int]] = []
    for s0, s1, t0, t1 in beads:
        if merged and (s0 == s1 or t0 == t1 or merged[-1][0] == merged[-1][1]
                       or merged[-1][2] == merged[-1][3]):  # fmt: skip
            merged[-1][1], merged[-1][3] = s1, t1  # one side empty: joins the pair before
        else:
            merged.append([s0, s1, t0, t1])
    return tuple(
        SegmentPair(src[s0][0], src[s1 - 1][1], tgt[t0][0], tgt[t1 - 1][1])
        for s0, s1, t0, t1 in merged
    )


def align(source: str, target: str, language: str = "und", name: str = "") -> SourceText:
    """Pair ``source``'s segments with ``target``'s (see the module docstring).

    >>> align("a\\nb", "x\\ny").method, align("a\\nb", "x y").method
    ('lines', 'whole')
    >>> align("One. Two.", "Eins.\\nZwei.").method
    'sentences'
    """
    src_lines, tgt_lines = non_empty_lines(source), non_empty_lines(target)
    if src_lines and len(src_lines) == len(tgt_lines):
        pairs = tuple(
            SegmentPair(s0, s1, t0, t1)
            for (s0, s1), (t0, t1) in zip(src_lines, tgt_lines, strict=True)
        )
        return SourceText(source, language, "lines", pairs, name)
    if len(src_lines) > 1 and len(tgt_lines) > 1:
        by_paragraph = _pairs_by_length(source, target, src_lines, tgt_lines)
        if by_paragraph is not None:
            return SourceText(source, language, "paragraphs", by_paragraph, name)
    src_sentences, tgt_sentences = sentences(source), sentences(target)
    if len(src_sentences) > 1 and len(tgt_sentences) > 1:
        by_sentence = _pairs_by_length(source, target, src_sentences, tgt_sentences)
        if by_sentence is not None:
            return SourceText(source, language, "sentences", by_sentence, name)
    return SourceText(
        source, language, "whole", (SegmentPair(0, len(source), 0, len(target)),), name
    )
