"""Loaded data kept on disk between processes, keyed by the content it was built from.

Contract: :func:`cached` returns ``build()``'s value, read back from the cache folder when a
value built from the same content was stored there before. The key covers the content given
by the caller (a data file's name and bytes), the kind and identity of the value (a loader
and the path it was asked for), copydesk's version, the Python version, and the name, size
and modification time of every module of the installed library (an edited source tree
never reads values its older code built). Only a value that built without an error is
stored, so every data error is raised by the loader itself, exactly as without a cache.

- Folder: ``$COPYDESK_CACHE_DIR``, else ``$XDG_CACHE_HOME/copydesk``, else
  ``~/.cache/copydesk``; ``COPYDESK_CACHE_DIR=off`` turns the cache off.
- Trust: values are pickles, so the folder and each file must be owned by the current user
  and writable by no one else (the folder not a symbolic link); otherwise the cache is not
  read or written and every value is built.
- Writes are atomic (a temporary file in the same folder, then :func:`os.replace`), so two
  processes building one value at once leave one complete file; an unreadable or corrupt
  file is built again and replaced. A value's older files (same kind and identity, other
  content), and temporary files over an hour old, are removed when a new one is stored.
- The cache never makes a run fail: any problem reading or writing it only costs the build.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import stat
import sys
import time
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import TypeVar

from copydesk._version import __version__

__all__ = ["CACHE_DIR_ENV", "CACHE_OFF", "cache_dir", "cached", "usable_cache_dir"]

#: The environment variable naming the cache folder, and its value that turns the cache off.
CACHE_DIR_ENV = "COPYDESK_CACHE_DIR"
CACHE_OFF = "off"
# Bumped when the layout of the cache files changes.
_FORMAT = b"copydesk-cache-1"
_SUFFIX = ".pickle"
_LEFTOVER_SECONDS = 3600

T = TypeVar("T")


def cache_dir() -> Path | None:
    """The cache folder this process would use (None: the cache is off)."""
    given = os.environ.get(CACHE_DIR_ENV)
    if given is not None and given.strip().lower() == CACHE_OFF:
        return None
    if given:
        return Path(given).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "copydesk"


def _owned_and_private(st: os.stat_result) -> bool:
    # Not writable by group or others: nobody else can plant a pickle or swap a file.
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def usable_cache_dir() -> Path | None:
    """The cache folder, created if needed, when it is on and can be trusted; else None."""
    folder = cache_dir()
    if folder is None or not hasattr(os, "getuid"):
        return None
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = folder.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or not _owned_and_private(st):
        return None
    return folder


@cache
def _code_stamp() -> bytes:
    """Name, size and modification time of every module of copydesk, once per process."""
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        st = path.stat()
        name = path.relative_to(package).as_posix()
        digest.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return digest.digest()


def _key(kind: str, identity: str, content: Iterable[bytes]) -> tuple[str, str]:
    """The file-name stem of a value's slot (kind and identity) and its full key."""
    slot = hashlib.sha256(f"{kind}\0{identity}".encode()).hexdigest()[:16]
    digest = hashlib.sha256(_FORMAT + b"\0" + __version__.encode() + b"\0")
    digest.update(f"{sys.implementation.cache_tag}\0{sys.version}\0".encode())
    digest.update(_code_stamp() + b"\0" + slot.encode() + b"\0")
    for part in content:
        digest.update(len(part).to_bytes(8, "big") + part)
    return f"{kind}-{slot}", digest.hexdigest()[:32]


def _read(path: Path, expected: type[T]) -> T | None:
    """The value stored in ``path``, or None when it is absent, untrusted or unreadable."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode) or not _owned_and_private(st):
                return None
            # Safe to unpickle: only this user can have written the file.
            value = pickle.load(fh)
    except Exception:  # a corrupt file of any kind is built again
        return None
    return value if isinstance(value, expected) else None


def _write(folder: Path, stem: str, key: str, value: object) -> None:
    """Store ``value`` atomically as ``stem-key``; drop the slot's older files."""
    import tempfile  # only to write: a warm run reads

    target = folder / f"{stem}-{key}{_SUFFIX}"
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{stem}-", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target)
    except Exception:  # an unpicklable value or a full disk only costs the build
        Path(temporary).unlink(missing_ok=True)
        return
    for older in folder.glob(f"{stem}-*{_SUFFIX}"):
        if older != target:
            older.unlink(missing_ok=True)
    # A writer killed mid-write leaves its temporary file; a live writer's is seconds old.
    for leftover in folder.glob(f".{stem}-*.tmp"):
        with contextlib.suppress(OSError):
            if time.time() - leftover.stat().st_mtime > _LEFTOVER_SECONDS:
                leftover.unlink()


def cached(
    kind: str, identity: str, content: Iterable[bytes], expected: type[T], build: Callable[[], T]
) -> T:
    """``build()``, or the equal value stored when it was last built from the same content.

    ``kind`` names the loader (``glossary``), ``identity`` what it was asked to load (a
    folder as given: loaded values record their paths), ``content`` the bytes the value is
    built from. A value read back that is not an ``expected`` is built again. A build that
    raises stores nothing.
    """
    folder = usable_cache_dir()
    if folder is None:
        return build()
    stem, key = _key(kind, identity, content)
    stored = _read(folder / f"{stem}-{key}{_SUFFIX}", expected)
    if stored is not None:
        return stored
    value = build()
    _write(folder, stem, key, value)
    return value
