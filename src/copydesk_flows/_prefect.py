"""Shared pieces of the flows: Prefect defaults, heartbeats, the temporary server.

Contract: importing this module imports neither Prefect nor copydesk's pipeline.
:func:`apply_env_defaults` sets quiet, offline defaults (analytics off, console logs at
WARNING) without overriding anything the user set; :func:`heartbeats_off` turns flow-run
heartbeats off for one-shot runs, where each sync flow run would otherwise wait about a
second for its heartbeat thread.
Artifact keys and sizes are the library's (:mod:`copydesk.batch.fit`).
:func:`start_ephemeral_server` starts Prefect's temporary server (ephemeral mode only) so
that the kernel stops it when this process dies, even by SIGKILL: nothing is left running.
"""

from __future__ import annotations

import ctypes
import os
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


def retry_unless_input_error(_task: Any, _task_run: Any, state: Any) -> bool:
    """A ``retry_condition_fn``: retry I/O failures, never a bad input or a bad glossary."""
    from copydesk.errors import CopydeskError

    exc = state.result(raise_on_failure=False)
    return not isinstance(exc, CopydeskError)
