"""House-style configuration: which rules run and how severe their findings are.

A desk tunes the rule packs without editing them, by rule-id prefix:

.. code-block:: toml

    # copydesk.toml (or the same keys under [tool.copydesk.rules] of pyproject.toml)
    [rules]
    disable = ["en.calques.in-turn"]
    enable = ["en.house"]            # rules shipped with `default: off`
    [rules.severity]
    "en.calques" = "major"
    [quotes]                         # language -> double open, double close, single open, close
    de = "»«›‹"

Contract: a prefix matches a rule id when it equals the id or is followed in it by a ``.``
(``en.calques`` matches ``en.calques.in-turn``, not ``en.calquesx.y``). Where several prefixes
match, the longest wins; between ``enable`` and ``disable`` with the same prefix, ``disable``
wins. An unknown key or table anywhere in ``copydesk.toml`` (or inside ``[tool.copydesk]`` of
``pyproject.toml``, whose other tables belong to other tools), or a bad value, raises
:class:`~copydesk.errors.ConfigError` reading ``file:line:col: what: 'key' problem``.
A ``[quotes]`` value is four typographic quotation marks (double open, double close, single
open, single close) under a lower-case language code; :meth:`HouseStyle.quotes` gives the
desk's marks for a language, else the locale's (:data:`LOCALE_QUOTES`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from copydesk._toml import load_toml
from copydesk._yaml import LineDict, MappingReader, decode_utf8
from copydesk.errors import ConfigError
from copydesk.load import read_regular_file
from copydesk.model import SEVERITIES

__all__ = ["CONFIG_FILENAME", "LOCALE_QUOTES", "QUOTE_MARKS", "HouseStyle", "load_house_style"]

CONFIG_FILENAME = "copydesk.toml"
_PYPROJECT = "pyproject.toml"
_RULES_KEYS = frozenset({"disable", "enable", "severity"})

#: Each language's quotation marks as its news agencies write them: double open, double
#: close, single (inner) open, single close. Reuters/AP for English, dpa for German, AFP for
#: French, EFE (Fundéu) for Spanish, TASS for Russian.
LOCALE_QUOTES: Mapping[str, str] = MappingProxyType({
    "en": "“”‘’",
    "de": "„“‚‘",
    "fr": "«»“”",
    "es": "«»“”",
    "ru": "«»„“",
})  # fmt: skip
#: The marks a ``[quotes]`` value may use: typographic quotation marks, never straight ones.
QUOTE_MARKS = frozenset("„“”‟‚‘’‛«»‹›「」『』")
_LANGUAGE_KEY = re.compile(r"[a-z]{2,3}")


def prefix_matches(prefix: str, rule_id: str) -> bool:
    """Whether ``prefix`` is ``rule_id`` or its start up to a ``.``.

    >>> prefix_matches("en.calques", "en.calques.in-turn"), prefix_matches("en.calq", "en.calques")
    (True, False)
    """
    return rule_id == prefix or rule_id.startswith(prefix + ".")


def _prefix_length(prefix: str, rule_id: str) -> int:
    """Length of ``prefix`` when it matches ``rule_id`` on a dot boundary, else -1."""
    return len(prefix) if prefix_matches(prefix, rule_id) else -1


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
    # Language code -> four quotation marks (``[quotes]``); see :meth:`quotes`.
    quote_marks: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # The file it was read from, for error messages; not a setting (no part of its hash).
    path: Path | None = field(default=None, compare=False, repr=False)

    @property
    def content_hash(self) -> str:
        """A short hash of the choices, for signatures ("default" when nothing is set).

        >>> HouseStyle().content_hash
        'default'
        >>> len(HouseStyle(disabled=("en.calques",)).content_hash)
        12
        """
        if self == HouseStyle():
            return "default"
        return hashlib.sha256(repr(self).encode()).hexdigest()[:12]

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

    def quotes(self, language: str) -> str:
        """The four quotation marks for ``language``: the desk's, else the locale's (English
        typographic marks for a language without a known locale).

        >>> HouseStyle().quotes("de"), HouseStyle(quote_marks={"de": "»«›‹"}).quotes("de")
        ('„“‚‘', '»«›‹')
        """
        return self.quote_marks.get(language) or LOCALE_QUOTES.get(language, LOCALE_QUOTES["en"])


#: The keys the house style accepts, by table; in pyproject.toml only [tool.copydesk] is ours.
STYLE_KEYS: Mapping[str, frozenset[str]] = MappingProxyType({
    "": frozenset({"rules", "quotes"}),
    "rules": _RULES_KEYS,
})  # fmt: skip


def _quotes_from_table(top: MappingReader, prefix: str) -> Mapping[str, str]:
    """The ``[quotes]`` table: each key a language code, each value four quotation marks."""
    if "quotes" not in top.data:
        return MappingProxyType({})
    table = top.child("quotes", f"[{prefix}quotes]", None)
    marks: dict[str, str] = {}
    for language in table.data:
        if not _LANGUAGE_KEY.fullmatch(language):
            raise table.fail(language, "is not a lower-case language code such as 'de'")
        value = table.text(language)
        if len(value) != 4 or not set(value) <= QUOTE_MARKS:
            raise table.fail(
                language,
                "must be four quotation marks: double open, double close, single open, "
                'single close (e.g. "„“‚‘")',
            )
        marks[language] = value
    return MappingProxyType(marks)


def _style_from_table(top: MappingReader, prefix: str) -> HouseStyle:
    quotes = _quotes_from_table(top, prefix)
    if "rules" not in top.data:
        return HouseStyle(quote_marks=quotes, path=top.path) if quotes else HouseStyle()
    where = prefix + "rules"
    rules = top.child("rules", f"[{where}]", STYLE_KEYS["rules"])
    severity: dict[str, str] = {}
    if "severity" in rules.data:
        levels = rules.child("severity", f"[{where}.severity]", None)
        severity = {prefix: levels.choice(prefix, SEVERITIES) for prefix in levels.data}
    return HouseStyle(
        disabled=rules.texts("disable") if "disable" in rules.data else (),
        enabled=rules.texts("enable") if "enable" in rules.data else (),
        severity=MappingProxyType(severity),
        quote_marks=quotes,
        path=top.path,
    )


def _read_toml(path: Path) -> LineDict:
    """Parse a TOML file; every problem is a ConfigError naming ``file:line:col``."""
    data = read_regular_file(path, "a house-style file", ConfigError)
    return load_toml(path, decode_utf8(path, data, ConfigError), ConfigError)


def _tool_table(data: Mapping[str, Any]) -> Any:
    tool = data.get("tool")
    return tool.get("copydesk") if isinstance(tool, dict) else None


def _style_from_file(path: Path) -> HouseStyle:
    data = _read_toml(path)
    if path.name != _PYPROJECT:
        return _style_from_table(
            MappingReader(path, data, "house style", STYLE_KEYS[""], ConfigError), ""
        )
    if _tool_table(data) is None:
        return HouseStyle()
    tool = MappingReader(path, data["tool"], "[tool]", None, ConfigError)
    return _style_from_table(
        tool.child("copydesk", "[tool.copydesk]", STYLE_KEYS[""]), "tool.copydesk."
    )


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
