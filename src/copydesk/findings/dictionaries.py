"""The spelling dictionaries: Hunspell's for German, French, Spanish and Russian.

Contract: :func:`hunspell_dictionary` returns the system's Hunspell dictionary for a language
(Debian's ``hunspell-de-de``, ``hunspell-fr``, ``hunspell-es``, ``hunspell-ru``, read by
libhunspell through the ``chunspell`` binding), loaded once per process, or None when the
machine has no such dictionary (or no binding): the caller then skips that language's
spelling and says so. A dictionary is named by :attr:`HunspellDictionary.label` (its
file and the first 12 hex digits of the SHA-256 of its ``.dic`` and ``.aff``), so that results
made with two different dictionaries can be told apart.

Why libhunspell and not a word list: measured on the WMT24 human references
(``/work/shared/data/ml``, 20,000 running words per language), against word lists expanded
with ``unmunch`` and loaded as a set, and the pure-Python reader spylls 0.1.7:

========  ==================  ===============  ===============
language  libhunspell         unmunch set      spylls
========  ==================  ===============  ===============
de        0.08 s, 27 MB,      0.4 s + 0.1 s,   0.6 s, 86 MB,
          11,000 words/s,     89 MB, 435       3,500 words/s,
          200 unknown         unknown (no      199 unknown
                              compounds)
es        0.10 s, 26 MB,      0.7 s + 0.3 s,   0.6 s, 82 MB,
          400,000 words/s,    184 MB,          37,000 words/s,
          150 unknown         161 unknown      149 unknown
ru        0.16 s, 37 MB,      0.5 s + 0.4 s,   1.3 s, 140 MB,
          230,000 words/s,    216 MB,          9,700 words/s,
          137 unknown         217 unknown      137 unknown
========  ==================  ===============  ===============

(distinct unknown words; "unknown" counts names too). ``unmunch`` cannot expand German
compounds nor French elisions (its French output is 4 million lines of pairs such as
"qu'trouble/j'n'q'"), so a word list would need a cache and still miss words; libhunspell
loads in a tenth of a second and needs no cache. Lookups are case-aware as Hunspell's are:
"Regierung" is known, "regierung" is not. Threads (a flow's task runner) share one loaded
dictionary: the binding holds the GIL through every call into libhunspell, so calls never
overlap.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from copydesk._yaml import MappingReader, decode_utf8, load_yaml
from copydesk.disk_cache import cached
from copydesk.errors import RuleFileError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

__all__ = [
    "DICTIONARY_DIRS",
    "HUNSPELL_LANGUAGES",
    "HunspellDictionary",
    "KnownMemo",
    "WordLookup",
    "current_words",
    "dictionary_id",
    "dictionary_path",
    "edits1",
    "hunspell_dictionary",
    "missing_note",
    "word_dictionary",
]

#: The Hunspell dictionary names tried for each language, in order (Debian's file names).
HUNSPELL_LANGUAGES: dict[str, tuple[str, ...]] = {
    "de": ("de_DE", "de_AT", "de_CH"),
    "fr": ("fr_FR", "fr"),
    "es": ("es_ES", "es"),
    "ru": ("ru_RU",),
}

#: Where dictionaries are looked for after the folders of ``$DICPATH`` (Hunspell's own
#: variable): Debian's ``hunspell-*`` packages install into the first.
DICTIONARY_DIRS: tuple[str, ...] = (
    "/usr/share/hunspell",
    "/usr/share/myspell",
    "/usr/share/myspell/dicts",
    "/usr/local/share/hunspell",
)

# The Debian package that ships each language's dictionary (for the note when it is missing).
_PACKAGES = {"de": "hunspell-de-de", "fr": "hunspell-fr", "es": "hunspell-es", "ru": "hunspell-ru"}


class WordLookup(Protocol):
    """What the spelling checker asks of a dictionary."""

    def known(self, word: str) -> bool:
        """Whether ``word``, as written, is a word of the language."""
        ...

    def candidates(self, word: str) -> set[str]:
        """The dictionary's words one edit away from ``word`` (``word`` itself excluded)."""
        ...

    def known_count(self, words: list[str]) -> int:
        """How many of ``words`` :meth:`known` accepts."""
        ...

    def known_share_reaches(self, counts: Mapping[str, int] | list[str], share: float) -> bool:
        """Whether the words :meth:`known` accepts make at least ``share`` of ``counts``
        (word: occurrences, or the words one by one)."""
        ...


def _search_dirs() -> list[Path]:
    extra = [d for d in os.environ.get("DICPATH", "").split(os.pathsep) if d]
    return [Path(d) for d in (*extra, *DICTIONARY_DIRS)]


def dictionary_path(language: str) -> Path | None:
    """The ``.dic`` file (with its ``.aff`` beside it) for ``language``, or None.

    >>> dictionary_path("xx") is None
    True
    """
    for name in HUNSPELL_LANGUAGES.get(language, ()):
        for folder in _search_dirs():
            dic = folder / f"{name}.dic"
            if dic.is_file() and dic.with_suffix(".aff").is_file():
                return dic
    return None


