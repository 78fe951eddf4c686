"""The benchmark suite: every ratio of the speed goals, measured in one run, as a Markdown table.

Run: ``python bench/run.py --quick`` (well under a minute, small inputs: a smoke run) or
``python bench/run.py --full`` (the sizes the goals name: 1 MB, 1,000 articles, 100,000
entries; several minutes). Optional rows: ``--inbox-10k`` (the inbox at 10,000 articles),
``--mem-100`` (peak memory at 100 MB, ``--max-size`` raised past the default 32 MB limit;
the article is read in blocks), ``--dask`` (the inbox flow on a local Dask cluster of 2
workers against in-process).

Rows, each measured in this run:

- whole pipeline against proselint: ``copydesk check --format json`` and ``proselint check``
  on the same file of real MT news (:func:`corpus.real_text`), whole-process wall times,
  interleaved, median; the row is skipped with a message when proselint is not installed
  (``pip install -e '.[bench]'``);
- the seed article in a new process, cold (empty ``COPYDESK_CACHE_DIR``) and warm, against
  proselint on the same file (:func:`bench_cold_start.run`, interleaved, median);
- glossary matching of the same text at 100 and at the large size: the Aho-Corasick matcher
  against flashtext (``KeywordProcessor``) and a loop of one regular expression per form;
  the loop at the large size is timed over its first 1,000 forms and scaled (said in the row);
- the ``clean-inbox`` flow against the core alone (``bench/bench_inbox.py``, its own process):
  wall times, and CPU times with the Prefect server's (less disturbed by other jobs);
- peak resident memory of ``copydesk check --format json`` at 1 and 10 MB
  (:func:`bench_scale.peak_run`), and the ratio between sizes;
- Dask with 2 workers against the flow in-process (``bench/bench_inbox.py --dask-workers 2``);
- the rules over their time budget: every rule of every pack timed on real text of its
  language against its budget per megabyte (:func:`bench_patterns.rules_over_budget`).
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_cold_start import run as run_seed
from bench_glossary import timed
from bench_patterns import rules_over_budget
from bench_scale import MB, check_json
from corpus import SEED, real_text, realistic_glossary

from copydesk.matcher import Automaton

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Row:
    """One line of the table: what was measured, copydesk's figure, the baseline's, the ratio."""

    measure: str
    copydesk: str
    baseline: str
    ratio: str


@dataclass(frozen=True)
class Plan:
    """The sizes of one run."""

    text_bytes: int
    runs: int
    seed_runs: int
    glossary_sizes: tuple[int, int]
    articles: int
    memory_mb: tuple[float, ...]


QUICK = Plan(
    text_bytes=100_000,
    runs=1,
    seed_runs=1,
    glossary_sizes=(100, 2_000),
    articles=20,
    memory_mb=(0.2, 1),
)
TINY = Plan(
    text_bytes=5_000, runs=1, seed_runs=1, glossary_sizes=(10, 100), articles=3, memory_mb=(0.01,)
)
FULL = Plan(
    text_bytes=1_000_000,
    runs=3,
    seed_runs=5,
    glossary_sizes=(100, 100_000),
    articles=1_000,
    memory_mb=(1, 10),
)


def ratio(ours: float, theirs: float) -> str:
    """``ours / theirs`` with two decimals, or as 1/N when that would print as 0.00."""
    value = ours / theirs
    return f"{value:.2f}" if value >= 0.005 or value == 0 else f"1/{1 / value:,.0f}"


def _size(n_bytes: float) -> str:
    return f"{n_bytes / MB:.1f} MB" if n_bytes >= MB else f"{n_bytes / 1000:.0f} KB"


def _wall(cmd: list[str], env: dict[str, str] | None = None) -> float:
    """Whole-process wall time of ``cmd``; stops the suite when it fails (exit 0 or 1 is fine)."""
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, check=False, env=env)
    seconds = time.perf_counter() - t0
    if done.returncode not in (0, 1):
        msg = f"{' '.join(cmd)} failed:\n{done.stderr.decode(errors='replace')}"
        raise SystemExit(msg)
    return seconds


def proselint_command() -> list[str] | None:
    """The ``proselint`` command of this environment, or None when it is not installed."""
    found = shutil.which("proselint") or str(Path(sys.executable).parent / "proselint")
    return [found, "check"] if Path(found).exists() else None


def _copydesk(path: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "copydesk", "check", str(path), *options]


def interleaved(commands: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Median whole-process time of each command, run in turns (A B A B ...)."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            times[name].append(_wall(cmd))
    return {name: statistics.median(ts) for name, ts in times.items()}


def bench_pipeline(plan: Plan, work: Path) -> Iterator[Row]:
    path = work / "news.txt"
    path.write_text(real_text(plan.text_bytes), encoding="utf-8")
    size = _size(path.stat().st_size)
    proselint = proselint_command()
    label = f"whole pipeline, {size} real MT news, vs proselint (s, median of {plan.runs})"
    if proselint is None:
        yield Row(label, "skipped", "proselint not installed: pip install -e '.[bench]'", "")
        return
    _wall(_copydesk(path, "--format", "json"))  # fills the disk cache: warm, as a desk runs
    medians = interleaved(
        {"copydesk": _copydesk(path, "--format", "json"), "proselint": [*proselint, str(path)]},
        plan.runs,
    )
    ours, theirs = medians["copydesk"], medians["proselint"]
    yield Row(label, f"{ours:.2f}", f"{theirs:.2f}", ratio(ours, theirs))


def bench_seed(plan: Plan, work: Path) -> Iterator[Row]:
    cache = work / "seed-cache"
    proselint = proselint_command()
    runs = plan.seed_runs
    cold: list[float] = []
    warm: list[float] = []
    theirs: list[float] = []
    outputs: set[bytes] = set()
    for _ in range(runs):  # interleaved: cold, warm, proselint
        shutil.rmtree(cache, ignore_errors=True)
        seconds, output = run_seed(str(cache))
        cold.append(seconds)
        outputs.add(output)
        seconds, output = run_seed(str(cache))
        warm.append(seconds)
        outputs.add(output)
        if proselint is not None:
            theirs.append(_wall([*proselint, str(SEED)]))
    if len(outputs) != 1:
        msg = "the seed's cold and warm outputs differ"
        raise SystemExit(msg)
    base = statistics.median(theirs) if theirs else None
    for label, times in (("cold", cold), ("warm", warm)):
        ours = statistics.median(times)
        measure = f"seed article {label} cache, new process, vs proselint (s, median of {runs})"
        if base is None:
            yield Row(measure, f"{ours:.3f}", "proselint not installed", "")
        else:
            yield Row(measure, f"{ours:.3f}", f"{base:.3f}", ratio(ours, base))
    hot, first = statistics.median(warm), statistics.median(cold)
    yield Row("seed article warm / cold", f"{hot:.3f}", f"{first:.3f}", ratio(hot, first))


def _forms(automaton_entries: int) -> list[tuple[str, str]]:
    """(variant, house form) pairs of a realistic glossary of ``automaton_entries`` entries."""
    glossary = realistic_glossary(automaton_entries)
    pairs: list[tuple[str, str]] = []
    for entry in glossary.entries:
        house = entry.forms["en"].first if "en" in entry.forms else entry.id
        pairs += [(v.text, house) for v in entry.variants]
        pairs += [(f.first, house) for f in entry.forms.values()]
    return pairs


def _regex_loop(pairs: list[tuple[str, str]], text: str) -> int:
    hits = 0
    for variant, _house in pairs:
        hits += sum(1 for _ in re.finditer(rf"\b{re.escape(variant)}\b", text))
    return hits


def bench_glossary(plan: Plan, work: Path) -> Iterator[Row]:
    del work
    text = real_text(plan.text_bytes)
    size = _size(len(text.encode("utf-8")))
    try:
        from flashtext import KeywordProcessor  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError:
        KeywordProcessor = None
    ours: dict[int, float] = {}
    for n in plan.glossary_sizes:
        glossary = realistic_glossary(n)
        automaton = Automaton(glossary)
        ours[n] = timed(partial(automaton.find, text))
        pairs = _forms(n)
        if KeywordProcessor is None:
            yield Row(
                f"glossary {n:,} entries, match {size}: vs flashtext (s)",
                f"{ours[n]:.3f}", "flashtext not installed: pip install -e '.[bench]'", "",
            )  # fmt: skip
        else:
            processor = KeywordProcessor(case_sensitive=True)
            for variant, house in pairs:
                processor.add_keyword(variant, house)
            theirs = timed(partial(processor.extract_keywords, text))
            yield Row(
                f"glossary {n:,} entries, match {size}: vs flashtext (s)",
                f"{ours[n]:.3f}", f"{theirs:.3f}", ratio(ours[n], theirs),
            )  # fmt: skip
        sample = pairs[:1_000]
        loop = timed(partial(_regex_loop, sample, text), repeat=1) * len(pairs) / len(sample)
        scaled = (
            ""
            if len(sample) == len(pairs)
            else f", {len(sample):,} of {len(pairs):,} forms timed and scaled"
        )
        yield Row(
            f"glossary {n:,} entries, match {size}: vs a loop of one regex per form (s{scaled})",
            f"{ours[n]:.3f}", f"{loop:.3f}", ratio(ours[n], loop),
        )  # fmt: skip
    small, large = plan.glossary_sizes
    yield Row(
        f"glossary match time, {large:,} / {small:,} entries",
        f"{ours[large]:.3f}", f"{ours[small]:.3f}", ratio(ours[large], ours[small]),
    )  # fmt: skip


_RATIO = re.compile(r"^ratio flow / core: ([0-9.]+)$", re.MULTILINE)
_CPU_RATIO = re.compile(r"^ratio flow / core, CPU time \(with the server's\): ([0-9.]+)$", re.M)
_CPU = re.compile(
    r"^(core: clean\(\) in a loop|clean-inbox flow)\s+[0-9.]+\s+[0-9.]+\s+([0-9.]+)$", re.M
)
_DASK = re.compile(r"^ratio dask \(2 workers\) / in-process flow: ([0-9.]+)$", re.MULTILINE)
_FILES_RATIO = re.compile(r"^ratio flow / \(core \+ files\): ([0-9.]+)$", re.MULTILINE)
_TIMES = re.compile(
    r"^(core: clean\(\) in a loop|core \+ write_outputs\(\)|clean-inbox flow|clean-inbox on dask)"
    r"\s+([0-9.]+)",
    re.MULTILINE,
)


def _inbox(count: int, dask: bool) -> str:
    cmd = [sys.executable, str(HERE / "bench_inbox.py"), "--count", str(count)]
    if dask:
        cmd += ["--dask-workers", "2"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        msg = f"bench_inbox.py failed:\n{done.stderr[-3000:]}"
        raise SystemExit(msg)
    return done.stdout


def _found(pattern: re.Pattern[str], out: str) -> str:
    match = pattern.search(out)
    return match.group(1) if match else "?"


def bench_inbox(counts: list[int], dask: bool) -> Iterator[Row]:
    for i, count in enumerate(counts):
        with_dask = dask and i == 0
        out = _inbox(count, with_dask)
        times, cpu = dict(_TIMES.findall(out)), dict(_CPU.findall(out))
        flow, core = "clean-inbox flow", "core: clean() in a loop"
        rows = [
            (f"clean-inbox flow vs core alone, {count:,} seed-size articles (s)",
             times, flow, core, _RATIO),
            (f"clean-inbox flow vs core + the same output files, {count:,} articles (s)",
             times, flow, "core + write_outputs()", _FILES_RATIO),
            (f"clean-inbox flow vs core alone, {count:,} articles, CPU time with the Prefect"
             " server's (s)", cpu, flow, core, _CPU_RATIO),
        ]  # fmt: skip
        if with_dask:
            rows.append(
                (f"clean-inbox on Dask, 2 workers, vs in-process flow, {count:,} articles (s)",
                 times, "clean-inbox on dask", flow, _DASK)
            )  # fmt: skip
        for measure, figures, ours, theirs, ratio in rows:
            yield Row(measure, figures.get(ours, "?"), figures.get(theirs, "?"), _found(ratio, out))


def bench_memory(sizes: list[float], work: Path) -> Iterator[Row]:
    peaks: dict[float, float] = {}
    for mb in sizes:
        path = work / f"memory-{mb:g}.txt"
        path.write_text(real_text(int(mb * MB)), encoding="utf-8")
        run = check_json(path)
        path.unlink()
        label = f"peak memory, check --format json, {mb:g} MB (MB RSS)"
        if run.status == 2 and "size" in run.stderr.lower():
            reason = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
            yield Row(label, "refused by the input size limit", reason, "")
            continue
        if run.status not in (0, 1):
            yield Row(label, f"failed (exit {run.status})", run.stderr.strip()[-200:], "")
            continue
        peaks[mb] = run.peak_mb
        yield Row(label, f"{run.peak_mb:.0f}", "", "")
    measured = sorted(peaks)
    for small, large in itertools.pairwise(measured):
        yield Row(
            f"peak memory, {large:g} MB / {small:g} MB input",
            f"{peaks[large]:.0f}", f"{peaks[small]:.0f}", ratio(peaks[large], peaks[small]),
        )  # fmt: skip


def bench_rules(plan: Plan) -> Iterator[Row]:
    # The least of three CPU times per rule, whatever the plan: other work only adds to one.
    over, total = rules_over_budget(plan.text_bytes, runs=3)
    worst = ", ".join(f"{c.rule.id} {c.ms_per_mb:.0f}" for c in over[:3])
    yield Row(
        f"rules over their time budget on {_size(plan.text_bytes)} of real text per pack"
        " (CPU ms per MB; bench/bench_patterns.py --real)",
        f"{len(over)} of {total}", worst, "",
    )  # fmt: skip


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table."""
    lines = ["| measure | copydesk | baseline | ratio |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {r.measure} | {r.copydesk} | {r.baseline} | {r.ratio} |" for r in rows]
    return "\n".join(lines)


