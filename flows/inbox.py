"""Flow ``clean-inbox``: every new or changed article of an inbox folder -> an outbox.

Contract:

* **Skip what is done.** ``OUTBOX/.copydesk-manifest.json`` records, per article stem, the
  SHA-256 of the bytes that were cleaned and the settings key
  (``Settings.key()``: copydesk version, glossary and rule hashes, house
  style, mode, date). An article whose bytes and settings key match its record, and whose
  outputs all exist, is skipped; a changed article, glossary or rule file re-cleans it.
* **One bad article never stops the batch.** An article that cannot be loaded or cleaned
  is moved to the quarantine folder with ``STEM.error.txt`` beside it holding the reason;
  the others complete. It is not recorded as done, so a file that reappears in the inbox
  is tried again; when it then succeeds, its quarantined copy and error report are removed.
* **Atomic and resumable.** Each article's outputs are written together through
  :func:`copydesk.output.write_outputs` (temporary file, fsync, rename); the manifest is
  rewritten the same way after every chunk. A run killed midway leaves whole files only
  (stale ``.*.tmp`` files are swept at the next start), and the next run skips the chunks
  that were recorded and redoes the rest, overwriting rather than duplicating.
* **Coarse tasks.** Articles are cleaned in chunks (``chunk_size``, default 25) so that
  Prefect's per-task cost (3-6 ms in-process, 70-120 ms on Dask) stays small beside
  copydesk's (about 30 ms per seed-size article). With ``dask_address`` (or
  ``COPYDESK_DASK_ADDRESS``) the chunks run on that Dask cluster via prefect-dask; the
  inbox, outbox and quarantine must then be on storage every worker sees.
* **Artifacts.** A progress artifact while it runs and a Markdown summary of the batch,
  both keyed by the inbox path.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from prefect import flow, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from copydesk.load import load_bytes
from copydesk.output import article_stem, output_paths, write_files_atomically, write_outputs
from copydesk.pipeline import Settings, clean
from copydesk.report import code_cell, escape_markdown_line
from flows._prefect import (
    DASK_ADDRESS_ENV,
    artifact_key,
    content_hash,
    fit_markdown,
)
from flows.article import load_settings

__all__ = ["MANIFEST_NAME", "Outcome", "clean_inbox", "process_article"]

MANIFEST_NAME = ".copydesk-manifest.json"
MANIFEST_VERSION = 1
_SUMMARY_ROWS = 200


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one article of the inbox."""

    name: str
    status: str  # "cleaned", "quarantined" or "vanished" (removed from the inbox meanwhile)
    sha256: str = ""
    edits: int = 0
    findings: int = 0
    signature: str = ""
    reason: str = ""
    words: int = 0
    penalty: float = 0.0  # the MQM-style penalty, unscaled


# ---------------------------------------------------------------- plain helpers


def error_report_path(quarantine: Path, name: str) -> Path:
    """``quarantine/STEM.error.txt`` for the article file ``name``."""
    return quarantine / f"{article_stem(name)}.error.txt"


def quarantine_article(path: Path, quarantine: Path, reason: str) -> None:
    """Write the error report, then move the article beside it (replacing an older copy)."""
    quarantine.mkdir(parents=True, exist_ok=True)
    write_files_atomically({error_report_path(quarantine, path.name): reason + "\n"})
    shutil.move(path, quarantine / path.name)


