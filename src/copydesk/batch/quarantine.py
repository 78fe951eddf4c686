"""The quarantine: where an article that could not be cleaned goes, with the reason.

Contract: :func:`quarantine_article` writes ``QUARANTINE/NAME.error.txt`` (the article's
full file name, so that ``a.txt`` and ``a.md`` keep their own reports; shortened with a
hash to fit the file system) holding the one-line reason, then moves the article beside
it, replacing an older copy. :func:`release_article` removes both once the article has
been cleaned after all.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from copydesk.output import fit_name, write_files_atomically

__all__ = ["error_report_path", "quarantine_article", "release_article"]


def error_report_path(quarantine: Path, name: str) -> Path:
    """``quarantine/NAME.error.txt`` for the article file ``name`` (the full name, so that
    ``a.txt`` and ``a.md`` get their own reports), shortened to fit the file system."""
    return quarantine / fit_name(quarantine, name, ".error.txt")


def quarantine_article(path: Path, quarantine: Path, reason: str) -> None:
    """Write the error report, then move the article beside it (replacing an older copy)."""
    quarantine.mkdir(parents=True, exist_ok=True)
    write_files_atomically({error_report_path(quarantine, path.name): reason + "\n"})
    shutil.move(path, quarantine / path.name)


def release_article(quarantine: Path, name: str) -> None:
    """Remove a quarantined copy of the article file ``name`` and its error report, if any."""
    for stale in (quarantine / name, error_report_path(quarantine, name)):
        with contextlib.suppress(OSError):
            stale.unlink()
