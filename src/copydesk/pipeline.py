"""The whole pipeline: load -> language -> safe fixes and terms -> findings -> scores.

Contract: :func:`clean` is a pure function of its input and settings (the same input,
glossary, rules and house style give the same :class:`~copydesk.model.Result`), cleaning
its own output changes nothing, and a step that does not apply to the article's language
is skipped with a note in ``Result.notes``, never an error.

Each text is cleaned in its own language: the spans of an article written in another
language (:func:`copydesk.langid.foreign_spans`: paragraphs, runs of another script, English
left in a de/fr/es sentence) are found once, get none of the article language's safe fixes,
house forms, spelling or phrasing findings, and are reported once by the untranslated checker.

With a ``source`` (the text the article was translated from), :func:`clean` aligns it with the
cleaned text (:func:`copydesk.source.align`), hands it to the checkers in
:class:`~copydesk.findings.checker.FindContext` and records it in ``Result.source_text`` and the
signature. Without one, the result is what it was before sources existed.
"""

from __future__ import annotations

import bisect
import itertools
import os
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from copydesk.edits import apply_edits, compose_edits
from copydesk.errors import InputError
from copydesk.findings.checker import FindContext, collect
from copydesk.findings.registry import checkers
from copydesk.findings.spelling import SPELLING_LANGUAGES, glossary_lexicon
from copydesk.findings.untranslated import UntranslatedChecker
from copydesk.langid import (
    SAMPLE_CHARS,
    UNDETERMINED,
    ForeignSpan,
    detect_language,
    foreign_spans,
    given_language,
    reads_as,
)
from copydesk.limits import FindingCap, TooManyChanges, max_changes
from copydesk.load import Document, display_name, load_bytes, load_path
from copydesk.model import Edit, Finding, Language, Result
from copydesk.normalize import normalize_terms_and_explain
from copydesk.rules import fix_text_and_explain
from copydesk.scores.base import Scores
from copydesk.scores.mqm import mqm_score
from copydesk.scores.run import score_run
from copydesk.scores.ter import EditCount, edit_rate_of
from copydesk.settings import Settings, default_settings
from copydesk.source import SourceText, align, source_hash
from copydesk.spans import SpanIndex

if TYPE_CHECKING:
    from copydesk.blocks import BlockParts

# Settings and their loader live in copydesk.settings; named here too for existing callers.
__all__ = [
    "Settings",
    "clean",
    "clean_block",
    "clean_file",
    "default_settings",
    "find_and_score",
    "finish_blocks",
]


def _fix_and_normalize(
    text: str,
    language: str,
    settings: Settings,
    notes: list[str],
    foreign: Sequence[ForeignSpan] = (),
    mentioned: set[int] | None = None,
) -> tuple[str, list[Edit]]:
    """The safe fixes and house forms of ``language``, outside the ``foreign`` spans
    (``mentioned``: the glossary entries named in the article's earlier blocks)."""
    limit = max_changes(settings.max_changes)
    ruleset = settings.rules(language)
    if ruleset.rules:
        fixed, fix_edits = fix_text_and_explain(
            text, ruleset, settings.house_style, notes=notes, max_changes=limit
        )
    else:
        fixed, fix_edits = text, []
        notes.append(
            f"no rule pack for language '{language}': safe fixes and phrasing checks skipped"
        )
    if settings.suggest_only:
        fix_edits = [_suggested(e) for e in fix_edits]
        fixed = text
    if language in settings.glossary.languages():
        cleaned, term_edits = normalize_terms_and_explain(
            fixed,
            settings.glossary,
            language,
            suggest_only=settings.suggest_only,
            max_changes=limit,
            mentioned=mentioned,
        )
    else:
        cleaned, term_edits = fixed, []
        notes.append(f"no glossary forms for language '{language}': term normalisation skipped")
    edits = compose_edits(fix_edits, term_edits, text, fixed, max_changes=limit)
    if foreign:
        index = _span_index(foreign)
        kept = [e for e in edits if not index.overlaps(e.start, max(e.end, e.start + 1))]
        if len(kept) != len(edits):
            notes.append(
                f"{len(edits) - len(kept)} change(s) of '{language}' left out of text in "
                "another language"
            )
            edits = kept
            cleaned = apply_edits(text, edits)
    return cleaned, edits


