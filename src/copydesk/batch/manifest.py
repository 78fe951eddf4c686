"""The outbox's manifest: what was cleaned, from which bytes, with which settings.

Contract: ``OUTBOX/.copydesk-manifest.json`` (:data:`MANIFEST_NAME`) holds
``{"version": 2, "articles": {STEM: record}}``; a record keeps the SHA-256 of the bytes
cleaned (:func:`content_hash`), the settings key (``Settings.key()``), the printable source
name and the SHA-256 of each output by file name. Reading never fails a run: a missing,
unreadable or other-version manifest reads as empty, and a record that is not a mapping of
those fields is dropped (its article is cleaned again). Writing is atomic
(:func:`copydesk.output.write_files_atomically`). :func:`prepare_outbox` sweeps the
temporary files a killed run left before the manifest is read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from copydesk.batch.model import Outcome
from copydesk.output import file_sha256, output_paths, sweep_temp_files, write_files_atomically

__all__ = [
    "MANIFEST_NAME",
    "MANIFEST_VERSION",
    "content_hash",
    "manifest_record",
    "outputs_intact",
    "prepare_outbox",
    "read_manifest_file",
    "record_cleaned",
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


def manifest_record(outcome: Outcome, key: str) -> dict[str, Any]:
    """What the manifest keeps of a cleaned article."""
    return {
        "sha256": outcome.sha256,
        "settings": key,
        "source": outcome.name,
        "outputs": dict(outcome.outputs),
    }


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
    """Rewrite the manifest atomically."""
    text = json.dumps({"version": MANIFEST_VERSION, "articles": articles}, indent=1, sort_keys=True)
    write_files_atomically({outbox / MANIFEST_NAME: text + "\n"})


def outputs_intact(outbox: Path, stem: str, record: dict[str, Any]) -> bool:
    """Every output of ``stem`` exists with the SHA-256 the manifest recorded."""
    recorded = record.get("outputs")
    if not isinstance(recorded, dict):
        return False
    return all(
        recorded.get(path.name) == file_sha256(path) for path in output_paths(outbox, stem).values()
    )


def prepare_outbox(outbox: Path, quarantine: Path) -> Manifest:
    """Sweep the temporary files a killed run left in both folders, then read the manifest."""
    for folder in (outbox, quarantine):
        sweep_temp_files(folder)
    return read_manifest_file(outbox)
