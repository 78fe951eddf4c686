"""Glossary import and export: TBX-Basic, and the CSV/TSV glossaries of DeepL and Google.

Contract: :func:`import_glossary` reads a TBX, CSV or TSV file into copydesk entries
(:class:`Imported`); :func:`glossary_files` renders them as glossary YAML files, one per
domain, that :func:`~copydesk.glossary.load_glossary` reads back; :func:`export_glossary`
renders a loaded :class:`~copydesk.glossary.Glossary` in one of the formats. Malformed input
raises :class:`~copydesk.errors.GlossaryError` reading ``file:line:col: problem``. XML is
parsed by defusedxml with entity declarations and external references refused, so a hostile
TBX file cannot expand entities or reach the network. Both directions are deterministic:
copydesk -> TBX -> copydesk gives the same entries (what TBX-Basic has no field for travels in
``<note>`` elements that start ``copydesk-``), and export -> import -> export gives the same
file. What each format carries is in ``glossary/README.md`` (Import and export).
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from copydesk._yaml import line_col_at
from copydesk.errors import GlossaryError
from copydesk.glossary import CASE_POLICIES, ENTRY_TYPES, Entry, Example, Form, Glossary, Variant
from copydesk.load import read_regular_file

FORMATS = ("tbx", "csv", "tsv")
# An entry's source-language spellings (``sources:``, what a source text calls the entity),
# carried wherever the glossary model has them.
_HAS_SOURCES = "sources" in {f.name for f in fields(Entry)}
#: The prefix of a TBX ``<note>`` that carries what TBX-Basic has no data category for.
NOTE_PREFIX = "copydesk-"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_SLUG = re.compile(r"[^a-z0-9]+")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_QUALIFIED_ID = re.compile(r"^([a-z0-9][a-z0-9-]*)\.([a-z0-9][a-z0-9-]*)$")
_LANG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")
# TBX-Basic (martif) element names, and their TBX v3 (tbx) equivalents.
_ENTRY_TAGS = frozenset({"termEntry", "conceptEntry"})
_LANG_TAGS = frozenset({"langSet", "langSec"})
_TERM_TAGS = frozenset({"tig", "ntig", "termSec"})
_STATUSES = {
    "preferredTerm-admn-sts": "preferred",
    "preferred": "preferred",
    "admittedTerm-admn-sts": "admitted",
    "admitted": "admitted",
    "deprecatedTerm-admn-sts": "deprecated",
    "deprecated": "deprecated",
    "supersededTerm-admn-sts": "superseded",
    "superseded": "superseded",
}
# A preferred term of one of these types is the entry's later form (``HTS`` after the name).
_SHORT_TYPES = frozenset({"shortForm", "abbreviation", "acronym"})
_SHORT_TYPE = "shortForm"
_DTD = '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">'
_GOOGLE_EXTRA_COLUMNS = ("pos", "description")


@dataclass(frozen=True, slots=True)
class Imported:
    """Entries read from an external glossary, and the attributions its header names."""

    entries: tuple[Entry, ...]
    attributions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Exported:
    """An exported glossary: the file's text, entries written and entries left out."""

    text: str
    written: int
    skipped: int = 0


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What a file cannot say itself: the domain and type of its entries, and for a
    two-column file the languages of its columns."""

    domain: str = "imported"
    entry_type: str = "term"
    source_lang: str | None = None
    target_lang: str | None = None


# --- copydesk entries as plain data ------------------------------------------------------


def entry_data(entry: Entry) -> dict[str, Any]:
    """``entry`` as the mapping a glossary file writes for it (ids without the domain).

    Two entries with equal data load the same; positions in their files do not count.
    """
    data: dict[str, Any] = {"id": entry.id.partition(".")[2], "type": entry.type}
    data["forms"] = {
        lang: form.first if form.later is None else {"first": form.first, "later": form.later}
        for lang, form in entry.forms.items()
    }
    sources = entry_sources(entry)
    if sources:
        data["sources"] = {
            lang: texts[0] if len(texts) == 1 else list(texts) for lang, texts in sources.items()
        }
    if entry.variants:
        data["variants"] = [_variant_data(v) for v in entry.variants]
    if entry.case != "sensitive":
        data["case"] = entry.case
    if not entry.apply:
        data["apply"] = False
    if entry.notes is not None:
        data["notes"] = entry.notes
    if entry.source is not None:
        data["source"] = entry.source
    change = [_example_data(x) for x in entry.examples if x.result is not None]
    keep = [_example_data(x) for x in entry.examples if x.result is None]
    if change or keep:
        data["examples"] = {
            kind: items for kind, items in (("change", change), ("keep", keep)) if items
        }
    return data


def entry_sources(entry: Entry) -> Mapping[str, tuple[str, ...]]:
    """The entry's source-language spellings per language (empty when it has none)."""
    sources: Mapping[str, tuple[str, ...]] = getattr(entry, "sources", None) or {}
    return sources


