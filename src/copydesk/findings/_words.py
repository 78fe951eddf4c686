"""Shared word tokeniser and script helpers for the checkers.

Contract: every function here is pure and keeps code-point offsets into the text it
was given. Apostrophe normalisation replaces one code point by one code point, so
offsets computed on the normalised text index the original text unchanged.

A *word* is a maximal run of letters, digits and combining marks; apostrophes,
hyphens, punctuation and spaces separate words (``"al-Sham"`` is ``"al"`` and
``"Sham"``, ``"Idleb’s"`` is ``"Idleb"`` and ``"s"``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterator
from functools import lru_cache

__all__ = [
    "APOSTROPHES",
    "fold_accents",
    "iter_words",
    "letter_script",
    "normalize_apostrophes",
    "occurrences",
    "split_words",
    "text_pieces",
    "word_counter",
    "word_matches",
    "word_scripts",
    "words_of",
]

#: Characters that stand for an apostrophe in real text: right and left single quotes,
#: modifier letters (ayn and hamza transliterations), prime, grave and acute accents.
APOSTROPHES = "\u2019\u2018\u02bc\u02bb\u02be\u02bf\u2032\u0060\u00b4"

# Letters and digits (``[^\W_]``) plus the combining-mark blocks that appear in
# decomposed Latin, Cyrillic and Arabic text, so that a decomposed "é" stays one word.
_COMBINING_RANGES = (
    (0x0300, 0x036F), (0x0483, 0x0489), (0x0610, 0x061A), (0x064B, 0x065F), (0x0670, 0x0670),
    (0x06D6, 0x06DC), (0x06DF, 0x06E8), (0x06EA, 0x06ED), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF), (0xFE20, 0xFE2F),
)  # fmt: skip
_COMBINING = "".join(f"{chr(low)}-{chr(high)}" for low, high in _COMBINING_RANGES)
_COMBINING_MARKS = frozenset(
    chr(c) for low, high in _COMBINING_RANGES for c in range(low, high + 1)
)
# A maximal run of either, written as runs of letters with marks between them rather than
# as one character at a time: the same matches, about a third faster.
_WORD_RE = re.compile(
    rf"[^\W_]+(?:[{_COMBINING}]+[^\W_]*)*|[{_COMBINING}]+(?:[^\W_]+[{_COMBINING}]*)*"
)


def normalize_apostrophes(text: str) -> str:
    """Replace curly and modifier apostrophes with ``'``, one code point for one.

    >>> normalize_apostrophes("Idleb’s")
    "Idleb's"
    """
    # str.replace per mark, not str.translate: a table of non-ASCII characters makes
    # translate look up every code point (some 50 ms per MB against 0.3 ms)
    for mark in APOSTROPHES:
        if mark in text:
            text = text.replace(mark, "'")
    return text


def split_words(text: str) -> list[tuple[int, int, str]]:
    """Split text into ``(start, end, word)`` triples with code-point offsets into ``text``.

    Curly apostrophes are normalised first; apostrophes and hyphens split words.

    >>> split_words("Idleb’s al-Sham")
    [(0, 5, 'Idleb'), (6, 7, 's'), (8, 10, 'al'), (11, 15, 'Sham')]
    """
    return list(iter_words(text))


def iter_words(text: str) -> Iterator[tuple[int, int, str]]:
    """The words of :func:`split_words` one at a time, for text too long to hold as a list.

    >>> next(iter_words("Idleb’s"))
    (0, 5, 'Idleb')
    """
    for m in word_matches(normalize_apostrophes(text)):
        yield m.start(), m.end(), m.group()


def word_matches(normalized: str) -> Iterator[re.Match[str]]:
    """The words of text whose apostrophes are normalised, as matches (``span()``,
    ``group()``): the loops that look at most words no further skip building a tuple each.

    >>> [m.span() for m in word_matches("al-Sham")]
    [(0, 2), (3, 7)]
    """
    return _WORD_RE.finditer(normalized)


def words_of(normalized: str) -> list[str]:
    """The words of text whose apostrophes are normalised, without offsets.

    >>> words_of("Idleb's al-Sham")
    ['Idleb', 's', 'al', 'Sham']
    """
    return _WORD_RE.findall(normalized)


def _in_word(char: str) -> bool:
    """Whether ``char`` belongs in a word: what ``[^\\W_]`` (``str.isalnum``) or the
    combining marks of ``_WORD_RE`` match."""
    return char.isalnum() or char in _COMBINING_MARKS


def occurrences(normalized: str, words: Collection[str]) -> Iterator[tuple[int, int, str]]:
    """``(start, end, word)`` of each word of text whose apostrophes are normalised that is
    one of ``words``, in text order: the words :func:`word_matches` finds, for a few of an
    article's words, found by one Aho-Corasick pass instead of a loop over every word.

    >>> list(occurrences("The government, its governments' ment", {"government", "ment"}))
    [(4, 14, 'government'), (33, 37, 'ment')]
    """
    wanted = [w for w in words if w]
    if not wanted:
        return
    import ahocorasick  # the only user in a run without a glossary match

    automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
    for word in wanted:
        automaton.add_word(word, word)
    automaton.make_automaton()
    # In pieces cut after white space (no word is cut): the automaton copies what it searches
    # at four bytes a character. A hit that is a whole word is not inside another word, so
    # hits kept are disjoint and their order by end (the automaton's) is their order by start.
    offset = 0
    for piece in text_pieces(normalized):
        size = len(piece)
        for last, word in automaton.iter(piece):
            start, end = last + 1 - len(word), last + 1
            if (start and _in_word(piece[start - 1])) or (end < size and _in_word(piece[end])):
                continue
            yield offset + start, offset + end, word
        offset += size


# Text is tokenised in pieces of about this many characters, cut at white space (no word
# spans it), so that counting words never holds a list of a whole long text's words.
_PIECE = 1 << 16


def text_pieces(text: str) -> Iterator[str]:
    """``text`` in consecutive pieces cut after white space: no word (nor any run without
    white space) is cut, and the pieces joined give ``text`` back.

    >>> list(text_pieces("one two")) == ["one two"]
    True
    """
    start = 0
    while len(text) - start > _PIECE:
        end = start + _PIECE
        cut = max(text.rfind(" ", start, end), text.rfind("\n", start, end))
        if cut < start:  # no space in the piece: cut at the next one, if any
            later = [at for at in (text.find(" ", end), text.find("\n", end)) if at != -1]
            if not later:
                break
            cut = min(later)
        yield text[start : cut + 1]
        start = cut + 1
    yield text[start:]


def word_counter(text: str) -> Counter[str]:
    """How often each word (as written, apostrophes normalised) occurs in ``text``.

    >>> sorted(word_counter("The talks; the talks’ end").items())
    [('The', 1), ('end', 1), ('talks', 2), ('the', 1)]
    """
    counts: Counter[str] = Counter()
    for piece in text_pieces(text):
        counts.update(words_of(normalize_apostrophes(piece)))
    return counts


def fold_accents(word: str) -> str:
    """Lower-case a word and drop its diacritics (``"İdlib"`` -> ``"idlib"``).

    >>> fold_accents("Ḩamāh")
    'hamah'
    """
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Unicode character-name prefixes mapped to script names; the first match wins.
_SCRIPT_PREFIXES: tuple[tuple[str, str], ...] = (
    ("LATIN", "Latin"),
    ("CYRILLIC", "Cyrillic"),
    ("ARABIC", "Arabic"),
    ("HEBREW", "Hebrew"),
    ("GREEK", "Greek"),
    ("CJK", "Han"),
    ("HIRAGANA", "Japanese"),
    ("KATAKANA", "Japanese"),
    ("HANGUL", "Hangul"),
    ("ARMENIAN", "Armenian"),
    ("GEORGIAN", "Georgian"),
    ("DEVANAGARI", "Devanagari"),
    ("THAI", "Thai"),
    ("SYRIAC", "Syriac"),
    ("THAANA", "Thaana"),
    ("BENGALI", "Bengali"),
    ("TAMIL", "Tamil"),
    ("ETHIOPIC", "Ethiopic"),
)


@lru_cache(maxsize=4096)
def letter_script(char: str) -> str | None:
    """The script of one letter or combining mark, or None for anything else.

    Combining marks report the script of their block when it has one
    (Arabic harakat are "Arabic"), else None; digits and punctuation are None.

    >>> letter_script("ж"), letter_script("é"), letter_script("7")
    ('Cyrillic', 'Latin', None)
    """
    category = unicodedata.category(char)
    if category[0] not in "LM":
        return None
    name = unicodedata.name(char, "")
    for prefix, script in _SCRIPT_PREFIXES:
        if name.startswith(prefix):
            return script
    if category[0] == "M":
        return None
    return "Other"


def word_scripts(word: str) -> set[str]:
    """The set of scripts of the letters in ``word``.

    >>> sorted(word_scripts("Idlibإدلب"))
    ['Arabic', 'Latin']
    """
    return {s for s in map(letter_script, word) if s is not None}
