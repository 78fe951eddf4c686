"""Property tests: the pipeline's guarantees on arbitrary articles.

Articles are built from arbitrary Unicode (every plane, combining marks, dotted and
dotless I, joiners, bidi marks, tatweel, NBSP, every line ending, Arabic, Cyrillic and CJK
text, Eastern Arabic and Persian digits, guillemets and low quotes) mixed with what makes
the pipeline act: glossary variants and house forms from the shipped glossary, the flag
and pass examples of the shipped rules, relative dates and markup. Only what
:func:`copydesk.load.load_bytes` refuses (binary control characters) and what UTF-8 cannot
hold (lone surrogates) is left out. For every article, with the default settings,
suggest-only on and off, with and without a reference date (down to 0001-01-01 and up to
9999-12-31), with a given or a detected language:

- replay: ``apply_edits(input, edits) == cleaned``; undo: ``undo_edits(cleaned, edits)
  == input``; every applied edit's ``before`` is the input at its span;
- text outside the applied edits comes out byte for byte;
- idempotence: cleaning the cleaned text applies nothing and changes nothing;
- every finding's ``text`` is the cleaned text at its span, inside the text;
- determinism: two runs give equal results and byte-identical reports, in one process and
  in two with different string hashing;
- every renderer runs; the JSON round-trips; the Markdown holds no HTML, link or image
  from the article; the HTML page uses only the report's own tags, is well nested and
  shows the cleaned article; ``copydesk check`` runs on two articles per format;
- ``load_bytes`` on arbitrary bytes returns a Document or raises ``InputError``.

How many examples: the ``ci`` profile (the default; a fixed seed, 100 examples per property)
keeps this file within about half a minute on two cores. For a long search, run
``COPYDESK_HYPOTHESIS=thorough .venv/bin/python -m pytest tests/test_properties.py`` (5,000
random examples per property; ``COPYDESK_HYPOTHESIS_EXAMPLES`` sets another number). The
profiles are registered in ``tests/conftest.py``.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from hypothesis import example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from copydesk.edits import apply_edits, cleaned_offsets, undo_edits
from copydesk.errors import InputError
from copydesk.load import _BINARY_CONTROLS, Document, load_bytes
from copydesk.model import Result
from copydesk.pipeline import Settings, clean, default_settings
from copydesk.report import render_json, render_markdown, render_text
from copydesk.report_html import render_html
from copydesk.rules import load_rules

LANGUAGES = (None, "en", "fr", "de", "ru")
DATES = (
    None,
    dt.date(2026, 11, 26),
    dt.date(1, 1, 1),
    dt.date(1, 1, 7),
    dt.date(9999, 12, 31),
    dt.date(9999, 12, 25),
)

# Pieces that the fixes, the rules or the checks act on, and every kind of awkward character.
SPECIAL = (
    "İ", "ı", "İdleb", "ıdleb", "I\u0307", "i\u0307", "e\u0301", "\u0301", "a\u0308\u0304",
    "\u200d", "\u200c", "\u200b", "\u2060", "\ufeff", "\u200e", "\u200f", "\u061c",
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
    "\u0640", "ـــ", "\u00a0", "\u202f", "\u2009", "\u3000", "\r", "\r\n", "\n", "\n\n", "\t",
    "\x0b", "\x0c", "\x85", "\u2028", "\u2029", " ", "  ", "",
    "قال أردوغان، في سوتشي؛ هل؟", "إدلب", "٠١٢٣٤٥٦٧٨٩", "٦٫٥", "١٬٠٠٠", "۰۱۲۳۴۵۶۷۸۹", "۴۵",
    "Кремль заявил", "Путин", "習近平在北京", "東京", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "😀", "👩\u200d👩\u200d👧",
    "🇹🇷", "𠀋", "\U0010fffd", "\U000e0001",
    "«", "»", "«quoted»", "‹x›", "„low“", "“", "”", "‘", "’", "'s", "’s", "\"", "'",
    "<script>alert(1)</script>", "<b>", "&amp;", "*", "_", "`", "|", "[x](y)", "#", "> ", "- ",
    "1. ", "~~", "\\", "{0}", "{replacement}", "%s",
    ".", ",", ";", ":", "!", "?", "…", "-", "—", "(", ")", "1,", "a.", "40000", "3 March",
    "the", "The", "a", "an", "said that", "great importance", "regime forces",
)  # fmt: skip
RELATIVE_DATES = (
    "yesterday", "Yesterday", "today", "tomorrow", "Tomorrow", "last night", "tonight",
    "the day before yesterday", "the day after tomorrow", "four days ago", "3 days ago",
    "two weeks ago", "a week ago", "last week", "next week", "this week", "last month",
    "next month", "last Tuesday", "next Monday", "this Sunday", "on Friday",
    "a few days ago", "several weeks ago", "just days ago",
)  # fmt: skip
TEXT_ALPHABET = st.characters(
    blacklist_categories=("Cs",), blacklist_characters="".join(_BINARY_CONTROLS)
)


@cache
def _settings(suggest_only: bool, date: dt.date | None) -> Settings:
    return default_settings(suggest_only=suggest_only, date=date)


@cache
def _glossary_texts() -> tuple[str, ...]:
    glossary = _settings(False, None).glossary
    texts: dict[str, None] = {}
    for entry in glossary.entries:
        for variant in entry.variants:
            texts.setdefault(variant.text, None)
            for to in (variant.to or {}).values():
                texts.setdefault(to, None)
        for lang in entry.forms:
            for form in entry.form_texts(lang):
                texts.setdefault(form, None)
    return tuple(texts)


@cache
def _example_sentences() -> tuple[str, ...]:
    """The flag and pass examples of the shipped rules, the glossary's change and keep ones."""
    rules = load_rules("en").rules
    sentences = [x for r in rules for x in (*r.examples_flag, *r.examples_pass)]
    sentences += [x.text for e in _settings(False, None).glossary.entries for x in e.examples]
    return tuple(dict.fromkeys(sentences))


