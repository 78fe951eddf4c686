"""Bounded cost: TER on bounded units, the line index, the size limit, memory on big input."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from copydesk.edits import apply_edits, compose_edits
from copydesk.errors import InputError
from copydesk.load import DEFAULT_MAX_MB, MAX_MB_ENV, load_bytes, load_path
from copydesk.model import Edit
from copydesk.pipeline import clean
from copydesk.report import (
    LineIndex,
    iter_json,
    line_col,
    render_json,
    render_markdown,
    render_text,
    to_dict,
)
from copydesk.scores import ter
from copydesk.scores.reference import reference_scores
from copydesk.scores.ter import SEGMENT_WORDS, count_edits, edit_rate_score
from copydesk.spans import SpanIndex

from .conftest import ROOT, SEED

# -- bounded TER ----------------------------------------------------------------------


@pytest.fixture
def ter_lengths(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[int, int]]]:
    """The (hypothesis, reference) word counts of every segment given to TER."""
    seen: list[tuple[int, int]] = []
    real = ter.translation_edit_rate

    def recording(hyp: Sequence[str], ref: Sequence[str]) -> tuple[int, int]:
        seen.append((len(hyp), len(ref)))
        return real(hyp, ref)

    monkeypatch.setattr(ter, "translation_edit_rate", recording)
    yield seen


def _sacrebleu_line_ter(input_text: str, cleaned: str) -> tuple[float, float]:
    """sacrebleu's own corpus TER over all line pairs: (edits, reference words)."""
    from sacrebleu.metrics.ter import TER

    hyps, refs = ter.pair_lines(input_text, cleaned)
    result = TER(case_sensitive=True).corpus_score(hyps, [refs])
    return float(result.num_edits), float(result.ref_length)


def _seed_result() -> tuple[str, str]:
    result = clean(SEED.read_text(encoding="utf-8"))
    assert result.input != result.cleaned
    return result.input, result.cleaned


def test_edit_rate_equals_sacrebleu_on_an_ordinary_article() -> None:
    input_text, cleaned = _seed_result()
    score = edit_rate_score(input_text, cleaned)
    edits, words = _sacrebleu_line_ter(input_text, cleaned)
    assert (score.details["edits"], score.details["reference_words"]) == (edits, words)
    assert score.value == round(100 * edits / words, 4)
    assert "split_lines" not in score.details and "not_scored" not in score.details
    from sacrebleu.metrics.ter import TER

    metric = TER(case_sensitive=True)
    metric.corpus_score(["a"], [["a"]])
    assert score.signature == str(metric.get_signature())


def test_edit_rate_equals_sacrebleu_on_paragraphs_up_to_the_segment_size() -> None:
    rng = random.Random(7)
    words = SEED.read_text(encoding="utf-8").split()
    lines_in, lines_out = [], []
    for n in (5, 40, 120, SEGMENT_WORDS):
        line = [rng.choice(words) for _ in range(n)]
        edited = list(line)
        for i in range(0, n, 9):
            edited[i] = edited[i].upper()
        lines_in.append(" ".join(line))
        lines_out.append(" ".join(edited))
    input_text, cleaned = "\n".join(lines_in), "\n".join(lines_out)
    score = edit_rate_score(input_text, cleaned)
    assert (score.details["edits"], score.details["reference_words"]) == _sacrebleu_line_ter(
        input_text, cleaned
    )


def _long_line(sentences: int, rng: random.Random) -> list[str]:
    words = [w.strip(".!?") for w in SEED.read_text(encoding="utf-8").split()]
    out = []
    for _ in range(sentences):
        sentence = [rng.choice(words) or "x" for _ in range(rng.randint(8, 30))]
        sentence[-1] += "."
        out.append(" ".join(sentence))
    return out


def test_a_long_changed_line_is_scored_in_bounded_segments(
    ter_lengths: list[tuple[int, int]],
) -> None:
    rng = random.Random(1)
    sentences = _long_line(2000, rng)  # about 38,000 words on one line
    edited = [s.replace("the ", "THE ", 1) if i % 3 == 0 else s for i, s in enumerate(sentences)]
    score = edit_rate_score(" ".join(sentences), " ".join(edited))
    assert ter_lengths and max(max(pair) for pair in ter_lengths) <= SEGMENT_WORDS
    assert score.details["split_lines"] == 1
    changed = sum(a != b for a, b in zip(sentences, edited, strict=True))
    # each changed sentence holds one substitution: the sentence split finds exactly those
    assert score.details["edits"] == changed
    assert score.details["reference_words"] == len(" ".join(edited).split())


def test_sentences_that_merge_or_split_are_aligned_by_anchors() -> None:
    rng = random.Random(2)
    sentences = _long_line(600, rng)
    edited = list(sentences)
    # one sentence end removed (two sentences become one) and one word changed elsewhere
    edited[100] = edited[100].rstrip(".") + ";"
    edited[400] = "Changed " + edited[400]
    count = count_edits([(" ".join(sentences), " ".join(edited))], case_sensitive=True)
    assert count.split_pairs == 1 and count.skipped_units == 0
    assert count.edits == 2  # the punctuation word substituted, one word inserted
    assert count.reference_words == len(" ".join(edited).split())


