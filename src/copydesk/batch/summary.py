"""Summaries of a batch and of one article, as Markdown, and what a batch run returns.

Contract: pure functions of their arguments. :func:`batch_summary_markdown` gives the counts
of a run (cleaned, skipped, quarantined, vanished, left in the inbox, changes, findings,
the words-weighted MQM penalty), findings by category, and up to :data:`SUMMARY_ROWS`
articles with their status (what needs a look first), each cleaned one linked to its
report's page when given; reasons are listed below the table, so that every table fits the
artifact column of the UI. :func:`summary_kind` keeps a run that cleaned nothing off the
summary's key; :func:`inbox_run_name` names a run by the inbox's absolute path and the
time. :func:`article_summary_markdown` gives one article's edits and findings per category
and its scores; :func:`findings_rows` its findings as table rows that fit a published
table. Every value taken from an article or a path is escaped
(:func:`copydesk.report.escape_markdown_line`, :func:`~copydesk.report.code_cell`), so
none becomes live markup; the only links are the report pages given.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from copydesk.batch.fit import fit_rows
from copydesk.batch.model import LEFT_IN_PLACE, Outcome, Planned
from copydesk.model import SEVERITIES, Result
from copydesk.report import (
    code_cell,
    escape_markdown_line,
    findings_table,
    signature_cell,
    to_dict,
)

__all__ = [
    "SUMMARY_ROWS",
    "article_summary_markdown",
    "batch_result",
    "batch_summary_markdown",
    "findings_rows",
    "inbox_run_name",
    "progress_description",
    "summary_kind",
]

#: Cleaned articles listed in a batch summary; the rest are counted.
SUMMARY_ROWS = 200


def progress_description(inbox: str, todo: Sequence[Planned], skipped: Sequence[str]) -> str:
    """One line on what a run of ``inbox`` has to do."""
    return (
        f"{escape_markdown_line(inbox)}: {len(todo)} article(s) to clean, {len(skipped)} unchanged"
    )


def inbox_run_name(inbox: str, started: datetime) -> str:
    """A run's name: the inbox's absolute path and the start time in UTC, so that runs of
    different inboxes, and runs of one inbox, tell apart in a list of runs.

    >>> inbox_run_name("/srv/inbox", datetime(2026, 11, 30, 10, 5, 9, tzinfo=UTC))
    'clean-inbox /srv/inbox 2026-11-30 10:05:09 UTC'
    """
    absolute = Path(inbox).resolve()
    return f"clean-inbox {absolute} {started.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def summary_kind(outcomes: Sequence[Outcome]) -> str:
    """The artifact kind of a run's summary: ``summary`` when it cleaned an article, else
    ``idle-summary``, so that a run that cleans nothing never replaces (as the latest
    version of its key) the last summary that did."""
    return "summary" if any(o.status == "cleaned" for o in outcomes) else "idle-summary"


def _status(outcome: Outcome) -> str:
    if outcome.status in LEFT_IN_PLACE:
        return f"left ({outcome.status})"
    return outcome.status


#: The order of articles in a summary: what needs a look first.
_STATUS_ORDER = {"quarantined": 0, "failed": 1, "refused": 1, "changing": 1, "vanished": 2}


def batch_summary_markdown(
    inbox: str,
    outbox: str,
    quarantine: str,
    key: str,
    outcomes: Sequence[Outcome],
    skipped: Sequence[str],
    reports: Mapping[str, str] | None = None,
    last_summary: str | None = None,
) -> str:
    """The batch summary: counts, findings by category, and every article with its status.

    ``reports`` maps a cleaned article's name to the page of its report artifact (the
    article's name links there); ``last_summary``, given for a run that cleaned nothing, is
    the page of the last summary that did. Reasons (quarantined, left in the inbox) are
    listed below the table, so that the table stays narrow.
    """
    reports = reports or {}
    cleaned = [o for o in outcomes if o.status == "cleaned"]
    bad = [o for o in outcomes if o.status == "quarantined"]
    left = [o for o in outcomes if o.status in LEFT_IN_PLACE]
    vanished = [o for o in outcomes if o.status == "vanished"]
    words = sum(o.words for o in cleaned)
    # Words-weighted over the batch, so a desk lead can follow it run after run.
    batch_mqm = 100 * sum(o.penalty for o in cleaned) / words if words else 0.0
    # The heading names the folder only; its full path, which need not wrap, is in the table.
    folder = Path(inbox).name or inbox
    out = [f"# clean-inbox: {escape_markdown_line(folder)}", ""]
    if last_summary is not None:
        out += [
            "Nothing was cleaned in this run. "
            f"[The last summary that cleaned articles]({last_summary}).",
            "",
        ]
    out += [
        "| Run | |",
        "|---|---|",
        f"| Inbox | {code_cell(inbox)} |",
        f"| Cleaned | {len(cleaned)} |",
        f"| Skipped (unchanged) | {len(skipped)} |",
        f"| Quarantined | {len(bad)} |",
        f"| Vanished | {len(vanished)} |",
        f"| Left in the inbox (refused, still changing) | {len(left)} |",
        f"| Changes applied | {sum(o.edits for o in cleaned)} |",
        f"| Findings | {sum(o.findings for o in cleaned)} |",
        f"| MQM penalty per 100 words (cleaned articles) | {batch_mqm:.2f} |",
        f"| Outbox | {code_cell(outbox)} |",
        f"| Quarantine | {code_cell(quarantine)} |",
        f"| Settings | {signature_cell(key)} |",
        "",
    ]
    categories: Counter[str] = Counter()
    for o in cleaned:
        categories.update(o.categories)
    if categories:
        out += ["## Findings by category", "", "| Category | Findings |", "|---|---|"]
        out += [f"| {escape_markdown_line(c)} | {n} |" for c, n in sorted(categories.items())]
        out.append("")
    out += _spellings_section(cleaned)
    rows = sorted(
        (o for o in outcomes if o.status != "cleaned"), key=lambda o: _STATUS_ORDER.get(o.status, 3)
    )
    listed: list[tuple[str, str, str]] = [(o.name, _status(o), "| – | – | – |") for o in rows]
    listed += [
        (
            o.name,
            "cleaned",
            f"| {o.edits} | {o.findings} | {100 * o.penalty / max(o.words, 1):.2f} |",
        )
        for o in cleaned
    ]
    listed += [(name, "unchanged", "| – | – | – |") for name in skipped]
    out += [
        "## Articles",
        "",
        "| Article | Status | Changes | Findings | MQM |",
        "|---|---|---|---|---|",
    ]
    for name, status, cells in listed[:SUMMARY_ROWS]:
        shown = escape_markdown_line(name)
        if name in reports and status == "cleaned":
            shown = f"[{shown}]({reports[name]})"
        out.append(f"| {shown} | {status} {cells}")
    if len(listed) > SUMMARY_ROWS:
        out += ["", f"… and {len(listed) - SUMMARY_ROWS} more (see the outbox)."]
    links = " A cleaned article's name links to its report." if reports else ""
    out += ["", f"MQM: the MQM-style penalty per 100 words.{links}", ""]
    for title, reasons in (("Quarantined", bad), ("Left in the inbox", left)):
        if reasons:
            out += [f"## {title}", ""]
            out += [
                f"- **{escape_markdown_line(o.name)}**: {escape_markdown_line(_reason(o))}"
                for o in reasons
            ]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _spellings_section(cleaned: Sequence[Outcome]) -> list[str]:
    """Spellings of one name that differ across the cleaned articles, with their counts
    (none: no section, so a summary without them reads as before)."""
    from copydesk.findings.consistency import spellings_across

    groups = spellings_across({o.name: o.names for o in cleaned if o.names})
    if not groups:
        return []
    out = [
        "## Name spellings that differ across articles",
        "",
        "| Spellings (count: articles) |",
        "|---|",
    ]
    for group in groups[:SUMMARY_ROWS]:
        cells = "; ".join(
            f"{escape_markdown_line(word)} ({count}: "
            f"{', '.join(escape_markdown_line(a) for a in articles)})"
            for word, count, articles in group.spellings
        )
        out.append(f"| {cells} |")
    out.append("")
    return out


def _reason(outcome: Outcome) -> str:
    """The reason without the file name that a reader sees just before it (an error
    message names its file: ``c.txt: the article is empty``).

    >>> _reason(Outcome("c.txt", "quarantined", reason="c.txt: the article is empty"))
    'the article is empty'
    """
    return outcome.reason.removeprefix(f"{outcome.name}: ")


def batch_result(
    outbox: str,
    quarantine: str,
    key: str,
    outcomes: list[Outcome],
    skipped: list[str],
    artifacts: dict[str, str],
) -> dict[str, Any]:
    """What a batch run returns: its folders, the articles by what became of them (with
    reasons), the settings key, the artifact keys, and every outcome as a mapping."""
    return {
        "outbox": outbox,
        "quarantine": quarantine,
        "cleaned": sorted(o.name for o in outcomes if o.status == "cleaned"),
        "quarantined": {o.name: o.reason for o in outcomes if o.status == "quarantined"},
        "left": {o.name: o.reason for o in outcomes if o.status in LEFT_IN_PLACE},
        "skipped": skipped,
        "settings": key,
        "artifacts": artifacts,
        "outcomes": [asdict(o) for o in outcomes],
    }


def _scores_cells(result: Result) -> tuple[str, str, str]:
    """Words, MQM penalty and edit rate as table cells ("–" without scores)."""
    scores = result.scores
    if scores is None:
        return "–", "–", "–"
    return str(scores.words), f"{scores.mqm.score:.2f}", f"{scores.edit_rate.value:.2f}"


def article_summary_markdown(result: Result, article_id: str) -> str:
    """Edits and findings per category, and the scores, as Markdown."""
    counts = to_dict(result)["summary"]
    words, mqm, rate = _scores_cells(result)
    applied = Counter(e.category for e in result.applied_edits)
    suggested = Counter(e.category for e in result.suggested_edits)
    out = [
        f"# Summary: {escape_markdown_line(article_id)}",
        "",
        "| | |",
        "|---|---|",
        f"| Language | {escape_markdown_line(result.language.code)} |",
        f"| Words | {escape_markdown_line(words)} |",
        f"| Changes applied | {counts['edits_applied']} |",
        f"| Changes suggested | {counts['edits_suggested']} |",
        f"| Findings | {counts['findings']} |",
        f"| MQM penalty per 100 words | {mqm} |",
        f"| Edit rate (TER) | {rate} |",
        f"| Signature | {signature_cell(str(result.signature))} |",
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


def findings_rows(result: Result) -> tuple[list[dict[str, Any]], str]:
    """The findings as table rows that fit a published table, and a note on those left out
    (empty when none was); a placeholder row when there is no finding."""
    rows, left_out = fit_rows(findings_table(result.findings, result.cleaned))
    note = f" ({left_out} more not shown; see the JSON report)" if left_out else ""
    table: list[dict[str, Any]] = rows or [{"line": "", "severity": "", "message": "No findings."}]
    return table, note
