"""The seed article checked by a new process: cold (empty cache), warm, and with the cache off.

Run: ``python bench/bench_cold_start.py [runs]`` (about 20 seconds). Each row is the median
whole-process wall time of ``runs`` (default 5) runs of ``copydesk check
seeds/sochi-summit.txt`` (``python -m copydesk``, what the ``copydesk`` command runs), each
with its own cache folder (``COPYDESK_CACHE_DIR``): cold empties it before every run, warm
fills it once first, off sets ``COPYDESK_CACHE_DIR=off``. The runs may write bytecode
(``PYTHONDONTWRITEBYTECODE`` is dropped from their environment), as an installed copydesk
has it: compiling every module again would be most of a warm run. The three runs' outputs
must be byte-identical; the script stops if they are not.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import SEED

COMMAND = [sys.executable, "-m", "copydesk", "check", str(SEED)]


def run(cache: str) -> tuple[float, bytes]:
    """Wall time and standard output of one ``copydesk check`` with ``cache`` as its folder."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["COPYDESK_CACHE_DIR"] = cache
    start = time.perf_counter()
    done = subprocess.run(COMMAND, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: the article has findings
        raise SystemExit(done.stderr.decode(errors="replace"))
    return elapsed, done.stdout


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "cache"
        cold, warm, off = [], [], []
        outputs: set[bytes] = set()
        for _ in range(runs):
            shutil.rmtree(folder, ignore_errors=True)
            seconds, output = run(str(folder))
            cold.append(seconds)
            outputs.add(output)
        for _ in range(runs):
            seconds, output = run(str(folder))
            warm.append(seconds)
            outputs.add(output)
        for _ in range(runs):
            seconds, output = run("off")
            off.append(seconds)
            outputs.add(output)
    if len(outputs) != 1:
        msg = "the outputs differ between cold, warm and off runs"
        raise SystemExit(msg)
    print(f"copydesk check {SEED.name}, median of {runs} whole-process runs")
    for label, times in (("cold", cold), ("warm", warm), ("off", off)):
        print(f"{label:>5} {statistics.median(times):6.3f} s")


if __name__ == "__main__":
    main()
