"""Output sets written in batches: the bytes, hashes, modes and folders a set leaves."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from copydesk.output import TEMP_GLOB, write_files_atomically

# Many small pieces with multi-byte characters, over several write batches in all.
_PIECES = [f"piece {i} é中🙂\n" for i in range(20_000)]


def test_a_set_in_many_pieces_is_written_whole(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "folder"
    files = {
        folder / "a.json": lambda: iter(_PIECES),
        folder / "b.md": "".join(_PIECES[:10]),
        tmp_path / "other" / "c.txt": b"bytes",
    }
    hashes = write_files_atomically(files, durable=False)
    expected = {
        folder / "a.json": "".join(_PIECES).encode(),
        folder / "b.md": "".join(_PIECES[:10]).encode(),
        tmp_path / "other" / "c.txt": b"bytes",
    }
    for path, data in expected.items():
        assert path.read_bytes() == data
        assert hashes[path] == hashlib.sha256(data).hexdigest()
    assert not list(folder.glob(TEMP_GLOB)) and not list((tmp_path / "other").glob(TEMP_GLOB))


def test_a_set_replaced_keeps_modes_and_leaves_no_temporaries(tmp_path: Path) -> None:
    paths = [tmp_path / "a.txt", tmp_path / "b.txt"]
    write_files_atomically({path: "old" for path in paths})
    os.chmod(paths[0], 0o640)
    write_files_atomically({path: lambda: iter(_PIECES) for path in paths})
    assert [path.read_text(encoding="utf-8") for path in paths] == ["".join(_PIECES)] * 2
    assert paths[0].stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]
