"""Stage 2, *language*: which language an article is written in.

Contract: :func:`detect_language` is deterministic (langdetect with a fixed seed) and never
raises: text with no usable features gives the code ``"und"`` (undetermined), and the
pipeline then skips every language-specific step and says so in the report. A language
the user states goes through :func:`language_code` first, the one check every entry point
uses (the CLI's ``--lang``, the flows' ``language``, ``pipeline.clean(language=...)``): only
a code of letters can name a rule folder or reach a report.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from copydesk.disk_cache import cached, usable_cache_dir
from copydesk.errors import InputError
from copydesk.model import Language
from copydesk.word_table import WordTable

# langdetect's cost grows with the text; the opening of an article is enough to tell
# its language, and a fixed sample keeps detection time flat on large inputs.
SAMPLE_CHARS = 20_000
UNDETERMINED = "und"


@dataclass(frozen=True)
class LanguageProfiles:
    """langdetect's profiles as it loads them, stored sparsely (about 4 % of the
    probabilities are not zero): the word of row ``i`` (``rows[word] == i``, a packed
    :class:`~copydesk.word_table.WordTable` that reads back in a millisecond) has
    ``probabilities[j]`` for language ``languages[language_indexes[j]]``, ``j`` from
    ``starts[i]`` up to ``starts[i + 1]``; ``width`` is the length of every row (langdetect
    sizes rows by the files of its folder)."""

    languages: tuple[str, ...]
    width: int
    rows: WordTable
    starts: array[int]
    language_indexes: array[int]
    probabilities: array[float]

    @classmethod
    def from_factory(cls, factory: Any) -> LanguageProfiles:
        """The profiles a loaded ``langdetect.DetectorFactory`` holds."""
        starts, indexes, probabilities = array("l", [0]), array("H"), array("d")
        table: dict[str, list[float]] = factory.word_lang_prob_map
        for row in table.values():
            for index, probability in enumerate(row):
                if probability:
                    indexes.append(index)
                    probabilities.append(probability)
            starts.append(len(indexes))
        width = len(next(iter(table.values()), ()))
        languages = tuple(factory.langlist)
        rows = WordTable({word: i for i, word in enumerate(table)})
        return cls(languages, width, rows, starts, indexes, probabilities)

    def table(self) -> ProfileTable:
        """The word -> probability-per-language table, equal to langdetect's own."""
        return ProfileTable(self)


class ProfileTable(Mapping[str, list[float]]):
    """langdetect's word table built row by row as words are looked up.

    Building all 87,000 rows takes as long as langdetect's own loading; an article looks up
    a few thousand of them.
    """

    def __init__(self, profiles: LanguageProfiles) -> None:
        self._profiles = profiles
        self._row_of = profiles.rows
        self._rows: dict[str, list[float]] = {}

    def __getitem__(self, word: str) -> list[float]:
        row = self._rows.get(word)
        if row is None:
            i = self._row_of[word]
            p = self._profiles
            row = [0.0] * p.width
            for j in range(p.starts[i], p.starts[i + 1]):
                row[p.language_indexes[j]] = p.probabilities[j]
            self._rows[word] = row
        return row

    def __contains__(self, word: object) -> bool:
        return word in self._row_of

    def __iter__(self) -> Iterator[str]:
        return iter(self._row_of)

    def __len__(self) -> int:
        return len(self._row_of)


def _detector_factory() -> None:
    """langdetect's factory with a fixed seed, its profiles read through the disk cache.

    Building the profiles' table from their JSON is most of a short run's detection time;
    the cache stores the table langdetect itself built, so results are the same.
    """
    from langdetect import DetectorFactory, detector_factory

    DetectorFactory.seed = 0
    if detector_factory._factory is not None:
        return
    folder = Path(detector_factory.PROFILES_DIRECTORY)
    if usable_cache_dir() is None:  # nothing to store: skip converting the table
        detector_factory.init_factory()
        return
    files = sorted(p for p in folder.iterdir() if not p.name.startswith(".") and p.is_file())
    content = [p.name.encode() + b"\0" + p.read_bytes() for p in files]
    loaded: list[Any] = []

    def load_profiles() -> LanguageProfiles:
        factory = DetectorFactory()
        factory.load_profile(str(folder))
        loaded.append(factory)
        return LanguageProfiles.from_factory(factory)

    profiles = cached("langdetect-profiles", str(folder), content, LanguageProfiles, load_profiles)
    if loaded:  # built in this process: langdetect's own table is at hand
        detector_factory._factory = loaded[0]
        return
    factory = DetectorFactory()
    factory.langlist = list(profiles.languages)
    factory.word_lang_prob_map = profiles.table()
    detector_factory._factory = factory


