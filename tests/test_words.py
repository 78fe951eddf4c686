"""The word-level helpers give the answers of the slower forms they replace."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.findings import _words, dictionaries, spelling
from copydesk.findings._words import (
    APOSTROPHES,
    iter_words,
    normalize_apostrophes,
    occurrences,
    text_pieces,
    word_counter,
    word_matches,
)
from copydesk.langid import paragraphs
from copydesk.scores.mqm import count_words
from tests.conftest import SEED

# Letters, digits, the underscore, combining marks, apostrophes, hyphens, white space.
_ALPHABET = "abAB1_é\u0301\u0483-'’ \n\t.\u00a0²"
_TEXT = st.text(alphabet=_ALPHABET, max_size=40)
# The word pattern one character at a time, as it was written first.
_PER_CHARACTER = re.compile(rf"(?:[^\W_]|[{_words._COMBINING}])+")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=APOSTROPHES + "ab' ", max_size=30))
def test_apostrophes_replaced_as_the_translation_table_did(text: str) -> None:
    table = str.maketrans(dict.fromkeys(APOSTROPHES, "'"))
    assert normalize_apostrophes(text) == text.translate(table)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_word_pattern_finds_the_runs_of_the_per_character_pattern(text: str) -> None:
    assert [m.span() for m in word_matches(text)] == [
        m.span() for m in _PER_CHARACTER.finditer(text)
    ]


def test_in_word_agrees_with_the_word_pattern_on_every_character() -> None:
    for code in [*range(0x3000), *range(0xFE00, 0xFE40), 0x1D538, 0x1F600]:
        char = chr(code)
        assert _words._in_word(char) == bool(_PER_CHARACTER.fullmatch(char)), hex(code)


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.integers(min_value=1, max_value=8))
def test_pieces_and_counts(text: str, piece: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_words, "_PIECE", piece)
        pieces = list(text_pieces(text))
        counted = word_counter(text)
    assert "".join(pieces) == text
    assert counted == Counter(word for _s, _e, word in iter_words(text))


@settings(max_examples=300, deadline=None)
@given(_TEXT, st.lists(st.sampled_from(["a", "ab", "b", "é", "e\u0301", "1", "A", "bA"])))
def test_occurrences_are_the_matching_words_in_text_order(text: str, wanted: list[str]) -> None:
    normalized = normalize_apostrophes(text)
    expected = [(s, e, w) for s, e, w in iter_words(text) if w in set(wanted)]
    assert list(occurrences(normalized, set(wanted))) == expected
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_words, "_PIECE", 3)  # searched in pieces of a few characters
        assert list(occurrences(normalized, set(wanted))) == expected


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_count_words_counts_tokens_with_a_letter_or_digit(text: str) -> None:
    tokens = re.finditer(r"\S+", text)
    assert count_words(text) == sum(1 for m in tokens if any(c.isalnum() for c in m.group()))


_ADDRESS_PARTS = st.sampled_from(
    ["a", "b1", "-", ".", "_", "+", "@", "#", "://", "www.", "http", ".com", ".org", ".uk",
     " ", "\n", "x.y", "é"]
)  # fmt: skip


_ADDRESSES = [
    "#ab", "see @user.", "a@b.com", "x a.b@c-d.org.uk y", "www.x.y", "http://a b", "x.com",
    "a.b.uk", "-x.org", "a-.com", "a.-b.com", "#", "@@a", "é@a.com", "a.com.au/x", "1.io,",
    "run.a.a.a.a.com", "__x.tv", "+a@b.c",
]  # fmt: skip


def _same_skip_spans(text: str) -> None:
    found = spelling._skip_spans(text)
    expected = [m.span() for m in spelling._SKIP_RE.finditer(text)]
    assert found._spans == expected, text  # type: ignore[attr-defined]


@pytest.mark.parametrize("address", _ADDRESSES)
def test_skip_spans_are_the_address_pattern_matches(address: str) -> None:
    for text in (address, f"The {address} said", f"{address}\n{address} {address}"):
        _same_skip_spans(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(_ADDRESS_PARTS, max_size=14).map("".join))
def test_skip_spans_are_the_address_pattern_matches_on_any_text(text: str) -> None:
    _same_skip_spans(text)


def test_word_list_lookups_give_pyspellchecker_answers() -> None:
    words = spelling._word_list("en")
    checker = spelling._checker("en")
    samples = ["the", "The", "THE", "goverment", "nan", "Infinity", "1990", "a", "naïve", "x1"]
    samples += list(checker.word_frequency.dictionary)[:2000:7]
    for word in samples:
        assert words.known(word) == bool(checker.known([word.lower()])), word


def test_remembered_answers_stay_right_past_the_memo_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dictionaries, "KNOWN_MEMO_SIZE", 3)
    asked: list[str] = []

    def lookup(word: str) -> bool:
        asked.append(word)
        return word.startswith("k")

    memo = dictionaries.KnownMemo(lookup)
    answers = [memo(w) for w in ["kin", "x", "kin", "y", "z", "w", "kin", "x"]]
    assert answers == [True, False, True, False, False, False, True, False]
    assert asked.count("kin") == 2  # asked once, then again after the memo started over


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.sampled_from("abcdefgh"), st.integers(1, 5), max_size=8),
    st.sampled_from([0.0, 0.25, 0.5, 0.69, 0.85, 1.0]),
    st.sets(st.sampled_from("abcdefgh")),
)
def test_share_reached_as_the_full_ratio_says(
    counts: dict[str, int], share: float, remembered: set[str]
) -> None:
    asked: list[str] = []

    def lookup(word: str) -> bool:
        asked.append(word)
        return word in "aceg"

    memo = dictionaries.KnownMemo(lookup)
    for word in remembered:
        memo(word)
    total = sum(counts.values())
    known = sum(n for w, n in counts.items() if w in "aceg")
    expected = bool(total) and known / total >= share
    words = [w for w, n in counts.items() for _ in range(n)]
    assert memo.reaches(words, share) == expected  # some words not answered yet
    assert memo.reaches(counts, share) == expected
    for word in words:
        memo(word)
    assert memo.reaches(words, share) == expected  # all answered before


def test_share_stops_asking_once_certain() -> None:
    asked: list[str] = []

    def lookup(word: str) -> bool:
        asked.append(word)
        return True

    memo = dictionaries.KnownMemo(lookup)
    assert memo.reaches({w: 1 for w in "abcdefghij"}, 0.5)
    assert asked == list("abcde")


def test_knows_share_is_the_ratio_test_on_the_seed() -> None:
    text = SEED.read_text(encoding="utf-8")
    for start, end in paragraphs(text):
        paragraph = text[start:end]
        for language in ("en", "de"):
            ratio = spelling.known_word_ratio(paragraph, language)
            for share in (0.5, 0.85, 0.95):
                expected = ratio is not None and ratio >= share
                assert spelling.knows_share(paragraph, language, share) == expected, paragraph
