"""House-style configuration: which rules run and how severe their findings are.

A desk tunes the rule packs without editing them, by rule-id prefix:

.. code-block:: toml

    # copydesk.toml (or the same keys under [tool.copydesk.rules] of pyproject.toml)
    [rules]
    disable = ["en.calques.in-turn"]
    enable = ["en.house"]            # rules shipped with `default: off`
    [rules.severity]
    "en.calques" = "major"

Contract: a prefix matches a rule id when it equals the id or is followed in it by a ``.``
(``en.calques`` matches ``en.calques.in-turn``, not ``en.calquesx.y``). Where several prefixes
match, the longest wins; between ``enable`` and ``disable`` with the same prefix, ``disable``
wins. Other sections of the file belong to other stages and are ignored here; inside the
``rules`` table, an unknown key or a bad value raises :class:`~copydesk.errors.ConfigError`
naming the file.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from copydesk._yaml import decode_utf8, line_col_at
from copydesk.errors import ConfigError
from copydesk.load import read_regular_file
from copydesk.model import SEVERITIES

__all__ = ["CONFIG_FILENAME", "HouseStyle", "load_house_style"]

CONFIG_FILENAME = "copydesk.toml"
_PYPROJECT = "pyproject.toml"
_RULES_KEYS = frozenset({"disable", "enable", "severity"})


def _prefix_length(prefix: str, rule_id: str) -> int:
    """Length of ``prefix`` when it matches ``rule_id`` on a dot boundary, else -1."""
    if rule_id == prefix or rule_id.startswith(prefix + "."):
        return len(prefix)
    return -1


def _longest(prefixes: Iterable[str], rule_id: str) -> int:
    return max((_prefix_length(p, rule_id) for p in prefixes), default=-1)


@dataclass(frozen=True)
class HouseStyle:
    """A desk's choices: rule prefixes to disable or enable, and severity overrides.

    >>> style = HouseStyle(disabled=("en.calques",), enabled=("en.calques.in-turn",))
    >>> style.is_enabled("en.calques.in-turn", default_on=True)
    True
    >>> style.is_enabled("en.calques.worth-mentioning", default_on=True)
    False
    >>> style.is_enabled("en.house.martyrs", default_on=False)
    False
    """

    disabled: tuple[str, ...] = ()
    enabled: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # The file it was read from, for error messages; not a setting (no part of its hash).
    path: Path | None = field(default=None, compare=False, repr=False)

    def is_enabled(self, rule_id: str, default_on: bool) -> bool:
        """Whether ``rule_id`` runs: the longest matching prefix decides, else ``default_on``."""
        off = _longest(self.disabled, rule_id)
        on = _longest(self.enabled, rule_id)
        if off < 0 and on < 0:
            return default_on
        return on > off

    def severity_for(self, rule_id: str, default: str) -> str:
        """The severity for ``rule_id``: the longest matching prefix's override, else ``default``.

        >>> HouseStyle(severity={"en": "major", "en.dates": "critical"}).severity_for(
        ...     "en.dates.relative-day", "minor")
        'critical'
        """
        best, value = -1, default
        for prefix, level in self.severity.items():
            length = _prefix_length(prefix, rule_id)
            if length > best:
                best, value = length, level
        return value


def _string_list(value: Any, key: str, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        msg = f"{path}: rules.{key} must be a list of rule ids or id prefixes (strings)"
        raise ConfigError(msg)
    return tuple(value)


def _style_from_table(table: Any, path: Path, where: str) -> HouseStyle:
    if not isinstance(table, dict):
        msg = f"{path}: [{where}] must be a table"
        raise ConfigError(msg)
    unknown = sorted(set(table) - _RULES_KEYS)
    if unknown:
        allowed = ", ".join(sorted(_RULES_KEYS))
        msg = f"{path}: unknown key {unknown[0]!r} in [{where}] (allowed: {allowed})"
        raise ConfigError(msg)
    severity = table.get("severity", {})
    if not isinstance(severity, dict):
        msg = f"{path}: [{where}.severity] must be a table of id prefix = severity"
        raise ConfigError(msg)
    for prefix, level in severity.items():
        if level not in SEVERITIES:
            msg = (
                f"{path}: severity {level!r} for {prefix!r} in [{where}.severity] "
                f"must be one of {', '.join(SEVERITIES)}"
            )
            raise ConfigError(msg)
    return HouseStyle(
        disabled=_string_list(table.get("disable", []), "disable", path),
        enabled=_string_list(table.get("enable", []), "enable", path),
        severity=MappingProxyType(dict(severity)),
        path=path,
    )


# tomllib (3.11) puts the position only in its message: "... (at line 3, column 7)".
_TOML_POSITION = re.compile(
    r"^(?P<problem>.*?) \(at (?:line (?P<line>\d+), column (?P<col>\d+)|end of document)\)$"
)


def _read_toml(path: Path) -> dict[str, Any]:
    """Parse a TOML file; every problem is a ConfigError naming ``file:line:col``."""
    text = decode_utf8(
        path, read_regular_file(path, "a house-style file", ConfigError), ConfigError
    )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_POSITION.match(str(exc))
        if match is None:
            where, problem = str(path), str(exc)
        elif match["line"]:
            where, problem = f"{path}:{match['line']}:{match['col']}", match["problem"]
        else:
            line, col = line_col_at(text, len(text))
            where, problem = f"{path}:{line}:{col}", match["problem"]
        msg = f"{where}: not valid TOML: {problem}"
        raise ConfigError(msg) from None
    except RecursionError:
        msg = f"{path}: not valid TOML: nested too deeply"
        raise ConfigError(msg) from None


def _tool_table(data: Mapping[str, Any]) -> Any:
    tool = data.get("tool")
    return tool.get("copydesk") if isinstance(tool, dict) else None


def _style_from_file(path: Path) -> HouseStyle:
    data = _read_toml(path)
    if path.name == _PYPROJECT:
        table = _tool_table(data)
        if table is None:
            return HouseStyle()
        if not isinstance(table, dict):
            msg = f"{path}: [tool.copydesk] must be a table"
            raise ConfigError(msg)
        prefix = "tool.copydesk."
    else:
        table, prefix = data, ""
    if "rules" not in table:
        return HouseStyle()
    return _style_from_table(table["rules"], path, prefix + "rules")


def _find_config(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / CONFIG_FILENAME
        if candidate.is_file():
            return candidate
        pyproject = folder / _PYPROJECT
        if pyproject.is_file() and _tool_table(_read_toml(pyproject)) is not None:
            return pyproject
    return None


def load_house_style(path: Path | None = None, start: Path | None = None) -> HouseStyle:
    """Read the house style from ``path``, or find it from ``start`` (default: the cwd) upwards.

    Searching, each folder is tried for ``copydesk.toml``, then for a ``pyproject.toml`` with a
    ``[tool.copydesk]`` table; the first hit wins. No file found means the default style
    (every rule at its ``default``). A ``path`` given explicitly must exist.

    >>> load_house_style(start=Path("/")).disabled
    ()
    """
    if path is None:
        found = _find_config((start or Path.cwd()).resolve())
        return HouseStyle() if found is None else _style_from_file(found)
    if not path.is_file():
        msg = f"{path}: house-style file not found; pass an existing copydesk.toml"
        raise ConfigError(msg)
    return _style_from_file(path)
