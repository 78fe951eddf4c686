"""Edit rate: how much of the text the cleaning changed, as sacrebleu TER, at bounded cost.

Contract: :func:`edit_rate` scores the *input* (the machine translation, as the TER
hypothesis) against the *cleaned* text (as the reference), the way HTER scores a
machine translation against its post-edit: the value is the number of word edits
(insertions, deletions, substitutions, shifts) per 100 words of the cleaned text.
0 means nothing changed.

TER is case-sensitive here (a capital fixed is an edit) and computed per line: the
texts are split on ``\\n`` and paired by position, the shorter side padded with empty
lines when the counts differ (edits never add or remove line breaks, but nothing
relies on it), and the line pairs are aggregated as corpus TER (total edits over total
reference words). Unchanged lines only add their words.

Bounded cost. TER of one segment costs time and memory quadratic in its length (shifts
are searched within a segment), so no segment longer than :data:`SEGMENT_WORDS` words
is given to it (:func:`count_edits`, also used for the reference scores):

1. A changed pair of at most ``SEGMENT_WORDS`` words on each side is one segment, as
   sacrebleu scores it: every ordinary paragraph, so ordinary articles score exactly as
   one sacrebleu ``corpus_score`` over their lines.
2. A longer pair is split into sentences (a word ending in ``. ! ? … ؟ 。``, closing
   quotes or brackets aside) on both sides. Equal sentence counts pair by position;
   otherwise sentences found once on each side anchor the alignment (their longest
   common order, as patience diff does) and the stretches between anchors pair by
   position when their counts agree, else as one unit each.
3. A unit still longer than ``SEGMENT_WORDS`` loses its common leading and trailing
   words (unchanged, they only add reference words); the rest is one segment when
   short enough, else cut into :data:`CHUNK_WORDS`-word chunks by position when both
   sides have as many words, else it is not scored: neither its edits nor its words
   count, and ``details["not_scored"]`` says how many units and reference words were
   left out (the ceiling).

So cost is linear in the text's length (at most ``SEGMENT_WORDS`` squared per segment)
and memory is a few copies of the text's words. Shifts across the cut between two
sentences or chunks are counted as a deletion and an insertion, so a split long line
can score slightly higher than sacrebleu on the whole line would.

Each segment is counted by :func:`copydesk.scores.tercom.translation_edit_rate`, which
gives sacrebleu's numbers (``lib_ter``) in a fraction of its time; a segment pair that comes
again in the same call (a repeated line) is counted once and its counts reused.

The signature is sacrebleu's for ``TER(case_sensitive=True)`` with one reference,
built without scoring anything.
"""

from __future__ import annotations

import bisect
import hashlib
import importlib.util
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import Any

from copydesk.disk_cache import cached
from copydesk.scores.base import Score
from copydesk.scores.tercom import translation_edit_rate

__all__ = [
    "CHUNK_WORDS",
    "SEGMENT_WORDS",
    "EditCount",
    "count_edits",
    "edit_rate_of",
    "edit_rate_score",
    "pair_lines",
    "ter_signature",
    "ter_value",
]

#: The longest segment (in words, either side) given to TER as it is.
SEGMENT_WORDS = 250
#: The length of the by-position chunks of a long unit with as many words on each side.
CHUNK_WORDS = 100
# Segment pairs remembered per call (a key and two numbers each): repeated lines of a long
# text are counted once, with memory bounded however many lines change.
_REMEMBERED_PAIRS = 65_536

# A word ends a sentence when it ends in one of these, closing quotes and brackets aside.
_SENTENCE_ENDS = frozenset(".!?…؟。！？")
_CLOSERS = "\"'”’»)]"

Words = Sequence[str]


def pair_lines(hypothesis: str, reference: str) -> tuple[list[str], list[str]]:
    """Split both texts on ``\\n`` and pair the lines by position, padding with ``""``.

    >>> pair_lines("a\\nb\\nc", "a\\nb")
    (['a', 'b', 'c'], ['a', 'b', ''])
    """
    pairs = list(zip_longest(hypothesis.split("\n"), reference.split("\n"), fillvalue=""))
    return [h for h, _ in pairs], [r for _, r in pairs]


def ter_signature(*, case_sensitive: bool) -> str:
    """sacrebleu's TER signature for one reference, without scoring anything.

    >>> "case:mixed" in ter_signature(case_sensitive=True)
    True
    """
    # Importing sacrebleu costs a tenth of a second (portalocker, redis), so the string is
    # kept in the disk cache, keyed by the sacrebleu files that build it.
    folder = _sacrebleu_folder()
    content = (
        (folder / name).read_bytes() for name in ("version.py", "metrics/base.py", "metrics/ter.py")
    )
    return cached(
        "ter-signature",
        f"case_sensitive={case_sensitive}",
        content,
        str,
        lambda: _sacrebleu_ter_signature(case_sensitive=case_sensitive),
    )


