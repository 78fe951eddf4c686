"""Whole-pipeline throughput on 1 MB of real text, against ``proselint check`` on the same text.

Run: ``python bench/bench_pipeline.py [--size BYTES]``. Both tools read the same file; each is
timed as a whole command (a fresh process, as an editor or a batch would run it), and the
in-process pipeline time is reported as well. Prints MB/s for each and the ratio.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import real_text

from copydesk.pipeline import clean, default_settings


def _wall(cmd: list[str]) -> tuple[float, int]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, check=False)
    return time.perf_counter() - t0, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1_000_000)
    args = parser.parse_args()
    text = real_text(args.size)
    mb = len(text.encode("utf-8")) / 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "article.txt"
        path.write_text(text, encoding="utf-8")
        settings = default_settings()
        clean("Warm-up text in English.", settings)
        t0 = time.perf_counter()
        result = clean(text, settings)
        in_process = time.perf_counter() - t0
        cli, _ = _wall([sys.executable, "-m", "copydesk", "check", str(path), "--format", "json"])
        print(f"input: {mb:.2f} MB of real MT and news text, {len(text.splitlines()):,} lines")
        print(
            f"copydesk pipeline (in process): {in_process:6.2f} s  {mb / in_process:6.2f} MB/s  "
            f"({len(result.edits)} edits, {len(result.findings)} findings)"
        )
        print(f"copydesk check (whole command): {cli:6.2f} s  {mb / cli:6.2f} MB/s")
        proselint = shutil.which("proselint") or str(Path(sys.executable).parent / "proselint")
        if Path(proselint).exists():
            pl, _ = _wall([proselint, "check", str(path)])
            print(f"proselint check (whole command): {pl:6.2f} s  {mb / pl:6.2f} MB/s")
            print(f"copydesk / proselint speed ratio: {pl / cli:.2f}x")
        else:
            print("proselint not installed (pip install proselint): no comparison")


if __name__ == "__main__":
    main()
