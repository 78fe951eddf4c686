"""The Prefect flows: artifacts, inbox semantics, the CLI, and the Dask path.

Flow tests share one session-scoped ``prefect_test_harness`` with heartbeats off (a harness
costs about 8 s to start; a flow call then 0.1-0.7 s). The logic the tasks call is the
library's (:mod:`copydesk.batch`), tested without Prefect in ``test_batch.py``; here one test
checks that the inbox flow does exactly what those functions do. Two ``slow`` tests start
Prefect in subprocesses: the CLI in ephemeral mode, and clean-inbox on a local Dask cluster
against a ``prefect server start`` on a free loopback port.
"""

from __future__ import annotations

import json
import os
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

from copydesk.batch.fit import ARTIFACT_LIMIT, artifact_key, artifact_page, fit_markdown
from copydesk.batch.manifest import (
    JOURNAL_NAME,
    MANIFEST_NAME,
    manifest_record,
    read_manifest_file,
    write_manifest_file,
)
from copydesk.batch.summary import batch_summary_markdown
from copydesk.errors import InputError
from copydesk.output import OUTPUT_SUFFIXES
from copydesk.pipeline import default_settings
from copydesk.report import signature_cell
from copydesk.settings import SettingsSpec
from copydesk_flows.article import clean_article
from copydesk_flows.evaluate import evaluate
from copydesk_flows.inbox import clean_chunk, clean_inbox

from .conftest import CLI, ROOT, SEED, prefect_env
from .test_batch import BAD_FILES, GLOSSARY, KEY_RE, make_inbox, planned, run_batch

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
    assert signature_cell(result["signature"]) in summary


def test_clean_article_and_the_inbox_check_against_sources(
    prefect_harness: None, tmp_path: Path
) -> None:
    spec = SettingsSpec(glossary_dir=str(GLOSSARY))
    article, source = tmp_path / "wire.txt", tmp_path / "wire.ru.txt"
    article.write_text("He met Putin in Sotchi.\nThen he left.\n", encoding="utf-8")
    source.write_text("Он встретил Путина в Сочи.\nПотом уехал.\n", encoding="utf-8")
    result = clean_article(path=str(article), out_dir=str(tmp_path / "a"), spec=spec,
                           source=str(source))  # fmt: skip
    assert "|source:ru@" in result["signature"]
    report = json.loads((tmp_path / "a" / "wire.report.json").read_text(encoding="utf-8"))
    assert report["source_text"]["method"] == "lines"

    inbox, sources = tmp_path / "inbox", tmp_path / "sources"
    inbox.mkdir()
    sources.mkdir()
    shutil.copy(article, inbox / "one.txt")
    shutil.copy(article, inbox / "two.txt")
    shutil.copy(source, sources / "one.txt")
    clean_inbox(inbox=str(inbox), spec=spec)  # the sources folder beside the inbox
    outbox = tmp_path / "outbox"
    one = json.loads((outbox / "one.report.json").read_text(encoding="utf-8"))
    two = json.loads((outbox / "two.report.json").read_text(encoding="utf-8"))
    assert one["source_text"]["name"].endswith("one.txt") and one["source_text"]["segments"] == 2
    assert "source_text" not in two
    assert any(n.startswith("no source text") for n in two["notes"])
    assert clean_inbox(inbox=str(inbox), spec=spec)["cleaned"] == []  # nothing new
    shutil.copy(source, sources / "two.txt")  # a source that arrives cleans its article again
    assert clean_inbox(inbox=str(inbox), spec=spec)["cleaned"] == ["two.txt"]
    two = json.loads((outbox / "two.report.json").read_text(encoding="utf-8"))
    assert two["source_text"]["segments"] == 2


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

    # Four runs cleaned something; the two that cleaned nothing have a summary key of their own.
    summary = artifacts(first["artifacts"]["summary"])
    assert len(summary) == 4 and "Quarantined" in summary[-1].data
    idle = artifacts(changed["artifacts"]["summary"].replace("-summary", "-idle-summary"))
    assert len(idle) == 2 and all("Nothing was cleaned" in a.data for a in idle)
    assert "binary.txt" in idle[0].data and "Quarantined" in idle[0].data
    # Every cleaned article's report, as written, linked from the summary by its page.
    assert sorted(retried["reports"]) == ["binary.txt"]
    report = artifacts(artifact_key("binary", "report"))[0]
    assert report.data == (outbox / "binary.report.md").read_text(encoding="utf-8")
    assert retried["reports"]["binary.txt"] == artifact_page(report.id)
    assert f"[binary.txt]({artifact_page(report.id)})" in summary[0].data
    assert len(artifacts(artifact_key("story-0001", "report"))) == 3  # a history per article
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
    assert [n for n in outputs_of(outbox) if n not in (MANIFEST_NAME, JOURNAL_NAME)] == expected
    assert sorted(read_manifest_file(outbox)) == [n.removesuffix(".txt") for n in names]


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

    assert result["cleaned_in"] == "worker process"

    again = clean_inbox(**params)
    assert again["cleaned"] == [] and again["quarantined"] == {} and len(again["skipped"]) == 197
    assert again["cleaned_in"] == "flow process"  # nothing to clean: no worker started


