"""Spelling findings: unknown lower-case words, and names that look like a glossary form.

Contract: :func:`iter_misspellings` never changes text; it yields (and
:func:`find_misspellings` returns)
:class:`~copydesk.model.Finding` values whose offsets index the text it was given.
It is tuned for precision (an editor's time is the scarce resource): on the 523
distinct human reference translations of the shared TED MQM data (8,789 words by
:func:`~copydesk.scores.mqm.count_words`) it reports 2 findings, 0.23 per 1,000 words
("vicina" and "selloum", species names), against a budget of one per 1,000 words; on
the WMT24 news references (``/work/shared/data/ml``, the documents kept here) 0.21 in
German, 0.24 in Russian and 2.03 in Spanish, each one a slip of the translator
("grundliegende", "тзначительной", "importnte", "públiva", "reponsables"), and none on the
English news sources. On the WMT24 systems' output, hand-checked samples of 40 findings
were right 37 times in German, 34 in Russian (misses: words Hunspell's Russian lacks,
"почт", "номинанта") and 39 in Spanish.

Dictionaries: German, French, Spanish and Russian are checked with Hunspell's dictionaries
(:mod:`copydesk.findings.dictionaries`: libhunspell reads them with their affix rules, so
"años", "según", "gepostet" and compounds are known); a machine without one skips that
language's spelling and the result's notes say so, and the notes name the dictionary used
(file and content hash), so that two machines' results can be told apart. pyspellchecker's
lists for these languages are never used: they lack inflected forms (80-100 false alarms per
1,000 words of human Spanish and Russian). English and the other languages of
:data:`SPELLING_LANGUAGES` use pyspellchecker's word lists.

Two rules, declared with their messages and examples in ``spelling.yaml`` beside this module:

``spelling.unknown-word`` (``Fluency/Spelling``, minor)
    A lower-case word that neither the dictionary of the article's language nor
    ``known_words`` knows, and that lies one edit away from a dictionary word: typing and
    OCR slips do ("goverment"), while a word with nothing one edit away is a rare or
    technical word the dictionary lacks ("thermoregulation", "geitonogamy") and is not
    reported. The replacement is that dictionary word when there is exactly one, else
    there is none.

``spelling.near-glossary-form`` (``Terminology/Inconsistent``, minor)
    A capitalised word that the dictionary does not know and that is a close
    transliteration variant of a word of one of ``names`` (the glossary's house forms):
    "Edleb" for "Idlib", "Alepo" for "Aleppo", "Qarabakh" for "Karabakh", "Menbij" for
    "Manbij", "Erdoğan" for "Erdogan", "Идлеб" for "Идлиб". Close means transliteration,
    not edit distance: the same skeleton (:func:`copydesk.translit.skeleton`: k/c/g/q,
    v/w/f, s/z and doubled letters folded, "tch"/"sch"/"ph"/"ck"/"th" spelt one way, each
    vowel run one letter, final -h dropped), the same vowels in their classes
    (:func:`copydesk.translit.same_vowels`),
    and a difflib ratio of at least 0.6. "Serie" (Syria), "Huawei" (Hawa) and "Liyan"
    (Libyan) are other names. Plural and demonym endings ("Syrians", "Idlibi") are not
    variants; nor is a name after an apostrophe ("O'Mara") or with a capital inside
    ("AstanaTV"). The category is *Terminology* rather than *Fluency/Spelling* because the
    word is a legitimate spelling of the name, only not the house form; the replacement
    is that form.

Capitalised words are names (or German nouns) and are never passed to a corrector: that
costs 0.2-0.7 s a word with pyspellchecker and produces nonsense ("Sejari" -> "safari"). A
capitalised word that matches no house form is left alone, and so is a misspelt word at
the start of a sentence (the price of precision).

Never a misspelling: a word any glossary entry knows, in any language (its forms and
variants); a word the text itself writes capitalised inside a sentence (a name it uses;
not in German, which capitalises nouns); a word of current news the dictionaries lack
(``current-words.yaml``, with its source: "admin", "telecom", "гендерный"); in a text not
in English, a word the English word list knows (English left in the text is the
untranslated checker's: "food", "and" in a title) and a name particle before a capital
("del Toro"); the second half of a hyphenated name ("Даунинг-стрит"); a German separable
verb form ("auszusteigen", "freispricht"); a Spanish infinitive with a pronoun ("salirle")
or a superlative in -ísima(s)/-ísimos.

Skipped: words of one or two letters, words with digits, ALL-CAPS acronyms, mixed-case
words ("iPhone"), URLs, e-mail addresses, handles, contraction parts ("don't",
"Idleb’s"; with Hunspell, a word joined by apostrophes is looked up whole:
"aujourd'hui"), words whose letters are not in the script of the article's language (the
untranslated-text checker reports those), and a word used twice or more in the text
(a term the dictionary lacks, not a slip). For English, also a British spelling whose
American form is known ("colour", "organise", "travelled"), a known word behind a
productive prefix ("pre-war", "multiverse"), and common lower-case abbreviations
("etc").

Languages: :data:`SPELLING_LANGUAGES`; for any other :func:`iter_misspellings` yields
nothing and :class:`SpellingChecker` notes that the step was skipped.
"""

