"""``copydesk glossary lint``: problems a glossary maintainer must fix before a release.

Contract: :func:`lint_glossary` returns one :class:`Problem` per issue found, sorted by
file and line; an empty list means the glossary is sound. It reports:

- ``conflict``: one spelling is a variant of two entries with different house forms, or a
  variant of one entry and a house form of another, in the same language;
- ``chain``: a replacement text that the glossary would change again (A -> B, B -> C, or a
  cycle), which would make cleaning cleaned text change it;
- ``hidden``: a variant found inside another entry's house form (it never fires there,
  since the longer form wins, but it shows a variant that is too short);
- ``example``: an entry's own ``change``/``keep`` example that fails;
- ``script``: a house form with a word that mixes Latin and Cyrillic letters (look-alike
  letters: "Идлиb"), or with Cyrillic letters in a language written in Latin letters; a
  source form (``sources``) not in its language's script (Arabic letters for ``ar``/``fa``,
  Cyrillic for ``ru``/``uk``, Han for ``zh``, no Cyrillic, Arabic or Han in a Latin one);
- ``source``: one source spelling of two entries in the same language (the key-terms check
  could not tell which entry the source names).

The checks run in every language that has forms: a replacement is checked against every
other language's forms as well, since those are variants too
(:mod:`copydesk.normalize`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from copydesk.glossary import Entry, Glossary
from copydesk.inflection import is_cyrillic
from copydesk.matcher import find_candidates, spelling_key
from copydesk.normalize import normalize_terms


@dataclass(frozen=True, slots=True)
class Problem:
    """One glossary problem, located in its file."""

    kind: str
    entry: str
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.kind}: {self.entry}: {self.message}"

    @classmethod
    def of(cls, kind: str, entry: Entry, message: str, line: int | None = None) -> Problem:
        """A problem of ``entry``, at ``line`` (the entry's own line by default)."""
        return cls(kind, entry.id, entry.file, line or entry.line, message)


def _targets(entry: Entry, lang: str) -> list[str]:
    out = list(entry.form_texts(lang))
    out += [v.to[lang] for v in entry.variants if v.to and lang in v.to]
    return out


def _conflicts(glossary: Glossary) -> list[Problem]:
    problems = []
    for lang in sorted(glossary.languages()):
        owners: dict[str, tuple[Entry, str]] = {}
        for entry in glossary.entries:
            if lang not in entry.forms:
                continue
            for text in entry.form_texts(lang):
                owners.setdefault(spelling_key(text), (entry, "form"))
        for entry in glossary.entries:
            if lang not in entry.forms:
                continue
            for v in entry.variants:
                if v.to is not None and lang not in v.to:
                    continue
                owner = owners.get(spelling_key(v.text))
                if owner is None:
                    owners[spelling_key(v.text)] = (entry, "variant")
                    continue
                other, kind = owner
                if other is entry:
                    continue
                mine = v.to[lang] if v.to else entry.forms[lang].first
                theirs = other.forms[lang].first
                if mine != theirs:
                    message = (
                        f"'{v.text}' ({lang}) is also a {kind} of {other.id} "
                        f"({other.file}:{other.line}), which gives '{theirs}', not '{mine}'"
                    )
                    problems.append(Problem.of("conflict", entry, message, v.line))
    return problems


def _chains_and_hidden(glossary: Glossary) -> list[Problem]:
    problems = []
    for entry in glossary.entries:
        for lang in sorted(entry.forms):
            for target in _targets(entry, lang):
                again = normalize_terms(target, glossary, lang)
                if again != target:
                    message = f"the replacement '{target}' ({lang}) would be changed again"
                    problems.append(Problem.of("chain", entry, f"{message} into '{again}'"))
                for c in find_candidates(target, glossary):
                    other = glossary.entries[c.pattern.entry_index]
                    whole = c.start == 0 and c.end == len(target)
                    if c.pattern.kind == "variant" and other is not entry and not whole:
                        message = f"variant '{c.pattern.text}' occurs inside '{target}'"
                        problems.append(
                            Problem.of("hidden", other, f"{message}, a form of {entry.id}")
                        )
    return problems


def _examples(glossary: Glossary) -> list[Problem]:
    problems = []
    for entry in glossary.entries:
        for ex in entry.examples:
            expected = ex.text if ex.result is None else ex.result
            got = normalize_terms(ex.text, glossary, ex.lang)
            if got != expected:
                message = f"'{ex.text}' ({ex.lang}) gives '{got}', expected '{expected}'"
                problems.append(Problem.of("example", entry, message, ex.line))
    return problems


_WORD = re.compile(r"\w+")
#: Languages whose forms may be written in Cyrillic (a Latin brand name such as "агентство
#: Anadolu" is a Russian form too); every other language's forms have no Cyrillic letter.
CYRILLIC_LANGUAGES = frozenset({"ru", "uk", "be", "bg", "sr", "mk", "kk"})


def _script_problem(text: str, lang: str) -> str | None:
    """Why the form ``text`` is in the wrong script for ``lang`` (``None``: it is not)."""
    for word in _WORD.findall(text):
        if len({is_cyrillic(c) for c in word if c.isalpha()}) > 1:
            return f"the word '{word}' mixes Latin and Cyrillic letters"
    if lang not in CYRILLIC_LANGUAGES and is_cyrillic(text):
        return "has Cyrillic letters"
    return None


def _scripts(glossary: Glossary) -> list[Problem]:
    problems = []
    for entry in glossary.entries:
        for lang in sorted(entry.forms):
            for text in entry.form_texts(lang):
                problem = _script_problem(text, lang)
                if problem:
                    message = f"the {lang} form '{text}': {problem}"
                    problems.append(Problem.of("script", entry, message))
    return problems


_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
_SOURCE_SCRIPTS = {"ar": _ARABIC_LETTER, "fa": _ARABIC_LETTER, "ur": _ARABIC_LETTER, "zh": _HAN}


def _source_script_problem(text: str, lang: str) -> str | None:
    """Why the source form ``text`` is not in ``lang``'s script (``None``: it is)."""
    script = _SOURCE_SCRIPTS.get(lang)
    if script is not None:
        if not script.search(text) or (lang != "zh" and _LATIN_LETTER.search(text)):
            return "is not in the language's script"
        return None
    if _ARABIC_LETTER.search(text) or _HAN.search(text):
        return "has Arabic or Han letters"
    return _script_problem(text, lang)


def _sources(glossary: Glossary) -> list[Problem]:
    problems = []
    owners: dict[tuple[str, str], Entry] = {}
    for entry in glossary.entries:
        for lang in sorted(entry.sources):
            for text in entry.sources[lang]:
                problem = _source_script_problem(text, lang)
                if problem:
                    message = f"the {lang} source form '{text}' {problem}"
                    problems.append(Problem.of("script", entry, message))
            for text in entry.source_texts(lang):
                other = owners.setdefault((lang, spelling_key(text)), entry)
                if other is not entry:
                    message = (
                        f"the {lang} source form '{text}' is also one of {other.id} "
                        f"({other.file}:{other.line})"
                    )
                    problems.append(Problem.of("source", entry, message))
    return problems


def lint_glossary(glossary: Glossary) -> list[Problem]:
    """Every problem in ``glossary`` (empty when it is sound)."""
    problems = _conflicts(glossary) + _chains_and_hidden(glossary) + _examples(glossary)
    problems += _scripts(glossary) + _sources(glossary)
    unique = dict.fromkeys(problems)
    return sorted(unique, key=lambda p: (p.file, p.line, p.kind, p.message))
