"""The data-file documentation follows the loaders: every accepted key listed, no other.

``glossary/README.md`` has a table of the keys each level of a glossary file accepts; the
false-alarm memory's format is documented in :mod:`copydesk.memory`. Both are compared with
what the loaders do: each documented key is accepted where the document puts it, a key the
document does not list is refused, and the documented examples load.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import copydesk.memory
from copydesk.errors import ConfigError, GlossaryError
from copydesk.glossary import GLOSSARY_KEYS, load_glossary, parse_glossary_file
from copydesk.memory import MEMORY_KEYS, load_memory

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "glossary" / "README.md").read_text(encoding="utf-8")

# README level name -> the loader's level.
LEVELS = {
    "file": "file",
    "defaults": "defaults",
    "entry": "entry",
    "form": "form",
    "variant": "variant",
    "examples": "examples",
    "change example": "example.change",
    "keep example": "example.keep",
}

# A glossary file with one place for an extra key at each level ({X}, indented to fit).
_ENTRY = "domain: d\nentries:\n  - id: a\n    type: term\n    forms: {en: A}\n"
TEMPLATES = {
    "file": "domain: d\nentries: []\n{X}\n",
    "defaults": "domain: d\ndefaults:\n  {X}\nentries: []\n",
    "entry": _ENTRY + "    {X}\n",
    "form": _ENTRY.replace("{en: A}", "\n      en:\n        first: A\n        {X}"),
    "variant": _ENTRY + "    variants:\n      - text: B\n        {X}\n",
    "examples": _ENTRY + "    examples:\n      {X}\n",
    "example.change": _ENTRY + "    examples:\n      change:\n        - text: A\n"
    "          result: A\n          {X}\n",
    "example.keep": _ENTRY + "    examples:\n      keep:\n        - text: A\n          {X}\n",
}


def _readme_keys() -> dict[str, set[str]]:
    """The keys table of glossary/README.md: level -> keys (the backticked names)."""
    section = README.split("### Keys", 1)[1]
    rows = re.findall(r"^\| ([a-z ]+) \| (.+) \|$", section, flags=re.MULTILINE)
    return {LEVELS[level]: set(re.findall(r"`([a-z_]+)`", keys)) for level, keys in rows}


def _load(tmp_path: Path, text: str) -> None:
    folder = tmp_path / "g"
    folder.mkdir(exist_ok=True)
    (folder / "d.yaml").write_text(text, encoding="utf-8")
    load_glossary(folder)


def test_readme_lists_every_level_and_exactly_the_keys_the_loader_accepts() -> None:
    documented = _readme_keys()
    assert set(documented) == set(GLOSSARY_KEYS) == set(TEMPLATES)
    for level, keys in GLOSSARY_KEYS.items():
        assert documented[level] == keys, level


@pytest.mark.parametrize("level", sorted(TEMPLATES))
def test_documented_keys_are_accepted_and_others_refused(tmp_path: Path, level: str) -> None:
    template = TEMPLATES[level]
    _load(tmp_path, template.replace("{X}", ""))  # the template itself is a good file
    for key in sorted(_readme_keys()[level]):
        if re.search(rf"^\s*-? ?{key}:|[{{ ]{key}:", template, flags=re.MULTILINE):
            continue  # already in the template, which loads
        try:
            _load(tmp_path, template.replace("{X}", f"{key}: 1"))
        except GlossaryError as exc:  # a wrong value, but never an unknown key
            assert "is not a known key" not in str(exc), (level, key)
    with pytest.raises(GlossaryError, match=r"d\.yaml:\d+:\d+: .*'undocumented' is not a known"):
        _load(tmp_path, template.replace("{X}", "undocumented: 1"))


def test_readme_format_example_loads() -> None:
    block = README.split("## Format", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    entries, attribution = parse_glossary_file(Path("README.md"), block)
    (entry,) = entries
    assert entry.id == "places.sochi" and entry.forms["fr"].first == "Sotchi"
    assert [v.apply for v in entry.variants] == [True, False]
    assert attribution is not None and "GeoNames" in attribution


def _memory_example() -> str:
    doc = copydesk.memory.__doc__ or ""
    block = doc.split("::\n\n", 1)[1].split("\n\n", 1)[0]
    return "\n".join(line[4:] for line in block.splitlines()) + "\n"


def test_memory_format_documents_every_key_and_loads(tmp_path: Path) -> None:
    example = _memory_example()
    documented = set(re.findall(r"^ *(?:- )?([a-z_]+):", example, flags=re.MULTILINE))
    assert documented == MEMORY_KEYS["file"] | MEMORY_KEYS["item"]
    path = tmp_path / "false-alarms.yaml"
    path.write_text(example, encoding="utf-8")
    (item,) = load_memory(path).items
    assert (item.rule, item.date) == ("en.calques.in-turn", "2026-01-31")
    path.write_text(example + "    undocumented: 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="'undocumented' is not a known key"):
        load_memory(path)
