"""Untranslated and missing text, found by comparing each target segment with its source.

Contract: :class:`SourceTextChecker` yields nothing when ``context.source`` is None; otherwise
it reads ``context.source.segments(text)`` (offsets index the checked text) and yields at most
one finding per rule and segment pair, spanning the target segment, never changing text.
The rules are declared in ``source-text.yaml`` beside this module.

``source-text.unchanged``
    The target segment is its source, letter for letter (case and white space aside), while
    the source is in another language: it was never translated. From
    :data:`MIN_UNCHANGED_LETTERS` letters and, in a script with case, from
    :data:`MIN_UNCHANGED_LOWER_WORDS` words in lower case, so that a name, a number or a title
    kept as it is ("Le Monde diplomatique et Der Spiegel") does not count.

``source-text.source-script``
    Most letters of the target segment (:data:`MIN_SCRIPT_SHARE`, from
    :data:`MIN_SCRIPT_LETTERS` letters) are in the source's script, which the article's
    language does not write: the segment is still in the source language.

``source-text.omission``
    The target segment is much shorter than its source predicts: below
    :data:`MAX_SHORT_SHARE` of the expected length, where the expected length is the source's
    length (characters other than white space) times the pair's ratio (from
    :data:`LENGTHS_PER_1000_ENGLISH`, measured on human translations; for another pair, the
    ratio of the whole texts when they have :data:`MIN_PAIRS_FOR_OWN_RATIO` pairs or more).
    Only from :data:`MIN_EXPECTED_LENGTH` expected characters: short segments vary too much.
    Calibrated so that the human references of the shared data against their sources give no
    finding (the worst reference is at 52% of its expected length).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from copydesk.findings._words import letter_script
from copydesk.findings.checker import FindContext, RuleFileChecker, rule_file_rules
from copydesk.langid import LANGUAGE_SCRIPTS, UNDETERMINED, base_language, same_language
from copydesk.model import Finding
from copydesk.rules.model import Match
from copydesk.source import SegmentPair

__all__ = [
    "LENGTHS_PER_1000_ENGLISH",
    "MAX_SHORT_SHARE",
    "MIN_EXPECTED_LENGTH",
    "MIN_PAIRS_FOR_OWN_RATIO",
    "MIN_SCRIPT_LETTERS",
    "MIN_SCRIPT_SHARE",
    "MIN_UNCHANGED_LETTERS",
    "MIN_UNCHANGED_LOWER_WORDS",
    "SourceTextChecker",
    "expected_ratio",
]

#: Characters (white space left out) a language takes for what English says in 1,000, from
#: the human references against their sources in the shared data: zh-en TED (523 segments,
#: 2.70 English characters per Chinese one), en-de news and TED (657, 1.17), en-es and en-ru
#: news (82 documents each, 1.16 and 1.12). A pair of two of these languages expects the
#: ratio of their lengths.
LENGTHS_PER_1000_ENGLISH: dict[str, int] = {
    "en": 1000,
    "de": 1172,
    "es": 1155,
    "ru": 1121,
    "zh": 370,
}
#: A target below this share of its expected length is an omission candidate. The human
#: references' lowest shares are 0.52 (zh-en), 0.54 (en-de), 0.71 (en-es), 0.70 (en-ru).
MAX_SHORT_SHARE = 0.47
#: Expected target characters below which a segment is too short to judge by length.
MIN_EXPECTED_LENGTH = 70
#: Pairs from which an article's own length ratio stands in for a pair not in the table.
MIN_PAIRS_FOR_OWN_RATIO = 3
#: Letters, and words in lower case, from which a segment left as its source counts (names
#: and titles are shorter, or capitalised).
MIN_UNCHANGED_LETTERS = 20
MIN_UNCHANGED_LOWER_WORDS = 3
#: Letters, and the share of them in the source's script, for a segment still in it.
MIN_SCRIPT_LETTERS = 20
MIN_SCRIPT_SHARE = 0.5

_RULE_FILE = Path(__file__).with_name("source-text.yaml")
_FIELDS = frozenset({"source", "source_language", "script", "share", "length", "expected"})
_EXCERPT = 80
_WORD = re.compile(r"[^\W\d_]+")


def _length(text: str) -> int:
    return len(text) - sum(1 for c in text if c.isspace())


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _EXCERPT else flat[: _EXCERPT - 1] + "…"


def _letters(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def expected_ratio(
    source_language: str, language: str, segments: list[tuple[str, str, SegmentPair]]
) -> float | None:
    """Target characters per source character for the pair, or None when unknown.

    >>> round(expected_ratio("zh", "en", []), 2)
    2.7
    >>> expected_ratio("tr", "en", [("abc", "abcd", None)] * 3)  # type: ignore[list-item]
    1.3333333333333333
    """
    source_length = LENGTHS_PER_1000_ENGLISH.get(base_language(source_language))
    target_length = LENGTHS_PER_1000_ENGLISH.get(base_language(language))
    if source_length and target_length:
        return target_length / source_length
    if len(segments) < MIN_PAIRS_FOR_OWN_RATIO:
        return None
    source_total = sum(_length(s) for s, _, _ in segments)
    target_total = sum(_length(t) for _, t, _ in segments)
    return target_total / source_total if source_total else None


def _reads_as_prose(text: str) -> bool:
    """Whether ``text`` is more than names: enough words in lower case, in a script with
    case (a caseless script cannot tell)."""
    words = _WORD.findall(text)
    if not any(c.isupper() or c.islower() for c in text):
        return True
    return sum(1 for w in words if w[0].islower()) >= MIN_UNCHANGED_LOWER_WORDS


def _main_script(text: str) -> str | None:
    scripts = Counter(s for c in text if (s := letter_script(c)) is not None)
    return scripts.most_common(1)[0][0] if scripts else None


class SourceTextChecker(RuleFileChecker):
    """Segments left untranslated or much shorter than their source (see the module
    docstring)."""

    name = "source-text"
    rule_file = _RULE_FILE
    fields = _FIELDS

    def find(self, text: str, context: FindContext) -> Iterator[Finding]:
        """The findings of the enabled rules; nothing without a source."""
        source = context.source
        wanted = set(self.enabled(context))
        if source is None or not wanted:
            return
        rules = rule_file_rules(_RULE_FILE, _FIELDS)
        language, source_language = base_language(context.language), source.language
        segments = source.segments(text)
        other_language = source_language != UNDETERMINED and not same_language(
            base_language(source_language), language
        )
        native = LANGUAGE_SCRIPTS.get(language, frozenset())
        source_script = _main_script(source.text) if other_language else None
        ratio = expected_ratio(source_language, language, segments)
        if "source-text.omission" in wanted and ratio is None:
            context.note(
                f"no length ratio for {source_language}-{language}: omission check skipped"
            )
        for src, tgt, pair in segments:
            named: dict[str, str | None] = {
                "source": _excerpt(src),
                "source_language": source_language,
            }
            match = Match(pair.target_start, pair.target_end, (), named)
            letters = _letters(tgt)
            if (
                "source-text.unchanged" in wanted
                and other_language
                and len(letters) >= MIN_UNCHANGED_LETTERS
                and letters == _letters(src)
                and _reads_as_prose(tgt)
            ):
                yield rules["source-text.unchanged"].finding(text, match)
                continue
            if (
                "source-text.source-script" in wanted
                and source_script
                and native
                and (source_script not in native)
            ):
                scripts = [s for c in tgt if (s := letter_script(c)) is not None]
                share = scripts.count(source_script) / len(scripts) if scripts else 0.0
                if len(scripts) >= MIN_SCRIPT_LETTERS and share >= MIN_SCRIPT_SHARE:
                    named |= {"script": source_script, "share": f"{share:.0%}"}
                    yield rules["source-text.source-script"].finding(text, match)
                    continue
            if "source-text.omission" in wanted and ratio is not None:
                expected = _length(src) * ratio
                length = _length(tgt)
                if expected >= MIN_EXPECTED_LENGTH and length < MAX_SHORT_SHARE * expected:
                    named |= {"length": str(length), "expected": str(round(expected))}
                    yield rules["source-text.omission"].finding(text, match)
