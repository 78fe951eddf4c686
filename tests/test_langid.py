"""Language detection: copydesk's langdetect steps give langdetect's own numbers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langdetect import detect_langs as langdetect_ranked
from langdetect import detector_factory
from langdetect.lang_detect_exception import LangDetectException

from copydesk import ngram_detect
from copydesk.langid import _detector_factory, paragraphs
from tests.conftest import SEED

TEXTS = [
    "The president met his counterpart in the city on Monday.",
    "Der türkische Präsident ist nach Sotschi gereist, um seinen Amtskollegen zu treffen.",
    "Le président turc a rencontré son homologue russe pour discuter de plusieurs questions.",
    "El presidente se reunió con su homólogo ruso en Sochi el miércoles.",
    "Президент России Владимир Путин заявил, что сотрудничество продолжается.",
    "قال الوزير إن المحادثات كانت مثمرة جدا",
    "我们对宇宙的大部分了解都来自于光",
    "東京でひらがなとカタカナを書きます",
    "대통령은 월요일에 회담을 가졌다",
    "Tiếng Việt có dấu: Hà Nội, Thành phố Hồ Chí Minh",
    "Tie\u0302\u0301ng Vie\u0302\u0323t co\u0301 da\u0302\u0301u",  # decomposed marks folded
    "Тhe mixed Кириллица and Latin ABC DEF in CAPITALS with Names",
    "See https://example.org/a?b=c and mail someone@example.com   for   more.",
    "NATO UN EU   USA",
    "(Applause)",
    "   leading and trailing spaces   ",
    "Ș ș Ț ț in Română, ÿ and ß",
]


def _ours(text: str) -> list[tuple[str, float]] | str:
    try:
        return [(lang.lang, lang.prob) for lang in ngram_detect.detect_langs(text, _factory())]
    except LangDetectException as exc:
        return f"error: {exc}"


def _theirs(text: str) -> list[tuple[str, float]] | str:
    try:
        return [(lang.lang, lang.prob) for lang in langdetect_ranked(text)]
    except LangDetectException as exc:
        return f"error: {exc}"


def _factory() -> Any:
    _detector_factory()
    return detector_factory._factory


@pytest.mark.parametrize("text", TEXTS)
def test_same_languages_and_probabilities_as_langdetect(text: str) -> None:
    assert _ours(text) == _theirs(text)


def test_same_on_every_paragraph_of_the_seed_and_on_the_whole_article() -> None:
    text = SEED.read_text(encoding="utf-8")
    for start, end in [*paragraphs(text), (0, len(text))]:
        assert _ours(text[start:end]) == _theirs(text[start:end]), text[start:end]


def test_a_text_longer_than_langdetects_limit_is_cut_as_langdetect_cuts_it() -> None:
    text = "The talks went on for hours.  " * 500 + "Die Gespräche dauerten Stunden. " * 500
    assert _ours(text) == _theirs(text)


def test_no_features_is_langdetects_error() -> None:
    assert _ours("1234 5678 !!!") == _theirs("1234 5678 !!!")
    assert str(_ours("")).startswith("error")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="abcdeéABCDÉ  .,'’-1\nжДЖ語あア가ỆệØ\u0301", max_size=60))
def test_same_on_any_text(text: str) -> None:
    assert _ours(text) == _theirs(text)
