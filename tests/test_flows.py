"""The Prefect flows: artifacts, inbox semantics, the CLI, and the Dask path.

Flow tests share one session-scoped ``prefect_test_harness`` with heartbeats off (a harness
costs about 8 s to start; a flow call then 0.1-0.7 s). Task logic is tested with ``.fn()``
or through the plain helpers, without Prefect. Two ``slow`` tests start Prefect in
subprocesses: the CLI in ephemeral mode, and clean-inbox on a local Dask cluster against a
``prefect server start`` on a free loopback port.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("prefect")

from copydesk.errors import InputError
from copydesk.output import OUTPUT_SUFFIXES
from copydesk.pipeline import default_settings
from copydesk.report import code_cell
from copydesk.settings import SettingsSpec
from copydesk_flows._prefect import ARTIFACT_LIMIT, artifact_key, fit_markdown, fit_rows
from copydesk_flows.article import clean_article, output_stem
from copydesk_flows.evaluate import align, evaluate
from copydesk_flows.inbox import (
    MANIFEST_NAME,
    Outcome,
    Planned,
    check_folders,
    check_pattern,
    clean_chunk,
    clean_inbox,
    error_report_path,
    manifest_record,
    plan_articles,
    process_article,
    read_manifest_file,
    summary_markdown,
    write_manifest_file,
)

from .conftest import CLI, prefect_env

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "sochi-summit.txt"
GLOSSARY = ROOT / "tests" / "fixtures" / "glossary"
KEY_RE = re.compile(r"^[a-z0-9-]*$")
BAD_FILES = {
    "empty.txt": b"",
    "binary.txt": b"\x00\x01\x02\x03PK\x05\x06 binary",
    "undecodable.txt": "café ’ ".encode() + b"\xff\xfe\xfa",
}


# ---------------------------------------------------------------- fixtures and helpers


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect backend for every flow test, heartbeats off."""
    from prefect.testing.utilities import prefect_test_harness

    from copydesk_flows._prefect import heartbeats_off

    with prefect_test_harness(), heartbeats_off():
        yield


@pytest.fixture(scope="session")
def rules(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A private copy of the English rule pack: a rule file edited elsewhere while the tests
    run would change the settings key, and rightly re-clean everything."""
    from copydesk.rules import default_rules_directory

    return str(
        shutil.copytree(default_rules_directory("en"), tmp_path_factory.mktemp("rules") / "en")
    )


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


def artifacts(key: str) -> list[Any]:
    """Every version of the artifact ``key``, newest first."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    with get_client(sync_client=True) as client:
        return client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])),
            sort=ArtifactSort.CREATED_DESC,
        )


def outputs_of(outbox: Path) -> list[str]:
    return sorted(p.name for p in outbox.iterdir())


# ---------------------------------------------------------------- without Prefect


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


def test_clean_chunk_quarantines_and_continues(tmp_path: Path) -> None:
    inbox = make_inbox(tmp_path / "inbox", 2, {"binary.txt": BAD_FILES["binary.txt"]})
    settings = default_settings(glossary_dir=GLOSSARY)
    articles = planned(sorted(inbox.iterdir()))
    outcomes = clean_chunk.fn(articles, settings, str(tmp_path / "out"), str(tmp_path / "q"))
    assert [o.status for o in outcomes] == ["quarantined", "cleaned", "cleaned"]
    assert "binary" in (tmp_path / "q" / "binary.txt.error.txt").read_text(encoding="utf-8")
    assert (tmp_path / "q" / "binary.txt").exists() and not (inbox / "binary.txt").exists()


# ---------------------------------------------------------------- batch helpers (no engine)


def plan(inbox: Path, outbox: Path, key: str, pattern: str = "*.txt") -> Any:
    return plan_articles(inbox, pattern, outbox, read_manifest_file(outbox), key)


