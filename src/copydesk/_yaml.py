"""The one reader of data files: YAML that remembers positions, so errors name ``file:line:col``.

Mappings load as :class:`LineDict` (a ``dict`` with the line and column of the mapping and of
each key) and sequences as :class:`LineList`. A YAML syntax error becomes ``error_type`` with
the file, line and column of the problem; so does a file that is not UTF-8
(:func:`decode_utf8`), the one decoder of every data file (glossary, rules, house style,
false-alarm memory). :class:`MappingReader` reads one mapping's values with types; every data
error it raises has one shape::

    path:line:col: what: 'key' problem (allowed: ...)
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml


class LineDict(dict[str, Any]):
    """A mapping loaded from YAML, with the 1-based line of itself and of each key."""

    line: int = 0
    col: int = 0
    key_lines: dict[str, int]
    key_cols: dict[str, int]

    def line_of(self, key: str) -> int:
        """The line of ``key`` (the mapping's own line when the key is absent)."""
        return self.key_lines.get(key, self.line)

    def position_of(self, key: str) -> tuple[int, int]:
        """Line and column of ``key`` (the mapping's own when the key is absent)."""
        if key in self.key_lines:
            return self.key_lines[key], self.key_cols[key]
        return self.line, self.col


class LineList(list[Any]):
    """A sequence loaded from YAML, with the 1-based line and column of each item."""

    line: int = 0
    col: int = 0
    item_lines: list[int]
    item_cols: list[int]

    def positions(self) -> list[tuple[int, int]]:
        """Line and column of each item."""
        return list(zip(self.item_lines, self.item_cols, strict=True))


@cache
def _loaders() -> tuple[type[yaml.SafeLoader], type[yaml.SafeLoader]]:
    """The loaders (libyaml's first), made on first use: a run whose data all comes from the
    disk cache never imports PyYAML."""
    import yaml

    class _FastLineLoader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):  # type: ignore[misc]
        """The same loader on libyaml's parser, about ten times faster on a large glossary."""

    class _LineLoader(yaml.SafeLoader):
        pass

    for loader in (_LineLoader, _FastLineLoader):
        loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
        loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
        loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
    return _FastLineLoader, _LineLoader


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.col = node.start_mark.column + 1
    result.key_lines = {}
    result.key_cols = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            import yaml

            msg = f"duplicate key {key!r}"
            raise yaml.constructor.ConstructorError(None, None, msg, key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
        result.key_cols[key] = key_node.start_mark.column + 1
    return result


def _construct_sequence(loader: Any, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.col = node.start_mark.column + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    result.item_cols = [child.start_mark.column + 1 for child in node.value]
    return result


def _construct_timestamp(loader: Any, node: yaml.ScalarNode) -> Any:
    # A date-shaped value that is no date (2026-02-30) must be a data error, not a ValueError.
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError as exc:
        import yaml

        msg = f"{node.value!r} is not a valid date ({exc})"
        raise yaml.constructor.ConstructorError(None, None, msg, node.start_mark) from None


def line_col_at(data: str | bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of ``offset`` in ``data`` (characters, or bytes of bytes).

    >>> line_col_at("a: 1\\nb: 2", 8), line_col_at(b"a\\n\\xff", 2)
    ((2, 4), (2, 1))
    """
    text = data.decode("latin-1") if isinstance(data, bytes) else data  # one char per byte
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def decode_utf8(path: Path, data: bytes, error_type: type[Exception]) -> str:
    """``data`` read from ``path`` as UTF-8 text; else ``error_type`` with file:line:col.

    >>> decode_utf8(Path("x.yaml"), b"a: 1\\nb: \\xff\\n", ValueError)
    Traceback (most recent call last):
    ...
    ValueError: x.yaml:2:4: not valid UTF-8 (byte 0xFF); re-save the file as UTF-8
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = line_col_at(data, exc.start)
        msg = (
            f"{path}:{line}:{col}: not valid UTF-8 (byte 0x{data[exc.start]:02X}); "
            "re-save the file as UTF-8"
        )
        raise error_type(msg) from None


def load_yaml(path: Path, text: str, error_type: type[Exception]) -> Any:
    """Parse YAML ``text`` read from ``path``; syntax errors raise ``error_type``.

    libyaml parses first; a file it refuses is parsed again by the pure-Python parser, whose
    messages and positions every error keeps.
    """
    import yaml

    fast_loader, loader = _loaders()
    try:
        return yaml.load(text, Loader=fast_loader)
    except (yaml.YAMLError, RecursionError):
        pass
    try:
        return yaml.load(text, Loader=loader)
    except yaml.reader.ReaderError as exc:
        # A character YAML does not allow (a control character): name its line.
        line, col = line_col_at(text, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        msg = f"{path}:{line}:{col}: YAML error: {exc.reason} (U+{code:04X})"
        raise error_type(msg) from None
    except RecursionError:
        msg = f"{path}: YAML error: nested too deeply"
        raise error_type(msg) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = exc.problem or exc.context or "invalid YAML"
        msg = f"{where}: YAML error: {problem}"
        raise error_type(msg) from None
    except yaml.YAMLError as exc:
        msg = f"{path}: YAML error: {exc}"
        raise error_type(msg) from None


Position = tuple[int, int]


class MappingReader:
    """Typed access to one mapping's values; unknown keys are refused on arrival.

    Every error is ``error_type("path:line:col: what: 'key' problem")``, at the key's position.
    ``allowed=None`` reads a mapping whose keys are data (language codes, rule-id prefixes):
    no key is refused, and each is checked by the caller.

    >>> data = load_yaml(Path("r.yaml"), "name: x\\nseverty: major\\n", ValueError)
    >>> MappingReader(Path("r.yaml"), data, "rule 'x'", {"name", "severity"}, ValueError)
    Traceback (most recent call last):
    ...
    ValueError: r.yaml:2:1: rule 'x': 'severty' is not a known key (allowed: name, severity)
    """

    def __init__(
        self,
        path: Path,
        data: Any,
        what: str,
        allowed: Collection[str] | None,
        error_type: type[Exception],
        at: Position = (1, 1),
    ) -> None:
        self.path = path
        self.what = what
        self.error_type = error_type
        if not isinstance(data, LineDict):
            raise self.error(at, f"{what} must be a mapping")
        self.data = data
        unknown = [] if allowed is None else [k for k in data if k not in allowed]
        if unknown:
            assert allowed is not None  # for mypy: unknown is empty without it
            raise self.fail(
                unknown[0], f"is not a known key (allowed: {', '.join(sorted(allowed))})"
            )

    @property
    def position(self) -> Position:
        """Where the mapping itself starts."""
        return self.data.line, self.data.col

    def error(self, at: Position, message: str) -> Exception:
        """``error_type`` naming ``path:line:col`` and ``message``."""
        return self.error_type(f"{self.path}:{at[0]}:{at[1]}: {message}")

    def fail(self, key: str, problem: str) -> Exception:
        """An error about ``key``'s value, at the key."""
        return self.error(self.data.position_of(key), f"{self.what}: {key!r} {problem}")

    def require(self, *keys: str) -> None:
        """Raise for the first of ``keys`` that is missing."""
        for key in keys:
            if key not in self.data:
                raise self.error(self.position, f"{self.what}: {key!r} is missing")

    def nested(
        self, key: str, data: Any, at: Position, what: str, allowed: Collection[str] | None
    ) -> MappingReader:
        """A reader for an item of the list under ``key``, found at ``at``, that is a mapping."""
        if not isinstance(data, LineDict):
            raise self.error(at, f"{self.what}: {key!r} item must be a mapping")
        return MappingReader(self.path, data, what, allowed, self.error_type, at)

    def child(
        self,
        key: str,
        what: str,
        allowed: Collection[str] | None,
        error_type: type[Exception] | None = None,
    ) -> MappingReader:
        """A reader for the mapping under ``key``."""
        if not isinstance(self.data[key], LineDict):
            raise self.fail(key, "must be a mapping")
        return MappingReader(
            self.path,
            self.data[key],
            what,
            allowed,
            error_type or self.error_type,
            self.data.position_of(key),
        )

    @staticmethod
    def _is_text(value: Any, *, trimmed: bool, empty: bool) -> bool:
        if not isinstance(value, str) or not (empty or value.strip()):
            return False
        return not trimmed or value == value.strip()

    @staticmethod
    def _text_kind(*, trimmed: bool, empty: bool) -> str:
        kind = "a string" if empty else "a non-empty string"
        return f"{kind} without leading or trailing whitespace" if trimmed else kind

    def text(self, key: str, *, trimmed: bool = False, empty: bool = False) -> str:
        """A string: non-empty unless ``empty``; no outer whitespace when ``trimmed``."""
        value = self.data[key]
        if not self._is_text(value, trimmed=trimmed, empty=empty):
            raise self.fail(key, "must be " + self._text_kind(trimmed=trimmed, empty=empty))
        return str(value)

    def optional_text(self, key: str, *, trimmed: bool = False) -> str | None:
        """A non-empty string, or None when absent or null."""
        return None if self.data.get(key) is None else self.text(key, trimmed=trimmed)

    def item_text(self, key: str, value: Any, at: Position, *, trimmed: bool = False) -> str:
        """A non-empty string found as an item of the list under ``key``, at ``at``."""
        if not self._is_text(value, trimmed=trimmed, empty=False):
            kind = self._text_kind(trimmed=trimmed, empty=False)
            raise self.error(at, f"{self.what}: {key!r} item must be {kind}")
        return str(value)

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of non-empty strings."""
        value = self.data[key]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(key, "must be a list of non-empty strings")
        return tuple(value)

    def matching(self, key: str, pattern: re.Pattern[str]) -> str:
        """A string that ``pattern`` matches."""
        value = self.data[key]
        if not isinstance(value, str) or not pattern.match(value):
            raise self.fail(key, f"must match {pattern.pattern}")
        return value

    def switch(self, key: str) -> bool:
        """``on``/``off`` or ``true``/``false``."""
        value = self.data[key]
        if isinstance(value, str) and value.lower() in ("on", "off"):
            return value.lower() == "on"
        if not isinstance(value, bool):
            raise self.fail(key, "must be on or off")
        return value

    def flag(self, key: str) -> bool:
        """``true`` or ``false``."""
        value = self.data[key]
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value

    def choice(self, key: str, choices: Sequence[str]) -> str:
        """One of ``choices``."""
        value = self.data[key]
        if value not in choices:
            raise self.fail(key, f"must be one of {', '.join(choices)}")
        return str(value)

    def items(self, key: str) -> Iterator[tuple[Any, Position]]:
        """The items of the list under ``key`` with their positions."""
        value = self.data[key]
        if not isinstance(value, LineList):
            raise self.fail(key, "must be a list")
        return zip(value, value.positions(), strict=True)
