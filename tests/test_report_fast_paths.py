"""The report renderers' fast paths give what their definitions give, for every string.

``visible``, ``escape_markdown`` and ``escape_markdown_line`` skip their work when a text
has nothing to show or escape; ``Edit.to_dict`` and ``Finding.to_dict`` list the fields
without ``dataclasses.asdict``; a flat edit or finding is written as JSON by the C encoder.
Each is checked here against its definition, written out in the test, on random text that
mixes plain letters with control, format, separator and Markdown characters (and on
arbitrary Unicode through Hypothesis), so that a fast path taken where it must not be
fails here.
"""

from __future__ import annotations

import dataclasses
import json
import random
import re
import unicodedata
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from copydesk.model import Edit, Finding
from copydesk.report import _json_item, escape_markdown, escape_markdown_line, visible

# What each fast path must notice: controls (C0, C1, DEL), format characters (soft hyphen,
# zero-width, bidi, BOM), line and paragraph separators, other spaces, tatweel, a lone
# surrogate, a private-use and an unassigned code point, every Markdown special and
# line-start character, digits, blanks and line breaks.
_TRICKY = (
    "\x00\x01\x07\x0b\x0c\x0d\x1b\x1c\x1d\x1e\x1f\x7f\x80\x85\x9f"
    "\u00ad\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202e\u2060\u2066\ufeff\U000e0001"
    "\u2028\u2029\u00a0\u2003\u3000\u0640\ud800\ue000\u0378"
    "\\`*_[]<>|~#&!{}-+=.)0123456789 \t\n\r"
)
_PLAIN = "abc XYZ éüß ДЖ مرحبا 中文 ’«»"


def _random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        chars = []
        for _ in range(rng.randrange(0, 12)):
            pick = rng.random()
            if pick < 0.4:
                chars.append(rng.choice(_PLAIN))
            elif pick < 0.8:
                chars.append(rng.choice(_TRICKY))
            else:
                chars.append(chr(rng.randrange(0x110000)))
        texts.append("".join(chars))
    return texts


_TEXTS = ["", "plain text", "a\tb\nc", "\u0640", "1. item", " - x", *_random_texts(5000, 13)]


def visible_by_definition(text: str) -> str:
    out = []
    for c in text:
        if c not in "\n\t " and (
            unicodedata.category(c) in ("Cf", "Cc", "Zl", "Zp") or c == "\u0640"
        ):
            out.append(f"⟨U+{ord(c):04X}⟩")
        else:
            out.append(c)
    return "".join(out)


def escape_markdown_by_definition(text: str) -> str:
    escaped = re.sub(r"([\\`*_\[\]<>|~#&!{}])", r"\\\1", text)
    return re.sub(
        r"^([ \t]*)(\d*)([-+>=.)])",
        lambda m: m.group(1) + m.group(2) + "\\" + m.group(3),
        escaped,
        flags=re.MULTILINE,
    )


def escape_markdown_line_by_definition(text: str) -> str:
    one_line = re.sub("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]", " ", text)
    return escape_markdown_by_definition(one_line)


def test_visible_is_its_definition_on_random_text() -> None:
    for text in _TEXTS:
        assert visible(text) == visible_by_definition(text), ascii(text)


def test_escape_markdown_is_its_definition_on_random_text() -> None:
    for text in _TEXTS:
        assert escape_markdown(text) == escape_markdown_by_definition(text), ascii(text)
        assert escape_markdown_line(text) == escape_markdown_line_by_definition(text), ascii(text)


@given(st.text(st.characters(codec=None, exclude_categories=())))
def test_renderers_are_their_definitions_on_any_unicode(text: str) -> None:
    assert visible(text) == visible_by_definition(text)
    assert escape_markdown(text) == escape_markdown_by_definition(text)
    assert escape_markdown_line(text) == escape_markdown_line_by_definition(text)


def _asdict_edit(edit: Edit) -> dict[str, Any]:
    data = dataclasses.asdict(edit)
    del data["rejected"]
    data["status"] = edit.status
    return data


def _asdict_finding(finding: Finding) -> dict[str, Any]:
    items = list(dataclasses.asdict(finding).items())
    at = [key for key, _ in items].index("replacement")
    return dict([*items[:at], ("suggestion", finding.suggestion), *items[at:]])


_EDITS = [
    Edit(0, 3, "abc", "xyz", "places.idlib"),
    Edit(4, 4, "", "\u200b", "fix", "Fluency", applied=False, note="n", source="s"),
    Edit(5, 9, "a\nb", "", "r", applied=False, rejected=True),
]
_FINDINGS = [
    Finding(0, 1, "x", "r", "Style", "minor", "m"),
    Finding(2, 5, "a|b", "r2", "Accuracy", "major", 'say "it"', replacement="y"),
    Finding(2, 5, "a", "r3", "c", "critical", "m", advice="drop it", source="s", link="l"),
    Finding(2, 5, "a", "r3", "c", "minor", "m", replacement="", advice="a"),
]


def test_to_dict_is_asdict_in_the_schema_order() -> None:
    for edit in _EDITS:
        assert list(edit.to_dict().items()) == list(_asdict_edit(edit).items())
    for finding in _FINDINGS:
        assert list(finding.to_dict().items()) == list(_asdict_finding(finding).items())


def test_to_dict_names_every_field() -> None:
    # A field added to Edit or Finding must reach the report (or be left out on purpose).
    edit_fields = [f.name for f in dataclasses.fields(Edit) if f.name != "rejected"]
    assert list(_EDITS[0].to_dict()) == [*edit_fields, "status"]
    finding_fields = [f.name for f in dataclasses.fields(Finding)]
    at = finding_fields.index("replacement")
    assert list(_FINDINGS[0].to_dict()) == [
        *finding_fields[:at],
        "suggestion",
        *finding_fields[at:],
    ]


def _json_item_by_definition(data: Any) -> str:
    return "    " + json.dumps(data, ensure_ascii=False, indent=2).replace("\n", "\n    ")


def test_json_item_is_json_dumps_indented() -> None:
    texts = _random_texts(300, 7)
    items: list[Any] = [e.to_dict() for e in _EDITS] + [f.to_dict() for f in _FINDINGS]
    items += [
        {"text": text, "n": i, "x": i / 7, "ok": i % 2 == 0, "none": None}
        for i, text in enumerate(texts)
    ]
    items += [
        {"inf": float("inf"), "nan": float("nan"), "big": 10**30, "neg": -0.0},
        {"nested": {"a": [1, 2]}, "b": "c"},
        {"list": [], "empty": {}},
        {1: "int key", None: "none key", False: "bool key", 2.5: "float key"},
        {},
    ]
    for data in items:
        assert _json_item(data) == _json_item_by_definition(data), data
