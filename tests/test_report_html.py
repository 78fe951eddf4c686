"""The HTML report: well-formed, escaped, self-contained, with edits and findings in place."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from copydesk.edits import apply_edits
from copydesk.model import Edit, Finding, Language, Result
from copydesk.report_html import render_html
from copydesk.scores.base import Scores
from copydesk.scores.mqm import mqm_score
from copydesk.scores.run import score_run
from copydesk.scores.ter import edit_rate_score
from copydesk.signature import Signature

VOID = {"meta", "br", "hr", "img", "input", "link"}
SIGNATURE = Signature(glossary="abc", rules="en@def", style="default", lang="en")
HOSTILE = '<script>alert(1)</script>" onmouseover="alert(2)'


class _Page(HTMLParser):
    """Checks nesting and collects the article: visible text, <del> text, titled pieces."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.in_article = 0
        self.article: list[str] = []  # text of the cleaned article (no <del>, no carets)
        self.deleted: list[str] = []
        self.pieces: list[tuple[str, str, str]] = []  # (tag, title, text) innermost
        self.titled: list[tuple[str, str]] = []  # open (tag, title) elements

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        self.stack.append(tag)
        attr = dict(attrs)
        if tag == "div" and attr.get("class") == "article":
            self.in_article = len(self.stack)
        if self.in_article:
            self.titled.append((tag, attr.get("title") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        if self.in_article:
            self.titled.pop()
            if self.in_article == len(self.stack):
                self.in_article = 0
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self.in_article or not data:
            return
        tags = [t for t, _ in self.titled]
        if "del" in tags:
            self.deleted.append(data)
        elif data == "‸":
            pass
        else:
            self.article.append(data)
        if len(self.titled) > 1:
            tag, title = self.titled[-1]
            self.pieces.append((tag, title, data))
        for tag, title in self.titled[1:]:
            if tag == "mark" and data != "‸" and "del" not in tags:
                self.pieces.append(("mark*", title, data))


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    assert parser.errors == []
    assert parser.stack == []
    return parser


def _result(
    text: str,
    edits: tuple[Edit, ...] = (),
    findings: tuple[Finding, ...] = (),
    **kwargs: object,
) -> Result:
    cleaned = apply_edits(text, [e for e in edits if e.applied])
    return Result(
        input=text,
        cleaned=cleaned,
        edits=edits,
        findings=findings,
        language=Language("en", 0.99),
        encoding="utf-8",
        signature=SIGNATURE,
        **kwargs,  # type: ignore[arg-type]
    )


def _finding(cleaned: str, needle: str, message: str = "why", **kwargs: object) -> Finding:
    start = cleaned.index(needle)
    return Finding(
        start=start,
        end=start + len(needle),
        text=needle,
        rule=str(kwargs.get("rule", "test.rule")),
        category=str(kwargs.get("category", "Style/Awkward")),
        severity=kwargs.get("severity", "minor"),  # type: ignore[arg-type]
        message=message,
        replacement=kwargs.get("suggestion"),  # type: ignore[arg-type]
    )


def _marked(page: _Page, title_part: str) -> str:
    return "".join(d for tag, title, d in page.pieces if tag == "mark*" and title_part in title)


INPUT = "Erdogan went to Sotchi.\nAreas in Idleb were hit, in the calculated army.\n"


def _edits() -> tuple[Edit, ...]:
    s = INPUT.index("Sotchi")
    i = INPUT.index("Idleb")
    c = INPUT.index("calculated ")
    return (
        Edit(s, s + 6, "Sotchi", "Sochi", "glossary.places.sochi", note="house form", source="AP"),
        Edit(i, i + 5, "Idleb", "Idlib", "glossary.places.idlib", source="GeoNames"),
        Edit(c, c + 11, "calculated ", "", "en.calques.calculated", category="Style"),
    )


def test_edits_are_shown_in_place_and_the_article_reads_as_cleaned() -> None:
    result = _result(INPUT, _edits())
    assert result.cleaned == "Erdogan went to Sochi.\nAreas in Idlib were hit, in the army.\n"
    page = render_html(result)
    parsed = _parse(page)
    assert "".join(parsed.article) == result.cleaned
    assert parsed.deleted == ["Sotchi", "Idleb", "calculated "]
    assert re.search(r'<del title="[^"]*glossary\.places\.sochi[^"]*">Sotchi</del><ins ', page)
    assert "note: house form" in page and "source: AP" in page and "source: GeoNames" in page
    assert "white-space: pre-wrap" in page


def test_findings_after_edits_land_on_their_text() -> None:
    result = _result(INPUT, _edits())
    cleaned = result.cleaned
    findings = (
        _finding(cleaned, "were hit", "vague verb", suggestion="struck"),
        _finding(cleaned, "Idlib were", "overlaps an edit", rule="test.overlap"),
        _finding(cleaned, "army", "which army?", severity="major"),
    )
    result = _result(INPUT, _edits(), findings)
    parsed = _parse(render_html(result))
    assert "".join(parsed.article) == cleaned
    assert _marked(parsed, "test.rule: vague verb — struck") == "were hit"
    assert _marked(parsed, "test.overlap: overlaps an edit") == "Idlib were"
    assert _marked(parsed, "which army?") == "army"
    assert '<mark class="major"' in render_html(result)


@pytest.mark.parametrize(
    "spans",
    [
        [(0, 10), (5, 15)],  # crossing
        [(0, 20), (5, 10)],  # nested
        [(0, 10), (0, 10)],  # identical
        [(3, 3), (0, 10), (10, 12)],  # an empty one and touching ones
        [(0, 5), (2, 8), (4, 12), (6, 7)],  # a tangle
    ],
)
def test_overlapping_findings_never_break_markup(spans: list[tuple[int, int]]) -> None:
    text = "Russian forces strikes hit the town."
    findings = tuple(
        Finding(s, e, text[s:e], f"test.r{k}", "Style/Awkward", "minor", f"m{k}")
        for k, (s, e) in enumerate(spans)
    )
    parsed = _parse(render_html(_result(text, (), findings)))
    assert "".join(parsed.article) == text
    for k, (s, e) in enumerate(spans):
        if s < e:
            assert _marked(parsed, f"test.r{k}: m{k}") == text[s:e]


def test_hostile_text_and_messages_are_escaped() -> None:
    text = f"Intro {HOSTILE} end.\nSecond & <b>bold</b> line."
    s = text.index("<script>")
    edit = Edit(s, s + 8, "<script>", HOSTILE, HOSTILE, note=HOSTILE, source=HOSTILE)
    result = _result(text, (edit,))
    cleaned = result.cleaned
    f = _finding(cleaned, "bold", HOSTILE, rule=HOSTILE, category=HOSTILE, suggestion=HOSTILE)
    result = _result(
        text,
        (edit,),
        (f,),
        scores=score_run(text, cleaned, [f], reference=HOSTILE),  # category, reference: hostile
        notes=(HOSTILE,),
        source_name=HOSTILE,
    )
    page = render_html(result)
    assert "<script" not in page
    assert "<b>" not in page
    assert '" onmouseover="' not in page
    assert "onmouseover=&quot;" in page
    parsed = _parse(page)
    assert "".join(parsed.article) == cleaned


def test_summary_comes_first_and_counts() -> None:
    result = _result(INPUT, _edits())
    findings = (
        _finding(result.cleaned, "army", "m", category="Accuracy/Untranslated", severity="major"),
        _finding(result.cleaned, "hit", "m"),
    )
    suggested = Edit(0, 7, "Erdogan", "Erdoğan", "glossary.people.erdogan", applied=False)
    result = _result(
        INPUT,
        (*_edits(), suggested),
        findings,
        scores=Scores(12, replace(mqm_score([], 12), score=6.25), edit_rate_score("a", "a")),
        notes=("spelling check skipped",),
    )
    page = render_html(result)
    assert page.index('class="summary"') < page.index('class="article"')
    assert re.search(r"<th>Edits applied</th><td class=\"num\">3</td>", page)
    assert re.search(r"<th>Edits suggested</th><td class=\"num\">1</td>", page)
    assert "<th>Accuracy/Untranslated</th>" in page
    assert "<th>mqm.score</th><td>6.25</td>" in page
    assert "mqm.signature" in page and str(SIGNATURE) in page
    assert "spelling check skipped" in page
    assert "p=0.99" in page
    # the suggested edit sits on its text, in cleaned coordinates
    parsed = _parse(page)
    assert [d for t, title, d in parsed.pieces if t == "span" and "Erdoğan" in title] == ["Erdogan"]


def test_page_is_self_contained() -> None:
    page = render_html(_result(INPUT, _edits()))
    assert page.startswith("<!DOCTYPE html>")
    assert "<style>" in page
    for needle in ("<script", "<link", "src=", "href=", "@import", "url("):
        assert needle not in page


def test_unplaceable_edits_and_findings_are_listed() -> None:
    text = "Some text here."
    bad_edit = Edit(0, 4, "Nope", "Some", "test.bad-edit", applied=False)  # before mismatch
    bad_finding = Finding(50, 60, "ghost", "test.ghost", "Style/Awkward", "minor", "far away")
    page = render_html(_result(text, (bad_edit,), (bad_finding,)))
    parsed = _parse(page)
    assert "".join(parsed.article) == text
    tail = page[page.index("Not shown in the text") :]
    assert "test.bad-edit" in tail and "test.ghost" in tail


def test_empty_finding_is_a_caret_and_empty_article_renders() -> None:
    text = "He said no one"
    point = Finding(
        7, 7, "", "en.punctuation.missing-comma", "Fluency/Punctuation", "minor", "comma?"
    )
    page = render_html(_result(text, (), (point,)))
    assert '<mark class="point minor" title="en.punctuation.missing-comma: comma?">‸</mark>' in page
    assert "".join(_parse(page).article) == text
    _parse(render_html(_result("")))


def test_pure_insertion_and_adjacent_edits() -> None:
    text = "said that our cooperation"
    edits = (
        Edit(4, 4, "", ",", "test.insert"),
        Edit(5, 9, "that", "", "test.delete"),
        Edit(10, 13, "our", "their", "test.replace"),
    )
    result = _result(text, edits)
    assert result.cleaned == "said,  their cooperation"
    parsed = _parse(render_html(result))
    assert "".join(parsed.article) == result.cleaned
    assert parsed.deleted == ["that", "our"]