def _span_index(spans: Sequence[ForeignSpan]) -> SpanIndex:
    return SpanIndex((s.start, s.end) for s in spans)


class _Shifts:
    """Where a span of the input lands in the text the applied edits make.

    Edits never overlap, so a span moves by what the applied edits before it add or take
    away; an applied insertion where a span starts comes before it, as in
    :func:`~copydesk.edits.apply_edits`.
    """

    def __init__(self, edits: Sequence[Edit]) -> None:
        applied = sorted(
            (e.start, e.end, len(e.after) - (e.end - e.start)) for e in edits if e.applied
        )
        self._keys = [(start, end) for start, end, _ in applied]
        self._shifts = [0, *itertools.accumulate(delta for _, _, delta in applied)]

    def move(self, start: int, end: int) -> tuple[int, int]:
        shift = self._shifts[bisect.bisect_left(self._keys, (start, end))]
        return start + shift, end + shift


def _moved(spans: Sequence[ForeignSpan], edits: Sequence[Edit]) -> list[ForeignSpan]:
    """``spans`` of the input at their place in the text the applied ``edits`` make (no
    applied edit touches a span: they were left out)."""
    shifts = _Shifts(edits)
    moved = []
    for span in spans:
        start, end = shifts.move(span.start, span.end)
        moved.append(replace(span, start=start, end=end))
    return moved


def _pending_suggestions(edits: Sequence[Edit]) -> set[tuple[str, int, int]]:
    """(rule, start, end) of each suggestion still pending, at its place in the cleaned text."""
    shifts = _Shifts(edits)
    return {
        (e.rule, *shifts.move(e.start, e.end)) for e in edits if not e.applied and not e.rejected
    }


def _suggested(edit: Edit) -> Edit:
    return replace(edit, applied=False)


def _find(
    cleaned: str,
    language: str,
    settings: Settings,
    notes: list[str],
    suggested: set[tuple[str, int, int]],
    foreign: Sequence[ForeignSpan],
    source: SourceText | None = None,
    cap: FindingCap | None = None,
) -> list[Finding]:
    """Every registered checker's findings, graded, through one
    :class:`~copydesk.limits.FindingCap` (``cap``, else a new one); in the ``foreign`` spans
    only the untranslated checker's."""
    index = _span_index(foreign)

    def keep(f: Finding) -> bool:
        # A safe fix that was only suggested is also found by its rule: report it once. Text
        # in another language gets no findings of this language's checks. Both are decided
        # before the cap, so that it counts what is listed.
        if (f.rule, f.start, f.end) in suggested:
            return False
        in_foreign = bool(foreign) and index.overlaps(f.start, max(f.end, f.start + 1))
        return not in_foreign or f.rule.split(".")[0] == UntranslatedChecker.name

    if cap is None:
        cap = FindingCap()
    cap.keep = keep
    context = FindContext(
        language=language,
        ruleset=settings.rules(language),
        style=settings.house_style,
        date=settings.date,
        glossary=settings.glossary,
        lexicon=(
            glossary_lexicon(settings.glossary, language)
            if language in SPELLING_LANGUAGES
            else None
        ),
        notes=notes,
        foreign=foreign,
        source=source,
    )
    collect(checkers(), cleaned, context, cap)
    notes.extend(cap.notes())
    # dict.fromkeys, not set: duplicates go, and findings on the same span keep the order
    # their checker gave them (a set's order changes with the string hash seed).
    unique = dict.fromkeys(cap.findings())
    return sorted(unique, key=lambda f: (f.start, f.end, f.rule))


def clean(
    article: str | bytes | Document,
    settings: Settings | None = None,
    *,
    language: str | None = None,
    reference: str | None = None,
    name: str | None = None,
    source: str | bytes | Document | None = None,
    source_language: str | None = None,
) -> Result:
    """Clean one article and explain every change and doubt.

    ``article`` is text, raw bytes (decoded by :func:`~copydesk.load.load_bytes`) or a
    loaded :class:`~copydesk.load.Document`. ``language`` overrides detection. ``source`` is
    the text the article was translated from, in the same forms; ``source_language`` its
    language (default: detected).
    """
    settings = settings or default_settings()
    if language is None:
        language = settings.language
    doc = _document(article, name, settings)
    notes: list[str] = []
    if source is None and settings.source_dir is not None:
        source = _source_in(settings.source_dir, doc.name, settings, notes)
    source_doc = None if source is None else _document(source, "<source>", settings)
    text = doc.text
    lang = given_language(language) if language is not None else detect_language(text)
    if lang.code == UNDETERMINED:
        notes.append("language could not be determined: language-specific steps skipped")
    try:
        return _clean(
            doc,
            settings,
            lang,
            language,
            reference,
            notes,
            source_doc,
            source_language or settings.source_language,
        )
    except TooManyChanges as exc:
        msg = f"{doc.name}: {exc}"
        raise InputError(msg) from None


