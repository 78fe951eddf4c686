"""The ceilings on one article: findings listed per rule, changes before a refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copydesk.edits import apply_edits, compose_edits
from copydesk.errors import InputError
from copydesk.findings.phrasing import find_issues
from copydesk.limits import (
    DEFAULT_MAX_CHANGES,
    MAX_CHANGES_ENV,
    MAX_FINDINGS_PER_RULE,
    FindingCap,
    TooManyChanges,
)
from copydesk.model import Edit, Finding
from copydesk.pipeline import clean, default_settings
from copydesk.report import render_json
from copydesk.rules import fix_text_and_explain, load_rules

from .conftest import SEED
from .test_scale import _bench, run_cli

DOUBLED = "the the cat. "  # one doubled word and one lower-case sentence start per unit
SOTCHI = "He flew to Sotchi. "  # one glossary change per unit
REFUSAL = (
    "more than {limit:,} changes in one article; split it, or raise the ceiling with "
    f"--max-changes or {MAX_CHANGES_ENV}"
)


def _finding(start: int, rule: str = "r") -> Finding:
    return Finding(start, start + 1, "x", rule, "c", "minor", "m")


# -- findings ------------------------------------------------------------------------------


def test_the_cap_keeps_the_first_findings_in_text_order_whatever_the_order_given() -> None:
    cap = FindingCap(limit=3)
    cap.add_all(_finding(s) for s in (9, 4, 7, 1, 8, 0, 5))
    cap.add_all(_finding(s, "other") for s in (2, 3))
    assert [(f.rule, f.start) for f in cap.findings()] == [
        ("r", 0),
        ("r", 1),
        ("other", 2),
        ("other", 3),
        ("r", 4),
    ]
    assert cap.counts == {"r": 7, "other": 2}
    assert cap.notes() == ["r: 7 findings; the first 3 are listed"]
    cap.drop("r")
    assert [f.rule for f in cap.findings()] == ["other", "other"] and cap.notes() == []


def test_findings_the_cap_rejects_are_not_counted() -> None:
    cap = FindingCap(limit=2, keep=lambda f: f.start % 2 == 0)
    cap.add_all(_finding(s) for s in range(10))
    assert [f.start for f in cap.findings()] == [0, 2]
    assert cap.notes() == ["r: 5 findings; the first 2 are listed"]


def test_a_dense_article_lists_the_first_findings_of_each_rule_and_counts_the_rest() -> None:
    units = MAX_FINDINGS_PER_RULE + 500
    text = DOUBLED * units
    result = clean(text, language="en")
    doubled = [f for f in result.findings if f.rule == "en.repetition.doubled-word"]
    every = [f for f in find_issues(result.cleaned, load_rules("en")) if f.rule == doubled[0].rule]
    assert len(every) == units  # what the rule finds without the cap
    assert doubled == every[:MAX_FINDINGS_PER_RULE]
    assert [f.start for f in doubled] == [i * len(DOUBLED) for i in range(len(doubled))]
    assert (
        f"en.repetition.doubled-word: {units:,} findings; the first 1,000 are listed"
        in result.notes
    )
    report = json.loads(render_json(result))
    # the summary and the score count what is listed; the note says how many there were
    assert report["summary"]["findings"] == len(report["findings"]) == len(result.findings)
    assert result.scores is not None and result.scores.mqm.findings == len(result.findings)
    assert report["notes"] == list(result.notes)


def test_an_ordinary_article_reaches_no_cap() -> None:
    result = clean(SEED.read_text(encoding="utf-8"))
    assert result.findings and not any("findings; the first" in n for n in result.notes)


def test_a_megabyte_of_real_text_stays_far_below_the_cap() -> None:
    text = _bench("corpus").real_text(1_000_000)
    counts: dict[str, int] = {}
    for finding in find_issues(text, load_rules("en")):
        counts[finding.rule] = counts.get(finding.rule, 0) + 1
    assert counts and max(counts.values()) < MAX_FINDINGS_PER_RULE / 2, counts


# -- changes ---------------------------------------------------------------------------------


def test_an_article_over_the_ceiling_on_changes_is_refused() -> None:
    settings = default_settings(max_changes=40)
    assert len(clean(SOTCHI * 40, settings, language="en").edits) == 40  # at the ceiling
    with pytest.raises(InputError) as refused:
        clean(SOTCHI * 41, settings, language="en", name="a.txt")
    assert str(refused.value) == "a.txt: " + REFUSAL.format(limit=40)
    assert not isinstance(refused.value, TooManyChanges)  # the article is named


def test_suggested_changes_count_too() -> None:
    settings = default_settings(max_changes=40, suggest_only=True)
    with pytest.raises(InputError, match="more than 40 changes"):
        clean(SOTCHI * 41, settings, language="en")


def test_the_fix_pass_and_composition_refuse_while_they_work() -> None:
    text = "Talks\u060c then more\u060c " * 30  # 60 Arabic commas
    with pytest.raises(TooManyChanges, match="more than 59 changes"):
        fix_text_and_explain(text, load_rules("en"), max_changes=59)
    fixed, edits = fix_text_and_explain(text, load_rules("en"), max_changes=60)
    assert len(edits) == 60 and apply_edits(text, edits) == fixed
    first = [Edit(i, i + 1, "a", "b", "x") for i in range(0, 20, 2)]
    middle = apply_edits("a" * 20, first)
    second = [Edit(i, i + 1, "a", "c", "y") for i in range(1, 20, 2)]
    assert len(compose_edits(first, second, "a" * 20, middle, max_changes=20)) == 20
    with pytest.raises(TooManyChanges):
        compose_edits(first, second, "a" * 20, middle, max_changes=19)


def test_the_environment_sets_the_ceiling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MAX_CHANGES_ENV, "10")
    with pytest.raises(InputError, match="more than 10 changes"):
        clean(SOTCHI * 11, language="en")
    monkeypatch.setenv(MAX_CHANGES_ENV, "11")
    assert len(clean(SOTCHI * 11, language="en").edits) == 11
    monkeypatch.setenv(MAX_CHANGES_ENV, "many")
    with pytest.raises(InputError, match=f"{MAX_CHANGES_ENV} must be a whole number"):
        clean(SOTCHI, language="en")
    monkeypatch.delenv(MAX_CHANGES_ENV)
    assert DEFAULT_MAX_CHANGES == 100_000


def test_the_commands_refuse_with_one_line_and_take_max_changes(tmp_path: Path) -> None:
    dense, fine = tmp_path / "dense.txt", tmp_path / "fine.txt"
    dense.write_text(SOTCHI * 30, encoding="utf-8")
    fine.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    refused = run_cli("check", str(dense), "--max-changes", "20")
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr == f"copydesk error: {dense}: {REFUSAL.format(limit=20)}\n"
    assert run_cli("check", str(dense), env={MAX_CHANGES_ENV: "30"}).returncode == 0
    out = tmp_path / "out"
    both = run_cli("clean", str(dense), str(fine), "--out", str(out), "--max-changes", "20")
    assert both.returncode == 2 and "more than 20 changes" in both.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "fine.clean.txt",
        "fine.report.html",
        "fine.report.json",
        "fine.report.md",
    ]


def test_the_inbox_quarantines_an_article_over_the_ceiling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from copydesk.batch.plan import plan_articles
    from copydesk.batch.process import process_article
    from copydesk.batch.quarantine import error_report_path

    inbox, outbox, quarantine = tmp_path / "inbox", tmp_path / "outbox", tmp_path / "q"
    inbox.mkdir()
    (inbox / "dense.txt").write_text(SOTCHI * 30, encoding="utf-8")
    (inbox / "fine.txt").write_text(SOTCHI * 3, encoding="utf-8")
    monkeypatch.setenv(MAX_CHANGES_ENV, "20")  # what a worker sees from --max-changes
    settings = default_settings()
    todo = plan_articles(inbox, "*.txt", outbox, {}, settings.key()).todo
    outcomes = {Path(p.path).name: process_article(p, settings, outbox, quarantine) for p in todo}
    dense, fine = outcomes["dense.txt"], outcomes["fine.txt"]
    assert (dense.status, fine.status) == ("quarantined", "cleaned")
    assert dense.reason == f"dense.txt: {REFUSAL.format(limit=20)}"
    assert (quarantine / "dense.txt").exists() and not (inbox / "dense.txt").exists()
    report = error_report_path(quarantine, "dense.txt").read_text(encoding="utf-8")
    assert "more than 20 changes" in report


# -- memory on dense input (whole commands) --------------------------------------------------


@pytest.mark.slow
def test_twenty_megabytes_of_dense_changes_are_refused_under_one_gigabyte(tmp_path: Path) -> None:
    article = tmp_path / "dense.txt"
    article.write_text(SOTCHI * (20_000_000 // len(SOTCHI)), encoding="utf-8")  # 1,052,631
    run = _bench("bench_scale").check_json(article)
    assert run.status == 2 and run.output_bytes == 0, run.stderr
    assert "changes in one article" in run.stderr  # refused while the changes were made
    assert run.peak_mb < 1024, f"peak RSS {run.peak_mb:.0f} MB"


@pytest.mark.slow
def test_dense_findings_stay_within_a_quarter_of_the_budget_at_five_megabytes(
    tmp_path: Path,
) -> None:
    # 5 MB, not 20: checking 20 MB of doubled words takes about 100 s, most of it finding
    # (and counting) 3 million hits. Memory no longer grows with the findings, so a quarter
    # of the 1 GB budget (plus the interpreter's 100 MB) at a quarter of the size holds the
    # same line; before the cap, 5 MB of this peaked at 578 MB.
    article = tmp_path / "dense.txt"
    article.write_text(DOUBLED * (5_000_000 // len(DOUBLED)), encoding="utf-8")  # 384,615
    run = _bench("bench_scale").check_json(article)
    assert run.status == 0, run.stderr
    assert run.peak_mb < 1024 / 4 + 100, f"peak RSS {run.peak_mb:.0f} MB"
    assert run.output_bytes < 20_000_000  # 2,000 findings listed, not 769,229