def _case_variants(text: str) -> st.SearchStrategy[str]:
    return st.sampled_from((text, text.upper(), text.lower(), text.title()))


def _pieces() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(TEXT_ALPHABET, max_size=12),
        st.sampled_from(SPECIAL),
        st.sampled_from(_glossary_texts()).flatmap(_case_variants),
        st.sampled_from(_example_sentences()),
        st.sampled_from(RELATIVE_DATES),
    )


# Glossary variants and rule phrases match only between word boundaries: mostly join with one.
SEPARATORS = ("", " ", " ", " ", "\n", "\r\n", "\r", ", ", ". ", "\u00a0", "\t", "\u200f ")
articles = st.lists(
    st.tuples(_pieces(), st.sampled_from(SEPARATORS)).map("".join), min_size=1, max_size=24
).map("".join)
languages = st.sampled_from(LANGUAGES)
dates = st.sampled_from(DATES)
modes = st.booleans()


def _clean(text: str, suggest_only: bool, date: dt.date | None, language: str | None) -> Result:
    return clean(text, _settings(suggest_only, date), language=language)


def _unchanged_pieces(text: str, result: Result) -> tuple[list[str], list[str]]:
    """The text between applied edits, in the input and in the cleaned text."""
    inputs, outputs = [], []
    in_pos = out_pos = 0
    for edit, start, end in cleaned_offsets(result.edits):
        inputs.append(text[in_pos : edit.start])
        outputs.append(result.cleaned[out_pos:start])
        in_pos, out_pos = edit.end, end
    inputs.append(text[in_pos:])
    outputs.append(result.cleaned[out_pos:])
    return inputs, outputs


@given(articles, modes, dates, languages)
@example("İ", False, None, "en")
@example("x\r\n", False, None, "en")
@example("YESTERDAY", False, dt.date(1, 1, 1), "en")  # was OverflowError
@example("next month, tomorrow, next week", True, dt.date(9999, 12, 31), "en")
@example("last Monday, four weeks ago", False, dt.date(1, 1, 7), None)
def test_replay_undo_spans_and_untouched_text(
    text: str, suggest_only: bool, date: dt.date | None, language: str | None
) -> None:
    result = _clean(text, suggest_only, date, language)
    assert result.input == text
    assert apply_edits(text, result.edits) == result.cleaned
    assert undo_edits(result.cleaned, result.edits) == text
    for e in result.edits:
        assert 0 <= e.start <= e.end <= len(text)
        assert text[e.start : e.end] == e.before, e
    if suggest_only:
        assert result.applied_edits == ()
        assert result.cleaned == text
    inputs, outputs = _unchanged_pieces(text, result)
    assert [p.encode("utf-8") for p in inputs] == [p.encode("utf-8") for p in outputs]
    for f in (*result.findings, *result.suppressed):
        assert 0 <= f.start <= f.end <= len(result.cleaned), f
        assert result.cleaned[f.start : f.end] == f.text, f


