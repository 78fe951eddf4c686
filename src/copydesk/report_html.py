"""The HTML report: one self-contained page showing every change and doubt in place.

Contract: :func:`render_html` is a pure function of a :class:`~copydesk.model.Result`.
The page has inline CSS only (no scripts, fonts or images: it opens offline and in a
mail client) and explains through ``title`` attributes, shown on hover. Every piece of
article text, every message and every value is passed through :func:`html.escape`, so
hostile input cannot inject markup.

Layout: a summary table (source, language, encoding, signature, counts of applied and
suggested edits and of findings per category and severity, scores, notes), then the
cleaned article with line breaks kept (``white-space: pre-wrap``):

* an applied edit shows as ``<del>before</del><ins>after</ins>``, both titled with the
  rule, note and source;
* a suggested edit that overlaps no applied edit underlines its text (class
  ``suggested``) with the suggestion in its title;
* a finding is a ``<mark>`` titled ``rule: message — suggestion``; an empty finding
  (a missing comma) is a caret ``‸`` at its offset.

Coordinates: findings index the cleaned text, edits index the input. The page is
rendered from the cleaned text; each applied edit's position is moved into cleaned
coordinates by the running sum of the length changes of the applied edits before it,
and an edit is placed only where the cleaned text really holds its ``after`` there.
Edits or findings that cannot be placed (overlapping edits, offsets out of range) are
listed under the text instead of being dropped silently.

Overlapping findings never break the markup: the text is cut at every start and end,
and on each piece the open elements are closed back to the longest prefix they share
with the elements the next piece needs; so nested findings nest, and crossing ones
are split into pieces that carry the same title.
"""

from __future__ import annotations

import bisect
import html
import itertools
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from copydesk.model import SEVERITIES, Edit, Finding, Result
from copydesk.report import review_line

__all__ = ["render_html"]

_CSS = """
body { font: 15px/1.5 system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 1.5em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .sig { font-family: ui-monospace, monospace; font-size: 0.9em; word-break: break-all; }
.article { white-space: pre-wrap; border: 1px solid #ddd; padding: 1em; background: #fff;
  font-family: Georgia, serif; font-size: 16px; line-height: 1.6; }
del { background: #fdd; color: #900; text-decoration: line-through; }
ins { background: #dfd; color: #060; text-decoration: none; border-bottom: 1px solid #060; }
mark { background: rgba(255, 215, 0, 0.35); color: inherit; border-bottom: 2px solid #c90; }
mark.major { background: rgba(255, 140, 0, 0.3); border-bottom-color: #d60; }
mark.critical { background: rgba(220, 0, 0, 0.25); border-bottom-color: #c00; }
mark.point { background: none; border: 0; color: #c00; font-weight: bold; }
.suggested { border-bottom: 2px dotted #06c; }
.legend span { margin-right: 1em; }
"""


@dataclass(frozen=True, slots=True)
class _Tag:
    """An element to open over a stretch of the article; ``key`` identifies it."""

    key: tuple[int, int]  # (kind, index): kind 0 finding, 1 suggested edit, 2 applied edit
    open: str
    close: str


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _edit_title(edit: Edit) -> str:
    parts = [f"rule: {edit.rule}", f"category: {edit.category}"]
    if edit.note:
        parts.append(f"note: {edit.note}")
    if edit.source:
        parts.append(f"source: {edit.source}")
    if not edit.applied:
        parts.insert(0, f"suggested: {edit.before!r} → {edit.after!r}")
    return " — ".join(parts)


def _finding_title(finding: Finding) -> str:
    title = f"{finding.rule}: {finding.message}"
    if finding.suggestion is not None:
        title += f" — {finding.suggestion}"
    return title


