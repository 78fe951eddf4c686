"""Scale-out for real: PostgreSQL, a Prefect server on it, a process work pool, two workers.

What ``docs/scaling.md`` describes, step by step and in the same order: PostgreSQL
(Debian's ``postgresql``: ``initdb`` in a temporary folder, as the ``postgres`` user when
run as root, listening on 127.0.0.1 with trust authentication), ``prefect server start`` on
it, ``prefect work-pool create``, ``prefect --no-prompt deploy --all`` from ``prefect.yaml``
(module entrypoints), two ``prefect worker start`` processes, then four runs of
``clean-inbox/inbox`` over one inbox of 200 articles at once. Every article is cleaned
exactly once over the four runs, the manifest holds 200 records, the outputs follow the
workers' umask, and a fifth run cleans nothing. ``serve-inbox`` refuses to take over the
work-pool deployment, and ``evaluate`` is deployed without a folder to default to.

Marked ``scale`` (and ``slow``): the default test command runs it; skip it locally with
``-m "not scale"``. It is skipped when PostgreSQL is not installed. Workers may ignore
SIGTERM: every process started here is stopped by process group, SIGKILL after a grace
period.
"""

from __future__ import annotations

import glob
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("prefect")

from copydesk.batch.manifest import read_manifest_file

from .conftest import CLI, ROOT, prefect_env
from .test_concurrent_runs import make_articles

pytestmark = [pytest.mark.scale, pytest.mark.slow]

ARTICLES = 200
RUNS = 4
GRACE = 5.0  # seconds between SIGTERM and SIGKILL
UMASK = 0o027


def _pg_bin(name: str) -> str | None:
    """A PostgreSQL program: on PATH, else in Debian's versioned folder."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop_group(proc: subprocess.Popen[Any]) -> None:
    """SIGTERM to the process group, SIGKILL after the grace period."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=GRACE)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    except ProcessLookupError:
        pass


def _start(cmd: list[str], env: dict[str, str], log: Path, cwd: Path) -> subprocess.Popen[bytes]:
    """A process in a group of its own (so that its children stop with it), logging to
    ``log``, with the umask the outputs must follow."""
    with log.open("ab") as out:
        return subprocess.Popen(
            cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=lambda: os.umask(UMASK),
        )  # fmt: skip


