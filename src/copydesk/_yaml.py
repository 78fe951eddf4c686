"""YAML loading that remembers line numbers, so data errors can name ``file:line``.

Mappings load as :class:`LineDict` (a ``dict`` with the line of the mapping and of each
key) and sequences as :class:`LineList`. A YAML syntax error becomes ``error_type`` with the
file, line and column of the problem; so does a file that is not UTF-8
(:func:`decode_utf8`), the one decoder of every data file (glossary, rules, house style,
false-alarm memory).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


class LineDict(dict[str, Any]):
    """A mapping loaded from YAML, with the 1-based line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """The line of ``key`` (the mapping's own line when the key is absent)."""
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence loaded from YAML, with the 1-based line of each item."""

    line: int = 0
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in result:
            msg = f"duplicate key {key!r}"
            raise yaml.constructor.ConstructorError(None, None, msg, key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


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
    """Parse YAML ``text`` read from ``path``; syntax errors raise ``error_type``."""
    try:
        return yaml.load(text, Loader=_LineLoader)
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
