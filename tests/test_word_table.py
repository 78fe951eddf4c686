"""The packed word table answers as the dict it was built from, before and after it promotes."""

from __future__ import annotations

import pickle

import pytest

from copydesk import word_table
from copydesk.word_table import PackedWordList, WordTable

COUNTS = {"the": 50, "sochi": 3, "idlib": 2, "пётр": 1, "größe": 4, "a": 7, "": 1, "ﬁn": 2}
ABSENT = ["The", "idleb", "петр", "grosse", "b", "sochi ", "x" * 40, "\ud800"]


def test_a_table_is_the_dict_it_was_built_from() -> None:
    table = pickle.loads(pickle.dumps(WordTable(COUNTS)))
    assert list(table) == list(COUNTS) and len(table) == len(COUNTS)
    assert table == COUNTS and dict(table.items()) == COUNTS
    for word, count in COUNTS.items():
        assert word in table and table[word] == count and table.get(word) == count
    for word in ABSENT:
        assert word not in table and table.get(word, -1) == -1
        with pytest.raises(KeyError):
            table[word]
    assert 3 not in table


def test_a_much_used_table_answers_the_same_from_its_dict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(word_table, "PROMOTE_AFTER", 5)
    table = WordTable(COUNTS)
    answers = [(w in table, table.get(w, -1)) for w in [*COUNTS, *ABSENT] * 3]
    assert table._dict == COUNTS  # promoted
    assert answers == [(w in COUNTS, COUNTS.get(w, -1)) for w in [*COUNTS, *ABSENT] * 3]


def test_a_word_with_a_line_feed_is_refused() -> None:
    with pytest.raises(ValueError, match="line feed"):
        WordTable({"a\nb": 1})


def test_a_packed_word_list_makes_an_equal_checker() -> None:
    from spellchecker import SpellChecker

    original = SpellChecker(language="en", distance=1)
    again = pickle.loads(pickle.dumps(PackedWordList.of(original))).checker()
    assert again.word_frequency.dictionary == original.word_frequency.dictionary
    for word in ["hous", "teh", "summit", "Sochi", "recieve"]:
        assert again.known([word]) == original.known([word])
        assert again.candidates(word) == original.candidates(word)
    assert again.distance == original.distance == 1
    frequency, before = again.word_frequency, original.word_frequency
    assert (frequency.letters, frequency.longest_word_length, frequency.total_words) == (
        before.letters,
        before.longest_word_length,
        before.total_words,
    )
    assert frequency.unique_words == before.unique_words