def test_an_unchanged_long_line_costs_no_ter(ter_lengths: list[tuple[int, int]]) -> None:
    text = "aaaa " * 200_000
    score = edit_rate_score(text, text)
    assert score.value == 0.0 and score.details["reference_words"] == 200_000
    assert ter_lengths == []  # and the signature is built without scoring anything
    assert score.signature and "case:mixed" in score.signature


def test_a_long_run_without_sentences_is_chunked_or_left_out_with_a_note(
    ter_lengths: list[tuple[int, int]],
) -> None:
    words = [f"w{i % 97}" for i in range(30_000)]
    same_length = list(words)
    for i in range(50, 30_000, 1000):
        same_length[i] = "X"
    chunked = count_edits([(" ".join(words), " ".join(same_length))], case_sensitive=True)
    assert chunked.edits == 30 and chunked.skipped_units == 0
    assert max(max(pair) for pair in ter_lengths) <= SEGMENT_WORDS

    shorter = [w for i, w in enumerate(words) if i % 1000 != 50]
    score = edit_rate_score(" ".join(words), " ".join(shorter))
    left_out = score.details["not_scored"]
    assert left_out["units"] == 1 and left_out["reference_words"] > SEGMENT_WORDS
    assert "ceiling" in left_out["note"]
    assert max(max(pair) for pair in ter_lengths) <= SEGMENT_WORDS


def test_reference_ter_is_bounded_too(ter_lengths: list[tuple[int, int]]) -> None:
    rng = random.Random(3)
    sentences = _long_line(1500, rng)
    hypothesis = " ".join(s.replace(" a ", " an ", 1) for s in sentences)
    out = reference_scores({"input": hypothesis}, " ".join(sentences))
    assert out.systems["input"]["TER"].value > 0
    assert max(max(pair) for pair in ter_lengths) <= SEGMENT_WORDS


def test_reference_ter_is_unchanged_on_ordinary_text() -> None:
    from sacrebleu.metrics.ter import TER

    input_text, cleaned = _seed_result()
    out = reference_scores({"input": input_text}, cleaned).to_dict()
    hyps = [line.strip() for line in input_text.split("\n") if line.strip()]
    refs = [line.strip() for line in cleaned.split("\n") if line.strip()]
    metric = TER()
    expected = metric.corpus_score(hyps, [refs])
    assert out["input"]["TER"]["score"] == round(expected.score, 4)
    assert out["input"]["TER"]["signature"] == str(metric.get_signature())
    assert out["input"]["TER"]["details"]["text"] == str(expected)


# -- line index and span lookups ----------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["", "one line", "a\nb\n", "\n\n\n", "crlf\r\nline\r\n", "x" * 50 + "\n" + "y" * 7]
)
def test_line_index_agrees_with_counting(text: str) -> None:
    index = LineIndex(text)
    for offset in range(len(text) + 1):
        assert index.line_col(offset) == line_col(text, offset)


def test_span_touches_agrees_with_a_scan() -> None:
    rng = random.Random(5)
    for _ in range(200):
        spans, at = [], 0
        for _ in range(rng.randint(0, 8)):
            at += rng.randint(0, 5)
            end = at + rng.randint(0, 4)
            spans.append((at, end))
            at = end
        index = SpanIndex(spans)
        for _ in range(20):
            start = rng.randint(0, at + 3)
            end = start + rng.randint(0, 6)
            scan = any((a < end and start < b) or (a == b and start <= a <= end) for a, b in spans)
            assert index.touches(start, end) == scan, (spans, start, end)
            overlap = any(a < end and start < b for a, b in spans)
            assert index.overlaps(start, end) == overlap, (spans, start, end)


@pytest.mark.parametrize(
    "text",
    [
        SEED.read_text(encoding="utf-8"),
        "The goverment said nothing.\n",  # a finding, no edit
        "He flew to Sotchi.\r\n",  # an edit, no finding
        "Nothing here.",
    ],
)
def test_json_in_pieces_is_the_same_text(text: str) -> None:
    result = clean(text)
    whole = json.dumps(to_dict(result), ensure_ascii=False, indent=2) + "\n"
    assert render_json(result) == whole
    assert "".join(iter_json(result)) == whole


def test_reports_of_many_edits_are_fast() -> None:
    from dataclasses import replace

    from copydesk.report_html import render_html

    result = clean("He flew to Sotchi. " * 20_000, language="en")
    assert len(result.applied_edits) == 20_000
    suggestions = tuple(
        Edit(i, i + 2, "He", "She", "test.she", applied=False)
        for i in range(0, len(result.input), len("He flew to Sotchi. "))
    )
    many = replace(result, edits=result.edits + suggestions)
    started = time.perf_counter()
    page = render_html(many)
    markdown = render_markdown(many)
    text = render_text(many)
    assert time.perf_counter() - started < 10  # pairwise work took minutes
    assert page.count('<span class="suggested" title="suggested:') == 20_000
    assert markdown.count("| suggested | ~~He~~ → **She** | test.she |") == 20_000
    assert text.count("suggested 'He' -> 'She'") == 20_000