def _ranked(text: str) -> list[Any]:
    """langdetect's ranked languages for ``text`` (its ``detect_langs``, seed fixed), computed
    by :mod:`copydesk.ngram_detect`: the same numbers in a tenth of the time."""
    from langdetect import detector_factory

    from copydesk.ngram_detect import detect_langs

    _detector_factory()
    return detect_langs(text, detector_factory._factory)


def detect_language(text: str) -> Language:
    """Detect the document language (ISO 639-1 code, lower case).

    >>> detect_language("The president met his counterpart in the city on Monday.").code
    'en'
    """
    from langdetect.lang_detect_exception import LangDetectException

    try:
        ranked = _ranked(text[:SAMPLE_CHARS])
    except LangDetectException:
        return Language(code=UNDETERMINED, probability=None, method="langdetect")
    best = ranked[0]
    code = str(best.lang).split("-")[0].lower()
    return Language(code=code, probability=round(float(best.prob), 4), method="langdetect")


# ISO 639-1 or 639-3 letters, then optionally an ISO 15924 script and a region (pt-BR,
# zh-Hant-TW, es-419); "_" is accepted for "-" as in locale names (pt_BR).
_LANGUAGE_TAG = re.compile(r"([a-z]{2,3})(?:[-_][a-z]{4})?(?:[-_](?:[a-z]{2}|[0-9]{3}))?", re.I)


def language_code(value: str) -> str:
    """The primary language code of a stated language tag, lower case; else InputError.

    >>> language_code("pt-BR"), language_code("EN"), language_code("ckb")
    ('pt', 'en', 'ckb')
    >>> language_code("../../x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    copydesk.errors.InputError: language must be a language code such as 'en' ... got '../../x'
    """
    match = _LANGUAGE_TAG.fullmatch(value) if value.isascii() else None
    if match is None:
        msg = (
            "language must be a language code such as 'en' or 'pt-BR' (ISO 639-1 or 639-3 "
            f"letters, optionally a region), got {value!r}"
        )
        raise InputError(msg)
    return match.group(1).lower()


def given_language(code: str) -> Language:
    """A language the user stated (``--lang``), checked and reduced to its primary code.

    >>> given_language("FR-ca").code
    'fr'
    """
    return Language(code=language_code(code), probability=None, method="given")


# -- spans in another language ---------------------------------------------------------------
#
# An article is cleaned and checked in its language; text inside it written in another one
# (a paragraph, a run of another script, English left in a German sentence) gets none of that
# language's fixes, house forms or checks, and the untranslated checker flags it once.
# Precision first: what is too short to tell takes the article's language.

#: langdetect's probability of the other language must reach this...
MIN_PROBABILITY = 0.9
# A paragraph with at least this share of words in the article language's dictionary
# is taken to be in that language without asking langdetect.
SAME_LANGUAGE_KNOWN_RATIO = 0.85
#: ...on a paragraph of at least this many letters...
MIN_PARAGRAPH_LETTERS = 40
#: ...and this many words.
MIN_PARAGRAPH_WORDS = 6

#: A run of another script is flagged from this many words...
MIN_SCRIPT_WORDS = 3
#: ...holding this many letters,
MIN_SCRIPT_LETTERS = 12
#: or from this many letters however many words ("Dimashq" twice is not enough).
MIN_SCRIPT_LETTERS_ALONE = 20
#: Han and kana write words without spaces: count characters instead.
MIN_CJK_LETTERS = 6
CJK_SCRIPTS = frozenset({"Han", "Japanese"})

