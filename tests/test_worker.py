"""The worker process that cleans a run's chunks (:mod:`copydesk.batch.worker`).

A :class:`~copydesk.batch.worker.ChunkCleaner` must give what
:func:`~copydesk.batch.process.process_chunk` gives in the calling process, fall back to
that process when its worker reads other settings, survive its worker's death (cleaning the
chunk again one article at a time, quarantining an article during which the worker dies
again), leave no worker behind a killed run, and never run a caller's ``__main__`` again.
Every worker here is a real ``python -m copydesk.batch.worker``; a worker that dies on one
article does so through a ``sitecustomize`` on its import path, not through the code tested.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from copydesk.batch.manifest import read_manifest_file
from copydesk.batch.model import Outcome, Planned
from copydesk.batch.plan import absolute_folders, chunked, plan_articles
from copydesk.batch.process import process_chunk
from copydesk.batch.quarantine import error_report_path
from copydesk.batch.worker import ChunkCleaner
from copydesk.settings import SettingsSpec

from .test_batch import BAD_FILES, GLOSSARY, _alive, make_inbox, planned

MARKER = "KILL-THE-WORKER"

# Wraps the cleaning of the worker that imports it: an article holding MARKER ends the
# worker as the kernel's out-of-memory killer would.
KILLING_SITECUSTOMIZE = textwrap.dedent(
    f"""
    import os
    import signal

    import copydesk.batch.process as _process

    _real_clean = _process.clean


    def _clean(article, *args, **kwargs):
        if {MARKER!r} in getattr(article, "text", ""):
            os.kill(os.getpid(), signal.SIGKILL)
        return _real_clean(article, *args, **kwargs)


    _process.clean = _clean
    """
)


def _worker_pid(cleaner: ChunkCleaner) -> int:
    assert cleaner._worker is not None
    return cleaner._worker.process.pid


def _planned_inbox(inbox: Path) -> tuple[list[Planned], Path, Path]:
    """The inbox planned into its default outbox as a run plans it: (todo, outbox,
    quarantine)."""
    _, outbox, quarantine = map(Path, absolute_folders(str(inbox), None, None))
    key = SettingsSpec(glossary_dir=str(GLOSSARY)).load().key()
    plan = plan_articles(inbox, "*.txt", outbox, read_manifest_file(outbox), key)
    assert plan.refused == [] and plan.skipped == []
    return plan.todo, outbox, quarantine


def _same_outputs(outcomes: list[Outcome], outbox: Path, other_outbox: Path) -> None:
    """Every output the outcomes name has the same bytes in both outboxes."""
    for outcome in outcomes:
        for name in outcome.outputs:
            assert (outbox / name).read_bytes() == (other_outbox / name).read_bytes(), name


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    return not _alive(pid)


# ---------------------------------------------------------------- the same as in process


def test_a_worker_cleans_chunks_as_process_chunk_does(tmp_path: Path) -> None:
    first = make_inbox(tmp_path / "a" / "inbox", 6, {"empty.txt": BAD_FILES["empty.txt"]})
    second = Path(shutil.copytree(first, tmp_path / "b" / "inbox"))
    spec = SettingsSpec(glossary_dir=str(GLOSSARY))
    settings = spec.load()

    todo, outbox, quarantine = _planned_inbox(first)
    with ChunkCleaner(settings, spec) as cleaner:
        assert cleaner.in_worker is True and cleaner.fallback == ""
        pid = _worker_pid(cleaner)
        in_worker: list[Outcome] = []
        for chunk in chunked(todo, 4):  # two chunks, one worker
            in_worker += cleaner.clean(chunk, outbox, quarantine)
        assert _worker_pid(cleaner) == pid and cleaner.fallback == ""

    todo_b, outbox_b, quarantine_b = _planned_inbox(second)
    in_process = process_chunk(todo_b, settings, outbox_b, quarantine_b)

    statuses = [o.status for o in in_worker]
    assert statuses == ["quarantined"] + ["cleaned"] * 6, in_worker
    assert all(o.inbox == str(first) for o in in_worker if o.status == "cleaned")
    assert [replace(o, inbox="") for o in in_worker] == [replace(o, inbox="") for o in in_process]
    cleaned_text = (outbox / "story-0000.clean.txt").read_text("utf-8")
    assert "Sochi" in cleaned_text and "Idlib" in cleaned_text and "Sotchi" not in cleaned_text
    _same_outputs(in_worker, outbox, outbox_b)
    assert sorted(p.name for p in quarantine.iterdir()) == sorted(
        p.name for p in quarantine_b.iterdir()
    )
    assert (quarantine / "empty.txt.error.txt").read_bytes() == (
        quarantine_b / "empty.txt.error.txt"
    ).read_bytes()

    def without_inbox(records: dict[str, Any]) -> dict[str, Any]:
        return {stem: {**r, "inbox": None} for stem, r in records.items()}

    records, records_b = read_manifest_file(outbox), read_manifest_file(outbox_b)
    assert len(records) == 6 and all(r["inbox"] == str(first) for r in records.values())
    assert without_inbox(records) == without_inbox(records_b)


# ---------------------------------------------------------------- falling back


def test_a_worker_with_other_settings_falls_back_to_this_process(tmp_path: Path) -> None:
    glossary = Path(shutil.copytree(GLOSSARY, tmp_path / "glossary"))
    with (glossary / "test.yaml").open("a", encoding="utf-8") as fh:
        fh.write(
            "  - id: kyiv\n"
            "    type: place\n"
            "    forms: {en: Kyiv}\n"
            "    variants: [Kiev]\n"
            '    source: "fixture"\n'
        )
    spec = SettingsSpec(glossary_dir=str(GLOSSARY))  # the worker loads the glossary without it
    settings = SettingsSpec(glossary_dir=str(glossary)).load()
    assert settings.key() != spec.load().key()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "kyiv.txt").write_text("He flew from Kiev to Sotchi.\n", encoding="utf-8")
    articles = planned([inbox / "kyiv.txt"])
    outbox, quarantine = tmp_path / "outbox", tmp_path / "quarantine"

    with ChunkCleaner(settings, spec) as cleaner:
        assert cleaner.in_worker is False
        assert "other settings" in cleaner.fallback
        assert cleaner._worker is None  # the worker that read them is gone
        [outcome] = cleaner.clean(articles, outbox, quarantine)

    assert outcome.status == "cleaned", outcome
    # Cleaned with the settings given, not with those the spec names.
    assert (outbox / "kyiv.clean.txt").read_text("utf-8") == "He flew from Kyiv to Sochi.\n"
    assert read_manifest_file(outbox)["kyiv"]["settings"] == settings.key()
    [expected] = process_chunk(articles, settings, tmp_path / "outbox-b", tmp_path / "q-b")
    assert outcome == expected
    _same_outputs([outcome], outbox, tmp_path / "outbox-b")


# ---------------------------------------------------------------- a worker that dies


def test_a_worker_killed_mid_chunk_is_replaced_and_the_chunk_cleaned(tmp_path: Path) -> None:
    inbox = make_inbox(tmp_path / "inbox", 40)
    articles = planned(sorted(inbox.iterdir()))
    outbox, quarantine = tmp_path / "outbox", tmp_path / "quarantine"
    spec = SettingsSpec(glossary_dir=str(GLOSSARY))
    settings = spec.load()
    cleaner = ChunkCleaner(settings, spec)
    try:
        assert cleaner.in_worker, cleaner.fallback
        first = _worker_pid(cleaner)
        written_at_kill: list[int] = []

        def kill_once_cleaning() -> None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                written = len(list(outbox.glob("*.clean.txt")))
                if written:
                    os.kill(first, signal.SIGKILL)
                    written_at_kill.append(written)
                    return
                time.sleep(0.002)

        killer = threading.Thread(target=kill_once_cleaning, daemon=True)
        killer.start()
        outcomes = cleaner.clean(articles, outbox, quarantine)
        killer.join(timeout=10)
        assert written_at_kill and written_at_kill[0] < 40  # killed mid-chunk
        assert cleaner.fallback == "" and cleaner.in_worker
        assert _worker_pid(cleaner) != first  # a new worker cleaned the chunk again
    finally:
        cleaner.close()

    assert not _alive(first)
    assert [o.status for o in outcomes] == ["cleaned"] * 40, [
        (o.name, o.status, o.reason) for o in outcomes if o.status != "cleaned"
    ]
    assert not quarantine.exists() or not list(quarantine.iterdir())
    expected = process_chunk(articles, settings, tmp_path / "outbox-b", tmp_path / "q-b")
    assert outcomes == expected
    _same_outputs(outcomes, outbox, tmp_path / "outbox-b")
    records = read_manifest_file(outbox)
    assert sorted(records) == sorted(p.stem for p in inbox.iterdir())
    assert records == read_manifest_file(tmp_path / "outbox-b")


def test_an_article_that_kills_its_worker_is_quarantined_and_the_rest_cleaned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if (found := importlib.util.find_spec("sitecustomize")) is not None:
        pytest.skip(f"a sitecustomize is already on the import path: {found.origin}")
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(KILLING_SITECUSTOMIZE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))  # the worker's import path is this one

    inbox = make_inbox(tmp_path / "inbox", 4)
    killer = inbox / "story-0001.txt"
    with killer.open("a", encoding="utf-8") as fh:
        fh.write(f"{MARKER}\n")
    articles = planned(sorted(inbox.iterdir()))
    outbox, quarantine = tmp_path / "outbox", tmp_path / "quarantine"
    spec = SettingsSpec(glossary_dir=str(GLOSSARY))
    with ChunkCleaner(spec.load(), spec) as cleaner:
        assert cleaner.in_worker, cleaner.fallback
        first = _worker_pid(cleaner)
        outcomes = cleaner.clean(articles, outbox, quarantine)
        assert cleaner.fallback == "" and cleaner.in_worker
        assert _worker_pid(cleaner) != first

    statuses = {o.name: o.status for o in outcomes}
    assert statuses == {
        "story-0000.txt": "cleaned",
        "story-0001.txt": "quarantined",
        "story-0002.txt": "cleaned",
        "story-0003.txt": "cleaned",
    }, outcomes
    reason = outcomes[1].reason
    assert "worker" in reason and "ended" in reason and "killed by SIGKILL" in reason, reason
    assert not killer.exists()
    assert MARKER in (quarantine / killer.name).read_text("utf-8")
    assert error_report_path(quarantine, killer.name).read_text("utf-8") == reason + "\n"
    assert sorted(p.name for p in quarantine.iterdir()) == [
        "story-0001.txt",
        "story-0001.txt.error.txt",
    ]
    assert not list(outbox.glob("story-0001.*"))
    assert sorted(read_manifest_file(outbox)) == ["story-0000", "story-0002", "story-0003"]
    for outcome in outcomes:
        for name in outcome.outputs:
            assert (outbox / name).stat().st_size > 0


# ---------------------------------------------------------------- no orphan, no second main

# A run that starts a worker, prints its pid, cleans the inbox given (if any), then waits
# to be killed.
ORPHAN = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from copydesk.batch.model import Planned
    from copydesk.batch.worker import ChunkCleaner
    from copydesk.settings import SettingsSpec

    glossary, inbox, outbox = sys.argv[1:4]
    spec = SettingsSpec(glossary_dir=glossary)
    cleaner = ChunkCleaner(spec.load(), spec)
    assert cleaner.in_worker, cleaner.fallback
    print(cleaner._worker.process.pid, flush=True)
    if inbox:
        paths = sorted(Path(inbox).iterdir())
        articles = [Planned(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in paths]
        cleaner.clean(articles, Path(outbox), Path(outbox).parent / "quarantine")
    time.sleep(120)
    """
)


