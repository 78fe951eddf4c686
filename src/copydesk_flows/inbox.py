"""Flow ``clean-inbox``: every new or changed article of an inbox folder -> an outbox.

Contract:

* **Skip what is done.** ``OUTBOX/.copydesk-manifest.json`` records, per article stem, the
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
  one by the other. The outbox and the quarantine must be outside the inbox and apart;
  otherwise the run is refused before it starts. Undecodable bytes of a file name are
  shown as ``\\xNN`` in reports and artifacts; long names are shortened with a hash to fit
  the file system (:func:`copydesk.output.output_paths`). What was left in place is listed
  in the summary under "Left in the inbox".
* **Atomic and resumable.** Each article's outputs are replaced as one set through
  :func:`copydesk.output.write_output_set` (all or none); the manifest is rewritten
  atomically after every chunk. A run killed midway leaves whole files only (its
  ``.cdtmp-*.tmp`` files, held under a lock while in use, are swept at the next start), and
  the next run skips what was recorded intact and redoes the rest, overwriting rather than
  duplicating. Run from ``copydesk run``, Prefect's temporary server dies with the run
  (:func:`copydesk_flows._prefect.start_ephemeral_server`).
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
from dataclasses import asdict, dataclass, field
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

from copydesk.errors import InputError
from copydesk.load import display_name, load_bytes, max_size_mb, read_regular_file
from copydesk.output import (
    article_stem,
    failure_reason,
    file_sha256,
    fit_name,
    output_paths,
    sweep_temp_files,
    write_files_atomically,
    write_output_set,
)
from copydesk.pipeline import Settings, clean
from copydesk.report import code_cell, escape_markdown_line
from copydesk.settings import SettingsSpec
from copydesk_flows._prefect import (
    DASK_ADDRESS_ENV,
    artifact_key,
    content_hash,
    fit_markdown,
)
from copydesk_flows.article import load_settings

__all__ = [
    "MANIFEST_NAME",
    "Outcome",
    "Plan",
    "Planned",
    "check_folders",
    "check_pattern",
    "clean_inbox",
    "plan_articles",
    "process_article",
]

MANIFEST_NAME = ".copydesk-manifest.json"
MANIFEST_VERSION = 2
_SUMMARY_ROWS = 200


@dataclass(frozen=True, slots=True)
class Planned:
    """An article to clean, with the size and mtime it had when it was planned."""

    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one article of the inbox."""

    name: str  # printable: undecodable bytes of the file name shown as \xNN
    # "cleaned"; "quarantined"; "vanished" (removed from the inbox meanwhile); left in the
    # inbox for a later run: "changing" (still being written), "refused" (see the reason),
    # "failed" (could not even be quarantined)
    status: str
    sha256: str = ""
    edits: int = 0
    findings: int = 0
    signature: str = ""
    reason: str = ""
    words: int = 0
    penalty: float = 0.0  # the MQM-style penalty, unscaled
    stem: str = ""  # the manifest key: the file's stem, exactly
    outputs: dict[str, str] = field(default_factory=dict)  # output file name -> SHA-256


@dataclass(frozen=True, slots=True)
class Plan:
    """The inbox split: to clean, skipped as done, and refused (with reasons)."""

    todo: list[Planned]
    skipped: list[str]
    refused: list[Outcome]


LEFT_IN_PLACE = ("changing", "refused", "failed")


# ---------------------------------------------------------------- plain helpers


def check_pattern(pattern: str) -> None:
    """Refuse a pattern that could reach outside the inbox (a separator or ``..``)."""
    seps = {"/", os.sep, *([os.altsep] if os.altsep else [])}
    if not pattern or any(sep in pattern for sep in seps) or ".." in pattern:
        msg = (
            f"--pattern {pattern!r}: a file-name pattern inside the inbox, such as '*.txt' "
            "(no folder separator, no '..')"
        )
        raise InputError(msg)


def check_folders(inbox: Path, outbox: Path, quarantine: Path) -> None:
    """Refuse an outbox or quarantine that is the inbox or inside it, or that coincide."""
    inbox_r, outbox_r, quarantine_r = (p.resolve() for p in (inbox, outbox, quarantine))
    for label, folder in (("outbox", outbox_r), ("quarantine", quarantine_r)):
        if folder == inbox_r or folder.is_relative_to(inbox_r):
            msg = (
                f"the {label} {display_name(str(folder))} is the inbox or inside it; "
                f"give a folder outside {display_name(str(inbox_r))}"
            )
            raise InputError(msg)
    if outbox_r == quarantine_r:
        msg = f"the outbox and the quarantine are one folder ({display_name(str(outbox_r))})"
        raise InputError(msg)