#: English inside a paragraph of another Latin-script language: at least this many words in
#: lower case that only the English dictionary knows (capitalised ones are mostly names)...
MIN_PHRASE_ENGLISH_WORDS = 3
#: ...at least this many words in all, from the first such word to the last...
MIN_PHRASE_WORDS = 4
#: ...of which at least this share only English knows (in any case)...
MIN_PHRASE_ENGLISH_SHARE = 0.5
#: ...and at least this many letters; langdetect must then read the run as English...
MIN_PHRASE_LETTERS = 16
#: ...with this probability (lower than a paragraph's: the dictionaries have spoken already;
#: langdetect gives a short English run 6 of its 7 trials).
MIN_PHRASE_PROBABILITY = 0.85
#: A paragraph langdetect reads as English is flagged by its English runs while they hold
#: less than this share of its letters.
MAX_PHRASE_SHARE = 0.8
#: The languages whose paragraphs are searched for English runs (Latin script, a dictionary).
PHRASE_LANGUAGES = frozenset({"de", "fr", "es"})

_LATIN = frozenset({"Latin"})
_CYRILLIC = frozenset({"Cyrillic"})
_ARABIC = frozenset({"Arabic"})

_LATIN_LANGUAGES = (
    "af", "az", "ca", "cs", "cy", "da", "de", "en", "es", "et", "eu", "fi", "fr",
    "ga", "hr", "hu", "id", "is", "it", "lt", "lv", "ms", "mt", "nl", "no", "pl",
    "pt", "ro", "sk", "sl", "so", "sq", "sv", "sw", "tl", "tr", "uz", "vi",
)  # fmt: skip

#: Scripts each language writes in (ISO 639-1 codes; the region part is ignored).
LANGUAGE_SCRIPTS: dict[str, frozenset[str]] = {
    **dict.fromkeys(_LATIN_LANGUAGES, _LATIN),
    **{code: _CYRILLIC for code in ("be", "bg", "kk", "ky", "mk", "mn", "ru", "sr", "tg", "uk")},
    **{code: _ARABIC for code in ("ar", "fa", "ps", "ur", "ckb")},
    "he": frozenset({"Hebrew"}),
    "yi": frozenset({"Hebrew"}),
    "el": frozenset({"Greek"}),
    "zh": frozenset({"Han"}),
    "ja": frozenset({"Han", "Japanese"}),
    "ko": frozenset({"Hangul", "Han"}),
    "hy": frozenset({"Armenian"}),
    "ka": frozenset({"Georgian"}),
    "hi": frozenset({"Devanagari"}),
    "mr": frozenset({"Devanagari"}),
    "ne": frozenset({"Devanagari"}),
    "th": frozenset({"Thai"}),
}

_LANGDETECT_CODES = (
    "af", "ar", "bg", "bn", "ca", "cs", "cy", "da", "de", "el", "en", "es", "et", "fa",
    "fi", "fr", "gu", "he", "hi", "hr", "hu", "id", "it", "ja", "kn", "ko", "lt", "lv",
    "mk", "ml", "mr", "ne", "nl", "no", "pa", "pl", "pt", "ro", "ru", "sk", "sl", "so",
    "sq", "sv", "sw", "ta", "te", "th", "tl", "tr", "uk", "ur", "vi", "zh",
)  # fmt: skip
#: The languages langdetect 1.0.9 has profiles for (``zh-cn``/``zh-tw`` as ``zh``);
#: in an article in any other language no paragraph is read as another language.
LANGDETECT_LANGUAGES = frozenset(_LANGDETECT_CODES)

# Languages langdetect confuses with each other and that count as one here.
_SIBLINGS: tuple[frozenset[str], ...] = (
    frozenset({"hr", "sr", "bs"}),
    frozenset({"id", "ms"}),
    frozenset({"no", "nb", "nn", "da"}),
)

# A run of script is named by the language langdetect gives it from this probability.
_NAMING_PROBABILITY = 0.9

_LINE_RE = re.compile(r"[^\n]+")
# Words from this length show whether a run is a title (its words capitalised) or text.
_TITLE_WORD = 4
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


