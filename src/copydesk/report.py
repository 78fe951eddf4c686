"""Stage *render*: a Result as plain text, Markdown or JSON.

Contract: every renderer is a pure function of a :class:`~copydesk.model.Result`.
Markdown puts a summary first, then the article with ``~~deleted~~`` and ``**inserted**``
text numbered in place, then the changes and the findings. Its tables stay narrow enough
for the artifact column of the Prefect UI: the Changes table is number, status, change,
entry or rule; the Findings table is number, line:column, severity, text, suggestion; each
entry's reason and source, and each rule's category and message, are listed once below
their table with the numbers of the rows they explain.
Article text and every other value (names, language, encoding, rule ids, messages, notes)
are escaped for where they land (:func:`escape_markdown` for text, :func:`escape_markdown_line`
for one-line text such as a table cell or a heading, :func:`code_cell` for a code span in a
table), so that they can never turn into markup; the output renders in the Prefect UI.
The JSON shape is versioned and described in ``docs/report-schema.md``.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from copydesk.edits import cleaned_offsets
from copydesk.model import SEVERITIES, Edit, Finding, Result, Review
from copydesk.spans import SpanIndex

SCHEMA_VERSION = "1.2"
# Change numbers in the article body; HTML such as <sup> is stripped by some renderers.
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&!{}])")
# Blanks only (not \s, which spans line breaks and made runs of blank lines quadratic).
_MD_LINE_START = re.compile(r"^([ \t]*)(\d*)([-+>=.)])", re.MULTILINE)
# What str.splitlines() breaks on: a Markdown line break, or a cut point of fit_markdown.
_LINE_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_BACKTICK_RUN = re.compile("`+")


def escape_markdown(text: str) -> str:
    """Escape text so that Markdown shows it literally.

    >>> escape_markdown("*bold* <b>x</b> | a_b")
    '\\\\*bold\\\\* \\\\<b\\\\>x\\\\</b\\\\> \\\\| a\\\\_b'
    """
    # Most text has nothing to escape: two searches cost less than two substitutions (and
    # than one search for either pattern, which the regex engine cannot skip ahead in).
    if _MD_SPECIAL.search(text) is None and _MD_LINE_START.search(text) is None:
        return text
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    # A list marker or heading underline at a line start: escape its punctuation ("1\\.").
    return _MD_LINE_START.sub(lambda m: m.group(1) + m.group(2) + "\\" + m.group(3), escaped)


def escape_markdown_line(text: str) -> str:
    """Escaped text on one line (line breaks become spaces): a table cell, a heading.

    >>> escape_markdown_line("a\\n# b|c")
    'a \\\\# b\\\\|c'
    """
    # Every line break is a control or separator character, which str.isprintable() refuses.
    return escape_markdown(text if text.isprintable() else _LINE_BREAKS.sub(" ", text))


def code_cell(text: str) -> str:
    """``text`` as a code span inside a GFM table cell, literal whatever it holds.

    The span is fenced with one backtick more than the longest run inside it; line
    breaks become spaces; a pipe splits a table cell even inside a code span, so it is
    escaped there too. Renderers disagree on a backslash before a pipe (cmark-gfm
    splits the cell there), so text holding one is given as escaped text instead.

    >>> print(code_cell("copydesk:0.1.0|lang:en"))
    `copydesk:0.1.0\\|lang:en`
    >>> print(code_cell("a`b"))
    ``a`b``
    """
    text = _LINE_BREAKS.sub(" ", text)
    if not text:
        return "–"
    if "\\|" in text:
        return escape_markdown(text)
    fence = "`" * (max((len(run) for run in _BACKTICK_RUN.findall(text)), default=0) + 1)
    # A space on each side keeps a backtick at an edge off the fence; CommonMark strips
    # exactly one space from each side when both are there (unless all are spaces), so
    # pad both or neither.
    edge = text[0] in "` " or text[-1] in "` "
    pad = " " if edge and text.strip(" ") else ""
    return fence + pad + text.replace("|", "\\|") + pad + fence


