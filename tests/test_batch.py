"""Batches without Prefect's engine: output sets, names, modes, temporaries, and the inbox's
plain helpers (planning, manifest, quarantine), and ``copydesk clean`` with a bad file
among good ones. Flow-level cases are in ``test_flows.py``; SIGKILL in ``test_faults.py``.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from copydesk.load import load_bytes
from copydesk.output import (
    OUTPUT_SUFFIXES,
    TEMP_GLOB,
    atomic_write_text,
    fit_name,
    output_paths,
    sweep_temp_files,
    write_files_atomically,
    write_outputs,
)
from copydesk.pipeline import Settings, clean, default_settings

from .conftest import FIXTURES

GLOSSARY = FIXTURES / "glossary"
ARTICLE = "He flew to Sotchi on Monday.\n"
NAME_MAX = 255


@pytest.fixture(scope="module")
def settings() -> Settings:
    return default_settings(glossary_dir=GLOSSARY)


@pytest.fixture
def umask_027() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob(TEMP_GLOB))


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# ---------------------------------------------------------------- output sets


def test_a_failed_rename_leaves_the_old_set_whole(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    write_outputs(clean(load_bytes(b"Old text about Sotchi.\n", "a.txt"), settings), out, "a")
    before = contents(out)
    real_replace = os.replace
    calls = {"n": 0}

    def third_rename_fails(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", third_rename_fails)
    new = clean(load_bytes(ARTICLE.encode(), "a.txt"), settings)
    with pytest.raises(OSError, match="No space"):
        write_outputs(new, out, "a")
    assert calls["n"] > 3  # the two renames done were rolled back
    assert contents(out) == before and not temps(out)

    fresh = tmp_path / "fresh"  # no older set: nothing of the new one stays
    calls["n"] = 0
    with pytest.raises(OSError):
        write_outputs(new, fresh, "a")
    assert not list(fresh.iterdir())


def test_a_directory_in_the_way_fails_the_whole_set(tmp_path: Path, settings: Settings) -> None:
    out = tmp_path / "out"
    (out / "a.report.json").mkdir(parents=True)
    with pytest.raises(OSError):
        write_outputs(clean(load_bytes(ARTICLE.encode(), "a.txt"), settings), out, "a")
    assert sorted(p.name for p in out.iterdir()) == ["a.report.json"]


def test_write_returns_the_hashes_of_what_is_on_disk(tmp_path: Path) -> None:
    import hashlib

    digests = write_files_atomically({tmp_path / "x.txt": "é\r\n", tmp_path / "y.bin": b"\0"})
    for path, digest in digests.items():
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert (tmp_path / "x.txt").read_bytes() == "é\r\n".encode()  # line endings kept


def test_new_files_follow_the_umask_and_replaced_files_keep_their_mode(
    tmp_path: Path, umask_027: None, settings: Settings
) -> None:
    written = write_outputs(clean(load_bytes(ARTICLE.encode(), "a.txt"), settings), tmp_path, "a")
    assert {oct(p.stat().st_mode & 0o777) for p in written} == {oct(0o640)}
    memory = tmp_path / "false-alarms.yaml"
    atomic_write_text(memory, "ignored: []\n")
    assert memory.stat().st_mode & 0o777 == 0o640
    memory.chmod(0o604)
    atomic_write_text(memory, "ignored: []\n# again\n")
    assert memory.stat().st_mode & 0o777 == 0o604
    os.umask(0o002)
    atomic_write_text(tmp_path / "b.txt", "x")
    assert (tmp_path / "b.txt").stat().st_mode & 0o777 == 0o664


@pytest.mark.parametrize(
    "stem",
    ["s" * 230, "s" * 243, "s" * 250, "é" * 120, "長" * 84, os.fsdecode(b"caf\xe9-" * 60)],
)
def test_long_names_work_up_to_the_file_system_limit(
    tmp_path: Path, settings: Settings, stem: str
) -> None:
    name_max = os.pathconf(tmp_path, "PC_NAME_MAX")
    written = write_outputs(clean(load_bytes(ARTICLE.encode(), "x"), settings), tmp_path, stem)
    assert len(written) == len(OUTPUT_SUFFIXES) and all(p.exists() for p in written)
    assert all(len(os.fsencode(p.name)) <= name_max for p in written)
    assert not temps(tmp_path)
    assert written == list(output_paths(tmp_path, stem).values())  # deterministic
    fits = len(os.fsencode(stem)) + len(".report.html") <= name_max
    assert all(p.name.startswith(stem) for p in written) == fits


def test_long_stems_that_share_a_prefix_get_distinct_names(tmp_path: Path) -> None:
    a, b = "x" * 250 + "a", "x" * 250 + "b"
    names = {fit_name(tmp_path, s, ".report.html") for s in (a, b)}
    assert len(names) == 2
    assert all(len(n.encode()) <= NAME_MAX for n in names)
    assert fit_name(tmp_path, "é" * 130, ".error.txt").encode().decode("utf-8")  # whole chars


# ---------------------------------------------------------------- temporaries


def test_sweep_removes_only_unlocked_temporaries_of_its_own_pattern(tmp_path: Path) -> None:
    left = tmp_path / ".cdtmp-k1ll3d00.tmp"
    held = tmp_path / ".cdtmp-wr1t1ng0.tmp"
    other = tmp_path / ".notes.tmp"
    for path in (left, held, other):
        path.write_text("x", encoding="utf-8")
    fd = os.open(held, os.O_RDONLY)  # a live writer's lock
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        assert sweep_temp_files(tmp_path) == [left.name]
    finally:
        os.close(fd)
    assert held.exists() and other.exists() and not left.exists()
    assert sweep_temp_files(tmp_path) == [held.name]  # its writer is gone


def test_writers_hold_their_temporaries_against_a_sweep(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sweep run while a set is being written removes none of its files."""
    swept: list[list[str]] = []
    real_fsync = os.fsync

    def sweep_then_fsync(fd: int) -> None:
        swept.append(sweep_temp_files(tmp_path))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", sweep_then_fsync)
    atomic_write_text(tmp_path / "a.txt", "old")
    write_files_atomically({tmp_path / "a.txt": "new", tmp_path / "b.txt": "b"})
    assert swept and not any(swept)
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "new" and not temps(tmp_path)


