"""Transliteration keys: one key for the spellings of one name.

Contract: every function here is pure. :func:`skeleton` and :func:`same_vowels` compare
single accent-folded words (the spelling checker's ``near-glossary-form`` uses them);
:func:`name_key` is the key of a whole name, one or more words, and :func:`fold_name` the
folded form that similarity is measured on. Two spellings of one name that transliterations
produce share a key:

- the Arabic article in its forms (al-, el-, ul-, and assimilated ad-, ar-, as-, ash-, at-,
  az-, an-...) is dropped: "Jabhat al-Nusra", "Jabhat an-Nusra" and "Jebhat Nusra";
- q/k/c/g, v/w/f, s/z are one class each; "ou" and "u", "e" and "i", every run of vowels
  is one vowel; doubled letters are one ("Raqqa", "Raqa");
- ayn and hamza marks (ʿ ʾ ' ’ ‘) and diacritics are dropped ("ʿAfrīn", "Afrin");
- a final -h after a vowel is dropped (-ah/-a, -eh/-e, -iyah/-iya).

A shared key says "could be one name"; callers add the vowel check (:func:`same_vowels`)
and a similarity floor, since the key alone joins other names ("Stephen", "Steven").
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from copydesk.findings._words import APOSTROPHES, fold_accents

__all__ = [
    "ARTICLES",
    "NAME_SUFFIXES",
    "fold_name",
    "is_derived",
    "name_key",
    "name_words",
    "same_vowels",
    "similarity",
    "skeleton",
]

# Letter groups that transliterations of one name swap for each other, in Latin and Cyrillic
# script: k/c/g/q, v/w/f and s/z among consonants; among vowels a, i (i, y, j and Cyrillic
# е, и, ы, э, й) and u (o, u), with Latin e ("e") between a and i: "Menbij" and "Manbij",
# "Edleb" and "Idlib". Other letters stand for themselves.
_LETTER_CLASS = {
    **dict.fromkeys("a\u0430\u044f", "a"),
    **dict.fromkeys("iyj\u0435\u0451\u0438\u044b\u044d\u0439", "i"),
    **dict.fromkeys("ou\u043e\u0443\u044e", "u"),
    "e": "e",
    **dict.fromkeys("kcgq\u043a\u0433", "k"),
    **dict.fromkeys("vwf\u0432\u0444", "v"),
    **dict.fromkeys("sz\u0441\u0437", "s"),
}
_VOWEL_CLASSES = frozenset("aiue")
# Digraphs spelt differently for one sound, rewritten before the letters are classed.
_DIGRAPHS = (
    ("tsch", "ch"), ("tch", "ch"), ("sch", "sh"), ("ph", "f"), ("ck", "k"), ("th", "t"),
    ("dh", "d"), ("x", "ks"),
)  # fmt: skip


def _classes(folded: str) -> list[str]:
    """The letter classes of a folded word, digraphs rewritten, runs of one class collapsed,
    a final -h after a vowel dropped (Raqqah, Hasakeh: a spelling convention)."""
    for digraph, plain in _DIGRAPHS:
        folded = folded.replace(digraph, plain)
    out: list[str] = []
    for c in folded:
        if c.isalpha():
            key = _LETTER_CLASS.get(c, c)
            if not out or out[-1] != key:
                out.append(key)
    if len(out) > 2 and out[-1] == "h" and out[-2] in _VOWEL_CLASSES:
        out.pop()
    return out


def skeleton(folded: str) -> str:
    """Transliteration key: consonants in their class, each run of vowels one "a".

    Two spellings of one name share it ("Idleb" and "Idlib", "Zaytoun" and "Zaitun",
    "Lattakia" and "Latakia", "Raqqah" and "Raqqa", "Moskow" and "Moscow", "Идлеб" and
    "Идлиб"); :func:`same_vowels` then compares the vowels.

    >>> skeleton("zaytoun") == skeleton("zaitun"), skeleton("liyan") == skeleton("libyan")
    (True, False)
    """
    out: list[str] = []
    for key in _classes(folded):
        key = "a" if key in _VOWEL_CLASSES else key
        if not out or out[-1] != key:
            out.append(key)
    return "".join(out)


def _vowel_runs(folded: str) -> list[tuple[str, ...]]:
    """Each run of vowels as its classes: an "e" beside another vowel is part of a diphthong
    and drops out ("ie", "ei" are "i"; "ea" is "a"), and a final "e" counts as "i"."""
    runs: list[list[str]] = []
    previous_vowel = False
    for key in _classes(folded):
        vowel = key in _VOWEL_CLASSES
        if vowel and not previous_vowel:
            runs.append([])
        if vowel:
            runs[-1].append(key)
        previous_vowel = vowel
    if runs and _classes(folded)[-1] in _VOWEL_CLASSES:
        runs[-1] = ["i" if k == "e" else k for k in runs[-1]]
    out: list[tuple[str, ...]] = []
    for run in runs:
        kept = [k for k in run if k != "e"] or ["e"]
        out.append(tuple(k for i, k in enumerate(kept) if i == 0 or kept[i - 1] != k))
    return out


def same_vowels(a: str, b: str) -> bool:
    """Whether two folded words with one skeleton have the same vowels, an "e" standing
    for "a" or "i" inside the word ("Menbij" and "Manbij") but not at its end ("Serie" and
    "Syria" differ, as do "Huawei" and "Hawa").

    >>> same_vowels("menbij", "manbij"), same_vowels("serie", "syria")
    (True, False)
    """
    runs_a, runs_b = _vowel_runs(a), _vowel_runs(b)
    if len(runs_a) != len(runs_b):
        return False
    for x, y in zip(runs_a, runs_b, strict=True):
        if (
            x == y
            or (x == ("e",) and y in {("a",), ("i",)})
            or (y == ("e",) and x in {("a",), ("i",)})
        ):
            continue
        return False
    return True


#: The Arabic article as transliterations write it before a name (sun letters assimilate:
#: "ash-Sham", "ar-Raqqa", "an-Nusra").
ARTICLES = frozenset(
    {"al", "el", "ul", "il", "ad", "ed", "ar", "er", "as", "es", "ash", "esh", "at", "et",
     "az", "ez", "an", "en", "ath", "adh"}
)  # fmt: skip

_MARKS = str.maketrans(dict.fromkeys(APOSTROPHES + "'\u02b9\u02ba", ""))
_WORD_SPLIT = re.compile(r"[\s\-\u2010\u2011\u2012\u2013]+")


def name_words(name: str) -> list[str]:
    """The folded words of a name: ayn and hamza marks and diacritics dropped, lower case,
    split at spaces and hyphens, the article dropped (kept when it is the whole name).

    >>> name_words("Jabhat an-Nuṣrah"), name_words("‘Afrīn")
    (['jabhat', 'nusrah'], ['afrin'])
    """
    words = [w for w in _WORD_SPLIT.split(fold_accents(name.translate(_MARKS))) if w]
    kept = [w for w in words if w not in ARTICLES]
    return kept or words


def fold_name(name: str) -> str:
    """The folded name (:func:`name_words` joined by spaces), which similarity compares.

    >>> fold_name("Al-Raqqah")
    'raqqah'
    """
    return " ".join(name_words(name))


def name_key(name: str) -> str:
    """The transliteration key of a name: the :func:`skeleton` of each word, articles dropped.

    >>> name_key("Jabhat al-Nusra") == name_key("Jebhat an-Nousrah")
    True
    >>> name_key("Hasakiyah") == name_key("Hasakiya"), name_key("Idlib") == name_key("Edleb")
    (True, True)
    """
    return " ".join(skeleton(w) for w in name_words(name))


def similarity(a: str, b: str) -> float:
    """The difflib ratio of two folded names (:func:`fold_name`).

    >>> round(similarity("Menbij", "Manbij"), 2)
    0.83
    """
    return SequenceMatcher(None, fold_name(a), fold_name(b), autojunk=False).ratio()


#: Plural and demonym endings: "Syrians", "Idlibi", "Aleppans" derive from a name.
NAME_SUFFIXES = frozenset(
    {"s", "es", "n", "ns", "an", "ans", "ian", "ians", "i", "is", "li", "lis", "ese", "ite", "ites"}
)


def is_derived(folded: str, base: str, suffixes: frozenset[str] = NAME_SUFFIXES) -> bool:
    """Whether the folded word ``folded`` is ``base`` with a plural or demonym ending.

    >>> is_derived("syrians", "syria"), is_derived("idleb", "idlib")
    (True, False)
    """
    return folded.startswith(base) and folded[len(base) :] in suffixes
