"""End to end: an editor reviews the seed article in the Prefect UI, in headless Chromium.

``copydesk run clean-article --review`` runs in a subprocess against a real ``prefect
server``; the test opens the paused run in the new UI (``/v2``: "Open menu" -> "Resume" ->
the dialog), first gives an answer the library refuses (a prefix that matches nothing), checks
that the run asks again with the reason and the answer filled in, then rejects one change by
number and one by an entry-id prefix with a note and the memory switch on, and checks the
outputs: the cleaned text lacks exactly those two changes, replay and undo hold, the JSON
statuses, note and time, the memory file and the reviewed report artifact.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

pytest.importorskip("prefect")
pytest.importorskip("playwright")

from copydesk.edits import apply_edits, undo_edits
from copydesk.model import Edit
from copydesk.pipeline import clean, default_settings

from .browser import chromium_page, prefect_server
from .conftest import CLI, SEED, prefect_env

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.slow

WAIT = 90.0


def _read(request: urllib.request.Request | str) -> Any:
    """The JSON answer to ``request``. The server answers 503 when its database is busy and
    the request was rolled back; like Prefect's own client, ask again a few times."""
    for attempt in range(4):
        try:
            return _open(request)
        except urllib.error.HTTPError as exc:
            if exc.code != 503:
                raise
            time.sleep(0.5 * (attempt + 1))
    return _open(request)


