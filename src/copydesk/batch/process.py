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
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from copydesk.batch.manifest import content_hash
from copydesk.batch.model import Outcome, Planned
from copydesk.batch.plan import file_stamp
from copydesk.batch.quarantine import quarantine_article, release_article
from copydesk.load import display_name, load_bytes, read_regular_file
from copydesk.output import article_stem, failure_reason, write_output_set
from copydesk.pipeline import Settings, clean

__all__ = ["process_article", "process_articles"]


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
        now = file_stamp(path)
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
    )


def process_articles(
    articles: Iterable[Planned], settings: Settings, outbox: Path, quarantine: Path
) -> list[Outcome]:
    """Clean a chunk of articles; a bad one is quarantined (or left), never raised."""
    outcomes = []
    for article in articles:
        try:
            outcomes.append(process_article(article, settings, outbox, quarantine))
        except Exception as exc:  # a fault outside the article's own steps: left in place
            name = display_name(Path(article.path).name)
            outcomes.append(Outcome(name, "failed", reason=failure_reason(exc)))
    return outcomes
