"""Flow ``clean-inbox``: every new or changed article of an inbox folder -> an outbox.

Contract:

* **Skip what is done.** ``OUTBOX/.copydesk-manifest.json`` (with its journal of records
  added since, :mod:`copydesk.batch.manifest`) records, per article stem, the
  SHA-256 of the bytes that were cleaned, the settings key (``Settings.key()``: copydesk
  version, glossary and rule hashes, house style, mode, date) and the SHA-256 of each
  output. An article whose bytes and settings key match its record, and whose outputs all
  exist with the recorded hashes, is skipped; a changed article, glossary or rule file, or
  a damaged or missing output (an emptied ``report.json``) re-cleans it. A record that is
  not a mapping of those fields is ignored (the article is cleaned again).
* **One bad article never stops the batch.** Any error reading, cleaning or writing one
  article (``OSError``, ``UnicodeError``, ``MemoryError``, any exception from cleaning)
  moves it to the quarantine folder with ``NAME.error.txt`` beside it (the full file name,
  so ``a.txt`` and ``a.md`` keep their own reports) holding the reason; the others
  complete. It is not recorded as done, so a file that reappears in the inbox is tried
  again; when it then succeeds, its quarantined copy and error report are removed.
* **Files still being written are left alone.** A file whose size or mtime changes between
  planning and cleaning, or while it is read, stays in the inbox ("changing") and is tried
  at the next run; it is never quarantined for being half written.
* **Names and paths.** ``pattern`` is a file-name pattern inside the inbox: one with a
  folder separator or ``..`` is refused, and a symbolic link to outside the inbox is not
  followed (it is left in place, with the reason). Files whose stems clash (``a.txt`` and
  ``a.md`` would share ``a.*``) are both left in place with the reason, never overwritten
  one by the other; so is an article whose stem's outputs in a shared outbox came from
  another inbox (two inboxes in one folder share the default outbox; the manifest records
  each article's inbox). The outbox and the quarantine must be outside the inbox and apart;
  otherwise the run is refused before it starts. Undecodable bytes of a file name are
  shown as ``\\xNN`` in reports and artifacts; long names are shortened with a hash to fit
  the file system (:func:`copydesk.output.output_paths`). What was left in place is listed
  in the summary under "Left in the inbox".
* **Atomic and resumable.** Each article's outputs are replaced as one set through
  :func:`copydesk.output.write_output_set` (all or none); each chunk merges its records into
  the manifest under a lock as it ends. A run killed midway leaves whole files only (its
  ``.cdtmp-*.tmp`` files, held under a lock while in use, are swept at the next start), and
  the next run skips what was recorded intact and redoes the rest, overwriting rather than
  duplicating. The outputs of a chunk are flushed to disk with one ``syncfs`` before the
  manifest records them, rather than with an ``fsync`` per file (see
  :mod:`copydesk.batch.process`). Run from ``copydesk run``, Prefect's temporary server dies
  with the run (:func:`copydesk_flows._prefect.start_ephemeral_server`).
* **Concurrent runs.** Runs into one outbox (two inboxes in one folder, overlapping runs of
  one inbox) lose no manifest record and clean no article twice
  (:func:`copydesk.batch.process.process_chunk`). The inbox, outbox and quarantine are made
  absolute before planning; articles that vanish before they are cleaned are counted, and a
  run whose every planned article vanished fails.
* **Coarse tasks.** Articles are cleaned in chunks (``chunk_size``, default 25) so that
  Prefect's per-task cost (3-6 ms in-process, 70-120 ms on Dask) stays small beside
  copydesk's (about 16 ms per seed-size article, its files included); the last
  chunk's articles go in halving chunks (:func:`copydesk.batch.plan.tapered`), so that
  few reports are left to publish once the cleaning ends. With ``dask_address`` (or
  ``COPYDESK_DASK_ADDRESS``) the chunks run on that Dask cluster via prefect-dask; the
  inbox, outbox and quarantine must then be on storage every worker sees. In-process, a
  chunk's arguments are passed quoted (``prefect.utilities.annotations.quote``), so that
  Prefect does not walk the whole ``Settings`` for futures at every task run.
* **A worker process.** Without Dask, a run of more than one chunk cleans them in one
  worker process (:class:`copydesk.batch.worker.ChunkCleaner`; ``worker_process`` forces it
  on or off), while the flow's own process publishes the reports of the chunk before: in
  one process both would share one interpreter lock. An article during which the worker
  dies (a crash, the memory limit) is tried alone in a new worker, then quarantined with
  the reason; a worker that cannot start leaves the cleaning to the flow's process, with a
  warning in the run's log. The run's result says where its chunks were cleaned
  (``cleaned_in``: ``worker process``, ``flow process`` or ``dask``).
* **Artifacts.** A progress artifact while it runs; each cleaned article's Markdown report
  (the same as ``clean-article`` publishes, keyed by the article's stem, so one history per
  article); and a Markdown summary of the batch, keyed by the inbox path, whose article
  names link to their report pages. A run that cleans nothing publishes its summary under
  a key of its own (``…-idle-summary``, linking to the last summary that cleaned), so it
  never becomes the latest version of the summary that did. Runs are named by the inbox's
  absolute path and their start time (UTC).

Every decision above is made by :mod:`copydesk.batch` (planning, the manifest, cleaning
and quarantine, the summary), which runs without Prefect; this module adds the tasks, their
retries, the task runner (threads, or Dask) and the artifacts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from copydesk.batch.fit import artifact_key, fit_markdown, key_page
from copydesk.batch.manifest import MANIFEST_NAME
from copydesk.batch.manifest import prepare_outbox as sweep_and_read_manifest
from copydesk.batch.model import Outcome, Plan, Planned
from copydesk.batch.plan import (
    absolute_folders,
    check_folders,
    check_not_all_vanished,
    check_pattern,
    inbox_siblings,
    inbox_sources,
    plan_articles,
    tapered,
    vanished_names,
)
from copydesk.batch.process import process_chunk
from copydesk.batch.publish import article_reports
from copydesk.batch.summary import (
    batch_result,
    batch_summary_markdown,
    inbox_run_name,
    progress_description,
    summary_kind,
)
from copydesk.batch.worker import ChunkCleaner
from copydesk.report import escape_markdown_line
from copydesk.settings import Settings, SettingsSpec
from copydesk_flows._artifacts import publish_reports
from copydesk_flows._prefect import DASK_ADDRESS_ENV
from copydesk_flows.article import load_settings

__all__ = [
    "MANIFEST_NAME",
    "absolute_folders",
    "check_folders",
    "check_pattern",
    "clean_inbox",
    "inbox_siblings",
]


# ---------------------------------------------------------------- tasks


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def prepare_outbox(outbox: str, quarantine: str) -> dict[str, dict[str, Any]]:
    """Sweep temporary files left by a killed run and read the manifest."""
    return sweep_and_read_manifest(Path(outbox), Path(quarantine))


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def plan_inbox(
    inbox: str,
    pattern: str,
    outbox: str,
    manifest: dict[str, dict[str, Any]],
    key: str,
    source_dir: Path | None = None,
) -> Plan:
    """Hash the inbox's articles (and their sources) and keep those not cleaned yet with
    these settings."""
    return plan_articles(Path(inbox), pattern, Path(outbox), manifest, key, source_dir)


@task(name="clean-chunk", cache_policy=NO_CACHE)
def clean_chunk(
    articles: list[Planned],
    settings: Settings,
    outbox: str,
    quarantine: str,
    cleaner: ChunkCleaner | None = None,
) -> list[Outcome]:
    """Clean and record a chunk of articles (in the run's worker process, if it has one); a
    bad one is quarantined, never raised."""
    if cleaner is not None:
        return cleaner.clean(articles, Path(outbox), Path(quarantine))
    return process_chunk(articles, settings, Path(outbox), Path(quarantine))


# ---------------------------------------------------------------- flow


def _run_chunks(
    chunks: list[list[Planned]], params: dict[str, Any], dask_address: str | None
) -> Iterator[list[Outcome]]:
    """Submit every chunk and yield the outcomes of each as it completes.

    In-process, every argument is quoted: Prefect would otherwise walk the whole
    ``Settings`` (glossary, rule packs, automata) looking for futures, twice per chunk, about
    0.2 s each time. Not on Dask, whose task runner hands a quoted value to the task as a
    plain tuple.
    """
    if not dask_address:
        quoted: dict[str, Any] = {name: quote(value) for name, value in params.items()}
        futures: list[PrefectFuture[list[Outcome]]] = [
            clean_chunk.submit(quote(c), **quoted) for c in chunks
        ]
        for future in as_completed(futures):
            yield future.result()
        return
    from prefect_dask.task_runners import DaskTaskRunner

    with DaskTaskRunner(address=dask_address) as runner:
        futures = [runner.submit(clean_chunk, {"articles": c, **params}) for c in chunks]
        for future in as_completed(futures):
            yield future.result()


def _run_name() -> str:
    started = flow_run.scheduled_start_time or datetime.now(UTC)
    return inbox_run_name(str(flow_run.parameters["inbox"]), started)


@flow(
    name="clean-inbox",
    flow_run_name=_run_name,
    task_runner=ThreadPoolTaskRunner(max_workers=1),  # type: ignore[arg-type]  # Prefect's generics
)
def clean_inbox(
    inbox: str,
    outbox: str | None = None,
    quarantine: str | None = None,
    pattern: str = "*.txt",
    chunk_size: int = 25,
    spec: SettingsSpec | None = None,
    dask_address: str | None = None,
    worker_process: bool | None = None,
) -> dict[str, Any]:
    """Clean every new or changed article of ``inbox`` into ``outbox``.

    ``outbox`` and ``quarantine`` default to folders named so beside the inbox; the source
    texts (SOURCES/NAME.txt for NAME.txt) are the spec's ``source_dir``, else a ``sources``
    folder beside the inbox when there is one. In-process,
    chunks run one at a time (copydesk is CPU-bound; threads would only contend for the
    GIL); set ``dask_address`` or ``COPYDESK_DASK_ADDRESS`` to spread them over a cluster.
    ``worker_process`` cleans them in one worker process
    (:class:`copydesk.batch.worker.ChunkCleaner`), leaving the flow's own process to
    publish the reports meanwhile; ``None``: when there is more than one chunk.
    """
    # Absolute before planning: workers started elsewhere must see the same files.
    inbox, outbox, quarantine = absolute_folders(inbox, outbox, quarantine)
    check_pattern(pattern)
    check_folders(Path(inbox), Path(outbox), Path(quarantine))
    dask_address = dask_address or os.environ.get(DASK_ADDRESS_ENV) or None
    settings = load_settings(spec)
    # The sources: --source-dir, else a ``sources`` folder beside the inbox (absolute, as the
    # other folders, for workers started elsewhere).
    if (sources := inbox_sources(inbox, settings.source_dir)) != settings.source_dir:
        settings = replace(settings, source_dir=sources)
    key = settings.key()
    manifest = prepare_outbox(outbox, quarantine)
    # Quoted: Prefect would walk every record of the manifest looking for futures (0.3 s
    # per 1,000 records each time); the task gets the manifest itself.
    records: Any = quote(manifest)
    plan = plan_inbox(inbox, pattern, outbox, records, key, settings.source_dir)
    base = str(Path(inbox).resolve())
    keys = {kind: artifact_key(base, kind) for kind in ("summary", "idle-summary", "progress")}
    progress_id: UUID = create_progress_artifact(  # type: ignore[assignment]  # sync call
        progress=0.0 if plan.todo else 100.0,
        key=keys["progress"],
        description=progress_description(inbox, plan.todo, plan.skipped),
    )
    outcomes: list[Outcome] = list(plan.refused)
    reports: dict[str, str] = {}
    params: dict[str, Any] = {"settings": settings, "outbox": outbox, "quarantine": quarantine}
    chunks = tapered(plan.todo, chunk_size)
    if worker_process is None:  # worth its start (about 0.4 s) from two chunks on
        worker_process = len(chunks) > 1
    cleaner = ChunkCleaner(settings, spec) if worker_process and not dask_address else None
    try:
        if cleaner is not None:
            params["cleaner"] = cleaner
        for chunk_outcomes in _run_chunks(chunks, params, dask_address):
            outcomes += chunk_outcomes  # each chunk recorded itself in the manifest
            reports.update(publish_reports(article_reports(chunk_outcomes, Path(outbox))))
            done = len(outcomes) - len(plan.refused)
            update_progress_artifact(progress_id, progress=100.0 * done / len(plan.todo))
    finally:
        if cleaner is not None:
            cleaner.close()
    cleaned_in = "dask" if dask_address else "flow process"
    if cleaner is not None and cleaner.fallback:
        get_run_logger().warning("cleaned in the flow's own process: %s", cleaner.fallback)
    elif cleaner is not None:
        cleaned_in = "worker process"
    # Cleaned by another run since this one planned them: skipped, as if planned so.
    skipped = plan.skipped + [o.name for o in outcomes if o.status == "unchanged"]
    outcomes = [o for o in outcomes if o.status != "unchanged"]
    kind = summary_kind(outcomes)
    last = key_page(keys["summary"]) if kind != "summary" else None
    summary = batch_summary_markdown(
        inbox, outbox, quarantine, key, outcomes, skipped, reports, last
    )
    create_markdown_artifact(
        markdown=fit_markdown(summary),
        key=keys[kind],
        description=f"clean-inbox {escape_markdown_line(inbox)}",
    )
    check_not_all_vanished(inbox, len(plan.todo), outcomes)  # fails the run, loudly
    artifacts = {"summary": keys[kind], "progress": keys["progress"]}
    return {
        "flow_run_name": flow_run.name,
        "flow_run_id": str(flow_run.id),
        "vanished": vanished_names(outcomes),
        "cleaned_in": cleaned_in,
        **batch_result(outbox, quarantine, key, outcomes, skipped, artifacts),
        "reports": reports,
    }