def _with_sources(sources: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The keyword that gives a new :class:`Entry` its source-language spellings."""
    if not sources:
        return {}
    if not _HAS_SOURCES:
        msg = "this glossary model has no source-language spellings ('sources')"
        raise GlossaryError(msg)
    return {"sources": {lang: tuple(texts) for lang, texts in sources.items()}}


def _variant_data(variant: Variant) -> str | dict[str, Any]:
    if variant.apply and variant.to is None:
        return variant.text
    data: dict[str, Any] = {"text": variant.text}
    if not variant.apply:
        data["apply"] = False
    if variant.to is not None:
        data["to"] = dict(variant.to)
    return data


def _example_data(example: Example) -> str | dict[str, str]:
    if example.result is None and example.lang == "en":
        return example.text
    data = {"text": example.text}
    if example.result is not None:
        data["result"] = example.result
    if example.lang != "en":
        data["lang"] = example.lang
    return data


def glossary_files(imported: Imported) -> dict[str, str]:
    """Glossary YAML per domain (``{"places.yaml": text}``), entries in their input order."""
    by_domain: dict[str, list[Entry]] = {}
    for entry in imported.entries:
        by_domain.setdefault(entry.id.partition(".")[0], []).append(entry)
    files: dict[str, str] = {}
    for domain, entries in by_domain.items():
        head: dict[str, Any] = {"domain": domain}
        if imported.attributions:
            # A glossary file names one attribution; several share it, joined.
            head["attribution"] = "; ".join(imported.attributions)
        body = {"entries": [entry_data(e) for e in entries]}
        files[f"{domain}.yaml"] = _dump(head) + _dump(body)
    return files


# libyaml's emitter writes what the pure-Python one does, three times faster.
_DUMPER = yaml.CSafeDumper if yaml.__with_libyaml__ else yaml.SafeDumper


def _dump(data: Mapping[str, Any]) -> str:
    return yaml.dump(
        dict(data),
        Dumper=_DUMPER,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )


# --- import ------------------------------------------------------------------------------


def import_glossary(path: str | Path, fmt: str, options: ImportOptions | None = None) -> Imported:
    """Read ``path`` as ``fmt`` (one of :data:`FORMATS`) into copydesk entries."""
    opts = options or ImportOptions()
    file = Path(path)
    if fmt not in FORMATS:
        msg = f"{file}: unknown glossary format {fmt!r} (allowed: {', '.join(FORMATS)})"
        raise GlossaryError(msg)
    if not _ID.match(opts.domain):
        msg = f"domain {opts.domain!r} must match {_ID.pattern}"
        raise GlossaryError(msg)
    if opts.entry_type not in ENTRY_TYPES:
        msg = f"type {opts.entry_type!r} is not one of {', '.join(ENTRY_TYPES)}"
        raise GlossaryError(msg)
    data = read_regular_file(file, "a glossary file", GlossaryError)
    if fmt == "tbx":
        return _read_tbx(file, data, opts)
    text = _decode(file, data)
    if fmt == "tsv":
        rows = _tsv_rows(text)
    else:
        rows = _csv_rows(file, text)
        # Languages given: a pair file, even if its first row reads like codes ("EU,UE").
        pairs = opts.source_lang is not None or opts.target_lang is not None
        if rows and not pairs and _is_language_header(rows[0][1]):
            return _read_term_sets(file, rows, opts)
    return _read_pairs(file, rows, opts)


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = line_col_at(data, exc.start)
        msg = f"{path}:{line}:{col}: not valid UTF-8; re-save the file as UTF-8"
        raise GlossaryError(msg) from None


def _fail(path: Path, line: int, col: int, problem: str) -> GlossaryError:
    return GlossaryError(f"{path}:{line}:{col}: {problem}")


class _Ids:
    """Entry ids unique within the import: a taken id gets ``-2``, ``-3``, ..."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def claim(self, domain: str, wanted: str) -> str:
        base = wanted or "entry"
        candidate, n = base, 1
        while f"{domain}.{candidate}" in self.taken:
            n += 1
            candidate = f"{base}-{n}"
        self.taken.add(f"{domain}.{candidate}")
        return f"{domain}.{candidate}"


def slug(text: str) -> str:
    """An entry id made from a term: ASCII letters and digits joined by hyphens.

    >>> slug("Deir ez-Zor")
    'deir-ez-zor'
    >>> slug("Şanlıurfa")
    'sanlurfa'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG.sub("-", ascii_text.lower()).strip("-")


def _name_of(forms: Mapping[str, Form]) -> str:
    """An id for an entry with these forms: its English form's slug, else the first
    form's that has one (an Arabic or Cyrillic form gives none)."""
    ordered = sorted(forms.items(), key=lambda item: item[0] != "en")
    return next((slug(form.first) for _, form in ordered if slug(form.first)), "")


def _language(code: str) -> str | None:
    """``en`` for ``en``, ``EN``, ``en-US`` or ``zh_CN``; None for anything else."""
    match = _LANG.match(code.strip())
    return match.group(1).lower() if match else None


# CSV and TSV ------------------------------------------------------------------------------

Row = tuple[int, list[str]]


def _csv_rows(path: Path, text: str) -> list[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[Row] = []
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise _fail(path, reader.line_num, 1, f"CSV error: {exc}") from None
    return rows


def _tsv_rows(text: str) -> list[Row]:
    # DeepL's and Google's TSV have no quoting: a tab separates, a line ends an entry.
    return [
        (number, line.split("\t"))
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip()
    ]


def _is_language_header(cells: Sequence[str]) -> bool:
    names = [c.strip() for c in cells]
    languages = [n for n in names if n not in _GOOGLE_EXTRA_COLUMNS]
    return len(languages) >= 2 and all(_language(n) is not None for n in languages)


def _cell(path: Path, line: int, cells: Sequence[str], index: int, what: str) -> str:
    value = cells[index].strip()
    if not value:
        col = sum(len(c) + 1 for c in cells[:index]) + 1
        raise _fail(path, line, col, f"{what} is empty")
    return value


def _read_pairs(path: Path, rows: Sequence[Row], opts: ImportOptions) -> Imported:
    """DeepL glossary entries, Google unidirectional glossaries: source, target per line
    (DeepL's CSV may add the source and target language as columns 3 and 4)."""
    ids = _Ids()
    entries: list[Entry] = []
    for line, cells in rows:
        if len(cells) not in (2, 4):
            problem = (
                "expected 2 columns (source, target) or 4 (and their languages), "
                f"found {len(cells)}"
            )
            raise _fail(path, line, 1, problem)
        source_lang, target_lang = opts.source_lang, opts.target_lang
        if len(cells) == 4:
            source_lang = _language(cells[2]) or source_lang
            target_lang = _language(cells[3]) or target_lang
        if source_lang is None or target_lang is None:
            problem = "the columns' languages are unknown: give --source-lang and --target-lang"
            raise _fail(path, line, 1, problem)
        if source_lang == target_lang:
            raise _fail(path, line, 1, f"source and target are both in {source_lang!r}")
        source = _cell(path, line, cells, 0, "the source term")
        target = _cell(path, line, cells, 1, "the target term")
        forms = {source_lang: Form(source), target_lang: Form(target)}
        entry_id = ids.claim(opts.domain, _name_of(forms))
        entries.append(Entry(id=entry_id, type=opts.entry_type, forms=forms, variants=()))
    return Imported(tuple(entries))


def _read_term_sets(path: Path, rows: Sequence[Row], opts: ImportOptions) -> Imported:
    """Google's equivalent term sets: a header of language codes (and ``pos``,
    ``description``), then one entry per row."""
    head_line, header = rows[0]
    columns = [h.strip() for h in header]
    languages: dict[int, str] = {}
    for index, name in enumerate(columns):
        if name in _GOOGLE_EXTRA_COLUMNS:
            continue
        lang = str(_language(name))
        if lang in languages.values():
            raise _fail(path, head_line, 1, f"language {lang!r} has two columns")
        languages[index] = lang
    description = columns.index("description") if "description" in columns else None
    ids = _Ids()
    entries: list[Entry] = []
    for line, cells in rows[1:]:
        if len(cells) != len(columns):
            problem = f"expected {len(columns)} columns as the header has, found {len(cells)}"
            raise _fail(path, line, 1, problem)
        forms = {lang: Form(cells[i].strip()) for i, lang in languages.items() if cells[i].strip()}
        if not forms:
            raise _fail(path, line, 1, "no term in any language")
        notes = cells[description].strip() if description is not None else ""
        entries.append(
            Entry(
                id=ids.claim(opts.domain, _name_of(forms)),
                type=opts.entry_type,
                forms=forms,
                variants=(),
                notes=notes or None,
            )
        )
    return Imported(tuple(entries))


# TBX --------------------------------------------------------------------------------------


class _Positions(ET.TreeBuilder):
    """A tree builder that remembers where each element starts (line, column)."""

    def __init__(self) -> None:
        super().__init__()
        self.parser: DefusedXMLParser | None = None
        self.at: dict[int, tuple[int, int]] = {}

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        element = super().start(tag, attrs)
        if self.parser is not None:
            expat = self.parser.parser
            self.at[id(element)] = (expat.CurrentLineNumber, expat.CurrentColumnNumber + 1)
        return element


@dataclass
class _Tbx:
    """One TBX file being read: its path and where its elements are."""

    path: Path
    at: dict[int, tuple[int, int]]

    def fail(self, element: ET.Element, problem: str) -> GlossaryError:
        line, col = self.at.get(id(element), (1, 1))
        return _fail(self.path, line, col, problem)


def _parse_xml(path: Path, data: bytes) -> tuple[ET.Element, _Tbx]:
    builder = _Positions()
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    builder.parser = parser
    try:
        parser.feed(data)
        root = parser.close()
    except ET.ParseError as exc:
        line, col = exc.position
        problem = str(exc).partition(": line")[0]
        raise _fail(path, line, col + 1, f"XML error: {problem}") from None
    except DefusedXmlException as exc:
        expat = parser.parser
        line, col = expat.CurrentLineNumber, expat.CurrentColumnNumber + 1
        name = getattr(exc, "name", "")
        problem = f"entity declarations are refused (entity {name!r})"
        raise _fail(path, line, col, problem) from None
    return root, _Tbx(path, builder.at)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _children(element: ET.Element, *names: str) -> Iterator[ET.Element]:
    return (child for child in element if _local(child.tag) in names)


def _text(element: ET.Element) -> str:
    """An element's whole text (inline markup such as ``<hi>`` included), trimmed."""
    return "".join(element.itertext()).strip()


def _typed(element: ET.Element, name: str, kind: str) -> list[ET.Element]:
    return [c for c in element.iter() if _local(c.tag) == name and c.get("type") == kind]


@dataclass
class _EntryParts:
    """What one ``termEntry`` says, gathered before it becomes an :class:`Entry`."""

    entry_type: str
    case: str = "sensitive"
    apply: bool = True
    notes: list[str] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    forms: dict[str, Form] = field(default_factory=dict)
    variants: list[Variant] = field(default_factory=list)
    accepted: list[Example] = field(default_factory=list)
    sources: dict[str, list[str]] = field(default_factory=dict)


def _read_tbx(path: Path, data: bytes, opts: ImportOptions) -> Imported:
    root, tbx = _parse_xml(path, data)
    if _local(root.tag) not in ("martif", "tbx"):
        raise tbx.fail(root, f"the root element is <{_local(root.tag)}>, not <martif> (TBX)")
    attributions = tuple(
        _text(p)
        for desc in root.iter()
        if _local(desc.tag) == "sourceDesc"
        for p in _children(desc, "p")
        if _text(p)
    )
    ids = _Ids()
    entries = [
        _tbx_entry(tbx, element, opts, ids)
        for element in root.iter()
        if _local(element.tag) in _ENTRY_TAGS
    ]
    return Imported(tuple(entries), attributions)


def _tbx_entry(tbx: _Tbx, element: ET.Element, opts: ImportOptions, ids: _Ids) -> Entry:
    parts = _EntryParts(entry_type=opts.entry_type)
    for note in _children(element, "note"):
        _entry_note(tbx, note, parts)
    for definition in _children(element, "descrip"):
        if definition.get("type") == "definition" and _text(definition):
            parts.notes.append(_text(definition))
    provenance = [_text(a) for a in _children(element, "admin") if a.get("type") == "source"]
    for lang_set in _children(element, *_LANG_TAGS):
        _tbx_lang_set(tbx, lang_set, parts)
    if not parts.forms:
        raise tbx.fail(element, "the entry has no preferred term in any language")
    domain, name = _entry_name(element, opts, parts)
    known = {(x.text, x.lang) for x in parts.examples if x.result is None}
    accepted = [x for x in parts.accepted if (x.text, x.lang) not in known]
    return Entry(
        id=ids.claim(domain, name),
        type=parts.entry_type,
        forms=parts.forms,
        variants=tuple(parts.variants),
        case=parts.case,
        apply=parts.apply,
        notes="\n".join(parts.notes) or None,
        source="; ".join(p for p in provenance if p) or None,
        examples=_ordered_examples([*parts.examples, *accepted]),
        **_with_sources(parts.sources),
    )


def _ordered_examples(examples: Iterable[Example]) -> tuple[Example, ...]:
    # A glossary file lists change examples, then keep examples; so does a loaded entry.
    items = list(examples)
    return tuple(
        [x for x in items if x.result is not None] + [x for x in items if x.result is None]
    )


def _entry_name(element: ET.Element, opts: ImportOptions, parts: _EntryParts) -> tuple[str, str]:
    """The entry's domain and id: from a copydesk id (``places.sochi``), else the subject
    field (or the default domain) and the house form (or the TBX id)."""
    given = element.get("id", "")
    qualified = _QUALIFIED_ID.match(given)
    if qualified:
        return qualified.group(1), qualified.group(2)
    fields = [
        slug(_text(d))
        for d in _children(element, "descrip")
        if d.get("type") == "subjectField" and slug(_text(d))
    ]
    domain = fields[0] if fields else opts.domain
    return domain, _name_of(parts.forms) or slug(given)


def _note_value(tbx: _Tbx, note: ET.Element) -> tuple[str, str] | None:
    """``("type", "place")`` for ``<note>copydesk-type: place</note>``; None for a plain note."""
    text = _text(note)
    if not text.startswith(NOTE_PREFIX):
        return None
    key, sep, value = text[len(NOTE_PREFIX) :].partition(":")
    if not sep or not value.strip():
        raise tbx.fail(note, f"a {NOTE_PREFIX} note reads '{NOTE_PREFIX}KEY: VALUE'")
    return key.strip(), value.strip()


def _flag(tbx: _Tbx, note: ET.Element, value: str) -> bool:
    if value not in ("true", "false"):
        raise tbx.fail(note, f"{value!r} must be true or false")
    return value == "true"


def _entry_note(tbx: _Tbx, note: ET.Element, parts: _EntryParts) -> None:
    pair = _note_value(tbx, note)
    if pair is None:
        if _text(note):
            parts.notes.append(_text(note))
        return
    key, value = pair
    if key == "type" and value in ENTRY_TYPES:
        parts.entry_type = value
    elif key == "case" and value in CASE_POLICIES:
        parts.case = value
    elif key == "apply":
        parts.apply = _flag(tbx, note, value)
    elif key == "example":
        parts.examples.append(_example(tbx, note, value))
    else:
        raise tbx.fail(note, f"unknown or invalid note {NOTE_PREFIX}{key}: {value!r}")


def _json_object(tbx: _Tbx, note: ET.Element, value: str) -> dict[str, Any]:
    try:
        data = json.loads(value)
    except json.JSONDecodeError as exc:
        raise tbx.fail(note, f"not a JSON object: {exc.msg}") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise tbx.fail(note, "must be a JSON object of texts")
    return data


def _example(tbx: _Tbx, note: ET.Element, value: str) -> Example:
    data = _json_object(tbx, note, value)
    kind, text = data.get("kind"), data.get("text")
    if kind not in ("change", "keep") or not text or set(data) - {"kind", "text", "result", "lang"}:
        problem = (
            'an example reads {"kind": "change"|"keep", "text": ..., "result": ..., "lang": ...}'
        )
        raise tbx.fail(note, problem)
    result = data.get("result") if kind == "change" else None
    if kind == "change" and not result:
        raise tbx.fail(note, "a change example needs a result")
    return Example(text=text, result=result, lang=data.get("lang", "en"))


def _tbx_lang_set(tbx: _Tbx, lang_set: ET.Element, parts: _EntryParts) -> None:
    code = lang_set.get(_XML_LANG) or lang_set.get("lang") or ""
    lang = _language(code)
    if lang is None:
        raise tbx.fail(lang_set, f"xml:lang {code!r} is not a language code such as 'en'")
    unmarked: list[str] = []
    preferred: list[tuple[str, str | None]] = []
    for term_group in _children(lang_set, *_TERM_TAGS):
        terms = [t for t in term_group.iter() if _local(t.tag) == "term"]
        if len(terms) != 1 or not _text(terms[0]):
            raise tbx.fail(term_group, "a term group holds exactly one non-empty <term>")
        term = " ".join(_text(terms[0]).split())
        statuses = [_text(n) for n in _typed(term_group, "termNote", "administrativeStatus")]
        status = _STATUSES.get(statuses[0]) if statuses else "unmarked"
        if status is None:
            allowed = ", ".join(sorted(k for k in _STATUSES if k.endswith("-admn-sts")))
            raise tbx.fail(term_group, f"administrativeStatus {statuses[0]!r} (allowed: {allowed})")
        kinds = [_text(n) for n in _typed(term_group, "termNote", "termType")]
        if _is_source_term(tbx, term_group):
            parts.sources.setdefault(lang, []).append(term)
        elif status in ("deprecated", "superseded"):
            parts.variants.append(_tbx_variant(tbx, term_group, term))
        elif status == "preferred":
            preferred.append((term, kinds[0] if kinds else None))
        elif status == "unmarked":
            unmarked.append(term)
        else:
            parts.accepted.append(Example(term, None, lang))
    if not preferred and unmarked:
        # A TBX that marks no status: its first term is the house form.
        preferred.append((unmarked.pop(0), None))
    if preferred:
        first = next((t for t, kind in preferred if kind not in _SHORT_TYPES), preferred[0][0])
        later = next((t for t, kind in preferred if kind in _SHORT_TYPES and t != first), None)
        parts.forms[lang] = Form(first, later)
        rest = [t for t, _ in preferred if t not in (first, later)] + unmarked
        parts.accepted.extend(Example(t, None, lang) for t in rest)


def _is_source_term(tbx: _Tbx, term_group: ET.Element) -> bool:
    """Whether a term is one of the entry's source-language spellings, not a house form."""
    for note in _children(term_group, "note"):
        pair = _note_value(tbx, note)
        if pair == ("role", "source"):
            return True
        if pair is not None and pair[0] == "role":
            raise tbx.fail(note, f"{NOTE_PREFIX}role is 'source' or absent, not {pair[1]!r}")
    return False


def _tbx_variant(tbx: _Tbx, term_group: ET.Element, term: str) -> Variant:
    apply, to = True, None
    for note in _children(term_group, "note"):
        pair = _note_value(tbx, note)
        if pair is None:
            continue
        key, value = pair
        if key == "apply":
            apply = _flag(tbx, note, value)
        elif key == "role":
            continue  # read by _is_source_term
        elif key == "to":
            targets = _json_object(tbx, note, value)
            if not targets or not all(_ID.match(k) and _language(k) == k for k in targets):
                raise tbx.fail(note, "'to' maps language codes to replacement texts")
            to = dict(targets)
        else:
            raise tbx.fail(note, f"unknown note {NOTE_PREFIX}{key} on a term")
    return Variant(text=term, apply=apply, to=to)


# --- export ------------------------------------------------------------------------------


def export_glossary(
    glossary: Glossary,
    fmt: str,
    source_lang: str | None = None,
    target_lang: str | None = None,
) -> Exported:
    """``glossary`` as a TBX-Basic file, Google term sets (``csv`` with no languages given),
    or source-target pairs (``csv`` or ``tsv`` with both languages: DeepL, Google)."""
    if fmt == "tbx":
        return Exported(_tbx_text(glossary), len(glossary.entries))
    if (source_lang is None) != (target_lang is None):
        msg = "give both --source-lang and --target-lang, or neither"
        raise GlossaryError(msg)
    if source_lang is not None and target_lang is not None:
        return _pairs_text(glossary, source_lang, target_lang, "\t" if fmt == "tsv" else ",")
    if fmt == "tsv":
        msg = "a TSV glossary holds one language pair: give --source-lang and --target-lang"
        raise GlossaryError(msg)
    return _term_sets_text(glossary)


def _pairs_text(glossary: Glossary, source_lang: str, target_lang: str, sep: str) -> Exported:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n") if sep == "," else None
    written, skipped = 0, 0
    seen: set[str] = set()
    for entry in glossary.entries:
        source, target = entry.forms.get(source_lang), entry.forms.get(target_lang)
        # DeepL refuses a glossary with one source term twice: the first entry keeps it.
        if source is None or target is None or source.first in seen:
            skipped += 1
            continue
        seen.add(source.first)
        written += 1
        if writer is not None:
            writer.writerow([source.first, target.first])
        else:
            out.write(f"{source.first}\t{target.first}\n")
    return Exported(out.getvalue(), written, skipped)


def _term_sets_text(glossary: Glossary) -> Exported:
    languages = sorted(glossary.languages(), key=lambda lang: (lang != "en", lang))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*languages, "description"])
    for entry in glossary.entries:
        cells = [entry.forms[lang].first if lang in entry.forms else "" for lang in languages]
        writer.writerow([*cells, entry.notes or ""])
    return Exported(out.getvalue(), len(glossary.entries))


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element


