"""Cleaning planned articles into the outbox: one bad article never stops the batch.

Contract: :func:`process_article` never raises for the article's sake. Any error reading,
cleaning or writing it (``OSError``, ``UnicodeError``, ``MemoryError``, any exception from
cleaning) quarantines it with the reason (:mod:`copydesk.batch.quarantine`); a file whose
size or mtime changed since it was planned, or while it was read, is left in the inbox
("changing") and never quarantined for being half written; a file gone meanwhile is
"vanished". A cleaned article's outputs are replaced as one set
(:func:`copydesk.output.write_output_set`), and a quarantined copy of it from an earlier
run goes. :func:`process_articles` cleans a chunk; a fault outside one article's own steps
leaves that article in place ("failed") and the chunk goes on.

:func:`process_chunk` is what a run does with a chunk when other runs may write into the
same outbox at once: it claims each article (:func:`copydesk.batch.manifest.claim_article`),
skips one that another run cleaned meanwhile ("unchanged"), cleans the others, and merges
their records into the manifest before it lets them go
(:func:`copydesk.batch.manifest.record_outcomes`). An article is never cleaned twice by
overlapping runs, and no run's record is lost. Its articles' outputs are written without an
``fsync`` each (five per article, about 3 ms each on ext4: more than half of what a batch
adds to cleaning); one :func:`sync_file_system` makes a group of them durable before the
manifest records them, so a record on disk always names outputs on disk, and outputs lost
to a power cut before that are not recorded (their articles are cleaned again).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from copydesk.batch.manifest import (
    ManifestView,
    article_hash,
    claim_article,
    is_done,
    other_inbox,
    record_outcomes,
    shared_stem_reason,
)
from copydesk.batch.model import Outcome, Planned
from copydesk.batch.plan import article_inbox, chunked, file_stamp
from copydesk.batch.quarantine import quarantine_article, release_article
from copydesk.load import display_name, load_bytes, max_size_mb, read_regular_file
from copydesk.model import Result
from copydesk.output import article_stem, failure_reason, write_output_set
from copydesk.pipeline import Settings, clean

__all__ = [
    "CLAIMS_AT_ONCE",
    "process_article",
    "process_articles",
    "process_chunk",
    "quarantine_unclean",
    "sync_file_system",
]

#: Articles claimed (one open file each) and recorded together within a chunk.
CLAIMS_AT_ONCE = 50


def process_article(
    planned: Planned, settings: Settings, outbox: Path, quarantine: Path, durable: bool = True
) -> Outcome:
    """Clean one inbox file into the outbox, or quarantine it with the reason.

    Never raises for the article's sake: any error reading, cleaning or writing it
    quarantines it; a file that changes meanwhile is left for the next run. ``durable=False``
    writes the outputs without ``fsync``: the caller syncs them (:func:`sync_file_system`)
    before it records them.
    """
    path = Path(planned.path)
    name, stem = display_name(path.name), article_stem(path.name)

    digest = ""
    try:
        if (outcome := _moved(planned, name, stem)) is not None:
            return outcome
        data = read_regular_file(path, limit_name=name, max_mb=settings.max_mb)  # over: quarantined
        if (outcome := _moved(planned, name, stem)) is not None:
            return outcome
        digest = article_hash(data, path.name, settings.source_dir)
        result = clean(load_bytes(data, name, max_mb=settings.max_mb), settings)
        outputs = write_output_set(result, outbox, stem, durable=durable)
    except Exception as exc:  # one bad article must never stop the batch
        if (outcome := _moved(planned, name, stem)) is not None:
            return outcome
        reason = failure_reason(exc)
        try:
            quarantine_article(path, quarantine, reason)
        except Exception as q_exc:  # left in place; tried again next run
            reason = f"{reason}; and it could not be quarantined: {failure_reason(q_exc)}"
            return Outcome(name, "failed", digest, stem=stem, reason=reason)
        return Outcome(name, "quarantined", digest, stem=stem, reason=reason)
    release_article(quarantine, path.name)
    if result.scores is None:  # clean() always scores; a result without scores is a bug
        msg = "internal error: a cleaned article without scores"
        raise RuntimeError(msg)
    mqm = result.scores.mqm
    return Outcome(
        name,
        "cleaned",
        digest,
        edits=len(result.applied_edits),
        findings=len(result.findings),
        signature=str(result.signature),
        words=mqm.word_count,
        penalty=mqm.penalty,
        stem=stem,
        outputs={p.name: h for p, h in outputs.items()},
        categories=dict(sorted(Counter(f.category for f in result.findings).items())),
        names=_name_spellings(result, settings),
        inbox=str(article_inbox(path)),
    )


def _moved(planned: Planned, name: str, stem: str) -> Outcome | None:
    """An outcome if the file is gone or changed since it was planned, else None."""
    now = file_stamp(Path(planned.path))
    if now == (planned.size, planned.mtime_ns):
        return None
    if now is None:
        return Outcome(name, "vanished", stem=stem)
    return Outcome(name, "changing", stem=stem, reason="changed during the run; next run")


def _process_one(
    article: Planned, settings: Settings, outbox: Path, quarantine: Path, durable: bool = True
) -> Outcome:
    try:
        return process_article(article, settings, outbox, quarantine, durable)
    except Exception as exc:  # a fault outside the article's own steps: left in place
        name = display_name(Path(article.path).name)
        return Outcome(name, "failed", reason=failure_reason(exc))


def _name_spellings(result: Result, settings: Settings) -> dict[str, int]:
    """The article's name spellings the glossary lacks, for the batch summary."""
    from copydesk.findings.consistency import name_spellings
    from copydesk.findings.spelling import glossary_lexicon

    language = result.language.code.split("-")[0].lower()
    known = glossary_lexicon(settings.glossary, language).known
    return dict(sorted(name_spellings(result.cleaned, language, known).items()))