def _place_edits(
    result: Result,
) -> tuple[list[tuple[int, int, Edit]], list[tuple[int, int, Edit]], list[Edit]]:
    """Map edits into cleaned coordinates.

    Returns (applied edits placed at (start, end) in the cleaned text, suggested edits
    placed likewise, edits that could not be placed).
    """
    cleaned = result.cleaned
    applied = sorted(result.applied_edits, key=lambda e: (e.start, e.end))
    placed: list[tuple[int, int, Edit]] = []
    unplaced: list[Edit] = []
    # (input start, input end, length change) of each placed applied edit, in order
    changes: list[tuple[int, int, int]] = []
    delta = 0
    last_end = 0
    for edit in applied:
        start = edit.start + delta
        end = start + len(edit.after)
        if edit.start < last_end or cleaned[start:end] != edit.after:
            unplaced.append(edit)
            continue
        placed.append((start, end, edit))
        change = len(edit.after) - (edit.end - edit.start)
        changes.append((edit.start, edit.end, change))
        delta += change
        last_end = edit.end

    # The placed changes are disjoint and in order: bisection finds the ones a suggestion
    # overlaps and the length change of those that end before it.
    starts = [s for s, _, _ in changes]
    ends = [e for _, e, _ in changes]
    grown = list(itertools.accumulate((c for _, _, c in changes), initial=0))
    suggested: list[tuple[int, int, Edit]] = []
    for edit in sorted(result.suggested_edits, key=lambda e: (e.start, e.end)):
        ended = bisect.bisect_right(ends, edit.start)  # changes with e <= edit.start
        inside = range(ended, bisect.bisect_left(starts, edit.end))  # changes it overlaps
        shift = grown[ended]
        start, end = edit.start + shift, edit.end + shift
        if inside and all(edit.start <= starts[i] and ends[i] <= edit.end for i in inside):
            # A suggestion around an applied fix (a name with a stray mark removed): it covers
            # the fixed text.
            end = edit.end + grown[bisect.bisect_right(ends, edit.end)]
            suggested.append((start, end, edit))
            continue
        if inside or cleaned[start:end] != edit.before:
            unplaced.append(edit)
            continue
        suggested.append((start, end, edit))
    return placed, suggested, unplaced


