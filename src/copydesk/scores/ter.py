"""Edit rate: how much of the text the cleaning changed, as sacrebleu TER.

Contract: :func:`edit_rate` scores the *input* (the machine translation, as the TER
hypothesis) against the *cleaned* text (as the reference), the way HTER scores a
machine translation against its post-edit: the value is the number of word edits
(insertions, deletions, substitutions, shifts) per 100 words of the cleaned text.
0 means nothing changed.

TER is case-sensitive here (a capital fixed is an edit) and computed per line: the
texts are split on ``\\n`` and paired by position, the shorter side padded with empty
lines when the counts differ (edits never add or remove line breaks, but nothing
relies on it), and the line pairs are aggregated as corpus TER (total edits over total
reference words). TER of a whole article taken as one segment grows faster than
linearly with its length, because shifts are searched within a segment only.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import zip_longest
from typing import TYPE_CHECKING, Any, ClassVar

from copydesk.model import Finding
from copydesk.scores.base import Metric, Score

if TYPE_CHECKING:
    from sacrebleu.metrics.ter import TER

__all__ = ["EditRate", "edit_rate", "edit_rate_score", "pair_lines"]


def pair_lines(hypothesis: str, reference: str) -> tuple[list[str], list[str]]:
    """Split both texts on ``\\n`` and pair the lines by position, padding with ``""``.

    >>> pair_lines("a\\nb\\nc", "a\\nb")
    (['a', 'b', 'c'], ['a', 'b', ''])
    """
    pairs = list(zip_longest(hypothesis.split("\n"), reference.split("\n"), fillvalue=""))
    return [h for h, _ in pairs], [r for _, r in pairs]


def _ter() -> TER:
    from sacrebleu.metrics.ter import TER

    return TER(case_sensitive=True)


def edit_rate_score(input_text: str, cleaned: str) -> Score:
    """Corpus TER of the input's lines against the cleaned text's lines (0 = unchanged).

    >>> edit_rate_score("the regime forces\\nsaid", "the government forces\\nsaid").value
    25.0
    """
    hypotheses, references = pair_lines(input_text, cleaned)
    metric = _ter()
    # Most lines of a cleaned article are unchanged: 0 edits, and their reference length
    # needs only TER's own tokenisation. Scoring just the changed lines keeps a long article
    # fast (TER's shift search costs milliseconds per line) and gives the same corpus TER.
    changed = [(h, r) for h, r in zip(hypotheses, references, strict=True) if h != r]
    unchanged_words = sum(
        len(metric._preprocess_segment(r).split())
        for h, r in zip(hypotheses, references, strict=True)
        if h == r
    )
    edits = ref_words = 0.0
    if changed:
        result = metric.corpus_score([h for h, _ in changed], [[r for _, r in changed]])
        edits, ref_words = float(result.num_edits), float(result.ref_length)
    else:  # sacrebleu fills in its signature only once it has scored something
        metric.corpus_score(hypotheses[:1], [references[:1]])
    ref_words += unchanged_words
    # TER's convention: an empty reference scores 100 when there were edits, else 0.
    value = 100 * edits / ref_words if ref_words > 0 else (100.0 if edits > 0 else 0.0)
    return Score(
        name=EditRate.name,
        value=round(value, 4),
        signature=str(metric.get_signature()),
        details={
            "edits": edits,
            "reference_words": ref_words,
            "lines": len(hypotheses),
            "hypothesis": "input",
            "reference": "cleaned",
        },
    )


class EditRate(Metric):
    """TER from the input to the cleaned text, per line, case-sensitive."""

    name: ClassVar[str] = "edit-rate"

    def score(self, input_text: str, cleaned: str, findings: Sequence[Finding] = ()) -> Score:
        """Score how much cleaning changed ``input_text``; findings are not used."""
        return edit_rate_score(input_text, cleaned)


def edit_rate(input_text: str, cleaned: str) -> dict[str, Any]:
    """The edit rate as a JSON-ready dict: ``name``, ``score``, ``signature``, ``details``.

    >>> edit_rate("a b c d", "a b c e")["score"]
    25.0
    """
    return edit_rate_score(input_text, cleaned).to_dict()