def clean_all(inbox: Path, outbox: Path, quarantine: Path, settings: Any) -> list[Outcome]:
    """One run of the inbox with the plain helpers: plan, clean, record."""
    key = settings.key()
    manifest = read_manifest_file(outbox)
    todo = plan_articles(inbox, "*.txt", outbox, manifest, key)
    outcomes = clean_chunk.fn(todo.todo, settings, str(outbox), str(quarantine))
    for o in outcomes:
        if o.status == "cleaned":
            manifest[o.stem] = manifest_record(o, key)
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
    import copydesk_flows.inbox

    inbox = make_inbox(tmp_path / "inbox", 4)
    outbox, quarantine = tmp_path / "outbox", tmp_path / "quarantine"
    (outbox / "story-0001.report.json").mkdir(parents=True)  # its write fails (OSError)
    real_clean = copydesk_flows.inbox.clean

    def clean_or_fail(doc: Any, settings: Any) -> Any:
        if doc.name == "story-0002.txt":
            raise MemoryError
        if doc.name == "story-0003.txt":
            "\udcff".encode()  # raises UnicodeEncodeError
        return real_clean(doc, settings)

    monkeypatch.setattr(copydesk_flows.inbox, "clean", clean_or_fail)
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
    import copydesk_flows.inbox

    inbox = make_inbox(tmp_path / "inbox", 3)
    real = copydesk_flows.inbox.process_article

    def faulty(article: Planned, *args: Any) -> Outcome:
        if article.path.endswith("0001.txt"):
            msg = "unexpected"
            raise RuntimeError(msg)
        return real(article, *args)

    monkeypatch.setattr(copydesk_flows.inbox, "process_article", faulty)
    settings = default_settings(glossary_dir=GLOSSARY)
    todo = planned(sorted(inbox.iterdir()))
    outcomes = clean_chunk.fn(todo, settings, str(tmp_path / "out"), str(tmp_path / "q"))
    assert [o.status for o in outcomes] == ["cleaned", "failed", "cleaned"]
    assert outcomes[1].reason == "unexpected (RuntimeError)"
    assert (inbox / "story-0001.txt").exists()


def test_a_file_changing_during_the_run_is_left_for_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import copydesk_flows.inbox

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
    real_load = copydesk_flows.inbox.load_bytes

    def load_while_written(data: bytes, name: str, **options: Any) -> Any:
        with growing.open("ab") as fh:
            fh.write(b"\x99 more text\n")
        return real_load(data, name, **options)

    monkeypatch.setattr(copydesk_flows.inbox, "load_bytes", load_while_written)
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
    markdown = summary_markdown("inbox", "outbox", "q", "k", result.refused, 0)
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


# ---------------------------------------------------------------- flows


