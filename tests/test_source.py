"""Checking an article against its source text: the pipeline, the command lines, the reports."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner

from copydesk.cli import cli
from copydesk.findings.checker import FindContext
from copydesk.pipeline import clean, default_settings
from copydesk.report import render_json, render_markdown, render_text
from copydesk.report_html import render_html
from copydesk.review import ReviewDecision, apply_review
from copydesk.source import source_hash

from .conftest import FIXTURES

ARTICLE = "The president met his counterpart in Sochi.\nThe talks lasted three hours.\n"
SOURCE = "Президент встретился с коллегой в Сочи.\nПереговоры длились три часа.\n"


def settings(**kwargs: object):  # type: ignore[no-untyped-def]
    return default_settings(glossary_dir=FIXTURES / "glossary", **kwargs)  # type: ignore[arg-type]


def test_clean_aligns_the_source_with_the_cleaned_text_and_signs_it() -> None:
    result = clean(ARTICLE, settings(), language="en", source=SOURCE)
    src = result.source_text
    assert src is not None
    assert (src.language, src.method, len(src.pairs)) == ("ru", "lines", 2)
    pairs = src.segments(result.cleaned)
    assert pairs[1][0] == "Переговоры длились три часа."
    assert pairs[1][1] == "The talks lasted three hours."
    assert result.signature.source == f"ru@{source_hash(SOURCE)}"
    assert str(result.signature).endswith(f"|source:ru@{source_hash(SOURCE)}")


def test_the_checkers_are_given_the_source(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[FindContext] = []

    class Spy:
        name = "spy"

        def rules(self, ruleset: object) -> tuple[()]:
            return ()

        def find(self, text: str, context: FindContext):  # type: ignore[no-untyped-def]
            seen.append(context)
            return iter(())

    monkeypatch.setattr("copydesk.pipeline.checkers", lambda: (Spy(),))
    clean(ARTICLE, settings(), language="en", source=SOURCE, source_language="ru")
    clean(ARTICLE, settings(), language="en")
    assert seen[0].source is not None and seen[0].source.language == "ru"
    assert seen[1].source is None


def test_without_a_source_nothing_changes() -> None:
    plain = clean(ARTICLE, settings(), language="en")
    assert plain.source_text is None and "source" not in str(plain.signature)
    for render in (render_text, render_markdown, render_json, render_html):
        assert "Source text" not in render(plain) and "source text" not in render(plain)
    assert "source_text" not in json.loads(render_json(plain))


def test_every_report_names_the_source_its_language_and_method() -> None:
    result = clean(ARTICLE, settings(), language="en", source=SOURCE, name="a.txt")
    line = "<source> (ru), 2 segment(s) aligned by lines"
    assert f"source text: {line}" in render_text(result)
    md = render_markdown(result)
    assert "| Source text | " in md and "(ru), 2 segment(s) aligned by lines |" in md
    assert "Source text" in render_html(result) and "&lt;source&gt; (ru)" in render_html(result)
    data = json.loads(render_json(result))
    assert data["source_text"] == {
        "name": "<source>",
        "language": "ru",
        "method": "lines",
        "segments": 2,
        "sha256": source_hash(SOURCE),
    }


def test_a_review_keeps_the_source_aligned_with_the_reviewed_text() -> None:
    result = clean("He met Putin in Sotchi.\nThen he left.\n", settings(), language="en",
                   source="Он встретил Путина в Сочи.\nПотом уехал.\n")  # fmt: skip
    reviewed = apply_review(
        result,
        ReviewDecision(
            decision="reject article", reviewed_at=dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)
        ),
        settings(),
    )
    assert reviewed.source_text is not None
    assert reviewed.source_text.segments(reviewed.cleaned)[0][1] == "He met Putin in Sotchi."


def test_check_source_and_clean_source_dir(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "src" / "a.txt").write_text(SOURCE, encoding="utf-8")
    runner = CliRunner()
    glossary = str(FIXTURES / "glossary")
    a, src = str(tmp_path / "a.txt"), str(tmp_path / "src" / "a.txt")
    out = runner.invoke(cli, ["check", a, "--source", src, "--glossary", glossary])
    assert out.exit_code == 0, out.output
    assert f"source text: {src} (ru), 2 segment(s) aligned by lines" in out.output
    out = runner.invoke(
        cli, ["check", a, "--source", src, "--source-lang", "uk", "--glossary", glossary]
    )
    assert f"source text: {src} (uk)" in out.output
    out = runner.invoke(
        cli,
        ["clean", a, str(tmp_path / "b.txt"), "--source-dir", str(tmp_path / "src"),
         "--out", str(tmp_path / "out"), "--glossary", glossary],
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    report_a = json.loads((tmp_path / "out" / "a.report.json").read_text(encoding="utf-8"))
    report_b = json.loads((tmp_path / "out" / "b.report.json").read_text(encoding="utf-8"))
    assert report_a["source_text"]["name"] == src
    assert "source_text" not in report_b
    assert any(n.startswith("no source text ") and "b.txt" in n for n in report_b["notes"])


def test_a_missing_source_file_is_an_error_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    from .test_cli import run

    proc = run("check", str(tmp_path / "a.txt"), "--source", str(tmp_path / "nope.txt"))
    assert proc.returncode == 2
    assert proc.stderr.startswith("copydesk error: ") and "nope.txt" in proc.stderr
    assert "Traceback" not in proc.stderr


class _SourceSpy:
    """A checker that records the source each text was checked against."""

    name = "spy"

    def __init__(self) -> None:
        self.sources: list[tuple[str, str] | None] = []

    def rules(self, ruleset: object) -> tuple[()]:
        return ()

    def find(self, text: str, context: FindContext):  # type: ignore[no-untyped-def]
        src = context.source
        self.sources.append(None if src is None else (src.text, src.language))
        return iter(())


def _rows(path: Path) -> Path:
    rows = [
        {"lp": "ru-en", "domain": "news", "source": "Два.", "target": "Two.",
         "reference": "Two.", "errors": []},
        {"lp": "zh-en", "domain": "news", "source": "三。", "target": "Three.",
         "reference": "Three!", "errors": [{"start": 0, "end": 5, "category": "Accuracy",
                                            "severity": "Major"}]},
    ]  # fmt: skip
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def test_eval_mqm_checks_each_row_against_its_source(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from copydesk.evaluate import evaluate_mqm, load_mqm

    spy = _SourceSpy()
    monkeypatch.setattr("copydesk.pipeline.checkers", lambda: (spy,))
    segments = load_mqm(_rows(tmp_path / "m.jsonl"))
    evaluate_mqm(segments, settings())
    assert spy.sources == [("Два.", "ru"), ("三。", "zh")]
    spy.sources.clear()
    evaluate_mqm(segments, settings(), with_source=False)
    assert spy.sources == [None, None]


def test_eval_clean_with_source_pairs_each_reference(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from copydesk.evaluate import evaluate_clean, read_sourced_texts

    spy = _SourceSpy()
    monkeypatch.setattr("copydesk.pipeline.checkers", lambda: (spy,))
    texts = read_sourced_texts([_rows(tmp_path / "m.jsonl")])
    assert [(t.text, t.language, t.source_language) for t in texts] == [
        ("Two.", "en", "ru"),
        ("Three!", "en", "zh"),
    ]
    evaluate_clean(texts, settings())
    assert spy.sources == [("Два.", "ru"), ("三。", "zh")]
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"reference": "x"}\n', encoding="utf-8")
    import pytest

    from copydesk.errors import InputError

    with pytest.raises(InputError, match=r"bad.jsonl:1: "):
        read_sourced_texts([bad])


# ---------------------------------------------------------------- alignment


def test_paragraphs_are_aligned_by_length_when_the_counts_differ() -> None:
    from copydesk.source import align

    source = (
        "Короткий абзац.\n\nЭто длинный абзац о переговорах в Сочи, которые шли три часа.\n\n"
        "Ещё один длинный абзац о том, что было после переговоров.\n"
    )
    target = (
        "A short paragraph.\n\nThis is a long paragraph about the talks in Sochi, which "
        "lasted three hours. Another long paragraph about what came after the talks.\n"
    )
    st = align(source, target, "ru")
    assert st.method == "paragraphs"
    pairs = [(s, t) for s, t, _ in st.segments(target)]
    assert pairs[0] == ("Короткий абзац.", "A short paragraph.")
    assert pairs[1][0].startswith("Это длинный") and pairs[1][0].endswith("переговоров.")
    assert pairs[1][1].startswith("This is a long")


def test_sentences_are_aligned_when_one_side_is_one_paragraph() -> None:
    from copydesk.source import align

    source = "Он приехал. Переговоры шли долго и трудно, до самой ночи. Итог неясен."
    target = (
        "He arrived.\nThe talks went on long and hard, until late at night.\n"
        "The outcome is unclear.\n"
    )
    st = align(source, target, "ru")
    assert st.method == "sentences"
    assert [(s, t) for s, t, _ in st.segments(target)] == [
        ("Он приехал.", "He arrived."),
        ("Переговоры шли долго и трудно, до самой ночи.",
         "The talks went on long and hard, until late at night."),
        ("Итог неясен.", "The outcome is unclear."),
    ]  # fmt: skip


def test_every_pair_has_text_on_both_sides_and_pairs_cover_the_segments() -> None:
    from copydesk.source import align

    source = (
        "Один.\nДва.\nТри, и это длинное предложение, которое переводчик выпустил целиком.\nЧетыре."
    )
    target = "One.\nTwo.\nFour."
    st = align(source, target, "ru")
    assert st.method == "paragraphs"
    assert all(p.source_end > p.source_start and p.target_end > p.target_start for p in st.pairs)
    assert st.pairs[0].source_start == 0 and st.pairs[-1].source_end == len(source)
    assert st.pairs[-1].target_end == len(target)
    for a, b in zip(st.pairs, st.pairs[1:], strict=False):
        assert a.source_end <= b.source_start and a.target_end <= b.target_start


def test_alignment_falls_back_to_one_pair() -> None:
    from copydesk.source import align

    assert align("Одно предложение.", "One.\nTwo.").method == "whole"
    assert align("", "One.\nTwo.").method == "whole"
    long_src = " ".join(f"Предложение {i}." for i in range(2000))
    long_tgt = "\n".join(f"Sentence {i}." for i in range(1500))
    st = align(long_src, long_tgt)  # too unequal to align within the bound: one pair
    assert st.method == "whole" and len(st.pairs) == 1


def _documents(path: Path, limit: int) -> list[list[tuple[str, str]]]:
    from collections import defaultdict

    docs: dict[str, dict[int, tuple[str, str]]] = defaultdict(dict)
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("reference"):
            docs[str(row["doc"])][int(row["seg_id"])] = (row["source"], row["reference"])
    return [[segs[k] for k in sorted(segs)][:limit] for segs in docs.values()]


def test_alignment_of_real_documents_with_merged_paragraphs() -> None:
    """Sources one segment a line (or one paragraph), references with every third pair of
    segments merged: the pairs must keep the segments they translate together."""
    import bisect

    import pytest

    from copydesk.source import align

    from .conftest import SHARED_DATA

    files = [SHARED_DATA / "mqm_en_ted_eval.jsonl", SHARED_DATA / "ml" / "mt_enru_wmt24_news.jsonl"]
    if not all(f.is_file() for f in files):
        pytest.skip("shared data absent")
    for method_wanted in ("paragraphs", "sentences"):
        good = total = 0
        for path in files:
            for rows in _documents(path, 40)[:4]:
                groups = [rows[i : i + 2] if i % 3 == 0 else rows[i : i + 1]
                          for i in range(len(rows)) if i % 3 != 1]  # fmt: skip
                sep = "\n" if method_wanted == "paragraphs" else " "
                src_parts = [" ".join(s for s, _ in g) for g in groups]
                if method_wanted == "paragraphs":
                    src_parts = [s for g in groups for s, _ in g]  # one segment a line
                src = sep.join(src_parts)
                tgt = "\n".join(" ".join(t for _, t in g) for g in groups)
                s_group = [k for k, g in enumerate(groups) for _ in (g if sep == "\n" else [0])]
                s_starts = [0]
                for part in src_parts:
                    s_starts.append(s_starts[-1] + len(part) + 1)
                t_starts = [0]
                for g in groups:
                    t_starts.append(t_starts[-1] + len(" ".join(t for _, t in g)) + 1)
                st = align(src, tgt)
                assert st.method == method_wanted
                for p in st.pairs:
                    first = bisect.bisect_right(s_starts, p.source_start) - 1
                    last = bisect.bisect_right(s_starts, p.source_end - 1) - 1
                    src_groups = {s_group[k] for k in range(first, last + 1)}
                    t_first = bisect.bisect_right(t_starts, p.target_start) - 1
                    tgt_groups = set(
                        range(t_first, bisect.bisect_right(t_starts, p.target_end - 1))
                    )
                    total += p.target_end - p.target_start
                    good += (p.target_end - p.target_start) * (src_groups == tgt_groups)
        assert good / total >= 0.9, (method_wanted, good / total)


def test_a_hostile_source_name_is_escaped_in_every_report() -> None:
    from copydesk.load import Document

    source = Document(text=SOURCE, encoding="utf-8", name="<script>x</script>|a")
    result = clean(ARTICLE, settings(), language="en", source=source)
    html = render_html(result)
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    md = render_markdown(result)
    (row,) = [line for line in md.splitlines() if line.startswith("| Source text |")]
    assert row.count(" | ") == 1 and "<script>" not in row