from __future__ import annotations

import pkgutil
import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copydesk._cache import BoundedCache
from copydesk.disk_cache import cached, usable_cache_dir
from copydesk.findings._words import (
    fold_accents,
    normalize_apostrophes,
    occurrences,
    split_words,
    text_pieces,
    word_counter,
    word_scripts,
    words_of,
)
from copydesk.findings.checker import FindContext, RuleFileChecker, rule_file_rules
from copydesk.findings.dictionaries import (
    HUNSPELL_LANGUAGES,
    HunspellDictionary,
    KnownMemo,
    WordLookup,
    current_words,
    hunspell_dictionary,
    missing_note,
)
from copydesk.model import Finding
from copydesk.rules.model import Match, Rule
from copydesk.spans import SpanIndex
from copydesk.translit import is_derived, same_vowels, skeleton
from copydesk.word_table import PackedWordList

if TYPE_CHECKING:
    from spellchecker import SpellChecker

    from copydesk.glossary import Glossary

__all__ = [
    "NAME_RULE",
    "SPELLING_LANGUAGES",
    "UNKNOWN_RULE",
    "SpellingChecker",
    "find_misspellings",
    "glossary_lexicon",
    "iter_misspellings",
    "split_words",
]

#: Languages with a pyspellchecker dictionary (``SpellChecker.languages()`` in 0.9).
SPELLING_LANGUAGES: tuple[str, ...] = (
    "en",
    "es",
    "fr",
    "it",
    "pt",
    "de",
    "ru",
    "ar",
    "lv",
    "eu",
    "nl",
    "fa",
)

UNKNOWN_RULE = "spelling.unknown-word"
NAME_RULE = "spelling.near-glossary-form"


# Languages that capitalise every noun: a capital there does not make a word a name.
_NOUNS_CAPITALISED = frozenset({"de", "lb"})

# Script of each language's words; unlisted languages write in Latin script.
_LANGUAGE_SCRIPT = {"ru": "Cyrillic", "ar": "Arabic", "fa": "Arabic"}

# Parts after an apostrophe that belong to a contraction or possessive, not a word.
_CONTRACTION_PARTS = frozenset({"s", "t", "re", "ll", "ve", "d", "m", "em"})

# URLs, e-mail addresses, web domains and @handles/#hashtags: never words to check.
# An address or a domain is tried only where its run of characters starts (the look-behinds:
# not inside a dotted or hyphenated name, where an earlier start already failed), and runs are
# taken whole (possessive ``++``): "a.a.a...", "a-a-a-..." or a long base64 token is scanned
# once, not once from each of its positions.
_SKIP_RE = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+"
    r"|\b(?=\w)(?<![\w-][.-])(?<![\w-]\.-)(?:[\w-]++\.)+"
    r"(?:com|org|net|gov|edu|int|info|io|news|tv|ru|tr|sy|uk)\b"
    r"|[@#]\w+"
)

# British -> American spellings (English only): a British form whose American form the
# dictionary knows is correct house-neutral English, not a misspelling.
_BRITISH_TO_AMERICAN: tuple[tuple[str, str], ...] = (
    ("our", "or"),
    ("isation", "ization"),
    ("ise", "ize"),
    ("ising", "izing"),
    ("yse", "yze"),
    ("ysing", "yzing"),
    ("tre", "ter"),
    ("lled", "led"),
    ("lling", "ling"),
    ("ller", "ler"),
    ("ogue", "og"),
    ("ence", "ense"),
    ("mme", "m"),
    ("ae", "e"),
    ("oe", "e"),
)


@cache
def _checker(language: str) -> SpellChecker:
    """One SpellChecker per language, loaded once (about 0.2 s for English, 0.05 s read
    back from the disk cache, keyed by pyspellchecker's version and word list)."""
    import spellchecker
    from spellchecker import SpellChecker

    def build() -> SpellChecker:
        # distance=1: candidates at distance 2 cost about a hundred times more per word
        return SpellChecker(language=language, distance=1)

    try:
        word_list = pkgutil.get_data("spellchecker", f"resources/{language.lower()}.json.gz")
    except OSError:
        word_list = None
    if word_list is None:  # no such language: pyspellchecker says so
        return build()
    if usable_cache_dir() is None:  # nothing to store: skip packing the list
        return build()
    content = (str(getattr(spellchecker, "__version__", "")).encode(), word_list)
    built: list[SpellChecker] = []

    def pack() -> PackedWordList:
        built.append(build())
        return PackedWordList.of(built[0])

    # Stored packed: read back in milliseconds where a pickled dict takes tens of them.
    packed = cached("spelling-word-list", language, content, PackedWordList, pack)
    return built[0] if built else packed.checker()


