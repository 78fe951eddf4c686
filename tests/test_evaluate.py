"""Trust evaluation: precision against human spans, false alarms, correlation, scorecard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copydesk.evaluate import evaluate_clean, evaluate_mqm, kendall_tau_b, load_mqm, pearson
from copydesk.pipeline import default_settings
from copydesk.scorecard import render_scorecard

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
    data = SHARED_DATA / "mqm_en_ted_eval.jsonl"
    if not data.exists():
        pytest.skip(f"shared data not present: {data}")
    settings = default_settings()
    from copydesk.evaluate import read_texts

    page = render_scorecard(
        evaluate_mqm(load_mqm(data), settings),
        evaluate_clean(read_texts([data]), settings),
        data.name,
        [(r.id, r.message) for r in settings.rules("en").rules if not r.default_on],
    )
    committed = (ROOT / "docs" / "rule-scorecard.md").read_text(encoding="utf-8")
    assert page == committed, "run `copydesk eval scorecard ../shared/data/mqm_en_ted_eval.jsonl`"
