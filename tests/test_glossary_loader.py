"""Glossary files: the schema, and errors that name the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from copydesk.errors import GlossaryError
from copydesk.glossary import load_glossary

GOOD = """\
domain: places
source: test
entries:
  - id: idlib
    type: place
    forms: {en: Idlib}
    variants: [Idleb]
    source: test
"""


def _write(tmp_path: Path, text: str, name: str = "places.yaml") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_good_file_loads(tmp_path: Path) -> None:
    g = load_glossary(_write(tmp_path, GOOD))
    (entry,) = g.entries
    assert entry.id == "places.idlib"
    assert entry.forms["en"].first == "Idlib"
    assert [v.text for v in entry.variants] == ["Idleb"]
    assert len(g.content_hash) == 12


def test_hash_follows_content(tmp_path: Path) -> None:
    a = load_glossary(_write(tmp_path, GOOD)).content_hash
    b = load_glossary(_write(tmp_path, GOOD.replace("Idleb", "Edleb"))).content_hash
    assert a != b


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (GOOD.replace("    forms: {en: Idlib}", "    forms: {en: Idlib"), 7, "YAML error"),
        (GOOD.replace("    type: place", "    type: city"), 5, "'type' must be one of"),
        (GOOD.replace("    source: test\n", "    sauce: test\n"), 8, "unknown key 'sauce'"),
        (GOOD.replace("id: idlib", "id: Idlib!"), 4, "'id' must match"),
        (GOOD.replace("variants: [Idleb]", "variants: Idleb"), 7, "'variants' must be a list"),
        (GOOD + GOOD.split("entries:\n")[1], 9, "duplicate id"),
        (GOOD.replace("forms: {en: Idlib}", "forms: {english: Idlib}"), 6, "not a language code"),
        (GOOD.replace("[Idleb]", "[' Idleb']"), 7, "whitespace"),
    ],
)
def test_errors_name_file_and_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    folder = _write(tmp_path, text)
    with pytest.raises(GlossaryError, match=message) as info:
        load_glossary(folder)
    assert f"places.yaml:{line}:" in str(info.value)


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="not found"):
        load_glossary(tmp_path / "nope")