def word_counts(language: str) -> Mapping[str, int]:
    """pyspellchecker's word frequencies for ``language`` (empty when it ships no list).

    >>> word_counts("en")["the"] > word_counts("en").get("sochi", 0), dict(word_counts("xx"))
    (True, {})
    """
    lang = _base_language(language)
    if lang not in SPELLING_LANGUAGES:
        return {}
    counts: Mapping[str, int] = _checker(lang).word_frequency.dictionary
    return counts


class _WordList:
    """pyspellchecker's word list for a language (lower-case words, no inflection rules)."""

    def __init__(self, checker: SpellChecker) -> None:
        self.checker = checker
        self._words: Mapping[str, int] = checker.word_frequency.dictionary
        self.known = KnownMemo(self._lookup)

    def known_count(self, words: list[str]) -> int:
        return self.known.count(words)

    def known_share_reaches(self, counts: Mapping[str, int] | list[str], share: float) -> bool:
        return self.known.reaches(counts, share)

    def _lookup(self, word: str) -> bool:
        # ``checker.known`` is the list lookup of the lower-cased word plus a refusal of
        # numbers (what ``float()`` reads) and of single punctuation marks; a word of letters
        # is neither, and a plain lookup gives it the same answer at a tenth of the cost.
        lower = word.lower()
        if lower not in self._words:
            return False
        return lower.isalpha() or bool(self.checker.known([lower]))

    def candidates(self, word: str) -> set[str]:
        """Dictionary words at edit distance 1 (the checker is built with distance=1)."""
        return {c for c in self.checker.candidates(word) or () if c != word}


def _lookup(language: str) -> WordLookup | None:
    """The dictionary of ``language`` (a base code), or None when this machine has none.

    German, French, Spanish and Russian use Hunspell's dictionaries only: pyspellchecker's
    lists for them lack inflected forms ("años", "según", "gepostet"; 80-100 false alarms per
    1,000 words of human Spanish and Russian), so without Hunspell's the check is skipped.
    """
    if language in HUNSPELL_LANGUAGES:
        return hunspell_dictionary(language)
    if language in SPELLING_LANGUAGES:
        return _word_list(language)
    return None


@cache
def _word_list(language: str) -> _WordList:
    return _WordList(_checker(language))


def dictionary_knows(word: str, language: str) -> bool:
    """Whether the dictionary of ``language`` knows ``word`` (False without a dictionary).

    >>> dictionary_knows("homes", "en"), dictionary_knows("idleb", "en")
    (True, False)
    """
    lookup = _lookup(_base_language(language))
    return lookup is not None and lookup.known(word)


def dictionary_label(language: str) -> str | None:
    """Which dictionary checks ``language`` on this machine (None: the built-in word list or
    none)."""
    lang = _base_language(language)
    found = hunspell_dictionary(lang) if lang in HUNSPELL_LANGUAGES else None
    return found.label if found is not None else None


def known_word_ratio(text: str, language: str) -> float | None:
    """Share of ``text``'s words that ``language``'s dictionary knows (None: no dictionary).

    >>> known_word_ratio("The talks went on for hours.", "en")
    1.0
    """
    lang = _base_language(language)
    lookup = _lookup(lang)
    if lookup is None:
        return None
    words = known = 0
    # in pieces, not one list: a paragraph can be a whole one-line article
    for piece in text_pieces(text):
        letters_only = [w for w in words_of(normalize_apostrophes(piece)) if w.isalpha()]
        words += len(letters_only)
        known += lookup.known_count(letters_only)
    return known / words if words else None


def knows_share(text: str, language: str, share: float) -> bool:
    """Whether ``language``'s dictionary knows at least ``share`` of ``text``'s words: the
    answer of ``known_word_ratio(text, language) >= share``, with the dictionary asked only
    until it is certain (a German word not seen before costs Hunspell about 0.3 ms); False
    without a dictionary or without words.

    >>> knows_share("The talks went on for hours.", "en", 0.85)
    True
    """
    lookup = _lookup(_base_language(language))
    if lookup is None:
        return False
    if len(text) <= _SHORT_TEXT:
        words = [w for w in words_of(normalize_apostrophes(text)) if w.isalpha()]
        return lookup.known_share_reaches(words, share)
    # counted, not listed: a paragraph can be a whole one-line article
    counts = {word: n for word, n in word_counter(text).items() if word.isalpha()}
    return lookup.known_share_reaches(counts, share)


