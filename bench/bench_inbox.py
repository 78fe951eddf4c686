"""The cost of Prefect around copydesk: clean-inbox against the core alone, same articles.

Run: ``python bench/bench_inbox.py [--count 1000] [--chunk-size 25] [--glossary DIR]``.
Builds ``count`` seed-size articles (copies of ``seeds/sochi-summit.txt``, each with a small
change of its own) in a temporary folder, then times, in one run:

1. the core: :func:`copydesk.pipeline.clean` over every article's bytes in a loop;
2. the core plus the files: the same, plus :func:`copydesk.output.write_outputs`;
3. the ``clean-inbox`` flow (Prefect ephemeral mode, heartbeats off) on the same inbox; the
   temporary server is started by a trivial flow first and timed apart;
4. the flow again on the unchanged inbox (everything skipped);
5. the core once more: its time is the mean of the loops before and after the flow, so that
   a load that changes during the run weighs on both sides alike;
6. with ``--dask-workers N``, the flow on a copy of the inbox on a local Dask cluster of ``N``
   worker processes (started before the clock, each loading the settings on its first chunk).

and prints each time, per article, and the ratio flow / core: of wall times, and of CPU
times (this process's, plus, for the flow, the Prefect server's, the worker process's and
any other child process's), which other work on a shared machine disturbs less.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "sochi-summit.txt"


def _children_cpu_seconds() -> float:
    """CPU seconds of this process's descendants (the Prefect server), from ``/proc``;
    0.0 where there is no ``/proc``."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total, todo, seen = 0.0, [os.getpid()], set()
    while todo:
        pid = todo.pop()
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child in seen:
                    continue
                seen.add(child)
                todo.append(child)
                try:
                    fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def cpu_seconds() -> float:
    """CPU seconds of this process (every thread) and its descendants so far: the live ones
    (the Prefect server) and those that ended and were waited for (the flow's worker)."""
    ended = os.times()
    return (
        time.process_time() + _children_cpu_seconds() + ended.children_user + ended.children_system
    )


class Clock:
    """Wall and CPU seconds of one block: ``with Clock() as c: ...; c.wall, c.cpu``."""

    wall = cpu = 0.0

    def __enter__(self) -> Clock:
        self._wall, self._cpu = time.perf_counter(), cpu_seconds()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = cpu_seconds() - self._cpu


def make_articles(folder: Path, count: int) -> list[Path]:
    """``count`` seed-size articles, each with a small change of its own."""
    seed = SEED.read_text(encoding="utf-8")
    lines = seed.splitlines()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        varied = list(lines)
        varied[i % len(varied)] += f" (update {i})"
        path = folder / f"article-{i:05d}.txt"
        path.write_text("\n".join(varied) + f"\nFiled from Sotchi, item {i}.\n", encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--chunk-size", type=int, default=25)
    parser.add_argument("--glossary", default=None, help="Glossary folder (default: shipped).")
    parser.add_argument("--dask-workers", type=int, default=0, help="Also on Dask (0: not).")
    args = parser.parse_args(argv)

    from copydesk_flows._prefect import apply_env_defaults

    apply_env_defaults()  # quiet, offline Prefect (analytics off) before Prefect is imported
    from copydesk.load import load_bytes
    from copydesk.output import article_stem, write_outputs
    from copydesk.pipeline import clean, default_settings

    with tempfile.TemporaryDirectory(prefix="copydesk-bench-") as tmp:
        work = Path(tmp)
        os.environ.setdefault("PREFECT_HOME", str(work / "prefect"))
        # On a loaded machine the temporary server can take longer than Prefect's 20 s.
        os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
        paths = make_articles(work / "inbox", args.count)
        settings = default_settings(glossary_dir=args.glossary)
        clean(SEED.read_text(encoding="utf-8"), settings)  # warm the caches for both sides

        def core_loop() -> Clock:
            with Clock() as clock:
                for path in paths:
                    clean(load_bytes(path.read_bytes(), path.name), settings)
            return clock

        before = core_loop()

        with Clock() as core_files:
            for path in paths:
                result = clean(load_bytes(path.read_bytes(), path.name), settings)
                write_outputs(result, work / "core-out", article_stem(path))

        from prefect import flow

        from copydesk.settings import SettingsSpec
        from copydesk_flows._prefect import heartbeats_off
        from copydesk_flows.inbox import clean_inbox

        spec = SettingsSpec(glossary_dir=args.glossary)

        @flow
        def start_prefect() -> None:
            """Starts the ephemeral server so that its start is not billed to the inbox."""

        with heartbeats_off():
            with Clock() as startup:
                start_prefect()

            with Clock() as flow_clock:
                first = clean_inbox(str(work / "inbox"), spec=spec, chunk_size=args.chunk_size)

            with Clock() as rerun:
                second = clean_inbox(str(work / "inbox"), spec=spec, chunk_size=args.chunk_size)

            after = core_loop()

            dask_time = 0.0
            if args.dask_workers:
                from distributed import LocalCluster

                make_articles(work / "dask" / "inbox", args.count)
                with LocalCluster(
                    n_workers=args.dask_workers, threads_per_worker=1, dashboard_address=None
                ) as cluster:
                    t0 = time.perf_counter()
                    third = clean_inbox(
                        str(work / "dask" / "inbox"),
                        spec=spec,
                        chunk_size=args.chunk_size,
                        dask_address=cluster.scheduler_address,
                    )
                    dask_time = time.perf_counter() - t0
                assert len(third["cleaned"]) == args.count, "unexpected Dask flow result"

    n = args.count
    assert len(first["cleaned"]) == n and len(second["skipped"]) == n, "unexpected flow result"
    core, core_cpu = (before.wall + after.wall) / 2, (before.cpu + after.cpu) / 2
    flow_time = flow_clock.wall
    print(f"{n} seed-size articles, chunks of {args.chunk_size}, {os.cpu_count()} CPU(s)")
    print(f"{'':34}{'total s':>9}{'ms/article':>12}{'CPU s':>9}")
    for label, seconds, cpu in (
        ("core: clean() in a loop", core, core_cpu),
        ("core + write_outputs()", core_files.wall, core_files.cpu),
        ("clean-inbox flow", flow_time, flow_clock.cpu),
        ("clean-inbox again (all skipped)", rerun.wall, rerun.cpu),
        *([("clean-inbox on dask", dask_time, float("nan"))] if args.dask_workers else []),
    ):
        print(f"{label:34}{seconds:9.2f}{1000 * seconds / n:12.2f}{cpu:9.2f}")
    print(f"core before / after the flow: {before.wall:.2f} s / {after.wall:.2f} s")
    print(f"Prefect ephemeral server start (once): {startup.wall:.2f} s")
    print(f"ratio flow / core: {flow_time / core:.2f}")
    print(f"ratio flow / core, CPU time (with the server's): {flow_clock.cpu / core_cpu:.2f}")
    print(f"ratio flow / (core + files): {flow_time / core_files.wall:.2f}")
    if args.dask_workers:
        ratio = dask_time / flow_time
        print(f"ratio dask ({args.dask_workers} workers) / in-process flow: {ratio:.2f}")


if __name__ == "__main__":
    main()
