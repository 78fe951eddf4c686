"""Key terms: a glossary name the source holds and its translation lost.

Contract: :class:`KeyTermsChecker` yields nothing without a source (``context.source`` is
None), for a source in the article's own language, or in a language no entry has a source
form for (a note says so). Otherwise, for each aligned pair of segments, every glossary entry
whose source form (an entry's ``sources`` for the source language, then its house forms in
that language: :meth:`~copydesk.glossary.Entry.source_texts`) occurs in the source segment,
and none of whose accepted spellings occurs in the target segment (or, when the pairs were
aligned by length, in the target segments next to it), is one finding
``key-terms.missing`` on the target segment (category Terminology) that names the source form
and the house form. Accepted spellings are every form and variant of the entry in any
language as the glossary automaton finds them (case endings included), so a known variant,
which normalisation already rewrites, is never reported here; each part of a form with its
acronym in brackets, the entry's source forms in the target's language ("Kurdistan Workers'
Party"), a person's surname alone, and a word holding or sharing the stem of a one-word name
("Nordsyrien", "syrische" for "Syrien") count too: precision first. A source form inside a
longer one (of any entry) is part of it. Each entry is reported once per segment. Offsets
index the text the checker is given.

Source matching is one multi-pattern pass per segment language:

- Arabic script (``ar``, ``fa``, ``ur``): vowel marks and the tatweel ignored, letters
  folded (alef forms, ``ى``/``ی`` to ``ي``, ``ک`` to ``ك``, ``ة`` to ``ه``, zero-width
  non-joiner to a space), and in Arabic the
  attached clitics ``و ف ب ك ل`` and the article ``ال`` may precede a form (``وإدلب``,
  ``بالرقة``, ``للجيش الوطني السوري``); the form must end at a word's end.
- Chinese and Japanese: no word boundaries (``普京说`` holds ``普京``).
- Every other language: the glossary's own automaton (:mod:`copydesk.matcher`) on the
  entries' source forms, whole words, with Russian case endings (``Идлибе``, ``Путиным``;
  Ukrainian forms take the Russian ending sets); a form written with a capital must be
  found with one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ahocorasick

from copydesk._cache import BoundedCache
from copydesk.findings.checker import FindContext, RuleFileChecker, rule_file_rules
from copydesk.glossary import Entry, Form, Glossary, load_glossary
from copydesk.langid import base_language
from copydesk.matcher import Automaton, compile_glossary, fold, is_word_char
from copydesk.model import Finding
from copydesk.rules.model import Match

__all__ = [
    "MISSING_RULE",
    "KeyTermsChecker",
    "SourceHit",
    "SourceTerms",
    "accepted_in",
    "source_terms",
]

MISSING_RULE = "key-terms.missing"
_FIELDS = frozenset({"entry", "source_form", "source_language", "house_form"})
_RULE_FILE = Path(__file__).with_name("key-terms.yaml")

ARABIC_SCRIPT_LANGUAGES = frozenset({"ar", "fa", "ur"})
UNSEGMENTED_LANGUAGES = frozenset({"zh", "ja"})
#: Languages whose source forms are keyed with the Russian case endings.
DECLINING_SOURCE_LANGUAGES = frozenset({"ru", "uk", "be"})
#: Alignment methods whose pairs are exact (:func:`copydesk.source.align`): a name is looked
#: for in its own target segment only; after any other, in the neighbouring ones too.
EXACT_METHODS = frozenset({"lines", "whole"})
# One code point for one code point, so offsets in the folded text are the text's.
_ARABIC_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ک": "ك", "ة": "ه",
    "\u200c": " ",
})  # fmt: skip
# What may stand between a word's start and an Arabic form: a conjunction, a preposition,
# the article ("وبالرقة" is و + ب + الرقة); ``_LAM`` after "ل" + "ال" merged to "لل".
_ARABIC_CLITICS = re.compile(r"[وف]?[بكل]?(?:ال)?")
_ARABIC_LAM = re.compile(r"[وف]?ل")
_ARTICLE = "ال"
#: Arabic vowel and other marks (fathatan to sukun and beyond, superscript alef) and the
#: tatweel: news rarely writes them, and a name is the same name with them.
_ARABIC_MARKS = frozenset(chr(c) for c in (*range(0x064B, 0x0660), 0x0670, 0x0640))


@dataclass(frozen=True, slots=True)
class SourceHit:
    """An occurrence of an entry's source form in a source text (offsets in that text)."""

    start: int
    end: int
    entry_index: int
    form: str  # the source form as the glossary writes it


