"""The false-alarm memory: findings an editor marked as fine, never raised again.

Contract: a memory is a YAML file (default ``false-alarms.yaml`` beside the glossary
folder) with one key, ``ignored``, a list of items with the keys of :data:`MEMORY_KEYS`::

    ignored:
      - rule: en.calques.in-turn        # required: the rule id
        context: "he said, in turn, that" # required: the normalised context
        fingerprint: 3f1c...            # written for readers; recomputed on load
        note: "quoted speech"           # may be empty
        date: '2026-01-31'              # when it was marked

Any other key, or a value of the wrong type, is a ConfigError reading
``file:line:col: what: 'key' problem``. A finding's fingerprint
is a hash of its rule id and its *normalised context* (the flagged text with up to
:data:`CONTEXT_WORDS` words either side in the same paragraph, case-folded, quotes and
whitespace normalised), so a marked finding stays suppressed when the article is edited
elsewhere, and comes back when its own wording changes.

A change an editor rejected by its rule in a review (:mod:`copydesk.review`) is remembered
the same way: its rule (entry) id and the normalised context of its ``before`` text
(:func:`change_contexts`). At the next cleaning such a change is not made: it is held back as
a suggestion (:meth:`FalseAlarmMemory.hold_back`) and a note says so; a finding of the same
rule in the same words is suppressed too, since the editor judged those words fine.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType

from copydesk._yaml import MappingReader, decode_utf8, load_yaml
from copydesk.edits import cleaned_offsets
from copydesk.errors import ConfigError
from copydesk.load import read_regular_file
from copydesk.model import Edit, Finding

CONTEXT_WORDS = 3
MEMORY_FILE = "false-alarms.yaml"
#: The keys a memory file accepts: the file's, and each ``ignored`` item's.
MEMORY_KEYS: Mapping[str, frozenset[str]] = MappingProxyType({
    "file": frozenset({"ignored"}),
    "item": frozenset({"rule", "context", "fingerprint", "note", "date"}),
})  # fmt: skip
_WORD = re.compile(r"\S+")
_CHANGE_WINDOW = 1000
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"'})


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_QUOTES).casefold()
    return " ".join(text.split())


def finding_context(text: str, finding: Finding) -> str:
    """The flagged text with a few words either side, within its paragraph, normalised.

    >>> t = "Putin said the visit was of great importance to both sides."
    >>> s = t.index("great")
    >>> f = Finding(s, s + 16, "great importance", "r", "c", "minor", "m")
    >>> finding_context(t, f)
    'visit was of great importance to both sides.'
    """
    return span_context(text, finding.start, finding.end)


def span_context(text: str, start: int, end: int) -> str:
    """``text[start:end]`` with up to :data:`CONTEXT_WORDS` words either side in its
    paragraph, normalised (see :func:`finding_context`)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before = _WORD.findall(text[line_start:start])[-CONTEXT_WORDS:]
    after = _WORD.findall(text[end:line_end])[:CONTEXT_WORDS]
    return _normalise(" ".join([*before, text[start:end], *after]))


def change_contexts(cleaned: str, edits: Iterable[Edit]) -> list[tuple[Edit, str]]:
    """Each applied change with its context for the memory.

    A change's context is its ``before`` text with a few words either side in the text
    every *other* applied change has made (the cleaned text with only this change
    undone): cleaning that text again, where the others are already made, finds the
    same context, so a remembered change stays held back.
    """
    out = []
    for edit, start, end in cleaned_offsets(edits):
        # Words within a window of the change, so that many changes on one long line cost
        # linear time; a context is a few words, far shorter.
        low = max(0, start - _CHANGE_WINDOW)
        line_start = cleaned.rfind("\n", low, start) + 1 or low
        line_end = cleaned.find("\n", end, end + _CHANGE_WINDOW)
        line_end = min(len(cleaned), end + _CHANGE_WINDOW) if line_end < 0 else line_end
        piece = cleaned[line_start:start] + edit.before + cleaned[end:line_end]
        at = start - line_start
        out.append((edit, span_context(piece, at, at + len(edit.before))))
    return out