def test_clean_article_writes_outputs_and_artifacts(prefect_harness: None, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = clean_article(
        path=str(SEED), out_dir=str(out), spec=SettingsSpec(glossary_dir=str(GLOSSARY))
    )
    assert result["flow_run_name"] == "copyedit sochi-summit"
    assert outputs_of(out) == sorted(f"sochi-summit{s}" for s in OUTPUT_SUFFIXES)
    keys = result["artifacts"]
    assert all(KEY_RE.match(k) for k in keys.values())
    report = artifacts(keys["report"])[0]
    assert report.type == "markdown"
    assert report.data == (out / "sochi-summit.report.md").read_text(encoding="utf-8")
    assert "~~Sotchi~~" in report.data and "**Sochi**" in report.data
    findings = artifacts(keys["findings"])[0]
    assert findings.type == "table"
    rows = json.loads(findings.data)
    assert len(rows) == result["findings"] and {"line", "severity", "rule", "message"} <= set(
        rows[0]
    )
    summary = artifacts(keys["summary"])[0].data
    assert "Changes by category" in summary and "Terminology" in summary
    assert code_cell(result["signature"]) in summary


def test_clean_article_text_ids_keep_separate_histories(
    prefect_harness: None, tmp_path: Path
) -> None:
    text = "He flew to Sotchi on Monday.\n"
    a = clean_article(
        text=text,
        article_id="Wire 7",
        out_dir=str(tmp_path),
        spec=SettingsSpec(glossary_dir=str(GLOSSARY)),
    )
    b = clean_article(
        text=text,
        article_id="wire-7",
        out_dir=str(tmp_path),
        spec=SettingsSpec(glossary_dir=str(GLOSSARY)),
    )
    again = clean_article(
        text=text,
        article_id="Wire 7",
        out_dir=str(tmp_path),
        spec=SettingsSpec(glossary_dir=str(GLOSSARY)),
    )
    assert a["flow_run_name"] == "copyedit Wire 7"
    assert a["artifacts"]["report"] != b["artifacts"]["report"]
    assert again["artifacts"] == a["artifacts"]
    assert len(artifacts(a["artifacts"]["report"])) == 2  # a version per run: a history
    assert len(artifacts(b["artifacts"]["report"])) == 1
    slash = clean_article(
        text="Filed in Idleb.\n", article_id="wire/7", out_dir=str(tmp_path),
        spec=SettingsSpec(glossary_dir=str(GLOSSARY)),
    )  # fmt: skip
    outputs = [a["outputs"], b["outputs"], slash["outputs"]]
    assert len({p for o in outputs for p in o}) == 3 * len(OUTPUT_SUFFIXES)  # none shared
    assert Path(b["outputs"][0]).read_text(encoding="utf-8") == "He flew to Sochi on Monday.\n"


def test_clean_article_truncates_a_large_report(prefect_harness: None, tmp_path: Path) -> None:
    text = "He flew to Sotchi and then to Idleb.\n" * 800
    result = clean_article(
        text=text,
        article_id="long",
        out_dir=str(tmp_path),
        spec=SettingsSpec(glossary_dir=str(GLOSSARY)),
    )
    data = artifacts(result["artifacts"]["report"])[0].data
    assert len(data.encode()) <= ARTIFACT_LIMIT < (tmp_path / "long.report.md").stat().st_size
    assert "Report truncated" in data


def test_clean_article_refuses_bad_input(prefect_harness: None, tmp_path: Path) -> None:
    from copydesk.errors import InputError

    with pytest.raises(InputError, match="empty"):
        clean_article(
            text="   \n",
            article_id="blank",
            out_dir=str(tmp_path),
            spec=SettingsSpec(glossary_dir=str(GLOSSARY)),
        )
    assert not list(tmp_path.iterdir())


def test_inbox_skips_reclean_and_retries(
    prefect_harness: None, tmp_path: Path, glossary: Path, rules: str
) -> None:
    inbox = make_inbox(tmp_path / "inbox", 4, {"binary.txt": BAD_FILES["binary.txt"]})
    outbox, quarantine = tmp_path / "outbox", tmp_path / "quarantine"
    params = {
        "inbox": str(inbox),
        "spec": SettingsSpec(glossary_dir=str(glossary), rules_dir=rules),
        "chunk_size": 2,
    }

    first = clean_inbox(**params)
    assert first["outbox"] == str(outbox) and first["quarantine"] == str(quarantine)  # siblings
    assert len(first["cleaned"]) == 4 and list(first["quarantined"]) == ["binary.txt"]
    assert "binary file" in (quarantine / "binary.txt.error.txt").read_text(encoding="utf-8")

    assert clean_inbox(**params)["cleaned"] == []  # unchanged: nothing to do

    (inbox / "story-0001.txt").write_text("He flew to Idleb.\n", encoding="utf-8")
    changed = clean_inbox(**params)
    assert changed["cleaned"] == ["story-0001.txt"] and len(changed["skipped"]) == 3
    assert (outbox / "story-0001.clean.txt").read_text(encoding="utf-8") == "He flew to Idlib.\n"

    with (glossary / "test.yaml").open("a", encoding="utf-8") as fh:
        fh.write("# reviewed\n")
    assert len(clean_inbox(**params)["cleaned"]) == 4  # a changed glossary re-cleans all

    (inbox / "binary.txt").write_bytes(BAD_FILES["binary.txt"])  # reappears, still bad
    assert list(clean_inbox(**params)["quarantined"]) == ["binary.txt"]
    (inbox / "binary.txt").write_text(
        "Fixed: he flew to Sotchi.\n", encoding="utf-8"
    )  # reappears, fixed
    retried = clean_inbox(**params)
    assert retried["cleaned"] == ["binary.txt"] and not retried["quarantined"]
    assert (
        not (quarantine / "binary.txt").exists()
        and not (quarantine / "binary.txt.error.txt").exists()
    )

    summary = artifacts(first["artifacts"]["summary"])
    assert len(summary) == 6 and "Quarantined" in summary[-1].data
    progress = artifacts(first["artifacts"]["progress"])[0]
    assert progress.type == "progress" and float(progress.data) == 100.0


def test_inbox_resumes_after_a_crash(prefect_harness: None, tmp_path: Path, rules: str) -> None:
    inbox = make_inbox(tmp_path / "inbox", 6)
    outbox, quarantine = tmp_path / "outbox", tmp_path / "quarantine"
    settings = default_settings(glossary_dir=GLOSSARY, rules_dir=rules)
    names = sorted(p.name for p in inbox.iterdir())
    # A killed run: the first chunk was written and recorded, the second left a temp file.
    done = clean_chunk.fn(
        planned([inbox / n for n in names[:3]]), settings, str(outbox), str(quarantine)
    )
    key = settings.key()
    write_manifest_file(outbox, {o.stem: manifest_record(o, key) for o in done})
    (outbox / ".cdtmp-k1ll3d00.tmp").write_text("half an artic", encoding="utf-8")

    result = clean_inbox(
        inbox=str(inbox),
        outbox=str(outbox),
        spec=SettingsSpec(glossary_dir=str(GLOSSARY), rules_dir=rules),
        chunk_size=2,
    )
    assert result["skipped"] == names[:3] and result["cleaned"] == names[3:]
    assert not list(outbox.glob("*.tmp")) and not list(outbox.glob(".*.tmp"))
    expected = sorted(n.removesuffix(".txt") + s for n in names for s in OUTPUT_SUFFIXES)
    assert outputs_of(outbox) == sorted([*expected, MANIFEST_NAME])
    manifest = json.loads((outbox / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert sorted(manifest["articles"]) == [n.removesuffix(".txt") for n in names]


def test_inbox_of_200_with_3_bad_files(prefect_harness: None, tmp_path: Path, rules: str) -> None:
    inbox = make_inbox(tmp_path / "inbox", 197, BAD_FILES)
    params = {
        "inbox": str(inbox),
        "spec": SettingsSpec(glossary_dir=str(GLOSSARY), rules_dir=rules),
        "chunk_size": 50,
    }
    result = clean_inbox(**params)
    assert len(result["cleaned"]) == 197
    assert sorted(result["quarantined"]) == sorted(BAD_FILES)
    quarantine = Path(result["quarantine"])
    reasons = {n: (quarantine / f"{n}.error.txt").read_text(encoding="utf-8") for n in BAD_FILES}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "UTF-8" in reasons["undecodable.txt"]
    assert sorted(p.name for p in inbox.iterdir()) == sorted(
        f"story-{i:04d}.txt" for i in range(197)
    )
    outbox = Path(result["outbox"])
    assert len(list(outbox.glob("*.clean.txt"))) == 197 and not list(outbox.glob(".*.tmp"))

    again = clean_inbox(**params)
    assert again["cleaned"] == [] and again["quarantined"] == {} and len(again["skipped"]) == 197


def test_inbox_survives_hostile_names_and_damage(
    prefect_harness: None, tmp_path: Path, rules: str
) -> None:
    inbox = make_inbox(tmp_path / "inbox", 3)
    odd = {"s" * 236 + ".txt", "l" * 251 + ".txt", os.fsdecode(b"caf\xe9.txt")}
    for name in [*odd, "a.txt", "b.txt"]:
        (inbox / name).write_text(f"Filed in Sotchi ({len(name)}).\n", encoding="utf-8")
    (inbox / "a.md").write_text("Another a.\n", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("Private, about Sotchi.\n", encoding="utf-8")
    (inbox / "link.txt").symlink_to(outside / "secret.txt")
    outbox = tmp_path / "outbox"
    (outbox / "b.report.json").mkdir(parents=True)  # b.txt cannot be written
    params = {
        "inbox": str(inbox),
        "spec": SettingsSpec(glossary_dir=str(GLOSSARY), rules_dir=rules),
    }

    first = clean_inbox(**params, pattern="*")
    assert len(first["cleaned"]) == 3 + len(odd) and "caf\\xe9.txt" in first["cleaned"]
    assert list(first["quarantined"]) == ["b.txt"]
    assert sorted(first["left"]) == ["a.md", "a.txt", "link.txt"]
    assert (inbox / "a.txt").exists() and (inbox / "a.md").exists()
    assert (outside / "secret.txt").exists() and not list(outbox.glob("secret*"))
    summary = artifacts(first["artifacts"]["summary"])[0].data
    assert "a.md and a.txt would share" in summary

    (outbox / "story-0000.report.json").write_bytes(b"")  # damaged after the run
    manifest_path = outbox / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["articles"]["story-0001"] = None  # a record that is not a mapping
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    second = clean_inbox(**params, pattern="*")
    assert second["cleaned"] == ["story-0000.txt", "story-0001.txt"]
    assert (outbox / "story-0000.report.json").stat().st_size > 0
    assert clean_inbox(**params, pattern="*")["cleaned"] == []

    with pytest.raises(InputError, match="pattern"):
        clean_inbox(**params, pattern="../outside/*.txt")
    with pytest.raises(InputError, match="outbox"):
        clean_inbox(**params, outbox=str(inbox))
    assert (outside / "secret.txt").exists()


def test_evaluate_publishes_scores(prefect_harness: None, tmp_path: Path) -> None:
    folder = tmp_path / "eval"
    folder.mkdir()
    mt = "He flew to Sotchi.\nThe talks in Idleb went on.\n"
    ref = "He flew to Sochi.\nThe talks in Idlib went on.\n"
    for i in range(3):
        (folder / f"a{i}.txt").write_text(mt, encoding="utf-8")
        (folder / f"a{i}.ref.txt").write_text(ref, encoding="utf-8")
    (folder / "bad.txt").write_text("one line\n", encoding="utf-8")
    (folder / "bad.ref.txt").write_text("one\ntwo\n", encoding="utf-8")
    result = evaluate(folder=str(folder), spec=SettingsSpec(glossary_dir=str(GLOSSARY)))
    assert (
        result["articles"] == 3 and result["segments"] == 6 and list(result["left_out"]) == ["bad"]
    )
    scores = {row["metric"]: row for row in result["scores"]}
    assert scores["BLEU"]["cleaned"] == 100.0 > scores["BLEU"]["raw"]
    assert scores["TER"]["cleaned"] == 0.0 < scores["TER"]["raw"]
    assert "nw:2" in scores["chrF++"]["signature"]
    table = json.loads(artifacts(result["artifact"])[0].data)
    assert [row["metric"] for row in table] == ["BLEU", "chrF++", "TER"]


def test_prefect_yaml_declares_the_scheduled_inbox() -> None:
    import yaml

    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    (deployment,) = [
        d
        for d in config["deployments"]
        if d["entrypoint"] == "src/copydesk_flows/inbox.py:clean_inbox"
    ]
    assert deployment["concurrency_limit"] == 1
    assert deployment["schedules"][0]["cron"] == "*/15 * * * *"
    assert deployment["work_pool"]["name"]
    assert "definitions" in config


# ---------------------------------------------------------------- slow: Prefect in subprocesses


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_cli_clean_article_in_ephemeral_mode(tmp_path: Path) -> None:
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-c",
        CLI,
        "run",
        "clean-article",
        str(SEED),
        "--out",
        str(out),
        "--glossary",
        str(GLOSSARY),
    ]
    proc = subprocess.run(
        cmd,
        env=prefect_env(tmp_path / "prefect"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "flow run: copyedit sochi-summit" in proc.stdout
    assert str(out / "sochi-summit.clean.txt") in proc.stdout
    assert outputs_of(out) == sorted(f"sochi-summit{s}" for s in OUTPUT_SUFFIXES)


def test_cli_refuses_bad_input_before_starting_prefect(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from copydesk.cli import cli, main
    from copydesk_flows.cli import run

    if "run" not in cli.commands:
        cli.add_command(run)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(BAD_FILES["undecodable.txt"])
    broken = tmp_path / "glossary"
    broken.mkdir()
    (broken / "x.yaml").write_text("entries: [", encoding="utf-8")
    for argv in (
        ["run", "clean-article", str(bad), "--out", str(tmp_path / "out")],
        ["run", "clean-inbox", str(tmp_path), "--glossary", str(broken)],
        ["run", "clean-inbox", str(tmp_path), "--pattern", "../*.txt"],
        ["run", "clean-inbox", str(tmp_path), "--outbox", str(tmp_path / "x" / "..")],
    ):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2
        assert capsys.readouterr().err.startswith("copydesk error: ")
    assert not (tmp_path / "out").exists()
    main_help = subprocess.run(
        [sys.executable, "-c", CLI, "run", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for command in ("clean-article", "clean-inbox", "evaluate", "serve-inbox"):
        assert command in main_help


DASK_RUN = textwrap.dedent(
    """
    import json, sys
    from distributed import LocalCluster
    from copydesk_flows._prefect import heartbeats_off
    from copydesk.settings import SettingsSpec
    from copydesk_flows.inbox import clean_inbox

    if __name__ == "__main__":
        inbox, glossary = sys.argv[1:3]
        cluster_options = {"n_workers": 2, "processes": True, "threads_per_worker": 1}
        with LocalCluster(dashboard_address=None, **cluster_options) as cluster:
            with heartbeats_off():
                result = clean_inbox(inbox, spec=SettingsSpec(glossary_dir=glossary), chunk_size=5,
                                     dask_address=cluster.scheduler_address)
            result["dask_task_prefixes"] = sorted(cluster.scheduler.task_prefixes)
        print(json.dumps(result))
    """
)


@pytest.fixture
def prefect_server(tmp_path: Path) -> Iterator[str]:
    """A real ``prefect server start`` on a free loopback port; yields its API URL."""
    port = _free_port()
    env = prefect_env(tmp_path / "server-home")
    env.update(
        PREFECT_SERVER_API_HOST="127.0.0.1",
        PREFECT_SERVER_API_PORT=str(port),
        PREFECT_UI_ENABLED="false",
    )
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 45
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    "prefect server did not start:\n" + (tmp_path / "server.log").read_text()
                )
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _api(url: str, path: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.mark.slow
def test_inbox_on_a_dask_cluster_against_a_server(tmp_path: Path, prefect_server: str) -> None:
    inbox = make_inbox(tmp_path / "inbox", 20, {"binary.txt": BAD_FILES["binary.txt"]})
    env = prefect_env(tmp_path / "client-home")
    env["PREFECT_API_URL"] = prefect_server
    proc = subprocess.run(
        [sys.executable, "-c", DASK_RUN, str(inbox), str(GLOSSARY)],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(result["cleaned"]) == 20 and list(result["quarantined"]) == ["binary.txt"]
    assert "clean_chunk" in result["dask_task_prefixes"]  # the chunks ran on the cluster
    task_runs = _api(prefect_server, "/task_runs/filter", {
        "flow_runs": {"id": {"any_": [result["flow_run_id"]]}},
        "task_runs": {"name": {"like_": "clean-chunk"}},
    })  # fmt: skip
    assert len(task_runs) == 5 and {t["state_type"] for t in task_runs} == {"COMPLETED"}
    keys = _api(
        prefect_server,
        "/artifacts/filter",
        {"artifacts": {"key": {"any_": [result["artifacts"]["summary"]]}}},
    )
    assert "Quarantined" in keys[0]["data"]


def test_batch_summary_tracks_quality() -> None:
    outcomes = [
        Outcome("a.txt", "cleaned", "x", edits=2, findings=3, words=100, penalty=7.0),
        Outcome("b.txt", "cleaned", "y", edits=0, findings=1, words=300, penalty=1.0),
        Outcome("c.txt", "quarantined", "z", reason="c.txt: the article is empty (0 bytes)"),
    ]
    md = summary_markdown("inbox", "outbox", "quarantine", "copydesk:0.1.0|g:1", outcomes, 5)
    assert "| MQM penalty per 100 words (cleaned articles) | 2.00 |" in md
    assert "| a.txt | 2 | 3 | 7.00 |" in md
    assert "| Skipped (unchanged) | 5 |" in md
    assert "`copydesk:0.1.0\\|g:1`" in md
    assert "c.txt: the article is empty (0 bytes)" in md