def _note(parent: ET.Element, key: str, value: str) -> None:
    _sub(parent, "note", f"{NOTE_PREFIX}{key}: {value}")


def _compact_json(data: Mapping[str, str]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": "))


def _tbx_text(glossary: Glossary) -> str:
    martif = ET.Element("martif", {"type": "TBX-Basic", _XML_LANG: "en"})
    header = _sub(martif, "martifHeader")
    file_desc = _sub(header, "fileDesc")
    _sub(_sub(file_desc, "titleStmt"), "title", "copydesk glossary")
    source_desc = _sub(file_desc, "sourceDesc")
    for attribution in glossary.attributions:
        _sub(source_desc, "p", attribution)
    if not glossary.attributions:
        file_desc.remove(source_desc)
    _sub(_sub(header, "encodingDesc"), "p", "TBXBasicXCSV02.xcs", type="XCSURI")
    body = _sub(_sub(martif, "text"), "body")
    for entry in glossary.entries:
        _tbx_entry_element(body, entry)
    ET.indent(martif, space="  ")
    xml = ET.tostring(martif, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{_DTD}\n{xml}\n'


def _tbx_entry_element(body: ET.Element, entry: Entry) -> None:
    term_entry = _sub(body, "termEntry", id=entry.id)
    _sub(term_entry, "descrip", entry.id.partition(".")[0], type="subjectField")
    _note(term_entry, "type", entry.type)
    if entry.case != "sensitive":
        _note(term_entry, "case", entry.case)
    if not entry.apply:
        _note(term_entry, "apply", "false")
    if entry.notes is not None:
        _sub(term_entry, "note", entry.notes)
    for example in entry.examples:
        data = {"kind": "keep" if example.result is None else "change", "text": example.text}
        if example.result is not None:
            data["result"] = example.result
        data["lang"] = example.lang
        _note(term_entry, "example", _compact_json(data))
    if entry.source is not None:
        _sub(term_entry, "admin", entry.source, type="source")
    sources = entry_sources(entry)
    lang_sets: dict[str, ET.Element] = {}
    for index, (lang, form) in enumerate(entry.forms.items()):
        lang_set = lang_sets[lang] = ET.SubElement(term_entry, "langSet", {_XML_LANG: lang})
        _tig(lang_set, form.first, "preferredTerm-admn-sts")
        if form.later is not None:
            _tig(lang_set, form.later, "preferredTerm-admn-sts", _SHORT_TYPE)
        if index == 0:
            # copydesk variants have no language: they travel in the first language's set.
            for variant in entry.variants:
                tig = _tig(lang_set, variant.text, "deprecatedTerm-admn-sts")
                if not variant.apply:
                    _note(tig, "apply", "false")
                if variant.to is not None:
                    _note(tig, "to", _compact_json(variant.to))
    for lang, texts in sources.items():
        lang_set = lang_sets.get(lang) or ET.SubElement(term_entry, "langSet", {_XML_LANG: lang})
        for text in texts:
            # How the source press writes the name: a term of its language, marked so that
            # it comes back as a source spelling and not as a house form.
            _note(_tig(lang_set, text, "admittedTerm-admn-sts"), "role", "source")


def _tig(lang_set: ET.Element, term: str, status: str, term_type: str | None = None) -> ET.Element:
    tig = _sub(lang_set, "tig")
    _sub(tig, "term", term)
    if term_type is not None:
        _sub(tig, "termNote", term_type, type="termType")
    _sub(tig, "termNote", status, type="administrativeStatus")
    return tig
