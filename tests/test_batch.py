"""Batches without Prefect's engine: output sets, names, modes, temporaries, and the batch
library (:mod:`copydesk.batch`: planning, manifest, quarantine, summaries, the evaluate
alignment), and ``copydesk clean`` with a bad file among good ones. Flow-level cases are in
``test_flows.py`` (which also checks that the flow does what these functions do); SIGKILL
in ``test_faults.py``.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from copydesk.batch.evaluate import align, corpus_scores
from copydesk.batch.fit import ARTIFACT_LIMIT, artifact_key, fit_markdown, fit_rows, key_page
from copydesk.batch.manifest import (
    MANIFEST_NAME,
    prepare_outbox,
    read_manifest_file,
    record_cleaned,
    write_manifest_file,
)
from copydesk.batch.model import Outcome, Planned
from copydesk.batch.plan import check_folders, check_pattern, chunked, plan_articles
from copydesk.batch.process import (
    process_article,
    process_articles,
    process_chunk,
    sync_file_system,
)
from copydesk.batch.publish import article_reports
from copydesk.batch.quarantine import error_report_path
from copydesk.batch.summary import (
    batch_result,
    batch_summary_markdown,
    inbox_run_name,
    summary_kind,
)
from copydesk.errors import InputError
from copydesk.load import load_bytes
from copydesk.output import (
    OUTPUT_SUFFIXES,
    TEMP_GLOB,
    atomic_write_text,
    fit_name,
    output_paths,
    output_stem,
    sweep_temp_files,
    write_files_atomically,
    write_output_set,
    write_outputs,
)
from copydesk.pipeline import Settings, clean, default_settings
from copydesk.scores.reference import segment

from .conftest import FIXTURES, SEED

GLOSSARY = FIXTURES / "glossary"
ARTICLE = "He flew to Sotchi on Monday.\n"
NAME_MAX = 255
KEY_RE = re.compile(r"^[a-z0-9-]*$")
BAD_FILES = {
    "empty.txt": b"",
    "binary.txt": b"\x00\x01\x02\x03PK\x05\x06 binary",
    "undecodable.txt": "café ’ ".encode() + b"\xff\xfe\xfa",
}


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


@pytest.fixture
def glossary(tmp_path: Path) -> Path:
    """A private copy of the test glossary, so that a test may change it."""
    return Path(shutil.copytree(GLOSSARY, tmp_path / "glossary"))


def make_inbox(folder: Path, count: int, bad: dict[str, bytes] | None = None) -> Path:
    """``count`` seed-size articles that differ slightly, plus ``bad`` files."""
    folder.mkdir(parents=True, exist_ok=True)
    seed = SEED.read_text(encoding="utf-8")
    for i in range(count):
        (folder / f"story-{i:04d}.txt").write_text(
            f"{seed}\nStory {i} was filed in Sotchi.\n", encoding="utf-8"
        )
    for name, data in (bad or {}).items():
        (folder / name).write_bytes(data)
    return folder


def run_batch(
    inbox: Path,
    outbox: Path,
    quarantine: Path,
    settings: Settings,
    pattern: str = "*.txt",
    chunk_size: int = 25,
) -> tuple[dict[str, Any], list[Outcome]]:
    """One run of the inbox with the library alone, in the flow's order: the run's result
    (as the flow returns it, less the flow run and artifact keys) and its outcomes."""
    check_pattern(pattern)
    check_folders(inbox, outbox, quarantine)
    key = settings.key()
    manifest = prepare_outbox(outbox, quarantine)
    plan = plan_articles(inbox, pattern, outbox, manifest, key)
    outcomes: list[Outcome] = list(plan.refused)
    for chunk in chunked(plan.todo, chunk_size):
        outcomes += process_chunk(chunk, settings, outbox, quarantine)  # records the chunk
    skipped = plan.skipped + [o.name for o in outcomes if o.status == "unchanged"]
    outcomes = [o for o in outcomes if o.status != "unchanged"]
    result = batch_result(str(outbox), str(quarantine), key, outcomes, skipped, {})
    return result, outcomes


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


# ---------------------------------------------------------------- keys, sizes, stems


def test_artifact_keys_are_valid_and_unique() -> None:
    names = ["Sochi summit", "sochi-summit", "SOCHI SUMMIT!", "Сочи", "", "x" * 300]
    keys = [artifact_key(n, "report") for n in names]
    assert all(KEY_RE.match(k) for k in keys)
    assert len(set(keys)) == len(names)
    assert artifact_key("Sochi summit", "report") == artifact_key("Sochi summit", "report")


def test_fit_markdown_and_rows_stay_under_the_limit() -> None:
    big = "| a | b |\n" * 20_000
    fitted = fit_markdown(big, full_text_at="out/x.report.md")
    assert len(fitted.encode()) <= ARTIFACT_LIMIT
    assert "Report truncated" in fitted and "out/x.report.md" in fitted
    rows, left_out = fit_rows([{"text": "é" * 100}] * 2000)
    assert len(json.dumps(rows).encode()) <= ARTIFACT_LIMIT
    assert left_out == 2000 - len(rows) > 0


def planned(paths: list[Path]) -> list[Planned]:
    """The articles as planning sees them now."""
    return [Planned(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in paths]


def test_output_stem() -> None:
    assert output_stem("any", "inbox/sochi-summit.txt") == "sochi-summit"
    assert output_stem("../etc/passwd").startswith("etc-passwd-")
    # Ids that make the same slug keep their own files.
    ids = ["Wire 7", "wire 7", "wire/7", "wire-7", "wire--7", "../wire-7"]
    stems = [output_stem(i) for i in ids]
    assert len(set(stems)) == len(ids)
    assert output_stem("wire-7") == "wire-7"  # a file-safe id is kept as it is
    assert all("/" not in s and not s.startswith(".") for s in stems)


def test_settings_key_follows_the_glossary(glossary: Path) -> None:
    before = default_settings(glossary_dir=glossary).key()
    assert before == default_settings(glossary_dir=glossary).key()
    with (glossary / "test.yaml").open("a", encoding="utf-8") as fh:
        fh.write("# a reviewed change\n")
    assert default_settings(glossary_dir=glossary).key() != before


def test_evaluate_alignment() -> None:
    segments = align("a", "one\n\ntwo\n", "One\n\ntwo\n", "one\n\n2\n")
    assert segments.raw == ("one", "two") and segments.cleaned == ("One", "two")
    assert "reference has 3" in align("b", "one\ntwo", "one\ntwo", "1\n2\n3").problem


# A translation that spaces its paragraphs otherwise than its reference: extra blank lines,
# a line of spaces, and one blank line fewer.
SPACED = "He flew to Sotchi.\n\n\nThe talks in Idleb went on.\n  \nThey ended late.\n"
SPACED_REFERENCE = "He flew to Sochi.\nThe talks in Idlib went on.\n\nThey ended late.\n"


def test_blank_lines_score_alike_in_clean_and_in_evaluate(settings: Settings) -> None:
    """One line rule: ``copydesk clean --reference`` and the evaluate flow's alignment drop
    blank lines in each text, so the same text gets the same segments and the same scores."""
    result = clean(load_bytes(SPACED.encode(), "a.txt"), settings, reference=SPACED_REFERENCE)
    assert result.scores is not None and result.scores.reference is not None
    through_clean = result.scores.reference.to_dict()
    assert (through_clean["segmentation"], through_clean["segments"]) == ("line", 3)
    segments = align("a", SPACED, result.cleaned, SPACED_REFERENCE)
    assert not segments.problem
    mode, hypotheses, references = segment(
        {"input": SPACED, "cleaned": result.cleaned}, SPACED_REFERENCE
    )
    assert mode == "line" and list(segments.reference) == references
    assert (list(segments.raw), list(segments.cleaned)) == (
        hypotheses["input"],
        hypotheses["cleaned"],
    )
    rows = corpus_scores(
        {"raw": list(segments.raw), "cleaned": list(segments.cleaned)}, list(segments.reference)
    )
    assert [row["metric"] for row in rows] == ["BLEU", "chrF++", "TER"]
    for row in rows:
        for system, name in (("raw", "input"), ("cleaned", "cleaned")):
            assert row[system] == round(through_clean[name][row["metric"]]["score"], 2)
        assert row["signature"] == through_clean["input"][row["metric"]]["signature"]
    assert rows[0]["cleaned"] == 100.0 > rows[0]["raw"]  # the scores say something


def test_a_chunk_quarantines_and_continues(tmp_path: Path) -> None:
    inbox = make_inbox(tmp_path / "inbox", 2, {"binary.txt": BAD_FILES["binary.txt"]})
    settings = default_settings(glossary_dir=GLOSSARY)
    articles = planned(sorted(inbox.iterdir()))
    outcomes = process_articles(articles, settings, tmp_path / "out", tmp_path / "q")
    assert [o.status for o in outcomes] == ["quarantined", "cleaned", "cleaned"]
    assert "binary" in (tmp_path / "q" / "binary.txt.error.txt").read_text(encoding="utf-8")
    assert (tmp_path / "q" / "binary.txt").exists() and not (inbox / "binary.txt").exists()


# ---------------------------------------------------------------- planning, manifest, quarantine


def plan(inbox: Path, outbox: Path, key: str, pattern: str = "*.txt") -> Any:
    return plan_articles(inbox, pattern, outbox, read_manifest_file(outbox), key)


def clean_all(inbox: Path, outbox: Path, quarantine: Path, settings: Any) -> list[Outcome]:
    """One run of the inbox with the plain helpers: plan, clean, record."""
    key = settings.key()
    manifest = read_manifest_file(outbox)
    todo = plan_articles(inbox, "*.txt", outbox, manifest, key)
    outcomes = process_articles(todo.todo, settings, outbox, quarantine)
    record_cleaned(manifest, outcomes, key)
    write_manifest_file(outbox, manifest)
    return [*todo.refused, *outcomes]


def test_odd_and_long_names_are_cleaned_not_fatal(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    names = [
        "s" * 236 + ".txt",  # 240 bytes
        "l" * 251 + ".txt",  # 255 bytes, the limit
        "é" * 125 + ".txt",
        os.fsdecode(b"caf\xe9-\xff.txt"),  # not UTF-8
    ]
    make_inbox(inbox, 1)
    for name in names:
        (inbox / name).write_text("Filed in Sotchi.\n", encoding="utf-8")
    settings = default_settings(glossary_dir=GLOSSARY)
    outbox, quarantine = tmp_path / "outbox", tmp_path / "quarantine"
    outcomes = clean_all(inbox, outbox, quarantine, settings)
    assert [o.status for o in outcomes] == ["cleaned"] * 5, outcomes
    assert "caf\\xe9-\\xff.txt" in {o.name for o in outcomes}  # printable name
    assert len(list(outbox.glob("*.clean.txt"))) == 5 and not list(outbox.glob(".cdtmp-*"))
    manifest = json.loads((outbox / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert len(manifest["articles"]) == 5
    assert plan(inbox, outbox, settings.key()).todo == []  # all recorded and intact


def test_any_error_quarantines_only_its_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import copydesk.batch.process

    inbox = make_inbox(tmp_path / "inbox", 4)
    outbox, quarantine = tmp_path / "outbox", tmp_path / "quarantine"
    (outbox / "story-0001.report.json").mkdir(parents=True)  # its write fails (OSError)
    real_clean = copydesk.batch.process.clean

    def clean_or_fail(doc: Any, settings: Any) -> Any:
        if doc.name == "story-0002.txt":
            raise MemoryError
        if doc.name == "story-0003.txt":
            "\udcff".encode()  # raises UnicodeEncodeError
        return real_clean(doc, settings)

    monkeypatch.setattr(copydesk.batch.process, "clean", clean_or_fail)
    settings = default_settings(glossary_dir=GLOSSARY)
    outcomes = {o.name: o for o in clean_all(inbox, outbox, quarantine, settings)}
    assert outcomes["story-0000.txt"].status == "cleaned"
    reasons = {n: o.reason for n, o in outcomes.items() if o.status == "quarantined"}
    assert sorted(reasons) == ["story-0001.txt", "story-0002.txt", "story-0003.txt"]
    assert "folder is in the way" in reasons["story-0001.txt"]
    assert reasons["story-0002.txt"] == "MemoryError"
    assert "UnicodeEncodeError" in reasons["story-0003.txt"]
    for name, reason in reasons.items():
        report = error_report_path(quarantine, name).read_text(encoding="utf-8")
        assert report == reason + "\n" and (quarantine / name).exists()
    assert [p.name for p in outbox.glob("story-0001*")] == ["story-0001.report.json"]
    assert error_report_path(quarantine, "a.txt") != error_report_path(quarantine, "a.md")


def test_a_fault_outside_the_article_steps_fails_only_that_article(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import copydesk.batch.process

    inbox = make_inbox(tmp_path / "inbox", 3)
    real = copydesk.batch.process.process_article

    def faulty(article: Planned, *args: Any) -> Outcome:
        if article.path.endswith("0001.txt"):
            msg = "unexpected"
            raise RuntimeError(msg)
        return real(article, *args)

    monkeypatch.setattr(copydesk.batch.process, "process_article", faulty)
    settings = default_settings(glossary_dir=GLOSSARY)
    todo = planned(sorted(inbox.iterdir()))
    outcomes = process_articles(todo, settings, tmp_path / "out", tmp_path / "q")
    assert [o.status for o in outcomes] == ["cleaned", "failed", "cleaned"]
    assert outcomes[1].reason == "unexpected (RuntimeError)"
    assert (inbox / "story-0001.txt").exists()


def test_a_file_changing_during_the_run_is_left_for_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import copydesk.batch.process

    inbox = make_inbox(tmp_path / "inbox", 2)
    outbox, quarantine = tmp_path / "outbox", tmp_path / "quarantine"
    settings = default_settings(glossary_dir=GLOSSARY)
    todo = plan(inbox, outbox, settings.key()).todo
    growing = inbox / "story-0000.txt"
    with growing.open("ab") as fh:  # the writer goes on after planning
        fh.write(b"\xe2\x80")  # half a character: not valid UTF-8 yet
    first = process_article(todo[0], settings, outbox, quarantine)
    assert first.status == "changing" and growing.exists() and not quarantine.exists()

    # Changed while it was read and cleaned: left in place, not quarantined.
    real_load = copydesk.batch.process.load_bytes

    def load_while_written(data: bytes, name: str, **options: Any) -> Any:
        with growing.open("ab") as fh:
            fh.write(b"\x99 more text\n")
        return real_load(data, name, **options)

    monkeypatch.setattr(copydesk.batch.process, "load_bytes", load_while_written)
    again = plan(inbox, outbox, settings.key()).todo
    assert process_article(again[0], settings, outbox, quarantine).status == "changing"
    assert growing.exists() and not quarantine.exists()
    monkeypatch.undo()
    done = clean_all(inbox, outbox, quarantine, settings)  # the writer has finished
    assert sorted(o.status for o in done) == ["cleaned", "cleaned"]


def test_bad_manifest_records_are_ignored(tmp_path: Path) -> None:
    inbox = make_inbox(tmp_path / "inbox", 3)
    outbox, quarantine = tmp_path / "outbox", tmp_path / "quarantine"
    settings = default_settings(glossary_dir=GLOSSARY)
    clean_all(inbox, outbox, quarantine, settings)
    manifest = json.loads((outbox / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["articles"]["story-0000"] = ["not", "a", "mapping"]
    manifest["articles"]["story-0001"] = {"sha256": 7, "settings": None}
    manifest["articles"]["zzz"] = "text"
    (outbox / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    assert sorted(read_manifest_file(outbox)) == ["story-0002"]
    todo = plan(inbox, outbox, settings.key()).todo
    assert [Path(p.path).name for p in todo] == ["story-0000.txt", "story-0001.txt"]


def test_damaged_outputs_are_planned_again(tmp_path: Path) -> None:
    inbox = make_inbox(tmp_path / "inbox", 3)
    outbox, quarantine = tmp_path / "outbox", tmp_path / "quarantine"
    settings = default_settings(glossary_dir=GLOSSARY)
    clean_all(inbox, outbox, quarantine, settings)
    reference = {p.name: p.read_bytes() for p in outbox.iterdir() if p.name != MANIFEST_NAME}
    (outbox / "story-0000.report.json").write_bytes(b"")  # emptied
    (outbox / "story-0001.clean.txt").write_text("tampered\n", encoding="utf-8")
    (outbox / "story-0002.report.html").unlink()
    assert len(plan(inbox, outbox, settings.key()).todo) == 3
    clean_all(inbox, outbox, quarantine, settings)
    assert {p.name: p.read_bytes() for p in outbox.iterdir() if p.name != MANIFEST_NAME} == (
        reference
    )
    assert plan(inbox, outbox, settings.key()).todo == []


def test_patterns_and_links_cannot_leave_the_inbox(tmp_path: Path) -> None:
    for bad in ("../outside/*.txt", "sub/*.txt", "..", "", "/etc/*", "..*"):
        with pytest.raises(InputError, match="pattern"):
            check_pattern(bad)
    for good in ("*.txt", "*.md", "wire-??.txt", "[ab]*"):
        check_pattern(good)
    inbox = make_inbox(tmp_path / "inbox", 1)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Private text about Sotchi.\n", encoding="utf-8")
    (inbox / "link.txt").symlink_to(outside / "secret.txt")
    (inbox / "inner.txt").symlink_to(inbox / "story-0000.txt")
    result = plan(inbox, tmp_path / "outbox", "key")
    assert sorted(Path(p.path).name for p in result.todo) == ["inner.txt", "story-0000.txt"]
    assert [(o.name, o.status) for o in result.refused] == [("link.txt", "refused")]
    with pytest.raises(InputError):
        plan(inbox, tmp_path / "outbox", "key", pattern="../outside/*.txt")
    assert (outside / "secret.txt").exists()


def test_stems_that_clash_are_refused_and_left_in_place(tmp_path: Path) -> None:
    inbox = make_inbox(tmp_path / "inbox", 1)
    for name in ("a.txt", "a.md"):
        (inbox / name).write_text(f"Filed as {name} in Sotchi.\n", encoding="utf-8")
    result = plan_articles(inbox, "*", tmp_path / "outbox", {}, "key")
    assert [Path(p.path).name for p in result.todo] == ["story-0000.txt"]
    assert sorted(o.name for o in result.refused) == ["a.md", "a.txt"]
    assert all("a.md and a.txt" in o.reason for o in result.refused)
    markdown = batch_summary_markdown("inbox", "outbox", "q", "k", result.refused, [])
    assert "Left in the inbox" in markdown and "a.md and a.txt would share" in markdown


def test_outbox_and_quarantine_must_be_outside_the_inbox(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for outbox, quarantine in (
        (inbox, tmp_path / "q"),
        (inbox / "out", tmp_path / "q"),
        (tmp_path / "out", inbox),
        (tmp_path / "out", tmp_path / "out"),
        (tmp_path / "out", inbox / "." / "q"),
    ):
        with pytest.raises(InputError):
            check_folders(inbox, outbox, quarantine)
    check_folders(inbox, tmp_path / "outbox", tmp_path / "quarantine")
    check_folders(inbox, tmp_path, tmp_path / "quarantine")  # the parent is fine


def test_batch_summary_tracks_quality() -> None:
    outcomes = [
        Outcome("a.txt", "cleaned", "x", edits=2, findings=3, words=100, penalty=7.0,
                categories={"Style/Awkward": 2, "Fluency/Grammar": 1}),
        Outcome("b.txt", "cleaned", "y", edits=0, findings=1, words=300, penalty=1.0,
                categories={"Style/Awkward": 1}),
        Outcome("c.txt", "quarantined", "z", reason="c.txt: the article is empty (0 bytes)"),
        Outcome("d.txt", "vanished"),
        Outcome("e.txt", "changing", reason="changed during the run; next run"),
    ]  # fmt: skip
    skipped = [f"s{i}.txt" for i in range(5)]
    page = "/v2/artifacts/artifact/0b8f2c4e-8a61-4c1e-9b57-4e0d3f6a9c21"
    md = batch_summary_markdown(
        "/srv/inbox", "outbox", "quarantine", "copydesk:0.1.0|g:1", outcomes, skipped,
        {"a.txt": page},
    )  # fmt: skip
    assert md.startswith("# clean-inbox: inbox\n") and "| Inbox | `/srv/inbox` |" in md
    assert "| MQM penalty per 100 words (cleaned articles) | 2.00 |" in md
    assert f"| [a.txt]({page}) | cleaned | 2 | 3 | 7.00 |" in md
    assert "| b.txt | cleaned | 0 | 1 | 0.33 |" in md  # no report page: no link
    assert "| Skipped (unchanged) | 5 |" in md and "| s4.txt | unchanged | – | – | – |" in md
    assert "| Vanished | 1 |" in md and "| d.txt | vanished | – | – | – |" in md
    assert "| e.txt | left (changing) |" in md and "changed during the run; next run" in md
    assert "| Style/Awkward | 3 |" in md and "| Fluency/Grammar | 1 |" in md
    assert "`copydesk:0.1.0` \\| `g:1`" in md
    assert "- **c.txt**: the article is empty (0 bytes)" in md  # the name said once
    rows = [line.split(" | ")[0] for line in md.splitlines() if line.startswith("| ")]
    articles = rows[rows.index("| Article") + 1 :]
    # What needs a look first: quarantined, left, vanished, then cleaned, then unchanged.
    assert [a.strip("| ") for a in articles[:5]] == [
        "c.txt", "e.txt", "d.txt", f"[a.txt]({page})", "b.txt"
    ]  # fmt: skip
    assert "Nothing was cleaned" not in md


def test_batch_summary_of_an_idle_run_points_to_the_last_real_one() -> None:
    idle = [Outcome("e.txt", "changing", reason="changed during the run; next run")]
    assert summary_kind(idle) == "idle-summary" != summary_kind([Outcome("a.txt", "cleaned")])
    assert summary_kind([]) == "idle-summary"
    last = key_page(artifact_key("/srv/inbox", "summary"))
    md = batch_summary_markdown("/srv/inbox", "o", "q", "k", idle, ["a.txt"], {}, last)
    assert f"[The last summary that cleaned articles]({last})" in md
    assert last.startswith("/v2/artifacts/key/") and last.endswith("-summary")


def test_inbox_runs_are_named_by_absolute_path_and_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    started = datetime(2026, 11, 30, 12, 5, 9, tzinfo=timezone(timedelta(hours=2)))
    name = inbox_run_name("inbox/", started)
    assert name == f"clean-inbox {tmp_path.resolve() / 'inbox'} 2026-11-30 10:05:09 UTC"


def test_report_artifacts_are_the_written_reports(tmp_path: Path, settings: Settings) -> None:
    inbox = make_inbox(tmp_path / "inbox", 2, {"binary.txt": BAD_FILES["binary.txt"]})
    outbox, quarantine = tmp_path / "outbox", tmp_path / "quarantine"
    _, outcomes = run_batch(inbox, outbox, quarantine, settings)
    reports = list(article_reports(outcomes, outbox))
    assert [r.name for r in reports] == ["story-0000.txt", "story-0001.txt"]  # cleaned only
    first = reports[0]
    assert first.key == artifact_key("story-0000", "report") and not first.problem
    assert first.markdown == (outbox / "story-0000.report.md").read_text(encoding="utf-8")
    assert first.description == "copydesk diff report of story-0000"
    (outbox / "story-0001.report.md").write_text("rewritten\n", encoding="utf-8")
    (outbox / "story-0000.report.md").unlink()
    again = list(article_reports(outcomes, outbox))
    assert [(r.markdown, r.problem) for r in again] == [
        ("", "unreadable: No such file or directory"),
        ("", "rewritten since this run wrote it"),
    ]
    (none,) = article_reports([Outcome("x.txt", "cleaned", stem="x")], outbox)
    assert (none.markdown, none.problem) == ("", "no Markdown report written")


def test_the_batch_library_imports_no_prefect_and_no_flows() -> None:
    modules = sorted(
        f"copydesk.batch.{p.stem}"
        for p in (Path(__file__).parents[1] / "src" / "copydesk" / "batch").glob("*.py")
        if p.stem != "__init__"
    )
    assert "copydesk.batch.process" in modules and "copydesk.batch.evaluate" in modules
    script = (
        f"import sys; import {', '.join(modules)}; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('prefect', 'copydesk_flows')))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert proc.stdout.strip() == "[]"


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


def test_a_set_written_without_fsync_has_the_same_bytes_and_hashes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    result = clean(load_bytes(SEED.read_bytes(), SEED.name), settings)
    durable = write_output_set(result, tmp_path / "durable", "a")
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd))
    quick = write_output_set(result, tmp_path / "quick", "a", durable=False)
    assert synced == []  # neither the files nor the folder
    write_output_set(result, tmp_path / "again", "a")
    assert len(synced) == len(OUTPUT_SUFFIXES) + 1  # each file, then the folder
    assert [(p.name, h) for p, h in durable.items()] == [(p.name, h) for p, h in quick.items()]
    for path in quick:
        assert path.read_bytes() == (tmp_path / "durable" / path.name).read_bytes()


def test_a_chunk_is_flushed_to_disk_before_the_manifest_records_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    import copydesk.batch.process

    inbox = make_inbox(tmp_path / "inbox", 3, {"empty.txt": b""})
    outbox, quarantine = tmp_path / "out", tmp_path / "q"
    events: list[str] = []
    real_sync, real_record = sync_file_system, copydesk.batch.process.record_outcomes

    def sync(folder: Path) -> None:
        events.append(f"sync {folder.name}")
        real_sync(folder)

    def record(folder: Path, outcomes: list[Outcome], key: str) -> dict[str, Any]:
        on_disk = {o.stem for o in outcomes if (folder / f"{o.stem}.report.json").exists()}
        events.append(f"record {len(on_disk)} of {len(outcomes)}")
        return real_record(folder, outcomes, key)

    monkeypatch.setattr(copydesk.batch.process, "sync_file_system", sync)
    monkeypatch.setattr(copydesk.batch.process, "record_outcomes", record)
    monkeypatch.setattr(os, "fsync", lambda fd: events.append("fsync"))
    plan = plan_articles(inbox, "*.txt", outbox, {}, settings.key())
    outcomes = process_chunk(plan.todo, settings, outbox, quarantine)
    assert sorted(o.status for o in outcomes) == ["cleaned", "cleaned", "cleaned", "quarantined"]
    # empty.txt's error report is written durably (the file, then the folder); the cleaned
    # articles' outputs are not, until one sync of the outbox before they are recorded; then
    # the manifest's own file and folder.
    assert events == ["fsync", "fsync", "sync out", "record 3 of 4", "fsync", "fsync"]
    assert set(read_manifest_file(outbox)) == {"story-0000", "story-0001", "story-0002"}


def test_sync_file_system_accepts_a_missing_folder(tmp_path: Path) -> None:
    sync_file_system(tmp_path)
    sync_file_system(tmp_path / "gone")  # falls back to a sync of every file system
