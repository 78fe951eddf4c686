"""SIGKILL of ``copydesk run clean-inbox`` at random points, then a restart to completion.

An inbox of 300 small articles is cleaned by the command in a subprocess (Prefect's
ephemeral mode: it starts its own temporary server). Each run is killed with SIGKILL at a
random moment: while Prefect starts or the inbox is planned, or at a random delay after the
run has begun writing (cleaning, writing an article's set, rewriting the manifest). A last
run completes. Then the outbox must hold exactly one complete set of outputs per article,
byte for byte those of a reference run of ``copydesk clean``, no temporary file, and no
process of the killed runs (the temporary server above all) may still be running.

The default (2 kills) keeps the test near 30 s on a quiet 2-core machine. A larger setting, e.g.
``COPYDESK_FAULT_KILLS=12 COPYDESK_FAULT_ARTICLES=1000``, kills more runs of a larger inbox;
``COPYDESK_FAULT_SEED`` replays one sequence of delays.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from copydesk.load import load_bytes
from copydesk.output import OUTPUT_SUFFIXES, TEMP_GLOB, article_stem, write_output_set
from copydesk.pipeline import clean, default_settings

from .conftest import CLI, FIXTURES, ROOT, prefect_env

pytest.importorskip("prefect")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]

KILLS = int(os.environ.get("COPYDESK_FAULT_KILLS", "2"))
ARTICLES = int(os.environ.get("COPYDESK_FAULT_ARTICLES", "300"))
SEED = int(os.environ.get("COPYDESK_FAULT_SEED", str(time.time_ns() % 10_000)))
GLOSSARY = FIXTURES / "glossary"
MANIFESTS = (".copydesk-manifest.json", ".copydesk-manifest.log")  # the manifest, its journal
LINES = [
    "He flew to Sotchi on Monday.",
    "The talks in Idleb went on late.",
    "A spokesman said the summit was a success.",
    "Ministers met again on Tuesday, officials said.",
]


def _env(prefect_home: Path) -> dict[str, str]:
    return prefect_env(
        prefect_home,
        PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL="CRITICAL",
        PYTHONPATH=str(ROOT),
        # A loaded machine may need more than the default 20 s for a first start.
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120",
    )


def _processes_in(folder: Path) -> dict[int, str]:
    """Every live process whose working directory is ``folder``, with its command line."""
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if Path(os.readlink(entry / "cwd")) != folder:
                continue
            state = (entry / "stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()[0]
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if state != "Z":  # a zombie waits for its reaper; it holds no memory
            found[int(entry.name)] = cmdline
    return found


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.iterdir()
        if p.name not in MANIFESTS
    }


def _started_writing(outbox: Path, since: float) -> bool:
    with_mtimes = (p.stat().st_mtime for p in outbox.iterdir()) if outbox.is_dir() else ()
    try:
        return any(m > since for m in with_mtimes)
    except FileNotFoundError:  # a temporary renamed meanwhile: it wrote
        return True


def _kill_at_random(
    cmd: list[str], work: Path, env: dict[str, str], rng: random.Random, *, early: bool
) -> str:
    """Start a run, kill it with SIGKILL at a random point; returns where, roughly."""
    outbox = work / "outbox"
    start = time.time()
    proc = subprocess.Popen(
        cmd, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        early = early or rng.random() < 0.2
        deadline = start + (rng.uniform(0.5, 8.0) if early else 120)
        while time.time() < deadline and proc.poll() is None:
            if not early and _started_writing(outbox, start):
                time.sleep(rng.uniform(0.0, 1.5))
                break
            time.sleep(0.02)
        where = "early" if early else f"{time.time() - start:.1f}s, while writing"
        if proc.poll() is not None:
            assert proc.stderr is not None
            return f"finished before the kill ({proc.returncode}): {proc.stderr.read()[-2000:]!r}"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
        assert proc.stderr is not None
        proc.stderr.close()
    return where


def test_sigkilled_inbox_runs_recover_exactly(tmp_path: Path) -> None:
    work = tmp_path / "work"
    inbox = work / "inbox"
    inbox.mkdir(parents=True)
    for i in range(ARTICLES):
        lines = [LINES[(i + k) % len(LINES)] for k in range(1 + i % 3)]
        (inbox / f"a{i:04d}.txt").write_text(f"Story {i}. " + " ".join(lines) + "\n", "utf-8")
    env = _env(tmp_path / "prefect")

    # The reference: the library alone, the same settings and names as the flow's.
    style = work / "copydesk.toml"
    style.write_text("# house style: the defaults\n", encoding="utf-8")
    settings = default_settings(glossary_dir=GLOSSARY, style_file=style)
    expected: dict[str, str] = {}
    for path in sorted(inbox.iterdir()):
        result = clean(load_bytes(path.read_bytes(), path.name), settings)
        written = write_output_set(result, tmp_path / "reference", article_stem(path.name))
        expected.update({p.name: digest for p, digest in written.items()})
    assert len(expected) == ARTICLES * len(OUTPUT_SUFFIXES)

    cmd = [sys.executable, "-c", CLI, "run", "clean-inbox", "inbox", "--glossary", str(GLOSSARY),
           "--style", str(style), "--chunk-size", "10"]  # fmt: skip
    rng = random.Random(SEED)
    # The first kill falls while Prefect starts or the inbox is planned; the others mostly
    # while articles are cleaned and written.
    kills = [_kill_at_random(cmd, work, env, rng, early=i == 0) for i in range(KILLS)]
    deadline = time.monotonic() + 10
    while _processes_in(work) and time.monotonic() < deadline:
        time.sleep(0.1)  # a dying server may take a moment to go
    assert not _processes_in(work), f"left running after {kills} (seed {SEED})"

    final = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stderr
    outbox = work / "outbox"
    assert _hashes(outbox) == expected, f"kills: {kills} (seed {SEED})"
    assert not list(outbox.glob(TEMP_GLOB)) and not list(outbox.glob(".*.tmp"))
    assert sorted(p.name for p in inbox.iterdir()) == [f"a{i:04d}.txt" for i in range(ARTICLES)]
    assert not (work / "quarantine").exists() or not list((work / "quarantine").iterdir())
    assert not _processes_in(work)
