"""Concurrent batch runs into one outbox, with the library alone and real processes.

Two inboxes in one folder share the default sibling outbox, and runs may overlap (a
schedule beside a manual run, two workers). The manifest must keep every run's records and
no article may be cleaned twice (:func:`copydesk.batch.process.process_chunk`,
:func:`copydesk.batch.manifest.record_outcomes`). Runs here are separate Python processes
started together behind a barrier, each doing what the inbox flow does, without Prefect.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from copydesk.batch.manifest import (
    ManifestView,
    claim_article,
    read_manifest_file,
    record_outcomes,
    write_manifest_file,
)
from copydesk.batch.model import Outcome
from copydesk.batch.plan import (
    BatchError,
    absolute_folders,
    check_not_all_vanished,
    plan_articles,
    vanished_names,
)
from copydesk.batch.process import process_chunk
from copydesk.pipeline import default_settings

from .conftest import ROOT, SEED
from .test_batch import GLOSSARY, planned

# One run of an inbox as the flow makes it (plan, then chunks that record themselves), in
# a process of its own; it waits for the file GO so that every run starts at once, and
# prints what became of each article.
RUN = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from copydesk.batch.manifest import prepare_outbox
    from copydesk.batch.plan import absolute_folders, chunked, plan_articles
    from copydesk.batch.process import process_chunk
    from copydesk.pipeline import default_settings

    inbox, glossary, go = sys.argv[1:4]
    inbox, outbox, quarantine = absolute_folders(inbox, None, None)
    settings = default_settings(glossary_dir=glossary)
    key = settings.key()
    while not Path(go).exists():
        time.sleep(0.005)
    manifest = prepare_outbox(Path(outbox), Path(quarantine))
    plan = plan_articles(Path(inbox), "*.txt", Path(outbox), manifest, key)
    outcomes = []
    for chunk in chunked(plan.todo, 4):
        outcomes += process_chunk(chunk, settings, Path(outbox), Path(quarantine))
    print(json.dumps({"skipped": plan.skipped, "outcomes": [[o.name, o.status] for o in outcomes]}))
    """
)


def make_articles(inbox: Path, prefix: str, count: int) -> list[str]:
    inbox.mkdir(parents=True)
    seed = SEED.read_text(encoding="utf-8")
    names = [f"{prefix}-{i:03d}.txt" for i in range(count)]
    for i, name in enumerate(names):
        (inbox / name).write_text(f"{seed}\n{prefix} story {i}, filed in Sotchi.\n", "utf-8")
    return names


