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
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import ahocorasick

from copydesk._cache import BoundedCache
from copydesk.glossary import Entry, Glossary

_WHITESPACE_RUN = re.compile(r"\s+")
# İ (U+0130) lower-cases to two code points; fold it to one so offsets stay aligned.
_FOLD_FIRST = str.maketrans({"\u0130": "i"})


@dataclass(frozen=True, slots=True)
class Pattern:
    """What a spelling in the automaton stands for."""

    entry_index: int
    text: str  # the spelling as written in the glossary
    kind: str  # "form" or "variant"
    lang: str | None  # the form's language; None for variants
    variant_index: int = -1


@dataclass(frozen=True, slots=True)
class Candidate:
    """A whole-word occurrence of a glossary spelling in the original text."""

    start: int
    end: int
    pattern: Pattern


def fold(text: str) -> str:
    """Lower-case ``text`` one code point per code point (offsets unchanged).

    >>> fold("İDLEB") == "idleb" and len(fold("İ")) == 1
    True
    """
    folded = text.translate(_FOLD_FIRST).lower()
    if len(folded) == len(text):
        return folded
    # Some other code point expanded: fall back to per-character folding.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text.translate(_FOLD_FIRST))


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
        for m in _WHITESPACE_RUN.finditer(text):
            if m.group() == " ":
                continue
            pieces.append(folded[orig_pos : m.start()])
            pieces.append(" ")
            view_pos += m.start() - orig_pos + 1
            orig_pos = m.end()
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


def _boundary_ok(text: str, start: int, end: int) -> bool:
    if is_word_char(text[start]) and start > 0 and is_word_char(text[start - 1]):
        return False
    return not (is_word_char(text[end - 1]) and end < len(text) and is_word_char(text[end]))


class Automaton:
    """The compiled glossary: every form and variant, keyed by folded spelling."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        table: dict[str, list[Pattern]] = {}
        for ei, entry in enumerate(glossary.entries):
            for pattern in _patterns(ei, entry):
                key = spelling_key(pattern.text)
                table.setdefault(key, []).append(pattern)
        for key, patterns in table.items():
            self._automaton.add_word(key, (len(key), tuple(patterns)))
        self.size = len(table)
        self.longest = max(map(len, table), default=0)  # in characters of the view
        if table:
            self._automaton.make_automaton()

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
        for view_end, (key_len, patterns) in self._automaton.iter(view.text):
            view_start = view_end - key_len + 1
            horizon = view_end - self.longest + 1
            if any(p[4] < horizon for p in pending):
                ready = sorted(p for p in pending if p[4] < horizon)
                pending = [p for p in pending if p[4] >= horizon]
                yield from (p[5] for p in ready)
            start = view.to_original(view_start)
            end = view.to_original(view_end) + 1
            if not _boundary_ok(text, start, end):
                continue
            for pattern in patterns:
                arrival += 1
                candidate = Candidate(start, end, pattern)
                pending.append(
                    (start, start - end, pattern.entry_index, arrival, view_start, candidate)
                )
        yield from (p[5] for p in sorted(pending))


def _patterns(entry_index: int, entry: Entry) -> list[Pattern]:
    out = [
        Pattern(entry_index, text, "form", lang)
        for lang, form in entry.forms.items()
        for text in form.texts()
    ]
    out.extend(
        Pattern(entry_index, v.text, "variant", None, vi) for vi, v in enumerate(entry.variants)
    )
    return out


_AUTOMATA: BoundedCache[str, Automaton] = BoundedCache(8)


def compile_glossary(glossary: Glossary) -> Automaton:
    """The automaton for ``glossary``, built once per content hash."""
    return _AUTOMATA.get(glossary.content_hash, lambda: Automaton(glossary))


def find_candidates(text: str, glossary: Glossary) -> list[Candidate]:
    """Every whole-word occurrence of a glossary spelling in ``text``."""
    return compile_glossary(glossary).find(text)


def iter_candidates(text: str, glossary: Glossary) -> Iterator[Candidate]:
    """The occurrences of :func:`find_candidates`, in order, one at a time."""
    return compile_glossary(glossary).iter_find(text)
