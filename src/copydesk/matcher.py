"""One multi-pattern pass over a text for every glossary spelling at once.

Contract: :func:`find_candidates` returns every whole-word occurrence of a glossary form
or variant in a text, with offsets into the original text, in one Aho-Corasick pass whose
cost depends on the text and the number of hits, not on the glossary's size. The automaton
is built once per glossary content hash and cached.

Matching happens on a *view* of the text that keeps offsets recoverable:
- letters are lower-cased one code point at a time (``"İ".lower()`` is two code points,
  so a whole-text ``lower()`` would shift every later offset; İ folds to ``i`` instead);
- every run of whitespace becomes one space, so a multi-word name split by a line
  break or a double space is still found; the original whitespace is kept by the caller.
Case policy and word boundaries are then checked on the original text.

Russian spellings that decline (:mod:`copydesk.inflection`) are keyed by their case forms'
common stem: the automaton finds the stem (the inner words of a name with each of their
endings), and the rest of the word must be one of the closed set of endings of the last
word's declension class ("Идлебом" is "Идлеб" + "ом"). One pass still finds everything.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any

import ahocorasick

from copydesk._cache import BoundedCache
from copydesk.disk_cache import cached
from copydesk.glossary import Entry, Glossary
from copydesk.inflection import is_cyrillic, paradigm

_WHITESPACE_RUN = re.compile(r"\s+")
# The whitespace runs that are not one space (a run of one space stays as it is in the view).
_OTHER_WHITESPACE = re.compile(r"\s{2,}|[^\S ]")
# İ (U+0130) lower-cases to two code points; fold it to one so offsets stay aligned.
# Russian text often writes е for ё ("Пётр", "Петр"): both fold to е. Replaced one by one
# (``str.replace``): ``str.translate`` with a table takes a thousand times longer on 1 MB.
_FOLD_FIRST = (("\u0130", "i"), ("ё", "е"), ("Ё", "е"))


def _fold_first(text: str) -> str:
    for before, after in _FOLD_FIRST:
        if before in text:
            text = text.replace(before, after)
    return text


@dataclass(frozen=True, slots=True)
class Pattern:
    """What a spelling in the automaton stands for."""

    entry_index: int
    text: str  # the spelling as written in the glossary
    kind: str  # "form" or "variant"
    lang: str | None  # the form's language; None for variants
    variant_index: int = -1
    # What the automaton looks for: ``text`` itself, or for a declining Russian name its
    # inner words with one of their endings each and the last word's stem.
    key_text: str = ""
    inner_endings: tuple[str, ...] = ()
    endings: frozenset[str] | None = None  # the last word's endings; None: whole word

    @property
    def matched_text(self) -> str:
        """The part of an occurrence the key covers (the text before the last ending)."""
        return self.key_text or self.text


@dataclass(frozen=True, slots=True)
class Candidate:
    """A whole-word occurrence of a glossary spelling in the original text."""

    start: int
    end: int
    pattern: Pattern
    ending: str = ""  # the last word's case ending in the text ("Идлебом": "ом")


def fold(text: str) -> str:
    """Lower-case ``text`` one code point per code point (offsets unchanged).

    >>> fold("İDLEB") == "idleb" and len(fold("İ")) == 1
    True
    """
    first = _fold_first(text)
    folded = first.lower()
    if len(folded) == len(text):
        return folded
    # Some other code point expanded: fall back to per-character folding.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in first)


def collapse_whitespace(text: str) -> str:
    """Every whitespace run becomes one space (how spellings are keyed)."""
    return _WHITESPACE_RUN.sub(" ", text)


def spelling_key(text: str) -> str:
    """The automaton's key of a spelling: whitespace collapsed, then folded.

    >>> spelling_key("Syrian  Liberation\\nCommittee")
    'syrian liberation committee'
    """
    return fold(collapse_whitespace(text))


class _View:
    """The folded, whitespace-collapsed text and the map back to original offsets."""

    __slots__ = ("orig_starts", "text", "view_starts")

    def __init__(self, text: str) -> None:
        pieces: list[str] = []
        view_starts: list[int] = [0]
        orig_starts: list[int] = [0]
        view_pos = 0
        orig_pos = 0
        folded = fold(text)
        for m in _OTHER_WHITESPACE.finditer(text):
            start, end = m.span()
            pieces.append(folded[orig_pos:start])
            pieces.append(" ")
            view_pos += start - orig_pos + 1
            orig_pos = end
            view_starts.append(view_pos)
            orig_starts.append(orig_pos)
        pieces.append(folded[orig_pos:])
        self.text = "".join(pieces)
        self.view_starts = view_starts
        self.orig_starts = orig_starts

    def to_original(self, view_index: int) -> int:
        """Original offset of the character at ``view_index`` (not inside a run)."""
        i = bisect.bisect_right(self.view_starts, view_index) - 1
        return self.orig_starts[i] + (view_index - self.view_starts[i])


def is_word_char(c: str) -> bool:
    """Letters, digits, marks and underscore are word characters."""
    return c.isalnum() or c == "_" or unicodedata.category(c).startswith("M")


def _word_end(text: str, end: int) -> int:
    """Where the word that runs through ``end`` ends (``end`` itself at a boundary)."""
    if not is_word_char(text[end - 1]):
        return end
    while end < len(text) and is_word_char(text[end]):
        end += 1
    return end


def _occurrence_end(text: str, stem_end: int, word_end: int, pattern: Pattern) -> int:
    """The end of ``pattern``'s occurrence whose key ends at ``stem_end``; -1 for none.

    A whole-word spelling must end at the word's end; a declining one may be followed by
    one of its endings, in the case of the text (lower case, or upper case after capitals).
    """
    if pattern.endings is None:
        return stem_end if word_end == stem_end else -1
    ending = text[stem_end:word_end]
    if ending.lower() not in pattern.endings:
        return -1
    if ending and not (ending.islower() or (ending.isupper() and text[stem_end - 1].isupper())):
        return -1
    return word_end


class _Keys:
    """The automaton's keys and what each stands for, in a form that the disk cache stores
    and reads back fast: the automaton maps a key to a row number, and a row's patterns are
    made into :class:`Pattern` values the first time a text holds the key."""

    def __init__(self, table: dict[str, list[Pattern]]) -> None:
        self.automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS, ahocorasick.KEY_STRING)
        names = [f.name for f in fields(Pattern)]
        self.rows: list[tuple[int, tuple[tuple[Any, ...], ...]]] = []
        for key, patterns in table.items():
            self.automaton.add_word(key, len(self.rows))
            rows = tuple(tuple(getattr(p, name) for name in names) for p in patterns)
            self.rows.append((len(key), rows))
        self.size = len(table)
        self.longest = max(map(len, table), default=0)  # in characters of the view
        if table:
            self.automaton.make_automaton()
        self._made: dict[int, tuple[int, tuple[Pattern, ...]]] = {}

    def __getstate__(self) -> tuple[Any, ...]:
        return self.automaton, self.rows, self.size, self.longest

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self.automaton, self.rows, self.size, self.longest = state
        self._made = {}

    def patterns(self, row: int) -> tuple[int, tuple[Pattern, ...]]:
        """The key's length and its patterns."""
        made = self._made.get(row)
        if made is None:
            key_len, values = self.rows[row]
            made = self._made[row] = (key_len, tuple(Pattern(*v) for v in values))
        return made