def process_articles(
    articles: Iterable[Planned], settings: Settings, outbox: Path, quarantine: Path
) -> list[Outcome]:
    """Clean a chunk of articles; a bad one is quarantined (or left), never raised."""
    return [_process_one(article, settings, outbox, quarantine) for article in articles]


def _done_meanwhile(
    article: Planned, record: dict[str, Any] | None, outbox: Path, key: str, settings: Settings
) -> str:
    """The article's hash when its ``record``, as the manifest on disk has it now, says it
    is done, else ""."""
    path = Path(article.path)
    if record is None or article.size > max_size_mb(settings.max_mb) * 1_000_000:
        return ""
    try:
        digest = article_hash(path.read_bytes(), path.name, settings.source_dir)
    except OSError:
        return ""
    return digest if is_done(record, key, digest, outbox, article_stem(path.name)) else ""


def _claimed(
    article: Planned,
    held: bool | None,
    settings: Settings,
    key: str,
    view: ManifestView,
    folders: tuple[Path, Path],
) -> Outcome:
    """What becomes of an article this run has claimed (``held`` None: it is gone)."""
    path = Path(article.path)
    name, stem = display_name(path.name), article_stem(path.name)
    if held is None:
        return Outcome(name, "vanished", stem=stem)
    record = view.record(stem)
    # another inbox may have recorded this stem since this run planned
    if (other := other_inbox(record, article_inbox(path))) is not None:
        return Outcome(name, "refused", stem=stem, reason=shared_stem_reason(name, stem, other))
    if digest := _done_meanwhile(article, record, folders[0], key, settings):
        return Outcome(name, "unchanged", digest, stem=stem)
    return _process_one(article, settings, *folders, durable=False)


def process_chunk(
    articles: Iterable[Planned], settings: Settings, outbox: Path, quarantine: Path
) -> list[Outcome]:
    """Clean and record a chunk safely beside other runs into the same outbox.

    Articles are claimed :data:`CLAIMS_AT_ONCE` at a time, cleaned unless another run has
    cleaned them meanwhile, and recorded before their claims go. An article another run
    holds is waited for after this run's own claims are released, one at a time (so two
    runs never wait on each other), then skipped if that run cleaned it. Outcomes come in
    the order of ``articles``.
    """
    key = settings.key()
    view = ManifestView(outbox)
    folders = (outbox, quarantine)
    by_path: dict[str, Outcome] = {}
    waiting: list[Planned] = []
    order = list(articles)
    for group in chunked(order, CLAIMS_AT_ONCE):
        with contextlib.ExitStack() as claims:
            done: list[Outcome] = []
            for article in group:
                held = claims.enter_context(claim_article(Path(article.path), wait=False))
                if held is False:
                    waiting.append(article)
                    continue
                done.append(_claimed(article, held, settings, key, view, folders))
                by_path[article.path] = done[-1]
            _record_synced(outbox, done, key)
    for article in waiting:
        with claim_article(Path(article.path), wait=True) as held:
            outcome = _claimed(article, held, settings, key, view, folders)
            _record_synced(outbox, [outcome], key)
        by_path[article.path] = outcome
    return [by_path[article.path] for article in order]


def quarantine_unclean(article: Planned, quarantine: Path, reason: str) -> Outcome:
    """Quarantine an article whose cleaning failed outside this process (the worker that
    cleaned it died), under the article's claim; left in place if it changed meanwhile."""
    path = Path(article.path)
    name, stem = display_name(path.name), article_stem(path.name)
    with claim_article(path, wait=True) as held:
        if held is None:
            return Outcome(name, "vanished", stem=stem)
        if (outcome := _moved(article, name, stem)) is not None:
            return outcome
        try:
            quarantine_article(path, quarantine, reason)
        except Exception as exc:  # left in place; tried again next run
            why = f"{reason}; and it could not be quarantined: {failure_reason(exc)}"
            return Outcome(name, "failed", stem=stem, reason=why)
    return Outcome(name, "quarantined", stem=stem, reason=reason)


def _record_synced(outbox: Path, outcomes: list[Outcome], key: str) -> None:
    """Flush the outcomes' outputs to disk, then record them in the manifest."""
    if any(o.status == "cleaned" for o in outcomes):
        sync_file_system(outbox)
    record_outcomes(outbox, outcomes, key)


def sync_file_system(folder: Path) -> None:
    """Flush what was written to the file system of ``folder`` to disk: Linux's ``syncfs``
    (one journal commit for many files), else ``sync``."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        os.sync()
        return
    try:
        syncfs = _syncfs()
        if syncfs is None or syncfs(fd) != 0:
            os.sync()
    finally:
        os.close(fd)


@functools.cache
def _syncfs() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        syncfs: Callable[[int], int] = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    return syncfs