def _render_article(result: Result) -> tuple[str, list[Edit], list[Finding]]:
    """The cleaned article as HTML, plus the edits and findings that found no place."""
    text = result.cleaned
    n = len(text)
    applied, suggested, unplaced_edits = _place_edits(result)

    findings: list[tuple[int, int, int, Finding]] = []  # (start, end, index, finding)
    unplaced_findings: list[Finding] = []
    for i, f in enumerate(result.findings):
        if 0 <= f.start <= f.end <= n:
            findings.append((f.start, f.end, i, f))
        else:
            unplaced_findings.append(f)

    # Many edits and findings carry the same markup ("Sotchi" -> "Sochi" a thousand
    # times): one string each, so that memory follows the distinct ones.
    distinct: dict[str, str] = {}

    def share(markup: str) -> str:
        return distinct.setdefault(markup, markup)

    # One tag per stretch-covering item; points (empty spans) are emitted at a boundary.
    ranges: list[tuple[int, int, _Tag]] = []
    points: dict[int, list[str]] = {}
    del_at: dict[int, list[str]] = {}
    for start, end, i, f in findings:
        title = _e(_finding_title(f))
        css = _e(f.severity)
        if start == end:
            points.setdefault(start, []).append(
                share(f'<mark class="point {css}" title="{title}">‸</mark>')
            )
        else:
            tag = _Tag((0, i), share(f'<mark class="{css}" title="{title}">'), "</mark>")
            ranges.append((start, end, tag))
    for j, (start, end, edit) in enumerate(suggested):
        title = _e(_edit_title(edit))
        if start == end:
            point = share(f'<span class="suggested" title="{title}">‸</span>')
            points.setdefault(start, []).append(point)
        else:
            tag = _Tag((1, j), share(f'<span class="suggested" title="{title}">'), "</span>")
            ranges.append((start, end, tag))
    for k, (start, end, edit) in enumerate(applied):
        title = _e(_edit_title(edit))
        if edit.before:
            deleted = share(f'<del title="{title}">{_e(edit.before)}</del>')
            del_at.setdefault(start, []).append(deleted)
        if start < end:
            ranges.append((start, end, _Tag((2, k), share(f'<ins title="{title}">'), "</ins>")))

    # Outer elements first: earlier start, then longer; applied edits innermost.
    order = {
        tag.key: rank
        for rank, (_, _, tag) in enumerate(
            sorted(ranges, key=lambda r: (r[2].key[0] == 2, r[0], -r[1], r[2].key))
        )
    }
    bounds = sorted(
        {0, n, *points, *del_at, *(s for s, _, _ in ranges), *(e for _, e, _ in ranges)}
    )

    # The ranges open at each bound, kept as bounds are passed (not searched for each one).
    starting: dict[int, list[_Tag]] = {}
    ending: dict[int, list[_Tag]] = {}
    for start, end, tag in ranges:
        starting.setdefault(start, []).append(tag)
        ending.setdefault(end, []).append(tag)
    open_tags: dict[tuple[int, int], _Tag] = {}

    out: list[str] = []
    stack: list[_Tag] = []
    for here, nxt in zip(bounds, [*bounds[1:], None], strict=True):
        for tag in ending.get(here, ()):
            open_tags.pop(tag.key, None)
        for tag in starting.get(here, ()):
            open_tags[tag.key] = tag
        wanted = sorted(open_tags.values(), key=lambda t: order[t.key]) if nxt is not None else []
        common = 0
        while common < min(len(stack), len(wanted)) and stack[common].key == wanted[common].key:
            common += 1
        # a new applied edit must start at its own <del>, outside any older <ins>
        if here in del_at:
            common = min(common, len([t for t in wanted if t.key[0] != 2]))
        while len(stack) > common:
            out.append(stack.pop().close)
        out.extend(points.get(here, ()))
        out.extend(del_at.get(here, ()))
        for tag in wanted[common:]:
            out.append(tag.open)
            stack.append(tag)
        if nxt is not None:
            out.append(_e(text[here:nxt]))
    while stack:
        out.append(stack.pop().close)
    return "".join(out), unplaced_edits, unplaced_findings


# Score keys left out of the summary: the findings table already counts by category and
# severity, and weights and details repeat what the signature says.
_QUIET_SCORE_KEYS = frozenset(
    {"by_category", "by_severity", "by_category_severity", "weights", "details", "name"}
)


def _flatten(value: Any, prefix: str = "") -> Iterable[tuple[str, Any]]:
    """Flatten nested score dicts into (dotted key, leaf value) rows."""
    if isinstance(value, Mapping):
        for key, sub in value.items():
            if str(key) in _QUIET_SCORE_KEYS:
                continue
            yield from _flatten(sub, f"{prefix}.{key}" if prefix else str(key))
    elif hasattr(value, "to_dict") and callable(value.to_dict):
        yield from _flatten(value.to_dict(), prefix)
    else:
        yield prefix, value


def _format_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) >= 0.01 or value == 0 else f"{value:.4g}"
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value))
    return "—" if value is None else str(value)


