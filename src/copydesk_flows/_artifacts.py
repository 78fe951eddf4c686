"""Prefect artifacts of one article: the Markdown diff report, a findings table, a summary.

Contract: every artifact is built from copydesk's renderers (:func:`render_markdown`,
:func:`findings_table`, :func:`to_dict`), keyed with :func:`~copydesk_flows._prefect.artifact_key`
so that each article keeps its own history in the UI, and kept under
:data:`~copydesk_flows._prefect.ARTIFACT_LIMIT` bytes (cut with a note when larger). The
Markdown builders are pure functions; :func:`publish_article_artifacts` creates the three
artifacts and returns their keys.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from copydesk.model import SEVERITIES, Result
from copydesk.report import (
    code_cell,
    escape_markdown_line,
    findings_table,
    render_markdown,
    to_dict,
)
from copydesk_flows._prefect import artifact_key, fit_markdown, fit_rows


def _score(result: Result, name: str) -> str:
    value = result.scores.get(name)
    if isinstance(value, dict) and isinstance(value.get("score"), int | float):
        return f"{value['score']:.2f}"
    return "–"


def summary_markdown(result: Result, article_id: str) -> str:
    """Edits and findings per category, and the scores, as Markdown."""
    counts = to_dict(result)["summary"]
    applied = Counter(e.category for e in result.applied_edits)
    suggested = Counter(e.category for e in result.suggested_edits)
    out = [
        f"# Summary: {escape_markdown_line(article_id)}",
        "",
        "| | |",
        "|---|---|",
        f"| Language | {escape_markdown_line(result.language.code)} |",
        f"| Words | {escape_markdown_line(str(result.scores.get('words', '–')))} |",
        f"| Changes applied | {counts['edits_applied']} |",
        f"| Changes suggested | {counts['edits_suggested']} |",
        f"| Findings | {counts['findings']} |",
        f"| MQM penalty per 100 words | {_score(result, 'mqm')} |",
        f"| Edit rate (TER) | {_score(result, 'edit_rate')} |",
        f"| Signature | {code_cell(str(result.signature))} |",
        "",
        "## Changes by category",
        "",
    ]
    if applied or suggested:
        out += ["| Category | Applied | Suggested |", "|---|---|---|"]
        for category in sorted(set(applied) | set(suggested)):
            out.append(
                f"| {escape_markdown_line(category)} | {applied[category]} "
                f"| {suggested[category]} |"
            )
    else:
        out.append("No changes.")
    out += ["", "## Findings by category", ""]
    if result.findings:
        out += [
            "| Category | " + " | ".join(SEVERITIES) + " | Total |",
            "|---|" + "---|" * (len(SEVERITIES) + 1),
        ]
        by_category: dict[str, Counter[str]] = {}
        for f in result.findings:
            by_category.setdefault(f.category, Counter())[f.severity] += 1
        for category, severities in sorted(by_category.items()):
            cells = " | ".join(str(severities[s]) for s in SEVERITIES)
            out.append(
                f"| {escape_markdown_line(category)} | {cells} | {sum(severities.values())} |"
            )
    else:
        out.append("No findings.")
    return "\n".join(out) + "\n"


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
    rows, left_out = fit_rows(findings_table(result.findings, result.cleaned))
    note = f" ({left_out} more not shown; see the JSON report)" if left_out else ""
    table: list[dict[str, Any]] = rows or [{"line": "", "severity": "", "message": "No findings."}]
    create_table_artifact(
        table=table,
        key=keys["findings"],
        description=f"Findings of {escape_markdown_line(article_id)}{note}",
    )
    create_markdown_artifact(
        markdown=fit_markdown(summary_markdown(result, article_id)),
        key=keys["summary"],
        description=f"copydesk summary of {escape_markdown_line(article_id)}",
    )
    return keys
