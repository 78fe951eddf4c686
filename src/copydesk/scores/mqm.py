"""MQM-style penalty of the findings: counts per category and severity, penalty per 100 words.

Contract: the penalty is the sum of the weights of the findings, with the weights of the
shared MQM annotations (Freitag et al. 2021): critical 25, major 5, minor 1, and minor
``Fluency/Punctuation`` 0.1. It is reported raw and per 100 words of the text the
findings index (the cleaned text); lower is better, 0 means nothing was found. The
number says how much an editor has left to check, not how good the translation is:
the checkers see a fraction of what a human rater marks.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from copydesk.findings._words import text_pieces
from copydesk.model import SEVERITIES, Finding
from copydesk.scores.base import MQMScore

__all__ = ["WEIGHTS", "count_words", "finding_weight", "mqm_score"]

#: Penalty of one finding by severity.
WEIGHTS: dict[str, float] = {"minor": 1.0, "major": 5.0, "critical": 25.0}
#: Minor punctuation findings weigh a tenth of a point.
MINOR_PUNCTUATION_WEIGHT = 0.1
PUNCTUATION_CATEGORY = "Fluency/Punctuation"
#: Signature of the weighting, recorded with every MQM score.
SIGNATURE = "mqm|crit:25|maj:5|min:1|min-punct:0.1|words:ws-alnum|per:100"

# A whitespace-separated token with a letter or digit in it (``[^\W_]``: str.isalnum), matched
# from its start only: the look-behind and the possessive run keep it linear.
_WORD_RE = re.compile(r"(?<!\S)(?:[^\s\w]|_)*+[^\W_]\S*")


def count_words(text: str) -> int:
    """Count whitespace-separated tokens that hold at least one letter or digit.

    A dash or a bullet standing alone is not a word.

    >>> count_words("Putin said — twice — that 6.5 billion…")
    6
    """
    return sum(len(_WORD_RE.findall(piece)) for piece in text_pieces(text))


def finding_weight(finding: Finding) -> float:
    """The MQM weight of one finding.

    >>> from copydesk.model import Finding
    >>> finding_weight(Finding(0, 1, ",", "x", "Fluency/Punctuation", "minor", "m"))
    0.1
    """
    if finding.severity == "minor" and finding.category == PUNCTUATION_CATEGORY:
        return MINOR_PUNCTUATION_WEIGHT
    return WEIGHTS[finding.severity]


def mqm_score(findings: Iterable[Finding], word_count: int) -> MQMScore:
    """Count findings per category and severity and compute the penalty per 100 words.

    The result holds ``score`` (the penalty per 100 words, lower is better), ``penalty``
    (unscaled), ``word_count``, ``findings``, ``by_category``, ``by_severity``,
    ``by_category_severity``, ``weights`` and ``signature``. A ``word_count`` of 0 counts
    as 1, so that an empty text still gets a number.

    >>> from copydesk.model import Finding
    >>> f = Finding(0, 4, "teh", "spelling.unknown-word", "Fluency/Spelling", "minor", "m")
    >>> mqm_score([f, f], 50).score
    4.0
    """
    if word_count < 0:
        msg = f"word_count must be 0 or more, got {word_count}"
        raise ValueError(msg)
    by_category: Counter[str] = Counter()
    by_severity: Counter[str] = Counter(dict.fromkeys(SEVERITIES, 0))
    by_category_severity: dict[str, Counter[str]] = {}
    penalty = 0.0
    count = 0
    for finding in findings:
        count += 1
        by_category[finding.category] += 1
        by_severity[finding.severity] += 1
        by_category_severity.setdefault(finding.category, Counter())[finding.severity] += 1
        penalty += finding_weight(finding)
    penalty = round(penalty, 6)  # 0.1 steps add up to 0.30000000000000004
    return MQMScore(
        findings=count,
        word_count=word_count,
        penalty=penalty,
        score=round(100.0 * penalty / max(word_count, 1), 4),
        by_category=dict(sorted(by_category.items())),
        by_severity=dict(by_severity),
        by_category_severity={
            cat: dict(sorted(c.items(), key=lambda kv: SEVERITIES.index(kv[0])))  # type: ignore[arg-type, unused-ignore]
            for cat, c in sorted(by_category_severity.items())
        },
        weights={**WEIGHTS, "minor " + PUNCTUATION_CATEGORY: MINOR_PUNCTUATION_WEIGHT},
        signature=SIGNATURE,
    )