# -- composing many edits ------------------------------------------------------------------


def test_composing_many_edits_is_fast() -> None:
    original = "He flew to Sotchi\u060c then Idleb\u061b " * 20_000
    comma, semicolon = "\u060c", "\u061b"
    first = [
        Edit(i, i + 1, c, "," if c == comma else ";", "fix")
        for i, c in enumerate(original)
        if c in (comma, semicolon)
    ]
    middle = apply_edits(original, first)
    second = [
        Edit(m.start(), m.end(), m.group(), "Sochi" if m.group() == "Sotchi" else "Idlib", "t")
        for m in re.finditer("Sotchi|Idleb", middle)
    ]
    started = time.perf_counter()
    composed = compose_edits(first, second, original, middle)
    assert time.perf_counter() - started < 5  # 80,000 edits; pairwise work took minutes
    assert len(composed) == 80_000
    assert apply_edits(original, composed) == apply_edits(middle, second)


# -- the size limit -------------------------------------------------------------------------


def run_cli(*args: str, env: dict[str, str] | None = None, stdin: bytes | None = None) -> Any:
    import os

    return subprocess.run(
        [sys.executable, "-m", "copydesk", *args],
        capture_output=True,
        text=stdin is None,
        input=stdin,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_a_file_over_the_limit_is_refused_by_its_size(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:  # sparse: the size is there, the bytes are not
        fh.truncate(int((DEFAULT_MAX_MB + 1) * 1_000_000))
    with pytest.raises(InputError, match=r"big\.txt: 33\.00 MB is over the 32 MB limit"):
        load_path(big)
    proc = run_cli("check", str(big))
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [proc.stderr.strip()]
    assert proc.stderr.startswith("copydesk error: ") and "--max-size" in proc.stderr
    assert proc.stdout == ""


def test_max_size_and_the_environment_set_the_limit(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("The minister said the talks went well.\n" * 60, encoding="utf-8")
    low = {MAX_MB_ENV: "0.001"}  # 1,000 bytes, less than the article's 2,340
    refused = run_cli("check", str(article), env=low)
    assert refused.returncode == 2 and "over the 0.001 MB limit" in refused.stderr
    assert len(refused.stderr.splitlines()) == 1
    assert run_cli("check", str(article), "--max-size", "0.01", env=low).returncode == 0
    out = tmp_path / "out"
    cleaned = run_cli("clean", str(article), "--out", str(out), "--max-size", "0.002")
    assert cleaned.returncode == 2 and not out.exists()
    stdin = run_cli("check", "-", "--max-size", "0.001", stdin=article.read_bytes())
    assert stdin.returncode == 2 and b"<stdin>: more than" in stdin.stderr
    bad_env = run_cli("check", str(article), env={MAX_MB_ENV: "lots"})
    assert bad_env.returncode == 2 and f"{MAX_MB_ENV} must be" in bad_env.stderr
    flow = run_cli("run", "clean-article", str(article), "--max-size", "0.001")
    assert flow.returncode == 2 and "over the 0.001 MB limit" in flow.stderr


def test_load_bytes_refuses_over_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"Text of an article.\n" * 100
    with pytest.raises(InputError, match=r"over the 0\.001 MB limit"):
        load_bytes(data, "a.txt", max_mb=0.001)
    monkeypatch.setenv(MAX_MB_ENV, "0.001")  # what the inbox flow's load sees
    with pytest.raises(InputError, match=r"a\.txt: 0\.00 MB is over"):
        load_bytes(data, "a.txt")
    assert load_bytes(data, "a.txt", max_mb=1).text.startswith("Text")


# -- memory and time on big input (whole commands) -----------------------------------------


def _bench(name: str) -> Any:
    """A module of ``bench/`` (real text, and the measured command run)."""
    import importlib

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(ROOT / "bench"))


def _check_big(tmp_path: Path, size: int, *, one_line: bool) -> None:
    """``check --format json`` on ``size`` bytes of real text: exit 0, under 1 GB."""
    text: str = _bench("corpus").real_text(size)
    article = tmp_path / "article.txt"
    article.write_text(text.replace("\n", " ") if one_line else text, encoding="utf-8")
    del text
    run = _bench("bench_scale").check_json(article)
    assert run.status == 0, run.stderr
    assert run.peak_mb < 1024, f"peak RSS {run.peak_mb:.0f} MB"
    assert run.output_bytes > size  # the report holds the input and the cleaned text


@pytest.mark.slow
def test_five_megabytes_on_one_line_stay_under_one_gigabyte(tmp_path: Path) -> None:
    _check_big(tmp_path, 5_000_000, one_line=True)


@pytest.mark.slow
def test_twenty_megabytes_of_text_stay_under_one_gigabyte(tmp_path: Path) -> None:
    _check_big(tmp_path, 20_000_000, one_line=False)