def machine() -> str:
    """One line describing where the figures were measured."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.machine()}, {os.cpu_count()} CPU(s), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, load average {load:.1f}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="small inputs, seconds (default)")
    mode.add_argument("--full", action="store_true", help="the sizes the goals name, minutes")
    parser.add_argument(
        "--tiny", action="store_true", help="with --quick: inputs of a few KB (a smoke run)"
    )
    parser.add_argument("--inbox-10k", action="store_true", help="also the inbox at 10,000")
    parser.add_argument("--mem-100", action="store_true", help="also peak memory at 100 MB")
    parser.add_argument("--dask", action="store_true", help="also Dask, 2 workers, vs in-process")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated groups: pipeline,seed,glossary,inbox,memory,rules",
    )
    args = parser.parse_args(argv)
    plan = FULL if args.full else TINY if args.tiny else QUICK
    counts = [plan.articles] + ([10_000] if args.inbox_10k else [])
    memory = list(plan.memory_mb) + ([100.0] if args.mem_100 else [])
    only = {g for g in args.only.split(",") if g}
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="copydesk-bench-") as tmp:
        work = Path(tmp)
        groups: dict[str, Callable[[], Iterator[Row]]] = {
            "pipeline": lambda: bench_pipeline(plan, work),
            "seed": lambda: bench_seed(plan, work),
            "glossary": lambda: bench_glossary(plan, work),
            "inbox": lambda: bench_inbox(counts, args.dask),
            "memory": lambda: bench_memory(memory, work),
            "rules": lambda: bench_rules(plan),
        }
        for name, group in groups.items():
            if only and name not in only:
                continue
            t0 = time.perf_counter()
            for row in group():
                rows.append(row)
            print(f"[{name}: {time.perf_counter() - t0:.1f} s]", file=sys.stderr, flush=True)
    run_mode = "--full" if args.full else "--quick --tiny" if args.tiny else "--quick"
    print(f"copydesk benchmarks ({run_mode}); {machine()}")
    print("ratio: copydesk / baseline (below 1: copydesk takes less)")
    print()
    print(table(rows), flush=True)


if __name__ == "__main__":
    main()