def signature_cell(signature: str) -> str:
    """A signature (``part|part|...``) as one code span per part in a table cell, so that a
    narrow column wraps it between parts instead of widening the table.

    >>> print(signature_cell("copydesk:0.1.0|lang:en"))
    `copydesk:0.1.0` \\| `lang:en`
    """
    return " \\| ".join(code_cell(part) for part in signature.split("|"))


def visible(text: str) -> str:
    """Show invisible and control characters as ``⟨U+200B⟩`` so a reader sees them.

    >>> visible("a\\u200bb")
    'a⟨U+200B⟩b'
    """
    # Most text has nothing to show: str.isprintable() is False for every character of
    # Cc, Cf, Zl and Zp (from the same Unicode database), so no per-character loop.
    if "\u0640" not in text and _printable_or_blank(text):
        return text
    return _visible_each(text)


def _printable_or_blank(text: str) -> bool:
    """Whether every character of ``text`` is printable (``str.isprintable``), a line
    break or a tab."""
    return text.isprintable() or text.replace("\n", "").replace("\t", "").isprintable()


def _visible_each(text: str) -> str:
    """:func:`visible` character by character: its definition."""
    out = []
    for c in text:
        if c in "\n\t ":
            out.append(c)
        elif unicodedata.category(c) in ("Cf", "Cc", "Zl", "Zp") or c == "\u0640":
            out.append(f"⟨U+{ord(c):04X}⟩")
        else:
            out.append(c)
    return "".join(out)


