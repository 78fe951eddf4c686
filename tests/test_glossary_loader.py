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


WHOLE = "a non-empty string without leading or trailing whitespace"

# Every kind of data error the loader raises, with where it points: file:line:col.
DATA_ERRORS = [
    ("[]\n", "1:1: glossary file must be a mapping"),
    (
        "domain: places\nsauce: x\nentries: []\n",
        "2:1: glossary file: 'sauce' is not a known key (allowed: ",
    ),
    ("source: x\nentries: []\n", "1:1: glossary file: 'domain' is missing"),
    (
        GOOD.replace("domain: places", "domain: Places!"),
        "1:1: glossary file: 'domain' must match ^[a-z0-9][a-z0-9-]*$",
    ),
    (
        GOOD.replace("source: test\nentries", "source: 3\nentries"),
        "2:1: glossary file: 'source' must be " + WHOLE,
    ),
    (
        GOOD.replace("source: test\nentries", "attribution: ' x'\nentries"),
        "2:1: glossary file: 'attribution' must be " + WHOLE,
    ),
    (
        GOOD.replace("entries:", "defaults: [case]\nentries:"),
        "3:1: glossary file: 'defaults' must be a mapping",
    ),
    (
        GOOD.replace("entries:", "defaults: {cas: insensitive}\nentries:"),
        "3:12: defaults: 'cas' is not a known key (allowed: ",
    ),
    (
        GOOD.replace("entries:", "defaults: {case: loud}\nentries:"),
        "3:12: defaults: 'case' must be one of sensitive, insensitive",
    ),
    (
        GOOD.replace("entries:", "defaults: {apply: 'yes'}\nentries:"),
        "3:12: defaults: 'apply' must be true or false",
    ),
    ("domain: places\n", "1:1: glossary file: 'entries' is missing"),
    ("domain: places\nentries: {a: 1}\n", "2:1: glossary file: 'entries' must be a list"),
    (
        "domain: places\nentries:\n  - idlib\n",
        "3:5: glossary file: 'entries' item must be a mapping",
    ),
    (
        GOOD.replace("    source: test\n", "    sauce: test\n"),
        "8:5: entry 'idlib': 'sauce' is not a known key (allowed: ",
    ),
    (
        GOOD.replace("  - id: idlib\n", "  - type: place\n").replace("    type: place\n", "", 1),
        "4:5: entry: 'id' is missing",
    ),
    (
        GOOD.replace("id: idlib", "id: Idlib!"),
        "4:5: entry 'Idlib!': 'id' must match ^[a-z0-9][a-z0-9-]*$",
    ),
    (GOOD.replace("    type: place\n", ""), "4:5: entry 'idlib': 'type' is missing"),
    (
        GOOD.replace("    type: place", "    type: city"),
        "5:5: entry 'idlib': 'type' must be one of place, organisation, person, operation, term",
    ),
    (
        GOOD.replace("    type: place", "    type: place\n    case: loud"),
        "6:5: entry 'idlib': 'case' must be one of sensitive, insensitive",
    ),
    (
        GOOD.replace("    type: place", "    type: place\n    apply: 1"),
        "6:5: entry 'idlib': 'apply' must be true or false",
    ),
    (GOOD.replace("    forms: {en: Idlib}\n", ""), "4:5: entry 'idlib': 'forms' is missing"),
    (
        GOOD.replace("forms: {en: Idlib}", "forms: [Idlib]"),
        "6:5: entry 'idlib': 'forms' must be a mapping",
    ),
    (
        GOOD.replace("forms: {en: Idlib}", "forms: {}"),
        "6:5: entry 'idlib': 'forms' must map language codes to house forms",
    ),
    (
        GOOD.replace("forms: {en: Idlib}", "forms: {english: Idlib}"),
        "6:13: entry 'idlib' forms: 'english' is not a language code such as 'en'",
    ),
    (
        GOOD.replace("forms: {en: Idlib}", "forms: {en: 'Idlib '}"),
        "6:13: entry 'idlib' forms: 'en' must be " + WHOLE,
    ),
    (
        GOOD.replace("forms: {en: Idlib}", "forms: {en: {fist: Idlib}}"),
        "6:18: entry 'idlib' form 'en': 'fist' is not a known key (allowed: ",
    ),
    (
        GOOD.replace("forms: {en: Idlib}", "forms: {en: {later: Idlib}}"),
        "6:17: entry 'idlib' form 'en': 'first' is missing",
    ),
    (
        GOOD.replace("forms: {en: Idlib}", "forms: {en: {first: Idlib, later: ''}}"),
        "6:32: entry 'idlib' form 'en': 'later' must be " + WHOLE,
    ),
    (
        GOOD.replace("variants: [Idleb]", "variants: Idleb"),
        "7:5: entry 'idlib': 'variants' must be a list",
    ),
    (
        GOOD.replace("[Idleb]", "[' Idleb']"),
        "7:16: entry 'idlib': 'variants' item must be " + WHOLE,
    ),
    (
        GOOD.replace("[Idleb]", "[{txt: Idleb}]"),
        "7:17: entry 'idlib' variant: 'txt' is not a known key (allowed: ",
    ),
    (GOOD.replace("[Idleb]", "[{apply: false}]"), "7:16: entry 'idlib' variant: 'text' is missing"),
    (
        GOOD.replace("[Idleb]", "[{text: Idleb, apply: maybe}]"),
        "7:30: entry 'idlib' variant: 'apply' must be true or false",
    ),
    (
        GOOD.replace("[Idleb]", "[{text: Idleb, to: x}]"),
        "7:30: entry 'idlib' variant: 'to' must be a mapping",
    ),
    (
        GOOD.replace("[Idleb]", "[{text: Idleb, to: {}}]"),
        "7:30: entry 'idlib' variant: 'to' must map language codes to replacement texts",
    ),
    (
        GOOD.replace("[Idleb]", "[{text: Idleb, to: {EN: x}}]"),
        "7:35: entry 'idlib' variant 'to': 'EN' is not a language code such as 'en'",
    ),
    (
        GOOD.replace("[Idleb]", "[{text: Idleb, to: {en: 3}}]"),
        "7:35: entry 'idlib' variant 'to': 'en' must be " + WHOLE,
    ),
    (
        GOOD.replace("    source: test\n", "    notes: ''\n"),
        "8:5: entry 'idlib': 'notes' must be " + WHOLE,
    ),
    (
        GOOD.replace("    source: test\n", "    source_url: [x]\n"),
        "8:5: entry 'idlib': 'source_url' must be " + WHOLE,
    ),
    (GOOD + "    examples: [x]\n", "9:5: entry 'idlib': 'examples' must be a mapping"),
    (
        GOOD + "    examples: {chang: []}\n",
        "9:16: entry 'idlib' examples: 'chang' is not a known key (allowed: ",
    ),
    (GOOD + "    examples: {change: x}\n", "9:16: entry 'idlib' examples: 'change' must be a list"),
    (
        GOOD + "    examples:\n      change:\n        - Idleb\n",
        "11:11: entry 'idlib' examples: 'change' item must be a mapping",
    ),
    (
        GOOD + "    examples:\n      change:\n        - {text: Idleb, reslt: Idlib}\n",
        "11:25: entry 'idlib' examples 'change' item: 'reslt' is not a known key (allowed: ",
    ),
    (
        GOOD + "    examples:\n      change:\n        - {text: Idleb}\n",
        "11:11: entry 'idlib' examples 'change' item: 'result' is missing",
    ),
    (
        GOOD
        + "    examples:\n      change:\n        - {text: Idleb, result: Idlib, lang: English}\n",
        "11:40: entry 'idlib' examples 'change' item: 'lang' must match ^[a-z]{2,3}$",
    ),
    (
        GOOD + "    examples:\n      keep:\n        - 3\n",
        "11:11: entry 'idlib' examples: 'keep' item must be a non-empty string",
    ),
    (
        GOOD + "    examples:\n      keep:\n        - {text: Idlib, result: Idlib}\n",
        "11:25: entry 'idlib' examples 'keep' item: 'result' is not a known key (allowed: ",
    ),
    (
        GOOD + GOOD.split("entries:\n")[1],
        "9:5: entry 'idlib': 'id' is a duplicate (first at line 4)",
    ),
    (GOOD.replace("    forms: {en: Idlib}", "    forms: {en: Idlib"), "7:13: YAML error"),
]