@given(articles, dates, languages)
# Detected as German, cleaned to German house forms, then detected as English: was changed back.
@example("BASHAR EL-ASSAD ", None, None)
@example("Ghosn al-Zaytun SERGEY SHOIGU SERGEY SHOIGU ", None, None)
def test_cleaning_twice_changes_nothing(
    text: str, date: dt.date | None, language: str | None
) -> None:
    once = _clean(text, False, date, language)
    twice = _clean(once.cleaned, False, date, language)
    assert twice.applied_edits == (), (text, once.edits, twice.edits)
    assert twice.cleaned == once.cleaned


def _reports(result: Result) -> list[bytes]:
    return [
        render(result).encode("utf-8")
        for render in (render_text, render_markdown, render_json, render_html)
    ]


@given(articles, modes, dates, languages)
def test_same_input_same_output(
    text: str, suggest_only: bool, date: dt.date | None, language: str | None
) -> None:
    first = _clean(text, suggest_only, date, language)
    second = _clean(text, suggest_only, date, language)
    assert first == second
    assert _reports(first) == _reports(second)


# Markdown as GitHub and the Prefect UI read it: article text must never become raw HTML,
# a link or an image there.
_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_LIVE_MARKDOWN = {"html_inline", "html_block", "link_open", "image"}


def _live_markdown(markdown: str) -> list[str]:
    tokens = list(_MARKDOWN.parse(markdown))
    live = []
    while tokens:
        token = tokens.pop()
        tokens += token.children or []
        if token.type in _LIVE_MARKDOWN:
            live.append(token.content or str(token.attrs))
    return live


_HTML_TAGS = frozenset((
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "div", "span", "del",
    "ins", "mark", "ul", "li", "table", "tr", "th", "td",
))  # fmt: skip
_HTML_ATTRIBUTES = frozenset({"lang", "charset", "name", "content", "class", "title"})