def process_article(path: Path, settings: Settings, outbox: Path, quarantine: Path) -> Outcome:
    """Clean one inbox file into the outbox, or quarantine it with the reason."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Outcome(path.name, "vanished")
    digest = content_hash(data)
    try:
        result = clean(load_bytes(data, path.name), settings)
    except Exception as exc:  # one bad article must never stop the batch (issue M3)
        reason = str(exc) if str(exc) else type(exc).__name__
        quarantine_article(path, quarantine, reason)
        return Outcome(path.name, "quarantined", digest, reason=reason)
    write_outputs(result, outbox, article_stem(path.name))
    for stale in (quarantine / path.name, error_report_path(quarantine, path.name)):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
    mqm = result.scores["mqm"]
    return Outcome(
        path.name,
        "cleaned",
        digest,
        edits=len(result.applied_edits),
        findings=len(result.findings),
        signature=result.signature,
        words=int(mqm["word_count"]),
        penalty=float(mqm["penalty"]),
    )


def read_manifest_file(outbox: Path) -> dict[str, dict[str, str]]:
    """The manifest's records by stem; empty when there is none or it is unreadable."""
    try:
        data = json.loads((outbox / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return {}
    articles = data.get("articles")
    return articles if isinstance(articles, dict) else {}


def write_manifest_file(outbox: Path, articles: dict[str, dict[str, str]]) -> None:
    """Rewrite the manifest atomically."""
    text = json.dumps({"version": MANIFEST_VERSION, "articles": articles}, indent=1, sort_keys=True)
    write_files_atomically({outbox / MANIFEST_NAME: text + "\n"})


def sweep_temp_files(folder: Path) -> list[str]:
    """Remove the ``.NAME.XXXX.tmp`` files a killed run left behind; returns their names."""
    removed = []
    for tmp in folder.glob(".*.tmp") if folder.is_dir() else ():
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
            removed.append(tmp.name)
    return removed


def plan_articles(
    inbox: Path, pattern: str, outbox: Path, manifest: dict[str, dict[str, str]], key: str
) -> tuple[list[str], list[str]]:
    """Split the inbox's articles into (to clean, skipped as unchanged)."""
    todo: list[str] = []
    skipped: list[str] = []
    for path in sorted(inbox.glob(pattern)):
        if path.name.startswith(".") or not path.is_file():
            continue
        record = manifest.get(article_stem(path.name))
        done = (
            record is not None
            and record.get("settings") == key
            and record.get("sha256") == content_hash(path.read_bytes())
            and all(p.exists() for p in output_paths(outbox, article_stem(path.name)).values())
        )
        (skipped if done else todo).append(str(path))
    return todo, skipped


# ---------------------------------------------------------------- tasks


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def prepare_outbox(outbox: str) -> dict[str, dict[str, str]]:
    """Sweep temporary files left by a killed run and read the manifest."""
    sweep_temp_files(Path(outbox))
    return read_manifest_file(Path(outbox))


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def plan_inbox(
    inbox: str, pattern: str, outbox: str, manifest: dict[str, dict[str, str]], key: str
) -> tuple[list[str], list[str]]:
    """Hash the inbox's articles and keep those not cleaned yet with these settings."""
    return plan_articles(Path(inbox), pattern, Path(outbox), manifest, key)


@task(name="clean-chunk", cache_policy=NO_CACHE)
def clean_chunk(
    paths: list[str], settings: Settings, outbox: str, quarantine: str
) -> list[Outcome]:
    """Clean a chunk of articles; a bad one is quarantined, never raised."""
    return [process_article(Path(p), settings, Path(outbox), Path(quarantine)) for p in paths]


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def save_manifest(outbox: str, articles: dict[str, dict[str, str]]) -> None:
    """Record the articles done so far (atomically)."""
    write_manifest_file(Path(outbox), articles)


# ---------------------------------------------------------------- flow


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), max(1, size))]


def _run_chunks(
    chunks: list[list[str]], params: dict[str, Any], dask_address: str | None
) -> Iterator[list[Outcome]]:
    """Submit every chunk and yield the outcomes of each as it completes."""
    if not dask_address:
        futures: list[PrefectFuture[list[Outcome]]] = [
            clean_chunk.submit(c, **params) for c in chunks
        ]
        for future in as_completed(futures):
            yield future.result()
        return
    from prefect_dask.task_runners import DaskTaskRunner

    with DaskTaskRunner(address=dask_address) as runner:
        futures = [runner.submit(clean_chunk, {"paths": c, **params}) for c in chunks]
        for future in as_completed(futures):
            yield future.result()


