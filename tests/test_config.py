"""House style: prefix matching, file discovery, and errors that name the file."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk._toml import key_positions
from copydesk.config import HouseStyle, load_house_style
from copydesk.errors import ConfigError

COPYDESK_TOML = """\
[rules]
disable = ["en.calques"]
enable = ["en.calques.in-turn", "en.house"]

[rules.severity]
"en" = "major"
"en.dates" = "critical"
"""


def test_default_style_keeps_rule_defaults() -> None:
    style = HouseStyle()
    assert style.is_enabled("en.calques.in-turn", default_on=True)
    assert not style.is_enabled("en.house.martyrs", default_on=False)
    assert style.severity_for("en.calques.in-turn", "minor") == "minor"


def test_longest_prefix_wins() -> None:
    style = HouseStyle(
        disabled=("en.calques",),
        enabled=("en.calques.in-turn", "en.house"),
        severity={"en": "major", "en.dates": "critical"},
    )
    assert style.is_enabled("en.calques.in-turn", default_on=True)
    assert not style.is_enabled("en.calques.worth-mentioning", default_on=True)
    assert style.is_enabled("en.house.martyrs", default_on=False)
    assert style.severity_for("en.dates.relative-day", "minor") == "critical"
    assert style.severity_for("en.calques.in-turn", "minor") == "major"
    assert style.severity_for("ru.calques.x", "minor") == "minor"


def test_prefix_matches_on_dot_boundary_and_disable_wins_ties() -> None:
    style = HouseStyle(disabled=("en.cal", "en.house"), enabled=("en.house",))
    assert style.is_enabled("en.calques.in-turn", default_on=True)
    assert not style.is_enabled("en.house.martyrs", default_on=False)


def _write(folder: Path, text: str, name: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_copydesk_toml(tmp_path: Path) -> None:
    style = load_house_style(_write(tmp_path, COPYDESK_TOML, "copydesk.toml"))
    assert style.disabled == ("en.calques",)
    assert style.enabled == ("en.calques.in-turn", "en.house")
    assert dict(style.severity) == {"en": "major", "en.dates": "critical"}


def test_reads_pyproject_tool_table(tmp_path: Path) -> None:
    text = '[project]\nname = "x"\n[tool.copydesk.rules]\ndisable = ["en.dates"]\n'
    style = load_house_style(_write(tmp_path, text, "pyproject.toml"))
    assert style.disabled == ("en.dates",)


def test_finds_the_nearest_file_upwards(tmp_path: Path) -> None:
    _write(tmp_path, COPYDESK_TOML, "copydesk.toml")
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    # A pyproject.toml without [tool.copydesk] does not stop the search.
    _write(tmp_path / "a", '[project]\nname = "x"\n', "pyproject.toml")
    assert load_house_style(start=inner).disabled == ("en.calques",)


def test_pyproject_with_tool_table_is_found(tmp_path: Path) -> None:
    _write(tmp_path, '[tool.copydesk.rules]\nenable = ["en.house"]\n', "pyproject.toml")
    assert load_house_style(start=tmp_path).enabled == ("en.house",)


def test_no_file_gives_default(tmp_path: Path) -> None:
    assert load_house_style(start=tmp_path) == HouseStyle()


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            '[rules]\ndisable = "en.calques"\n',
            "2:1: [rules]: 'disable' must be a list of non-empty strings",
        ),
        ("[rules]\nenable = [1]\n", "2:1: [rules]: 'enable' must be a list of non-empty strings"),
        (
            '[rules]\n  disabled = ["en"]\n',
            "2:3: [rules]: 'disabled' is not a known key (allowed: disable, enable, severity)",
        ),
        (
            '[rules.severity]\n"en" = "high"\n',
            "2:1: [rules.severity]: 'en' must be one of minor, major, critical",
        ),
        (
            'rules.severity = {en = "major", "en.x" = "high"}\n',
            "1:33: [rules.severity]: 'en.x' must be one of minor, major, critical",
        ),
        ("[rules]\nseverity = 3\n", "2:1: [rules]: 'severity' must be a mapping"),
        ("rules = 3\n", "1:1: house style: 'rules' must be a mapping"),
        ("[[rules]]\n", "1:1: house style: 'rules' must be a mapping"),
        (
            '# house style\n\n[glossary]\nother = "x"\n',
            "3:1: house style: 'glossary' is not a known key (allowed: quotes, rules)",
        ),
        ("[rules]\ndisable = []\n[a.b]\nc = 1\n", "3:1: house style: 'a' is not a known key"),
        ("[rules\n", "1:7: not valid TOML"),
        ('[quotes]\nde = "„“"\n', "2:1: [quotes]: 'de' must be four quotation marks"),
        ('[quotes]\n\nde = "\\"\\"\'\'"\n', "3:1: [quotes]: 'de' must be four quotation marks"),
        ('[quotes]\nde = "abcd"\n', "2:1: [quotes]: 'de' must be four quotation marks"),
        ("[quotes]\nde = 4\n", "2:1: [quotes]: 'de' must be a non-empty string"),
        ('[quotes]\nDE = "„“‚‘"\n', "2:1: [quotes]: 'DE' is not a lower-case language code"),
        ('[rules]\nenable = []\n[quotes]\n"de-AT" = "„“‚‘"\n', "4:1: [quotes]: 'de-AT' is not"),
        ('quotes = "„“‚‘"\n', "1:1: house style: 'quotes' must be a mapping"),
    ],
)
def test_bad_values_name_file_line_and_column(tmp_path: Path, text: str, error: str) -> None:
    path = _write(tmp_path, text, "copydesk.toml")
    with pytest.raises(ConfigError) as caught:
        load_house_style(path)
    assert str(caught.value).startswith(f"{path}:{error}")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            '[project]\nname = "x"\n[tool.copydesk]\nrule = 1\n',
            "4:1: [tool.copydesk]: 'rule' is not a known key (allowed: quotes, rules)",
        ),
        (
            '[tool.copydesk.rules]\nenable = ["a"]\nsevere = {}\n',
            "3:1: [tool.copydesk.rules]: 'severe' is not a known key",
        ),
        ('[tool]\ncopydesk = "on"\n', "2:1: [tool]: 'copydesk' must be a mapping"),
        (
            '[tool.copydesk.rules.severity]\nen = "minor"\n"en.x" = "none"\n',
            "3:1: [tool.copydesk.rules.severity]: 'en.x' must be one of",
        ),
        ('[tool.copydesk.quotes]\nfr = "«»"\n', "2:1: [tool.copydesk.quotes]: 'fr' must be four"),
    ],
)
def test_pyproject_errors_name_file_line_and_column(tmp_path: Path, text: str, error: str) -> None:
    path = _write(tmp_path, text, "pyproject.toml")
    with pytest.raises(ConfigError) as caught:
        load_house_style(path)
    assert str(caught.value).startswith(f"{path}:{error}")


def test_pyproject_tables_of_other_tools_are_not_ours(tmp_path: Path) -> None:
    text = '[tool.ruff]\nline-length = 100\n[tool.copydesk.rules]\ndisable = ["en"]\n[x]\ny = 1\n'
    assert load_house_style(_write(tmp_path, text, "pyproject.toml")).disabled == ("en",)


def test_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_house_style(tmp_path / "copydesk.toml")


TRICKY_TOML = '''\
# a comment with [brackets] and key = "value"
title = """a "quoted" \\""" string
[not.a] = header"""
[x]  # trailing comment
"q.k" = 1
b.c = { d = 2, 'e f' = [1, {g = 3}], h = "}" }
m = \'\'\'line
k = 9\'\'\'
when = 1979-05-27 07:32:00
arr = [
  "a", # comment ]
  ["b"],
]
[[y]]
z = 1
[ x . "sub" ]
n = -1
'''


def test_key_positions_track_tables_strings_and_inline_tables() -> None:
    positions = key_positions(TRICKY_TOML)
    assert positions[("title",)] == (2, 1)
    assert ("not",) not in positions  # inside a multi-line string
    assert positions[("x",)] == (4, 1)
    assert positions[("x", "q.k")] == (5, 1)
    assert positions[("x", "b")] == positions[("x", "b", "c")] == (6, 1)
    assert positions[("x", "b", "c", "e f")] == (6, 16)
    assert positions[("x", "b", "c", "h")] == (6, 38)
    assert ("x", "k") not in positions
    assert positions[("x", "when")] == (9, 1)
    assert positions[("x", "arr")] == (10, 1)
    assert positions[("y", "z")] == (15, 1)
    assert positions[("x", "sub", "n")] == (17, 1)


def test_every_key_of_a_real_pyproject_has_its_own_line() -> None:
    text = (Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8")
    lines = text.split("\n")
    positions = key_positions(text)

    def walk(table: dict[str, object], path: tuple[str, ...]) -> int:
        count = 0
        for key, value in table.items():
            line, col = positions[(*path, key)]
            assert key in lines[line - 1][col - 1 :], (path, key)
            count += 1
            if isinstance(value, dict):
                count += walk(value, (*path, key))
        return count

    assert walk(tomllib.loads(text), ()) > 10


_KEYS = st.one_of(
    st.text("ab_-19", min_size=1, max_size=3),
    st.sampled_from(['"a.b"', '"x y"', '"q\\"t"', '"]"', "'#'", "'='", '"[x]"']),
)
_SCALARS = st.sampled_from(
    ["1", '"s # ] }"', "'lit'", '"""m\n[x] "q" \\""""', "'''a\nb = 1'''", "1979-05-27 07:32:00"]
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda v: "[\n  " + ", # c ]\n  ".join(v) + "]"),
        st.lists(st.tuples(_KEYS, inner), max_size=3).map(
            lambda kv: "{" + ", ".join(f"{k} = {v}" for k, v in kv) + "}"
        ),
    ),
    max_leaves=6,
)
_LINES = st.one_of(
    st.lists(_KEYS, min_size=1, max_size=3).map(lambda k: "[" + " . ".join(k) + "]  # [c]"),
    st.tuples(st.lists(_KEYS, min_size=1, max_size=2), _VALUES).map(
        lambda kv: ".".join(kv[0]) + " = " + kv[1] + " # k = 1"
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=8))
def test_every_key_of_any_toml_has_a_position_at_its_start(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return  # only valid TOML reaches the scanner
    positions = key_positions(text)
    rows = text.split("\n")

    def walk(table: dict[str, object], path: tuple[str, ...]) -> None:
        for key, value in table.items():
            line, col = positions[(*path, key)]
            start = rows[line - 1][col - 1]
            assert start in "[\"'" or start.isalnum() or start in "_-", (path, key)
            if isinstance(value, dict):
                walk(value, (*path, key))

    walk(data, ())


def test_quotes_table_sets_a_language_and_leaves_the_others_at_their_locale(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path, '[quotes]\nde = "»«›‹"\n', "copydesk.toml")
    style = load_house_style(path)
    assert style.quotes("de") == "»«›‹"
    assert style.quotes("ru") == "«»„“"
    assert style.quotes("xx") == "“”‘’"
    assert style.content_hash != HouseStyle().content_hash
    pyproject = '[tool.copydesk.quotes]\nes = "“”‘’"\n'
    assert load_house_style(_write(tmp_path, pyproject, "pyproject.toml")).quotes("es") == "“”‘’"
