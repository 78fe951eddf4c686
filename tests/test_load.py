"""Loading articles: encodings kept apart from text, and clear errors for bad input."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from copydesk.errors import InputError
from copydesk.load import load_bytes, load_path

from .conftest import SEED

ARTICLE = "Erdogan met Putin in “Sotchi”.\r\nIdleb’s villages — 6.5 billion.\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ARTICLE.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + ARTICLE.encode("utf-8"), "utf-8-sig"),
        (ARTICLE.encode("utf-16"), "utf-16"),
    ],
)
def test_unicode_encodings_round_trip(data: bytes, encoding: str) -> None:
    doc = load_bytes(data)
    assert doc.text == ARTICLE
    assert doc.encoding == encoding


def test_windows_1256_arabic() -> None:
    text = "قال الرئيس التركي إن بلاده ستواصل شراء منظومة الصواريخ من روسيا، رغم التهديدات."
    doc = load_bytes(text.encode("cp1256"))
    assert doc.text == text
    assert doc.encoding.replace("_", "").lower() in {"cp1256", "windows1256"}


def test_windows_1252_quotes() -> None:
    text = "The “Sotchi” summit’s results were announced – again – on Monday."
    doc = load_bytes(text.encode("cp1252"))
    assert doc.text == text


def test_seed_is_read_byte_for_byte() -> None:
    doc = load_path(SEED)
    assert doc.text.encode("utf-8") == SEED.read_bytes()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\t\r\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"Erdogan\x00Putin", "binary"),
        (b"text with a bell \x07 inside", "binary"),
        ("Idleb’s villages, café ".encode() + b"\xff\xfe broken", "not valid UTF-8"),
    ],
)
def test_bad_input_is_a_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_bytes(data, "article.txt")


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_path(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="is a directory"):
        load_path(tmp_path)
