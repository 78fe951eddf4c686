"""A large word -> count table that loads in a millisecond: one string and three arrays.

Contract: :class:`WordTable` is a read-only ``Mapping[str, int]`` equal to the dict it was
built from (same keys, values and iteration order). Reading a dict of a hundred thousand
words back from a pickle creates every key string and hashes it (tens of milliseconds);
a table instead keeps the words in one string, their offsets and counts in arrays, and an
open-addressing index by CRC-32 of each word's UTF-8 bytes (stable across processes, unlike
``hash``), so that unpickling copies four buffers and a lookup compares one word in place. A lookup
costs about twice a dict's, so a table looked up more than :data:`PROMOTE_AFTER` times
(a long text) builds the dict once and uses it from then on.

:class:`PackedWordList` is pyspellchecker's word list in that form, for the disk cache.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spellchecker import SpellChecker

__all__ = ["PROMOTE_AFTER", "PackedWordList", "WordTable"]

_SEPARATOR = "\n"
#: Lookups after which a table builds its dict (what reading a dict back would have cost).
PROMOTE_AFTER = 50_000


class WordTable(Mapping[str, int]):
    """The words of a mapping (none holding a line feed) and their counts, packed.

    >>> table = WordTable({"the": 10, "sochi": 2})
    >>> table["the"], table.get("idleb", 0), "sochi" in table, list(table), len(table)
    (10, 0, True, ['the', 'sochi'], 2)
    """

    __slots__ = (
        "_counts",
        "_dict",
        "_found",
        "_lookups",
        "_mask",
        "_offsets",
        "_slots",
        "_text",
    )

    def __init__(self, counts: Mapping[str, int]) -> None:
        words = list(counts)
        if any(_SEPARATOR in w for w in words):
            msg = "a word holds a line feed"
            raise ValueError(msg)
        self._text = _SEPARATOR.join(words) + _SEPARATOR
        self._offsets = array("i", [0])
        position = 0
        for w in words:
            position += len(w) + 1
            self._offsets.append(position)
        self._counts = array("q", (counts[w] for w in words))
        size = 8
        while size < 2 * len(words):
            size *= 2
        self._mask = size - 1
        self._slots = array("i", [-1]) * size
        for i, w in enumerate(words):
            slot = _crc(w) & self._mask
            while self._slots[slot] >= 0:
                slot = (slot + 1) & self._mask
            self._slots[slot] = i
        self._dict: dict[str, int] | None = None
        self._found: dict[str, int] = {}  # the row of each word looked up (-1: absent)
        self._lookups = 0

    def _index(self, word: str) -> int:
        # Texts repeat their words (and n-grams): each is looked for once.
        found = self._found.get(word)
        if found is None:
            found = self._found[word] = self._search(word)
        return found

    def _search(self, word: str) -> int:
        slot = _crc(word) & self._mask
        slots, offsets, text = self._slots, self._offsets, self._text
        while (i := slots[slot]) >= 0:
            start = offsets[i]
            end = offsets[i + 1] - 1
            if end - start == len(word) and text.startswith(word, start, end):
                return i
            slot = (slot + 1) & self._mask
        return -1

    def _promoted(self) -> dict[str, int] | None:
        self._lookups += 1
        if self._lookups > PROMOTE_AFTER and self._dict is None:
            self._dict = dict(zip(self, self._counts, strict=True))
            self._found = {}
        return self._dict

    def __getitem__(self, word: str) -> int:
        promoted = self._promoted()
        if promoted is not None:
            return promoted[word]
        i = self._index(word) if isinstance(word, str) else -1
        if i < 0:
            raise KeyError(word)
        return self._counts[i]

    def __contains__(self, word: object) -> bool:
        promoted = self._promoted()
        if promoted is not None:
            return word in promoted
        return isinstance(word, str) and self._index(word) >= 0

    def __iter__(self) -> Iterator[str]:
        return iter(self._text.split(_SEPARATOR)[:-1])

    def __len__(self) -> int:
        return len(self._counts)

    def __getstate__(self) -> tuple[Any, ...]:
        return self._text, self._offsets, self._counts, self._slots, self._mask

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self._text, self._offsets, self._counts, self._slots, self._mask = state
        self._dict = None
        self._found = {}
        self._lookups = 0


def _crc(word: str) -> int:
    return zlib.crc32(word.encode("utf-8", "surrogatepass"))


@dataclass(frozen=True)
class PackedWordList:
    """A pyspellchecker ``SpellChecker``'s word list as a :class:`WordTable`, and the figures
    it derives from the list, to be made into an equal checker without reading the list."""

    table: WordTable
    letters: frozenset[str]
    longest_word_length: int
    total_words: int
    distance: int

    @classmethod
    def of(cls, checker: SpellChecker) -> PackedWordList:
        """The word list of a checker that loaded a language's list (not case-sensitive)."""
        words = checker.word_frequency
        return cls(
            WordTable(words.dictionary),
            frozenset(words.letters),
            words.longest_word_length,
            words.total_words,
            checker.distance,
        )

    def checker(self) -> SpellChecker:
        """A checker equal to the one packed: the same words, counts, letters and distance."""
        from spellchecker import SpellChecker

        checker = SpellChecker(language=None, distance=self.distance)
        words = checker.word_frequency
        # The attributes its loaders set (WordFrequency._update_dictionary); the cache key
        # holds pyspellchecker's version, so they are this version's.
        words._dictionary = self.table  # type: ignore[assignment]
        words._letters = set(self.letters)
        words._longest_word_length = self.longest_word_length
        words._total_words = self.total_words
        words._unique_words = len(self.table)
        return checker
