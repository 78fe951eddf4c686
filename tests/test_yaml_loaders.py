"""libyaml and the pure-Python parser read every data file the same, positions included.

:func:`copydesk._yaml.load_yaml` parses with libyaml first (a 10,000-entry glossary loads ten
times faster) and falls back to the pure-Python parser for a file libyaml refuses, so errors
keep their messages. Both must give the same values and the same line and column for every
mapping, key and item, or an error found later (by :class:`MappingReader`) would point
elsewhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from copydesk import _yaml
from copydesk.errors import GlossaryError

from .conftest import ROOT

DATA_FILES = sorted(
    {
        *ROOT.glob("glossary/*.yaml"),
        *ROOT.glob("rules/**/*.yaml"),
        *ROOT.glob("src/copydesk/**/*.yaml"),
        *ROOT.glob("tests/fixtures/**/*.yaml"),
    }
)


def _same(a: Any, b: Any, where: str) -> None:
    assert type(a) is type(b), where
    if isinstance(a, _yaml.LineDict):
        assert (a.line, a.col, a.key_lines, a.key_cols) == (b.line, b.col, b.key_lines, b.key_cols)
        assert list(a) == list(b), where
        for key in a:
            _same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, _yaml.LineList):
        assert (a.line, a.col, a.item_lines, a.item_cols) == (
            b.line, b.col, b.item_lines, b.item_cols,
        ), where  # fmt: skip
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{index}]")
    else:
        assert a == b, where


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")
def test_both_parsers_give_the_same_data_and_positions() -> None:
    assert len(DATA_FILES) > 20
    fast_loader, pure_loader = _yaml._loaders()
    assert pure_loader.__mro__[1] is yaml.SafeLoader and fast_loader is not pure_loader
    for path in DATA_FILES:
        text = path.read_text(encoding="utf-8")
        pure = yaml.load(text, Loader=pure_loader)
        fast = yaml.load(text, Loader=fast_loader)
        _same(pure, fast, str(path.relative_to(ROOT)))


def test_an_error_keeps_the_pure_python_message() -> None:
    text = "domain: d\nentries:\n  - id: a\n    id: b\n"
    with pytest.raises(GlossaryError, match=r"^x\.yaml:4:5: YAML error: duplicate key 'id'$"):
        _yaml.load_yaml(Path("x.yaml"), text, GlossaryError)
    with pytest.raises(
        GlossaryError, match=r"^x\.yaml:2:5: YAML error: mapping values are not allowed here$"
    ):
        _yaml.load_yaml(Path("x.yaml"), "a: b\nc: d: e\n", GlossaryError)