def error_report_path(quarantine: Path, name: str) -> Path:
    """``quarantine/NAME.error.txt`` for the article file ``name`` (the full name, so that
    ``a.txt`` and ``a.md`` get their own reports), shortened to fit the file system."""
    return quarantine / fit_name(quarantine, name, ".error.txt")


def quarantine_article(path: Path, quarantine: Path, reason: str) -> None:
    """Write the error report, then move the article beside it (replacing an older copy)."""
    quarantine.mkdir(parents=True, exist_ok=True)
    write_files_atomically({error_report_path(quarantine, path.name): reason + "\n"})
    shutil.move(path, quarantine / path.name)


def _signature(path: Path) -> tuple[int, int] | None:
    """(size, mtime in ns) of ``path``, or None when it is gone."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return st.st_size, st.st_mtime_ns


def process_article(
    planned: Planned, settings: Settings, outbox: Path, quarantine: Path
) -> Outcome:
    """Clean one inbox file into the outbox, or quarantine it with the reason.

    Never raises for the article's sake: any error reading, cleaning or writing it
    quarantines it; a file that changes meanwhile is left for the next run.
    """
    path = Path(planned.path)
    name, stem = display_name(path.name), article_stem(path.name)
    expected = (planned.size, planned.mtime_ns)

    def moved() -> Outcome | None:
        """An outcome if the file is gone or changed since it was planned, else None."""
        now = _signature(path)
        if now == expected:
            return None
        if now is None:
            return Outcome(name, "vanished", stem=stem)
        return Outcome(name, "changing", stem=stem, reason="changed during the run; next run")

    digest = ""
    try:
        if (outcome := moved()) is not None:
            return outcome
        data = read_regular_file(path, limit_name=name, max_mb=settings.max_mb)  # over: quarantined
        if (outcome := moved()) is not None:
            return outcome
        digest = content_hash(data)
        result = clean(load_bytes(data, name, max_mb=settings.max_mb), settings)
        outputs = write_output_set(result, outbox, stem)
    except Exception as exc:  # one bad article must never stop the batch
        if (outcome := moved()) is not None:
            return outcome
        reason = failure_reason(exc)
        try:
            quarantine_article(path, quarantine, reason)
        except Exception as q_exc:  # left in place; tried again next run
            reason = f"{reason}; and it could not be quarantined: {failure_reason(q_exc)}"
            return Outcome(name, "failed", digest, stem=stem, reason=reason)
        return Outcome(name, "quarantined", digest, stem=stem, reason=reason)
    for stale in (quarantine / path.name, error_report_path(quarantine, path.name)):
        with contextlib.suppress(OSError):
            stale.unlink()
    mqm = result.scores["mqm"]
    return Outcome(
        name,
        "cleaned",
        digest,
        edits=len(result.applied_edits),
        findings=len(result.findings),
        signature=str(result.signature),
        words=int(mqm["word_count"]),
        penalty=float(mqm["penalty"]),
        stem=stem,
        outputs={p.name: h for p, h in outputs.items()},
    )


def manifest_record(outcome: Outcome, key: str) -> dict[str, Any]:
    """What the manifest keeps of a cleaned article."""
    return {
        "sha256": outcome.sha256,
        "settings": key,
        "source": outcome.name,
        "outputs": dict(outcome.outputs),
    }


def _valid_record(record: object) -> bool:
    return (
        isinstance(record, dict)
        and all(isinstance(record.get(k), str) for k in ("sha256", "settings"))
        and isinstance(record.get("outputs"), dict)
    )


def read_manifest_file(outbox: Path) -> dict[str, dict[str, Any]]:
    """The manifest's valid records by stem; empty when there is none or it is unreadable.

    A record that is not a mapping of the expected fields is dropped (its article is
    cleaned again), so a damaged manifest never stops a run.
    """
    try:
        data = json.loads((outbox / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return {}
    articles = data.get("articles")
    if not isinstance(articles, dict):
        return {}
    return {stem: record for stem, record in articles.items() if _valid_record(record)}


def write_manifest_file(outbox: Path, articles: dict[str, dict[str, Any]]) -> None:
    """Rewrite the manifest atomically."""
    text = json.dumps({"version": MANIFEST_VERSION, "articles": articles}, indent=1, sort_keys=True)
    write_files_atomically({outbox / MANIFEST_NAME: text + "\n"})


def outputs_intact(outbox: Path, stem: str, record: dict[str, Any]) -> bool:
    """Every output of ``stem`` exists with the SHA-256 the manifest recorded."""
    recorded = record.get("outputs")
    if not isinstance(recorded, dict):
        return False
    return all(
        recorded.get(path.name) == file_sha256(path) for path in output_paths(outbox, stem).values()
    )


def _inbox_candidates(inbox: Path, pattern: str) -> tuple[list[Path], list[Outcome]]:
    """The regular files matching ``pattern`` inside the inbox, and the links refused."""
    root = inbox.resolve()
    files: list[Path] = []
    refused: list[Outcome] = []
    for path in sorted(inbox.glob(pattern)):
        if path.name.startswith("."):
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            reason = "a symbolic link to outside the inbox; not followed"
            refused.append(Outcome(display_name(path.name), "refused", reason=reason))
            continue
        if path.is_file():  # a regular file, or a link to one inside the inbox
            files.append(path)
    return files, refused


def _refuse_clashes(files: list[Path]) -> tuple[list[Path], list[Outcome]]:
    """Files whose stems are unique; files that would share outputs are refused."""
    by_stem: dict[str, list[Path]] = {}
    for path in files:
        by_stem.setdefault(article_stem(path.name), []).append(path)
    unique: list[Path] = []
    refused: list[Outcome] = []
    for stem, paths in by_stem.items():
        if len(paths) == 1:
            unique.append(paths[0])
            continue
        names = " and ".join(display_name(p.name) for p in paths)
        reason = f"{names} would share the outputs {display_name(stem)}.*; rename one"
        refused += [
            Outcome(display_name(p.name), "refused", stem=stem, reason=reason) for p in paths
        ]
    return unique, refused


def plan_articles(
    inbox: Path, pattern: str, outbox: Path, manifest: dict[str, dict[str, Any]], key: str
) -> Plan:
    """Split the inbox's articles into to clean, skipped as done, and refused.

    An article is done when its bytes and the settings key match its manifest record and
    every output has the SHA-256 recorded for it (a damaged output is rebuilt). A file that
    changes while it is hashed, or that cannot be read, is planned anyway: cleaning then
    leaves it for the next run, or quarantines it with the reason.
    """
    check_pattern(pattern)
    files, refused = _inbox_candidates(inbox, pattern)
    files, clashes = _refuse_clashes(files)
    todo: list[Planned] = []
    skipped: list[str] = []
    for path in sorted(files):
        before = _signature(path)
        if before is None:
            continue  # vanished
        planned = Planned(str(path), *before)
        if planned.size > max_size_mb() * 1_000_000:
            todo.append(planned)  # not read whole to hash it: cleaning refuses it by its size
            continue
        try:
            digest = content_hash(path.read_bytes())
        except OSError:
            todo.append(planned)
            continue
        stem = article_stem(path.name)
        record = manifest.get(stem)
        done = (
            record is not None
            and record.get("settings") == key
            and record.get("sha256") == digest
            and _signature(path) == before
            and outputs_intact(outbox, stem, record)
        )
        if done:
            skipped.append(display_name(path.name))
        else:
            todo.append(planned)
    return Plan(todo, skipped, refused + clashes)


# ---------------------------------------------------------------- tasks


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def prepare_outbox(outbox: str, quarantine: str) -> dict[str, dict[str, Any]]:
    """Sweep temporary files left by a killed run and read the manifest."""
    for folder in (outbox, quarantine):
        sweep_temp_files(Path(folder))
    return read_manifest_file(Path(outbox))


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def plan_inbox(
    inbox: str, pattern: str, outbox: str, manifest: dict[str, dict[str, Any]], key: str
) -> Plan:
    """Hash the inbox's articles and keep those not cleaned yet with these settings."""
    return plan_articles(Path(inbox), pattern, Path(outbox), manifest, key)


