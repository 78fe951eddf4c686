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

import copydesk.batch.manifest as manifest_module
from copydesk.batch.manifest import (
    JOURNAL_NAME,
    MANIFEST_NAME,
    ManifestView,
    claim_article,
    manifest_record,
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
from copydesk.batch.summary import batch_summary_markdown
from copydesk.pipeline import Settings, default_settings

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


def two_desks(folder: Path) -> tuple[str, str]:
    """Two inboxes in ``folder`` whose wires name a file alike, with different texts."""
    desks = ("inbox-ar", "inbox-ru")
    for desk in desks:
        (folder / desk).mkdir()
        (folder / desk / "wire-001.txt").write_text(f"Filed by {desk} in Sotchi.\n", "utf-8")
    return desks


def _one_run(inbox: Path, settings: Settings) -> tuple[list[Outcome], list[Outcome]]:
    """Plan the inbox into its default outbox, then clean its chunk: (refused, cleaned)."""
    folders = absolute_folders(str(inbox), None, None)
    inbox_dir, outbox, quarantine = map(Path, folders)
    plan = plan_articles(inbox_dir, "*.txt", outbox, read_manifest_file(outbox), settings.key())
    return plan.refused, process_chunk(plan.todo, settings, outbox, quarantine)


def test_a_stem_another_inbox_cleaned_is_left_in_its_inbox(tmp_path: Path) -> None:
    # Two desks' inboxes in one folder share the default outbox, and both wires number
    # their files alike: the second must not overwrite the first's outputs.
    settings = default_settings(glossary_dir=GLOSSARY)
    two_desks(tmp_path)
    outbox = tmp_path / "outbox"

    refused, done = _one_run(tmp_path / "inbox-ar", settings)
    assert refused == [] and [o.status for o in done] == ["cleaned"]
    first = {p.name: p.read_bytes() for p in outbox.glob("wire-001.*")}
    assert b"inbox-ar" in first["wire-001.clean.txt"]
    assert read_manifest_file(outbox)["wire-001"]["inbox"] == str(tmp_path / "inbox-ar")

    refused, done = _one_run(tmp_path / "inbox-ru", settings)
    assert done == [] and [(o.name, o.status) for o in refused] == [("wire-001.txt", "refused")]
    assert f"from the inbox {tmp_path / 'inbox-ar'}" in refused[0].reason
    assert "own outbox" in refused[0].reason
    assert {p.name: p.read_bytes() for p in outbox.glob("wire-001.*")} == first
    assert (tmp_path / "inbox-ru" / "wire-001.txt").exists()  # left in place
    markdown = batch_summary_markdown("inbox-ru", "outbox", "q", "k", refused, [])
    assert "Left in the inbox" in markdown and "give each inbox its own outbox" in markdown

    # The first inbox's own run still skips its article as done.
    assert _one_run(tmp_path / "inbox-ar", settings) == ([], [])


def test_a_stem_recorded_by_another_inbox_after_planning_is_left_too(tmp_path: Path) -> None:
    settings = default_settings(glossary_dir=GLOSSARY)
    plans = {
        desk: plan_articles(tmp_path / desk, "*.txt", tmp_path / "outbox", {}, "k")
        for desk in two_desks(tmp_path)
    }
    outbox, quarantine = tmp_path / "outbox", tmp_path / "quarantine"
    process_chunk(plans["inbox-ar"].todo, settings, outbox, quarantine)
    first = {p.name: p.read_bytes() for p in outbox.glob("wire-001.*")}
    [late] = process_chunk(plans["inbox-ru"].todo, settings, outbox, quarantine)
    assert late.status == "refused" and str(tmp_path / "inbox-ar") in late.reason
    assert {p.name: p.read_bytes() for p in outbox.glob("wire-001.*")} == first
    assert read_manifest_file(outbox)["wire-001"]["inbox"] == str(tmp_path / "inbox-ar")


def test_a_stem_of_a_removed_inbox_or_an_older_record_is_free(tmp_path: Path) -> None:
    settings = default_settings(glossary_dir=GLOSSARY)
    two_desks(tmp_path)
    outbox = tmp_path / "outbox"
    _one_run(tmp_path / "inbox-ar", settings)
    # A record written before records named their inbox belongs to no other inbox.
    records = read_manifest_file(outbox)
    del records["wire-001"]["inbox"]
    write_manifest_file(outbox, records)
    refused, done = _one_run(tmp_path / "inbox-ru", settings)
    assert refused == [] and [o.status for o in done] == ["cleaned"]
    assert read_manifest_file(outbox)["wire-001"]["inbox"] == str(tmp_path / "inbox-ru")
    # An inbox moved away (renamed, removed) no longer holds its stems.
    (tmp_path / "inbox-ru").rename(tmp_path / "inbox-ru-2025")
    (tmp_path / "inbox-ar" / "wire-001.txt").write_text("Filed again in Sotchi.\n", "utf-8")
    refused, done = _one_run(tmp_path / "inbox-ar", settings)
    assert refused == [] and [o.status for o in done] == ["cleaned"]
    assert b"Filed again" in (outbox / "wire-001.clean.txt").read_bytes()


def _cleaned(stem: str, digest: str = "00") -> Outcome:
    return Outcome(f"{stem}.txt", "cleaned", digest, stem=stem, outputs={f"{stem}.clean.txt": "0"})


def test_records_go_to_a_journal_folded_once_it_outgrows_the_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox = tmp_path / "outbox"
    monkeypatch.setattr(manifest_module, "JOURNAL_FOLD_BYTES", 600)  # about 5 lines
    record_outcomes(outbox, [_cleaned(f"s{i}") for i in range(3)], "k")
    journal, base = outbox / JOURNAL_NAME, outbox / MANIFEST_NAME
    assert journal.exists() and not base.exists()  # appended, nothing rewritten
    record_outcomes(outbox, [_cleaned("s1", "11")], "k")  # a later line overrides
    assert read_manifest_file(outbox)["s1"]["sha256"] == "11"
    for i in range(3, 12):  # past the fold size: one manifest, no journal
        record_outcomes(outbox, [_cleaned(f"s{i}")], "k")
    records = read_manifest_file(outbox)
    assert sorted(records) == sorted(f"s{i}" for i in range(12))
    assert records["s1"]["sha256"] == "11"
    stored = json.loads(base.read_text(encoding="utf-8"))["articles"]
    assert len(stored) >= 5 and all(stored[stem] == records[stem] for stem in stored)
    # From then on the journal grows up to the manifest's size before the next fold.
    size = base.stat().st_size
    record_outcomes(outbox, [_cleaned("t0")], "k")
    assert journal.stat().st_size < size and base.stat().st_size == size


def test_a_journal_line_cut_short_by_a_crash_is_never_a_record(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    record_outcomes(outbox, [_cleaned("a")], "k")
    journal = outbox / JOURNAL_NAME
    whole = journal.read_bytes()
    with journal.open("ab") as f:  # a power cut in the middle of the next append
        f.write(whole[: len(whole) // 2].replace(b'"a"', b'"b"'))
    assert sorted(read_manifest_file(outbox)) == ["a"]
    view = ManifestView(outbox)
    assert view.record("b") is None
    record_outcomes(outbox, [_cleaned("c")], "k")  # begins on a line of its own
    assert sorted(read_manifest_file(outbox)) == ["a", "c"]
    assert view.record("c") is not None and view.record("b") is None
    journal.write_bytes(journal.read_bytes() + b"[1, 2]\n{not json\n")  # damage: skipped
    assert sorted(read_manifest_file(outbox)) == ["a", "c"]


def test_the_view_reads_the_journal_as_it_grows_and_a_rewrite_whole(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    write_manifest_file(outbox, {"a": manifest_record(_cleaned("a"), "k")})
    view = ManifestView(outbox)
    assert view.record("a") is not None and view.record("b") is None
    record_outcomes(outbox, [_cleaned("b")], "k")
    assert view.record("b") is not None
    # A rewrite (an older tool, or a maintainer) folds the journal in: the view follows it.
    write_manifest_file(outbox, {"z": manifest_record(_cleaned("z"), "k")})
    assert not (outbox / JOURNAL_NAME).exists()
    assert view.record("b") is None and view.record("z") is not None
    record_outcomes(outbox, [_cleaned("y")], "k")
    assert view.record("y") is not None and view.record("z") is not None