def _document(given: str | bytes | Document, name: str | None, settings: Settings) -> Document:
    """``given`` as a loaded document (bytes decoded within the size limit)."""
    if isinstance(given, bytes):
        return load_bytes(given, name or "<bytes>", max_mb=settings.max_mb)
    if isinstance(given, str):
        return Document(text=given, encoding="utf-8", name=name or "<text>")
    return given


def _source_in(
    folder: Path, article_name: str, settings: Settings, notes: list[str]
) -> Document | None:
    """The source of the article named ``article_name``: the file of the same name in
    ``folder``, or None with a note when there is none (never an error)."""
    base = re.split(r"[/\\]", article_name)[-1]
    path = folder / base
    if not base or base.startswith("<") or not path.is_file():
        notes.append(f"no source text {display_name(path)}: checked without one")
        return None
    return load_path(path, max_mb=settings.max_mb)


def source_text(source: Document, cleaned: str, language: str | None = None) -> SourceText:
    """``source`` aligned with ``cleaned``, in ``language`` (default: detected)."""
    code = (
        given_language(language).code if language is not None else detect_language(source.text).code
    )
    return align(source.text, cleaned, code, source.name)


def _clean(
    doc: Document,
    settings: Settings,
    lang: Language,
    language: str | None,
    reference: str | None,
    notes: list[str],
    source_doc: Document | None = None,
    source_language: str | None = None,
    cap: FindingCap | None = None,
    mentioned: set[int] | None = None,
) -> Result:
    """The stages after the language is decided (see :func:`clean`); ``cap`` counts the
    findings (a new :class:`~copydesk.limits.FindingCap` when None), ``mentioned`` the
    glossary entries named in earlier blocks of the article."""
    text = doc.text
    foreign = foreign_spans(text, lang.code) if lang.code != UNDETERMINED else []
    cleaned, edits = _fix_and_normalize(text, lang.code, settings, notes, foreign, mentioned)
    if (
        not language
        and cleaned[:SAMPLE_CHARS] != text[:SAMPLE_CHARS]
        # An opening the dictionary reads as the language needs no second detection.
        and not reads_as(cleaned[:SAMPLE_CHARS], lang.code)
    ):
        # Cleaning must leave text that cleaning leaves alone: a short text of names can read
        # as German, then as English once a name takes its German house form, and cleaning it
        # again would change it back. Such an article is left as it is (its language can be
        # given). Detection reads only the opening.
        after = detect_language(cleaned).code
        if after != lang.code and any(
            e.applied for e in _fix_and_normalize(cleaned, after, settings, [])[1]
        ):
            notes = [
                f"language unclear (detected as '{lang.code}', as '{after}' once cleaned): "
                "language-specific steps skipped; give the language to clean it"
            ]
            lang = replace(lang, code=UNDETERMINED, probability=None)
            foreign = []
            cleaned, edits = _fix_and_normalize(text, lang.code, settings, notes)
    edits, held = settings.memory.hold_back(cleaned, edits)
    if held:
        cleaned = apply_edits(text, edits)
        rules = ", ".join(dict.fromkeys(e.rule for e in held))
        notes.append(
            f"{len(held)} change(s) held back as suggestions by the false-alarm memory ({rules})"
        )
    if apply_edits(text, edits) != cleaned:  # the replay guarantee, checked on every run
        msg = "internal error: edits do not replay to the cleaned text"
        raise RuntimeError(msg)
    source = None if source_doc is None else source_text(source_doc, cleaned, source_language)
    findings, suppressed, scores = find_and_score(
        text,
        cleaned,
        edits,
        lang.code,
        settings,
        notes,
        reference,
        _moved(foreign, edits),
        source,
        cap,
    )
    signature = settings.signature(lang.code)
    if source is not None:
        signature = replace(signature, source=f"{source.language}@{source_hash(source.text)}")
    return Result(
        input=text,
        cleaned=cleaned,
        edits=tuple(edits),
        findings=tuple(findings),
        language=lang,
        encoding=doc.encoding,
        signature=signature,
        scores=scores,
        notes=tuple(notes),
        source_name=doc.name,
        suppressed=tuple(suppressed),
        source_text=source,
    )


