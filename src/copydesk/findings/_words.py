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
from collections.abc import Iterator
from functools import lru_cache

__all__ = [
    "APOSTROPHES",
    "fold_accents",
    "iter_words",
    "letter_script",
    "normalize_apostrophes",
    "split_words",
    "word_scripts",
]

#: Characters that stand for an apostrophe in real text: right and left single quotes,
#: modifier letters (ayn and hamza transliterations), prime, grave and acute accents.
APOSTROPHES = "\u2019\u2018\u02bc\u02bb\u02be\u02bf\u2032\u0060\u00b4"
_APOSTROPHE_TABLE = str.maketrans(dict.fromkeys(APOSTROPHES, "'"))

# Letters and digits (``[^\W_]``) plus the combining-mark blocks that appear in
# decomposed Latin, Cyrillic and Arabic text, so that a decomposed "é" stays one word.
_COMBINING = (
    "\u0300-\u036f\u0483-\u0489\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc"
    "\u06df-\u06e8\u06ea-\u06ed\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
)
_WORD_RE = re.compile(rf"(?:[^\W_]|[{_COMBINING}])+")


def normalize_apostrophes(text: str) -> str:
    """Replace curly and modifier apostrophes with ``'``, one code point for one.

    >>> normalize_apostrophes("Idleb’s")
    "Idleb's"
    """
    return text.translate(_APOSTROPHE_TABLE)


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
    normalized = normalize_apostrophes(text)
    for m in _WORD_RE.finditer(normalized):
        yield m.start(), m.end(), m.group()


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