def _fold_source(text: str) -> str:
    """Fold ``text`` one code point per code point: case, Arabic letter forms, spaces."""
    folded = fold(text).translate(_ARABIC_FOLD)
    return "".join(" " if c.isspace() else c for c in folded)


def _key(text: str) -> str:
    unmarked = "".join(c for c in text if c not in _ARABIC_MARKS)
    return " ".join(_fold_source(unmarked).split())


class _ScriptPass:
    """One Aho-Corasick automaton over folded source forms, for Arabic-script and Chinese
    sources (the word-boundary rules of the module docstring)."""

    def __init__(self, forms: Sequence[tuple[int, str]], language: str) -> None:
        self.language = language
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        table: dict[str, list[tuple[int, str, bool]]] = {}
        for entry_index, form in forms:
            key = _key(form)
            table.setdefault(key, []).append((entry_index, form, False))
            if language == "ar" and key.startswith(_ARTICLE) and len(key) > 3:
                # "ل" + "الرقة" is written "للرقة": key the form without its alef.
                table.setdefault(key[1:], []).append((entry_index, form, True))
        for key, owners in table.items():
            self._automaton.add_word(key, (len(key), tuple(owners)))
        self.size = len(table)
        if table:
            self._automaton.make_automaton()

    def _clitics(self, prefix: str, form: str) -> bool:
        """Whether ``prefix`` (folded) may stand before ``form`` in one Arabic word.

        The article makes an adjective of a name ending in ``ي`` or ``ية`` ("السورية" is
        "the Syrian", not Syria), so only conjunctions and prepositions go before those.
        """
        if self.language != "ar" or not _ARABIC_CLITICS.fullmatch(prefix):
            return False
        return not prefix.endswith(_ARTICLE) or not _key(form).endswith(("ي", "يه"))

    def find(self, text: str) -> Iterator[SourceHit]:
        if not self.size or not text:
            return
        # Vowel marks and the tatweel are left out of the view; ``kept`` maps it back.
        kept = [i for i, c in enumerate(text) if c not in _ARABIC_MARKS]
        view = "".join(text[i] for i in kept)
        folded = _fold_source(view)
        segmented = self.language not in UNSEGMENTED_LANGUAGES
        for last, (length, owners) in self._automaton.iter(folded):
            start, end = last - length + 1, last + 1
            if segmented and end < len(view) and is_word_char(view[end]):
                continue
            word_start = start
            while segmented and word_start > 0 and is_word_char(view[word_start - 1]):
                word_start -= 1
            prefix = folded[word_start:start]
            text_end = kept[end - 1] + 1
            while text_end < len(text) and text[text_end] in _ARABIC_MARKS:
                text_end += 1
            for entry_index, form, lam in owners:
                if lam:
                    if not _ARABIC_LAM.fullmatch(prefix):
                        continue
                elif prefix and not self._clitics(prefix, form):
                    continue
                yield SourceHit(kept[word_start], text_end, entry_index, form)


class _WordPass:
    """The glossary automaton over the source forms of one language: whole words, Russian
    case endings for Cyrillic forms."""

    def __init__(self, glossary: Glossary, forms: Sequence[tuple[int, str]], language: str):
        keyed = "ru" if language in DECLINING_SOURCE_LANGUAGES else language
        pseudo = Glossary(
            entries=tuple(
                Entry(id=f"source.{i}", type="term", forms={keyed: Form(form)}, variants=())
                for i, (_, form) in enumerate(forms)
            ),
            content_hash=f"{glossary.content_hash}:sources:{language}",
        )
        self._owners = tuple(forms)
        self._automaton = Automaton(pseudo)

    def find(self, text: str) -> Iterator[SourceHit]:
        for candidate in self._automaton.iter_find(text):
            entry_index, form = self._owners[candidate.pattern.entry_index]
            if form[:1].isupper() and not text[candidate.start].isupper():
                continue  # "Hama" is a name, "hama" is not
            yield SourceHit(candidate.start, candidate.end, entry_index, form)


