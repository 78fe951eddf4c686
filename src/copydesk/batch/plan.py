"""Planning a batch: which files of an inbox to clean, which are done, which to leave.

Contract:

* ``pattern`` is a file-name pattern inside the inbox (:func:`check_pattern`): one with a
  folder separator or ``..`` is refused. Hidden files are never candidates, and a symbolic
  link to outside the inbox is not followed (it is refused, with the reason).
* Files whose stems clash (``a.txt`` and ``a.md`` would share ``a.*``) are both refused
  with the reason, never overwritten one by the other. So is a file whose stem's outputs
  in a shared outbox were cleaned from another inbox that still exists
  (:func:`~copydesk.batch.manifest.other_inbox`: two inboxes in one folder share the
  default outbox); the manifest records each article's inbox (:func:`article_inbox`).
* An article is done, and skipped, when its bytes and the settings key match its manifest
  record and every output has the SHA-256 recorded for it (a damaged output is rebuilt).
  A file that changes while it is hashed, that cannot be read, or that is over the size
  limit is planned anyway: cleaning then leaves it for the next run, or quarantines it.
* The outbox and the quarantine must be outside the inbox and apart
  (:func:`check_folders`); :func:`inbox_siblings` gives their defaults beside the inbox.
  :func:`absolute_folders` resolves all three before anything is planned, so that workers
  started elsewhere (Dask, a work pool) see the same files.
* An article that disappears between planning and cleaning is "vanished": counted, and
  named (:func:`vanished_names`); a run whose every planned article vanished failed
  (:func:`check_not_all_vanished` raises :class:`BatchError`), since it usually means the
  workers do not see the inbox at the path given.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from copydesk.batch.manifest import (
    Manifest,
    article_hash,
    is_done,
    other_inbox,
    shared_stem_reason,
)
from copydesk.batch.model import Outcome, Plan, Planned
from copydesk.errors import CopydeskError, InputError
from copydesk.load import display_name, max_size_mb
from copydesk.output import article_stem

T = TypeVar("T")

__all__ = [
    "BatchError",
    "absolute_folders",
    "article_inbox",
    "check_folders",
    "check_not_all_vanished",
    "check_pattern",
    "chunked",
    "file_stamp",
    "inbox_siblings",
    "inbox_sources",
    "plan_articles",
    "tapered",
    "vanished_names",
]


class BatchError(CopydeskError):
    """A batch run that did nothing it planned (every planned article vanished)."""


def check_pattern(pattern: str) -> None:
    """Refuse a pattern that could reach outside the inbox (a separator or ``..``)."""
    seps = {"/", os.sep, *([os.altsep] if os.altsep else [])}
    if not pattern or any(sep in pattern for sep in seps) or ".." in pattern:
        msg = (
            f"--pattern {pattern!r}: a file-name pattern inside the inbox, such as '*.txt' "
            "(no folder separator, no '..')"
        )
        raise InputError(msg)


def check_folders(inbox: Path, outbox: Path, quarantine: Path) -> None:
    """Refuse an outbox or quarantine that is the inbox or inside it, or that coincide."""
    inbox_r, outbox_r, quarantine_r = (p.resolve() for p in (inbox, outbox, quarantine))
    for label, folder in (("outbox", outbox_r), ("quarantine", quarantine_r)):
        if folder == inbox_r or folder.is_relative_to(inbox_r):
            msg = (
                f"the {label} {display_name(str(folder))} is the inbox or inside it; "
                f"give a folder outside {display_name(str(inbox_r))}"
            )
            raise InputError(msg)
    if outbox_r == quarantine_r:
        msg = f"the outbox and the quarantine are one folder ({display_name(str(outbox_r))})"
        raise InputError(msg)


def inbox_siblings(inbox: str, outbox: str | None, quarantine: str | None) -> tuple[str, str]:
    """The outbox and the quarantine: as given, or folders named so beside the inbox."""
    parent = Path(inbox).resolve().parent
    return outbox or str(parent / "outbox"), quarantine or str(parent / "quarantine")


def absolute_folders(
    inbox: str, outbox: str | None, quarantine: str | None
) -> tuple[str, str, str]:
    """The inbox, outbox and quarantine as absolute paths (defaults beside the inbox).

    >>> absolute_folders("/srv/in", None, "/srv/q")
    ('/srv/in', '/srv/outbox', '/srv/q')
    """
    out, quar = inbox_siblings(inbox, outbox, quarantine)
    return str(Path(inbox).resolve()), str(Path(out).resolve()), str(Path(quar).resolve())


def inbox_sources(inbox: str, given: str | os.PathLike[str] | None) -> Path | None:
    """The folder of the inbox's source texts, absolute: the given one, else ``sources``
    beside the inbox when it exists, else None (articles are cleaned without sources).

    >>> inbox_sources("/srv/in", "/srv/wire").as_posix(), inbox_sources("/nowhere/in", None)
    ('/srv/wire', None)
    """
    if given is not None:
        return Path(given).resolve()
    beside = Path(inbox).resolve().parent / "sources"
    return beside if beside.is_dir() else None


def vanished_names(outcomes: Sequence[Outcome]) -> list[str]:
    """The articles that vanished between planning and cleaning, by name."""
    return sorted(o.name for o in outcomes if o.status == "vanished")


def check_not_all_vanished(inbox: str, planned: int, outcomes: Sequence[Outcome]) -> None:
    """Raise :class:`BatchError` when articles were planned and every one vanished."""
    gone = vanished_names(outcomes)
    if planned and len(gone) == planned:
        msg = (
            f"all {planned} article(s) planned in {display_name(inbox)} vanished before they "
            "could be cleaned; do the workers see the inbox at this path?"
        )
        raise BatchError(msg)


def file_stamp(path: Path) -> tuple[int, int] | None:
    """(size, mtime in ns) of ``path``, or None when it is gone."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_size, st.st_mtime_ns