@dataclass(frozen=True, slots=True)
class ForeignSpan:
    """Text of an article that is not in the article's language.

    ``kind`` is ``"paragraph"`` (a whole paragraph langdetect reads as ``language``),
    ``"script"`` (a run of letters of a script the article's language does not write; its
    ``language`` is "" unless langdetect names it) or ``"phrase"`` (English inside a
    paragraph of a de, fr or es article). ``words`` and ``letters`` count the span's;
    ``probability`` is langdetect's for ``language``.
    """

    start: int
    end: int
    language: str
    kind: str
    script: str = ""
    words: int = 0
    letters: int = 0
    probability: float | None = None


def base_language(code: str) -> str:
    """The primary part of a language code, lower case ("ru-RU" -> "ru", "zh-cn" -> "zh")."""
    return code.strip().lower().replace("_", "-").split("-")[0]


def same_language(a: str, b: str) -> bool:
    """Whether langdetect's ``a`` and ``b`` count as one language (hr/sr, id/ms, no/da)."""
    return a == b or any(a in group and b in group for group in _SIBLINGS)


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of each paragraph: a line with something but spaces on it.

    The span leaves out surrounding white space (and so a ``\\r`` line ending).

    >>> list(paragraphs("One.\\r\\n\\n  Two.\\n"))
    [(0, 4), (9, 13)]
    """
    for m in _LINE_RE.finditer(text):
        line = m.group()
        stripped = line.strip()
        if stripped:
            start = m.start() + (len(line) - len(line.lstrip()))
            yield start, start + len(stripped)


def _script_runs(text: str, native: frozenset[str]) -> Iterator[tuple[int, int, str, int, int]]:
    """Yield ``(start, end, script, letters, words)`` for each run of a foreign script."""
    from copydesk.findings._words import letter_script

    start = end = letters = words = 0
    script: str | None = None
    in_word = False

    for i, char in enumerate(text):
        s = letter_script(char)
        if s is None:
            if char.isspace() or not char.isalnum():
                in_word = False
            continue  # neutral: spaces, digits, punctuation, marks without a script
        if s in native or s != script:
            if script is not None:
                yield start, end, script, letters, words
                script = None
            if s in native:
                in_word = False
                continue
            script, start, letters, words, in_word = s, i, 0, 0, False
        if not in_word:
            words += 1
            in_word = True
        letters += 1
        end = i + 1
    if script is not None:
        yield start, end, script, letters, words


def _other_script_letters(text: str, native: frozenset[str]) -> re.Pattern[str] | None:
    """A pattern matching the letters of ``text`` in a script not in ``native``, or None when
    it has none."""
    from copydesk.findings._words import letter_script

    letters = sorted(c for c in set(text) if letter_script(c) not in (None, *native))
    if not letters:
        return None
    return re.compile("[" + "".join(re.escape(c) for c in letters) + "]")


def _is_long_run(script: str, letters: int, words: int) -> bool:
    if script in CJK_SCRIPTS:
        return letters >= MIN_CJK_LETTERS
    return letters >= MIN_SCRIPT_LETTERS_ALONE or (
        words >= MIN_SCRIPT_WORDS and letters >= MIN_SCRIPT_LETTERS
    )


def top_language(text: str) -> tuple[str, float] | None:
    """langdetect's most probable language for ``text`` and its probability (seed fixed)."""
    from langdetect.lang_detect_exception import LangDetectException

    try:
        langs = _ranked(text)
    except LangDetectException:
        return None  # nothing to go on (digits and punctuation only)
    if not langs:
        return None
    top = langs[0]
    return base_language(str(top.lang)), float(top.prob)


def _dictionary(language: str) -> Container[str]:
    """pyspellchecker's word list for ``language`` (lower case): the spelling checker's one
    load of it (and its disk-cache entry), not a second one."""
    from copydesk.findings.spelling import word_counts

    return word_counts(language)


