"""Every score of one cleaning run, computed in one place.

Contract: :func:`score_run` gives the :class:`~copydesk.scores.base.Scores` of a run from its
input, its cleaned text and its findings (after the false-alarm memory): the word count and
MQM penalty of the cleaned text, the edit rate from input to cleaned, and, given a human
reference translation, BLEU, chrF++ and TER of both texts against it.
"""

from __future__ import annotations

from collections.abc import Sequence

from copydesk.model import Finding
from copydesk.scores.base import Scores
from copydesk.scores.mqm import count_words, mqm_score
from copydesk.scores.reference import reference_scores
from copydesk.scores.ter import edit_rate_score

__all__ = ["score_run"]


def score_run(
    text: str, cleaned: str, findings: Sequence[Finding], reference: str | None = None
) -> Scores:
    """The scores of one run; raises ValueError for a reference that holds no text.

    >>> score_run("the regime said", "the government said", []).to_dict()["edit_rate"]["score"]
    33.3333
    """
    words = count_words(cleaned)
    return Scores(
        words=words,
        mqm=mqm_score(findings, words),
        edit_rate=edit_rate_score(text, cleaned),
        reference=(
            None
            if reference is None
            else reference_scores({"input": text, "cleaned": cleaned}, reference)
        ),
    )