class Automaton:
    """The compiled glossary: every form and variant, keyed by folded spelling."""

    def __init__(self, glossary: Glossary, keys: _Keys | None = None) -> None:
        self.glossary = glossary
        if keys is None:
            table: dict[str, list[Pattern]] = {}
            for ei, entry in enumerate(glossary.entries):
                for pattern in _patterns(ei, entry):
                    key = spelling_key(pattern.matched_text)
                    table.setdefault(key, []).append(pattern)
            keys = _Keys(table)
        self._keys = keys
        self._automaton = keys.automaton
        self.size = keys.size
        self.longest = keys.longest

    def find(self, text: str) -> list[Candidate]:
        """Every whole-word occurrence, sorted by start then by longest."""
        return list(self.iter_find(text))

    def iter_find(self, text: str) -> Iterator[Candidate]:
        """The occurrences of :meth:`find`, in its order, without holding them all.

        The automaton reports matches by their end. A match ending at ``e`` starts at or
        after ``e - longest + 1``, and so does every later one: the matches that start
        before that are complete, and are handed on in order (a window of the longest
        spelling's length is all that is held).
        """
        if not self.size or not text:
            return
        view = _View(text)
        # (start, -length, entry, arrival, view start, candidate): the sort of ``find``.
        pending: list[tuple[int, int, int, int, int, Candidate]] = []
        arrival = 0
        for view_end, row in self._automaton.iter(view.text):
            key_len, patterns = self._keys.patterns(row)
            view_start = view_end - key_len + 1
            horizon = view_end - self.longest + 1
            if any(p[4] < horizon for p in pending):
                ready = sorted(p for p in pending if p[4] < horizon)
                pending = [p for p in pending if p[4] >= horizon]
                yield from (p[5] for p in ready)
            start = view.to_original(view_start)
            stem_end = view.to_original(view_end) + 1
            if is_word_char(text[start]) and start > 0 and is_word_char(text[start - 1]):
                continue
            word_end = _word_end(text, stem_end)
            for pattern in patterns:
                end = _occurrence_end(text, stem_end, word_end, pattern)
                if end < 0:
                    continue
                arrival += 1
                candidate = Candidate(start, end, pattern, text[stem_end:end])
                pending.append(
                    (start, start - end, pattern.entry_index, arrival, view_start, candidate)
                )
        yield from (p[5] for p in sorted(pending))


