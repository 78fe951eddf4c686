"""Glossary files: house forms per language, their variants, and examples.

Contract: :func:`load_glossary` reads every ``*.yaml`` file of a folder (sorted by name, so
the result is deterministic) into a frozen :class:`Glossary`, or raises
:class:`~copydesk.errors.GlossaryError` naming ``file:line`` and the bad key. The format is
described in ``glossary/README.md``; a glossary entry's rule id is ``<domain>.<id>``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copydesk._yaml import LineDict, LineList, decode_utf8, load_yaml
from copydesk.errors import GlossaryError
from copydesk.load import read_regular_file

ENTRY_TYPES = ("place", "organisation", "person", "operation", "term")
CASE_POLICIES = ("sensitive", "insensitive")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_LANG = re.compile(r"^[a-z]{2,3}$")
_FILE_KEYS = {"domain", "description", "source", "source_url", "attribution", "defaults", "entries"}
_ENTRY_KEYS = {
    "id", "type", "forms", "variants", "case", "apply", "notes", "source", "source_url",
    "examples",
}  # fmt: skip
_DEFAULT_KEYS = {"type", "case", "apply", "source"}
_VARIANT_KEYS = {"text", "apply", "to"}


def default_glossary_dir() -> Path:
    """The glossary shipped with copydesk (``glossary/`` at the project root)."""
    return (Path(__file__).parent / "data" / "glossary").resolve()


@dataclass(frozen=True, slots=True)
class Form:
    """A house form: what the first mention and later mentions should read."""

    first: str
    later: str | None = None

    def for_mention(self, is_first: bool) -> str:
        """The form for a first or a later mention.

        >>> Form("Hayat Tahrir al-Sham (HTS)", "HTS").for_mention(False)
        'HTS'
        """
        return self.first if is_first or self.later is None else self.later

    def texts(self) -> tuple[str, ...]:
        """Every spelling this form can take."""
        return (self.first,) if self.later is None else (self.first, self.later)


@dataclass(frozen=True, slots=True)
class Variant:
    """A spelling that becomes the house form (or its own ``to`` text, per language)."""

    text: str
    apply: bool = True
    to: Mapping[str, str] | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class Example:
    """A text that must become ``result`` (``None``: must stay as it is)."""

    text: str
    result: str | None
    lang: str = "en"
    line: int = 0


@dataclass(frozen=True, slots=True)
class Entry:
    """One glossary entry: an entity or term with its house forms and variants."""

    id: str
    type: str
    forms: Mapping[str, Form]
    variants: tuple[Variant, ...]
    case: str = "sensitive"
    apply: bool = True
    notes: str | None = None
    source: str | None = None
    examples: tuple[Example, ...] = ()
    file: str = ""
    line: int = 0

    def form_texts(self, lang: str) -> tuple[str, ...]:
        """Every house-form spelling in ``lang`` (empty when the entry has none)."""
        form = self.forms.get(lang)
        return form.texts() if form else ()


@dataclass(frozen=True, slots=True)
class Glossary:
    """A whole glossary: entries from every file, and a hash of the files' content."""

    entries: tuple[Entry, ...]
    content_hash: str
    files: tuple[str, ...] = ()
    attributions: tuple[str, ...] = ()
    # Computed once: asked for every article, it must not cost a pass over the entries.
    _languages: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        languages = frozenset(lang for e in self.entries for lang in e.forms)
        object.__setattr__(self, "_languages", languages)

    def languages(self) -> frozenset[str]:
        """Languages for which at least one entry has a house form."""
        return self._languages

    def entry(self, entry_id: str) -> Entry:
        """The entry with this rule id."""
        for e in self.entries:
            if e.id == entry_id:
                return e
        raise KeyError(entry_id)


EMPTY_GLOSSARY = Glossary(entries=(), content_hash="none")


def _fail(path: Path, line: int, message: str) -> GlossaryError:
    return GlossaryError(f"{path}:{line}: {message}")


