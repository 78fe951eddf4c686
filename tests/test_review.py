"""Review decisions in the library (no Prefect): accept, reject by number or rule, reject all.

Every kind of decision is checked against the edit model's guarantees (replaying the
applied edits gives the reviewed text, undoing them gives the input), the statuses, the
recorded note and time, the reports, the errors for bad decisions and the false-alarm memory.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from copydesk.edits import apply_edits, undo_edits
from copydesk.errors import ReviewError
from copydesk.model import Result
from copydesk.output import write_outputs
from copydesk.pipeline import clean, default_settings
from copydesk.report import render_json, render_markdown, render_text
from copydesk.report_html import render_html
from copydesk.review import (
    ReviewDecision,
    apply_review,
    awaiting_review,
    remember_rejections,
    review_form_markdown,
)
from copydesk.settings import Settings

from .conftest import CLI, ROOT, SEED, prefect_env

AT = dt.datetime(2026, 11, 30, 12, 41, 7, tzinfo=dt.timezone(dt.timedelta(hours=2)))


@pytest.fixture(scope="module")
def settings() -> Settings:
    return default_settings()


@pytest.fixture(scope="module")
def seed(settings: Settings) -> Result:
    return clean(SEED.read_bytes(), settings, name=SEED.name)


def decide(**kwargs: object) -> ReviewDecision:
    return ReviewDecision(reviewed_at=AT, **kwargs)  # type: ignore[arg-type]


def check_guarantees(result: Result) -> None:
    assert apply_edits(result.input, result.edits) == result.cleaned
    assert undo_edits(result.cleaned, result.edits) == result.input
    for f in result.findings:  # findings index the reviewed text
        assert result.cleaned[f.start : f.end] == f.text


def test_the_seed_has_changes_to_review(seed: Result) -> None:
    assert len(seed.applied_edits) >= 4
    assert seed.edits[0].before == "Sotchi"
    assert [e.rule for e in seed.edits].count("places.idlib") == 1


def test_reject_by_number_and_rule(seed: Result, settings: Settings) -> None:
    idlib = next(i for i, e in enumerate(seed.edits, 1) if e.rule == "places.idlib")
    reviewed = apply_review(
        seed,
        decide(reject_changes=(1,), reject_rules=("places.idlib",), note="Keep *Sotchi*"),
        settings,
    )
    check_guarantees(reviewed)
    statuses = [e.status for e in reviewed.edits]
    assert statuses[0] == statuses[idlib - 1] == "rejected by review"
    assert statuses.count("rejected by review") == 2
    assert statuses.count("applied") == len(seed.edits) - 2
    # The reviewed text is the cleaned text with exactly these two changes undone.
    expected = seed.cleaned.replace("Sochi", "Sotchi", 1).replace("Idlib", "Idleb", 1)
    assert reviewed.cleaned == expected
    assert reviewed.review is not None
    assert reviewed.review.status == "reviewed"
    assert reviewed.review.decision == "accept"
    assert reviewed.review.note == "Keep *Sotchi*"
    assert reviewed.review.reviewed_at == "2026-11-30T10:41:07Z"
    assert reviewed.review.rejected_changes == (1, idlib)
    assert reviewed.review.rejected_rules == ("places.idlib",)


def test_a_prefix_takes_every_entry_under_it(seed: Result, settings: Settings) -> None:
    reviewed = apply_review(seed, decide(reject_rules=(" places ",)), settings)
    rejected = {e.rule for e in reviewed.rejected_edits}
    assert rejected == {e.rule for e in seed.edits if e.rule.startswith("places.")}
    assert all(e.rule.startswith("places.") for e in reviewed.rejected_edits)
    check_guarantees(reviewed)


def test_accept_keeps_the_cleaning(seed: Result, settings: Settings) -> None:
    reviewed = apply_review(seed, decide(note="fine"), settings)
    assert reviewed.cleaned == seed.cleaned
    assert reviewed.findings == seed.findings
    assert all(e.status == "applied" for e in reviewed.edits)
    assert reviewed.review is not None and reviewed.review.rejected_changes == ()


def test_reject_article_gives_the_input_back_byte_for_byte(
    seed: Result, settings: Settings, tmp_path: Path
) -> None:
    reviewed = apply_review(seed, decide(decision="reject article"), settings)
    check_guarantees(reviewed)
    assert reviewed.cleaned == seed.input
    assert all(e.status == "rejected by review" for e in reviewed.edits)
    assert reviewed.review is not None
    assert reviewed.review.decision == "reject article"
    assert reviewed.review.rejected_changes == tuple(range(1, len(seed.edits) + 1))
    write_outputs(reviewed, tmp_path, "seed")
    assert (tmp_path / "seed.clean.txt").read_bytes() == SEED.read_bytes()


def test_a_rejected_change_brings_back_what_the_checkers_flag(
    seed: Result, settings: Settings
) -> None:
    # Findings are found again on the reviewed text, not mapped: rejecting the change of
    # "the calculated Turkish national army" brings back the calque it mended.
    sna = next(i for i, e in enumerate(seed.edits, 1) if e.rule == "organisations.sna")
    assert not any(f.rule == "en.calques.the-calculated" for f in seed.findings)
    reviewed = apply_review(seed, decide(reject_changes=(sna,)), settings)
    check_guarantees(reviewed)
    calques = [f for f in reviewed.findings if f.rule == "en.calques.the-calculated"]
    assert [f.text for f in calques] == ["the calculated Turkish"]
    # Findings elsewhere are the same ones, moved with the text.
    assert len(reviewed.findings) == len(seed.findings) + 1


@pytest.mark.parametrize(
    "decision",
    [
        decide(),
        decide(reject_changes=(2, 2, 3)),
        decide(reject_rules=("organisations",), reject_changes=(1,)),
        decide(decision="reject article", note="not ours"),
    ],
)
def test_a_review_is_idempotent(seed: Result, settings: Settings, decision: ReviewDecision) -> None:
    once = apply_review(seed, decision, settings)
    assert apply_review(once, decision, settings) == once


def test_a_second_review_starts_from_the_cleaning(seed: Result, settings: Settings) -> None:
    first = apply_review(seed, decide(reject_changes=(1,)), settings)
    second = apply_review(first, decide(reject_changes=(2,)), settings)
    assert second == apply_review(seed, decide(reject_changes=(2,)), settings)
    assert second.edits[0].status == "applied"


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        (
            decide(reject_changes=(99,)),
            "reject_changes: there is no change 99 (the report has 1 to",
        ),
        (decide(reject_changes=(0,)), "there is no change 0"),
        (decide(reject_changes=(-1,)), "there is no change -1"),
        (decide(reject_rules=("plces",)), "reject_rules: 'plces' matches no applied change"),
        (decide(reject_rules=("places.idl",)), "'places.idl' matches no applied change"),
        (decide(decision="reject"), "decision must be 'accept' or 'reject article', not 'reject'"),
        (
            ReviewDecision(reviewed_at=dt.datetime(2026, 11, 30, 10, 0)),
            "the review time must carry a time zone",
        ),
    ],
)
def test_bad_decisions_are_clear_errors(
    seed: Result, settings: Settings, decision: ReviewDecision, message: str
) -> None:
    with pytest.raises(ReviewError) as caught:
        apply_review(seed, decision, settings)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_every_problem_is_named_at_once(seed: Result, settings: Settings) -> None:
    with pytest.raises(ReviewError) as caught:
        apply_review(seed, decide(reject_changes=(99,), reject_rules=("zzz",)), settings)
    assert "no change 99" in str(caught.value)
    assert "'zzz' matches no applied change" in str(caught.value)
    assert "places.sochi" in str(caught.value)  # the ids it could have been


def test_suggestions_stay_suggestions(settings: Settings) -> None:
    suggesting = default_settings(suggest_only=True)
    result = clean(SEED.read_bytes(), suggesting, name=SEED.name)
    assert result.suggested_edits and not result.applied_edits
    with pytest.raises(ReviewError, match="change 1 is only a suggestion"):
        apply_review(result, decide(reject_changes=(1,)), suggesting)
    with pytest.raises(ReviewError, match="'places' matches no applied change"):
        apply_review(result, decide(reject_rules=("places",)), suggesting)
    reviewed = apply_review(result, decide(decision="reject article"), suggesting)
    assert all(e.status == "suggested" for e in reviewed.edits)
    assert reviewed.cleaned == result.input


def test_reports_record_statuses_note_and_time(seed: Result, settings: Settings) -> None:
    reviewed = apply_review(
        seed, decide(reject_changes=(1,), reject_rules=("organisations.hts",), note="a|b *c*"),
        settings,
    )  # fmt: skip
    data = json.loads(render_json(reviewed))
    assert data["schema_version"] == "1.2"
    assert [e["status"] for e in data["edits"]] == [e.status for e in reviewed.edits]
    assert data["review"]["note"] == "a|b *c*"
    assert data["review"]["reviewed_at"] == "2026-11-30T10:41:07Z"
    assert data["summary"]["edits_rejected"] == 2
    assert data["cleaned"] == reviewed.cleaned
    md = render_markdown(reviewed)
    assert "## Review" in md
    assert "Reviewed 2026-11-30T10:41:07Z: accept; 2 of 8 change(s) rejected (1, 4)" in md
    assert "> Note from the editor: a\\|b \\*c\\*" in md
    assert "| 1 | rejected by review | ~~Sotchi~~ → **Sochi** |" in md
    assert "| 2 | applied |" in md
    assert "rejected by review 'Sotchi' -> 'Sochi'" in render_text(reviewed)


def test_reports_before_the_review_say_it_is_awaited(seed: Result) -> None:
    waiting = awaiting_review(seed)
    assert "Awaiting review" in render_markdown(waiting)
    data = json.loads(render_json(waiting))
    assert data["review"]["status"] == "awaiting review"
    assert data["review"]["reviewed_at"] is None
    assert json.loads(render_json(seed))["review"] is None


def test_the_form_description_numbers_the_changes_as_the_report(seed: Result) -> None:
    form = review_form_markdown(seed, problem="reject_rules: 'x|y' matches nothing")
    assert form.startswith("**Not applied:** reject\\_rules: 'x\\|y' matches nothing")
    assert "| 1 | ~~Sotchi~~ → **Sochi** | places.sochi |" in form
    rows = [line for line in form.splitlines() if line.startswith("| ") and "~~" in line]
    assert len(rows) == len(seed.applied_edits)


# ---------------------------------------------------------------- the false-alarm memory


def test_rejections_by_rule_are_remembered_and_held_back_next_time(tmp_path: Path) -> None:
    glossary = Path(shutil.copytree(ROOT / "glossary", tmp_path / "glossary"))
    memory = tmp_path / "false-alarms.yaml"
    settings = default_settings(glossary_dir=glossary, memory_file=memory)
    seed = clean(SEED.read_bytes(), settings, name=SEED.name)
    decision = decide(reject_changes=(1,), reject_rules=("places.idlib",), remember_rejections=True)
    reviewed = remember_rejections(memory, apply_review(seed, decision, settings), decision)
    assert reviewed.review is not None and reviewed.review.remembered == 1
    assert "places.idlib" in memory.read_text(encoding="utf-8")
    assert "places.sochi" not in memory.read_text(encoding="utf-8")  # by number: not saved
    # Saving again adds nothing.
    saved = memory.read_bytes()
    assert remember_rejections(memory, reviewed, decision).review == reviewed.review
    assert memory.read_bytes() == saved

    remembering = default_settings(glossary_dir=glossary, memory_file=memory)
    again = clean(SEED.read_bytes(), remembering, name=SEED.name)
    held = [e for e in again.edits if e.rule == "places.idlib"]
    assert [e.status for e in held] == ["suggested"]
    assert "Idleb" in again.cleaned and "Sochi" in again.cleaned
    assert any("held back as suggestions by the false-alarm memory" in n for n in again.notes)
    check_guarantees(again)
    # Cleaning its own output changes nothing: the held-back change stays held back.
    assert clean(again.cleaned, remembering).cleaned == again.cleaned


def test_nothing_is_remembered_unless_asked(tmp_path: Path, seed: Result) -> None:
    memory = tmp_path / "false-alarms.yaml"
    decision = decide(reject_rules=("places.idlib",))
    assert remember_rejections(memory, seed, decision) is seed
    assert not memory.exists()


def test_the_html_report_shows_the_review_escaped(seed: Result, settings: Settings) -> None:
    reviewed = apply_review(seed, decide(reject_changes=(1,), note="<b>x</b>"), settings)
    page = render_html(reviewed)
    assert '<th>Edits rejected by review</th><td class="num">1</td>' in page
    assert "Reviewed 2026-11-30T10:41:07Z: accept; 1 of 8 change(s) rejected (1)." in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page


def test_review_needs_a_server_with_its_ui(tmp_path: Path) -> None:
    pytest.importorskip("prefect")
    unreachable = "http://127.0.0.1:1/api"
    for api_url, problem in (
        (None, "needs a Prefect server with its UI"),
        (unreachable, "cannot reach"),
    ):
        env = prefect_env(tmp_path / "home", **({"PREFECT_API_URL": api_url} if api_url else {}))
        for argv in (
            ["run", "clean-article", str(SEED), "--out", str(tmp_path / "out"), "--review"],
            ["run", "serve-review", str(tmp_path / "outbox")],
        ):
            proc = subprocess.run(
                [sys.executable, "-c", CLI, *argv], env=env, capture_output=True, text=True
            )
            assert proc.returncode == 2
            assert proc.stderr.startswith("copydesk error: ")
            assert problem in proc.stderr
            assert len(proc.stderr.splitlines()) == 1
    assert not (tmp_path / "out").exists() and not (tmp_path / "outbox").exists()
