"""Stage 1, *load*: bytes to text, or a clear error.

Contract: :func:`load_bytes` returns a :class:`Document` whose ``text`` is the decoded
article with every line ending and space kept as it was (files are never read in text
mode, so no newline translation happens). UTF-8 with or without BOM and UTF-16 with a
BOM are decoded directly; UTF-16 without a BOM (in an alphabetic script) is recognised by
its NUL bytes, all in the high half of each code unit, and a clean decode; anything else
goes through charset-normalizer, a maintained detector for legacy encodings such as
Windows-1252 and Windows-1256. Empty, binary or undecodable input raises
:class:`~copydesk.errors.InputError` naming the input.

:func:`load_path` reads regular files only: a FIFO, socket or device is refused before it
is opened (so nothing blocks), and every reason a file cannot be read (missing, a
directory, a symbolic-link loop, permission) is an ``InputError``. Names are shown with
undecodable bytes escaped (``bad\\xff.txt``), so reports and messages are always valid
UTF-8.

Size limit: one article may hold at most :data:`DEFAULT_MAX_MB` megabytes (1,000,000
bytes each; 20 MB of text stays well within it), or what ``COPYDESK_MAX_MB`` or the
``max_mb`` argument (the commands' ``--max-size``) says. A larger input is refused with
an :class:`~copydesk.errors.InputError` before it is decoded, and a file before it is
read (its size is checked first, and no more than the limit is ever read).
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
import unicodedata
from dataclasses import dataclass
from typing import BinaryIO

from copydesk.errors import InputError
from copydesk.limits import setting_from_env

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
    check_not_binary(text, name)


def check_not_binary(text: str, name: str, at: int = 0) -> None:
    """Refuse text holding a control character no article has (``at``: the offset of
    ``text`` in the article, for the message)."""
    bad = next((c for c in text if c in _BINARY_CONTROLS), None)
    if bad is not None:
        offset = at + text.index(bad)
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
        return setting_from_env(MAX_MB_ENV, float, DEFAULT_MAX_MB, "a number of megabytes")
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
        try:
            encoding, text = "utf-8-sig", data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError as exc:
            at = exc.start + len(codecs.BOM_UTF8)
            msg = (
                f"{name}: starts with a UTF-8 byte-order mark but is not valid UTF-8 at byte "
                f"{at} (0x{data[at]:02X}); re-save it as UTF-8"
            )
            raise InputError(msg) from None
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            encoding, text = "utf-16", data.decode("utf-16")
        except UnicodeDecodeError as exc:
            msg = f"{name}: has a UTF-16 byte-order mark but is not valid UTF-16 ({exc.reason})"
            raise InputError(msg) from None
    elif b"\x00" in data and (utf16 := _decode_bomless_utf16(data)) is not None:
        encoding, text = utf16
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


# Share of code units that must be ASCII (a NUL high byte: spaces, digits, line breaks) for
# BOM-less UTF-16; text in any alphabet has far more, random binary far fewer.
_UTF16_MIN_ASCII_SHARE = 0.05
# Text in an alphabet uses a few 256-character blocks (Basic Latin, Cyrillic or Arabic,
# General Punctuation): this many high bytes cover nearly all of its code units. 8-bit text
# with a stray NUL, read as UTF-16, gives as many high bytes as it has letters.
_UTF16_BLOCKS = 4
_UTF16_BLOCK_SHARE = 0.95
# Characters that never occur in text: unassigned, private use, lone surrogates.
_NOT_TEXT_CATEGORIES = frozenset({"Cn", "Co", "Cs"})


def _decode_bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """``(encoding, text)`` when ``data`` is UTF-16 without a byte-order mark, else None.

    In UTF-16 every ASCII character (spaces, line breaks, digits, Latin letters) has a
    NUL high byte, so the NULs of a UTF-16 text all sit at odd offsets (little-endian) or
    all at even ones (big-endian); binary data has NULs on both. The text must be in an
    alphabet (a few high bytes cover nearly every code unit: CJK text needs a BOM) and free
    of control, unassigned and private-use characters.
    """
    if len(data) % 2:
        return None
    even_nul = data[0::2].count(0)
    odd_nul = data[1::2].count(0)
    if even_nul and odd_nul:
        return None
    encoding = "utf-16-le" if odd_nul else "utf-16-be"
    units = len(data) // 2
    if max(even_nul, odd_nul) < _UTF16_MIN_ASCII_SHARE * units:
        return None
    high = data[1::2] if odd_nul else data[0::2]
    # bytes.count runs in C; an alphabet has few distinct high bytes, so this is quick.
    counts = sorted((high.count(value) for value in set(high)), reverse=True)
    if sum(counts[:_UTF16_BLOCKS]) < _UTF16_BLOCK_SHARE * units:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    for c in set(text):  # each distinct character once: linear, and cheap on long text
        if c in _BINARY_CONTROLS or c == "\x7f":
            return None
        if ord(c) > 0x7F and unicodedata.category(c) in _NOT_TEXT_CATEGORIES:
            return None
    return encoding, text


# Among legacy encodings that decode a file equally well, the most widely used wins: short
# French text decodes alike in Windows-1250, -1252 and -1257, and only -1252 is likely.
_PREFERRED_LEGACY = ("cp1252", "cp1256", "cp1251")


def _detect_legacy(data: bytes, name: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        msg = f"{name}: cannot decode the bytes in any known encoding; re-save the article as UTF-8"
        raise InputError(msg)
    tied = {
        m.encoding: m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)
    }
    chosen = next((tied[e] for e in _PREFERRED_LEGACY if e in tied), best)
    return chosen.encoding, str(chosen)


def display_name(path: str | bytes | os.PathLike[str] | os.PathLike[bytes]) -> str:
    """A path as printable text: bytes that are not UTF-8 are shown as ``\\xNN``.

    >>> display_name(b"bad\\xff.txt")
    'bad\\\\xff.txt'
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _open_error(name: str, exc: OSError) -> str:
    if exc.errno == errno.ENOENT:
        return f"{name}: no such file"
    if exc.errno == errno.ELOOP:
        return f"{name}: too many levels of symbolic links (a symbolic-link loop?)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"{name}: permission denied; copydesk cannot read the file"
    if exc.errno == errno.ENAMETOOLONG:
        return f"{name}: the file name is too long"
    return f"{name}: cannot read the file ({exc.strerror or exc})"