def test_inbox_cleaned_in_a_worker_or_in_the_flow_gives_the_same_files(
    prefect_harness: None, tmp_path: Path, rules: str
) -> None:
    spec = SettingsSpec(glossary_dir=str(GLOSSARY), rules_dir=rules)
    results = {}
    for worker in (None, False):
        inbox = make_inbox(tmp_path / f"worker-{worker}" / "inbox", 7, BAD_FILES)
        results[worker] = clean_inbox(
            inbox=str(inbox), spec=spec, chunk_size=2, worker_process=worker
        )
    assert results[None]["cleaned_in"] == "worker process"
    assert results[False]["cleaned_in"] == "flow process"
    for key in ("cleaned", "quarantined", "left", "skipped", "settings"):
        assert results[None][key] == results[False][key], key
    in_worker, in_flow = (Path(results[w]["outbox"]) for w in (None, False))
    assert outputs_of(in_worker) == outputs_of(in_flow)
    for name in outputs_of(in_flow):
        if name not in (MANIFEST_NAME, JOURNAL_NAME):
            assert (in_worker / name).read_bytes() == (in_flow / name).read_bytes(), name


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
    # a record that is not a mapping
    write_manifest_file(outbox, {**read_manifest_file(outbox), "story-0001": None})  # type: ignore[dict-item]
    second = clean_inbox(**params, pattern="*")
    assert second["cleaned"] == ["story-0000.txt", "story-0001.txt"]
    assert (outbox / "story-0000.report.json").stat().st_size > 0
    assert clean_inbox(**params, pattern="*")["cleaned"] == []

    with pytest.raises(InputError, match="pattern"):
        clean_inbox(**params, pattern="../outside/*.txt")
    with pytest.raises(InputError, match="outbox"):
        clean_inbox(**params, outbox=str(inbox))
    assert (outside / "secret.txt").exists()