@pytest.mark.parametrize(("text", "error"), DATA_ERRORS)
def test_every_data_error_names_file_line_and_column(tmp_path: Path, text: str, error: str) -> None:
    folder = _write(tmp_path, text)
    with pytest.raises(GlossaryError) as info:
        load_glossary(folder)
    assert str(info.value).startswith(f"{folder / 'places.yaml'}:{error}")


def test_not_utf8_names_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "places.yaml").write_bytes(GOOD.replace("Idleb", "Idl\xe9b").encode("latin-1"))
    with pytest.raises(GlossaryError, match=r"places\.yaml:7:19: not valid UTF-8"):
        load_glossary(tmp_path)


def test_an_id_used_in_another_file_names_both(tmp_path: Path) -> None:
    _write(tmp_path, GOOD)
    _write(tmp_path, GOOD.replace("[Idleb]", "[Edleb]"), "towns.yaml")
    with pytest.raises(GlossaryError) as info:
        load_glossary(tmp_path)
    assert str(info.value) == (
        f"{tmp_path / 'towns.yaml'}:4:5: entry 'idlib': 'id' is already used in "
        f"{tmp_path / 'places.yaml'}"
    )


def test_defaults_apply_where_an_entry_sets_nothing(tmp_path: Path) -> None:
    text = GOOD.replace("entries:", "defaults: {case: insensitive, apply: false}\nentries:")
    text = text.replace("    type: place\n", "", 1).replace(
        "defaults: {", "defaults: {type: place, "
    )
    text += "  - id: afrin\n    forms: {en: Afrin}\n    type: term\n    case: sensitive\n"
    idlib, afrin = load_glossary(_write(tmp_path, text)).entries
    assert (idlib.type, idlib.case, idlib.apply) == ("place", "insensitive", False)
    assert (afrin.type, afrin.case, afrin.apply) == ("term", "sensitive", False)


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="not found"):
        load_glossary(tmp_path / "nope")
