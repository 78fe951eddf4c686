"""Glossary files: house forms per language, their variants, and examples.

Contract: :func:`load_glossary` reads every ``*.yaml`` file of a folder (sorted by name, so
the result is deterministic) into a frozen :class:`Glossary`, or raises
:class:`~copydesk.errors.GlossaryError` reading ``file:line:col: what: 'key' problem``; an
unknown key at any level (:data:`GLOSSARY_KEYS`) is an error. The format is
described in ``glossary/README.md``; a glossary entry's rule id is ``<domain>.<id>``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from copydesk._yaml import LineDict, MappingReader, Position, decode_utf8, load_yaml
from copydesk.disk_cache import cached
from copydesk.errors import GlossaryError
from copydesk.load import read_regular_file

ENTRY_TYPES = ("place", "organisation", "person", "operation", "term")
CASE_POLICIES = ("sensitive", "insensitive")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_LANG = re.compile(r"^[a-z]{2,3}$")
#: The keys a glossary file accepts at each level; any other key is an error.
GLOSSARY_KEYS: Mapping[str, frozenset[str]] = MappingProxyType({
    "file": frozenset(
        {"domain", "description", "source", "source_url", "attribution", "defaults", "entries"}
    ),
    "defaults": frozenset({"type", "case", "apply", "source"}),
    "entry": frozenset({
        "id", "type", "forms", "variants", "case", "apply", "notes", "source", "source_url",
        "examples", "sources",
    }),
    "form": frozenset({"first", "later"}),
    "variant": frozenset({"text", "apply", "to"}),
    "examples": frozenset({"change", "keep"}),
    "example.change": frozenset({"text", "result", "lang"}),
    "example.keep": frozenset({"text", "lang"}),
})  # fmt: skip


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
    col: int = 0
    # How the press of a source language writes the name (``sources:``), per language code.
    sources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def source_texts(self, lang: str) -> tuple[str, ...]:
        """Every spelling a source text in ``lang`` may name the entry by: its ``sources``
        for ``lang``, then its house forms in ``lang`` (a Russian form is how a Russian
        source writes the name too).

        >>> e = Entry("places.idlib", "place", {"ru": Form("Идлиб")}, (), sources={"ar": ("إدلب",)})
        >>> e.source_texts("ar"), e.source_texts("ru"), e.source_texts("tr")
        (('إدلب',), ('Идлиб',), ())
        """
        return tuple(dict.fromkeys((*self.sources.get(lang, ()), *self.form_texts(lang))))

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


def _lang(reader: MappingReader, key: str) -> str:
    """A language-code key of a mapping keyed by language (``forms``, a variant's ``to``)."""
    if not _LANG.match(key):
        raise reader.fail(key, "is not a language code such as 'en'")
    return key


def _parse_form(entry: MappingReader, forms: MappingReader, lang: str) -> Form:
    if not isinstance(forms.data[lang], LineDict):
        return Form(forms.text(lang, trimmed=True))
    form = forms.child(lang, f"{entry.what} form {lang!r}", GLOSSARY_KEYS["form"])
    form.require("first")
    return Form(form.text("first", trimmed=True), form.optional_text("later", trimmed=True))


def _parse_variant(entry: MappingReader, value: Any, at: Position) -> Variant:
    if not isinstance(value, LineDict):
        return Variant(text=entry.item_text("variants", value, at, trimmed=True), line=at[0])
    variant = entry.nested("variants", value, at, f"{entry.what} variant", GLOSSARY_KEYS["variant"])
    variant.require("text")
    to: dict[str, str] | None = None
    if variant.data.get("to") is not None:
        targets = variant.child("to", f"{variant.what} 'to'", None)
        if not targets.data:
            msg = "must map language codes to replacement texts"
            raise variant.fail(key="to", problem=msg)
        to = {_lang(targets, lang): targets.text(lang, trimmed=True) for lang in targets.data}
    return Variant(
        text=variant.text("text", trimmed=True),
        apply=variant.flag("apply") if "apply" in variant.data else True,
        to=to,
        line=at[0],
    )


def _parse_sources(entry: MappingReader) -> dict[str, tuple[str, ...]]:
    """An entry's ``sources``: language code -> one spelling or a list of spellings."""
    if entry.data.get("sources") is None:
        return {}
    reader = entry.child("sources", f"{entry.what} sources", None)
    if not reader.data:
        msg = "must map language codes to source-language spellings"
        raise entry.fail(key="sources", problem=msg)
    out: dict[str, tuple[str, ...]] = {}
    for lang in reader.data:
        _lang(reader, lang)
        if isinstance(reader.data[lang], list):
            texts = [reader.item_text(lang, v, at, trimmed=True) for v, at in reader.items(lang)]
            if not texts:
                raise reader.fail(key=lang, problem="must list at least one spelling")
            out[lang] = tuple(dict.fromkeys(texts))
        else:
            out[lang] = (reader.text(lang, trimmed=True),)
    return out


def _parse_examples(entry: MappingReader) -> tuple[Example, ...]:
    if entry.data.get("examples") is None:
        return ()
    examples = entry.child("examples", f"{entry.what} examples", GLOSSARY_KEYS["examples"])
    out: list[Example] = []
    for kind in ("change", "keep"):
        if kind not in examples.data:
            continue
        for item, at in examples.items(kind):
            if kind == "keep" and not isinstance(item, LineDict):
                out.append(Example(examples.item_text(kind, item, at), None, "en", at[0]))
                continue
            what = f"{examples.what} {kind!r} item"
            example = examples.nested(kind, item, at, what, GLOSSARY_KEYS[f"example.{kind}"])
            example.require(*(("text", "result") if kind == "change" else ("text",)))
            lang = example.matching("lang", _LANG) if "lang" in example.data else "en"
            result = example.text("result", trimmed=True) if kind == "change" else None
            out.append(Example(example.text("text", trimmed=True), result, lang, at[0]))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class _Defaults:
    """A file's ``defaults``: values every entry takes unless it sets its own."""

    type: str | None = None
    case: str = "sensitive"
    apply: bool = True
    source: str | None = None


def _values(reader: MappingReader, defaults: _Defaults) -> _Defaults:
    """``defaults`` overridden by the keys that ``reader`` (defaults or an entry) sets."""
    return _Defaults(
        type=reader.choice("type", ENTRY_TYPES) if "type" in reader.data else defaults.type,
        case=reader.choice("case", CASE_POLICIES) if "case" in reader.data else defaults.case,
        apply=reader.flag("apply") if "apply" in reader.data else defaults.apply,
        source=(
            reader.optional_text("source", trimmed=True)
            if "source" in reader.data
            else defaults.source
        ),
    )


def _parse_entry(
    file: MappingReader, raw: Any, at: Position, domain: str, defaults: _Defaults
) -> Entry:
    named = isinstance(raw, LineDict) and isinstance(raw.get("id"), str)
    what = f"entry {raw['id']!r}" if named else "entry"
    entry = file.nested("entries", raw, at, what, GLOSSARY_KEYS["entry"])
    entry.require("id")
    entry_id = entry.matching("id", _ID)
    values = _values(entry, defaults)
    if values.type is None:
        entry.require("type")
    entry.require("forms")
    forms_reader = entry.child("forms", f"{what} forms", None)
    if not forms_reader.data:
        msg = "must map language codes to house forms"
        raise entry.fail(key="forms", problem=msg)
    forms = {
        _lang(forms_reader, lang): _parse_form(entry, forms_reader, lang)
        for lang in forms_reader.data
    }
    variants = (
        tuple(_parse_variant(entry, v, v_at) for v, v_at in entry.items("variants"))
        if "variants" in entry.data
        else ()
    )
    if "source_url" in entry.data:
        entry.optional_text("source_url", trimmed=True)
    return Entry(
        id=f"{domain}.{entry_id}",
        type=str(values.type),
        forms=forms,
        variants=variants,
        case=values.case,
        apply=values.apply,
        notes=entry.optional_text("notes", trimmed=True) if "notes" in entry.data else None,
        source=values.source,
        examples=_parse_examples(entry),
        file=str(file.path),
        line=at[0],
        col=at[1],
        sources=_parse_sources(entry),
    )


def parse_glossary_file(path: Path, text: str) -> tuple[list[Entry], str | None]:
    """Parse one glossary file; returns its entries and its attribution line."""
    data = load_yaml(path, text, GlossaryError)
    file = MappingReader(path, data, "glossary file", GLOSSARY_KEYS["file"], GlossaryError)
    file.require("domain", "entries")
    domain = file.matching("domain", _ID)
    for key in ("description", "source", "source_url"):
        if key in file.data:
            file.text(key, trimmed=True)
    attribution = file.text("attribution", trimmed=True) if "attribution" in file.data else None
    defaults = _Defaults()
    if file.data.get("defaults") is not None:
        defaults = _values(file.child("defaults", "defaults", GLOSSARY_KEYS["defaults"]), defaults)
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for raw, at in file.items("entries"):
        entry = _parse_entry(file, raw, at, domain, defaults)
        if entry.id in seen:
            what = f"entry {raw['id']!r}"
            where = raw.position_of("id")
            msg = f"{what}: 'id' is a duplicate (first at line {seen[entry.id]})"
            raise file.error(where, msg)
        seen[entry.id] = at[0]
        entries.append(entry)
    return entries, attribution


def load_glossary(directory: str | Path | None = None) -> Glossary:
    """Load every ``*.yaml`` glossary file of ``directory`` (default: the shipped one).

    A missing folder is an error; an empty one gives an empty glossary. A glossary that
    loaded before from the same files' bytes is read back from the disk cache
    (:mod:`copydesk.disk_cache`).
    """
    folder = Path(directory) if directory is not None else default_glossary_dir()
    if not folder.is_dir():
        msg = f"{folder}: glossary folder not found"
        raise GlossaryError(msg)
    files = sorted(folder.glob("*.yaml"))
    try:
        content = [
            path.name.encode() + b"\0" + read_regular_file(path, "a glossary file", GlossaryError)
            for path in files
        ]
    except GlossaryError:
        # An unreadable file: the loader reports it, in its own order among the errors.
        return _load_glossary_files(files)
    return cached("glossary", str(folder), content, Glossary, lambda: _load_glossary_files(files))


def _load_glossary_files(files: list[Path]) -> Glossary:
    digest = hashlib.sha256()
    entries: list[Entry] = []
    attributions: list[str] = []
    ids: dict[str, str] = {}
    for path in files:
        data = read_regular_file(path, "a glossary file", GlossaryError)
        digest.update(path.name.encode() + b"\0" + data + b"\0")
        text = decode_utf8(path, data, GlossaryError)
        file_entries, attribution = parse_glossary_file(path, text)
        for entry in file_entries:
            if entry.id in ids:
                name = entry.id.partition(".")[2]
                msg = (
                    f"{path}:{entry.line}:{entry.col}: entry {name!r}: 'id' is already used "
                    f"in {ids[entry.id]}"
                )
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
