"""Consistency findings: one name spelled two ways in one article.

Contract: :func:`iter_inconsistent_names` never changes text; it yields
:class:`~copydesk.model.Finding` values whose offsets index the text it was given, one per
pair of spellings, at the first occurrence of the rarer one (the later one when the counts
are equal). :func:`name_spellings` counts an article's name spellings, and
:func:`spellings_across` groups the spellings of several articles that differ (the batch
summary lists them). The rule is declared in ``consistency.yaml`` beside this module.

``consistency.name-spelling`` (``Terminology/Inconsistent``, minor)
    Two spellings of a name in one article ("Menbij" 1, "Manbidj" 3), as Xbench's
    inconsistency check does for names. A *name* is a capitalised word of at least
    :data:`MIN_LETTERS` letters in Latin or Cyrillic script, not in capitals only, with no
    capital inside, that the dictionary of the article's language does not know (so never
    an ordinary word at the start of a sentence) and that no glossary entry knows (a
    glossary spelling is normalised or reported by the spelling checker). Two names are one
    name spelled two ways when they share the transliteration key
    (:func:`copydesk.translit.skeleton`), their vowels agree
    (:func:`copydesk.translit.same_vowels`), neither is the other with a plural or demonym
    ending (nor, in Cyrillic, the same name in another case: "Рванды", "Рванде"), and
    their similarity is at least :data:`MIN_SIMILARITY`. No replacement: which
    spelling is right is the editor's call (the message shows both, with their counts).

Measured (``scripts/measure_variants.py``, figures in ``docs/variants.md``): 0 findings on
the human references of the TED MQM data (8,797 words), on the English WMT24 news sources
(4,628 words) and on the TED MT (34,704 words).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from copydesk.findings._words import (
    fold_accents,
    normalize_apostrophes,
    occurrences,
    word_counter,
    word_scripts,
)
from copydesk.findings.checker import FindContext, RuleFileChecker, rule_file_rules
from copydesk.findings.spelling import dictionary_knows
from copydesk.inflection import is_cyrillic
from copydesk.model import Finding
from copydesk.rules.model import Match
from copydesk.translit import is_derived, same_vowels, similarity, skeleton

__all__ = [
    "MIN_LETTERS",
    "MIN_SIMILARITY",
    "NAME_RULE",
    "ConsistencyChecker",
    "SpellingGroup",
    "iter_inconsistent_names",
    "name_spellings",
    "spellings_across",
]

NAME_RULE = "consistency.name-spelling"
#: Shortest name compared, in letters.
MIN_LETTERS = 4
#: Similarity floor (difflib ratio of accent-folded spellings) of two spellings of one name.
MIN_SIMILARITY = 0.7
_SCRIPTS = ({"Latin"}, {"Cyrillic"})
# Russian noun endings (every case, both numbers): words that differ only in them are one
# name in two cases, not two spellings (measured: "Рванды" and "Рванде" in WMT24 MT).
_CASE_ENDINGS = frozenset(
    {"", "а", "я", "ы", "и", "е", "у", "ю", "о", "ь", "й", "ой", "ей", "ом", "ем", "ёй", "ью",
     "ам", "ям", "ах", "ях", "ами", "ями", "ов", "ев", "ия", "ии", "ию", "ией", "ого",
     "его", "ому", "ему", "ым", "им", "ых", "их", "ая", "яя", "ую", "ий", "ый"}
)  # fmt: skip
_FIELDS = frozenset({"word", "count", "other", "other_count"})
_RULE_FILE = Path(__file__).with_name("consistency.yaml")


def _may_be_name(word: str, known: Collection[str]) -> bool:
    """The tests of :func:`_is_name` that need no dictionary."""
    if len(word) < MIN_LETTERS or not word[0].isupper() or not word.isalpha():
        return False
    if any(c.isupper() for c in word[1:]) or word_scripts(word) not in _SCRIPTS:
        return False
    return word.lower() not in known


def _is_name(word: str, language: str, known: Collection[str]) -> bool:
    # the word as written first: Hunspell knows a German noun capitalised only, and an
    # unknown string is its slowest lookup
    return _may_be_name(word, known) and not (
        dictionary_knows(word, language) or dictionary_knows(word.lower(), language)
    )


def _key(word: str) -> str:
    """The transliteration key spellings of one name share."""
    return skeleton(fold_accents(word))


def _occurrences(
    text: str, language: str, known: Collection[str], paired: bool = False
) -> dict[str, list[tuple[int, int]]]:
    """Each name spelling of ``text`` and where it occurs (in the order of first use); with
    ``paired``, only the names that share their key with another word that may be a name
    (the only ones a finding can name)."""
    # each distinct word decided once, then the text searched for the names only
    words = [word for word in word_counter(text) if _may_be_name(word, known)]
    if paired:
        keys = Counter(map(_key, words))
        words = [word for word in words if keys[_key(word)] > 1]
    names = {word for word in words if _is_name(word, language, known)}
    found: dict[str, list[tuple[int, int]]] = {}
    for start, end, word in occurrences(normalize_apostrophes(text), names):
        found.setdefault(word, []).append((start, end))
    return found


def name_spellings(text: str, language: str, known: Collection[str] = ()) -> Counter[str]:
    """How often each name spelling occurs in ``text`` (``known``: lower-case words the
    glossary knows, left out).

    >>> sorted(name_spellings("Manbidj and Menbij; Manbidj.", "en").items())
    [('Manbidj', 2), ('Menbij', 1)]
    """
    return Counter({w: len(at) for w, at in _occurrences(text, language, known).items()})


def _case_forms(a: str, b: str) -> bool:
    """Whether two Cyrillic words differ only in a Russian case ending ("Рванды", "Рванде")."""
    if not (is_cyrillic(a) and is_cyrillic(b)):
        return False
    lower_a, lower_b = a.lower(), b.lower()
    common = next(
        (i for i, (x, y) in enumerate(zip(lower_a, lower_b, strict=False)) if x != y),
        min(len(lower_a), len(lower_b)),
    )
    rest = (lower_a[common:], lower_b[common:])
    return common >= MIN_LETTERS - 1 and all(r in _CASE_ENDINGS for r in rest)


def _one_name(a: str, b: str) -> bool:
    """Whether two spellings with one key are one name (the vowel and similarity checks)."""
    fa, fb = fold_accents(a), fold_accents(b)
    if is_derived(fa, fb) or is_derived(fb, fa) or _case_forms(a, b):
        return False
    if fa != fb and not same_vowels(fa, fb):
        return False
    return similarity(a, b) >= MIN_SIMILARITY


def _groups(spellings: Iterable[str]) -> list[list[str]]:
    by_key: dict[str, list[str]] = {}
    for word in spellings:
        by_key.setdefault(_key(word), []).append(word)
    return [words for words in by_key.values() if len(words) > 1]


def iter_inconsistent_names(
    text: str, language: str, known: Collection[str] = ()
) -> Iterator[Finding]:
    """The ``consistency.name-spelling`` findings of ``text``, in text order."""
    rule = rule_file_rules(_RULE_FILE, _FIELDS)[NAME_RULE]
    found = _occurrences(text, language, known, paired=True)
    findings: list[Finding] = []
    for words in _groups(found):
        # the most used spelling (the first used, on a tie) is the one the others differ from
        ordered = sorted(words, key=lambda w: (-len(found[w]), found[w][0][0]))
        main = ordered[0]
        for other in ordered[1:]:
            if not _one_name(other, main):
                continue
            start, end = found[other][0]
            named: dict[str, str | None] = {
                "word": other,
                "count": str(len(found[other])),
                "other": main,
                "other_count": str(len(found[main])),
            }
            findings.append(rule.finding(text, Match(start, end, (), named)))
    yield from sorted(findings, key=lambda f: f.start)


@dataclass(frozen=True, slots=True)
class SpellingGroup:
    """Spellings of one name that differ across articles: each with its count per article."""

    spellings: tuple[tuple[str, int, tuple[str, ...]], ...]  # spelling, count, articles


def spellings_across(articles: Mapping[str, Mapping[str, int]]) -> list[SpellingGroup]:
    """Spellings of one name used in different articles (each article's spellings as
    :func:`name_spellings` counts them), most used first; a spelling pair found inside one
    article only is that article's finding, and is listed here only when another article
    uses one of them too.

    >>> [g.spellings for g in spellings_across({"a": {"Massie": 2}, "b": {"Massey": 1}})]
    [(('Massie', 2, ('a',)), ('Massey', 1, ('b',)))]
    """
    totals: Counter[str] = Counter()
    where: dict[str, list[str]] = {}
    for name, counts in articles.items():
        for word, count in counts.items():
            totals[word] += count
            where.setdefault(word, []).append(name)
    out: list[SpellingGroup] = []
    for words in _groups(totals):
        ordered = sorted(words, key=lambda w: (-totals[w], w))
        kept = [ordered[0], *(w for w in ordered[1:] if _one_name(w, ordered[0]))]
        if len(kept) < 2 or len({a for w in kept for a in where[w]}) < 2:
            continue
        out.append(SpellingGroup(tuple((w, totals[w], tuple(sorted(where[w]))) for w in kept)))
    return sorted(out, key=lambda g: -sum(c for _, c, _ in g.spellings))


class ConsistencyChecker(RuleFileChecker):
    """One name spelled two ways in one article (see the module docstring)."""

    name = "consistency"
    rule_file = _RULE_FILE
    fields = _FIELDS

    def find(self, text: str, context: FindContext) -> Iterator[Finding]:
        if NAME_RULE not in self.enabled(context):
            return iter(())
        known = context.lexicon.known if context.lexicon is not None else frozenset()
        return iter_inconsistent_names(text, context.language.split("-")[0].lower(), known)