def summary_markdown(
    inbox: str, outbox: str, quarantine: str, key: str, outcomes: list[Outcome], skipped: int
) -> str:
    """The batch summary: counts, quarantined articles with reasons, cleaned articles."""
    cleaned = [o for o in outcomes if o.status == "cleaned"]
    bad = [o for o in outcomes if o.status == "quarantined"]
    words = sum(o.words for o in cleaned)
    # Words-weighted over the batch, so a desk lead can follow it run after run.
    batch_mqm = 100 * sum(o.penalty for o in cleaned) / words if words else 0.0
    out = [
        f"# clean-inbox: {escape_markdown_line(inbox)}",
        "",
        "| | |",
        "|---|---|",
        f"| Cleaned | {len(cleaned)} |",
        f"| Skipped (unchanged) | {skipped} |",
        f"| Quarantined | {len(bad)} |",
        f"| Changes applied | {sum(o.edits for o in cleaned)} |",
        f"| Findings | {sum(o.findings for o in cleaned)} |",
        f"| MQM penalty per 100 words (cleaned articles) | {batch_mqm:.2f} |",
        f"| Outbox | {code_cell(outbox)} |",
        f"| Quarantine | {code_cell(quarantine)} |",
        f"| Settings | {code_cell(key)} |",
        "",
    ]
    if bad:
        out += ["## Quarantined", "", "| Article | Reason |", "|---|---|"]
        out += [
            f"| {escape_markdown_line(o.name)} | {escape_markdown_line(o.reason)} |" for o in bad
        ]
        out.append("")
    if cleaned:
        out += [
            "## Cleaned",
            "",
            "| Article | Changes | Findings | MQM per 100 words |",
            "|---|---|---|---|",
        ]
        out += [
            f"| {escape_markdown_line(o.name)} | {o.edits} | {o.findings} "
            f"| {100 * o.penalty / max(o.words, 1):.2f} |"
            for o in cleaned[:_SUMMARY_ROWS]
        ]
        if len(cleaned) > _SUMMARY_ROWS:
            out += ["", f"… and {len(cleaned) - _SUMMARY_ROWS} more (see the outbox)."]
    return "\n".join(out) + "\n"


def _siblings(inbox: str, outbox: str | None, quarantine: str | None) -> tuple[str, str]:
    parent = Path(inbox).resolve().parent
    return outbox or str(parent / "outbox"), quarantine or str(parent / "quarantine")


@flow(
    name="clean-inbox",
    flow_run_name="clean-inbox {inbox}",
    task_runner=ThreadPoolTaskRunner(max_workers=1),  # type: ignore[arg-type]  # Prefect's generics
)
def clean_inbox(
    inbox: str,
    outbox: str | None = None,
    quarantine: str | None = None,
    pattern: str = "*.txt",
    chunk_size: int = 25,
    glossary_dir: str | None = None,
    rules_dir: str | None = None,
    style_file: str | None = None,
    dask_address: str | None = None,
) -> dict[str, Any]:
    """Clean every new or changed article of ``inbox`` into ``outbox``.

    ``outbox`` and ``quarantine`` default to folders named so beside the inbox. In-process,
    chunks run one at a time (copydesk is CPU-bound; threads would only contend for the
    GIL); set ``dask_address`` or ``COPYDESK_DASK_ADDRESS`` to spread them over a cluster.
    """
    outbox, quarantine = _siblings(inbox, outbox, quarantine)
    dask_address = dask_address or os.environ.get(DASK_ADDRESS_ENV) or None
    settings = load_settings(glossary_dir, rules_dir, style_file)
    key = settings.key()
    manifest = prepare_outbox(outbox)
    todo, skipped = plan_inbox(inbox, pattern, outbox, manifest, key)
    chunks = _chunks(todo, chunk_size)
    base = str(Path(inbox).resolve())
    progress_id: UUID = create_progress_artifact(  # type: ignore[assignment]  # sync call
        progress=0.0 if todo else 100.0,
        key=artifact_key(base, "progress"),
        description=f"{escape_markdown_line(inbox)}: {len(todo)} article(s) to clean, "
        f"{len(skipped)} unchanged",
    )
    outcomes: list[Outcome] = []
    params = {"settings": settings, "outbox": outbox, "quarantine": quarantine}
    for chunk_outcomes in _run_chunks(chunks, params, dask_address):
        outcomes += chunk_outcomes
        for o in chunk_outcomes:
            if o.status == "cleaned":
                manifest[article_stem(o.name)] = {
                    "sha256": o.sha256,
                    "settings": key,
                    "source": o.name,
                }
        save_manifest(outbox, manifest)
        update_progress_artifact(progress_id, progress=100.0 * len(outcomes) / len(todo))
    summary_key = artifact_key(base, "summary")
    create_markdown_artifact(
        markdown=fit_markdown(
            summary_markdown(inbox, outbox, quarantine, key, outcomes, len(skipped))
        ),
        key=summary_key,
        description=f"clean-inbox {escape_markdown_line(inbox)}",
    )
    return {
        "flow_run_name": flow_run.name,
        "flow_run_id": str(flow_run.id),
        "outbox": outbox,
        "quarantine": quarantine,
        "cleaned": sorted(o.name for o in outcomes if o.status == "cleaned"),
        "quarantined": {o.name: o.reason for o in outcomes if o.status == "quarantined"},
        "skipped": [Path(p).name for p in skipped],
        "settings": key,
        "artifacts": {"summary": summary_key, "progress": artifact_key(base, "progress")},
        "outcomes": [asdict(o) for o in outcomes],
    }
