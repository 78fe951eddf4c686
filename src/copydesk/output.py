"""Writing a result's files atomically: all of an article's outputs, or none.

Contract:

* :func:`write_outputs` writes ``NAME.clean.txt``, ``NAME.report.md``, ``NAME.report.json``
  and ``NAME.report.html`` into a folder as one set (:func:`write_files_atomically`): every
  file is first written to a temporary file in the same folder and flushed to disk; only
  then are the existing files linked to backups and the temporaries renamed over them. If
  any step fails, the files already replaced are restored from their backups (or removed
  when they did not exist), so the set is replaced as a whole or not at all. A reader never
  sees a half-written file. A process killed between two renames can leave a mixed set:
  the inbox flow detects it by the SHA-256 of each output it records.
* Temporary files and backups are named ``.cdtmp-XXXXXXXX.tmp`` (short, so that long
  article names still fit) and held under an exclusive ``flock`` while they exist;
  :func:`sweep_temp_files` removes only those no live writer holds, so two runs writing into
  one folder never delete each other's temporaries, and whatever a killed run left behind
  goes at the next start.
* New files get the mode ``0o666`` less the umask, like any file the user creates; a file
  replaced keeps its mode.
* :func:`output_paths` keeps every output name within the file system's ``NAME_MAX``: a stem
  too long for ``STEM.report.html`` is cut at a character boundary and given a short hash of
  the whole stem (:func:`fit_name`), so names up to the file system's limit work and two long
  stems never share outputs.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from copydesk.load import display_name
from copydesk.model import Result
from copydesk.report import iter_json, joined_batches, render_markdown
from copydesk.report_html import render_html

if TYPE_CHECKING:
    from copydesk.blocks import BlockRun

try:  # POSIX; elsewhere temporaries are swept by age only
    import fcntl
except ImportError:  # pragma: no cover - not on Linux
    fcntl = None  # type: ignore[assignment]

OUTPUT_SUFFIXES = (".clean.txt", ".report.md", ".report.json", ".report.html")

#: Temporary files and backups: ``.cdtmp-`` + 8 random characters + ``.tmp``.
TEMP_PREFIX = ".cdtmp-"
TEMP_SUFFIX = ".tmp"
TEMP_GLOB = f"{TEMP_PREFIX}*{TEMP_SUFFIX}"

#: Where a writer cannot lock (no ``fcntl``), a temporary file this old is stale.
UNLOCKED_TEMP_AGE = 600.0

_HASH_LENGTH = 8
_DEFAULT_NAME_MAX = 255


def atomic_write_text(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` via a temporary file and a rename."""
    write_files_atomically({path: text})


def new_file_mode() -> int:
    """``0o666`` less the process's umask: the mode ``open()`` would give a new file."""
    with contextlib.suppress(OSError, ValueError):
        # Linux 4.7+: read the umask without changing it (os.umask is not thread-safe).
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _lock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)


@dataclass
class _Transaction:
    """The temporaries and backups of one set of files, each held open and locked."""

    durable: bool = True  # each file flushed to disk before the renames
    held: list[int] = field(default_factory=list)
    staged: list[tuple[Path, Path]] = field(default_factory=list)  # (temporary, final)
    backups: dict[Path, Path] = field(default_factory=dict)  # final -> backup
    replaced: list[Path] = field(default_factory=list)
    new_mode: int | None = None  # new_file_mode(), read once per set

    def mode_for(self, path: Path) -> int:
        """The mode of ``path``'s temporary: the mode of the file it replaces, else a new
        file's."""
        try:
            return os.stat(path).st_mode & 0o7777
        except FileNotFoundError:
            if self.new_mode is None:
                self.new_mode = new_file_mode()
            return self.new_mode

    def new_temp(self, folder: Path) -> tuple[int, Path]:
        """A new locked temporary file in ``folder``; retried if a sweep took it first."""
        while True:
            fd, name = tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
            _lock(fd)
            with contextlib.suppress(FileNotFoundError):
                if os.stat(name).st_ino == os.fstat(fd).st_ino:
                    self.held.append(fd)
                    return fd, Path(name)
            os.close(fd)  # swept between its creation and the lock: take another

    def stage(self, path: Path, pieces: Iterable[bytes]) -> str:
        """Write ``pieces`` to a new temporary for ``path``; returns their SHA-256."""
        fd, tmp = self.new_temp(path.parent)
        self.staged.append((tmp, path))
        os.fchmod(fd, self.mode_for(path))
        digest = hashlib.sha256()
        for data in pieces:
            digest.update(data)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        if self.durable:
            os.fsync(fd)
        return digest.hexdigest()

    def back_up(self, path: Path) -> None:
        """Keep the existing ``path`` under a locked backup name (nothing if it is absent)."""
        with contextlib.suppress(FileNotFoundError):
            if stat.S_ISDIR(os.lstat(path).st_mode):
                raise IsADirectoryError(errno.EISDIR, "a folder is in the way", str(path))
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except FileNotFoundError:
            return
        except OSError:
            fd = -1  # a symbolic link or the like: linked below, but not lockable
        if fd >= 0:
            self.held.append(fd)
            # The old file's inode, hence its backup name, is then held against a sweep.
            # Never waited for: another writer of the same file would hold it only briefly.
            with contextlib.suppress(OSError):
                if fcntl is not None:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        while True:
            backup = path.parent / f"{TEMP_PREFIX}{secrets.token_hex(4)}{TEMP_SUFFIX}"
            try:
                os.link(path, backup, follow_symlinks=False)
            except FileExistsError:
                continue
            except OSError:
                os.replace(path, backup)  # no hard links here: move the file aside
            break
        self.backups[path] = backup

    def commit(self) -> None:
        for _tmp, path in self.staged:
            self.back_up(path)
        for tmp, path in self.staged:
            os.replace(tmp, path)
            self.replaced.append(path)
        for folder in {path.parent for _tmp, path in self.staged} if self.durable else ():
            fsync_folder(folder)

    def roll_back(self) -> None:
        for path in reversed(self.replaced):
            with contextlib.suppress(OSError):
                if path in self.backups:
                    os.replace(self.backups.pop(path), path)
                else:
                    os.unlink(path)
        for path, backup in self.backups.items():
            if not path.exists():  # moved aside (no hard links) and not yet replaced
                with contextlib.suppress(OSError):
                    os.replace(backup, path)

    def close(self) -> None:
        renamed = set(self.replaced)  # their temporaries are gone already
        for tmp, path in self.staged:
            if path in renamed:
                continue
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        for backup in self.backups.values():
            with contextlib.suppress(OSError):
                os.unlink(backup)
        for fd in self.held:
            with contextlib.suppress(OSError):
                os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Flush ``folder``'s entries (new and renamed names) to disk, where it can."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


