"""Reference scores: BLEU, chrF++ and TER of the input and the cleaned text against a reference.

Contract: :func:`reference_scores` compares each hypothesis (typically ``"input"`` and
``"cleaned"``) with one human reference translation using sacrebleu's defaults (BLEU
with the 13a tokeniser, ``CHRF(word_order=2)``, TER case-insensitive as in WMT), so
the numbers are comparable with published ones; each score carries sacrebleu's
signature. Higher is better for BLEU and chrF++, lower for TER.

Segmentation: one rule for every reference score, here and in the ``evaluate`` flow
(:func:`copydesk.batch.evaluate.align`): :func:`reference_lines` splits a text at line
feeds, strips each line and drops the blank ones, because a blank line separates
paragraphs and holds nothing to score (a translation that adds or drops one must not shift
every later line). The lines are the segments when every hypothesis has as many as the
reference (``"line"``). Otherwise
each text is scored as one segment, its paragraphs joined by a space
(``"document"``). One mode holds for all hypotheses of a call, so that the input's and
the cleaned text's scores stay comparable. BLEU and chrF++ stay meaningful at document
level, while TER on one long segment overstates the edits (shifts are searched only
within a segment).
Aligning sentences across different line breaks is out of scope.

Bounded cost: TER is counted by :func:`copydesk.scores.ter.count_edits`, so a segment of
more than ``SEGMENT_WORDS`` words (a long one-line article, or a whole article in
``"document"`` mode beyond that length) is scored by aligned sentences, and what cannot
be aligned is left out with a note in the TER score's details; up to that length the
number is sacrebleu's own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from copydesk.scores.base import ReferenceScores, Score
from copydesk.scores.ter import count_edits, ter_signature

__all__ = ["reference_lines", "reference_scores", "score_segments", "segment"]


def reference_lines(text: str) -> list[str]:
    """The segments of a text scored line by line: its lines, stripped, blank ones dropped.

    >>> reference_lines("One.\\r\\n\\n  Two. \\n\\n")
    ['One.', 'Two.']
    """
    return [line.strip() for line in text.split("\n") if line.strip()]


def segment(
    hypotheses: Mapping[str, str], reference: str
) -> tuple[str, dict[str, list[str]], list[str]]:
    """Choose the segmentation and split every text into segments.

    Returns ``(mode, hypothesis segments by name, reference segments)``; ``mode`` is
    ``"line"`` when the non-blank line counts all match, else ``"document"``.

    >>> segment({"input": "a\\n\\nb"}, "A\\nB")[0]
    'line'
    >>> segment({"input": "a b"}, "A\\nB")
    ('document', {'input': ['a b']}, ['A B'])
    """
    ref_lines = reference_lines(reference)
    hyp_lines = {name: reference_lines(text) for name, text in hypotheses.items()}
    if all(len(lines) == len(ref_lines) for lines in hyp_lines.values()):
        return "line", hyp_lines, ref_lines
    return (
        "document",
        {name: [" ".join(lines)] for name, lines in hyp_lines.items()},
        [" ".join(ref_lines)],
    )


def score_segments(
    hypotheses: Mapping[str, Sequence[str]], references: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Corpus BLEU, chrF++ and TER of each system's segments against the references.

    Returns ``{system: {"BLEU": s, "chrF++": s, "TER": s}}``, each ``s`` a
    :meth:`Score.to_dict` with sacrebleu's signature (the scores of a folder of articles,
    for the ``evaluate`` flow; :func:`reference_scores` scores one article).

    >>> score_segments({"raw": ["a cat sat"]}, ["a cat sat"])["raw"]["chrF++"]["score"]
    100.0
    """
    return {
        name: {label: score.to_dict() for label, score in scores.items()}
        for name, scores in _system_scores(hypotheses, references).items()
    }


def _system_scores(
    hypotheses: Mapping[str, Sequence[str]], references: Sequence[str]
) -> dict[str, dict[str, Score]]:
    from sacrebleu.metrics.bleu import BLEU
    from sacrebleu.metrics.chrf import CHRF

    out: dict[str, dict[str, Score]] = {}
    for name, segments in hypotheses.items():
        scores: dict[str, Score] = {}
        # one metric object per system: BLEU caches reference statistics per call
        for label, metric in (("BLEU", BLEU()), ("chrF++", CHRF(word_order=2))):
            result = metric.corpus_score(list(segments), [list(references)])
            scores[label] = Score(
                name=label,
                value=round(float(result.score), 4),
                signature=str(metric.get_signature()),
                details={"text": str(result)},
            )
        scores["TER"] = _ter_score(segments, references)
        out[name] = scores
    return out


def _ter_score(segments: Sequence[str], references: Sequence[str]) -> Score:
    """Case-insensitive corpus TER at bounded cost (sacrebleu's value on ordinary text)."""
    from sacrebleu.metrics.ter import TERScore

    count = count_edits(zip(segments, references, strict=True), case_sensitive=False)
    result = TERScore(count.value, count.edits, count.reference_words)
    return Score(
        name="TER",
        value=round(float(result.score), 4),
        signature=ter_signature(case_sensitive=False),
        details={"text": str(result), **count.details()},
    )


def reference_scores(hypotheses: Mapping[str, str], reference: str) -> ReferenceScores:
    """Score each hypothesis against the reference with BLEU, chrF++ and TER.

    Raises ValueError when the reference holds no text.

    >>> out = reference_scores({"input": "the cat sat", "cleaned": "the cat sat"},
    ...                        "the cat sat")
    >>> out.segmentation, out.systems["cleaned"]["chrF++"].value, out.systems["input"]["TER"].value
    ('line', 100.0, 0.0)
    """
    if not reference.strip():
        msg = "the reference text is empty: give a human translation to score against"
        raise ValueError(msg)
    mode, hyp_segments, ref_segments = segment(hypotheses, reference)
    return ReferenceScores(
        segmentation=mode,
        segments=len(ref_segments),
        systems=_system_scores(hyp_segments, ref_segments),
    )