# A text up to this long is looked at as a list of its words.
_SHORT_TEXT = 1 << 16


def _base_language(language: str) -> str:
    return language.strip().lower().replace("_", "-").split("-")[0]


# -- names ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _NameForm:
    form: str  # the word as the glossary writes it ("Idlib")
    full: str  # the whole house form it comes from ("Idlib" or "Hayat Tahrir al-Sham")
    folded: str
    skeleton: str


@dataclass(frozen=True, slots=True)
class _NameIndex:
    folded: dict[str, _NameForm]
    by_skeleton: dict[str, tuple[_NameForm, ...]]


# Minimum length of a name word to be matched; shorter ones match too much.
_MIN_NAME_LEN = 4
# The difflib ratio of accent-folded forms that two names with one skeleton must also reach.
_SKELETON_RATIO = 0.6


@lru_cache(maxsize=8)
def _name_index(names: tuple[str, ...]) -> _NameIndex:
    forms: dict[str, _NameForm] = {}
    for full in names:
        for _, _, word in split_words(full):
            if len(word) < _MIN_NAME_LEN or not word[0].isupper():
                continue
            folded = fold_accents(word)
            forms.setdefault(folded, _NameForm(word, full, folded, skeleton(folded)))
    by_skeleton: dict[str, list[_NameForm]] = {}
    for nf in forms.values():
        by_skeleton.setdefault(nf.skeleton, []).append(nf)
    return _NameIndex(folded=forms, by_skeleton={k: tuple(v) for k, v in by_skeleton.items()})


def _near_name(word: str, index: _NameIndex) -> _NameForm | None:
    """The house form ``word`` is a close variant of, or None."""
    folded = fold_accents(word)
    if len(folded) < _MIN_NAME_LEN:
        return None
    same = index.folded.get(folded)
    if same is not None:
        # "Erdoğan" for "Erdogan" is a variant; the house form itself is not
        return None if same.form == word else same
    best: tuple[float, _NameForm] | None = None

    def consider(nf: _NameForm, threshold: float) -> None:
        nonlocal best
        # an inflection of the name ("Syrians", "Idlibi") is not a variant of it
        if is_derived(folded, nf.folded):
            return
        if abs(len(folded) - len(nf.folded)) > 2 or not same_vowels(folded, nf.folded):
            return
        matcher = SequenceMatcher(None, folded, nf.folded, autojunk=False)
        if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
            return
        ratio = matcher.ratio()
        if ratio >= threshold and (best is None or ratio > best[0]):
            best = (ratio, nf)

    # Only a transliteration of the same name: edit distance alone finds other names
    # ("Liyan" for "Libyan", "Huawei" for "Hawa").
    for nf in index.by_skeleton.get(skeleton(folded), ()):
        consider(nf, _SKELETON_RATIO)
    return None if best is None else best[1]


# -- lower-case words ----------------------------------------------------------------

# Abbreviations written in lower case that dictionaries leave out.
_ABBREVIATIONS = frozenset(
    {"etc", "vs", "approx", "incl", "esp", "govt", "dept", "est", "misc", "ibid", "viz", "mln"}
)

# Prefixes that make new English words freely ("pre-war", "multiverse", "nonstop"):
# a prefix before a hyphen, or a prefix glued to a known word, is not a misspelling.
_PREFIXES = (
    "anti", "auto", "bio", "co", "counter", "cyber", "de", "dis", "eco", "ex", "extra",
    "geo", "hyper", "inter", "intra", "macro", "mega", "micro", "mid", "mini", "mis",
    "multi", "neo", "non", "out", "over", "post", "pre", "pro", "proto", "pseudo", "re",
    "self", "semi", "sub", "super", "tele", "thermo", "trans", "ultra", "un", "under",
)  # fmt: skip
_PREFIX_SET = frozenset(_PREFIXES)
# A hyphen after a prefix, spaced or not ("pre-tax", "pre - tax" in tokenised MT output).
_HYPHEN_AFTER = re.compile(r" ?[-\u2010\u2011]")
# A prefixed word counts as known when what follows the prefix is this long and known.
_MIN_STEM = 4


def _is_known(lookup: WordLookup, word: str, known: frozenset[str]) -> bool:
    return word.lower() in known or lookup.known(word)


def _is_british_variant(lookup: WordLookup, lower: str) -> bool:
    for british, american in _BRITISH_TO_AMERICAN:
        at = lower.find(british)
        while at != -1:
            candidate = lower[:at] + american + lower[at + len(british) :]
            if lookup.known(candidate):
                return True
            at = lower.find(british, at + 1)
    return False


def _is_prefixed(lookup: WordLookup, lower: str, known: frozenset[str]) -> bool:
    for prefix in _PREFIXES:
        stem = lower[len(prefix) :]
        if lower.startswith(prefix) and len(stem) >= _MIN_STEM and _is_known(lookup, stem, known):
            return True
    return False