def missing_note(language: str) -> str:
    """The note a result carries when ``language`` has no dictionary on this machine.

    >>> missing_note("es")
    "no Hunspell dictionary for language 'es' (Debian package hunspell-es): spelling check skipped"
    """
    package = _PACKAGES.get(language)
    where = f" (Debian package {package})" if package else ""
    return f"no Hunspell dictionary for language {language!r}{where}: spelling check skipped"


def edits1(word: str, alphabet: str) -> Iterator[str]:
    """Every string one deletion, transposition, replacement or insertion away from ``word``.

    >>> sorted(set(edits1("ab", "ab")))
    ['a', 'aa', 'aab', 'aba', 'abb', 'b', 'ba', 'bab', 'bb']
    """
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        if tail:
            yield head + tail[1:]
            if len(tail) > 1:
                yield head + tail[1] + tail[0] + tail[2:]
            for c in alphabet:
                if c != tail[0]:
                    yield head + c + tail[1:]
        for c in alphabet:
            yield head + c + tail


def _file_hash(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _try_letters(aff: Path) -> str:
    """The lower-case letters of the ``TRY`` line of an affix file (Hunspell's own alphabet
    for suggestions, most frequent first)."""
    with aff.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if line.startswith("TRY "):
                letters = line[4:].strip()
                return "".join(dict.fromkeys(c for c in letters if c.isalpha() and c.islower()))
    return ""


#: Words whose answer a loaded dictionary remembers; past this many it starts again (a
#: German lookup costs 0.1 to 1 ms, and news repeats its words: 7,300 distinct in the 116,000
#: words of the WMT24 German MT). At most some 7 MB.
KNOWN_MEMO_SIZE = 50_000


#: Words whose spelling candidates a loaded dictionary remembers.
CANDIDATES_MEMO_SIZE = 2_000


class KnownMemo:
    """A dictionary's answers remembered per word as written, at most
    :data:`KNOWN_MEMO_SIZE` of them (then it starts again)."""

    def __init__(self, lookup: Callable[[str], bool]) -> None:
        self._lookup = lookup
        self._answers: dict[str, bool] = {}

    def __call__(self, word: str) -> bool:
        answer = self._answers.get(word)
        if answer is None:
            if len(self._answers) >= KNOWN_MEMO_SIZE:
                self._answers.clear()
            answer = self._answers[word] = self._lookup(word)
        return answer

    def count(self, words: list[str]) -> int:
        """How many of ``words`` are known: in one pass over the remembered answers when they
        all are (the usual case after an article's first paragraphs)."""
        answers = list(map(self._answers.get, words))
        if None in answers:
            return sum(map(self, words))
        return sum(answers)  # type: ignore[arg-type]

    def reaches(self, counts: Mapping[str, int] | list[str], share: float) -> bool:
        """Whether the known words of ``counts`` (word: occurrences, or the words one by one)
        make at least ``share`` of all (``known / total >= share``), asking the dictionary
        about words it has not answered yet only until the outcome is certain.

        >>> KnownMemo(str.islower).reaches({"a": 3, "B": 1}, 0.75)
        True
        """
        if isinstance(counts, list):
            answers = list(map(self._answers.get, counts))
            if None not in answers:  # all answered before: the usual case
                return bool(counts) and sum(answers) / len(counts) >= share  # type: ignore[arg-type]
            counts = Counter(counts)
        total = sum(counts.values())
        if not total:
            return False
        known = pending = 0
        unasked: list[tuple[str, int]] = []
        for word, count in counts.items():
            answer = self._answers.get(word)
            if answer is None:
                unasked.append((word, count))
                pending += count
            elif answer:
                known += count
        # Division by the same total keeps each test exact: the share only grows with known.
        for word, count in unasked:
            if known / total >= share or (known + pending) / total < share:
                break
            pending -= count
            if self(word):
                known += count
        return known / total >= share


@dataclass(eq=False)
class HunspellDictionary:
    """One loaded Hunspell dictionary (see the module docstring)."""

    language: str
    path: Path
    label: str
    alphabet: str
    _speller: object
    _known: KnownMemo = field(init=False, repr=False)
    _candidates: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._known = KnownMemo(self._spell)

    def known(self, word: str) -> bool:
        """Whether Hunspell accepts ``word`` as written (compounds and affixes included); a word
        the dictionary's encoding cannot write (Cyrillic for a Latin-1 dictionary) is not.

        Answered once per distinct word: Hunspell's answer depends on the word alone."""
        return self._known(word)

    def known_count(self, words: list[str]) -> int:
        """How many of ``words`` :meth:`known` accepts."""
        return self._known.count(words)

    def known_share_reaches(self, counts: Mapping[str, int] | list[str], share: float) -> bool:
        """Whether the words :meth:`known` accepts make at least ``share`` of ``counts``."""
        return self._known.reaches(counts, share)

    def _spell(self, word: str) -> bool:
        try:
            return bool(self._speller.spell(word))  # type: ignore[attr-defined]
        except UnicodeEncodeError:
            return False

    def search_cost(self, word: str) -> int:
        """The lookups :meth:`candidates` makes for ``word``: about 2,000 for a long German
        word, at some 10,000 a second for strings Hunspell lacks."""
        return len(word) * (2 * len(self.alphabet) + 2) + len(self.alphabet) + 1

    def candidates(self, word: str) -> set[str]:
        """Words one edit away that Hunspell accepts, over the affix file's ``TRY`` letters.

        Remembered per word (some 1,000 lookups at 0.1 ms each for a German word): a batch
        meets the same slips again."""
        found = self._candidates.get(word)
        if found is None:
            if len(self._candidates) >= CANDIDATES_MEMO_SIZE:
                self._candidates.clear()
            # asked directly, not through the memo of known words: these strings are nearly
            # all not words
            found = self._candidates[word] = frozenset(
                c for c in set(edits1(word, self.alphabet)) if c != word and c and self._spell(c)
            )
        return set(found)


@cache
def hunspell_dictionary(language: str) -> HunspellDictionary | None:
    """The loaded dictionary for ``language`` (once per process), or None without one."""
    dic = dictionary_path(language)
    if dic is None:
        return None
    try:
        from hunspell import Hunspell  # the chunspell binding (libhunspell 1.7 in its wheel)
    except ImportError:
        return None
    aff = dic.with_suffix(".aff")
    speller = Hunspell(dic.stem, hunspell_data_dir=str(dic.parent))
    for word, model in _current_entries().get(language, ()):
        # with a model word, the new word takes all of its inflections
        speller.add(word, model) if model else speller.add(word)
    # No folder in the label: the same dictionary gives the same report on every machine.
    label = f"Hunspell {dic.stem} (sha256 {_cached_hash(dic)})"
    return HunspellDictionary(language, dic, label, _try_letters(aff), speller)


def dictionary_id(language: str | None) -> str:
    """What a result's signature says of the system dictionary it used: ``de_DE@HASH``,
    ``none`` when the machine lacks it, empty for a language that takes none; with no
    language (a batch in any language), one hash over every language's.

    >>> dictionary_id("en"), dictionary_id("xx")
    ('', '')
    """
    if language is None:
        ids = "|".join(dictionary_id(lang) for lang in sorted(HUNSPELL_LANGUAGES))
        return f"*@{hashlib.sha256(ids.encode()).hexdigest()[:12]}"
    if language not in HUNSPELL_LANGUAGES:
        return ""
    dic = dictionary_path(language)
    return "none" if dic is None else f"{dic.stem}@{_cached_hash(dic)}"


@cache
def _cached_hash(dic: Path) -> str:
    return _file_hash(dic, dic.with_suffix(".aff"))


@cache
def word_dictionary(language: str) -> WordLookup | None:
    """The dictionary that says whether a spelling is a word of ``language``: the system's
    Hunspell dictionary for de, fr, es and ru (as :func:`hunspell_dictionary`), and for
    English the en_US dictionary the binding ships, so that English needs no system
    package; None for any other language or without the binding.

    >>> word_dictionary("en").known("Moscow"), word_dictionary("xx")
    (True, None)
    """
    if language in HUNSPELL_LANGUAGES:
        return hunspell_dictionary(language)
    if language != "en":
        return None
    try:
        from hunspell import Hunspell
    except ImportError:
        return None
    speller = Hunspell("en_US")  # the binding's own copy of the dictionary
    return HunspellDictionary("en", Path("en_US.dic"), "Hunspell en_US (bundled)", "", speller)


# -- current words ---------------------------------------------------------------------

_CURRENT_WORDS_FILE = Path(__file__).with_name("current-words.yaml")
# "гендерный like тендерный": the word, inflected as the model word is.
_LIKE = " like "


@cache
def _current_entries() -> dict[str, tuple[tuple[str, str | None], ...]]:
    path = _CURRENT_WORDS_FILE
    content = path.read_bytes()
    return cached("current-words", str(path), [content], dict, lambda: _read_entries(content))


def _read_entries(content: bytes) -> dict[str, tuple[tuple[str, str | None], ...]]:
    path = _CURRENT_WORDS_FILE
    data = load_yaml(path, decode_utf8(path, content, RuleFileError), RuleFileError)
    reader = MappingReader(path, data, "current words", {"source", "words"}, RuleFileError)
    reader.require("source", "words")
    reader.text("source")
    languages = reader.child("words", "current words", None)
    entries: dict[str, tuple[tuple[str, str | None], ...]] = {}
    for lang in languages.data:
        pairs = []
        for item in languages.texts(lang):
            word, _, model = item.partition(_LIKE)
            pairs.append((word.strip(), model.strip() or None))
        entries[lang] = tuple(pairs)
    return entries


def current_words(language: str) -> frozenset[str]:
    """Words of current news that dictionaries lack ("admin", "telecom"), lower-cased, from
    ``current-words.yaml`` beside this module (which names its source); Hunspell also learns
    their inflections from a model word.

    >>> "telecom" in current_words("en")
    True
    """
    return frozenset(word.lower() for word, _ in _current_entries().get(language, ()))
