"""A real Prefect server with its UI, and a headless Chromium page, for UI tests.

:func:`prefect_server` starts ``prefect server start`` on a free loopback port with a Prefect
home of its own, analytics off, waits for ``/api/health``, yields the API URL and stops the
server's whole process group. :func:`chromium_page` opens a page in the system Chromium
(Debian's ``chromium``; Playwright never downloads a browser) at the given viewport. Both
skip the test when what they need is missing.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .conftest import prefect_env

if TYPE_CHECKING:
    from playwright.sync_api import Page

SERVER_START_TIMEOUT = 60.0


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def prefect_server(home: Path) -> Iterator[str]:
    """``prefect server start`` on a free 127.0.0.1 port, UI included; yields the API URL."""
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = prefect_env(
        home,
        PREFECT_SERVER_API_HOST="127.0.0.1",
        PREFECT_SERVER_API_PORT=str(port),
    )
    log_path = home / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped as one
        )
        api_url = f"http://127.0.0.1:{port}/api"
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            while not _healthy(api_url):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("prefect server did not start:\n" + log_path.read_text())
                time.sleep(0.3)
            yield api_url
        finally:
            _stop_group(server)


def _stop_group(process: subprocess.Popen[bytes], grace: float = 15.0) -> None:
    """SIGTERM the process group, SIGKILL it after ``grace`` seconds."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@contextmanager
def chromium_page(width: int = 1440, height: int = 900) -> Iterator[Page]:
    """A page of headless system Chromium with a ``width`` x ``height`` viewport."""
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("no chromium on PATH (Debian package: chromium)")
    with tempfile.TemporaryDirectory() as profile, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            headless=True,
            env={**os.environ, "HOME": profile},
        )
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            yield page
        finally:
            browser.close()