def _row(label: str, value: str, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f"<tr><th>{_e(label)}</th><td{cls}>{value}</td></tr>"


def _summary(result: Result) -> str:
    lang = result.language
    prob = f" (p={lang.probability:.2f})" if lang.probability is not None else ""
    rows = [
        _row("Source", _e(result.source_name or "<text>")),
        _row("Language", f"{_e(lang.code)}{_e(prob)} by {_e(lang.method)}"),
        _row("Encoding", _e(result.encoding)),
        *(
            [_row("Source text", _e(result.source_text.describe()))]
            if result.source_text is not None
            else []
        ),
        _row("Signature", f'<span class="sig">{_e(result.signature)}</span>'),
        _row("Edits applied", str(len(result.applied_edits)), "num"),
        _row("Edits suggested", str(len(result.suggested_edits)), "num"),
        _row("Findings", str(len(result.findings)), "num"),
    ]
    if result.review is not None:
        rows.insert(-1, _row("Edits rejected by review", str(len(result.rejected_edits)), "num"))
        rows.append(_row("Review", _e(review_line(result.review, result.edits))))
        if result.review.note:
            rows.append(_row("Editor's note", _e(result.review.note)))
    parts = ['<table class="summary">', *rows, "</table>"]

    if result.findings:
        by_cat: dict[str, Counter[str]] = {}
        for f in result.findings:
            by_cat.setdefault(f.category, Counter())[f.severity] += 1
        head = "".join(f"<th>{_e(s)}</th>" for s in SEVERITIES)
        parts += ['<table class="findings">', f"<tr><th>Findings by category</th>{head}</tr>"]
        for cat, counts in sorted(by_cat.items()):
            cells = "".join(f'<td class="num">{counts.get(s, 0)}</td>' for s in SEVERITIES)
            parts.append(f"<tr><th>{_e(cat)}</th>{cells}</tr>")
        parts.append("</table>")

    if result.edits:
        # A change a review rejected is counted with neither (the summary counts it).
        by_rule: Counter[tuple[str, bool]] = Counter(
            (e.rule, e.applied) for e in result.edits if not e.rejected
        )
        parts += [
            '<table class="edits">',
            "<tr><th>Edits by rule</th><th>applied</th><th>suggested</th></tr>",
        ]
        for rule in sorted({r for r, _ in by_rule}):
            parts.append(
                f'<tr><th>{_e(rule)}</th><td class="num">{by_rule[(rule, True)]}</td>'
                f'<td class="num">{by_rule[(rule, False)]}</td></tr>'
            )
        parts.append("</table>")

    if result.scores:
        parts += ['<table class="scores">', "<tr><th>Score</th><th>Value</th></tr>"]
        for key, value in _flatten(result.scores):
            css = ' class="sig"' if key.endswith("signature") else ""
            parts.append(f"<tr><th>{_e(key)}</th><td{css}>{_e(_format_value(value))}</td></tr>")
        parts.append("</table>")

    if result.notes:
        parts += ['<ul class="notes">', *(f"<li>{_e(n)}</li>" for n in result.notes), "</ul>"]
    return "\n".join(parts)


def _unplaced(edits: list[Edit], findings: list[Finding]) -> str:
    if not edits and not findings:
        return ""
    items = [
        f"<li>edit {e.start}–{e.end} {_e(repr(e.before))} → {_e(repr(e.after))} "
        f"({_e(_edit_title(e))})</li>"
        for e in edits
    ] + [
        f"<li>finding {f.start}–{f.end} {_e(repr(f.text))}: {_e(_finding_title(f))}</li>"
        for f in findings
    ]
    return "<h2>Not shown in the text</h2>\n<ul>" + "".join(items) + "</ul>"


def render_html(result: Result) -> str:
    """Render a Result as one self-contained HTML page (inline CSS, no scripts).

    >>> from copydesk.model import Language, Result
    >>> from copydesk.signature import Signature
    >>> sig = Signature("g", "en@r", "default", "en")
    >>> page = render_html(Result("a <b>", "a <b>", (), (), Language("en"), "utf-8", sig))
    >>> "a &lt;b&gt;" in page and "<script" not in page
    True
    """
    article, unplaced_edits, unplaced_findings = _render_article(result)
    title = f"copydesk report: {result.source_name or '<text>'}"
    head = "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(title)}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            f"<h1>{_e(title)}</h1>",
            _summary(result),
            "<h2>Article</h2>",
            '<p class="legend"><span><del>deleted</del></span><span><ins>inserted</ins></span>'
            '<span><mark>finding</mark></span><span class="suggested">suggested edit</span>'
            "<span>(hover for the rule and the reason)</span></p>",
            f'<div class="article" lang="{_e(result.language.code)}">',
        ]
    )
    tail = "\n".join([_unplaced(unplaced_edits, unplaced_findings), "</body>", "</html>", ""])
    # The article is joined in once, not copied into a line first: it can be most of the page.
    return "".join([head, article, "</div>\n", tail])