def _text(value: Any, path: Path, line: int, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        msg = f"'{key}' must be a non-empty string, got {value!r}"
        raise _fail(path, line, msg)
    if value != value.strip():
        msg = f"'{key}' has leading or trailing whitespace: {value!r}"
        raise _fail(path, line, msg)
    return value


def _bool(value: Any, path: Path, line: int, key: str) -> bool:
    if not isinstance(value, bool):
        msg = f"'{key}' must be true or false, got {value!r}"
        raise _fail(path, line, msg)
    return value


def _check_keys(obj: LineDict, allowed: set[str], path: Path, what: str) -> None:
    for key in obj:
        if key not in allowed:
            msg = f"unknown key '{key}' in {what} (allowed: {', '.join(sorted(allowed))})"
            raise _fail(path, obj.line_of(key), msg)


def _parse_form(value: Any, path: Path, line: int, lang: str) -> Form:
    if isinstance(value, LineDict):
        _check_keys(value, {"first", "later"}, path, f"form '{lang}'")
        first = _text(value.get("first"), path, value.line_of("first"), f"forms.{lang}.first")
        later = value.get("later")
        if later is not None:
            later = _text(later, path, value.line_of("later"), f"forms.{lang}.later")
        return Form(first, later)
    return Form(_text(value, path, line, f"forms.{lang}"))


def _parse_variant(value: Any, path: Path, line: int) -> Variant:
    if isinstance(value, LineDict):
        _check_keys(value, _VARIANT_KEYS, path, "variant")
        text = _text(value.get("text"), path, value.line_of("text"), "variants.text")
        apply = _bool(value.get("apply", True), path, value.line_of("apply"), "variants.apply")
        to_raw = value.get("to")
        to: dict[str, str] | None = None
        if to_raw is not None:
            if not isinstance(to_raw, LineDict) or not to_raw:
                msg = "'to' must map language codes to replacement texts"
                raise _fail(path, value.line_of("to"), msg)
            to = {
                lang: _text(t, path, to_raw.line_of(lang), f"variants.to.{lang}")
                for lang, t in to_raw.items()
            }
        return Variant(text=text, apply=apply, to=to, line=value.line)
    return Variant(text=_text(value, path, line, "variants"), line=line)


def _parse_examples(value: Any, path: Path, line: int) -> tuple[Example, ...]:
    if value is None:
        return ()
    if not isinstance(value, LineDict):
        msg = "'examples' must be a mapping with 'change' and/or 'keep' lists"
        raise _fail(path, line, msg)
    _check_keys(value, {"change", "keep"}, path, "examples")
    out: list[Example] = []
    for kind in ("change", "keep"):
        if kind not in value:
            continue
        items = value[kind]
        if not isinstance(items, LineList):
            msg = f"'examples.{kind}' must be a list"
            raise _fail(path, value.line_of(kind), msg)
        for item, item_line in zip(items, items.item_lines, strict=True):
            if kind == "keep" and isinstance(item, str):
                out.append(Example(item, None, "en", item_line))
                continue
            if not isinstance(item, LineDict):
                msg = f"an 'examples.{kind}' item must be a mapping with 'text'"
                raise _fail(path, item_line, msg)
            allowed = {"text", "result", "lang"} if kind == "change" else {"text", "lang"}
            _check_keys(item, allowed, path, f"examples.{kind} item")
            text = _text(item.get("text"), path, item.line_of("text"), "text")
            result = (
                _text(item.get("result"), path, item.line_of("result"), "result")
                if kind == "change"
                else None
            )
            lang = item.get("lang", "en")
            if not isinstance(lang, str) or not _LANG.match(lang):
                msg = f"'lang' must be a language code such as 'en', got {lang!r}"
                raise _fail(path, item.line_of("lang"), msg)
            out.append(Example(text, result, lang, item_line))
    return tuple(out)


def _parse_entry(raw: Any, line: int, path: Path, domain: str, defaults: LineDict) -> Entry:
    if not isinstance(raw, LineDict):
        msg = "an entry must be a mapping"
        raise _fail(path, line, msg)
    _check_keys(raw, _ENTRY_KEYS, path, "entry")
    merged: dict[str, Any] = {**defaults, **raw}
    entry_id = merged.get("id")
    if not isinstance(entry_id, str) or not _ID.match(entry_id):
        msg = f"'id' must match {_ID.pattern}, got {entry_id!r}"
        raise _fail(path, raw.line_of("id"), msg)
    entry_type = merged.get("type")
    if entry_type not in ENTRY_TYPES:
        msg = f"'type' must be one of {', '.join(ENTRY_TYPES)}, got {entry_type!r}"
        raise _fail(path, raw.line_of("type"), msg)
    case = merged.get("case", "sensitive")
    if case not in CASE_POLICIES:
        msg = f"'case' must be one of {', '.join(CASE_POLICIES)}, got {case!r}"
        raise _fail(path, raw.line_of("case"), msg)
    forms_raw = raw.get("forms")
    if not isinstance(forms_raw, LineDict) or not forms_raw:
        msg = "'forms' must map language codes to house forms"
        raise _fail(path, raw.line_of("forms"), msg)
    forms: dict[str, Form] = {}
    for lang, value in forms_raw.items():
        if not _LANG.match(lang):
            msg = f"'{lang}' is not a language code such as 'en'"
            raise _fail(path, forms_raw.line_of(lang), msg)
        forms[lang] = _parse_form(value, path, forms_raw.line_of(lang), lang)
    variants_raw = raw.get("variants", [])
    if not isinstance(variants_raw, LineList):
        msg = "'variants' must be a list"
        raise _fail(path, raw.line_of("variants"), msg)
    variants = tuple(
        _parse_variant(v, path, vl)
        for v, vl in zip(variants_raw, variants_raw.item_lines, strict=True)
    )
    source = merged.get("source")
    if source is not None:
        source = _text(source, path, raw.line_of("source"), "source")
    notes = raw.get("notes")
    if notes is not None:
        notes = _text(notes, path, raw.line_of("notes"), "notes")
    return Entry(
        id=f"{domain}.{entry_id}",
        type=entry_type,
        forms=forms,
        variants=variants,
        case=case,
        apply=_bool(merged.get("apply", True), path, raw.line_of("apply"), "apply"),
        notes=notes,
        source=source,
        examples=_parse_examples(raw.get("examples"), path, raw.line_of("examples")),
        file=str(path),
        line=raw.line,
    )


def parse_glossary_file(path: Path, text: str) -> tuple[list[Entry], str | None]:
    """Parse one glossary file; returns its entries and its attribution line."""
    data = load_yaml(path, text, GlossaryError)
    if not isinstance(data, LineDict):
        msg = "a glossary file must be a mapping with 'domain' and 'entries'"
        raise _fail(path, 1, msg)
    _check_keys(data, _FILE_KEYS, path, "glossary file")
    domain = data.get("domain")
    if not isinstance(domain, str) or not _ID.match(domain):
        msg = f"'domain' must match {_ID.pattern}, got {domain!r}"
        raise _fail(path, data.line_of("domain"), msg)
    defaults = data.get("defaults") or LineDict()
    if not isinstance(defaults, LineDict):
        msg = "'defaults' must be a mapping"
        raise _fail(path, data.line_of("defaults"), msg)
    _check_keys(defaults, _DEFAULT_KEYS, path, "defaults")
    entries_raw = data.get("entries")
    if not isinstance(entries_raw, LineList):
        msg = "'entries' must be a list"
        raise _fail(path, data.line_of("entries"), msg)
    entries = []
    seen: dict[str, int] = {}
    for raw, line in zip(entries_raw, entries_raw.item_lines, strict=True):
        entry = _parse_entry(raw, line, path, domain, defaults)
        if entry.id in seen:
            msg = f"duplicate id '{entry.id}' (first at line {seen[entry.id]})"
            raise _fail(path, line, msg)
        seen[entry.id] = line
        entries.append(entry)
    attribution = data.get("attribution")
    return entries, attribution if isinstance(attribution, str) else None


def load_glossary(directory: str | Path | None = None) -> Glossary:
    """Load every ``*.yaml`` glossary file of ``directory`` (default: the shipped one).

    A missing folder is an error; an empty one gives an empty glossary.
    """
    folder = Path(directory) if directory is not None else default_glossary_dir()
    if not folder.is_dir():
        msg = f"{folder}: glossary folder not found"
        raise GlossaryError(msg)
    digest = hashlib.sha256()
    entries: list[Entry] = []
    attributions: list[str] = []
    files = sorted(folder.glob("*.yaml"))
    ids: dict[str, str] = {}
    for path in files:
        data = read_regular_file(path, "a glossary file", GlossaryError)
        digest.update(path.name.encode() + b"\0" + data + b"\0")
        text = decode_utf8(path, data, GlossaryError)
        file_entries, attribution = parse_glossary_file(path, text)
        for entry in file_entries:
            if entry.id in ids:
                msg = f"{path}:{entry.line}: id '{entry.id}' is already used in {ids[entry.id]}"
                raise GlossaryError(msg)
            ids[entry.id] = str(path)
        entries.extend(file_entries)
        if attribution and attribution not in attributions:
            attributions.append(attribution)
    return Glossary(
        entries=tuple(entries),
        content_hash=digest.hexdigest()[:12],
        files=tuple(str(p) for p in files),
        attributions=tuple(attributions),
    )
