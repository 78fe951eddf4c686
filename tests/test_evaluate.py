"""Trust evaluation: precision against human spans, false alarms, correlation, scorecard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copydesk.evaluate import evaluate_clean, evaluate_mqm, kendall_tau_b, load_mqm, pearson
from copydesk.pipeline import default_settings
from copydesk.scorecard import SCORECARD_COMMAND, scorecard_page

from .conftest import ROOT, SHARED_DATA


def _segment(
    target: str, spans: list[tuple[str, str]], score: float, seg_id: int
) -> dict[str, object]:
    errors = []
    for text, category in spans:
        start = target.index(text)
        errors.append({"category": category, "severity": "Minor", "span_text": text,
                       "start": start, "end": start + len(text), "side": "target"})  # fmt: skip
    return {"system": "s", "doc": "d", "seg_id": seg_id, "target": target, "reference": target,
            "mqm_score": score, "n_errors": len(errors), "errors": errors}  # fmt: skip


@pytest.fixture()
def mqm_file(tmp_path: Path) -> Path:
    rows = [
        # A right flag: the human marked the doubled word too.
        _segment("We went to the the market on Monday.", [("the the", "Fluency/Grammar")], 1.0, 1),
        # A false alarm: the professional found nothing wrong.
        _segment("It was of great importance to all of us.", [], 0.0, 2),
        # A miss: a human error copydesk does not see.
        _segment("He eat an apple every morning at home.", [("eat", "Fluency/Grammar")], 5.0, 3),
    ]
    path = tmp_path / "mqm.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_precision_recall_false_alarms(mqm_file: Path) -> None:
    report = evaluate_mqm(load_mqm(mqm_file), default_settings())
    doubled = report["rules"]["en.repetition.doubled-word"]
    assert (doubled["flags"], doubled["right"]) == (1, 1)
    great = report["rules"]["en.intensifiers.great-abstract"]
    assert (great["flags"], great["right"]) == (1, 0)
    assert report["recall"]["Fluency/Grammar"] == {"spans": 2, "found": 1, "recall": 0.5}
    fa = report["false_alarms_on_clean_segments"]
    assert fa["segments"] == 1 and fa["flags"] == 1
    # Too few flags for a per-category figure.
    assert all(row["precision"] is None for row in report["categories"].values())


def test_human_text_evaluation() -> None:
    report = evaluate_clean(["He flew to Sotchi.", "Plain human text."], default_settings())
    assert report["edits"] == 1
    assert report["rules"]["places.sochi"]["edits"] == 1


def test_correlations() -> None:
    assert pearson([1, 2, 3], [1, 2, 3]) == pytest.approx(1.0)
    assert pearson([1, 1, 1], [1, 2, 3]) is None
    assert kendall_tau_b([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)


def test_bad_mqm_line_is_named(tmp_path: Path) -> None:
    from copydesk.errors import InputError

    path = tmp_path / "bad.jsonl"
    path.write_text('{"target": "x"}\n{not json}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:2:"):
        load_mqm(path)


@pytest.mark.slow
def test_committed_scorecard_is_current() -> None:
    files = [SHARED_DATA / "mqm_en_ted_eval.jsonl", *sorted((SHARED_DATA / "ml").glob("*.jsonl"))]
    if not files[0].exists() or len(files) == 1:
        pytest.skip(f"shared data not present: {SHARED_DATA}")
    page = scorecard_page(files, default_settings())
    committed = (ROOT / "docs" / "rule-scorecard.md").read_text(encoding="utf-8")
    assert page == committed, f"run `{SCORECARD_COMMAND}`"


def test_scorecard_has_a_section_per_file_language_and_domain(tmp_path: Path) -> None:
    rows = [
        {"lp": "en-de", "domain": "news", "system": "a", "doc": "d", "seg_id": 1,
         "target": "Er flog nach Sotchi.", "reference": "Er flog nach Sotschi.",
         "errors": [{"start": 13, "end": 19, "category": "Terminology", "severity": "Minor"}]},
        {"lp": "en-es", "domain": "news", "system": "a", "doc": "d", "seg_id": 1,
         "target": "Voló a Sochi.", "reference": "Voló a Sochi.", "errors": None},
    ]  # fmt: skip
    path = tmp_path / "two.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    page = scorecard_page([path, mqm_file_path(tmp_path)], default_settings())
    headings = [line for line in page.splitlines() if line.startswith("## ")]
    assert headings == [
        "## German, news (`two.jsonl`)",
        "## Spanish, news (`two.jsonl`)",
        "## English, no domain (`mqm.jsonl`)",
    ]
    german = page.split("## German")[1].split("## Spanish")[0]
    assert "`places.sochi` | 1 | 1 |" in german  # Sotchi -> Sotschi, on the marked span
    spanish = page.split("## Spanish")[1].split("## English")[0]
    assert "No MQM annotation in this file: human text only." in spanish
    assert "`en." not in german + spanish


def mqm_file_path(tmp_path: Path) -> Path:
    """An English MQM file (no ``lp``: English) with one doubled word marked."""
    path = tmp_path / "mqm.jsonl"
    row = _segment("We went to the the market.", [("the the", "Fluency/Grammar")], 1.0, 1)
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    return path


def test_rows_are_read_in_their_own_language_and_unannotated_rows_left_out(
    tmp_path: Path,
) -> None:
    rows = [
        {"lp": "en-de", "domain": "news", "system": "a", "doc": "d", "seg_id": 1,
         "target": "Er sagte: \"Wir fahren nach Sotchi.\"", "reference": "Er sagte es.",
         "errors": []},
        {"lp": "en-de", "domain": "news", "system": "b", "doc": "d", "seg_id": 1,
         "target": "Er flog nach Sotchi.", "reference": "Er sagte es.", "errors": None},
    ]  # fmt: skip
    path = tmp_path / "de.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    segments = load_mqm(path)
    assert [(s.language, s.domain, s.annotated) for s in segments] == [
        ("de", "news", True),
        ("de", "news", False),
    ]
    report = evaluate_mqm(segments, default_settings())
    assert report["segments"] == 1
    assert report["unannotated_segments_skipped"] == 1
    assert list(report["groups"]) == ["de news"]
    # The English pack never runs on German text: no English rule id anywhere.
    assert not [r for r in report["rules"] if r.startswith("en.")]
    english = evaluate_mqm(segments, default_settings(), "en")
    assert list(english["groups"]) == ["en news"]

    from copydesk.evaluate import read_labelled_texts

    texts = read_labelled_texts([path], "reference")
    assert texts == [("Er sagte es.", "de")]


def test_rows_without_lp_take_the_language_of_the_file(tmp_path: Path) -> None:
    """A segment too short to tell ("Ja.") takes the language of all the file's rows."""
    from copydesk.evaluate import read_labelled_texts

    targets = ["Ja.", "Nein, danke.", "Die Regierung hat am Montag neue Gespräche angekündigt."]
    rows = [{"target": t, "reference": t, "errors": []} for t in targets]
    path = tmp_path / "de.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    assert {s.language for s in load_mqm(path)} == {"de"}
    assert {lang for _text, lang in read_labelled_texts([path])} == {"de"}


def test_a_field_without_text_is_named(tmp_path: Path) -> None:
    from copydesk.errors import InputError
    from copydesk.evaluate import read_labelled_texts

    path = tmp_path / "refs.jsonl"
    path.write_text('{"reference": "Er sagte es."}\n{"reference": null}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"refs.jsonl:2: no 'reference' field"):
        read_labelled_texts([path])


def test_scorecard_command_takes_several_files(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from copydesk.cli import cli

    english = mqm_file_path(tmp_path)
    row = {"lp": "en-fr", "domain": "news", "target": "Il est allé à Sotschi.",
           "reference": "Il est allé à Sotchi.", "errors": []}  # fmt: skip
    french = tmp_path / "fr.jsonl"
    french.write_text(json.dumps(row) + "\n", encoding="utf-8")
    out = tmp_path / "card.md"
    result = CliRunner().invoke(
        cli, ["eval", "scorecard", str(english), str(french), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "## English, no domain (`mqm.jsonl`)" in page
    assert "## French, news (`fr.jsonl`)" in page
    # Sotschi -> Sotchi in French text: a flag on a segment marked clean.
    assert "`places.sochi` | 1 | 0 |" in page.split("## French")[1]
