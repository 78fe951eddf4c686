"""Writing a result's files atomically: all of an article's outputs, or none.

Contract: :func:`write_outputs` writes ``NAME.clean.txt``, ``NAME.report.md``,
``NAME.report.json`` and ``NAME.report.html`` into a folder. Each file is written to a
temporary name in the same folder, flushed to disk and then renamed over its final name, so
a reader (or a run killed midway) never sees a half-written file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from copydesk.model import Result
from copydesk.report import render_json, render_markdown
from copydesk.report_html import render_html

OUTPUT_SUFFIXES = (".clean.txt", ".report.md", ".report.json", ".report.html")


def atomic_write_text(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` via a temporary file and a rename."""
    write_files_atomically({path: text})


def write_files_atomically(files: dict[Path, str]) -> None:
    """Write several files so that none appears until all are complete."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            staged.append((tmp, path))
            # newline="" keeps the article's own line endings byte for byte.
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _path in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def output_paths(out_dir: Path, stem: str) -> dict[str, Path]:
    """The output files of one article, by suffix."""
    return {suffix: out_dir / f"{stem}{suffix}" for suffix in OUTPUT_SUFFIXES}


def write_outputs(result: Result, out_dir: Path, stem: str) -> list[Path]:
    """Write every output of one article; returns their paths."""
    paths = output_paths(out_dir, stem)
    contents = {
        paths[".clean.txt"]: result.cleaned,
        paths[".report.md"]: render_markdown(result),
        paths[".report.json"]: render_json(result),
        paths[".report.html"]: render_html(result),
    }
    write_files_atomically(contents)
    return list(contents)


def article_stem(path: str | os.PathLike[str]) -> str:
    """``inbox/sochi-summit.txt`` -> ``sochi-summit``.

    >>> article_stem("inbox/sochi-summit.txt")
    'sochi-summit'
    """
    name = Path(path).name
    return name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
