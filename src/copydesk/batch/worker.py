"""A worker process that cleans a run's chunks, so that the run's own process is left free.

Why: a run does more than clean. A Prefect run publishes each article's report and keeps
the API informed; in the same process as the cleaning, that work and the cleaning share
one interpreter lock, and each slows the other. And an article whose cleaning ends the
interpreter (a crash in a C extension, the kernel's out-of-memory killer) would end the
run with it; in a worker, only the worker ends.

Contract:

* :class:`ChunkCleaner` cleans chunks as :func:`copydesk.batch.process.process_chunk` does,
  with the same outcomes, in one worker process (``python -m copydesk.batch.worker``, a
  new interpreter: no lock or thread of the run is inherited, and no ``__main__`` module
  of the caller is run again). The worker loads the settings itself from the run's
  :class:`~copydesk.settings.SettingsSpec`; it starts at once, so that it loads while the
  run plans.
* **Falling back.** A worker that cannot start, or whose settings differ from the run's
  (their :meth:`~copydesk.settings.Settings.key`; a glossary edited at that very moment),
  is not an error: the chunks are cleaned in the calling process, and
  :attr:`ChunkCleaner.fallback` says why.
* **A worker that dies.** When the worker ends during a chunk, the chunk's articles are
  cleaned again one at a time in a new worker. An article during whose cleaning the
  worker ends again is quarantined with the reason (how the worker ended), and the
  batch goes on. Articles recorded before the first end are skipped as usual.
* **No orphan.** The worker exits when its requests end (:meth:`ChunkCleaner.close`, or the
  run's process gone), and within half a second of the run's process dying, even
  mid-chunk: what it leaves is what a killed run leaves, swept and redone by the next run.
* Anything the worker prints goes to the run's standard error; requests and replies are
  pickles on the worker's standard input and output, between two processes of one user.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO, Any

from copydesk.batch.model import Outcome, Planned
from copydesk.batch.process import process_chunk, quarantine_unclean
from copydesk.settings import Settings, SettingsSpec

__all__ = ["ChunkCleaner", "WorkerDied"]


class WorkerDied(Exception):
    """The worker process ended before it replied; the message says how it ended."""


class _WorkerFailed(RuntimeError):
    """The worker replied with an error of its own (a fault outside any article)."""


class _Worker:
    """One worker process and its two pipes."""

    def __init__(self, spec: SettingsSpec | None, source_dir: Path | None) -> None:
        env = dict(os.environ)
        # The caller's import path, so that the worker imports the same copydesk.
        env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "copydesk.batch.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self.send(("settings", spec, source_dir))

    def send(self, request: tuple[Any, ...]) -> None:
        assert self.process.stdin is not None
        try:
            pickle.dump(request, self.process.stdin, pickle.HIGHEST_PROTOCOL)
            self.process.stdin.flush()
        except OSError as exc:  # a broken pipe: it ended
            raise WorkerDied(self._how_it_ended()) from exc

    def receive(self) -> Any:
        assert self.process.stdout is not None
        try:
            kind, payload = pickle.load(self.process.stdout)
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            raise WorkerDied(self._how_it_ended()) from exc
        if kind == "error":
            raise _WorkerFailed(payload)
        return payload

    def clean_chunk(
        self, articles: Sequence[Planned], outbox: Path, quarantine: Path
    ) -> list[Outcome]:
        """The outcomes of ``articles`` cleaned in the worker."""
        self.send(("chunk", list(articles), str(outbox), str(quarantine)))
        outcomes: list[Outcome] = self.receive()
        return outcomes

    def _how_it_ended(self) -> str:
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
            return "it stopped replying and was killed"
        if code < 0:
            name = signal.Signals(-code).name if -code in signal.valid_signals() else -code
            why = " (the memory limit?)" if code == -signal.SIGKILL else ""
            return f"it was killed by {name}{why}"
        return f"it exited with status {code}"

    def close(self) -> None:
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class ChunkCleaner:
    """Cleans chunks of a run in a worker process, else (see :attr:`fallback`) in this one.

    ``settings`` are the run's, loaded from ``spec`` (``None``: the defaults) with their
    ``source_dir`` set.
    """

    def __init__(self, settings: Settings, spec: SettingsSpec | None) -> None:
        self.settings = settings
        self._spec = spec
        #: Why the chunks are cleaned in this process after all ("" while in the worker).
        self.fallback = ""
        self._worker: _Worker | None = None
        self._ready = False
        self._closed = False
        self._start()

    def _start(self) -> None:
        try:
            self._worker = _Worker(self._spec, self.settings.source_dir)
        except OSError as exc:
            self.fallback = f"the worker process could not start: {exc}"
        self._ready = False

    def _wait_ready(self) -> None:
        """Take the worker's first reply, its settings' key; on a mismatch or a failure,
        fall back to this process."""
        if self._ready or self._worker is None:
            return
        try:
            key = self._worker.receive()
        except (WorkerDied, _WorkerFailed) as exc:
            self._give_up(f"the worker process could not start: {exc}")
            return
        if key != self.settings.key():
            self._give_up("the worker process read other settings (a file changed meanwhile)")
            return
        self._ready = True

    def _give_up(self, reason: str) -> None:
        if self._worker is not None:
            self._worker.close()
        self._worker, self.fallback = None, reason

    @property
    def in_worker(self) -> bool:
        """Whether chunks are (still) cleaned in the worker process."""
        self._wait_ready()
        return self._worker is not None

    def clean(self, articles: Sequence[Planned], outbox: Path, quarantine: Path) -> list[Outcome]:
        """:func:`~copydesk.batch.process.process_chunk`, in the worker if there is one."""
        if self._closed:
            msg = "the chunk cleaner is closed"
            raise RuntimeError(msg)
        if not self.in_worker:
            return process_chunk(articles, self.settings, outbox, quarantine)
        assert self._worker is not None
        try:
            return self._worker.clean_chunk(articles, outbox, quarantine)
        except WorkerDied:
            self._ready = False
            return self._one_at_a_time(articles, outbox, quarantine)

    def _one_at_a_time(
        self, articles: Sequence[Planned], outbox: Path, quarantine: Path
    ) -> list[Outcome]:
        """After the worker died in a chunk: each article alone, each death quarantining
        the article it was cleaning."""
        outcomes: list[Outcome] = []
        for article in articles:
            if not self._ready:
                self._restart()
            assert self._worker is not None
            try:
                outcomes += self._worker.clean_chunk([article], outbox, quarantine)
            except WorkerDied as exc:
                self._ready = False
                reason = (
                    "the worker process ended while it cleaned this article alone, after "
                    f"ending once during the article's chunk: {exc}"
                )
                outcomes.append(quarantine_unclean(article, quarantine, reason))
        return outcomes

    def _restart(self) -> None:
        if self._closed:
            msg = "the chunk cleaner was closed during a chunk"
            raise RuntimeError(msg)
        if self._worker is not None:
            self._worker.close()
        self._start()
        self._wait_ready()
        if self._worker is None:  # it started before; now it cannot: nothing safe is left
            msg = f"cannot clean the rest of the chunk: {self.fallback}"
            raise RuntimeError(msg)

    def close(self) -> None:
        """End the worker (after the chunk it is cleaning, if any)."""
        self._closed = True
        if self._worker is not None:
            self._worker.close()
            self._worker = None

    def __enter__(self) -> ChunkCleaner:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


# ---------------------------------------------------------------- the worker's side


def _exit_with_parent(parent: int) -> None:
    """End this process once its parent is gone (it is then re-parented)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _load(spec: SettingsSpec | None, source_dir: Path | None) -> Settings:
    settings = (spec or SettingsSpec()).load()
    if settings.source_dir != source_dir:
        settings = replace(settings, source_dir=source_dir)
    return settings


def serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    """Answer requests until they end: ``("settings", spec, source_dir)`` -> the settings'
    key; ``("chunk", articles, outbox, quarantine)`` -> their outcomes."""
    settings: Settings | None = None
    while True:
        try:
            request = pickle.load(requests)
        except EOFError:
            return
        try:
            if request[0] == "settings":
                settings = _load(*request[1:])
                reply: tuple[str, Any] = ("ok", settings.key())
            else:
                assert settings is not None, "a chunk before the settings"
                articles, outbox, quarantine = request[1:]
                reply = ("ok", process_chunk(articles, settings, Path(outbox), Path(quarantine)))
        except Exception as exc:  # a fault outside any article: the caller raises it
            reply = ("error", f"{type(exc).__name__}: {exc}")
        try:
            pickle.dump(reply, replies, pickle.HIGHEST_PROTOCOL)
            replies.flush()
        except BrokenPipeError:  # the caller closed while this chunk was cleaned
            return


def main() -> None:
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    requests = sys.stdin.buffer
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    # Whatever the library prints goes to standard error, never into the replies.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    serve(requests, replies)


if __name__ == "__main__":
    main()
