"""Scores: MQM penalty, edit rate (TER) and reference metrics, checked against hand values."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from copydesk.model import Finding
from copydesk.scores.base import Score, Scores
from copydesk.scores.mqm import count_words, finding_weight, mqm_score
from copydesk.scores.reference import reference_scores, segment
from copydesk.scores.run import score_run
from copydesk.scores.ter import edit_rate_score, pair_lines

EPSILON = 1e-2


def _f(severity: str, category: str = "Fluency/Spelling") -> Finding:
    return Finding(0, 1, "x", "test.rule", category, severity, "message")  # type: ignore[arg-type]


# -- MQM ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("findings", "words", "penalty", "score"),
    [
        ([], 100, 0.0, 0.0),
        ([_f("minor")], 100, 1.0, 1.0),
        ([_f("major", "Accuracy/Untranslated")], 50, 5.0, 10.0),
        ([_f("critical", "Accuracy/Mistranslation")], 200, 25.0, 12.5),
        ([_f("minor", "Fluency/Punctuation")] * 3, 10, 0.3, 3.0),
        ([_f("major", "Fluency/Punctuation")], 100, 5.0, 5.0),  # only minor punctuation is 0.1
        ([_f("minor"), _f("major"), _f("critical")], 310, 31.0, 10.0),
        ([_f("minor")], 0, 1.0, 100.0),  # no words counts as one word
    ],
)
def test_mqm_penalty(findings: list[Finding], words: int, penalty: float, score: float) -> None:
    out = mqm_score(findings, words)
    assert out.penalty == pytest.approx(penalty, abs=EPSILON)
    assert out.score == pytest.approx(score, abs=EPSILON)
    assert out.word_count == words
    assert out.findings == len(findings)


def test_mqm_counts_per_category_and_severity() -> None:
    findings = [
        _f("minor"),
        _f("minor"),
        _f("major", "Accuracy/Untranslated"),
        _f("minor", "Fluency/Punctuation"),
    ]
    out = mqm_score(findings, 100)
    assert out.by_category == {
        "Accuracy/Untranslated": 1,
        "Fluency/Punctuation": 1,
        "Fluency/Spelling": 2,
    }
    assert out.by_severity == {"minor": 3, "major": 1, "critical": 0}
    assert out.by_category_severity["Fluency/Spelling"] == {"minor": 2}
    assert out.signature.startswith("mqm|")


def test_mqm_rejects_negative_word_count() -> None:
    with pytest.raises(ValueError, match="word_count"):
        mqm_score([], -1)


@pytest.mark.parametrize(
    ("severity", "category", "weight"),
    [
        ("minor", "Fluency/Spelling", 1.0),
        ("minor", "Fluency/Punctuation", 0.1),
        ("major", "Style/Awkward", 5.0),
        ("critical", "Accuracy/Untranslated", 25.0),
    ],
)
def test_finding_weight(severity: str, category: str, weight: float) -> None:
    assert finding_weight(_f(severity, category)) == weight


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", 0),
        ("one", 1),
        ("Putin said — twice — that", 4),
        ("$6.5 billion, and 1.5 billion.", 5),
        ("line one\nline two\r\n", 4),
        ("Erdogan’s al-Sham", 2),
    ],
)
def test_count_words(text: str, words: int) -> None:
    assert count_words(text) == words


# -- edit rate (TER) ------------------------------------------------------------------

TEN_LINES = "\n".join(f"line {i} has five words" for i in range(10))  # 50 words


def _change_one_word(text: str, line: int) -> str:
    lines = text.split("\n")
    lines[line] = lines[line].replace("five", "six")
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("input_text", "cleaned", "expected"),
    [
        (TEN_LINES, TEN_LINES, 0.0),
        ("", "", 0.0),
        # one substitution in 50 reference words
        (TEN_LINES, _change_one_word(TEN_LINES, 3), 2.0),
        # case-sensitive: a capital is an edit
        ("the regime said", "The regime said", 100 / 3),
        # one substitution in the four words of the cleaned text
        ("the regime forces\nsaid", "the government forces\nsaid", 25.0),
        # a deleted word: 1 edit over 3 cleaned words
        ("a b c d", "a b c", 100 / 3),
        # an extra line in the input: its two words are deletions against an empty line
        ("a b c d\ne f", "a b c d", 50.0),
    ],
)
def test_edit_rate(input_text: str, cleaned: str, expected: float) -> None:
    score = edit_rate_score(input_text, cleaned)
    assert score.value == pytest.approx(expected, abs=EPSILON)
    assert score.to_dict()["score"] == score.value


def test_edit_rate_is_per_line_and_signed() -> None:
    score = edit_rate_score(TEN_LINES, _change_one_word(TEN_LINES, 9))
    assert score.details["edits"] == 1
    assert score.details["reference_words"] == 50
    assert score.details["lines"] == 10
    assert score.signature is not None
    assert "case:mixed" in score.signature and "tok:tercom" in score.signature


def test_pair_lines_pads_the_shorter_side() -> None:
    assert pair_lines("a", "a\nb\nc") == (["a", "", ""], ["a", "b", "c"])


# -- reference scores -----------------------------------------------------------------

CAT = "the cat sat on the mat"
CAT_REF = "the cat sat on a mat"


@pytest.mark.parametrize(
    ("hypothesis", "reference", "metric", "expected"),
    [
        (CAT_REF, CAT_REF, "BLEU", 100.0),
        (CAT_REF, CAT_REF, "chrF++", 100.0),
        (CAT_REF, CAT_REF, "TER", 0.0),
        # n-gram precisions 5/6, 3/5, 2/4, 1/3, equal lengths: (1/12) ** 0.25
        (CAT, CAT_REF, "BLEU", 100 * (1 / 12) ** 0.25),
        # one substitution in six reference words
        (CAT, CAT_REF, "TER", 100 / 6),
        # nothing in common
        ("xyz qqq", "abc def", "chrF++", 0.0),
        ("xyz qqq", "abc def", "TER", 100.0),
        # TER against a reference is case-insensitive, as in WMT
        ("The Cat", "the cat", "TER", 0.0),
    ],
)
def test_reference_scores(hypothesis: str, reference: str, metric: str, expected: float) -> None:
    out = reference_scores({"input": hypothesis}, reference)
    assert out.systems["input"][metric].value == pytest.approx(expected, abs=EPSILON)


def test_reference_scores_carry_signatures_and_segmentation() -> None:
    out = reference_scores(
        {"input": f"{CAT}\n\nhello there", "cleaned": f"{CAT_REF}\nhello there"},
        f"{CAT_REF}\nhello there",
    )
    assert (out.segmentation, out.segments) == ("line", 2)
    cleaned, given = out.systems["cleaned"], out.systems["input"]
    assert cleaned["BLEU"].value == pytest.approx(100.0)
    assert "tok:13a" in str(given["BLEU"].signature)
    assert "nw:2" in str(given["chrF++"].signature)
    assert "case:lc" in str(given["TER"].signature)


def test_reference_scores_fall_back_to_document() -> None:
    mode, hyps, refs = segment({"input": "a b\nc", "cleaned": "a b c"}, "a b\nc")
    assert mode == "document"
    assert hyps == {"input": ["a b c"], "cleaned": ["a b c"]} and refs == ["a b c"]
    out = reference_scores({"input": "a b\nc d", "cleaned": "a b c d"}, "a b\nc d")
    assert out.segmentation == "document"
    assert out.systems["cleaned"]["TER"].value == out.systems["input"]["TER"].value == 0.0


def test_reference_scores_need_a_reference() -> None:
    with pytest.raises(ValueError, match="reference"):
        reference_scores({"input": "a"}, " \n ")


# -- base -----------------------------------------------------------------------------


def test_score_is_frozen_and_serialisable() -> None:
    score = Score("TER", 2.0, "sig", {"edits": 1})
    assert score.to_dict() == {
        "name": "TER",
        "score": 2.0,
        "signature": "sig",
        "details": {"edits": 1},
    }
    with pytest.raises(dataclasses.FrozenInstanceError):
        score.value = 3.0  # type: ignore[misc]


def test_scores_to_dict_is_the_report_json() -> None:
    text = "the regime forces said\n\nteh talks ended"
    cleaned = "the government forces said\n\nteh talks ended"
    findings = [Finding(31, 34, "teh", "spelling.x", "Fluency/Spelling", "minor", "m")]
    scores = score_run(text, cleaned, findings)
    out = scores.to_dict()
    assert list(out) == ["words", "mqm", "edit_rate"]
    assert out["words"] == scores.words == 7
    assert list(out["mqm"]) == [
        "findings", "word_count", "penalty", "score", "by_category", "by_severity",
        "by_category_severity", "weights", "signature",
    ]  # fmt: skip
    assert out["mqm"]["score"] == scores.mqm.score == pytest.approx(100 / 7, abs=EPSILON)
    assert out["edit_rate"] == scores.edit_rate.to_dict()
    assert out["edit_rate"]["name"] == "edit-rate" and out["edit_rate"]["details"]["edits"] == 1
    with_reference = score_run(text, cleaned, findings, reference=cleaned).to_dict()
    assert list(with_reference) == ["words", "mqm", "edit_rate", "reference"]
    assert list(with_reference["reference"]) == ["segmentation", "segments", "input", "cleaned"]
    assert with_reference["reference"]["cleaned"]["TER"]["score"] == 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        scores.words = 3  # type: ignore[misc]


def test_a_run_is_scored_with_typed_values() -> None:
    from copydesk.pipeline import clean, default_settings

    result = clean("Fighting in Idleb went on.\n", default_settings())
    assert result.cleaned == "Fighting in Idlib went on.\n"
    assert isinstance(result.scores, Scores)
    assert result.scores.mqm.word_count == result.scores.words == 5
    assert result.scores.edit_rate.value > 0 and result.scores.reference is None


def test_edit_rate_counts_as_sacrebleu_does() -> None:
    from sacrebleu.metrics.lib_ter import translation_edit_rate

    from copydesk.scores.tercom import translation_edit_rate as counted

    hyp = [
        "the",
        "summit",
        "in",
        "Sochi",
        "ended",
        "on",
        "a",
        "Tuesday",
        "with",
        "no",
        "joint",
        "statement",
    ]
    ref = ["on", "Tuesday", "the", "Sochi", "summit", "ended", "without", "a", "joint", "statement"]
    assert counted(hyp, ref) == translation_edit_rate(hyp, ref) == (7, 10)


def test_a_repeated_line_is_counted_once_and_added_every_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from copydesk.scores import ter

    calls: list[tuple[str, ...]] = []
    real = ter.translation_edit_rate

    def counting(hyp: Sequence[str], ref: Sequence[str]) -> tuple[int, int]:
        calls.append(tuple(hyp))
        return real(hyp, ref)

    monkeypatch.setattr(ter, "translation_edit_rate", counting)
    once = ter.count_edits([("the regime said", "the government said")], case_sensitive=True)
    pairs = [("the regime said", "the government said"), ("a b", "a c")] * 3
    thrice = ter.count_edits(pairs, case_sensitive=True)
    assert (thrice.edits, thrice.reference_words) == (3 * once.edits + 3, 3 * 3 + 3 * 2)
    assert thrice.segments == 6
    assert calls == [("the", "regime", "said"), ("the", "regime", "said"), ("a", "b")]


@pytest.mark.parametrize("case_sensitive", [True, False])
def test_ter_signature_is_sacrebleus_from_the_cache_too(
    case_sensitive: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sacrebleu.metrics.ter import TER

    from copydesk.scores.ter import ter_signature

    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(tmp_path / "cache"))
    metric = TER(case_sensitive=case_sensitive)
    metric.num_refs = 1
    expected = str(metric.get_signature())
    built = ter_signature(case_sensitive=case_sensitive)
    stored = ter_signature(case_sensitive=case_sensitive)
    assert built == stored == expected
    assert len(list((tmp_path / "cache").glob("ter-signature-*"))) == 1


def test_a_warm_check_imports_neither_sacrebleu_nor_yaml(tmp_path: Path) -> None:
    seed = Path(__file__).parent.parent / "seeds" / "sochi-summit.txt"
    env = {**os.environ, "COPYDESK_CACHE_DIR": str(tmp_path / "cache")}
    code = (
        "import sys\n"
        "from copydesk.cli import main\n"
        "try:\n"
        f"    main(['check', {str(seed)!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sacrebleu', 'portalocker', 'redis', 'yaml')))\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        for _ in range(2)
    ]
    # The first run fills the cache; the second needs nothing of sacrebleu's package, and
    # reads every data file's value from the cache (no YAML parsed).
    assert runs[1].stdout.splitlines()[-1] == "[]"