def _non_regular(name: str, mode: int, what: str) -> str | None:
    """Why a file of this mode cannot be read as ``what``; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return f"{name}: is a directory, not {what}"
    kind = (
        "a FIFO (named pipe)"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "not a regular file"
    )
    return f"{name}: is {kind}, not {what}; give copydesk a regular file"


def open_regular_file(
    path: str | os.PathLike[str],
    what: str = "an article file",
    error_type: type[Exception] = InputError,
) -> BinaryIO:
    """A regular file opened for reading in binary; anything else raises ``error_type``.

    The file is checked before it is opened, and opened without blocking, so a FIFO
    (or a file swapped for one in between) never hangs the run.
    """
    name = display_name(path)
    try:
        problem = _non_regular(name, os.stat(path).st_mode, what)
        if problem is None:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    except FileNotFoundError:
        broken = os.path.islink(path)
        problem = f"{name}: {'broken symbolic link' if broken else 'no such file'}"
    except OSError as exc:
        problem = _open_error(name, exc)
    if problem is not None:
        raise error_type(problem)
    handle = os.fdopen(fd, "rb")
    problem = _non_regular(name, os.fstat(handle.fileno()).st_mode, what)
    if problem is not None:
        handle.close()
        raise error_type(problem)
    return handle


def read_regular_file(
    path: str | os.PathLike[str],
    what: str = "an article file",
    error_type: type[Exception] = InputError,
    *,
    limit_name: str | None = None,
    max_mb: float | None = None,
) -> bytes:
    """The bytes of a regular file (:func:`open_regular_file`); anything else raises
    ``error_type`` naming it.

    With ``limit_name`` (an article's name) the article size limit applies: a larger file is
    refused by its size before it is read, and no more than the limit is ever read (a file
    may grow meanwhile).
    """
    with open_regular_file(path, what, error_type) as handle:
        try:
            if limit_name is None:
                return handle.read()
            check_size(os.fstat(handle.fileno()).st_size, limit_name, max_mb)
            return read_limited(handle, limit_name, max_mb)
        except OSError as exc:
            problem = _open_error(display_name(path), exc)
    raise error_type(problem)


def load_path(path: str | os.PathLike[str], *, max_mb: float | None = None) -> Document:
    """Read and decode an article from a regular file, with errors that name the file.

    A file over the size limit is refused by its size, before it is read.
    """
    name = display_name(path)
    data = read_regular_file(path, limit_name=name, max_mb=max_mb)
    return load_bytes(data, name=name, max_mb=max_mb)