# ---------------------------------------------------------------- copydesk clean


def _clean(*args: str | bytes, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    argv = [os.fsencode(sys.executable), b"-m", b"copydesk", b"clean", *map(os.fsencode, args)]
    return subprocess.run(argv, capture_output=True, cwd=cwd, check=False, timeout=120)


def test_clean_writes_the_good_files_and_names_the_bad_one(tmp_path: Path) -> None:
    good = {"good.txt": "s" * 240 + ".txt", "odd": os.fsdecode(b"caf\xe9.txt")}
    for name in good.values():
        (tmp_path / name).write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "bad.txt").write_text(ARTICLE, encoding="utf-8")
    out = tmp_path / "out"
    (out / "bad.report.json").mkdir(parents=True)  # the write of bad.txt fails
    (out / ".cdtmp-k1ll3d00.tmp").write_text("left by a killed run", encoding="utf-8")
    proc = _clean(
        *good.values(), "bad.txt", "README-missing.txt", "--out", "out",
        "--glossary", str(GLOSSARY), cwd=tmp_path,
    )  # fmt: skip
    assert proc.returncode == 2
    errors = proc.stderr.decode().splitlines()
    assert len(errors) == 2 and all(e.startswith("copydesk error: ") for e in errors)
    assert errors[0].startswith("copydesk error: bad.txt: ") and "Errno" in errors[0]
    assert "README-missing.txt" in errors[1] and "Traceback" not in proc.stderr.decode()
    written = sorted(os.fsencode(p.name) for p in out.iterdir())
    expected = sorted(
        os.fsencode(n.rsplit(".", 1)[0] + s) for n in good.values() for s in OUTPUT_SUFFIXES
    )
    assert written == sorted([*expected, b"bad.report.json"])  # nothing else of bad.txt
    assert b"caf\\xe9.txt" in proc.stdout  # the odd name printed, not a traceback


# ---------------------------------------------------------------- the ephemeral server


def test_a_child_started_to_die_with_its_parent_dies_on_sigkill(tmp_path: Path) -> None:
    script = (
        "import sys, time\n"
        "from copydesk_flows._prefect import _SubprocessDyingWithParent\n"
        "child = _SubprocessDyingWithParent().Popen(['sleep', '120'])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(120)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert Path(f"/proc/{child}").exists()
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for its reaper counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except FileNotFoundError:
        return False
    return status.rsplit(")", 1)[1].split()[0] != "Z"