def _sacrebleu_ter_signature(*, case_sensitive: bool) -> str:
    from sacrebleu.metrics.ter import TER

    metric = TER(case_sensitive=case_sensitive)
    metric.num_refs = 1  # what corpus_score records for one reference per segment
    return str(metric.get_signature())


def _sacrebleu_folder() -> Path:
    """sacrebleu's package folder, found without importing the package."""
    spec = importlib.util.find_spec("sacrebleu")
    if spec is None or not spec.submodule_search_locations:
        msg = "sacrebleu is not installed"
        raise ImportError(msg)
    return Path(next(iter(spec.submodule_search_locations)))


def ter_value(edits: float, reference_words: float) -> float:
    """Corpus TER from its counts; an empty reference scores 100 when there were edits.

    >>> ter_value(1, 4), ter_value(2, 0), ter_value(0, 0)
    (25.0, 100.0, 0.0)
    """
    if reference_words > 0:
        return 100 * edits / reference_words
    return 100.0 if edits > 0 else 0.0


@dataclass
class EditCount:
    """TER counts over many segment pairs: edits, reference words, and what was left out."""

    edits: float = 0.0
    reference_words: float = 0.0
    segments: int = 0
    split_pairs: int = 0
    skipped_units: int = 0
    skipped_words: int = 0
    # (edits, reference words) of the segment pairs counted so far, by a digest of the pair
    _counted: dict[bytes, tuple[int, int]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def value(self) -> float:
        """Corpus TER (0-100+) of what was scored."""
        return ter_value(self.edits, self.reference_words)

    def details(self) -> dict[str, Any]:
        """What the split and the ceiling did, for a score's details (empty when nothing)."""
        out: dict[str, Any] = {}
        if self.split_pairs:
            out["split_lines"] = self.split_pairs
        if self.skipped_units:
            out["not_scored"] = {
                "units": self.skipped_units,
                "reference_words": self.skipped_words,
                "note": (
                    f"{self.skipped_units} unit(s) over {SEGMENT_WORDS} words that could "
                    "not be aligned were left out of TER (cost ceiling)"
                ),
            }
        return out

    def add(self, hypothesis: str, reference: str) -> None:
        """Count one pair of segments (tercom words already), splitting it when it is long."""
        if hypothesis == reference:
            self.reference_words += _word_count(reference)
            return
        hyp_words, ref_words = _word_count(hypothesis), _word_count(reference)
        if max(hyp_words, ref_words) <= SEGMENT_WORDS:
            self._ter(hypothesis.split(), reference.split())
            return
        # Long: sentences are held as strings, words only one unit at a time.
        self.split_pairs += 1
        for hyp_unit, ref_unit in _aligned_units(_sentences(hypothesis), _sentences(reference)):
            self._add_unit(hyp_unit.split(), ref_unit.split())

    def _ter(self, hypothesis: Words, reference: Words) -> None:
        # Words hold no whitespace, so the joined pair stands for the words exactly.
        key = hashlib.blake2b(
            f"{' '.join(hypothesis)}\n{' '.join(reference)}".encode("utf-8", "surrogatepass"),
            digest_size=16,
        ).digest()
        counted = self._counted.get(key)
        if counted is None:
            counted = translation_edit_rate(hypothesis, reference)
            if len(self._counted) < _REMEMBERED_PAIRS:
                self._counted[key] = counted
        edits, ref_length = counted
        self.edits += edits
        self.reference_words += ref_length
        self.segments += 1

    def _add_unit(self, hypothesis: Words, reference: Words) -> None:
        if hypothesis == reference:
            self.reference_words += len(reference)
            return
        if max(len(hypothesis), len(reference)) <= SEGMENT_WORDS:
            self._ter(hypothesis, reference)
            return
        head = _common_prefix(hypothesis, reference)
        tail = _common_prefix(hypothesis[head:][::-1], reference[head:][::-1])
        hyp_mid = hypothesis[head : len(hypothesis) - tail]
        ref_mid = reference[head : len(reference) - tail]
        self.reference_words += head + tail
        if max(len(hyp_mid), len(ref_mid)) <= SEGMENT_WORDS:
            self._ter(hyp_mid, ref_mid)
        elif len(hyp_mid) == len(ref_mid):
            for start in range(0, len(ref_mid), CHUNK_WORDS):
                hyp_chunk = hyp_mid[start : start + CHUNK_WORDS]
                ref_chunk = ref_mid[start : start + CHUNK_WORDS]
                if hyp_chunk == ref_chunk:
                    self.reference_words += len(ref_chunk)
                else:
                    self._ter(hyp_chunk, ref_chunk)
        else:
            self.skipped_units += 1
            self.skipped_words += len(ref_mid)


def count_edits(pairs: Iterable[tuple[str, str]], *, case_sensitive: bool) -> EditCount:
    """TER counts of (hypothesis, reference) segment pairs, each at bounded cost.

    Words are sacrebleu's tercom words (whitespace-separated, lowercased unless
    ``case_sensitive``); see the module docstring for how long pairs are split.

    >>> count_edits([("a b c d", "a b c e"), ("x y", "x y")], case_sensitive=True).value
    16.666666666666668
    """
    count = EditCount()
    for hypothesis, reference in pairs:
        if case_sensitive or hypothesis == reference:
            count.add(hypothesis, reference)
        else:
            count.add(hypothesis.lower(), reference.lower())
    return count


_WORD = re.compile(r"\S+")


def _word_count(text: str) -> int:
    """``len(text.split())`` without the list when the text is long."""
    if len(text) < 100_000:
        return len(text.split())
    return sum(1 for _ in _WORD.finditer(text))


def _common_prefix(a: Words, b: Words) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _sentences(text: str) -> list[str]:
    """The text cut after each word that ends a sentence (spacing kept inside sentences)."""
    out: list[str] = []
    start = 0
    for m in _WORD.finditer(text):
        if m.group().rstrip(_CLOSERS)[-1:] in _SENTENCE_ENDS:
            out.append(text[start : m.end()])
            start = m.end()
    if text[start:].strip():
        out.append(text[start:])
    return out


def _aligned_units(hyp_sents: list[str], ref_sents: list[str]) -> Iterator[tuple[str, str]]:
    """Pairs of aligned sentences (or stretches of them) of a long segment pair."""
    if len(hyp_sents) == len(ref_sents):
        yield from zip(hyp_sents, ref_sents, strict=True)
        return
    prev_h = prev_r = 0
    for h, r in [*_anchors(hyp_sents, ref_sents), (len(hyp_sents), len(ref_sents))]:
        hyp_block, ref_block = hyp_sents[prev_h:h], ref_sents[prev_r:r]
        if len(hyp_block) == len(ref_block):
            yield from zip(hyp_block, ref_block, strict=True)
        else:
            yield " ".join(hyp_block), " ".join(ref_block)
        if h < len(hyp_sents):
            yield hyp_sents[h], ref_sents[r]
        prev_h, prev_r = h + 1, r + 1


def _anchors(hyp_sents: Sequence[str], ref_sents: Sequence[str]) -> list[tuple[int, int]]:
    """Positions of sentences found once on each side, in their longest common order."""
    hyp_counts, ref_counts = Counter(hyp_sents), Counter(ref_sents)
    ref_pos = {s: j for j, s in enumerate(ref_sents) if ref_counts[s] == 1}
    pairs = [
        (i, ref_pos[s]) for i, s in enumerate(hyp_sents) if hyp_counts[s] == 1 and s in ref_pos
    ]
    # Longest increasing run of reference positions (patience sorting, n log n).
    tails: list[int] = []  # smallest last reference position of a run of each length
    tail_index: list[int] = []  # index into pairs of that last element
    previous: list[int] = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        length = bisect.bisect_left(tails, j)
        if length == len(tails):
            tails.append(j)
            tail_index.append(k)
        else:
            tails[length] = j
            tail_index[length] = k
        previous[k] = tail_index[length - 1] if length > 0 else -1
    chain: list[tuple[int, int]] = []
    k = tail_index[-1] if tail_index else -1
    while k >= 0:
        chain.append(pairs[k])
        k = previous[k]
    return chain[::-1]


def edit_rate_score(input_text: str, cleaned: str) -> Score:
    """Corpus TER of the input's lines against the cleaned text's lines (0 = unchanged).

    >>> edit_rate_score("the regime forces\\nsaid", "the government forces\\nsaid").value
    25.0
    """
    line_pairs = zip_longest(input_text.split("\n"), cleaned.split("\n"), fillvalue="")
    count = count_edits(line_pairs, case_sensitive=True)
    lines = max(input_text.count("\n"), cleaned.count("\n")) + 1
    return edit_rate_of(count, lines)


def edit_rate_of(count: EditCount, lines: int) -> Score:
    """The edit-rate score of ``count`` over ``lines`` line pairs (counts of several parts of
    a text, added up, give the score of the whole)."""
    return Score(
        name="edit-rate",
        value=round(count.value, 4),
        signature=ter_signature(case_sensitive=True),
        details={
            "edits": count.edits,
            "reference_words": count.reference_words,
            "lines": lines,
            "hypothesis": "input",
            "reference": "cleaned",
            **count.details(),
        },
    )
