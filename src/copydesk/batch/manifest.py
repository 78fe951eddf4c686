"""The outbox's manifest: what was cleaned, from which bytes, with which settings.

Contract: ``OUTBOX/.copydesk-manifest.json`` (:data:`MANIFEST_NAME`) holds
``{"version": 2, "articles": {STEM: record}}``; a record keeps the SHA-256 of the bytes
cleaned (:func:`content_hash`), the settings key (``Settings.key()``), the printable source
name, the SHA-256 of each output by file name and the absolute inbox folder the article
came from. Records added since are appended to the journal ``OUTBOX/.copydesk-manifest.log``
(:data:`JOURNAL_NAME`, one ``{"stem": STEM, "record": record}`` per line, a later line
overriding an earlier one), so that recording a chunk costs the chunk, not the whole
outbox (rewriting a manifest of 10,000 records took 0.18 s a chunk); once the journal
outgrows the manifest it is folded into it (:func:`write_manifest_file`). Reading never
fails a run: a missing, unreadable or other-version manifest reads as empty, and a record
or journal line that is not a mapping of those fields is dropped (its article is cleaned
again). Writing the manifest is atomic (:func:`copydesk.output.write_files_atomically`);
a journal line is appended whole and flushed to disk, and a line cut short by a crash is
never read as a record. :func:`prepare_outbox` sweeps the temporary files a killed run left
before the manifest is read.

Concurrent runs into one outbox (two inboxes in one folder share the default sibling
outbox; two runs of one inbox may overlap) lose no record and clean no article twice:

* :func:`record_outcomes` appends a chunk's records to the journal, and folds the journal
  into the manifest, under an exclusive ``flock`` on the outbox folder itself (no lock
  file), so a run never writes back a stale copy over another run's records.
* :func:`claim_articles` holds an exclusive ``flock`` on each article's own inbox file
  while it is cleaned and recorded; an article another run holds is waited for only after
  the chunk's own claims are released (one at a time, so no two runs can wait on each
  other), and every claimed article is checked against the manifest as it is on disk
  then (:class:`ManifestView`): one that another run cleaned meanwhile is not cleaned again.

* Two inboxes' articles that share a stem never share its outputs: the stem belongs to the
  inbox that recorded it while that inbox exists (:func:`other_inbox`); the other's article
  is left in its inbox with the reason, at planning and again when claimed. Two runs that
  clean such a pair for the first time at the same moment end with the outputs and record
  of one of them, consistent; the other article is left in place at its next run.

The kernel drops every lock when its holder dies, even by SIGKILL.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from copydesk.batch.model import Outcome
from copydesk.load import display_name
from copydesk.output import (
    file_sha256,
    fsync_folder,
    output_paths,
    sweep_temp_files,
    write_files_atomically,
)

__all__ = [
    "JOURNAL_NAME",
    "MANIFEST_NAME",
    "MANIFEST_VERSION",
    "ManifestView",
    "claim_article",
    "content_hash",
    "is_done",
    "manifest_record",
    "other_inbox",
    "outbox_lock",
    "outputs_intact",
    "prepare_outbox",
    "read_manifest_file",
    "record_cleaned",
    "record_outcomes",
    "shared_stem_reason",
    "write_manifest_file",
]

MANIFEST_NAME = ".copydesk-manifest.json"
MANIFEST_VERSION = 2
JOURNAL_NAME = ".copydesk-manifest.log"

#: The journal is folded into the manifest once it is larger than the manifest and than
#: this: the rewrites then cost a constant per record, whatever the outbox holds.
JOURNAL_FOLD_BYTES = 1 << 20

#: A manifest's records by article stem.
Manifest = dict[str, dict[str, Any]]


def content_hash(data: bytes) -> str:
    """The SHA-256 of an article's bytes, as hex.

    >>> content_hash(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()


def article_hash(data: bytes, name: str, source_dir: Path | None = None) -> str:
    """The hash that decides whether an article is done: :func:`content_hash` of its bytes,
    and of its source text's too when ``source_dir`` holds one of the same name (so that a
    source that arrives or changes cleans the article again).

    >>> article_hash(b"", "a.txt") == content_hash(b"") == article_hash(b"", "a.txt", Path("/none"))
    True
    """
    source = source_dir / name if source_dir is not None else None
    try:
        source_bytes = source.read_bytes() if source is not None and source.is_file() else None
    except OSError:
        source_bytes = None
    if source_bytes is None:
        return content_hash(data)
    return hashlib.sha256(
        content_hash(data).encode() + b"\0source\0" + content_hash(source_bytes).encode()
    ).hexdigest()


def manifest_record(outcome: Outcome, key: str) -> dict[str, Any]:
    """What the manifest keeps of a cleaned article."""
    record = {
        "sha256": outcome.sha256,
        "settings": key,
        "source": outcome.name,
        "outputs": dict(outcome.outputs),
    }
    if outcome.inbox:
        record["inbox"] = outcome.inbox
    return record


def other_inbox(record: dict[str, Any] | None, inbox: Path) -> str | None:
    """The other inbox whose article the outputs of ``record``'s stem are, else None.

    Two inboxes in one folder share the default outbox, and their articles may share a
    stem: the first inbox to record a stem keeps its outputs while that inbox exists (a
    record of an inbox since moved or removed, or one written before records named their
    inbox, belongs to no other inbox).

    >>> other_inbox({"inbox": "/srv/in-ar"}, Path("/srv/in-ar")) is None
    True
    """
    folder = record.get("inbox") if record is not None else None
    if not isinstance(folder, str) or not folder or folder == str(inbox):
        return None
    return folder if Path(folder).is_dir() else None


def shared_stem_reason(name: str, stem: str, folder: str) -> str:
    """Why an article is left in its inbox: its stem's outputs are another inbox's."""
    return (
        f"{name}: the outbox already holds {display_name(stem)}.* from the inbox "
        f"{display_name(folder)}; give each inbox its own outbox"
    )


def record_cleaned(manifest: Manifest, outcomes: Iterable[Outcome], key: str) -> None:
    """Record in ``manifest`` every cleaned article of ``outcomes`` (the others stay as they
    were: a quarantined or left article is tried again at the next run)."""
    for outcome in outcomes:
        if outcome.status == "cleaned":
            manifest[outcome.stem] = manifest_record(outcome, key)


def _valid_record(record: object) -> bool:
    return (
        isinstance(record, dict)
        and all(isinstance(record.get(k), str) for k in ("sha256", "settings"))
        and isinstance(record.get("outputs"), dict)
    )


def read_manifest_file(outbox: Path) -> Manifest:
    """The manifest's valid records by stem, with the journal's applied; empty when there is
    none or it is unreadable.

    A record that is not a mapping of the expected fields is dropped (its article is
    cleaned again), so a damaged manifest never stops a run.
    """
    with outbox_lock(outbox, shared=True):
        return _read_all(outbox)


def _read_all(outbox: Path) -> Manifest:
    records = _read_base(outbox)
    _replay(records, _read_journal(outbox)[0])
    return records


def _read_base(outbox: Path) -> Manifest:
    try:
        data = json.loads((outbox / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return {}
    articles = data.get("articles")
    if not isinstance(articles, dict):
        return {}
    return {stem: record for stem, record in articles.items() if _valid_record(record)}


def _read_journal(outbox: Path, start: int = 0) -> tuple[bytes, int]:
    """The journal's whole lines from byte ``start``, and the offset after the last one (a
    line another run is appending, or one a crash cut short, is left for later)."""
    try:
        with open(outbox / JOURNAL_NAME, "rb") as journal:
            journal.seek(start)
            data = journal.read()
    except OSError:
        return b"", start
    whole = data[: data.rfind(b"\n") + 1]
    return whole, start + len(whole)


def _replay(records: Manifest, lines: bytes) -> None:
    """Apply journal lines to ``records`` in order; a line that is not a record is skipped."""
    for line in lines.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("stem"), str):
            record = entry.get("record")
            if isinstance(record, dict) and _valid_record(record):
                records[entry["stem"]] = record


def write_manifest_file(outbox: Path, articles: Manifest) -> None:
    """Rewrite the manifest atomically with ``articles``, the journal folded in (removed)."""
    text = json.dumps({"version": MANIFEST_VERSION, "articles": articles}, indent=1, sort_keys=True)
    write_files_atomically({outbox / MANIFEST_NAME: text + "\n"})
    with contextlib.suppress(FileNotFoundError):
        os.unlink(outbox / JOURNAL_NAME)


def _append_journal(outbox: Path, lines: bytes) -> int:
    """Append whole ``lines`` to the journal and flush them to disk; returns its size."""
    fd = os.open(outbox / JOURNAL_NAME, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        end = os.fstat(fd).st_size
        if end and os.pread(fd, 1, end - 1) != b"\n":
            lines = b"\n" + lines  # after a line a crash cut short: keep it apart
        view = memoryview(lines)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    if end == 0:
        fsync_folder(outbox)  # the journal's name, too, is on disk before its records count
    return end + len(lines)


@contextlib.contextmanager
def outbox_lock(outbox: Path, *, shared: bool = False) -> Iterator[None]:
    """Hold a ``flock`` on the outbox folder meanwhile: exclusive to write (the folder
    created if missing), shared to read the manifest and its journal as one writer left
    them both (no lock when there is no folder: nothing to read)."""
    if shared:
        try:
            fd = os.open(outbox, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            yield
            return
    else:
        outbox.mkdir(parents=True, exist_ok=True)
        fd = os.open(outbox, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # the lock goes with the descriptor


def record_outcomes(outbox: Path, outcomes: Iterable[Outcome], key: str) -> None:
    """Record the cleaned articles of ``outcomes``: appended to the journal, which is folded
    into the manifest once it outgrows it.

    This happens under :func:`outbox_lock`, so records that other runs wrote meanwhile are
    kept. Nothing is written when there is nothing to record.
    """
    lines = b"".join(
        json.dumps({"stem": o.stem, "record": manifest_record(o, key)}, sort_keys=True).encode()
        + b"\n"
        for o in outcomes
        if o.status == "cleaned"
    )
    if not lines:
        return
    with outbox_lock(outbox):
        size = _append_journal(outbox, lines)
        try:
            manifest_size = os.stat(outbox / MANIFEST_NAME).st_size
        except FileNotFoundError:
            manifest_size = 0
        if size > max(JOURNAL_FOLD_BYTES, manifest_size):
            write_manifest_file(outbox, _read_all(outbox))  # under the lock already


def outputs_intact(outbox: Path, stem: str, record: dict[str, Any]) -> bool:
    """Every output of ``stem`` exists with the SHA-256 the manifest recorded."""
    recorded = record.get("outputs")
    if not isinstance(recorded, dict):
        return False
    return all(
        recorded.get(path.name) == file_sha256(path) for path in output_paths(outbox, stem).values()
    )


def is_done(record: dict[str, Any] | None, key: str, digest: str, outbox: Path, stem: str) -> bool:
    """The record says these bytes were cleaned with these settings, outputs intact."""
    return (
        record is not None
        and record.get("settings") == key
        and record.get("sha256") == digest
        and outputs_intact(outbox, stem, record)
    )


class ManifestView:
    """The manifest as it is on disk now: the journal's new lines read as they come, the
    whole read again only when the manifest itself was rewritten."""

    def __init__(self, outbox: Path) -> None:
        self.path = outbox / MANIFEST_NAME
        self._read = False
        self._stamp: tuple[int, int, int] | None = None  # of the manifest
        self._journal = (0, 0)  # the journal's inode, and the offset read up to
        self._records: Manifest = {}

    def record(self, stem: str) -> dict[str, Any] | None:
        """The current record of ``stem``, if any."""
        outbox = self.path.parent
        with outbox_lock(outbox, shared=True):
            stamp = _stamp(self.path)
            journal = _stamp(outbox / JOURNAL_NAME)
            inode, size = (journal[0], journal[1]) if journal is not None else (0, 0)
            if (
                not self._read
                or stamp != self._stamp
                or self._journal[0] not in (0, inode)
                or size < self._journal[1]
            ):
                self._records, self._stamp, self._journal = _read_base(outbox), stamp, (inode, 0)
                self._read = True
            if size > self._journal[1]:
                lines, offset = _read_journal(outbox, self._journal[1])
                _replay(self._records, lines)
                self._journal = (inode, offset)
        return self._records.get(stem)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """A file's inode, size and modification time; None when it is absent."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


@contextlib.contextmanager
def claim_article(path: Path, *, wait: bool) -> Iterator[bool | None]:
    """Hold an exclusive ``flock`` on an inbox file meanwhile.

    Yields True when held, False when another run holds it (only with ``wait=False``), and
    None when the file is gone. A file that cannot be opened is not locked but yields True:
    cleaning it then fails and quarantines it with the reason.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        yield None
        return
    except OSError:
        yield True
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def prepare_outbox(outbox: Path, quarantine: Path) -> Manifest:
    """Sweep the temporary files a killed run left in both folders, then read the manifest."""
    for folder in (outbox, quarantine):
        sweep_temp_files(folder)
    return read_manifest_file(outbox)
