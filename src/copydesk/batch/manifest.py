"""The outbox's manifest: what was cleaned, from which bytes, with which settings.

Contract: ``OUTBOX/.copydesk-manifest.json`` (:data:`MANIFEST_NAME`) holds
``{"version": 2, "articles": {STEM: record}}``; a record keeps the SHA-256 of the bytes
cleaned (:func:`content_hash`), the settings key (``Settings.key()``), the printable source
name, the SHA-256 of each output by file name and the absolute inbox folder the article
came from. Reading never fails a run: a missing,
unreadable or other-version manifest reads as empty, and a record that is not a mapping of
those fields is dropped (its article is cleaned again). Writing is atomic
(:func:`copydesk.output.write_files_atomically`). :func:`prepare_outbox` sweeps the
temporary files a killed run left before the manifest is read.

Concurrent runs into one outbox (two inboxes in one folder share the default sibling
outbox; two runs of one inbox may overlap) lose no record and clean no article twice:

* :func:`record_outcomes` merges a chunk's records into the manifest on disk under an
  exclusive ``flock`` on the outbox folder itself (read, merge, write; no lock file), so a
  run never writes back a stale copy over another run's records.
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
from copydesk.output import file_sha256, output_paths, sweep_temp_files, write_files_atomically

__all__ = [
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
    """The manifest's valid records by stem; empty when there is none or it is unreadable.

    A record that is not a mapping of the expected fields is dropped (its article is
    cleaned again), so a damaged manifest never stops a run.
    """
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


def write_manifest_file(outbox: Path, articles: Manifest) -> None:
    """Rewrite the manifest atomically (with nothing merged: see :func:`record_outcomes`)."""
    text = json.dumps({"version": MANIFEST_VERSION, "articles": articles}, indent=1, sort_keys=True)
    write_files_atomically({outbox / MANIFEST_NAME: text + "\n"})


@contextlib.contextmanager
def outbox_lock(outbox: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on the outbox folder (created if missing) meanwhile."""
    outbox.mkdir(parents=True, exist_ok=True)
    fd = os.open(outbox, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # the lock goes with the descriptor


def record_outcomes(outbox: Path, outcomes: Iterable[Outcome], key: str) -> Manifest:
    """Merge the cleaned articles of ``outcomes`` into the manifest on disk; returns it.

    Read, merge and write happen under :func:`outbox_lock`, so records that other runs
    wrote meanwhile are kept. Nothing is written when there is nothing to record.
    """
    cleaned = [o for o in outcomes if o.status == "cleaned"]
    with outbox_lock(outbox):
        manifest = read_manifest_file(outbox)
        if cleaned:
            record_cleaned(manifest, cleaned, key)
            write_manifest_file(outbox, manifest)
    return manifest


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
    """The manifest as it is on disk now: read again only when the file has changed."""

    def __init__(self, outbox: Path) -> None:
        self.path = outbox / MANIFEST_NAME
        self._stamp: tuple[int, int, int] | None = None
        self._records: Manifest = {}

    def record(self, stem: str) -> dict[str, Any] | None:
        """The current record of ``stem``, if any."""
        try:
            st = os.stat(self.path)
            stamp: tuple[int, int, int] | None = (st.st_ino, st.st_size, st.st_mtime_ns)
        except OSError:
            stamp = None
        if stamp != self._stamp or stamp is None:
            self._records = read_manifest_file(self.path.parent)
            self._stamp = stamp
        return self._records.get(stem)


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
