"""Cost per MB and peak memory of ``copydesk check --format json`` on big articles.

Run: ``python bench/bench_scale.py [--sizes 1,10,20] [--one-line 5]``. Each input is real
news and MT text (:func:`corpus.real_text`): ordinary text at each size in MB, and one
article of ``--one-line`` MB with every line break replaced by a space. Each is checked
by the whole command in a fresh process (``--max-size`` raised for an input over the
default limit); the table shows seconds, seconds per MB and the process's peak resident
memory (its own ``ru_maxrss``, from ``os.wait4``).

Linear cost shows as a flat seconds-per-MB column; flat memory as a flat peak column: an
article over ``COPYDESK_BLOCK_MB`` (4 MB) is read and cleaned in blocks
(:mod:`copydesk.blocks`). The goals: under 150 MB at 10 MB, under 400 MB at 100 MB
(``--sizes 1,10,100``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import real_text

from copydesk.load import DEFAULT_MAX_MB

MB = 1_000_000


@dataclass(frozen=True)
class Run:
    """One command run: exit status, wall time, peak RSS and output size."""

    status: int
    seconds: float
    peak_mb: float
    output_bytes: int
    stderr: str


# A child's peak RSS counts the memory of the process that started it (Linux keeps the high
# water mark across exec, and vfork shares the parent's), so a big test process would inflate
# it. A small Python process starts the command instead, and reports the command's own peak.
_PEAK_OF_CHILD = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as fh:
    fh.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""


def peak_run(args: list[str]) -> Run:
    """Run ``args`` and measure that process alone (``os.wait4`` gives its own rusage)."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as peak,
    ):
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", _PEAK_OF_CHILD, peak.name, *args], stdout=out, stderr=err
        )
        proc.wait()
        seconds = time.perf_counter() - t0
        err.seek(0)
        return Run(
            status=proc.returncode,
            seconds=seconds,
            peak_mb=int(peak.read() or 0) / 1024,  # kilobytes on Linux
            output_bytes=out.seek(0, os.SEEK_END),
            stderr=err.read().decode("utf-8", "replace")[-2000:],
        )


def check_json(path: Path) -> Run:
    """``copydesk check PATH --format json`` as a command; an input over the default size
    limit gets ``--max-size`` raised to twice its size (the refusal is not what is measured)."""
    args = [sys.executable, "-m", "copydesk", "check", str(path), "--format", "json"]
    size_mb = path.stat().st_size / MB
    if size_mb > DEFAULT_MAX_MB:
        args += ["--max-size", f"{2 * size_mb:.0f}"]
    return peak_run(args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1,10,20", help="MB of ordinary text, comma-separated")
    parser.add_argument("--one-line", type=float, default=5.0, help="MB on one line (0: none)")
    args = parser.parse_args()
    inputs = [(f"{float(s):g} MB ordinary", float(s), False) for s in args.sizes.split(",")]
    if args.one_line:
        inputs.append((f"{args.one_line:g} MB one line", args.one_line, True))
    print(f"{'input':22} {'lines':>9} {'seconds':>8} {'s/MB':>6} {'peak MB':>8}  status")
    with tempfile.TemporaryDirectory() as tmp:
        for label, size, one_line in inputs:
            text = real_text(int(size * MB))
            if one_line:
                text = text.replace("\n", " ")
            path = Path(tmp) / "article.txt"
            path.write_text(text, encoding="utf-8")
            mb = path.stat().st_size / MB
            lines = text.count("\n") + 1
            del text
            run = check_json(path)
            print(
                f"{label:22} {lines:9,} {run.seconds:8.1f} {run.seconds / mb:6.2f} "
                f"{run.peak_mb:8.0f}  {run.status}",
                flush=True,
            )
            if run.status != 0:
                print(run.stderr, file=sys.stderr)


if __name__ == "__main__":
    main()