def _known_set(known_words: Iterable[str], names: Sequence[str]) -> frozenset[str]:
    known: set[str] = set()
    for entry in (*known_words, *names):
        known.update(w.lower() for _, _, w in split_words(entry))
    return frozenset(known)


@dataclass(frozen=True)
class Lexicon:
    """Glossary words known to the checker and the names it compares capitals with.

    Build it once per glossary (:func:`build_lexicon`), so that checking an article
    costs nothing that grows with the glossary.
    """

    known: frozenset[str]
    index: _NameIndex | None


def build_lexicon(known_words: Iterable[str] = (), names: Sequence[str] = ()) -> Lexicon:
    """The :class:`Lexicon` of glossary forms and variants (``known_words``) and ``names``."""
    return Lexicon(_known_set(known_words, names), _name_index(tuple(names)) if names else None)


# What every match of _SKIP_RE holds. A match holds no white space, and whether one starts
# at a place depends on the run of text without white space around it alone, so only the
# runs holding one of these are searched (_SKIP_RE over all text costs 160 ms per MB).
_SKIP_HINT_RE = re.compile(
    r"[@#]|://|www\.|\.(?:com|org|net|gov|edu|int|info|io|news|tv|ru|tr|sy|uk)\b"
)
_NOT_SPACE_RE = re.compile(r"\S*")


def _skip_spans(text: str) -> SpanIndex:
    """The URLs, addresses, domains and handles of ``text`` (the matches of ``_SKIP_RE``).

    >>> _skip_spans("See www.un.org or mail a@b.com, @un.").overlaps(4, 5)
    True
    """
    spans: list[tuple[int, int]] = []
    searched_to = 0
    for hint in _SKIP_HINT_RE.finditer(text):
        if hint.start() < searched_to:
            continue  # in the run just searched
        start = hint.start()
        while start > searched_to and not text[start - 1].isspace():
            start -= 1
        end = _NOT_SPACE_RE.match(text, hint.end()).end()  # type: ignore[union-attr]
        # pos and endpos, not a slice: the look-behinds still see the text before the run
        spans.extend(m.span() for m in _SKIP_RE.finditer(text, start, end))
        searched_to = end
    return SpanIndex(spans)