def _open(request: urllib.request.Request | str) -> Any:
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def _post(api_url: str, path: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        f"{api_url}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    return _read(request)


def _get(api_url: str, path: str) -> Any:
    return _read(f"{api_url}{path}")


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    """``command`` in its own process group (stopped whole), its output captured."""
    return subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_paused(
    api_url: str, process: subprocess.Popen[str], seen: set[str], name: str
) -> dict[str, Any]:
    """Flow run ``name`` once it is paused in a state not in ``seen`` (a new pause)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        runs = _post(
            api_url,
            "/flow_runs/filter",
            {
                "flow_runs": {
                    "state": {"type": {"any_": ["PAUSED"]}},
                    "name": {"any_": [name]},
                }
            },
        )
        for run in runs:
            # The form is saved just after the pause; the UI and the API need it to resume.
            keyset = run["state"]["state_details"].get("run_input_keyset") or {}
            if run["state"]["id"] not in seen and _has_input(api_url, run["id"], keyset):
                seen.add(run["state"]["id"])
                return dict(run)
        if process.poll() is not None:
            pytest.fail(f"the run ended before pausing:\n{process.communicate()}")
        time.sleep(0.5)
    pytest.fail("the run did not pause")


def _has_input(api_url: str, run_id: str, keyset: dict[str, str]) -> bool:
    """Whether the paused run's form description (saved after its schema) is stored."""
    if "description" not in keyset:
        return False
    try:
        _get(api_url, f"/flow_runs/{run_id}/input/{keyset['description']}")
    except urllib.error.HTTPError:
        return False
    return True


def open_resume_dialog(page: Page, ui_url: str, run_id: str) -> Locator:
    page.goto(f"{ui_url}/v2/runs/flow-run/{run_id}")
    page.get_by_role("button", name="Open menu").click()
    page.get_by_role("menuitem", name="Resume").click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    dialog.get_by_role("columnheader", name="Entry or rule").wait_for()  # the changes
    return dialog


def resume(dialog: Locator) -> None:
    dialog.get_by_role("button", name="Resume", exact=True).click()
    dialog.wait_for(state="hidden", timeout=15_000)


def report_versions(api_url: str, key: str) -> list[str]:
    """The Markdown of every version of artifact ``key``, newest first."""
    found = _post(
        api_url,
        "/artifacts/filter",
        {"artifacts": {"key": {"any_": [key]}}, "sort": "CREATED_DESC"},
    )
    return [str(a["data"]) for a in found]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real Prefect server for this module's tests; its API URL."""
    with prefect_server(tmp_path_factory.mktemp("prefect-server")) as api_url:
        yield api_url


def test_an_editor_rejects_changes_in_the_resume_dialog(server: str, tmp_path: Path) -> None:
    article = Path(shutil.copy(SEED, tmp_path / SEED.name))
    memory = tmp_path / "false-alarms.yaml"
    out = tmp_path / "out"
    cleaning = clean(SEED.read_bytes(), default_settings(memory_file=memory), name=SEED.name)
    by_number = 1
    assert cleaning.edits[0].before == "Sotchi"
    by_prefix = [i for i, e in enumerate(cleaning.edits, 1) if e.rule.startswith("operations.")]
    assert len(by_prefix) == 1  # "operations" takes exactly one change of the seed
    started = dt.datetime.now(dt.UTC).replace(microsecond=0)

    api_url = server
    env = prefect_env(tmp_path / "client", PREFECT_API_URL=api_url)
    command = [sys.executable, "-c", CLI, "run", "clean-article", str(article)]
    command += ["--out", str(out), "--review", "--review-timeout", "150"]
    command += ["--memory", str(memory)]
    process = start(command, env)
    try:
        seen: set[str] = set()
        run = wait_paused(api_url, process, seen, "copyedit sochi-summit")
        # Written before the pause: every change made, and the reports say it awaits review.
        waiting = json.loads((out / "sochi-summit.report.json").read_text(encoding="utf-8"))
        assert waiting["review"]["status"] == "awaiting review"
        assert waiting["cleaned"] == cleaning.cleaned
        assert "Awaiting review" in (out / "sochi-summit.report.md").read_text("utf-8")

        ui_url = api_url.removesuffix("/api")
        with chromium_page() as page:
            dialog = open_resume_dialog(page, ui_url, run["id"])
            assert "Sotchi → Sochi" in dialog.inner_text()
            dialog.get_by_role("button", name="Add item").nth(0).click()
            dialog.locator("input[type=number]").first.fill(str(by_number))
            dialog.get_by_role("button", name="Add item").nth(1).click()
            dialog.locator("textarea").nth(0).fill("operation")  # not on a dot boundary
            resume(dialog)

            # Refused: the run pauses again, with the reason and the answer filled in.
            run = wait_paused(api_url, process, seen, "copyedit sochi-summit")
            dialog = open_resume_dialog(page, ui_url, run["id"])
            assert "'operation' matches no applied change" in dialog.inner_text()
            assert dialog.locator("input[type=number]").first.input_value() == "1"
            dialog.locator("textarea").nth(0).fill("operations")
            dialog.locator("textarea").nth(1).fill("Sotchi | is *quoted*")
            dialog.get_by_role("switch").click()
            resume(dialog)
        stdout, stderr = process.communicate(timeout=WAIT)
        assert process.returncode == 0, stderr
        assert "reviewed: accept, 2 rejected" in stdout
        key = next(k for k in stdout.split() if k.endswith("-report,"))[:-1]
        reports = report_versions(api_url, key)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    finished = dt.datetime.now(dt.UTC)

    rejected = {by_number, *by_prefix}
    report = json.loads((out / "sochi-summit.report.json").read_text(encoding="utf-8"))
    cleaned = (out / "sochi-summit.clean.txt").read_bytes().decode("utf-8")
    edits = [
        Edit(
            **{k: v for k, v in e.items() if k != "status"}
            | {"rejected": e["status"] == "rejected by review"}
        )
        for e in report["edits"]
    ]
    # The cleaned text lacks exactly the rejected changes; replay and undo hold.
    accepted = [e for i, e in enumerate(cleaning.edits, 1) if i not in rejected]
    assert cleaned == report["cleaned"] == apply_edits(cleaning.input, accepted)
    assert "Sotchi" in cleaned and "Ghosn al-Zaytoun" in cleaned and "Idlib" in cleaned
    assert apply_edits(report["input"], edits) == cleaned
    assert undo_edits(cleaned, edits) == SEED.read_text(encoding="utf-8")
    assert [e["status"] for e in report["edits"]] == [
        "rejected by review" if i in rejected else "applied"
        for i in range(1, len(cleaning.edits) + 1)
    ]
    review = report["review"]
    assert review["status"] == "reviewed"
    assert review["decision"] == "accept"
    assert review["note"] == "Sotchi | is *quoted*"
    assert review["rejected_changes"] == sorted(rejected)
    assert review["rejected_rules"] == ["operations"]
    assert review["remembered"] == 1
    at = dt.datetime.fromisoformat(review["reviewed_at"])
    assert started <= at <= finished
    for f in report["findings"]:
        assert cleaned[f["start"] : f["end"]] == f["text"]
    # Only the rejection by rule is remembered.
    remembered = memory.read_text(encoding="utf-8")
    assert "operations.olive-branch" in remembered and "places.sochi" not in remembered
    # The reviewed report is the artifact's newest version; the first one awaited review.
    assert "Reviewed " in reports[0] and "rejected by review" in reports[0]
    assert "Awaiting review" in reports[-1]


def test_an_editor_starts_a_review_from_the_served_deployment(server: str, tmp_path: Path) -> None:
    # The inbox's review route: `copydesk run serve-review OUTBOX` serves
    # clean-article/review-article; an editor starts a run with an article's path (here
    # through the API, as the UI's "Custom run" does) and answers its resume form.
    article = Path(shutil.copy(SEED, tmp_path / "review-me.txt"))
    outbox = tmp_path / "outbox"
    env = prefect_env(tmp_path / "client", PREFECT_API_URL=server)
    memory = str(tmp_path / "false-alarms.yaml")
    serving = start(
        [sys.executable, "-c", CLI, "run", "serve-review", str(outbox), "--memory", memory], env
    )
    try:
        deadline = time.monotonic() + WAIT
        deployment: dict[str, Any] | None = None
        while deployment is None:
            try:
                deployment = _get(server, "/deployments/name/clean-article/review-article")
            except urllib.error.HTTPError:
                if serving.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"serve-review did not serve: {serving.communicate()}")
                time.sleep(0.5)
        assert deployment["parameters"]["review"] is True
        run = _post(
            server,
            f"/deployments/{deployment['id']}/create_flow_run",
            {"parameters": {"path": str(article)}},
        )
        paused = wait_paused(server, serving, set(), "copyedit review-me")
        assert paused["id"] == run["id"]
        waiting = json.loads((outbox / "review-me.report.json").read_text(encoding="utf-8"))
        assert waiting["review"]["status"] == "awaiting review"
        answer = {"run_input": {"decision": "reject article", "note": "not for us"}}
        resumed = _post(server, f"/flow_runs/{run['id']}/resume", answer)
        assert resumed["status"] == "ACCEPT", resumed
        deadline = time.monotonic() + WAIT
        while (state := _get(server, f"/flow_runs/{run['id']}")["state"]["type"]) != "COMPLETED":
            assert state not in ("FAILED", "CRASHED", "CANCELLED"), state
            assert time.monotonic() < deadline, state
            time.sleep(0.5)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(serving.pid, signal.SIGKILL)
        serving.wait()
    assert (outbox / "review-me.clean.txt").read_bytes() == SEED.read_bytes()
    report = json.loads((outbox / "review-me.report.json").read_text(encoding="utf-8"))
    assert {e["status"] for e in report["edits"]} == {"rejected by review"}
    assert report["review"]["decision"] == "reject article"
    assert report["review"]["note"] == "not for us"


def test_no_answer_in_time_is_one_error_line(server: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = [sys.executable, "-c", CLI, "run", "clean-article", str(SEED), "--id", "late"]
    command += ["--out", str(out), "--review", "--review-timeout", "2"]
    proc = subprocess.run(
        command,
        env=prefect_env(tmp_path / "client", PREFECT_API_URL=server),
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("copydesk error: no review within 2 s")
    assert len(proc.stderr.splitlines()) == 1
    report = json.loads((out / "sochi-summit.report.json").read_text(encoding="utf-8"))
    assert report["review"]["status"] == "awaiting review"
