"""Prefect artifacts of one article: the Markdown diff report, a findings table, a summary.

Contract: every artifact is built by the library (:func:`copydesk.report.render_markdown`,
:func:`copydesk.batch.summary.findings_rows`,
:func:`copydesk.batch.summary.article_summary_markdown`), keyed with
:func:`copydesk.batch.fit.artifact_key` so that each article keeps its own history in the
UI, and kept under :data:`copydesk.batch.fit.ARTIFACT_LIMIT` bytes (cut with a note when
larger). :func:`publish_article_artifacts` creates the three artifacts and returns their keys;
:func:`publish_reports` creates the report artifacts of an inbox run's cleaned articles
(:func:`copydesk.batch.publish.article_reports`) and returns the UI page of each, for the
summary to link to.
"""

from __future__ import annotations

from collections.abc import Iterable

from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.logging import get_run_logger

from copydesk.batch.fit import artifact_key, artifact_page, fit_markdown
from copydesk.batch.publish import ArticleReport
from copydesk.batch.summary import article_summary_markdown, findings_rows
from copydesk.model import Result
from copydesk.report import escape_markdown_line, render_markdown


def publish_article_artifacts(
    result: Result, article_id: str, report_path: str | None = None
) -> dict[str, str]:
    """Create the report, findings and summary artifacts of one article; returns their keys."""
    keys = {kind: artifact_key(article_id, kind) for kind in ("report", "findings", "summary")}
    create_markdown_artifact(
        markdown=fit_markdown(render_markdown(result), full_text_at=report_path),
        key=keys["report"],
        description=f"copydesk diff report of {escape_markdown_line(article_id)}",
    )
    table, note = findings_rows(result)
    create_table_artifact(
        table=table,
        key=keys["findings"],
        description=f"Findings of {escape_markdown_line(article_id)}{note}",
    )
    create_markdown_artifact(
        markdown=fit_markdown(article_summary_markdown(result, article_id)),
        key=keys["summary"],
        description=f"copydesk summary of {escape_markdown_line(article_id)}",
    )
    return keys


def publish_reports(reports: Iterable[ArticleReport]) -> dict[str, str]:
    """Create each report artifact; returns the UI page of each, by article name. A report
    that cannot be published is logged (the article is still listed, without a link)."""
    pages = {}
    for report in reports:
        if report.problem:
            get_run_logger().warning("report of %s not published: %s", report.name, report.problem)
            continue
        artifact_id = create_markdown_artifact(
            markdown=report.markdown, key=report.key, description=report.description
        )
        pages[report.name] = artifact_page(str(artifact_id))
    return pages