# What may stand between the end of a sentence and its first word.
_OPENERS = frozenset("\"'«»„“”‘’‚([¿¡–—-")
_SENTENCE_ENDS = frozenset(".!?…:")


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens the text, a line, or a sentence (after . ! ? … :
    and a space, with opening quotes or brackets between)."""
    at = start
    spaced = False
    while at > 0 and start - at < 8 and (text[at - 1].isspace() or text[at - 1] in _OPENERS):
        at -= 1
        if text[at] == "\n":
            return True
        spaced = spaced or text[at].isspace()
    return at == 0 or (spaced and text[at - 1] in _SENTENCE_ENDS)


def _text_names(normalized: str, spellings: Collection[str]) -> frozenset[str]:
    """Lower-cased words that the text (apostrophes normalised) writes capitalised inside a
    sentence: names the text itself uses ("Scammer" in "the group Scammer Watch" makes
    "scammer" a name, not a slip). Only the capitalised ``spellings`` are looked at.

    Only for languages that do not capitalise nouns (not German).
    """
    names: set[str] = set()
    for start, _end, word in occurrences(normalized, spellings):
        lower = word.lower()
        if lower not in names and not _starts_sentence(normalized, start):
            names.add(lower)
    return frozenset(names)


def _apostrophe_word(normalized: str, start: int, end: int) -> str | None:
    """The whole word when ``start:end`` is part of a word joined by apostrophes
    ("aujourd'hui", "jusqu'"), else None."""
    before = normalized[start - 1] if start else ""
    after = normalized[end] if end < len(normalized) else ""
    if before != "'" and after != "'":
        return None
    # at most two joins each way ("prud'homme", "quelqu'un"): a run of "ab'ab'ab'..." costs
    # each of its words a bounded look, not the whole run
    left, hops = start, 0
    while hops < 2 and left > 1 and normalized[left - 1] == "'" and normalized[left - 2].isalpha():
        hops += 1
        left -= 2
        while left > 0 and normalized[left - 1].isalpha():
            left -= 1
    right, hops = end, 0
    while (
        hops < 2
        and right + 1 < len(normalized)
        and normalized[right] == "'"
        and normalized[right + 1].isalpha()
    ):
        hops += 1
        right += 2
        while right < len(normalized) and normalized[right].isalpha():
            right += 1
    if right < len(normalized) and normalized[right] == "'":
        right += 1  # an elided word keeps its apostrophe ("jusqu'")
    return normalized[left:right]


#: Hunspell lookups an article's search for words one edit away may cost (about 3 s in
#: German, the slowest; no paragraph of the WMT24 German news, MT or human, needs 8,000).
SEARCH_BUDGET = 30_000
_BUDGET_NOTE = (
    "spelling: the search for slips stopped at {word!r} (lookup budget spent); "
    "later unknown words are not reported"
)

# Lower-case words inside names ("Guillermo del Toro", "Ursula von der Leyen").
_NAME_PARTICLES = frozenset(
    {"al", "bin", "da", "das", "de", "del", "della", "den", "der", "di", "do", "dos", "du",
     "el", "ibn", "la", "las", "le", "los", "ter", "van", "von", "y"}
)  # fmt: skip


def _after_name_and_hyphen(text: str, start: int) -> bool:
    """Whether a capitalised word or a number and a hyphen come right before ``start``
    ("Даунинг-стрит", "20-летия", "5-jährige")."""
    if start < 2 or text[start - 1] != "-":
        return False
    if text[start - 2].isdigit():
        return True
    at = start - 1
    while at > 0 and text[at - 1].isalpha():
        at -= 1
    return at < start - 1 and text[at].isupper()


def _name_follows(text: str, end: int) -> bool:
    """Whether the next word after ``end`` (past spaces, apostrophes and hyphens) starts
    with a capital."""
    at = end
    while at < len(text) and at - end < 8 and (text[at].isspace() or text[at] in "'’-"):
        at += 1
    return at < len(text) and text[at].isupper()


# German separable prefixes: "auszusteigen", "freispricht", "ausgeklappt" are the prefix and
# a form of the verb (with "zu" between them in the infinitive), which Hunspell's German
# dictionary lists only for some verbs.
_DE_SEPARABLE = (
    "ab", "an", "auf", "aus", "bei", "dar", "durch", "ein", "empor", "fest", "fort", "frei",
    "her", "heraus", "herein", "herunter", "hervor", "hin", "hinaus", "hinein", "hoch", "los",
    "mit", "nach", "raus", "rein", "um", "vor", "voran", "vorbei", "weg", "weiter", "wieder",
    "zu", "zurück", "zusammen",
)  # fmt: skip
# Spanish pronouns written after an infinitive ("salirle", "decirlo").
_ES_CLITICS = ("le", "les", "lo", "los", "la", "las", "me", "te", "se", "nos", "os")
# Spanish absolute superlatives: the dictionary lists "altísimo" but not "altísimas".
_ES_SUPERLATIVE = re.compile(r"ísim(?:a|os|as)$")


def _derived_known(lang: str, lookup: WordLookup, lower: str) -> bool:
    """Whether ``lower`` is a regular derivation of a known word that the dictionary does
    not list itself (see :data:`_DE_SEPARABLE`, :data:`_ES_CLITICS`)."""
    if lang == "de":
        for prefix in _DE_SEPARABLE:
            rest = lower[len(prefix) :]
            if not lower.startswith(prefix) or len(rest) < _MIN_STEM:
                continue
            if rest.startswith("zu") and lookup.known(prefix + rest[2:]):
                return True
            if lookup.known(rest):
                # a verb or adjective form ("frei" + "spricht"): Hunspell's German accepts
                # a noun only capitalised, so a lower-case hit is never a noun
                return True
    if lang == "fr" and "oe" in lower and lookup.known(lower.replace("oe", "œ")):
        return True  # "oeuvre", "coeur": the ligature typed as two letters
    if lang == "es":
        if _ES_SUPERLATIVE.search(lower) and lookup.known(_ES_SUPERLATIVE.sub("ísimo", lower)):
            return True
        for clitic in _ES_CLITICS:
            stem = lower[: -len(clitic)]
            if lower.endswith(clitic) and stem.endswith(("ar", "er", "ir")) and lookup.known(stem):
                return True
    return False


def _english_knows(lower: str) -> bool:
    return lower in _checker("en")


def iter_misspellings(
    text: str,
    language: str,
    *,
    known_words: Iterable[str] = (),
    names: Sequence[str] = (),
    lexicon: Lexicon | None = None,
    rule_ids: Collection[str] = (UNKNOWN_RULE, NAME_RULE),
    notes: list[str] | None = None,
) -> Iterator[Finding]:
    """Report unknown lower-case words and near-misses of glossary names in ``text``.

    ``known_words`` (glossary forms and variants; split into words here) count as
    correct; ``names`` are the house forms that capitalised words are compared with.
    A prebuilt ``lexicon`` replaces both. Only the rules in ``rule_ids`` are looked for.
    Yields nothing for a language without a dictionary on this machine. With Hunspell, the
    search for words one edit away stops once it has cost :data:`SEARCH_BUDGET` lookups
    in the article (a note in ``notes`` says so): the output stays the same on every run.

    >>> [(f.text, f.suggestion) for f in find_misspellings("Strikes on Edleb.", "en",
    ...                                                    names=["Idlib"])]
    [('Edleb', 'Idlib')]
    >>> [(f.text, f.rule) for f in find_misspellings("the goverment said", "en")]
    [('goverment', 'spelling.unknown-word')]
    """
    lang = _base_language(language)
    lookup = _lookup(lang)
    if lookup is None:
        return
    rules = rule_file_rules(_RULE_FILE, _FIELDS)
    script = _LANGUAGE_SCRIPT.get(lang, "Latin")
    lexicon = lexicon or build_lexicon(known_words, names)
    known = lexicon.known | current_words(lang)
    index = lexicon.index
    normalized = normalize_apostrophes(text)
    hunspell = lang in HUNSPELL_LANGUAGES

    searched = 0
    # Words repeat: decide "plainly fine" once per distinct word of the article (counted, not
    # listed: a list of a long text's words is the biggest thing in memory), then walk the
    # text for the other words only.
    written = word_counter(normalized)
    counts: Counter[str] = Counter()
    for word, count in written.items():
        counts[word.lower()] += count

    def could_be_reported(word: str) -> bool:
        """False for a capitalised word nothing could be reported for (with capitals inside,
        or near no house form), so that a slow dictionary is not asked about it."""
        if not word[0].isupper():
            return True
        if any(c.isupper() for c in word[1:]) or index is None or NAME_RULE not in rule_ids:
            return False
        return _near_name(word, index) is not None

    doubtful = {
        word
        for word in written
        if not (
            len(word) <= 2
            or any(c.isdigit() for c in word)
            or word.isupper()
            or word_scripts(word) != {script}
            # Hunspell costs up to a millisecond for a word: ask it only when it matters
            or (hunspell and not could_be_reported(word))
            or _is_known(lookup, word, known)
        )
    }
    # Only a lower-case word is looked up among the names the text writes, and only the places
    # of its capitalised spellings can make it one.
    lower_doubtful = {w.lower() for w in doubtful if not w[0].isupper()}
    name_spellings = (
        {w for w in written if w[0].isupper() and not w.isupper() and w.lower() in lower_doubtful}
        if lang not in _NOUNS_CAPITALISED
        else set()
    )
    del written
    if not doubtful:
        return
    skips: SpanIndex | None = None
    text_names: frozenset[str] | None = None
    for start, end, word in occurrences(normalized, doubtful):
        if skips is None:
            skips = _skip_spans(text)
        if skips.overlaps(start, start + 1):
            continue
        before = normalized[start - 1] if start else ""
        if before == "'" and word.lower() in _CONTRACTION_PARTS:
            continue
        if before == "%" or before.isdigit():
            continue  # "1%ige", "5fache": a suffix of a number
        lower = word.lower()
        # "doesn't", "isn't": the stem before n't is not a dictionary word on its own
        if lower.endswith("n") and normalized[end : end + 2] == "'t":
            continue
        if hunspell:
            # "aujourd'hui", "jusqu'", "l'été": Hunspell knows the word with its apostrophes
            whole = _apostrophe_word(normalized, start, end)
            if whole is not None and (lookup.known(whole) or whole.lower() in known):
                continue
        if word[0].isupper():
            # a name glued to a capital by an apostrophe ("O'Mara", "D'Angelo"; not French
            # "d'Idleb") or with capitals inside ("AstanaTV", "McCain") is a name of its own,
            # not a variant of a house form
            glued = before == "'" and start > 1 and normalized[start - 2].isupper()
            if glued or any(c.isupper() for c in word[1:]):
                continue
            nf = _near_name(word, index) if index is not None and NAME_RULE in rule_ids else None
            if nf is not None:
                whole = f" (from {nf.full!r})" if nf.full != nf.form else ""
                named: dict[str, str | None] = {
                    "word": word,
                    "form": nf.form,
                    "whole": whole,
                    "replacement": nf.form,
                }
                yield rules[NAME_RULE].finding(text, Match(start, end, (), named))
            # Capitalised words are names, or German nouns: reporting a German noun one edit
            # from a dictionary noun was measured at 1 right in 76 on German news MT (names,
            # "Gesundheits-" before a hyphen, new compounds), so neither is checked here.
            continue
        if UNKNOWN_RULE not in rule_ids:
            continue
        if any(c.isupper() for c in word[1:]):
            continue  # mixed case ("iPhone", "eBay"): a brand, not a word
        if text_names is None:
            text_names = _text_names(normalized, name_spellings)
        if lower in text_names:
            continue  # the text writes it as a name elsewhere
        if _after_name_and_hyphen(normalized, start):
            continue  # "Даунинг-стрит", "20-летия": the second half of a hyphenated name
        if (
            hunspell
            and normalized[end : end + 1] == "-"
            and normalized[end + 1 : end + 2].isalpha()
        ):
            continue  # "американо-китайский": the first part of a compound is not a word
        if not hunspell:
            # "naïve" where the word list has "naive" (Hunspell's dictionaries have accents)
            folded = fold_accents(word)
            if folded != lower and _is_known(lookup, folded, known):
                continue
        if lang == "en" and (
            lower in _ABBREVIATIONS
            or _is_british_variant(lookup, lower)
            or _is_prefixed(lookup, lower, known)
            or (lower in _PREFIX_SET and _HYPHEN_AFTER.match(normalized, end) is not None)
        ):
            continue
        if counts[lower] > 1:
            continue  # used twice the same way: a term the dictionary lacks, not a slip
        if _derived_known(lang, lookup, lower):
            continue
        if lang != "en" and (
            _english_knows(lower) or (lower in _NAME_PARTICLES and _name_follows(text, end))
        ):
            # English left in the text is the untranslated checker's ("food", "and" in a
            # title); "del", "von" before a capital belong to a name ("Guillermo del Toro")
            continue
        if isinstance(lookup, HunspellDictionary):
            searched += lookup.search_cost(lower)
            if searched > SEARCH_BUDGET:
                if notes is not None:
                    notes.append(_BUDGET_NOTE.format(word=word))
                return
        candidates = lookup.candidates(lower)
        if not candidates:
            # Nothing in the dictionary one edit away: a rare or technical word
            # ("thermoregulation", "geitonogamy"), not a typing slip.
            continue
        suggestion = next(iter(candidates)) if len(candidates) == 1 else None
        yield _unknown(rules, text, start, end, lang, suggestion)


def _unknown(
    rules: Mapping[str, Rule], text: str, start: int, end: int, lang: str, suggestion: str | None
) -> Finding:
    """A ``spelling.unknown-word`` finding, with the one word to write when there is one."""
    hint = f"; did you mean {suggestion!r}?" if suggestion else ""
    named: dict[str, str | None] = {
        "word": text[start:end],
        "language": lang,
        "hint": hint,
        "replacement": suggestion,
    }
    return rules[UNKNOWN_RULE].finding(text, Match(start, end, (), named))


def find_misspellings(text: str, language: str, **options: Any) -> list[Finding]:
    """Every finding of :func:`iter_misspellings` (same options), as a list."""
    return list(iter_misspellings(text, language, **options))


_LEXICONS: BoundedCache[tuple[str, str], Lexicon] = BoundedCache(16)


def glossary_lexicon(glossary: Glossary, language: str) -> Lexicon:
    """The lexicon of a glossary, built once per glossary hash and language: the house forms
    in ``language`` are the names capitals are compared with; every form in every language
    and every variant is a known word (a name the glossary knows is never a misspelling)."""

    def build() -> Lexicon:
        forms = [t for e in glossary.entries for t in e.form_texts(language)]
        every_form = [t for e in glossary.entries for f in e.forms.values() for t in f.texts()]
        variants = [v.text for e in glossary.entries for v in e.variants]
        targets = [t for e in glossary.entries for v in e.variants for t in (v.to or {}).values()]
        return build_lexicon([*every_form, *variants, *targets], forms)

    def read_or_build() -> Lexicon:
        # Kept in the disk cache: reading it back is several times faster than building it.
        key = f"{glossary.content_hash}:{language}"
        return cached("glossary-lexicon", key, [key.encode()], Lexicon, build)

    return _LEXICONS.get((glossary.content_hash, language), read_or_build)


# Its rules, and the values it computes for their templates (spelling.yaml).
_FIELDS = frozenset({"word", "language", "hint", "replacement", "form", "whole"})
_RULE_FILE = Path(__file__).with_name("spelling.yaml")


class SpellingChecker(RuleFileChecker):
    """Unknown words and near-misses of glossary names (see the module docstring)."""

    name = "spelling"
    rule_file = _RULE_FILE
    fields = _FIELDS

    def find(self, text: str, context: FindContext) -> Iterator[Finding]:
        """The spelling findings of the enabled rules; a note naming the Hunspell dictionary
        used, or saying that the language has none on this machine."""
        lang = _base_language(context.language)
        if lang not in SPELLING_LANGUAGES:
            context.note(
                f"no spelling dictionary for language '{context.language}': spelling check skipped"
            )
            return iter(())
        if lang in HUNSPELL_LANGUAGES:
            found = hunspell_dictionary(lang)
            if found is None:
                context.note(missing_note(lang))
                return iter(())
            context.note(f"spelling dictionary: {found.label}")
        wanted = self.enabled(context)
        if not wanted:
            return iter(())
        return iter_misspellings(
            text,
            context.language,
            lexicon=context.lexicon or build_lexicon(),
            rule_ids=wanted,
            notes=context.notes,
        )