#: What a file of a set may be given as: its text or bytes, or a function that renders it
#: (as one string or in pieces) only when its turn comes, so that a set of large reports is
#: never held in memory at once.
Content = str | bytes | Callable[[], str | Iterable[str]]


#: Characters gathered before a write: a report rendered in many pieces takes a few writes.
_WRITE_CHUNK = 1 << 16


def _pieces(content: Content) -> Iterator[bytes]:
    # The article's own line endings are kept byte for byte: no newline translation.
    rendered = content() if callable(content) else content
    if isinstance(rendered, bytes):
        yield rendered
    elif isinstance(rendered, str):
        yield rendered.encode("utf-8")
    else:
        for text in joined_batches(rendered, _WRITE_CHUNK):
            yield text.encode("utf-8")


def write_files_atomically(
    files: Mapping[Path, Content], *, durable: bool = True
) -> dict[Path, str]:
    """Write several files as one set: all replaced, or none; returns each file's SHA-256.

    Each file is rendered (when given as a function) and written to its temporary in turn.
    Raises the first error (``OSError``, ``UnicodeEncodeError``, ...) after rolling back.
    ``durable=False`` leaves out the ``fsync`` of each file and folder (about 3 ms each on
    ext4): readers still see the whole set or none, and a caller writing many sets makes
    them durable at once (:func:`copydesk.batch.process.sync_file_system`).
    """
    transaction = _Transaction(durable=durable)
    hashes: dict[Path, str] = {}
    made: set[Path] = set()  # one mkdir per folder, not per file
    try:
        for path, content in files.items():
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            hashes[path] = transaction.stage(path, _pieces(content))
        try:
            transaction.commit()
        except BaseException:
            transaction.roll_back()
            raise
    finally:
        transaction.close()
    return hashes


def _name_max(folder: Path) -> int:
    """The longest file name (in bytes) the file system under ``folder`` accepts."""
    for candidate in (folder, *folder.parents):
        with contextlib.suppress(OSError, ValueError):
            if candidate.is_dir():
                return int(os.pathconf(candidate, "PC_NAME_MAX"))
    return _DEFAULT_NAME_MAX


def fit_name(folder: Path, stem: str, suffix: str) -> str:
    """``stem + suffix``, with ``stem`` shortened and hashed if the name exceeds NAME_MAX.

    Deterministic, and distinct for distinct long stems (the hash is of the whole stem).

    >>> fit_name(Path("."), "sochi-summit", ".report.html")
    'sochi-summit.report.html'
    >>> len(fit_name(Path("."), "é" * 200, ".report.html").encode()) <= 255
    True
    """
    limit = _name_max(folder)
    raw = os.fsencode(stem)
    if len(raw) + len(os.fsencode(suffix)) <= limit:
        return stem + suffix
    digest = hashlib.sha256(raw).hexdigest()[:_HASH_LENGTH]
    room = max(0, limit - len(os.fsencode(suffix)) - len(digest) - 1)
    # Cut at a character boundary: drop partial UTF-8 sequences at the end.
    short = os.fsdecode(raw[:room].decode("utf-8", "ignore").encode("utf-8"))
    return f"{short}-{digest}{suffix}"


