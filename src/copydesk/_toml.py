"""TOML that remembers positions, so that the house style's errors name ``file:line:col`` too.

Contract: :func:`load_toml` parses with :mod:`tomllib` and returns its tables as
:class:`~copydesk._yaml.LineDict` (the mapping type :class:`~copydesk._yaml.MappingReader`
reads), each key with the line and column where the file names it. tomllib keeps no
positions, so a small scanner walks the text once it has parsed: it tracks the current table
(``[a.b]``, ``[[a]]``), skips strings, comments and arrays, and descends into inline tables.
A table named only through a longer header or a dotted key (``tool`` in
``[tool.copydesk.rules]``) takes the position of its first mention. A syntax error raises
``error_type`` naming ``file:line:col``.
"""

from __future__ import annotations

import bisect
import re
import tomllib
from pathlib import Path
from typing import Any

from copydesk._yaml import LineDict, Position, line_col_at

__all__ = ["key_positions", "load_toml"]

KeyPath = tuple[str, ...]

# tomllib (3.11) puts the position only in its message: "... (at line 3, column 7)".
_TOML_POSITION = re.compile(
    r"^(?P<problem>.*?) \(at (?:line (?P<line>\d+), column (?P<col>\d+)|end of document)\)$"
)
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SPACE = " \t"
_SCALAR_END = ",]}\n#"


class _Scanner:
    """Positions of the keys of a TOML text that tomllib has already accepted."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self.positions: dict[KeyPath, Position] = {}

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def record(self, path: KeyPath, offset: int) -> None:
        """``path`` and every table above it, where not already named earlier."""
        where = self.position(offset)
        for end in range(1, len(path) + 1):
            self.positions.setdefault(path[:end], where)

    def peek(self, n: int = 1) -> str:
        return self.text[self.at : self.at + n]

    def skip_space(self, newlines: bool = False) -> None:
        while self.at < len(self.text):
            char = self.text[self.at]
            if char in _SPACE or (newlines and char in "\r\n"):
                self.at += 1
            elif char == "#":
                end = self.text.find("\n", self.at)
                self.at = len(self.text) if end < 0 else end
            else:
                return

    def string(self) -> str:
        """Skip the string that starts here; returns its source text."""
        start = self.at
        quote = self.text[self.at]
        if self.peek(3) == quote * 3:
            search = self.at + 3
            while True:
                close = self.text.find(quote * 3, search)
                if quote == '"' and self._escaped(close):
                    search = close + 1
                    continue
                end = close + 3
                # up to two quotes of the content may stand right before the closing three
                while end < len(self.text) and self.text[end] == quote and end - close < 5:
                    end += 1
                self.at = end
                return self.text[start:end]
        self.at += 1
        while self.text[self.at] != quote:
            self.at += 2 if quote == '"' and self.text[self.at] == "\\" else 1
        self.at += 1
        return self.text[start : self.at]

    def _escaped(self, offset: int) -> bool:
        """Whether the character at ``offset`` follows an odd run of backslashes."""
        run = 0
        while offset - run - 1 >= 0 and self.text[offset - run - 1] == "\\":
            run += 1
        return run % 2 == 1

    def key(self) -> tuple[KeyPath, int]:
        """A dotted key and the offset where it starts."""
        self.skip_space()
        start = self.at
        parts: list[str] = []
        while True:
            if self.peek() in ("'", '"'):
                source = self.string()
                parts.append(tomllib.loads(f"k = {source}")["k"])
            else:
                match = _BARE_KEY.match(self.text, self.at)
                assert match is not None  # tomllib accepted the text
                parts.append(match.group())
                self.at = match.end()
            self.skip_space()
            if self.peek() != ".":
                return tuple(parts), start
            self.at += 1
            self.skip_space()

    def value(self, path: KeyPath | None) -> None:
        """Skip a value; record the keys of an inline table under ``path`` (None: do not)."""
        self.skip_space()
        char = self.peek()
        if char in ("'", '"'):
            self.string()
        elif char == "[":
            self.at += 1
            self.skip_space(newlines=True)
            while self.peek() != "]":
                self.value(None)
                self.skip_space(newlines=True)
                if self.peek() == ",":
                    self.at += 1
                    self.skip_space(newlines=True)
            self.at += 1
        elif char == "{":
            self.at += 1
            self.skip_space()
            while self.peek() != "}":
                self.key_value(path)
                self.skip_space()
                if self.peek() == ",":
                    self.at += 1
                    self.skip_space()
            self.at += 1
        else:
            while self.at < len(self.text) and self.text[self.at] not in _SCALAR_END:
                self.at += 1

    def key_value(self, table: KeyPath | None) -> None:
        keys, start = self.key()
        if table is not None:
            self.record(table + keys, start)
        self.skip_space()
        self.at += 1  # "="
        self.value(None if table is None else table + keys)

    def scan(self) -> dict[KeyPath, Position]:
        table: KeyPath = ()
        while True:
            self.skip_space(newlines=True)
            if self.at >= len(self.text):
                return self.positions
            if self.peek() == "[":
                start = self.at
                double = self.peek(2) == "[["
                self.at += 2 if double else 1
                table, _ = self.key()
                self.at += 2 if double else 1
                self.record(table, start)
            else:
                self.key_value(table)


def key_positions(text: str) -> dict[KeyPath, Position]:
    """Line and column of every table and key of a valid TOML ``text``, by key path.

    >>> key_positions('[rules]\\ndisable = ["a"]\\n[rules.severity]\\n"en" = "major"\\n')
    {('rules',): (1, 1), ('rules', 'disable'): (2, 1), ('rules', 'severity'): (3, 1), \
('rules', 'severity', 'en'): (4, 1)}
    """
    return _Scanner(text).scan()


def _positioned(value: Any, path: KeyPath, positions: dict[KeyPath, Position]) -> Any:
    if not isinstance(value, dict):
        return value  # arrays (of tables too) keep no positions: no house-style key is one
    table = LineDict()
    table.line, table.col = positions.get(path, (1, 1))
    table.key_lines, table.key_cols = {}, {}
    for key, item in value.items():
        table[key] = _positioned(item, (*path, key), positions)
        where = positions.get((*path, key), (table.line, table.col))
        table.key_lines[key], table.key_cols[key] = where
    return table


def load_toml(path: Path, text: str, error_type: type[Exception]) -> LineDict:
    """Parse TOML ``text`` read from ``path`` into positioned tables; errors: ``error_type``."""
    try:
        data = tomllib.loads(text)
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
        raise error_type(msg) from None
    except RecursionError:
        msg = f"{path}: not valid TOML: nested too deeply"
        raise error_type(msg) from None
    try:
        positions = key_positions(text)
    except RecursionError:
        positions = {}  # nested deeper than the scanner goes: every key at 1:1
    result: LineDict = _positioned(data, (), positions)
    return result