def _as_postgres() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@contextmanager
def postgres(port: int) -> Iterator[str]:
    """A PostgreSQL cluster in a temporary folder on 127.0.0.1:``port``; yields the URL."""
    initdb, pg_ctl, psql = (_pg_bin(n) for n in ("initdb", "pg_ctl", "psql"))
    if not (initdb and pg_ctl and psql):
        pytest.skip("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    data = Path(tempfile.mkdtemp(prefix="copydesk-pg-"))  # not under a 0700 pytest folder
    try:
        if os.geteuid() == 0:
            shutil.chown(data, "postgres", "postgres")
        run = [*_as_postgres()]
        subprocess.run(
            [*run, initdb, "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
            check=True, capture_output=True,
        )  # fmt: skip
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {data}"
        subprocess.run(
            [*run, pg_ctl, "-D", str(data), "-o", options, "-l", str(data / "log"), "-w", "start"],
            check=True, capture_output=True,
        )  # fmt: skip
        try:
            subprocess.run(
                [psql, "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                 "-c", "create user prefect password 'prefect'",
                 "-c", "create database prefect owner prefect"],
                check=True, capture_output=True,
            )  # fmt: skip
            yield f"postgresql+asyncpg://prefect:prefect@127.0.0.1:{port}/prefect"
        finally:
            subprocess.run(
                [*run, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
                check=False, capture_output=True,
            )  # fmt: skip
    finally:
        shutil.rmtree(data, ignore_errors=True)


def _api(url: str, method: str, path: str, body: Any = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
    return json.loads(text) if text else None


def _wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path, limit: float) -> None:
    deadline = time.monotonic() + limit
    while True:
        try:
            _api(url, "GET", "/health")
            return
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            pytest.fail("prefect server did not start:\n" + log.read_text()[-3000:])
        time.sleep(0.5)


def _wait_finished(url: str, ids: list[str], limit: float, logs: Path) -> list[dict[str, Any]]:
    deadline = time.monotonic() + limit
    while True:
        runs = _api(url, "POST", "/flow_runs/filter", {"flow_runs": {"id": {"any_": ids}}})
        if len(runs) == len(ids) and all(r["state"]["type"] in TERMINAL for r in runs):
            return list(runs)
        if time.monotonic() > deadline:
            worker_logs = "".join(p.read_text()[-2000:] for p in sorted(logs.glob("worker-*")))
            pytest.fail(f"runs not finished: {[r['state']['type'] for r in runs]}\n{worker_logs}")
        time.sleep(1)


TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}

# The return value of each flow run (persisted by the workers' runs), as JSON.
RESULTS = textwrap.dedent(
    """
    import json, sys
    from uuid import UUID
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        out = {}
        for run_id in sys.argv[1:]:
            result = client.read_flow_run(UUID(run_id)).state.result()
            out[run_id] = {"cleaned": result["cleaned"], "skipped": result["skipped"],
                           "quarantined": result["quarantined"], "vanished": result["vanished"]}
    print(json.dumps(out))
    """
)


def _results(env: dict[str, str], ids: list[str]) -> dict[str, dict[str, Any]]:
    proc = subprocess.run(
        [sys.executable, "-c", RESULTS, *ids],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    parsed: dict[str, dict[str, Any]] = json.loads(proc.stdout.strip().splitlines()[-1])
    return parsed


def test_four_deployment_runs_on_two_workers_clean_each_article_once(tmp_path: Path) -> None:
    timings: dict[str, float] = {}
    t0 = time.monotonic()
    desk = tmp_path / "desk"  # COPYDESK_HOME: where runs start
    desk.mkdir()
    inbox = desk / "inbox"
    names = make_articles(inbox, "wire", ARTICLES)
    logs = tmp_path / "logs"
    logs.mkdir()
    api_port = _free_port()
    url = f"http://127.0.0.1:{api_port}/api"
    env = prefect_env(
        tmp_path / "prefect-home",
        PREFECT_API_URL=url,
        PREFECT_WORKER_QUERY_SECONDS="1",
        PREFECT_RESULTS_PERSIST_BY_DEFAULT="true",
        PREFECT_LOCAL_STORAGE_PATH=str(tmp_path / "results"),
        COPYDESK_HOME=str(desk),
        COPYDESK_INBOX=str(inbox),
    )
    with ExitStack() as stack:
        # 1. PostgreSQL
        database = stack.enter_context(postgres(_free_port()))
        timings["postgres"] = time.monotonic() - t0

        # 2. The server on it
        server_env = {
            **env,
            "PREFECT_API_DATABASE_CONNECTION_URL": database,
            "PREFECT_SERVER_API_HOST": "127.0.0.1",
            "PREFECT_SERVER_API_PORT": str(api_port),
        }
        server_log = logs / "server.log"
        server = _start(
            [sys.executable, "-m", "prefect", "server", "start"], server_env, server_log, tmp_path
        )
        stack.callback(_stop_group, server)
        _wait_healthy(url, server, server_log, limit=150)
        timings["server"] = time.monotonic() - t0

        # 3. The work pool and the deployments from prefect.yaml
        prefect = [sys.executable, "-m", "prefect"]
        for cmd in (
            [*prefect, "work-pool", "create", "copydesk", "--type", "process"],
            [*prefect, "--no-prompt", "deploy", "--all"],
        ):
            done = subprocess.run(
                cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
            )
            assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        deployments = {d["name"]: d for d in _api(url, "POST", "/deployments/filter", {})}
        inbox_deployment = deployments["inbox"]
        assert inbox_deployment["entrypoint"] == "copydesk_flows.inbox:clean_inbox"
        assert inbox_deployment["parameters"]["inbox"] == str(inbox)
        evaluate = deployments["evaluate"]
        assert "folder" not in evaluate["parameters"]  # deployed only with a folder per run
        assert "folder" in evaluate["parameter_openapi_schema"]["required"]
        timings["deploy"] = time.monotonic() - t0

        # serve-inbox never takes over the work-pool deployment.
        served = subprocess.run(
            [sys.executable, "-c", CLI, "run", "serve-inbox", str(inbox), "--name", "inbox"],
            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert served.returncode == 2, served.stdout + served.stderr
        assert "exists on the work pool 'copydesk'" in served.stderr
        after = _api(url, "GET", f"/deployments/{inbox_deployment['id']}")
        assert after["work_pool_name"] == "copydesk"

        # 4. Two workers
        for n in (1, 2):
            worker = _start(
                [*prefect, "worker", "start", "--pool", "copydesk", "--name", f"worker-{n}"],
                env, logs / f"worker-{n}.log", tmp_path,
            )  # fmt: skip
            stack.callback(_stop_group, worker)

        # 5. Four runs at once over the 200 articles, started as the docs start one
        def start_runs(count: int) -> list[str]:
            starting = [
                subprocess.Popen(
                    [*prefect, "deployment", "run", "clean-inbox/inbox"],
                    env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                    text=True,
                )
                for _ in range(count)
            ]  # fmt: skip
            ids = []
            for proc in starting:
                out, _ = proc.communicate(timeout=120)
                found = re.search(r"UUID: ([0-9a-f-]{36})", out)
                assert proc.returncode == 0 and found, out
                ids.append(found.group(1))
            return ids

        started = time.monotonic()
        ids = start_runs(RUNS)
        runs = _wait_finished(url, ids, limit=150, logs=logs)
        timings["four runs"] = time.monotonic() - started
        assert {r["state"]["type"] for r in runs} == {"COMPLETED"}, runs
        assert len({r["id"] for r in runs}) == RUNS
        results = _results(env, ids)
        cleaned = [name for r in results.values() for name in r["cleaned"]]
        assert sorted(cleaned) == names  # every article cleaned exactly once
        assert all(not r["quarantined"] and not r["vanished"] for r in results.values())
        spans = sorted((r["start_time"], r["end_time"]) for r in runs)
        assert any(a[1] > b[0] for a, b in itertools.pairwise(spans))  # overlapped
        split = sorted(len(r["cleaned"]) for r in results.values())

        outbox = desk / "outbox"
        manifest = read_manifest_file(outbox)
        assert len(manifest) == ARTICLES
        modes = {p.stat().st_mode & 0o777 for p in outbox.iterdir()}
        assert modes == {0o666 & ~UMASK}, sorted(map(oct, modes))  # the umask, not 0600

        # 6. A rerun cleans nothing
        started = time.monotonic()
        (rerun,) = start_runs(1)
        (finished,) = _wait_finished(url, [rerun], limit=90, logs=logs)
        timings["rerun"] = time.monotonic() - started
        assert finished["state"]["type"] == "COMPLETED"
        again = _results(env, [rerun])[rerun]
        assert again["cleaned"] == [] and len(again["skipped"]) == ARTICLES
        stopping = time.monotonic()
    timings["stop"] = time.monotonic() - stopping
    timings["total"] = time.monotonic() - t0
    print("scale-out timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    print(f"articles cleaned per run: {split}")