@pytest.mark.parametrize("mid_chunk", [False, True], ids=["idle", "mid-chunk"])
def test_a_worker_ends_soon_after_its_run_is_killed(tmp_path: Path, mid_chunk: bool) -> None:
    count = 150  # about 2 s of cleaning: far more than the worker may outlive its run
    inbox = make_inbox(tmp_path / "inbox", count) if mid_chunk else None
    outbox = tmp_path / "outbox"
    run = subprocess.Popen(
        [sys.executable, "-c", ORPHAN, str(GLOSSARY), str(inbox or ""), str(outbox)],
        stdout=subprocess.PIPE,
        text=True,
    )
    worker = 0
    try:
        assert run.stdout is not None
        worker = int(run.stdout.readline())
        assert _alive(worker)
        if mid_chunk:
            deadline = time.monotonic() + 60
            while not any(outbox.glob("*.clean.txt")) and time.monotonic() < deadline:
                time.sleep(0.005)
            assert any(outbox.glob("*.clean.txt"))
        run.kill()
        run.wait(timeout=10)
        assert _gone_within(worker, 3)
        if mid_chunk:  # it stopped in the chunk, not after it
            assert len(list(outbox.glob("*.clean.txt"))) < count
    finally:
        run.kill()
        run.wait(timeout=10)
        if worker and _alive(worker):
            os.kill(worker, signal.SIGKILL)