def output_paths(out_dir: Path, stem: str) -> dict[str, Path]:
    """The output files of one article, by suffix; every name fits the file system.

    All four are shortened alike when the longest does not fit, so they stay one set.
    """
    longest = max(OUTPUT_SUFFIXES, key=lambda s: len(s.encode()))
    fitted = fit_name(out_dir, stem, longest).removesuffix(longest)
    return {suffix: out_dir / f"{fitted}{suffix}" for suffix in OUTPUT_SUFFIXES}


def write_output_set(
    result: Result, out_dir: Path, stem: str, *, durable: bool = True
) -> dict[Path, str]:
    """Write every output of one article as one set; returns their paths and SHA-256s.

    ``durable=False``: see :func:`write_files_atomically`."""
    paths = output_paths(out_dir, stem)
    # One report rendered at a time: a set of large reports is never held at once.
    contents: dict[Path, Content] = {
        paths[".clean.txt"]: result.cleaned,
        paths[".report.md"]: lambda: render_markdown(result),
        paths[".report.json"]: lambda: iter_json(result),
        paths[".report.html"]: lambda: render_html(result),
    }
    return write_files_atomically(contents, durable=durable)


def write_block_outputs(run: BlockRun, out_dir: Path, stem: str) -> list[Path]:
    """Write the outputs of an article cleaned in blocks (with its Markdown report's parts)
    as one set: the cleaned text, the Markdown and the JSON report, streamed from the spooled
    texts (the HTML report needs the whole text; one of an earlier run is removed, so that
    none is stale)."""
    paths = output_paths(out_dir, stem)
    contents: dict[Path, Content] = {
        paths[".clean.txt"]: run.cleaned_pieces,
        paths[".report.md"]: run.markdown_report,
        paths[".report.json"]: lambda: iter_json(run.result, run.texts()),
    }
    written = list(write_files_atomically(contents))
    with contextlib.suppress(FileNotFoundError):
        paths[".report.html"].unlink()
    return written


def write_outputs(result: Result, out_dir: Path, stem: str) -> list[Path]:
    """Write every output of one article as one set; returns their paths."""
    return list(write_output_set(result, out_dir, stem))


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a file's bytes, or None when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def sweep_temp_files(folder: Path) -> list[str]:
    """Remove the temporary files and backups that no live writer holds; returns their names.

    A writer holds an exclusive ``flock`` on each of its temporaries until it is done, and
    the kernel drops the lock when the writer dies (even by SIGKILL): a temporary that can be
    locked here is left over. Without ``flock``, only those older than
    :data:`UNLOCKED_TEMP_AGE` seconds go. Only names of :data:`TEMP_GLOB` are touched.
    """
    removed: list[str] = []
    if not folder.is_dir():
        return removed
    for tmp in folder.glob(TEMP_GLOB):
        with contextlib.suppress(OSError):
            if _is_stale(tmp):
                tmp.unlink()
                removed.append(tmp.name)
    return removed


def _is_stale(tmp: Path) -> bool:
    if fcntl is None:
        return time.time() - tmp.lstat().st_mtime > UNLOCKED_TEMP_AGE
    fd = os.open(tmp, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # the lock goes with the descriptor; unlink follows at once
    return True


def article_stem(path: str | os.PathLike[str]) -> str:
    """``inbox/sochi-summit.txt`` -> ``sochi-summit``.

    >>> article_stem("inbox/sochi-summit.txt")
    'sochi-summit'
    """
    name = Path(path).name
    return name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name


def failure_reason(exc: BaseException) -> str:
    """A one-line, printable reason for a failure: copydesk's own message as it stands,
    anything else (``OSError``, ``MemoryError``, ...) prefixed with its type.

    >>> failure_reason(MemoryError())
    'MemoryError'
    >>> failure_reason(OSError(36, "File name too long"))
    '[Errno 36] File name too long (OSError)'
    """
    from copydesk.errors import CopydeskError

    text = str(exc)
    if not isinstance(exc, CopydeskError):
        text = f"{text} ({type(exc).__name__})" if text else type(exc).__name__
    return display_name(" ".join(text.split()))


def output_stem(article_id: str, path: str | None = None) -> str:
    """The file stem of an article's outputs: the file's stem, or the id made file-safe.

    An id that is not file-safe as it stands gets a short hash of the exact id, so that
    ids that make the same slug ("Wire 7", "wire/7") never share files.

    >>> output_stem("x", "inbox/sochi-summit.txt")
    'sochi-summit'
    >>> output_stem("sochi-summit")
    'sochi-summit'
    >>> output_stem("wire/2024 05/Sochi summit")
    'wire-2024-05-Sochi-summit-4b1bde40'
    """
    if path is not None:
        return article_stem(path)
    slug = re.sub(r"[^\w.-]+", "-", article_id).strip(".-") or "article"
    if slug == article_id:
        return slug
    return f"{slug}-{hashlib.sha256(article_id.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


def article_id_of(path: str | None, article_id: str | None) -> str:
    """The id of an article: as given, else its file's stem, else ``article``.

    >>> article_id_of("inbox/sochi-summit.txt", None), article_id_of(None, None)
    ('sochi-summit', 'article')
    """
    return article_id or (article_stem(path) if path else "article")