def find_and_score(
    text: str,
    cleaned: str,
    edits: Sequence[Edit],
    language: str,
    settings: Settings,
    notes: list[str],
    reference: str | None = None,
    foreign: Sequence[ForeignSpan] | None = None,
    source: SourceText | None = None,
    cap: FindingCap | None = None,
) -> tuple[list[Finding], list[Finding], Scores]:
    """(findings, suppressed, scores) of ``cleaned``, made from ``text`` by ``edits``.

    The stages after the edits: checkers, grading, the false-alarm memory, scores. A review
    (:mod:`copydesk.review`) runs them again on the reviewed text. ``foreign`` are the spans
    of ``cleaned`` in another language (None: found here); ``source`` the source text aligned
    with ``cleaned``.
    """
    suggested = _pending_suggestions(edits)
    if foreign is None:
        foreign = foreign_spans(cleaned, language) if language != UNDETERMINED else []
    findings = _find(cleaned, language, settings, notes, suggested, foreign, source, cap)
    findings, suppressed = settings.memory.split(cleaned, findings)
    return findings, suppressed, score_run(text, cleaned, findings, reference)


def clean_file(
    path: str | os.PathLike[str], settings: Settings | None = None, **kwargs: object
) -> Result:
    """Load an article file (within the settings' size limit) and :func:`clean` it."""
    settings = settings or default_settings()
    return clean(load_path(path, max_mb=settings.max_mb), settings, **kwargs)  # type: ignore[arg-type]


def clean_block(
    doc: Document,
    settings: Settings,
    lang: Language | None,
    language: str | None,
    cap: FindingCap,
    mentioned: set[int],
) -> tuple[Result, Language]:
    """Clean one block of an article read in blocks (:mod:`copydesk.blocks`); returns its
    result and the article's language.

    The first block (``lang`` None) decides the language as :func:`clean` does (detection
    reads only the opening); every later block is cleaned in it. ``cap`` counts the block's
    findings; ``mentioned`` holds the glossary entries named so far (updated).
    """
    notes: list[str] = []
    if lang is None:
        lang = given_language(language) if language is not None else detect_language(doc.text)
        if lang.code == UNDETERMINED:
            notes.append("language could not be determined: language-specific steps skipped")
        given = language
    else:
        given = language or lang.code  # decided: the opening's second detection is not run
    try:
        result = _clean(doc, settings, lang, given, None, notes, cap=cap, mentioned=mentioned)
    except TooManyChanges as exc:
        msg = f"{doc.name}: {exc}"
        raise InputError(msg) from None
    return result, result.language if given is None else lang


def finish_blocks(parts: BlockParts, settings: Settings, blocks: int, block_chars: int) -> Result:
    """One result of an article's blocks, merged by :mod:`copydesk.blocks`: its scores those
    of the whole text (words and TER counts added up, MQM of the findings kept), a note on
    what was decided per block."""
    count = EditCount()
    words = 0
    for scores in parts.block_scores:
        if scores is None:
            continue
        words += scores.words
        details = scores.edit_rate.details
        count.edits += details["edits"]
        count.reference_words += details["reference_words"]
        count.split_pairs += details.get("split_lines", 0)
        skipped = details.get("not_scored", {})
        count.skipped_units += skipped.get("units", 0)
        count.skipped_words += skipped.get("reference_words", 0)
    note = (
        f"read and cleaned in {blocks} blocks of about {block_chars:,} characters (the article "
        "is too big to hold at once): the names the spelling and consistency checks learn from "
        "the article, and matches across a block's end, are per block"
    )
    return replace(
        parts.first,
        edits=parts.edits,
        findings=parts.findings,
        suppressed=parts.suppressed,
        notes=(*parts.notes, note),
        scores=Scores(
            words=words,
            mqm=mqm_score(parts.findings, words),
            edit_rate=edit_rate_of(count, parts.lines),
        ),
    )