# A caller's main module with no ``__name__`` guard: run again in a worker, it would count
# twice (or start workers of its own).
UNGUARDED = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from copydesk.batch.model import Planned
    from copydesk.batch.worker import ChunkCleaner
    from copydesk.settings import SettingsSpec

    folder, glossary = Path(sys.argv[1]), sys.argv[2]
    spec = SettingsSpec(glossary_dir=glossary)
    cleaner = ChunkCleaner(spec.load(), spec)
    paths = sorted((folder / "inbox").iterdir())
    articles = [Planned(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in paths]
    outcomes = cleaner.clean(articles, folder / "outbox", folder / "quarantine")
    print(repr(cleaner.fallback), cleaner.in_worker, [o.status for o in outcomes])
    cleaner.close()
    with (folder / "counter.txt").open("a", encoding="utf-8") as fh:
        fh.write("ran\\n")
    """
)


def test_a_callers_unguarded_main_module_runs_once(tmp_path: Path) -> None:
    make_inbox(tmp_path / "inbox", 2)
    script = tmp_path / "unguarded.py"
    script.write_text(UNGUARDED, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script), str(tmp_path), str(GLOSSARY)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "'' True ['cleaned', 'cleaned']", proc.stderr
    assert (tmp_path / "counter.txt").read_text("utf-8") == "ran\n"
    assert sorted(read_manifest_file(tmp_path / "outbox")) == ["story-0000", "story-0001"]