@task(name="clean-chunk", cache_policy=NO_CACHE)
def clean_chunk(
    articles: list[Planned], settings: Settings, outbox: str, quarantine: str
) -> list[Outcome]:
    """Clean a chunk of articles; a bad one is quarantined, never raised."""
    outcomes = []
    for article in articles:
        try:
            outcomes.append(process_article(article, settings, Path(outbox), Path(quarantine)))
        except Exception as exc:  # a fault outside the article's own steps: left in place
            name = display_name(Path(article.path).name)
            outcomes.append(Outcome(name, "failed", reason=failure_reason(exc)))
    return outcomes


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def save_manifest(outbox: str, articles: dict[str, dict[str, Any]]) -> None:
    """Record the articles done so far (atomically)."""
    write_manifest_file(Path(outbox), articles)


# ---------------------------------------------------------------- flow


def _chunks(items: list[Planned], size: int) -> list[list[Planned]]:
    return [items[i : i + size] for i in range(0, len(items), max(1, size))]


def _run_chunks(
    chunks: list[list[Planned]], params: dict[str, Any], dask_address: str | None
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
        futures = [runner.submit(clean_chunk, {"articles": c, **params}) for c in chunks]
        for future in as_completed(futures):
            yield future.result()


def summary_markdown(
    inbox: str, outbox: str, quarantine: str, key: str, outcomes: list[Outcome], skipped: int
) -> str:
    """The batch summary: counts, quarantined articles with reasons, cleaned articles."""
    cleaned = [o for o in outcomes if o.status == "cleaned"]
    bad = [o for o in outcomes if o.status == "quarantined"]
    left = [o for o in outcomes if o.status in LEFT_IN_PLACE]
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
        f"| Left in the inbox (refused, still changing) | {len(left)} |",
        f"| Changes applied | {sum(o.edits for o in cleaned)} |",
        f"| Findings | {sum(o.findings for o in cleaned)} |",
        f"| MQM penalty per 100 words (cleaned articles) | {batch_mqm:.2f} |",
        f"| Outbox | {code_cell(outbox)} |",
        f"| Quarantine | {code_cell(quarantine)} |",
        f"| Settings | {code_cell(key)} |",
        "",
    ]
    for title, listed in (("Quarantined", bad), ("Left in the inbox", left)):
        if listed:
            out += [f"## {title}", "", "| Article | Reason |", "|---|---|"]
            out += [
                f"| {escape_markdown_line(o.name)} | {escape_markdown_line(o.reason)} |"
                for o in listed
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


def inbox_siblings(inbox: str, outbox: str | None, quarantine: str | None) -> tuple[str, str]:
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
    spec: SettingsSpec | None = None,
    dask_address: str | None = None,
) -> dict[str, Any]:
    """Clean every new or changed article of ``inbox`` into ``outbox``.

    ``outbox`` and ``quarantine`` default to folders named so beside the inbox. In-process,
    chunks run one at a time (copydesk is CPU-bound; threads would only contend for the
    GIL); set ``dask_address`` or ``COPYDESK_DASK_ADDRESS`` to spread them over a cluster.
    """
    outbox, quarantine = inbox_siblings(inbox, outbox, quarantine)
    check_pattern(pattern)
    check_folders(Path(inbox), Path(outbox), Path(quarantine))
    dask_address = dask_address or os.environ.get(DASK_ADDRESS_ENV) or None
    settings = load_settings(spec)
    key = settings.key()
    manifest = prepare_outbox(outbox, quarantine)
    plan = plan_inbox(inbox, pattern, outbox, manifest, key)
    todo, skipped = plan.todo, plan.skipped
    chunks = _chunks(todo, chunk_size)
    base = str(Path(inbox).resolve())
    progress_id: UUID = create_progress_artifact(  # type: ignore[assignment]  # sync call
        progress=0.0 if todo else 100.0,
        key=artifact_key(base, "progress"),
        description=f"{escape_markdown_line(inbox)}: {len(todo)} article(s) to clean, "
        f"{len(skipped)} unchanged",
    )
    outcomes: list[Outcome] = list(plan.refused)
    done = 0
    params = {"settings": settings, "outbox": outbox, "quarantine": quarantine}
    for chunk_outcomes in _run_chunks(chunks, params, dask_address):
        outcomes += chunk_outcomes
        done += len(chunk_outcomes)
        for o in chunk_outcomes:
            if o.status == "cleaned":
                manifest[o.stem] = manifest_record(o, key)
        save_manifest(outbox, manifest)
        update_progress_artifact(progress_id, progress=100.0 * done / len(todo))
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
        "left": {o.name: o.reason for o in outcomes if o.status in LEFT_IN_PLACE},
        "skipped": skipped,
        "settings": key,
        "artifacts": {"summary": summary_key, "progress": artifact_key(base, "progress")},
        "outcomes": [asdict(o) for o in outcomes],
    }