#: Languages whose forms are keyed with their case endings (variants, which have no
#: language, are when they are Cyrillic); the ending sets are Russian.
DECLINING_LANGUAGES = frozenset({"ru"})
# A name of four declining words would give tens of thousands of keys; past this many
# inner combinations only the inner words as written are keyed.
_MAX_INNER_FORMS = 512


def _declined(pattern: Pattern) -> list[Pattern]:
    """``pattern`` as keys for every case form of a declining Russian name, or itself."""
    if not is_cyrillic(pattern.text) or (pattern.lang or "ru") not in DECLINING_LANGUAGES:
        return [pattern]
    words = collapse_whitespace(pattern.text).split(" ")
    forms = [paradigm(w) for w in words]
    if all(f.cls == "fixed" for f in forms):
        return [pattern]
    inner = [sorted(f.endings) for f in forms[:-1]]
    combinations = 1
    for endings in inner:
        combinations *= len(endings)
    if combinations > _MAX_INNER_FORMS:
        inner = [[f.base] for f in forms[:-1]]
    last = forms[-1]
    out = []
    for inner_endings in itertools.product(*inner):
        key_words = [f.stem + e for f, e in zip(forms, inner_endings, strict=False)]
        key_text = " ".join([*key_words, last.stem])
        out.append(
            Pattern(
                pattern.entry_index, pattern.text, pattern.kind, pattern.lang,
                pattern.variant_index, key_text, tuple(inner_endings), last.endings,
            )
        )  # fmt: skip
    return out


def _patterns(entry_index: int, entry: Entry) -> list[Pattern]:
    out = [
        Pattern(entry_index, text, "form", lang)
        for lang, form in entry.forms.items()
        for text in form.texts()
    ]
    out.extend(
        Pattern(entry_index, v.text, "variant", None, vi) for vi, v in enumerate(entry.variants)
    )
    return [declined for pattern in out for declined in _declined(pattern)]


_AUTOMATA: BoundedCache[str, Automaton] = BoundedCache(8)


def compile_glossary(glossary: Glossary) -> Automaton:
    """The automaton for ``glossary``, built once per content hash (and kept in the disk
    cache: reading it back is several times faster than building it)."""

    def build() -> Automaton:
        keys = cached(
            "glossary-automaton",
            glossary.content_hash,
            [glossary.content_hash.encode()],
            _Keys,
            lambda: Automaton(glossary)._keys,
        )
        return Automaton(glossary, keys)

    return _AUTOMATA.get(glossary.content_hash, build)


def find_candidates(text: str, glossary: Glossary) -> list[Candidate]:
    """Every whole-word occurrence of a glossary spelling in ``text``."""
    return compile_glossary(glossary).find(text)


def iter_candidates(text: str, glossary: Glossary) -> Iterator[Candidate]:
    """The occurrences of :func:`find_candidates`, in order, one at a time."""
    return compile_glossary(glossary).iter_find(text)