def _english_runs(paragraph: str, language: str) -> Iterator[tuple[int, int, int, int, int]]:
    """``(start, end, words, english, lower_english)`` of each run of words with no word of
    ``language``'s dictionary that the English one lacks, cut to its first and last word
    that only the English dictionary knows; ``english`` counts those words,
    ``lower_english`` the ones in lower case (capitalised ones are mostly names)."""
    english, native = _dictionary("en"), _dictionary(language)
    run: list[tuple[int, int, bool, bool]] = []  # (start, end, English only, lower case)
    for m in [*_WORD_RE.finditer(paragraph), None]:
        if m is not None:
            word = m.group().replace("’", "'").lower()
            in_english, in_native = word in english, word in native
            if not in_native or in_english:
                only = in_english and not in_native and len(word) > 1
                run.append((m.start(), m.end(), only, only and m.group()[0].islower()))
                continue
        marked = [i for i, (_s, _e, only, _lower) in enumerate(run) if only]
        if marked:
            words = run[marked[0] : marked[-1] + 1]
            lower = sum(w[3] for w in words)
            yield words[0][0], words[-1][1], len(words), len(marked), lower
        run = []


def _is_address(run: str) -> bool:
    """Whether ``run`` is a web address or a domain ("www.example.org", "example.com.au/x").

    >>> _is_address("tierradelsolgallery.org"), _is_address("the talks. They said")
    (True, False)
    """
    host = run.removeprefix("https://").removeprefix("http://").split("/", 1)[0]
    labels = host.split(".")
    return (
        not any(c.isspace() for c in run)
        and len(labels) >= 2
        and len(labels[-1]) >= 2
        and labels[-1].isalpha()
        and all(label and all(c.isalnum() or c in "-_" for c in label) for label in labels)
    )


def _is_title(run: str, known: Container[str] = ()) -> bool:
    """Whether every word of four letters or more in ``run`` starts with a capital, but for
    the words of the article's language (``known``, lower case) around the name.

    Names of organisations, programmes and works ("Aviation Safety Information Analysis and
    Sharing", "Memories of the Land and Water") stay English in professional translations;
    what MT leaves untranslated is running text.
    """
    return all(
        w[0].isupper()
        for w in _WORD_RE.findall(run)
        if len(w) >= _TITLE_WORD and w.lower() not in known
    )


def _phrases(paragraph: str, language: str) -> Iterator[ForeignSpan]:
    """English runs inside a paragraph of ``language`` (offsets in the paragraph)."""
    for start, end, words, english, lower in _english_runs(paragraph, language):
        if (
            lower < MIN_PHRASE_ENGLISH_WORDS
            or words < MIN_PHRASE_WORDS
            or english < MIN_PHRASE_ENGLISH_SHARE * words
        ):
            continue
        run = paragraph[start:end]
        letters = sum(map(str.isalpha, run))
        if letters < MIN_PHRASE_LETTERS or _is_title(run, _dictionary(language)):
            continue
        top = top_language(run)
        if top is None or top[0] != "en" or top[1] < MIN_PHRASE_PROBABILITY:
            continue
        yield ForeignSpan(start, end, "en", "phrase", "Latin", words, letters, top[1])


def reads_as(text: str, language: str) -> bool:
    """Whether ``language``'s dictionary knows so many of ``text``'s words that langdetect
    would name ``language`` too (False without a dictionary: then only langdetect can tell).

    Calibrated by ``scripts/calibrate_language_precheck.py`` on the shared data (315 MT,
    reference and source articles in en, de, es, ru; 40 per file): langdetect named another
    language for no opening, and for 6 of 7,355 paragraphs, the highest at a ratio of 0.69,
    under :data:`SAME_LANGUAGE_KNOWN_RATIO`; no report differed without the pre-check.

    >>> reads_as("The talks went on for hours.", "en"), reads_as("Die Gespräche dauerten.", "en")
    (True, False)
    """
    from copydesk.findings.spelling import knows_share

    return knows_share(text, language, SAME_LANGUAGE_KNOWN_RATIO)