def fingerprint(rule: str, context: str) -> str:
    """A short stable hash of a rule id and a normalised context."""
    return hashlib.sha256(f"{rule}\0{context}".encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class FalseAlarm:
    """One finding an editor marked as fine."""

    rule: str
    context: str
    note: str = ""
    date: str = ""

    @property
    def fingerprint(self) -> str:
        """The hash findings are compared by."""
        return fingerprint(self.rule, self.context)


@dataclass(frozen=True, slots=True)
class FalseAlarmMemory:
    """The false alarms of one memory file."""

    items: tuple[FalseAlarm, ...] = ()
    path: str | None = None

    @property
    def content_hash(self) -> str:
        """Changes when the set of suppressed fingerprints changes ("none" when empty)."""
        if not self.items:
            return "none"
        joined = "\n".join(sorted(i.fingerprint for i in self.items))
        return hashlib.sha256(joined.encode()).hexdigest()[:12]

    def split(self, text: str, findings: Sequence[Finding]) -> tuple[list[Finding], list[Finding]]:
        """(kept, suppressed): findings whose fingerprint is in the memory are suppressed."""
        if not self.items:
            return list(findings), []
        known = {i.fingerprint for i in self.items}
        kept: list[Finding] = []
        suppressed: list[Finding] = []
        for f in findings:
            target = suppressed if fingerprint(f.rule, finding_context(text, f)) in known else kept
            target.append(f)
        return kept, suppressed

    def hold_back(self, cleaned: str, edits: Sequence[Edit]) -> tuple[list[Edit], list[Edit]]:
        """(edits, held): applied changes whose rule and context are in the memory become
        suggestions (an editor rejected them there before); ``held`` lists them."""
        if not self.items:
            return list(edits), []
        known = {i.fingerprint for i in self.items}
        held = [
            e
            for e, context in change_contexts(cleaned, edits)
            if fingerprint(e.rule, context) in known
        ]
        if not held:
            return list(edits), []
        ids = {id(e) for e in held}
        return [replace(e, applied=False) if id(e) in ids else e for e in edits], held


def default_memory_path(glossary_dir: Path) -> Path:
    """``false-alarms.yaml`` beside the glossary folder."""
    return glossary_dir.resolve().parent / MEMORY_FILE


def check_writable(path: Path) -> None:
    """Refuse a memory file that is read-only, or whose folder cannot take a new file.

    The file is replaced atomically (a new file renamed over it), which a read-only file
    does not prevent; so its permission bits are checked too, not only ``os.access``
    (which always allows root).
    """
    folder = path.parent
    if path.exists():
        mode = path.stat().st_mode
        if not (mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) or not os.access(
            path, os.W_OK
        ):
            msg = f"{path}: the false-alarm memory file is read-only; make it writable first"
            raise ConfigError(msg)
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        msg = f"{folder}: cannot write the false-alarm memory here (no such folder, or read-only)"
        raise ConfigError(msg)


def _date(item: MappingReader) -> str:
    """An item's date as ``YYYY-MM-DD`` ("" when absent); YAML reads a bare date as a date."""
    value = item.data.get("date")
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(value).isoformat()
    msg = "must be a date such as 2026-01-31"
    raise item.fail(key="date", problem=msg)


def load_memory(path: Path | None) -> FalseAlarmMemory:
    """Read a memory file; a missing file is an empty memory."""
    if path is None or not os.path.lexists(path):
        return FalseAlarmMemory(path=str(path) if path else None)
    data = load_yaml(
        path,
        decode_utf8(
            path, read_regular_file(path, "a false-alarm memory", ConfigError), ConfigError
        ),
        ConfigError,
    )
    if data is None:
        return FalseAlarmMemory(path=str(path))
    memory = MappingReader(path, data, "false-alarm memory", MEMORY_KEYS["file"], ConfigError)
    memory.require("ignored")
    items = []
    for raw, at in memory.items("ignored"):
        item = memory.nested("ignored", raw, at, "ignored item", MEMORY_KEYS["item"])
        item.require("rule", "context")
        for key in ("fingerprint", "note"):
            if item.data.get(key) is not None:
                item.text(key, empty=key == "note")
        items.append(
            FalseAlarm(
                rule=item.text("rule"),
                context=_normalise(item.text("context")),
                note=str(item.data.get("note") or ""),
                date=_date(item),
            )
        )
    return FalseAlarmMemory(items=tuple(items), path=str(path))


def remember(
    path: Path, text: str, findings: Iterable[Finding], note: str = "", today: dt.date | None = None
) -> list[FalseAlarm]:
    """Add findings of ``text`` to the memory file at ``path``; returns the new items."""
    return remember_contexts(
        path, ((f.rule, finding_context(text, f)) for f in findings), note, today
    )


def remember_contexts(
    path: Path,
    contexts: Iterable[tuple[str, str]],
    note: str = "",
    today: dt.date | None = None,
) -> list[FalseAlarm]:
    """Add ``(rule, context)`` pairs to the memory file at ``path``; returns the new items.

    A finding's context is :func:`finding_context`; a rejected change's is from
    :func:`change_contexts`.
    """
    from copydesk.output import atomic_write_text

    check_writable(path)
    memory = load_memory(path)
    known = {i.fingerprint for i in memory.items}
    date = (today or dt.date.today()).isoformat()
    added = []
    for rule, context in contexts:
        item = FalseAlarm(rule, context, note, date)
        if item.fingerprint not in known:
            known.add(item.fingerprint)
            added.append(item)
    if added:
        items = [*memory.items, *added]
        doc = {
            "ignored": [
                {"rule": i.rule, "context": i.context, "fingerprint": i.fingerprint,
                 "note": i.note, "date": i.date}
                for i in items
            ]
        }  # fmt: skip
        header = (
            "# Findings an editor marked as fine, and changes an editor rejected by rule:\n"
            "# copydesk does not raise or make them again. Written by `copydesk ignore` and\n"
            "# by reviews; an item can be removed by hand.\n"
        )
        import yaml  # only to write: reading goes through _yaml

        atomic_write_text(path, header + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    return added
