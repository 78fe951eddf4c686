"""The benchmark suite's entry point still runs end to end (tiny inputs; nothing is timed here)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from .conftest import ROOT

GROUPS = (
    "whole pipeline",
    "seed article cold cache",
    "seed article warm cache",
    "vs flashtext",
    "vs a loop of one regex per form",
    "clean-inbox flow vs core alone",
    "clean-inbox flow vs core + the same output files",
    "peak memory, check --format json",
    "rules over their time budget",
)


@pytest.mark.slow
def test_quick_suite_prints_a_row_for_every_benchmark() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--tiny", "--dask"],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert "| measure | copydesk | baseline | ratio |" in lines
    rows = [line for line in lines if line.startswith("| ") and "---" not in line][1:]
    for group in (*GROUPS, "clean-inbox on Dask, 2 workers"):
        assert any(group in row for row in rows), (group, done.stdout)
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert len(cells) == 4, row
        measure, ours, baseline, ratio = cells
        if ratio:  # a measured ratio beside both figures
            assert re.fullmatch(r"\d+\.\d\d|1/[\d,]+", ratio), row
            assert re.fullmatch(r"\d+(\.\d+)?", ours), row
            assert re.fullmatch(r"\d+(\.\d+)?", baseline), row
        else:  # a skipped baseline says why, or a row of its own figure only
            assert (
                "not installed" in baseline
                or measure.startswith("peak memory")
                or re.fullmatch(r"\d+ of \d+", ours)
            ), row