def _foreign_paragraph(paragraph: str, language: str) -> ForeignSpan | None:
    """The paragraph as a span in another language, or None (offsets in the paragraph)."""
    # maxsplit: the count matters only up to the minimum, and the list stays short
    words = len(paragraph.split(maxsplit=MIN_PARAGRAPH_WORDS))
    if words < MIN_PARAGRAPH_WORDS or not _has_letters(paragraph, MIN_PARAGRAPH_LETTERS):
        return None
    # langdetect costs milliseconds per paragraph; a paragraph whose words the
    # article language's dictionary nearly all knows is in that language.
    if reads_as(paragraph, language):
        return None
    top = top_language(paragraph)
    if top is None:
        return None
    detected, probability = top
    if same_language(detected, language) or probability < MIN_PROBABILITY:
        return None
    letters = sum(map(str.isalpha, paragraph))
    return ForeignSpan(0, len(paragraph), detected, "paragraph", "", words, letters, probability)


def _has_letters(text: str, least: int) -> bool:
    """Whether ``text`` has at least ``least`` letters, counted only as far as needed.

    >>> _has_letters("1 2 3 abc", 3), _has_letters("1 2 3 abc", 4)
    (True, False)
    """
    if least <= 0:
        return True
    found = 0
    for at in range(0, len(text) if len(text) >= least else 0, 4 * least):
        found += sum(map(str.isalpha, text[at : at + 4 * least]))
        if found >= least:
            return True
    return False


def _script_spans(paragraph: str, native: frozenset[str]) -> Iterator[ForeignSpan | None]:
    """Each long run of a foreign script as a span, or None for a run that is a name."""
    for start, end, script, letters, words in _script_runs(paragraph, native):
        if not _is_long_run(script, letters, words):
            continue
        run = paragraph[start:end]
        # Russian (and any non-Latin) news keeps names of organisations, works and web
        # addresses in Latin letters: "Urban Taskforce Australia", "tierradelsolgallery.org".
        if script == "Latin" and (_is_title(run) or _is_address(run)):
            yield None
            continue
        top = top_language(paragraph[start:end])
        named, probability = ("", None) if top is None else top
        if probability is None or probability < _NAMING_PROBABILITY:
            named, probability = "", None
        yield ForeignSpan(start, end, named, "script", script, words, letters, probability)


def foreign_spans(text: str, language: str) -> list[ForeignSpan]:
    """Every span of ``text`` not written in the article's ``language``, in text order.

    Per paragraph (:func:`paragraphs`): long runs of a script the language does not write;
    else the whole paragraph when langdetect reads it as another language; else, in a de,
    fr or es article, runs of English words (a title, a quotation, half a sentence). A
    segment too short to tell takes the article's language. An undetermined language, or
    one with neither a known script nor a langdetect profile, has no foreign spans.

    >>> text = "Der Minister sagte: „We will not give up on this fight“, und ging.\\nEs regnet."
    >>> [(s.kind, s.language, text[s.start:s.end]) for s in foreign_spans(text, "de")]
    [('phrase', 'en', 'We will not give up on this fight')]
    """
    lang = base_language(language)
    native = LANGUAGE_SCRIPTS.get(lang)
    # A run of another script starts at a letter of one: a paragraph without such a letter has
    # none, and the letters are told by a search instead of a look at each character.
    other_script = _other_script_letters(text, native) if native is not None else None
    spans: list[ForeignSpan] = []
    for p_start, p_end in paragraphs(text):
        paragraph = text[p_start:p_end]
        runs = (
            list(_script_spans(paragraph, native))
            if native is not None and other_script is not None and other_script.search(paragraph)
            else []
        )
        # A paragraph with a long run of another script is not read as a whole: langdetect
        # reads a Russian paragraph holding a Latin name as Bulgarian.
        found = [run for run in runs if run is not None]
        if not runs and lang in LANGDETECT_LANGUAGES:
            whole = _foreign_paragraph(paragraph, lang)
            found = [whole] if whole is not None else []
        if not runs and lang in PHRASE_LANGUAGES and all(s.language == "en" for s in found):
            # English with some of the article's language around it (half a sentence, a
            # quotation) is flagged as the English it is, and the rest is still checked.
            phrases = list(_phrases(paragraph, lang))
            english = sum(s.letters for s in phrases)
            if phrases and (not found or english < MAX_PHRASE_SHARE * found[0].letters):
                found = phrases
        spans += [replace(s, start=p_start + s.start, end=p_start + s.end) for s in found]
    return spans
