"""What a batch run publishes for each cleaned article: its Markdown report, read back.

Contract: :func:`article_reports` gives, for every cleaned article of a chunk, the report
artifact an editor reviews: the article's ``STEM.report.md`` exactly as the run wrote it to
the outbox (the same Markdown the ``clean-article`` flow publishes), cut to fit an artifact
(:func:`copydesk.batch.fit.fit_markdown`, naming the full file), under the key
``artifact_key(stem, "report")``: the key ``clean-article`` gives the same file, so both add
to one history (undecodable bytes of a stem shown as ``\\xNN``). A report whose bytes no
longer match the hash the run recorded (the article was cleaned again meanwhile) is not
published as this run's: its reason is given instead. Reads files only; no Prefect.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from copydesk.batch.fit import artifact_key, fit_markdown
from copydesk.batch.model import Outcome
from copydesk.load import display_name
from copydesk.report import escape_markdown_line

__all__ = ["ArticleReport", "article_reports"]

_REPORT_SUFFIX = ".report.md"


@dataclass(frozen=True, slots=True)
class ArticleReport:
    """One cleaned article's report artifact: its key, Markdown and description, or the
    reason it cannot be published (then ``markdown`` is empty)."""

    name: str
    key: str
    markdown: str
    description: str
    problem: str = ""


def article_reports(outcomes: Iterable[Outcome], outbox: Path) -> Iterator[ArticleReport]:
    """The report artifact of every cleaned article of ``outcomes``, in their order."""
    for outcome in outcomes:
        if outcome.status != "cleaned":
            continue
        article = display_name(outcome.stem)  # undecodable bytes of the name as \xNN
        key = artifact_key(article, "report")
        description = f"copydesk diff report of {escape_markdown_line(article)}"
        names = [n for n in outcome.outputs if n.endswith(_REPORT_SUFFIX)]
        if not names:
            yield ArticleReport(outcome.name, key, "", description, "no Markdown report written")
            continue
        path = outbox / names[0]
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield ArticleReport(outcome.name, key, "", description, f"unreadable: {exc.strerror}")
            continue
        if hashlib.sha256(data).hexdigest() != outcome.outputs[names[0]]:
            problem = "rewritten since this run wrote it"
            yield ArticleReport(outcome.name, key, "", description, problem)
            continue
        markdown = fit_markdown(data.decode("utf-8"), full_text_at=str(path))
        yield ArticleReport(outcome.name, key, markdown, description)
