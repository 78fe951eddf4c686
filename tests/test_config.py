"""House style: prefix matching, file discovery, and errors that name the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from copydesk.config import HouseStyle, load_house_style
from copydesk.errors import ConfigError

COPYDESK_TOML = """\
[rules]
disable = ["en.calques"]
enable = ["en.calques.in-turn", "en.house"]

[rules.severity]
"en" = "major"
"en.dates" = "critical"

[glossary]
other = "settings of another stage are ignored here"
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
    ("text", "problem"),
    [
        ('[rules]\ndisable = "en.calques"\n', "rules.disable must be a list"),
        ("[rules]\nenable = [1]\n", "rules.enable must be a list"),
        ('[rules]\ndisabled = ["en"]\n', "unknown key 'disabled'"),
        ('[rules.severity]\n"en" = "high"\n', "severity 'high'"),
        ("[rules\n", "not valid TOML"),
        ("rules = 3\n", "must be a table"),
    ],
)
def test_bad_values_name_the_file(tmp_path: Path, text: str, problem: str) -> None:
    path = _write(tmp_path, text, "copydesk.toml")
    with pytest.raises(ConfigError) as caught:
        load_house_style(path)
    assert str(caught.value).startswith(str(path))
    assert problem in str(caught.value)


def test_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_house_style(tmp_path / "copydesk.toml")