def _inbox_candidates(inbox: Path, pattern: str) -> tuple[list[Path], list[Outcome]]:
    """The regular files matching ``pattern`` inside the inbox, and the links refused."""
    root = inbox.resolve()
    files: list[Path] = []
    refused: list[Outcome] = []
    for path in sorted(inbox.glob(pattern)):
        if path.name.startswith("."):
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            reason = "a symbolic link to outside the inbox; not followed"
            refused.append(Outcome(display_name(path.name), "refused", reason=reason))
            continue
        if path.is_file():  # a regular file, or a link to one inside the inbox
            files.append(path)
    return files, refused


def _refuse_clashes(files: list[Path]) -> tuple[list[Path], list[Outcome]]:
    """Files whose stems are unique; files that would share outputs are refused."""
    by_stem: dict[str, list[Path]] = {}
    for path in files:
        by_stem.setdefault(article_stem(path.name), []).append(path)
    unique: list[Path] = []
    refused: list[Outcome] = []
    for stem, paths in by_stem.items():
        if len(paths) == 1:
            unique.append(paths[0])
            continue
        names = " and ".join(display_name(p.name) for p in paths)
        reason = f"{names} would share the outputs {display_name(stem)}.*; rename one"
        refused += [
            Outcome(display_name(p.name), "refused", stem=stem, reason=reason) for p in paths
        ]
    return unique, refused


def plan_articles(
    inbox: Path,
    pattern: str,
    outbox: Path,
    manifest: Manifest,
    key: str,
    source_dir: Path | None = None,
) -> Plan:
    """Split the inbox's articles into to clean, skipped as done, and refused.

    An article is done when its bytes (and its source's in ``source_dir``, when it has one:
    :func:`~copydesk.batch.manifest.article_hash`) and the settings key match its manifest
    record and
    every output has the SHA-256 recorded for it (a damaged output is rebuilt). A file that
    changes while it is hashed, or that cannot be read, is planned anyway: cleaning then
    leaves it for the next run, or quarantines it with the reason.
    """
    check_pattern(pattern)
    files, refused = _inbox_candidates(inbox, pattern)
    files, clashes = _refuse_clashes(files)
    todo: list[Planned] = []
    skipped: list[str] = []
    for path in sorted(files):
        before = file_stamp(path)
        if before is None:
            continue  # vanished
        stem = article_stem(path.name)
        record = manifest.get(stem)
        if (other := other_inbox(record, article_inbox(path))) is not None:
            reason = shared_stem_reason(display_name(path.name), stem, other)
            clashes.append(Outcome(display_name(path.name), "refused", stem=stem, reason=reason))
            continue
        planned = Planned(str(path), *before)
        if planned.size > max_size_mb() * 1_000_000:
            todo.append(planned)  # not read whole to hash it: cleaning refuses it by its size
            continue
        try:
            digest = article_hash(path.read_bytes(), path.name, source_dir)
        except OSError:
            todo.append(planned)
            continue
        done = file_stamp(path) == before and is_done(record, key, digest, outbox, stem)
        if done:
            skipped.append(display_name(path.name))
        else:
            todo.append(planned)
    return Plan(todo, skipped, refused + clashes)


def article_inbox(path: str | os.PathLike[str]) -> Path:
    """The absolute folder of an inbox file, as the manifest records it."""
    return Path(os.path.abspath(path)).parent


def chunked(items: Sequence[T], size: int) -> list[list[T]]:
    """``items`` in consecutive chunks of ``size`` (at least 1) for one task each.

    >>> chunked([1, 2, 3], 2)
    [[1, 2], [3]]
    """
    return [list(items[i : i + size]) for i in range(0, len(items), max(1, size))]


def tapered(items: Sequence[T], size: int) -> list[list[T]]:
    """:func:`chunked`, but the last chunk's items in chunks that halve (13, 6, 3, 2, 1).

    A run publishes a chunk's reports while the next chunk is cleaned; only the last
    chunk's are left to publish once cleaning ends, so the last chunk is kept small.

    >>> [len(c) for c in tapered(range(1000), 25)][-6:]
    [25, 13, 6, 3, 2, 1]
    >>> [len(c) for c in tapered(range(21), 5)], [len(c) for c in tapered(range(3), 25)]
    ([5, 5, 5, 5, 1], [3])
    """
    size = max(1, size)
    if len(items) <= size:  # one chunk: nothing is published while it is cleaned
        return chunked(items, size)
    whole = size * ((len(items) - 1) // size)  # the items before the last chunk
    chunks, tail = chunked(items[:whole], size), items[whole:]
    while tail:
        half = (len(tail) + 1) // 2
        chunks.append(list(tail[:half]))
        tail = tail[half:]
    return chunks
