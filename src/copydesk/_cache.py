"""Loaded data kept while its files are unchanged: one bounded cache and one file stamp.

Contract: :func:`file_stamp` changes whenever a file of the folder is added, removed,
rewritten or touched, so a cache keyed on it serves a long-running scheduled process the
maintainer's latest edit on its next run. :class:`BoundedCache` builds a value once per key
and forgets its oldest entry once it holds ``size`` of them, so memory stays bounded
however many glossaries, rule packs or languages a process meets.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Generic, TypeVar

__all__ = ["BoundedCache", "FileStamp", "file_stamp"]

#: Name, modification time (ns) and size of each file of a folder, in name order.
FileStamp = tuple[tuple[str, int, int], ...]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def file_stamp(folder: Path, pattern: str = "*.yaml") -> FileStamp:
    """Name, modification time and size of each file matching ``pattern`` (``()``: no folder).

    >>> file_stamp(Path("/nonexistent"))
    ()
    """
    if not folder.is_dir():
        return ()
    return tuple(
        (p.name, st.st_mtime_ns, st.st_size)
        for p in sorted(folder.glob(pattern))
        for st in (p.stat(),)
    )


class BoundedCache(Generic[K, V]):
    """Values built once per key, at most ``size`` of them (the oldest goes first).

    >>> cache: BoundedCache[str, int] = BoundedCache(2)
    >>> [cache.get(k, lambda: len(k)) for k in ("a", "bb", "a", "ccc")]
    [1, 2, 1, 3]
    >>> len(cache)
    2
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._values: dict[K, V] = {}

    def get(self, key: K, build: Callable[[], V]) -> V:
        """The value for ``key``, built by ``build()`` the first time it is asked for."""
        if key in self._values:
            return self._values[key]
        value = build()  # a build that raises caches nothing
        if len(self._values) >= self._size:
            del self._values[next(iter(self._values))]
        self._values[key] = value
        return value

    def __len__(self) -> int:
        return len(self._values)
