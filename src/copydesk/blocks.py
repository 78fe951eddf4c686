"""Articles too big to hold at once: read, cleaned and reported block by block.

Contract: an article file larger than :func:`block_threshold_mb` megabytes
(:data:`DEFAULT_BLOCK_MB`, or ``COPYDESK_BLOCK_MB``) is never held whole. It is decoded as it
is read and cut into blocks of about :data:`BLOCK_CHARS` characters at a paragraph boundary
(a blank line, else a line break, else a space; a text without any is cut anywhere), each
block is cleaned as an article of its own (:func:`copydesk.pipeline.clean_block`), and the
per-block results are merged, offsets shifted, into one :class:`~copydesk.model.Result`
whose ``input`` and ``cleaned`` are empty: both texts are spooled to temporary files
(:class:`BlockRun`) and written from there. Memory stays flat in the article's length: one
block, the edits and the findings (at most :data:`~copydesk.limits.MAX_FINDINGS_PER_RULE`
per rule).

What is exact, and what is per block (the report's notes say so):

- the language is detected on the first block (detection reads only the opening
  :data:`~copydesk.langid.SAMPLE_CHARS` characters, which the first block holds), and every
  later block is cleaned in it;
- the findings cap counts every block's findings of a rule and keeps its first ones in
  text order, as for a whole article; the word count, the MQM penalty and the edit rate
  (TER per line, totals added up) are those of the whole text;
- a glossary name's first mention (its full form) is its first in the article;
- per block: the names the spelling and consistency checks learn from the article, and
  anything a rule pattern would match across the cut.

The JSON, plain-text and Markdown reports (numbers, lines and explanations carried from
block to block) and the cleaned text are written for such an article; the HTML page marks
changes and findings across the whole text, so the commands read such an article whole
when it is asked for (within the size limit, as before), and alike with a source text or a
reference; :func:`clean_in_blocks` itself refuses a source folder with an
:class:`~copydesk.errors.InputError` naming the threshold (:func:`whole_text_needed`).
"""

from __future__ import annotations

import codecs
import contextlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from types import TracebackType
from typing import TYPE_CHECKING, BinaryIO

from copydesk.errors import InputError
from copydesk.limits import FindingCap, check_changes, max_changes, setting_from_env
from copydesk.load import (
    Document,
    check_not_binary,
    check_size,
    display_name,
    load_bytes,
    max_size_mb,
    open_regular_file,
)
from copydesk.model import Edit, Finding, Result
from copydesk.scores.base import Scores

if TYPE_CHECKING:
    from copydesk.report import MarkdownBody
    from copydesk.settings import Settings

__all__ = [
    "BLOCK_CHARS",
    "BLOCK_MB_ENV",
    "DEFAULT_BLOCK_MB",
    "BlockRun",
    "block_threshold_mb",
    "clean_in_blocks",
    "in_blocks",
    "iter_blocks",
]

#: Articles over this many megabytes (of 1,000,000 bytes) are read and cleaned in blocks.
DEFAULT_BLOCK_MB = 4.0
#: The environment variable that moves the threshold, in megabytes.
BLOCK_MB_ENV = "COPYDESK_BLOCK_MB"
#: Characters per block (a block is cut at the paragraph boundary before this).
BLOCK_CHARS = 1_000_000
_MB = 1_000_000
# Bytes read from the file at a time.
_READ_BYTES = 1 << 20


def block_threshold_mb() -> float:
    """Articles over this many MB are cleaned in blocks (``COPYDESK_BLOCK_MB`` or the default).

    >>> block_threshold_mb() > 1
    True
    """
    return setting_from_env(BLOCK_MB_ENV, float, DEFAULT_BLOCK_MB, "a number of megabytes")


def in_blocks(path: str | os.PathLike[str]) -> bool:
    """Whether the article file at ``path`` is over the block threshold (False for a file
    that cannot be read: reading it whole then names the problem)."""
    try:
        return os.stat(path).st_size > block_threshold_mb() * _MB
    except (OSError, ValueError):
        return False


def whole_text_needed(what: str) -> InputError:
    """The error for ``what`` (a report format, a source text) on an article in blocks."""
    msg = (
        f"{what} needs the whole text, and articles over {block_threshold_mb():g} MB are read "
        f"in blocks; use --format json, text or md, or raise {BLOCK_MB_ENV}"
    )
    return InputError(msg)