class LineIndex:
    """1-based line and column of offsets in one text: one linear pass, then log time each.

    >>> LineIndex("ab\\ncd\\n").line_col(4)
    (2, 2)
    """

    def __init__(self, text: str) -> None:
        starts = [0]
        at = text.find("\n")
        while at >= 0:
            starts.append(at + 1)
            at = text.find("\n", at + 1)
        self._starts = starts

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of ``offset`` (a line break ends its line)."""
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of one ``offset`` in ``text``; for many, use :class:`LineIndex`."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def _summary_counts(result: Result) -> dict[str, Any]:
    return {
        "edits_applied": len(result.applied_edits),
        "edits_suggested": len(result.suggested_edits),
        "edits_rejected": len(result.rejected_edits),
        "findings": len(result.findings),
        "findings_by_severity": {
            s: sum(f.severity == s for f in result.findings) for s in SEVERITIES
        },
        "findings_by_category": dict(sorted(Counter(f.category for f in result.findings).items())),
        "edits_by_rule": dict(sorted(Counter(e.rule for e in result.applied_edits).items())),
        "suppressed": len(result.suppressed),
        "suppressed_by_rule": dict(sorted(Counter(f.rule for f in result.suppressed).items())),
    }


def _suppressed_text(counts: dict[str, Any]) -> str:
    by_rule = ", ".join(f"{rule} {n}" for rule, n in counts["suppressed_by_rule"].items())
    return f"{counts['suppressed']} finding(s) suppressed by the false-alarm memory ({by_rule})"


# ---------------------------------------------------------------- JSON


def to_dict(result: Result) -> dict[str, Any]:
    """The report as a JSON-ready dict (schema: docs/report-schema.md)."""
    return {
        **_json_head(result),
        "edits": [e.to_dict() for e in result.edits],
        "findings": [f.to_dict() for f in result.findings],
        "input": result.input,
        "cleaned": result.cleaned,
    }


def _json_head(result: Result) -> dict[str, Any]:
    # ``source_text`` appears only when there is a source, so a report without one is as it was.
    source = {} if result.source_text is None else {"source_text": result.source_text.to_dict()}
    return {
        "schema_version": SCHEMA_VERSION,
        "source": result.source_name,
        "encoding": result.encoding,
        "language": result.language.to_dict(),
        **source,
        "signature": str(result.signature),
        "summary": _summary_counts(result),
        "review": None if result.review is None else result.review.to_dict(),
        "notes": list(result.notes),
        "scores": {} if result.scores is None else result.scores.to_dict(),
    }


def render_json(result: Result) -> str:
    """The report as one JSON object (UTF-8 text, non-ASCII kept)."""
    return "".join(iter_json(result))


def iter_json(result: Result, texts: Mapping[str, Iterable[str]] | None = None) -> Iterator[str]:
    """:func:`render_json` in pieces, one edit or finding at a time.

    The text is the same as ``json.dumps(to_dict(result), indent=2)``, but nothing holds
    every edit's dict or piece at once, so a report with a million edits stays small.
    ``texts`` gives the ``input`` and ``cleaned`` texts in pieces instead of the result's
    (an input read in blocks is never one string): JSON escapes each character alone, so
    the pieces escaped one by one give the same text.
    """
    head = json.dumps(_json_head(result), ensure_ascii=False, indent=2)
    yield head[: -len("\n}")]
    for key, items in (("edits", result.edits), ("findings", result.findings)):
        yield f',\n  "{key}": ['
        separator = "\n"
        for item in items:
            yield separator + _json_item(item.to_dict())
            separator = ",\n"
        yield "]" if separator == "\n" else "\n  ]"
    for key, text in (("input", result.input), ("cleaned", result.cleaned)):
        pieces = texts[key] if texts is not None else _text_pieces(text)
        yield f',\n  "{key}": "'
        for piece in pieces:
            yield json.dumps(piece, ensure_ascii=False)[1:-1]
        yield '"'
    yield "\n}\n"


_FLAT_ITEM_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",\n      ", ": "))


def _json_item(data: dict[str, Any]) -> str:
    """``data`` as an item of a list in the report: ``json.dumps(data, indent=2)`` indented
    by four spaces."""
    if data and all(
        value is None or isinstance(value, (str, int, float)) for value in data.values()
    ):
        # A flat dict, as every edit and finding is: the C encoder (which json uses only
        # without ``indent``) writes the same text, with the line breaks as separators.
        flat = _FLAT_ITEM_ENCODER.encode(data)
        return "    {\n      " + flat[1:-1] + "\n    }"
    piece = json.dumps(data, ensure_ascii=False, indent=2)
    return "    " + piece.replace("\n", "\n    ")


def joined_batches(pieces: Iterable[str], size: int) -> Iterator[str]:
    """``pieces`` joined into batches of about ``size`` characters (each piece whole), to
    write a report rendered in pieces in a few writes.

    >>> list(joined_batches(["ab", "c", "de", "f"], 3))
    ['abc', 'def']
    """
    batch: list[str] = []
    length = 0
    for piece in pieces:
        batch.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(batch)
            batch, length = [], 0
    if batch:
        yield "".join(batch)


#: Characters of a text escaped at a time: a long article never has a second copy whole.
_JSON_PIECE_CHARS = 1 << 20


def _text_pieces(text: str) -> Iterator[str]:
    for start in range(0, len(text), _JSON_PIECE_CHARS):
        yield text[start : start + _JSON_PIECE_CHARS]


# ---------------------------------------------------------------- text


def _scores_line(result: Result) -> str:
    scores = result.scores
    if scores is None:
        return ""
    return (
        f"MQM penalty {scores.mqm.score:.2f} per 100 words; "
        f"edit rate (TER) {scores.edit_rate.value:.2f}"
    )


def render_text(result: Result) -> str:
    """A plain-text report for a terminal."""
    lines = text_head(result)
    lines += text_edit_lines(result.edits, LineIndex(result.input))
    lines += text_finding_lines(result.findings, LineIndex(result.cleaned))
    lines.append(text_tail(result))
    return "\n".join(lines) + "\n"


def text_head(result: Result) -> list[str]:
    """The lines of the plain-text report before its changes: summary, scores, notes."""
    counts = _summary_counts(result)
    lines = [
        f"{result.source_name or '<text>'}: language {result.language.code}, "
        f"{counts['edits_applied']} change(s) applied, {counts['edits_suggested']} suggested, "
        f"{counts['findings']} finding(s)",
    ]
    if result.source_text is not None:
        lines.append(f"source text: {result.source_text.describe()}")
    if scores := _scores_line(result):
        lines.append(scores)
    lines += [f"note: {n}" for n in result.notes]
    if result.review is not None:
        lines.append(f"review: {review_line(result.review, result.edits)}")
    if result.suppressed:
        lines.append(f"note: {_suppressed_text(counts)}")
    return lines


def text_tail(result: Result) -> str:
    """The last line of the plain-text report."""
    return f"signature: {result.signature}"


def _shifted(index: LineIndex, offset: int, at: tuple[int, int]) -> tuple[int, int]:
    """Line and column of ``offset`` in a part of a text that starts at line:column ``at``
    (1-based; ``(1, 1)`` for a whole text)."""
    line, col = index.line_col(offset)
    return line + at[0] - 1, col + (at[1] - 1 if line == 1 else 0)


def text_edit_lines(
    edits: Iterable[Edit], index: LineIndex, at: tuple[int, int] = (1, 1)
) -> list[str]:
    """One plain-text report line per change; ``index`` of the input (or of a part of it
    that starts at line:column ``at``)."""
    lines = []
    for e in edits:
        line, col = _shifted(index, e.start, at)
        lines.append(
            f"{line}:{col}: {e.status} {visible(e.before)!r} -> {visible(e.after)!r} [{e.rule}]"
            + (f" {e.note}" if e.note else "")
        )
    return lines


def text_finding_lines(
    findings: Iterable[Finding], index: LineIndex, at: tuple[int, int] = (1, 1)
) -> list[str]:
    """One plain-text report line per finding; ``index`` of the cleaned text (or of a part
    of it that starts at line:column ``at``)."""
    lines = []
    for f in findings:
        line, col = _shifted(index, f.start, at)
        suggestion = f" (suggest: {f.suggestion})" if f.suggestion else ""
        lines.append(
            f"{line}:{col}: {f.severity} {f.category} [{f.rule}] {visible(f.text)!r}: "
            f"{f.message}{suggestion}"
        )
    return lines


# ---------------------------------------------------------------- Markdown


def _md_inline(text: str) -> str:
    """Escaped text for inside ~~ ~~ / ** **: one line, visible controls."""
    return escape_markdown_line(visible(text))


def _md_change(e: Edit, number: int) -> str:
    before, after = _md_inline(e.before), _md_inline(e.after)
    parts = []
    if before.strip():
        parts.append(f"~~{before.strip()}~~")
    if after.strip():
        parts.append(f"**{after.strip()}**")
    return " ".join(parts) + " " + str(number).translate(_SUPERSCRIPT)


def _inline_findings(
    result: Result, changed: list[tuple[int, int]], first: int = 1
) -> list[tuple[int, int, int]]:
    """(start, end, number) of findings to mark in place, in cleaned-text offsets.

    Only findings on one line and outside every change are marked, one at a time; the
    edges are trimmed to letters and digits so the emphasis always renders. The rest
    are in the findings table.
    """
    touches = SpanIndex(changed).touches
    marks: list[tuple[int, int, int]] = []
    last_end = -1
    for number, f in enumerate(result.findings, first):
        start, end = f.start, f.end
        if not 0 <= start <= end <= len(result.cleaned):
            continue  # offsets from elsewhere: the findings table still lists it
        while start < end and not result.cleaned[start].isalnum():
            start += 1
        while end > start and not result.cleaned[end - 1].isalnum():
            end -= 1
        if start >= end or start < last_end or "\n" in result.cleaned[start:end]:
            continue
        if touches(start, end):
            continue
        marks.append((start, end, number))
        last_end = end
    return marks


def _md_article(result: Result, numbers: dict[int, int], first_finding: int = 1) -> str:
    """The article with changes and findings marked in place, one paragraph per line.

    Changes read ``~~before~~ **after** ¹``; a finding reads ``*text* ⁽²⁾``, numbered as in
    the findings table. The text is walked in cleaned-text offsets, where both are known.
    """
    spans = cleaned_offsets(result.edits)
    marks = _inline_findings(result, [(a, b) for _e, a, b in spans], first_finding)
    events: list[tuple[int, int, str]] = [
        (a, b, _md_change(e, numbers[id(e)])) for e, a, b in spans
    ]
    for start, end, number in marks:
        text = escape_markdown(result.cleaned[start:end])
        events.append((start, end, f"*{text}* ⁽{str(number).translate(_SUPERSCRIPT)}⁾"))
    events.sort(key=lambda ev: (ev[0], ev[1]))
    pieces: list[str] = []
    pos = 0
    for start, end, markup in events:
        pieces += [escape_markdown(result.cleaned[pos:start]), markup]
        pos = end
    pieces.append(escape_markdown(result.cleaned[pos:]))
    body = "".join(pieces).replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
    return "\n\n".join(paragraphs)


def _base_name(path: str) -> str:
    """The last part of a path (``/`` or ``\\`` separated), or the whole when it has none.

    >>> _base_name("inbox/sochi-summit.txt"), _base_name("wire 7")
    ('sochi-summit.txt', 'wire 7')
    """
    return re.split(r"[/\\]", path.rstrip("/\\"))[-1] or path


def _md_cell(text: str | None) -> str:
    return _md_inline(text or "").strip() or "–"


def markdown_head(result: Result) -> list[str]:
    """The lines of the Markdown report before the article: summary table, notes, review."""
    counts = _summary_counts(result)
    source = result.source_name or "article"
    # The heading names the file only; its full path, which need not wrap, is in the table.
    name = escape_markdown_line(_base_name(source))
    lang = result.language
    prob = f" ({lang.probability:.2f})" if lang.probability is not None else ""
    out = [
        f"# copydesk report: {name}",
        "",
        "| Report | |",
        "|---|---|",
        f"| Source | {escape_markdown_line(source)} |",
        f"| Language | {escape_markdown_line(lang.code)}{prob}, "
        f"{escape_markdown_line(lang.method)} |",
        f"| Encoding | {escape_markdown_line(result.encoding)} |",
        *(
            [f"| Source text | {escape_markdown_line(result.source_text.describe())} |"]
            if result.source_text is not None
            else []
        ),
        f"| Changes applied | {counts['edits_applied']} |",
        f"| Changes suggested | {counts['edits_suggested']} |",
        f"| Findings | {counts['findings']} "
        + "("
        + ", ".join(f"{n} {s}" for s, n in counts["findings_by_severity"].items())
        + ") |",
    ]
    if scores := _scores_line(result):
        out.append(f"| Scores | {scores} |")
    out.append(f"| Signature | {signature_cell(str(result.signature))} |")
    out.append("")
    for note in result.notes:
        out += [f"> Note: {escape_markdown_line(note)}", ""]
    if result.suppressed:
        out += [f"> Note: {escape_markdown(_suppressed_text(counts))}", ""]
    if result.review is not None:
        out += _md_review(result.review, result.edits)
    return out


def render_markdown(result: Result) -> str:
    """A Markdown diff report: summary, the article with changes, reasons, findings."""
    body = MarkdownBody()
    article = body.add(result)
    out = [*markdown_head(result), "## Article with changes", "", article, "", *body.tail()]
    return "\n".join(out).rstrip() + "\n"


class MarkdownBody:
    """The Markdown report's article, changes and findings, made part by part: a whole
    article is one part; an article read in blocks gives one part per block, its numbers,
    lines and explanations running on from the blocks before."""

    def __init__(self) -> None:
        self.change_rows: list[str] = []
        self.change_why: dict[tuple[str, ...], list[int]] = {}
        self.finding_rows: list[str] = []
        self.finding_why: dict[tuple[str, ...], list[int]] = {}

    def add(self, part: Result, at: tuple[int, int] = (1, 1)) -> str:
        """Take in the changes and findings of ``part`` (of a text starting at line:column
        ``at`` of the cleaned article); returns its article with changes marked."""
        first_edit = len(self.change_rows) + 1
        first_finding = len(self.finding_rows) + 1
        numbers = {id(e): i for i, e in enumerate(part.edits, first_edit)}
        article = _md_article(part, numbers, first_finding)
        for i, e in enumerate(part.edits, first_edit):
            self.change_rows.append(
                f"| {i} | {e.status} | ~~{_md_cell(e.before)}~~ → **{_md_cell(e.after)}** "
                f"| {_md_cell(e.rule)} |"
            )
            if e.note or e.source:
                note = _md_inline(e.note or "").strip()
                source = f"Source: {_md_inline(e.source).strip()}" if e.source else ""
                self.change_why.setdefault((e.rule, note, source), []).append(i)
        lines = LineIndex(part.cleaned)
        for number, f in enumerate(part.findings, first_finding):
            line, col = _shifted(lines, f.start, at)
            self.finding_rows.append(
                f"| {number} | {line}:{col} | {_md_cell(f.severity)} | {_md_cell(f.text)} "
                f"| {_md_cell(f.suggestion)} |"
            )
            message = f"{_md_cell(f.category)}. {_md_inline(f.message).strip()}"
            self.finding_why.setdefault((f.rule, message), []).append(number)
        return article

    def tail(self) -> list[str]:
        """The changes table and the findings table, each with its explanations."""
        out: list[str] = []
        if self.change_rows:
            out += [
                "## Changes",
                "",
                "| # | Status | Change | Entry or rule |",
                "|---|---|---|---|",
                *self.change_rows,
                "",
            ]
            out += _md_why(
                "Why, and the source of each entry (changes by number):", self.change_why
            )
        if not self.finding_rows:
            return [*out, "## Findings", "", "No findings."]
        out += [
            "## Findings",
            "",
            "| # | Line | Severity | Text | Suggestion |",
            "|---|---|---|---|---|",
            *self.finding_rows,
            "",
        ]
        out += _md_why("Rule, category and message (findings by number):", self.finding_why)
        return out


def _numbers(numbers: list[int]) -> str:
    return ", ".join(map(str, numbers))


def _md_why(title: str, groups: dict[tuple[str, ...], list[int]]) -> list[str]:
    """The long texts kept out of a narrow table: one item per distinct explanation, naming
    the rows (their numbers) it explains; ``groups`` maps (rule, detail...) to row numbers."""
    if not groups:
        return []
    out = [title, ""]
    for (rule, *details), numbers in groups.items():
        text = " ".join(d for d in details if d)
        out.append(f"- **{_md_cell(rule)}** ({_numbers(numbers)}): {text}")
    out.append("")
    return out


def review_line(review: Review, edits: tuple[Edit, ...]) -> str:
    """One line on a review: awaited, or what was decided and when (not escaped)."""
    if review.status == "awaiting review":
        return (
            "Awaiting review: resume the flow run in the Prefect UI to accept the article "
            "or reject changes."
        )
    total = sum(1 for e in edits if e.applied or e.rejected)
    numbers = ", ".join(str(n) for n in review.rejected_changes) or "none"
    line = (
        f"Reviewed {review.reviewed_at}: {review.decision}; "
        f"{len(review.rejected_changes)} of {total} change(s) rejected ({numbers})"
    )
    if review.rejected_rules:
        line += f"; by rule: {', '.join(review.rejected_rules)}"
    if review.remembered:
        line += f"; {review.remembered} saved to the false-alarm memory"
    return line + "."


def _md_review(review: Review, edits: tuple[Edit, ...]) -> list[str]:
    out = ["## Review", "", escape_markdown_line(review_line(review, edits)), ""]
    if review.note.strip():
        out += [f"> Note from the editor: {escape_markdown_line(review.note)}", ""]
    return out


def findings_table(
    findings: list[Finding] | tuple[Finding, ...], cleaned: str
) -> list[dict[str, Any]]:
    """Findings as rows for a table artifact or a CSV."""
    rows = []
    lines = LineIndex(cleaned)
    for f in findings:
        line, col = lines.line_col(f.start)
        rows.append({
            "line": line,
            "column": col,
            "severity": f.severity,
            "category": f.category,
            "rule": f.rule,
            "text": f.text,
            "message": f.message,
            "suggestion": f.suggestion or "",
        })  # fmt: skip
    return rows


__all__ = [
    "SCHEMA_VERSION",
    "LineIndex",
    "MarkdownBody",
    "code_cell",
    "escape_markdown",
    "escape_markdown_line",
    "findings_table",
    "iter_json",
    "joined_batches",
    "line_col",
    "markdown_head",
    "render_json",
    "render_markdown",
    "render_text",
    "review_line",
    "signature_cell",
    "text_edit_lines",
    "text_finding_lines",
    "text_head",
    "text_tail",
    "to_dict",
]
