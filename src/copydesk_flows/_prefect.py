"""Shared pieces of the flows: Prefect defaults, artifact keys and sizes.

Contract: importing this module imports neither Prefect nor copydesk's pipeline.
:func:`apply_env_defaults` sets quiet, offline defaults (analytics off, console logs at
WARNING) without overriding anything the user set; :func:`heartbeats_off` turns flow-run
heartbeats off for one-shot runs, where each sync flow run would otherwise wait about a
second for its heartbeat thread.
:func:`artifact_key` gives every article (or folder) its own valid, collision-free key, and
:func:`fit_markdown` / :func:`fit_rows` keep artifacts under :data:`ARTIFACT_LIMIT` bytes.
:func:`start_ephemeral_server` starts Prefect's temporary server (ephemeral mode only) so
that the kernel stops it when this process dies, even by SIGKILL: nothing is left running.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, MutableMapping
from contextlib import contextmanager
from types import ModuleType
from typing import Any

#: Environment defaults applied when a flow is about to run (only where unset).
ENV_DEFAULTS: dict[str, str] = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # Console only: the UI still receives INFO logs (unlike PREFECT_LOGGING_LEVEL).
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
}

#: The environment variable naming a Dask scheduler for ``clean-inbox`` (``tcp://host:8786``).
DASK_ADDRESS_ENV = "COPYDESK_DASK_ADDRESS"

#: Upper bound of one artifact's payload, in UTF-8 bytes. The server drops the event of a
#: large artifact and artifact lists return full data, so stay well under about 100 KB.
ARTIFACT_LIMIT = 90_000

_KEY_SLUG_LENGTH = 40


def apply_env_defaults(environ: MutableMapping[str, str] | None = None) -> None:
    """Set :data:`ENV_DEFAULTS` in ``environ`` (default: ``os.environ``) where unset."""
    env = os.environ if environ is None else environ
    for name, value in ENV_DEFAULTS.items():
        env.setdefault(name, value)


@contextmanager
def heartbeats_off() -> Iterator[None]:
    """Run flows without flow-run heartbeats (one-shot CLI runs and tests).

    The environment variable cannot set the frequency to None, hence temporary settings.
    """
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> Callable[[], None]:
    """A ``preexec_fn``: the child gets SIGKILL when the thread that started it dies."""

    def preexec() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the prctl took effect
            os._exit(1)

    return preexec


class _SubprocessDyingWithParent(ModuleType):
    """The ``subprocess`` module, whose ``Popen`` children die with this process."""

    def __init__(self) -> None:
        super().__init__("subprocess")

    def __getattr__(self, name: str) -> Any:
        return getattr(subprocess, name)

    @staticmethod
    def Popen(*args: Any, **kwargs: Any) -> subprocess.Popen[Any]:  # the module's name
        kwargs.setdefault("preexec_fn", _die_with_parent(os.getpid()))
        return subprocess.Popen(*args, **kwargs)


def start_ephemeral_server() -> None:
    """Start Prefect's temporary API server now, so that it dies with this process.

    In ephemeral mode (no ``PREFECT_API_URL``) Prefect 3 starts ``uvicorn`` in a
    subprocess (``prefect.server.api.server.SubprocessASGIServer``) and stops it only at a
    normal exit: a run killed by SIGKILL used to leave it running (about 225 MB each time).
    Started here, from the main thread, the server process asks the kernel (Linux
    ``PR_SET_PDEATHSIG``) for SIGKILL when its parent dies; Prefect's later calls find it
    running and reuse it. The death signal follows the thread that started the child, hence
    the main thread. Elsewhere than Linux, or with a real server, it does nothing.
    """
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    if (
        not sys.platform.startswith("linux")
        or PREFECT_API_URL.value()
        or not PREFECT_SERVER_EPHEMERAL_ENABLED.value()
        or threading.current_thread() is not threading.main_thread()
    ):
        return
    from prefect.server.api import server as server_module

    server = server_module.SubprocessASGIServer()
    if server.running:
        return
    # Only this start sees the patched module; Prefect spawns the server with its Popen.
    real = vars(server_module)["subprocess"]
    setattr(server_module, "subprocess", _SubprocessDyingWithParent())  # noqa: B010
    try:
        server.start()
    finally:
        setattr(server_module, "subprocess", real)  # noqa: B010


def slugify(text: str) -> str:
    """Lowercase ASCII letters, digits and dashes only.

    >>> slugify("Sochi Summit (2021).txt")
    'sochi-summit-2021-txt'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def artifact_key(name: str, kind: str) -> str:
    """An artifact key for ``name`` that matches ``^[a-z0-9-]*$`` and is unique per name.

    The slug keeps the key readable; the short hash of the exact name keeps two names that
    slug alike ("Sochi summit" and "sochi-summit") apart, so each keeps its own history.

    >>> artifact_key("Sochi summit", "report")
    'sochi-summit-32c61b2c-report'
    >>> artifact_key("sochi-summit", "report") != artifact_key("Sochi summit", "report")
    True
    """
    slug = slugify(name)[:_KEY_SLUG_LENGTH].strip("-") or "article"
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}-{slugify(kind)}"


def fit_markdown(
    markdown: str, limit: int = ARTIFACT_LIMIT, full_text_at: str | None = None
) -> str:
    """``markdown`` cut at a line boundary to fit ``limit`` UTF-8 bytes, with a note.

    >>> fit_markdown("a\\nb\\n", limit=100)
    'a\\nb\\n'
    >>> "truncated" in fit_markdown("line\\n" * 100, limit=300)
    True
    """
    size = len(markdown.encode("utf-8"))
    if size <= limit:
        return markdown
    from copydesk.report import code_cell

    where = f" The full report is in {code_cell(full_text_at)}." if full_text_at else ""
    note = f"\n\n> **Report truncated**: {size:,} bytes, more than an artifact holds.{where}\n"
    budget = limit - len(note.encode("utf-8"))
    kept: list[str] = []
    used = 0
    # Cut at Markdown's own line breaks only: a cut at another separator (U+2028) could
    # leave a code span open and let its contents render as markup.
    for line in markdown.split("\n"):
        line += "\n"
        used += len(line.encode("utf-8"))
        if used > budget:
            break
        kept.append(line)
    return "".join(kept).rstrip("\n") + note


def fit_rows(
    rows: list[dict[str, Any]], limit: int = ARTIFACT_LIMIT
) -> tuple[list[dict[str, Any]], int]:
    """The leading rows whose JSON fits ``limit`` bytes, and how many were left out.

    >>> fit_rows([{"a": "x" * 50}] * 10, limit=200)[1]
    7
    """
    kept: list[dict[str, Any]] = []
    used = 2
    for row in rows:
        # Prefect stores the table as json.dumps(table): ASCII-escaped, ", " between rows.
        used += len(json.dumps(row).encode("utf-8")) + 2
        if used > limit:
            break
        kept.append(row)
    return kept, len(rows) - len(kept)


def content_hash(data: bytes) -> str:
    """The SHA-256 of an article's bytes, as hex."""
    return hashlib.sha256(data).hexdigest()


def retry_unless_input_error(_task: Any, _task_run: Any, state: Any) -> bool:
    """A ``retry_condition_fn``: retry I/O failures, never a bad input or a bad glossary."""
    from copydesk.errors import CopydeskError

    exc = state.result(raise_on_failure=False)
    return not isinstance(exc, CopydeskError)