def start_runs(inboxes: list[Path], go: Path, cwd: Path) -> list[subprocess.Popen[str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return [
        subprocess.Popen(
            [sys.executable, "-c", RUN, str(inbox), str(GLOSSARY), str(go)],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for inbox in inboxes
    ]


def finish(runs: list[subprocess.Popen[str]]) -> list[dict[str, list[str]]]:
    results = []
    for run in runs:
        out, err = run.communicate(timeout=240)
        assert run.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def cleaned_by(result: dict[str, list[str]]) -> list[str]:
    return [name for name, status in result["outcomes"] if status == "cleaned"]


def test_two_inboxes_in_one_folder_three_runs_at_once(tmp_path: Path) -> None:
    a_names = make_articles(tmp_path / "inbox-a", "a", 30)
    b_names = make_articles(tmp_path / "inbox-b", "b", 30)
    go = tmp_path / "go"
    # Two runs of inbox-a overlap (a schedule and a manual run) beside one of inbox-b, all
    # into the default outbox they share; relative inbox paths, as typed.
    runs = start_runs([Path("inbox-a"), Path("inbox-b"), Path("inbox-a")], go, tmp_path)
    time.sleep(3)  # let the interpreters start, so that the runs truly overlap
    go.touch()
    first_a, only_b, second_a = finish(runs)

    # Every article cleaned exactly once, whichever run took it.
    both_a = cleaned_by(first_a) + cleaned_by(second_a)
    assert sorted(both_a) == a_names
    assert sorted(cleaned_by(only_b)) == b_names
    statuses = {status for r in (first_a, only_b, second_a) for _, status in r["outcomes"]}
    assert statuses <= {"cleaned", "unchanged"}

    outbox = tmp_path / "outbox"
    stems = sorted(n.removesuffix(".txt") for n in a_names + b_names)
    assert sorted(read_manifest_file(outbox)) == stems  # no record lost
    for stem in stems:
        for suffix in (".clean.txt", ".report.md", ".report.json", ".report.html"):
            assert (outbox / f"{stem}{suffix}").stat().st_size > 0
    assert not list(outbox.glob(".cdtmp-*"))

    # A rerun cleans nothing.
    go_again = tmp_path / "go-again"
    go_again.touch()
    for result in finish(start_runs([Path("inbox-a"), Path("inbox-b")], go_again, tmp_path)):
        assert result["outcomes"] == [] and len(result["skipped"]) == 30


RECORD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from copydesk.batch.manifest import read_manifest_file, record_outcomes
    from copydesk.batch.model import Outcome

    outbox, writer, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    stale = read_manifest_file(outbox)  # read before the others write: merging must not care
    while not go.exists():
        time.sleep(0.002)
    for i in range(40):
        outcome = Outcome(f"{writer}-{i}.txt", "cleaned", "ab" * 32, stem=f"{writer}-{i}",
                          outputs={f"{writer}-{i}.clean.txt": "cd" * 32})
        record_outcomes(outbox, [outcome], "key")
    """
)


def test_records_written_by_concurrent_processes_are_all_kept(tmp_path: Path) -> None:
    outbox, go = tmp_path / "outbox", tmp_path / "go"
    write_manifest_file(outbox, {})
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", RECORD, str(outbox), f"w{n}", str(go)],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    time.sleep(1.5)
    go.touch()
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    manifest = read_manifest_file(outbox)
    assert len(manifest) == 160
    assert manifest["w3-39"]["outputs"] == {"w3-39.clean.txt": "cd" * 32}


def test_merging_keeps_records_written_since_a_stale_read(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"

    def cleaned(stem: str) -> Outcome:
        return Outcome(f"{stem}.txt", "cleaned", "00", stem=stem, outputs={})

    record_outcomes(outbox, [cleaned("a")], "k")
    record_outcomes(outbox, [cleaned("b"), Outcome("c.txt", "quarantined", stem="c")], "k")
    assert sorted(read_manifest_file(outbox)) == ["a", "b"]  # only cleaned ones recorded
    view = ManifestView(outbox)
    assert view.record("a") is not None and view.record("z") is None
    record_outcomes(outbox, [cleaned("z")], "k")
    assert view.record("z") is not None  # the view reads the file again once it changed


def test_a_claimed_article_is_cleaned_by_its_holder_only(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    make_articles(inbox, "x", 3)
    outbox, quarantine = tmp_path / "outbox", tmp_path / "quarantine"
    settings = default_settings(glossary_dir=GLOSSARY)
    articles = planned(sorted(inbox.iterdir()))
    held = inbox / "x-001.txt"
    with claim_article(held, wait=False) as mine:
        assert mine is True
        with claim_article(held, wait=False) as theirs:
            assert theirs is False  # flock: another open file description
    # Another run cleaned x-001 since this one planned it: skipped, not cleaned again.
    process_chunk(articles[1:2], settings, outbox, quarantine)
    before = (outbox / "x-001.report.json").stat().st_mtime_ns
    outcomes = process_chunk(articles, settings, outbox, quarantine)
    assert [o.status for o in outcomes] == ["cleaned", "unchanged", "cleaned"]
    assert (outbox / "x-001.report.json").stat().st_mtime_ns == before
    assert sorted(read_manifest_file(outbox)) == ["x-000", "x-001", "x-002"]
    (inbox / "x-002.txt").unlink()
    with claim_article(inbox / "x-002.txt", wait=True) as gone:
        assert gone is None


def test_vanished_articles_are_counted_and_all_vanished_fails(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    make_articles(inbox, "v", 2)
    outbox, quarantine = tmp_path / "outbox", tmp_path / "quarantine"
    settings = default_settings(glossary_dir=GLOSSARY)
    plan = plan_articles(inbox, "*.txt", outbox, {}, settings.key())
    (inbox / "v-000.txt").unlink()
    outcomes = process_chunk(plan.todo, settings, outbox, quarantine)
    assert vanished_names(outcomes) == ["v-000.txt"]
    check_not_all_vanished(str(inbox), len(plan.todo), outcomes)  # one is not all
    (inbox / "v-001.txt").unlink()
    outcomes = process_chunk(plan.todo, settings, outbox, quarantine)
    with pytest.raises(BatchError, match="all 2 article"):
        check_not_all_vanished(str(inbox), len(plan.todo), outcomes)
    check_not_all_vanished(str(inbox), 0, [])  # nothing planned: nothing to fail


def test_folders_are_made_absolute_before_planning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    inbox, outbox, quarantine = absolute_folders("in", None, "q")
    assert inbox == str(tmp_path / "in") and outbox == str(tmp_path / "outbox")
    assert quarantine == str(tmp_path / "q")