class SourceTerms:
    """Every source form of a glossary in one language, ready for one pass per text."""

    def __init__(self, glossary: Glossary, language: str) -> None:
        self.glossary = glossary
        self.language = language
        forms = [
            (index, form)
            for index, entry in enumerate(glossary.entries)
            for form in entry.source_texts(language)
        ]
        self.size = len(forms)
        self._pass: _ScriptPass | _WordPass
        if language in ARABIC_SCRIPT_LANGUAGES or language in UNSEGMENTED_LANGUAGES:
            self._pass = _ScriptPass(forms, language)
        else:
            self._pass = _WordPass(glossary, forms, language)

    def find(self, text: str) -> list[SourceHit]:
        """Every occurrence of a source form in ``text``, in text order.

        >>> from copydesk.glossary import load_glossary
        >>> terms = source_terms(load_glossary(), "ar")
        >>> [terms.glossary.entries[h.entry_index].id for h in terms.find("وصل إلى إدلب وللرقة")]
        ['places.idlib', 'places.raqqa']
        """
        hits = sorted(self._pass.find(text), key=lambda h: (h.start, -h.end, h.entry_index))
        # A name inside a longer one is part of it (the "سوريا" of
        # "قوات سوريا الديمقراطية" names the SDF, not Syria): the longest match wins.
        kept: list[SourceHit] = []
        end = -1
        for hit in hits:
            if hit.end <= end:
                continue
            kept.append(hit)
            end = max(end, hit.end)
        return kept


_SOURCE_TERMS: BoundedCache[tuple[str, str], SourceTerms] = BoundedCache(8)


def source_terms(glossary: Glossary, language: str) -> SourceTerms:
    """The source forms of ``glossary`` in ``language``, built once per glossary and language."""
    key = (glossary.content_hash, language)
    return _SOURCE_TERMS.get(key, lambda: SourceTerms(glossary, language))


_WORD = re.compile(r"\w+")
_PARTICLE = re.compile(r"^(?:al|el|ul|ad|ar|as|ash|an|az|аль|аш|ад|ар|ас)-", re.IGNORECASE)


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", fold(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _stem_words(entry: Entry, language: str) -> list[str]:
    """The words a target may show the entry by besides its full spellings: a person's
    surname (without an Arabic article), or a one-word name; folded, marks stripped."""
    out: list[str] = []
    for lang in dict.fromkeys((language, "en")):
        for text in entry.form_texts(lang):
            words = text.split()
            if entry.type == "person" and words:
                out.append(_PARTICLE.sub("", words[-1]))
            elif len(words) == 1:
                out.append(words[0])
    return [_strip_marks(w) for w in out if len(w) >= 3]


