"""The inbox run as an editor sees it in the Prefect UI: a real server, headless Chromium.

One ``slow`` test (about a minute): ``clean-inbox`` runs on a few articles against a real
``prefect server start``; Chromium at 1,440 px opens the run's summary artifact in the
default UI (``/v2``), checks that no table is wider than the artifact column and that the
page does not scroll sideways, follows the summary's link to the seed article's report,
checks the same there, and that the seed's report page is far shorter than the 8,700 px the
wide tables made it. A rerun that cleans nothing leaves the summary's latest version alone.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from copydesk.batch.fit import artifact_key

from .browser import chromium_page, prefect_server
from .conftest import SEED, prefect_env
from .test_batch import BAD_FILES, make_inbox

pytest.importorskip("prefect")
pytest.importorskip("playwright")

#: The seed's report page in /v2 at 1,440 px with the seven- and eight-column tables.
SEED_PAGE_BEFORE = 8_700
#: What it may be now: the narrow tables and the reasons listed once below them.
SEED_PAGE_AT_MOST = 6_000

INBOX_RUN = textwrap.dedent(
    """
    import json, sys
    from copydesk_flows._prefect import heartbeats_off
    from copydesk_flows.inbox import clean_inbox

    with heartbeats_off():
        result = clean_inbox(sys.argv[1], chunk_size=2)
    print(json.dumps(result))
    """
)

#: Every table and every other block of the rendered Markdown against the artifact column
#: (the Markdown's container), and the page against the window.
MEASURE = """() => {
    const measure = (el) => ({
        tag: el.tagName, width: el.scrollWidth, column: el.parentElement.clientWidth,
        text: el.innerText.slice(0, 60)});
    return {
        tables: [...document.querySelectorAll('table')].map(measure),
        blocks: [...document.querySelectorAll('.prose > *')].map(measure),
        pageWidth: document.documentElement.scrollWidth,
        windowWidth: window.innerWidth,
        height: document.documentElement.scrollHeight,
    };
}"""


def _run_inbox(inbox: Path, api_url: str, home: Path) -> dict[str, Any]:
    env = prefect_env(home, PREFECT_API_URL=api_url)
    proc = subprocess.run(
        [sys.executable, "-c", INBOX_RUN, str(inbox)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _artifacts(api_url: str, key: str) -> list[dict[str, Any]]:
    """Every version of the artifact ``key``, newest first."""
    body = {"artifacts": {"key": {"any_": [key]}}, "sort": "CREATED_DESC"}
    request = urllib.request.Request(
        f"{api_url}/artifacts/filter",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        found: list[dict[str, Any]] = json.load(response)
        return found


def _assert_fits(measured: dict[str, Any], page: str) -> None:
    assert measured["tables"] and measured["blocks"], page
    for block in measured["tables"] + measured["blocks"]:
        assert block["width"] <= block["column"], (page, block)
    assert measured["pageWidth"] <= measured["windowWidth"], (page, measured)


@pytest.mark.slow
def test_an_inbox_run_is_reviewable_in_the_ui(tmp_path: Path) -> None:
    inbox = make_inbox(tmp_path / "inbox", 2, {"binary.txt": BAD_FILES["binary.txt"]})
    shutil.copy(SEED, inbox / "sochi-summit.txt")
    with prefect_server(tmp_path / "server") as api_url:
        first = _run_inbox(inbox, api_url, tmp_path / "client")
        assert re.fullmatch(
            rf"clean-inbox {re.escape(str(inbox.resolve()))} \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d UTC",
            first["flow_run_name"],
        )
        assert sorted(first["cleaned"]) == sorted(first["reports"])  # every article has one
        idle = _run_inbox(inbox, api_url, tmp_path / "client")
        assert (
            idle["cleaned"] == [] and idle["artifacts"]["summary"] != first["artifacts"]["summary"]
        )
        summaries = _artifacts(api_url, first["artifacts"]["summary"])
        assert len(summaries) == 1  # the idle run left the last real summary on top
        summary = summaries[0]
        report = _artifacts(api_url, artifact_key("sochi-summit", "report"))[0]
        outbox = Path(first["outbox"])
        assert report["data"] == (outbox / "sochi-summit.report.md").read_text(encoding="utf-8")
        report_page = first["reports"]["sochi-summit.txt"]
        assert report_page == f"/v2/artifacts/artifact/{report['id']}"

        ui = api_url.removesuffix("/api")
        with chromium_page(1440, 900) as page:
            page.goto(f"{ui}/v2/artifacts/artifact/{summary['id']}")
            page.get_by_role("heading", name=re.compile("clean-inbox")).wait_for(timeout=30_000)
            page.locator("table").nth(2).wait_for(timeout=30_000)
            measured = page.evaluate(MEASURE)
            page.screenshot(path=str(tmp_path / "summary.png"))
            _assert_fits(measured, "summary")
            link = page.get_by_role("link", name="sochi-summit.txt")
            assert link.get_attribute("href") == report_page
            link.click()
            page.wait_for_url(f"**{report_page}*", timeout=30_000)
            page.get_by_role("heading", name=re.compile("copydesk report")).wait_for(timeout=30_000)
            page.get_by_role("heading", name="Findings").wait_for(timeout=30_000)
            measured_report = page.evaluate(MEASURE)
            page.screenshot(path=str(tmp_path / "report.png"))
        _assert_fits(measured_report, "report")
        print(f"seed report page: {measured_report['height']} px (was {SEED_PAGE_BEFORE})")
        assert measured_report["height"] <= SEED_PAGE_AT_MOST