class _Page(HTMLParser):
    """Checks that a report page is well nested and uses only the report's own markup, and
    collects the article's text as a browser shows it (deleted text apart)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.article: list[str] = []
        self.deleted: list[str] = []
        self._article_depth: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            self.problems.append(f"tag {tag}")
        self.problems += [f"attribute {k}" for k, _ in attrs if k not in _HTML_ATTRIBUTES]
        if tag == "meta":
            return
        self.stack.append(tag)
        if tag == "div" and ("class", "article") in attrs:
            self._article_depth = len(self.stack)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        if self._article_depth == len(self.stack):
            self._article_depth = None
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._article_depth is not None:
            (self.deleted if "del" in self.stack else self.article).append(data)

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment {data!r}")


def _no_constants(name: str) -> None:
    msg = f"not JSON: {name}"
    raise ValueError(msg)


@given(articles, modes, dates, languages)
@example("<script>alert(1)</script>", False, None, "en")
@example("[x](http://e.com) ![i](j.png) <http://e.com> <b>b</b>\n<div>\n", False, None, "en")
@example("    <b>x</b>\n\n<!-- c -->\n", True, None, None)
@example("The minister gave a interview on Sunday.Vladımir Putin\u200f ", False, None, None)
@example("Vladımir Putin\u200f and \u200fVladımir\u200b Putin\u200f«x»", False, None, "en")
def test_every_renderer_runs_and_escapes(
    text: str, suggest_only: bool, date: dt.date | None, language: str | None
) -> None:
    text += "<script>alert(1)</script><img src=x onerror=alert(1)>"
    result = _clean(text, suggest_only, date, language)
    assert render_text(result)
    assert _live_markdown(render_markdown(result)) == []
    report = json.loads(render_json(result), parse_constant=_no_constants)
    assert report["input"] == result.input
    assert report["cleaned"] == result.cleaned
    assert report["edits"] == [e.to_dict() for e in result.edits]
    assert report["findings"] == [f.to_dict() for f in result.findings]
    page = _Page()
    html = render_html(result)
    page.feed(html)
    page.close()
    assert page.problems == []
    assert page.stack == []
    # The page shows the cleaned article; "‸" marks a point finding or suggestion.
    assert "".join(page.article).replace("‸", "") == result.cleaned.replace("‸", "")
    assert "Not shown in the text" not in html  # every edit and finding has its place


@given(st.binary(max_size=200))
@example(b"\xef\xbb\xbf\xff")
@example(b"\xff\xfe\x00")
@example(b"\xfe\xff\xd8\x00")
def test_load_bytes_gives_a_document_or_an_input_error(data: bytes) -> None:
    try:
        doc = load_bytes(data, "fuzz")
    except InputError:
        return
    assert isinstance(doc, Document)
    assert doc.text.strip()
    assert not any(c in _BINARY_CONTROLS for c in doc.text)


@given(st.text(TEXT_ALPHABET, min_size=1, max_size=40))
def test_load_bytes_keeps_utf8_text(text: str) -> None:
    data = text.encode("utf-8")
    if not text.strip() or text.startswith("\ufeff"):
        return
    assert load_bytes(data, "article").text == text


@pytest.mark.parametrize("fmt", ["text", "md", "json", "html"])
@hypothesis_settings(max_examples=2)
@given(articles, modes, dates)
def test_check_command_runs(
    tmp_path_factory: pytest.TempPathFactory,
    fmt: str,
    text: str,
    suggest_only: bool,
    date: dt.date | None,
) -> None:
    from copydesk.cli import cli

    if not text.strip():
        text += "Sotchi"
    path = tmp_path_factory.mktemp("check") / "article.txt"
    path.write_bytes(text.encode("utf-8"))
    args = ["check", str(path), "--format", fmt, "--lang", "en"]
    if suggest_only:
        args.append("--suggest-only")
    if date is not None:
        args += ["--date", date.isoformat()]
    outcome = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output


def _report_digests(seed: int, count: int) -> list[str]:
    """Digests of every report of ``count`` random articles (for another process to compare)."""
    import hashlib
    import random

    pool = [*_glossary_texts(), *_example_sentences(), *SPECIAL, *RELATIVE_DATES]
    rng = random.Random(seed)
    digests = []
    for _ in range(count):
        pieces = (rng.choice(pool) + rng.choice(SEPARATORS) for _ in range(rng.randint(1, 30)))
        result = _clean(
            "".join(pieces), rng.random() < 0.3, rng.choice(DATES), rng.choice(LANGUAGES)
        )
        digests.append(hashlib.sha256(b"\0".join(_reports(result))).hexdigest())
    return digests


def test_same_reports_in_another_process() -> None:
    """Nothing depends on string hashing, which differs from one process to the next."""
    import os
    import subprocess
    import sys

    from .conftest import ROOT

    code = "from tests.test_properties import _report_digests; print(*_report_digests(7, 30))"
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for hash_seed in ("1", "2")
    ]
    outputs = [run.communicate() for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert {out for out, _err in outputs} == {" ".join(_report_digests(7, 30)) + "\n"}


# --- failures the properties found, kept as plain regression tests ---------------------------


def test_a_utf8_bom_before_invalid_bytes_is_an_input_error() -> None:
    with pytest.raises(InputError, match="byte-order mark but is not valid UTF-8 at byte 5"):
        load_bytes(b"\xef\xbb\xbfab\xff", "a.txt")


@pytest.mark.parametrize(
    ("date", "phrase"),
    [
        (dt.date(1, 1, 1), "yesterday"),
        (dt.date(1, 1, 1), "last month"),
        (dt.date(1, 1, 7), "last week"),
        (dt.date(1, 1, 2), "the day before yesterday"),
        (dt.date(9999, 12, 31), "tomorrow"),
        (dt.date(9999, 12, 31), "next month"),
        (dt.date(9999, 12, 28), "next week"),
        (dt.date(9999, 12, 31), "next Monday"),
    ],
)
def test_relative_dates_beyond_the_calendar_say_how_to_count(date: dt.date, phrase: str) -> None:
    result = _clean(f"It happened {phrase}.", False, date, "en")
    (finding,) = [f for f in result.findings if f.rule == "en.dates.relative-day"]
    assert finding.text == phrase
    assert finding.suggestion == f"give the date ('{phrase}', counted from the article's date)"


def test_relative_dates_inside_the_calendar_are_resolved() -> None:
    result = _clean("It happened yesterday and ends next month.", False, dt.date(1, 1, 2), "en")
    suggestions = [f.suggestion for f in result.findings if f.rule == "en.dates.relative-day"]
    assert suggestions == ["on Monday, 1 January 1", "in February 1"]