def _shares_stem(word: str, stem_words: Sequence[str]) -> bool:
    """Whether ``word`` holds one of ``stem_words`` (a compound: "nordsyrien") or starts
    like it (half its length, at least 3: "syrische" for "syrien").

    >>> _shares_stem("nordsyriens", ["syrien"]), _shares_stem("russische", ["russland"])
    (True, True)
    >>> _shares_stem("moskau", ["syrien"])
    False
    """
    for stem in stem_words:
        if len(stem) >= 4 and stem in word:
            return True
        common = 0
        for a, b in zip(word, stem, strict=False):
            if a != b:
                break
            common += 1
        if common >= max(3, len(stem) // 2) and common >= min(len(stem), 4) - 1:
            return True
    return False


def accepted_in(target: str, glossary: Glossary, entries: Sequence[int], language: str) -> set[int]:
    """Which of ``entries`` (indices) ``target`` names by an accepted spelling.

    >>> from copydesk.glossary import load_glossary
    >>> g = load_glossary()
    >>> idlib = [i for i, e in enumerate(g.entries) if e.id == "places.idlib"]
    >>> accepted_in("Shelling in Idleb.", g, idlib, "en") == set(idlib)
    True
    """
    wanted = set(entries)
    found = {
        c.pattern.entry_index
        for c in compile_glossary(glossary).iter_find(target)
        if c.pattern.entry_index in wanted
    }
    rest = wanted - found
    if rest:
        words = [_strip_marks(w) for w in _WORD.findall(target)]
        phrased = f" {' '.join(words)} "
        for index in rest:
            entry = glossary.entries[index]
            stems = _stem_words(entry, language)
            stemmed = bool(stems) and any(_shares_stem(w, stems) for w in words)
            if stemmed or any(f" {p} " in phrased for p in _phrases(entry, language)):
                found.add(index)
    return found


def _parenthesised(text: str) -> tuple[str, str] | None:
    """A form and its bracketed acronym, split ("Hayat Tahrir al-Sham (HTS)"); with string
    methods, not a pattern, so a form of any length costs one pass.

    >>> _parenthesised("Hayat Tahrir al-Sham (HTS)"), _parenthesised("Idlib")
    (('Hayat Tahrir al-Sham', 'HTS'), None)
    """
    start = text.find("(", 1)
    if start < 0 or not text.endswith(")") or "\n" in text:
        return None
    head, inner = text[:start].rstrip(), text[start + 1 : -1]
    return (head, inner) if head.strip() and inner else None


def _phrases(entry: Entry, language: str) -> list[str]:
    """Spellings the target may use besides the automaton's, as folded words joined by
    spaces: each part of a form with its acronym in brackets ("Hayat Tahrir al-Sham" and "HTS"
    of "Hayat Tahrir al-Sham (HTS)"), and the entry's source forms in the target's language
    (how that language's press writes the name: "Kurdistan Workers' Party" for the PKK)."""
    texts = list(entry.sources.get(language, ()))
    for text in entry.form_texts(language):
        parts = _parenthesised(text)
        if parts:
            texts.extend(parts)
    return [" ".join(_strip_marks(w) for w in _WORD.findall(t)) for t in texts]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@cache
def _shipped_glossary() -> Glossary:
    return load_glossary()


class KeyTermsChecker(RuleFileChecker):
    """Glossary names in the source missing from the translation (see the module docstring)."""

    name = "key-terms"
    rule_file = _RULE_FILE
    fields = _FIELDS

    def find(self, text: str, context: FindContext) -> Iterator[Finding]:
        """The findings of the enabled rule."""
        source = context.source
        if source is None or MISSING_RULE not in self.enabled(context):
            return
        glossary = context.glossary or _shipped_glossary()
        source_language = base_language(source.language)
        language = base_language(context.language)
        if source_language in ("und", language):
            return
        terms = source_terms(glossary, source_language)
        if not terms.size:
            context.note(f"key terms: the glossary has no {source_language} source forms")
            return
        rule = rule_file_rules(_RULE_FILE, _FIELDS)[MISSING_RULE]
        segments = source.segments(text)
        # Pairs aligned by length may be shifted by one: a name found in a neighbouring
        # target segment is taken as rendered (lines pair one to one and are exact).
        reach = 0 if source.method in EXACT_METHODS else 1
        for number, (source_segment, target_segment, pair) in enumerate(segments):
            hits = terms.find(source_segment)
            named = {h.entry_index: h for h in reversed(hits)}  # the first hit of each entry
            candidates = [i for i in named if glossary.entries[i].forms.get(language)]
            if not candidates:
                continue
            accepted = accepted_in(target_segment, glossary, candidates, language)
            for near in range(max(0, number - reach), min(len(segments), number + reach + 1)):
                if near != number and set(candidates) - accepted:
                    rest = set(candidates) - accepted
                    accepted |= accepted_in(segments[near][1], glossary, sorted(rest), language)
            start, end = _trimmed(text, pair.target_start, pair.target_end)
            if start == end:
                continue
            for index in sorted(set(candidates) - accepted, key=lambda i: named[i].start):
                entry = glossary.entries[index]
                fields = {
                    "entry": entry.id,
                    "source_form": named[index].form,
                    "source_language": source_language,
                    "house_form": entry.forms[language].first,
                }
                yield rule.finding(text, Match(start, end, (), fields))