def _cut(text: str, limit: int) -> int:
    """Where to cut ``text`` (longer than ``limit``): after the last blank line before
    ``limit``, else the last line break, else the last space, else at ``limit``."""
    floor = limit // 2
    for mark in ("\n\n", "\n", " "):
        at = text.rfind(mark, floor, limit)
        if at >= 0:
            return at + len(mark)
    return limit


def _decoder(
    first: bytes, name: str, max_mb: float | None
) -> tuple[str, codecs.IncrementalDecoder]:
    """The encoding of a file that starts with ``first`` and a decoder for all of it.

    A byte-order mark or plain UTF-8 is decoded as :func:`~copydesk.load.load_bytes` does;
    anything else is recognised from the opening bytes by ``load_bytes`` itself.
    """
    if first.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", codecs.getincrementaldecoder("utf-8-sig")()
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", codecs.getincrementaldecoder("utf-16")()
    if b"\x00" not in first:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(first, final=False)
        except UnicodeDecodeError:
            pass
        else:
            return "utf-8", codecs.getincrementaldecoder("utf-8")()
    # A legacy or BOM-less UTF-16 file: its opening tells (an odd cut cannot split a
    # single-byte character; UTF-16 opens with an even count).
    encoding = load_bytes(first[: len(first) // 2 * 2] or first, name, max_mb=max_mb).encoding
    return encoding, codecs.getincrementaldecoder(encoding)()


def iter_blocks(
    handle: BinaryIO, name: str, max_mb: float | None = None, block_chars: int = BLOCK_CHARS
) -> tuple[str, Iterator[str]]:
    """(encoding, blocks) of the article read from ``handle``; the blocks join to its text.

    Reading stops with an :class:`~copydesk.errors.InputError` once the size limit is
    passed, at bytes that do not decode, or at a control character no article has.
    """
    first = handle.read(_READ_BYTES)
    if not first:
        msg = f"{name}: the article is empty (0 bytes)"
        raise InputError(msg)
    encoding, decoder = _decoder(first, name, max_mb)
    limit = int(max_size_mb(max_mb) * _MB)

    def blocks() -> Iterator[str]:
        data, read, at, pending = first, 0, 0, ""
        anything = False
        while True:
            read += len(data)
            check_size(read, name, max_mb, more=True)
            final = not data
            try:
                pending += decoder.decode(data, final=final)
            except UnicodeDecodeError as exc:
                where = read - len(data) + max(exc.start, 0)
                msg = (
                    f"{name}: not valid {encoding} at byte {where}; the file mixes encodings. "
                    "Re-save it as UTF-8"
                )
                raise InputError(msg) from None
            while len(pending) > block_chars or (final and pending):
                cut = _cut(pending, block_chars) if len(pending) > block_chars else len(pending)
                block, pending = pending[:cut], pending[cut:]
                check_not_binary(block, name, at)
                anything = anything or bool(block.strip())
                at += len(block)
                yield block
            if final:
                break
            data = handle.read(min(_READ_BYTES, limit + 1 - read) or 1)
        if not anything:
            msg = f"{name}: the article is empty (nothing but whitespace)"
            raise InputError(msg)

    return encoding, blocks()


class _Spool:
    """A temporary UTF-8 file that a text is appended to and read back from in pieces."""

    def __init__(self) -> None:
        # Closed by close(), which the block run's context manager calls.
        self._file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115

    def write(self, text: str) -> None:
        self._file.write(text)

    def pieces(self, chars: int = _MB) -> Iterator[str]:
        """The text written so far, ``chars`` characters at a time."""
        self._file.flush()
        self._file.seek(0)
        while piece := self._file.read(chars):
            yield piece

    def close(self) -> None:
        self._file.close()


@dataclass
class BlockRun:
    """An article cleaned in blocks: the merged result (its ``input`` and ``cleaned`` empty)
    and the two texts, spooled (with the plain-text report's change and finding lines when
    asked for); a context manager that removes the spools."""

    result: Result
    blocks: int
    _spools: _Spools
    _markdown: MarkdownBody | None = None

    def texts(self) -> dict[str, Iterator[str]]:
        """The ``input`` and ``cleaned`` texts in pieces (:func:`copydesk.report.iter_json`)."""
        return {"input": self._spools.input.pieces(), "cleaned": self._spools.cleaned.pieces()}

    def cleaned_pieces(self) -> Iterator[str]:
        """The cleaned text in pieces."""
        return self._spools.cleaned.pieces()

    def text_report(self) -> Iterator[str]:
        """The plain-text report (:func:`copydesk.report.render_text`) in pieces."""
        from copydesk.report import text_head, text_tail

        if self._spools.lines is None:
            msg = "the block run was made without the plain-text report's lines"
            raise ValueError(msg)
        yield "\n".join(text_head(self.result)) + "\n"
        for spool in self._spools.lines:
            yield from spool.pieces()
        yield text_tail(self.result) + "\n"

    def markdown_report(self) -> Iterator[str]:
        """The Markdown report (:func:`copydesk.report.render_markdown`) in pieces."""
        from copydesk.report import markdown_head

        if self._spools.markdown is None or self._markdown is None:
            msg = "the block run was made without the Markdown report's parts"
            raise ValueError(msg)
        yield "\n".join([*markdown_head(self.result), "## Article with changes", ""]) + "\n"
        yield from self._spools.markdown.pieces()
        yield "\n" + "\n".join(["", *self._markdown.tail()]).rstrip() + "\n"

    def close(self) -> None:
        self._spools.close()

    def __enter__(self) -> BlockRun:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class _Spools:
    """The spooled texts of a block run: input, cleaned, and the plain-text report's change
    and finding lines (only when asked for)."""

    def __init__(self, text_lines: bool, markdown: bool) -> None:
        self.input = _Spool()
        self.cleaned = _Spool()
        self.lines = (_Spool(), _Spool()) if text_lines else None
        self.markdown = _Spool() if markdown else None

    def close(self) -> None:
        for spool in (self.input, self.cleaned, *(self.lines or ()), self.markdown):
            if spool is not None:
                spool.close()


def clean_in_blocks(
    path: str | os.PathLike[str],
    settings: Settings | None = None,
    *,
    language: str | None = None,
    name: str | None = None,
    block_chars: int = BLOCK_CHARS,
    text_report: bool = False,
    markdown_report: bool = False,
) -> BlockRun:
    """Clean the article file at ``path`` block by block (see the module's contract).

    ``settings`` are :class:`~copydesk.settings.Settings` (default: the shipped ones);
    ``text_report`` keeps the plain-text report's lines (:meth:`BlockRun.text_report`),
    ``markdown_report`` the Markdown report's parts (:meth:`BlockRun.markdown_report`).
    """
    from copydesk.pipeline import clean_block, finish_blocks
    from copydesk.settings import default_settings

    settings = settings or default_settings()
    name = name or display_name(path)
    if settings.source_dir is not None:
        what = "a source text (--source-dir)"
        raise whole_text_needed(what)
    spools = _Spools(text_report, markdown_report)
    with contextlib.ExitStack() as on_error:
        on_error.callback(spools.close)
        with open_regular_file(path) as handle:
            check_size(os.fstat(handle.fileno()).st_size, name, settings.max_mb)
            encoding, blocks = iter_blocks(handle, name, settings.max_mb, block_chars)
            merged = _Merge(max_changes(settings.max_changes), spools)
            lang = None
            count = 0
            mentioned: set[int] = set()
            for block in blocks:
                cap = FindingCap()
                doc = Document(text=block, encoding=encoding, name=name)
                result, lang = clean_block(doc, settings, lang, language, cap, mentioned)
                merged.add(result, cap)
                count += 1
                del result, block, doc
        final = finish_blocks(merged.parts(), settings, count, block_chars)
        on_error.pop_all()
    return BlockRun(final, count, spools, merged.markdown)


class _Merge:
    """The per-block results, merged as they come: edits and findings shifted to offsets in
    the whole texts, the findings cap's counts added up, notes once each."""

    def __init__(self, limit: int, spools: _Spools) -> None:
        self.limit = limit
        self.spools = spools
        self.markdown = _markdown_body() if spools.markdown is not None else None
        self.markdown_started = False
        self.input_at = 0
        self.cleaned_at = 0
        # Line and column (1-based) where the next block starts, in the input and cleaned.
        self.input_line_col = (1, 1)
        self.cleaned_line_col = (1, 1)
        self.lines = 0
        self.edits: list[Edit] = []
        self.cap = FindingCap()
        self.suppressed: list[Finding] = []
        self.notes: dict[str, None] = {}
        self.first: Result | None = None
        self.scores: list[Scores | None] = []

    def add(self, result: Result, cap: FindingCap) -> None:
        if self.first is None:
            self.first = replace(result, input="", cleaned="", edits=(), findings=())
        at, cleaned_at = self.input_at, self.cleaned_at
        self.edits += [replace(e, start=e.start + at, end=e.end + at) for e in result.edits]
        check_changes(len(self.edits), self.limit)
        # The block's cap saw every finding; its kept ones, shifted, go through the whole
        # article's cap, and the findings it only counted are added to the counts.
        shifted = [_shift(f, cleaned_at) for f in result.findings]
        before = dict(self.cap.counts)
        if self.spools.lines is not None or self.markdown is not None:
            self._reports(result)
        self.cap.add_all(shifted)
        for rule, total in cap.counts.items():
            self.cap.counts[rule] = before.get(rule, 0) + total
        self.suppressed += [_shift(f, cleaned_at) for f in result.suppressed]
        block_cap_notes = set(cap.notes())
        for note in result.notes:
            if note not in block_cap_notes:
                self.notes.setdefault(note, None)
        self.scores.append(result.scores)
        self.input_at += len(result.input)
        self.cleaned_at += len(result.cleaned)
        self.lines += max(result.input.count("\n"), result.cleaned.count("\n"))
        self.input_line_col = _after(result.input, self.input_line_col)
        self.cleaned_line_col = _after(result.cleaned, self.cleaned_line_col)
        self.spools.input.write(result.input)
        self.spools.cleaned.write(result.cleaned)

    def _reports(self, result: Result) -> None:
        """The plain-text report's lines, and the Markdown report's part, of the block's
        changes and of its findings that the article's cap keeps (the cap keeps the first
        ones in text order, so a block's findings kept now are kept at the end)."""
        from copydesk.report import LineIndex, text_edit_lines, text_finding_lines

        room = {rule: self.cap.limit - self.cap.kept(rule) for rule in self.cap.counts}
        kept = []
        for finding in result.findings:
            left = room.get(finding.rule, self.cap.limit)
            if left > 0:
                kept.append(finding)
            room[finding.rule] = left - 1
        if self.markdown is not None and self.spools.markdown is not None:
            part = replace(result, findings=tuple(kept))
            article = self.markdown.add(part, self.cleaned_line_col)
            if article:
                # Paragraphs are joined by a blank line, across blocks as within one.
                self.spools.markdown.write(("\n\n" if self.markdown_started else "") + article)
                self.markdown_started = True
        if self.spools.lines is None:
            return
        edit_lines = text_edit_lines(result.edits, LineIndex(result.input), self.input_line_col)
        finding_lines = text_finding_lines(kept, LineIndex(result.cleaned), self.cleaned_line_col)
        for spool, lines in zip(self.spools.lines, (edit_lines, finding_lines), strict=True):
            for line in lines:
                spool.write(line + "\n")

    def parts(self) -> BlockParts:
        assert self.first is not None  # iter_blocks yields at least one block
        return BlockParts(
            first=self.first,
            edits=tuple(self.edits),
            findings=tuple(self.cap.findings()),
            suppressed=tuple(self.suppressed),
            notes=(*self.notes, *self.cap.notes()),
            block_scores=tuple(self.scores),
            lines=self.lines + 1,
        )


@dataclass(frozen=True)
class BlockParts:
    """What :func:`copydesk.pipeline.finish_blocks` makes one result of."""

    first: Result
    edits: tuple[Edit, ...]
    findings: tuple[Finding, ...]
    suppressed: tuple[Finding, ...]
    notes: tuple[str, ...]
    block_scores: tuple[Scores | None, ...]
    lines: int


def _markdown_body() -> MarkdownBody:
    from copydesk.report import MarkdownBody

    return MarkdownBody()


def _after(text: str, at: tuple[int, int]) -> tuple[int, int]:
    """Line and column just after ``text``, which starts at line:column ``at``."""
    breaks = text.count("\n")
    if not breaks:
        return at[0], at[1] + len(text)
    return at[0] + breaks, len(text) - text.rfind("\n")


def _shift(finding: Finding, by: int) -> Finding:
    return replace(finding, start=finding.start + by, end=finding.end + by)