def _files(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` by relative path (links as their target's path)."""
    return {
        str(p.relative_to(folder)): os.fsencode(os.readlink(p))
        if p.is_symlink()
        else p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_symlink() or p.is_file()
    }


def _hostile_inbox(root: Path) -> Path:
    """An inbox with good, bad, clashing and linked-out files, an outbox with a killed run's
    temporary file, and a quarantine with an older copy of an article to release."""
    bad = {name: BAD_FILES[name] for name in ("binary.txt", "empty.txt")}
    inbox = make_inbox(root / "inbox", 4, bad)
    for name in ("a.txt", "a.md"):
        (inbox / name).write_text(f"Filed as {name} in Sotchi.\n", encoding="utf-8")
    (root / "outside").mkdir()
    (root / "outside" / "secret.txt").write_text("Private, about Sotchi.\n", encoding="utf-8")
    (inbox / "link.txt").symlink_to(Path("..") / "outside" / "secret.txt")
    outbox, quarantine = root / "outbox", root / "quarantine"
    outbox.mkdir()
    (outbox / ".cdtmp-k1ll3d00.tmp").write_text("half an artic", encoding="utf-8")
    quarantine.mkdir()
    (quarantine / "story-0000.txt").write_text("an older, bad copy\n", encoding="utf-8")
    (quarantine / "story-0000.txt.error.txt").write_text("it was bad\n", encoding="utf-8")
    return inbox


def test_the_inbox_flow_does_what_the_library_does(
    prefect_harness: None, tmp_path: Path, rules: str
) -> None:
    """``copydesk_flows.inbox`` holds no logic of its own: the library's functions, called in
    the flow's order without Prefect, leave the same inbox, outbox (outputs and manifest)
    and quarantine, return the same result and write the same summary, run after run."""
    settings = default_settings(glossary_dir=GLOSSARY, rules_dir=rules)
    by_library, by_flow = tmp_path / "library", tmp_path / "flow"
    for root in (by_library, by_flow):
        _hostile_inbox(root)
    runs = []
    for run in ("first", "second"):
        ours, outcomes = run_batch(
            by_library / "inbox",
            by_library / "outbox",
            by_library / "quarantine",
            settings,
            pattern="*",
            chunk_size=2,
        )
        theirs = clean_inbox(
            inbox=str(by_flow / "inbox"),
            pattern="*",
            chunk_size=2,
            spec=SettingsSpec(glossary_dir=str(GLOSSARY), rules_dir=rules),
        )
        assert theirs["settings"] == ours["settings"] == settings.key()

        # the manifest and the outcomes name each article's inbox: the same but for the root
        def moved(value: Any) -> Any:
            return json.loads(json.dumps(value).replace(str(by_flow), str(by_library)))

        for field in ("cleaned", "quarantined", "left", "skipped", "outcomes"):
            assert moved(theirs[field]) == ours[field], (run, field)
        for folder in ("inbox", "outbox", "quarantine", "outside"):
            files = {
                name: data.replace(os.fsencode(by_flow), os.fsencode(by_library))
                for name, data in _files(by_flow / folder).items()
            }
            assert files == _files(by_library / folder), (run, folder)
        assert sorted(theirs["reports"]) == ours["cleaned"]
        summary = batch_summary_markdown(
            str(by_flow / "inbox"),
            theirs["outbox"],
            theirs["quarantine"],
            settings.key(),
            outcomes,
            ours["skipped"],
            theirs["reports"],
        )
        assert artifacts(theirs["artifacts"]["summary"])[0].data == fit_markdown(summary)
        runs.append(ours)
        for root in (by_library, by_flow) if run == "first" else ():
            (root / "outbox" / "story-0001.report.json").write_bytes(b"")  # damaged: redone
    first, second = runs
    assert len(first["cleaned"]) == 4 and sorted(first["quarantined"]) == [
        "binary.txt",
        "empty.txt",
    ]
    assert sorted(first["left"]) == ["a.md", "a.txt", "link.txt"]
    assert not (by_library / "quarantine" / "story-0000.txt").exists()  # released
    assert second["cleaned"] == ["story-0001.txt"] and len(second["skipped"]) == 3


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
    """Module entrypoints that import from an installed package; the settings as one spec;
    ``evaluate`` with no folder to default to. (Deployed for real in test_scale_out.py.)"""
    import yaml
    from prefect.flows import load_flow_from_entrypoint

    config = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    by_name = {d["name"]: d for d in config["deployments"]}
    inbox, evaluate = by_name["inbox"], by_name["evaluate"]
    assert inbox["entrypoint"] == "copydesk_flows.inbox:clean_inbox"
    assert evaluate["entrypoint"] == "copydesk_flows.evaluate:evaluate"
    for deployment in (inbox, evaluate):
        assert ".py" not in deployment["entrypoint"]
        assert load_flow_from_entrypoint(deployment["entrypoint"]).name in {
            "clean-inbox",
            "evaluate",
        }
        assert deployment["parameters"]["spec"] == {}  # a SettingsSpec: shipped defaults
        assert deployment["work_pool"]["name"] == "copydesk"
    assert "folder" not in evaluate["parameters"] and "schedules" not in evaluate
    assert inbox["schedules"][0]["cron"] == "*/15 * * * *"
    assert SettingsSpec(**inbox["parameters"]["spec"]) == SettingsSpec()


def test_serve_inbox_never_takes_over_a_work_pool_deployment() -> None:
    from copydesk_flows.cli import DEFAULT_DEPLOYMENT, takeover_problem

    assert DEFAULT_DEPLOYMENT != "inbox"  # prefect.yaml's work-pool deployment
    assert takeover_problem(DEFAULT_DEPLOYMENT, None) is None
    problem = takeover_problem("inbox", "copydesk")
    assert problem is not None and "another --name" in problem


def test_a_run_whose_every_article_vanished_fails(
    prefect_harness: None,
    tmp_path: Path,
    rules: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import copydesk_flows.inbox
    from copydesk.batch.plan import BatchError
    from copydesk.cli import cli, main
    from copydesk_flows.cli import run

    inbox = make_inbox(tmp_path / "inbox", 3)
    real = copydesk_flows.inbox.process_chunk

    def gone_first(articles: Any, *args: Any) -> Any:
        for article in articles:  # removed between planning and cleaning
            Path(article.path).unlink(missing_ok=True)
        return real(articles, *args)

    monkeypatch.setattr(copydesk_flows.inbox, "process_chunk", gone_first)
    spec = SettingsSpec(glossary_dir=str(GLOSSARY), rules_dir=rules)
    with pytest.raises(BatchError, match="all 3 article"):
        clean_inbox(inbox=str(inbox), spec=spec)
    make_inbox(inbox, 3)
    if "run" not in cli.commands:
        cli.add_command(run)
    argv = ["run", "clean-inbox", str(inbox), "--glossary", str(GLOSSARY), "--rules", rules]
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "vanished before they could be cleaned" in capsys.readouterr().err


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
    import json, os, sys
    from distributed import LocalCluster
    from copydesk_flows._prefect import heartbeats_off
    from copydesk.settings import SettingsSpec
    from copydesk_flows.inbox import clean_inbox

    if __name__ == "__main__":
        inbox, glossary = sys.argv[1:3]
        here = os.getcwd()
        os.chdir("/")  # the workers start elsewhere: a relative inbox means nothing to them
        cluster_options = {"n_workers": 2, "processes": True, "threads_per_worker": 1}
        with LocalCluster(dashboard_address=None, **cluster_options) as cluster:
            os.chdir(here)
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
        [sys.executable, "-c", DASK_RUN, inbox.name, str(GLOSSARY)],  # relative, as typed
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
