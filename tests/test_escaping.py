"""No value that reaches a report or an artifact can turn into live markup.

Every field of a result (language, names, paths, rule ids, messages, notes, encoding,
signature, article text) is filled with hostile text, and every renderer and artifact
builder is run on it: the Markdown is parsed with markdown-it-py (with raw HTML enabled, as
the most permissive renderer would have it) and the HTML with html.parser; only the
elements the renderer itself makes may come out, with no link, image or event handler.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from copydesk.batch.fit import artifact_key, artifact_page, fit_markdown, key_page
from copydesk.batch.model import Outcome
from copydesk.batch.summary import article_summary_markdown, batch_summary_markdown
from copydesk.model import Edit, Finding, Language, Result
from copydesk.report import (
    code_cell,
    escape_markdown,
    escape_markdown_line,
    render_json,
    render_markdown,
    render_text,
)
from copydesk.report_html import render_html
from copydesk.scores.base import ReferenceScores, Score, Scores
from copydesk.scores.mqm import WEIGHTS, mqm_score
from copydesk.signature import Signature

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "`<img src=x onerror=alert(1)>`",
    "a``b `<img src=x onerror=alert(2)>` c```",
    "| <b>x</b> | y |",
    "\\|<img src=x onerror=alert(3)>",
    "\\\\|`<img src=x onerror=alert(4)>`",
    "[link](javascript:alert(1))",
    '![img](x" onerror="alert(1))',
    '<a href="javascript:alert(1)">x</a>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "\n# heading\n<div onclick=alert(1)>\n",
    "\r\n- item\n1. item\n> quote\n    code\n---\n===",
    "\u2028<svg onload=alert(1)>\u2029`",
    "x\x0b<svg onload=alert(1)>\x0cy\x85z",
    "<!-- comment --> <![CDATA[x]]> <?php x ?>",
    "*em* **strong** ~~del~~ _x_ __y__",
    "<https://evil.example> www.evil.example",
    "\"'><script>alert(1)</script>",
    'en"><script>alert(1)</script>',
    "` `` ``` `",
    " ",
]

MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
# What the Markdown renderers themselves make.
MARKDOWN_TAGS = {"h1", "h2", "p", "table", "thead", "tbody", "tr", "th", "td", "code", "s",
                 "strong", "em", "blockquote", "ul", "li"}  # fmt: skip
# What the HTML report makes, and the attributes it sets.
HTML_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "table", "tr", "th",
             "td", "span", "p", "del", "ins", "mark", "div", "ul", "li"}  # fmt: skip
HTML_ATTRIBUTES = {"lang", "charset", "name", "content", "class", "title"}


def hostile_result(p: str) -> Result:
    """A result whose every text field holds ``p``, with edits and findings that place."""
    text = f"Start {p} middle {p} end.\n"
    after = f"Begin{p}"
    cleaned = after + text[len("Start") :]
    at = cleaned.index(" middle") + 1
    edits = (
        Edit(0, len("Start"), "Start", after, p, p, True, p, p),
        Edit(len(text) - 5, len(text) - 2, "end", p, p, p, False, p, p),
    )
    findings = (
        Finding(at, at + len("middle"), "middle", p, p, "minor", p, p),
        Finding(len(after), len(after) + len(p) + 1, cleaned[len(after) : len(after) + len(p) + 1],
                p, p, "major", p, None),
        Finding(3, 3, "", p, p, p, p, p),  # a point finding with a hostile severity
        Finding(10_000, 10_001, p, p, p, "critical", p, p),  # cannot be placed
    )  # fmt: skip
    return Result(
        input=text,
        cleaned=cleaned,
        edits=edits,
        findings=findings,
        language=Language(p, 0.5, p),
        encoding=p,
        signature=Signature(glossary=p, rules=p, style=p, lang=p, mode=p, date=p, memory=p),
        scores=Scores(
            words=3,
            mqm=mqm_score([f for f in findings if f.severity in WEIGHTS], 3),  # categories: p
            edit_rate=Score(p, 1.0, p, {p: p}),
            reference=ReferenceScores(p, 1, {p: {p: Score(p, 0.5, p, {"text": p})}}),
        ),
        notes=(p, f"note {p}"),
        source_name=p,
        suppressed=(Finding(0, 1, "S", p, p, "minor", p, p),),
    )


def _tokens(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        yield from _tokens(token.children or [])


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def elements(page: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Elements()
    parser.feed(page)
    parser.close()
    return parser.elements


def assert_markdown_is_inert(markdown: str) -> None:
    tokens = list(_tokens(MARKDOWN.parse(markdown)))
    live = [t.type for t in tokens if t.type in ("html_inline", "html_block", "link_open", "image")]
    assert not live, (live, markdown)
    for tag, attrs in elements(MARKDOWN.render(markdown)):
        assert tag in MARKDOWN_TAGS, (tag, markdown)
        assert attrs == [], (tag, attrs)


def assert_html_is_inert(page: str) -> None:
    found = elements(page)
    for tag, attrs in found:
        assert tag in HTML_TAGS, tag
        for name, _value in attrs:
            assert name in HTML_ATTRIBUTES, (tag, name)
    assert [t for t, _ in found].count("style") == 1
    assert [t for t, _ in found].count("title") == 1


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_report_is_inert(payload: str) -> None:
    assert_markdown_is_inert(render_markdown(hostile_result(payload)))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_report_is_inert(payload: str) -> None:
    page = render_html(hostile_result(payload))
    assert_html_is_inert(page)
    for opening in ("<script", "<img", "<svg", "<a ", "<div onclick", "<b>", "<!--", "<?"):
        assert opening not in page


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_and_json_reports_keep_values_as_data(payload: str) -> None:
    result = hostile_result(payload)
    report = json.loads(render_json(result))
    assert (report["source"], report["language"]["code"], report["encoding"]) == (payload,) * 3
    assert [f["message"] for f in report["findings"]] == [payload] * 4
    assert render_text(result).startswith(f"{payload}: language {payload},")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_article_artifacts_are_inert(payload: str, monkeypatch: pytest.MonkeyPatch) -> None:
    artifacts = pytest.importorskip("copydesk_flows._artifacts")
    created: list[dict[str, Any]] = []
    monkeypatch.setattr(artifacts, "create_markdown_artifact", lambda **kw: created.append(kw))
    monkeypatch.setattr(artifacts, "create_table_artifact", lambda **kw: created.append(kw))
    result = hostile_result(payload)
    artifacts.publish_article_artifacts(result, payload, report_path=payload)
    assert len(created) == 3
    for artifact in created:
        # Prefect renders an artifact's description as Markdown too.
        assert_markdown_is_inert(artifact["description"])
        if "markdown" in artifact:
            assert_markdown_is_inert(artifact["markdown"])
    assert_markdown_is_inert(article_summary_markdown(result, payload))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_truncated_report_artifact_is_inert(payload: str) -> None:
    markdown = render_markdown(hostile_result(payload * 40))
    for limit in (600, 1500, 4000):
        cut = fit_markdown(markdown, limit=limit, full_text_at=payload)
        assert ("truncated" in cut) == (len(markdown.encode()) > limit)
        assert_markdown_is_inert(cut)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_inbox_summary_is_inert(payload: str) -> None:
    outcomes = [
        Outcome(payload, "cleaned", "0" * 64, 1, 2, payload, "", 10, 1.0, categories={payload: 2}),
        Outcome(payload, "quarantined", "0" * 64, reason=payload),
        Outcome(payload, "refused", reason=payload),
    ]
    summary = batch_summary_markdown(payload, payload, payload, payload, outcomes, [payload])
    assert_markdown_is_inert(summary)
    # With report pages, the only links are those pages, each named by its article.
    page = artifact_page("0b8f2c4e-8a61-4c1e-9b57-4e0d3f6a9c21")
    last = key_page(artifact_key(payload, "summary"))
    linked = batch_summary_markdown(
        payload, payload, payload, payload, outcomes, [payload], {payload: page}, last
    )
    tokens = list(_tokens(MARKDOWN.parse(linked)))
    assert [t.attrs for t in tokens if t.type == "link_open"] == [{"href": last}, {"href": page}]
    assert not [t for t in tokens if t.type in ("html_inline", "html_block", "image")]
    html = MARKDOWN.render(linked)
    assert html.count("<a ") == 2 and f'<a href="{page}">' in html


# ---------------------------------------------------------------- escapers show text as is

_TRICKY = st.text(
    alphabet=st.sampled_from(list("`|\\<>&*_~[]()!#-=+.):;\"' \tab1é\n\r\u2028\x0b\x85")),
    max_size=24,
)


def _one_cell(cell: str) -> str:
    """The text markdown-it shows in the single body cell of a one-column table."""
    page = MARKDOWN.render(f"| head |\n|---|\n| {cell} |\n")
    assert page.count("<td>") == 1, page
    body = page.split("<td>", 1)[1].split("</td>", 1)[0]
    assert not [tag for tag, _ in elements(body) if tag != "code"], page

    chunks: list[str] = []

    class Text(HTMLParser):
        def handle_data(self, data: str) -> None:
            chunks.append(data)

    reader = Text(convert_charrefs=True)
    reader.feed(body)
    reader.close()
    return "".join(chunks)


def _one_line(text: str) -> str:
    for brk in ("\r\n", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028"):
        text = text.replace(brk, " ")
    return text.replace("\u2029", " ")


@settings(max_examples=300, deadline=None)
@given(_TRICKY)
def test_code_cell_shows_any_text_in_one_cell(text: str) -> None:
    # Letters either side keep the table from trimming blanks at the cell's edges.
    shown = _one_cell("x" + code_cell(text) + "x")
    assert shown == "x" + (_one_line(text) or "–") + "x"


@settings(max_examples=300, deadline=None)
@given(_TRICKY)
def test_escaped_line_shows_any_text_in_one_cell(text: str) -> None:
    shown = _one_cell("x" + escape_markdown_line(text) + "x")
    assert shown == "x" + _one_line(text) + "x"


def test_escape_markdown_is_linear_on_blank_lines() -> None:
    """50,000 blank lines once took 59 s (a line-start pattern spanning line breaks)."""
    import time

    text = "\n" * 50_000 + " \n" * 50_000 + "- x"
    start = time.perf_counter()
    escaped = escape_markdown(text)
    assert time.perf_counter() - start < 2.0
    assert escaped.endswith("\\- x")
