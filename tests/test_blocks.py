"""Articles read and cleaned in blocks: the same report as the whole article, flat memory."""

from __future__ import annotations

import codecs
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from copydesk.blocks import BLOCK_MB_ENV, clean_in_blocks, in_blocks, iter_blocks
from copydesk.errors import InputError
from copydesk.limits import MAX_FINDINGS_PER_RULE
from copydesk.load import load_path
from copydesk.pipeline import clean
from copydesk.report import iter_json, render_json, render_markdown, render_text
from copydesk.settings import default_settings

from .conftest import SEED

BLOCK_NOTE = "read and cleaned in"


def _without_block_note(report: dict[str, Any]) -> dict[str, Any]:
    notes = [n for n in report["notes"] if not n.startswith(BLOCK_NOTE)]
    assert len(notes) == len(report["notes"]) - 1  # the note says it was read in blocks
    return {**report, "notes": notes}


@pytest.fixture(scope="module")
def long_article(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed thirty times (its names' first mentions only in the first copy), with blank
    lines between copies and a line of another language."""
    seed = SEED.read_text(encoding="utf-8")
    other = "Der Minister sagte, die Gespräche seien gut verlaufen und würden fortgesetzt.\n"
    path = tmp_path_factory.mktemp("blocks") / "long.txt"
    path.write_text("\n\n".join([seed] * 15 + [other] + [seed] * 15), encoding="utf-8")
    return path


def test_blocks_give_the_whole_article_s_report(long_article: Path) -> None:
    settings = default_settings()
    whole = clean(load_path(long_article), settings)
    with clean_in_blocks(
        long_article, settings, block_chars=25_000, text_report=True, markdown_report=True
    ) as run:
        assert run.blocks > 2
        blocks_json = json.loads("".join(iter_json(run.result, run.texts())))
        blocks_text = "".join(run.text_report())
        blocks_markdown = "".join(run.markdown_report())
    assert _without_block_note(blocks_json) == json.loads(render_json(whole))
    whole_text = render_text(whole).splitlines()
    assert [line for line in blocks_text.splitlines() if BLOCK_NOTE not in line] == whole_text
    note = next(line for line in blocks_markdown.splitlines() if BLOCK_NOTE in line)
    assert blocks_markdown.replace(note + "\n\n", "") == render_markdown(whole)
    assert len(whole.applied_edits) > 30  # changes in every block, offsets shifted


def test_the_findings_cap_counts_every_block(tmp_path: Path) -> None:
    path = tmp_path / "doubled.txt"
    path.write_text("The talks the the minister said went well.\n" * 1_500, encoding="utf-8")
    settings = default_settings()
    whole = clean(load_path(path), settings, language="en")
    with clean_in_blocks(path, settings, language="en", block_chars=5_000) as run:
        result = run.result
    doubled = [f for f in result.findings if f.rule.endswith("doubled-word")]
    assert len(doubled) == MAX_FINDINGS_PER_RULE
    assert result.findings == whole.findings
    assert [n for n in result.notes if not n.startswith(BLOCK_NOTE)] == list(whole.notes)
    assert any("1,500 findings" in n for n in result.notes)
    assert result.scores == whole.scores


def _blocks(text: str, block_chars: int, encoding: str = "utf-8") -> tuple[str, list[str]]:
    found, blocks = iter_blocks(io.BytesIO(text.encode(encoding)), "a.txt", None, block_chars)
    return found, list(blocks)


def test_blocks_are_cut_at_blank_lines_then_lines_then_spaces() -> None:
    text = "One two three.\n\nFour five six seven.\nEight nine ten.\n" * 20
    _, blocks = _blocks(text, 100)
    assert "".join(blocks) == text and len(blocks) > 5
    assert all(b.endswith("\n\n") for b in blocks[:-1])
    _, lines = _blocks(text.replace("\n\n", "\n"), 100)
    assert all(b.endswith("\n") for b in lines[:-1])
    one_line = "word " * 100
    _, words = _blocks(one_line, 64)
    assert "".join(words) == one_line and all(b.endswith(" ") for b in words[:-1])


def test_blocks_decode_as_the_whole_file_does(tmp_path: Path) -> None:
    text = "Idleb’s “villages” — Alep.\r\n" * 400
    for encoding, data in (
        ("utf-8-sig", codecs.BOM_UTF8 + text.encode("utf-8")),
        ("utf-16", text.encode("utf-16")),
        ("legacy", text.encode("cp1252")),  # recognised from its opening bytes
    ):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(data)
        doc = load_path(path)
        with path.open("rb") as handle:
            found, blocks = iter_blocks(handle, "a.txt", None, 1_000)
            assert found == doc.encoding
            assert encoding == "legacy" or found == encoding
            assert "".join(blocks) == doc.text


def test_bad_bytes_far_into_a_file_are_an_input_error() -> None:
    data = ("Plain text of an article.\n" * 100_000).encode() + b"\xff tail\n"
    _, blocks = iter_blocks(io.BytesIO(data), "a.txt", None, 10_000)
    with pytest.raises(InputError, match=r"a\.txt: not valid utf-8 at byte 2600000"):
        list(blocks)
    _, binary = iter_blocks(io.BytesIO(b"Text.\n" * 1000 + b"\x01"), "b.txt", None, 500)
    with pytest.raises(InputError, match=r"b\.txt: looks like a binary file .* 6000"):
        list(binary)
    _, blank = iter_blocks(io.BytesIO(b" \n" * 1000), "c.txt", None, 500)
    with pytest.raises(InputError, match=r"c\.txt: the article is empty"):
        list(blank)


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "copydesk", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )


def test_commands_read_big_articles_in_blocks(long_article: Path, tmp_path: Path) -> None:
    small = {BLOCK_MB_ENV: "0.05"}  # the long article is about 90 kB
    assert in_blocks(long_article) is False
    report = _cli("check", str(long_article), "--format", "json", env=small)
    assert report.returncode == 0, report.stderr
    assert any(n.startswith(BLOCK_NOTE) for n in json.loads(report.stdout)["notes"])
    text = _cli("check", str(long_article), env=small)
    assert text.returncode == 0 and f"note: {BLOCK_NOTE}" in text.stdout
    assert text.stdout.endswith("\n") and "signature: copydesk:" in text.stdout
    # The HTML page and a reference need the whole text: the article is then read whole.
    for args in (("--format", "html"), ("--reference", str(SEED))):
        whole_run = _cli("check", str(long_article), *args, env=small)
        assert whole_run.returncode == 0, whole_run.stderr
        assert BLOCK_NOTE not in whole_run.stdout and "copydesk error" not in whole_run.stderr
    out = tmp_path / "out"
    out.mkdir()
    (out / "long.report.html").write_text("an earlier run's report", encoding="utf-8")
    cleaned = _cli("clean", str(long_article), "--out", str(out), env=small)
    assert cleaned.returncode == 0, cleaned.stderr
    assert "read in blocks: no HTML report" in cleaned.stdout
    written = sorted(p.name for p in out.iterdir())
    assert written == ["long.clean.txt", "long.report.json", "long.report.md"]
    whole = clean(load_path(long_article), default_settings())
    assert (out / "long.clean.txt").read_text(encoding="utf-8") == whole.cleaned
    markdown = (out / "long.report.md").read_text(encoding="utf-8")
    assert markdown.startswith("# copydesk report: long.txt") and "## Findings" in markdown
