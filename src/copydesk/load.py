"""Stage 1, *load*: bytes to text, or a clear error.

Contract: :func:`load_bytes` returns a :class:`Document` whose ``text`` is the decoded
article with every line ending and space kept as it was (files are never read in text
mode, so no newline translation happens). UTF-8 with or without BOM and UTF-16 with a
BOM are decoded directly; anything else goes through charset-normalizer, a maintained
detector for legacy encodings such as Windows-1252 and Windows-1256. Empty, binary or
undecodable input raises :class:`~copydesk.errors.InputError` naming the input.

Size limit: one article may hold at most :data:`DEFAULT_MAX_MB` megabytes (1,000,000
bytes each; 20 MB of text stays well within it), or what ``COPYDESK_MAX_MB`` or the
``max_mb`` argument (the commands' ``--max-size``) says. A larger input is refused with
an :class:`~copydesk.errors.InputError` before it is decoded, and a file before it is
read (its size is checked first, and no more than the limit is ever read).
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from copydesk.errors import InputError

#: The default size limit of one article, in megabytes of 1,000,000 bytes.
DEFAULT_MAX_MB = 32.0
#: The environment variable that raises (or lowers) the size limit, in megabytes.
MAX_MB_ENV = "COPYDESK_MAX_MB"
_MB = 1_000_000

# Control characters that never occur in an article; one of them means binary data.
# Tab, LF, VT, FF and CR are text.
_BINARY_CONTROLS = frozenset(chr(c) for c in range(32) if chr(c) not in "\t\n\x0b\x0c\r")


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded article and where it came from."""

    text: str
    encoding: str
    name: str = "<text>"


def _check_text(text: str, name: str) -> None:
    if not text.strip():
        msg = f"{name}: the article is empty (nothing but whitespace)"
        raise InputError(msg)
    bad = next((c for c in text if c in _BINARY_CONTROLS), None)
    if bad is not None:
        offset = text.index(bad)
        msg = (
            f"{name}: looks like a binary file (control character U+{ord(bad):04X} "
            f"at character {offset}); give copydesk a plain-text article"
        )
        raise InputError(msg)


def _decode_utf8_or_none(data: bytes, name: str) -> str | None:
    """Decode strict UTF-8; None when it is not UTF-8 at all.

    Bytes that are mostly valid UTF-8 (they hold real multi-byte sequences) but break
    somewhere are an error: guessing a legacy encoding for them would garble the valid
    part, and that is worse than stopping.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _has_valid_multibyte(data):
            msg = (
                f"{name}: not valid UTF-8 at byte {exc.start} (0x{data[exc.start]:02X}) "
                "although the rest is UTF-8; the file mixes encodings. Re-save it as UTF-8"
            )
            raise InputError(msg) from None
        return None


def _has_valid_multibyte(data: bytes) -> bool:
    # Legacy-encoded text forms a valid UTF-8 pair only by accident, and rarely; UTF-8
    # with a stray byte is mostly valid pairs. More valid than broken means UTF-8.
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd")
    valid = sum(1 for c in text if ord(c) >= 0x80 and c != "\ufffd")
    return valid >= broken > 0 or (valid > 0 and broken == 0)


def max_size_mb(max_mb: float | None = None) -> float:
    """The size limit in MB: ``max_mb`` if given, else ``COPYDESK_MAX_MB``, else the default.

    >>> max_size_mb(5)
    5.0
    """
    if max_mb is None:
        setting = os.environ.get(MAX_MB_ENV, "").strip()
        if not setting:
            return DEFAULT_MAX_MB
        try:
            max_mb = float(setting)
        except ValueError:
            max_mb = -1.0
        if not max_mb > 0:
            msg = f"{MAX_MB_ENV} must be a number of megabytes above 0, got {setting!r}"
            raise InputError(msg)
    return float(max_mb)


def check_size(size: int, name: str, max_mb: float | None = None, *, more: bool = False) -> None:
    """Refuse an article of ``size`` bytes (``more``: or more) over the size limit.

    >>> check_size(2_000_000, "a.txt", max_mb=5)  # within the limit: nothing to say
    """
    limit = max_size_mb(max_mb)
    if size > limit * _MB:
        size_text = f"{'more than ' if more else ''}{size / _MB:,.2f} MB"
        msg = (
            f"{name}: {size_text} is over the {limit:g} MB limit for one article; "
            f"raise it with --max-size or {MAX_MB_ENV}"
        )
        raise InputError(msg)


def read_limited(stream: BinaryIO, name: str, max_mb: float | None = None) -> bytes:
    """Read a stream to its end, refusing it as soon as it passes the size limit."""
    limit = int(max_size_mb(max_mb) * _MB)
    data = stream.read(limit + 1)
    check_size(len(data), name, max_mb, more=True)
    return data


def load_bytes(data: bytes, name: str = "<text>", *, max_mb: float | None = None) -> Document:
    """Decode an article's bytes (at most the size limit, see :func:`max_size_mb`).

    >>> load_bytes("Idleb’s\\r\\n".encode("utf-8")).text
    'Idleb’s\\r\\n'
    >>> load_bytes("Alep".encode("cp1252")).encoding
    'utf-8'
    """
    if not data:
        msg = f"{name}: the article is empty (0 bytes)"
        raise InputError(msg)
    check_size(len(data), name, max_mb)
    if data.startswith(codecs.BOM_UTF8):
        encoding, text = "utf-8-sig", data[len(codecs.BOM_UTF8) :].decode("utf-8", "strict")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            encoding, text = "utf-16", data.decode("utf-16")
        except UnicodeDecodeError as exc:
            msg = f"{name}: has a UTF-16 byte-order mark but is not valid UTF-16 ({exc.reason})"
            raise InputError(msg) from None
    else:
        if b"\x00" in data:
            msg = (
                f"{name}: looks like a binary file (NUL byte at byte {data.index(0)}); "
                "give copydesk a plain-text article"
            )
            raise InputError(msg)
        decoded = _decode_utf8_or_none(data, name)
        if decoded is not None:
            encoding, text = "utf-8", decoded
        else:
            encoding, text = _detect_legacy(data, name)
    _check_text(text, name)
    return Document(text=text, encoding=encoding, name=name)


def _detect_legacy(data: bytes, name: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        msg = f"{name}: cannot decode the bytes in any known encoding; re-save the article as UTF-8"
        raise InputError(msg)
    return best.encoding, str(best)


def load_path(path: str | os.PathLike[str], *, max_mb: float | None = None) -> Document:
    """Read and decode an article from a file, with errors that name the file.

    A file over the size limit is refused by its size, before it is read.
    """
    p = Path(path)
    name = str(path)
    if not p.exists():
        msg = f"{name}: no such file"
        raise InputError(msg)
    if p.is_dir():
        msg = f"{name}: is a directory, not an article file"
        raise InputError(msg)
    try:
        with p.open("rb") as stream:
            check_size(os.fstat(stream.fileno()).st_size, name, max_mb)
            data = read_limited(stream, name, max_mb)  # a pipe or a growing file has no size
    except OSError as exc:
        msg = f"{name}: cannot read the file ({exc.strerror})"
        raise InputError(msg) from None
    return load_bytes(data, name=name, max_mb=max_mb)
