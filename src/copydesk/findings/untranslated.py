"""Untranslated-text findings: paragraphs or runs of script left in another language.

Contract: :func:`iter_untranslated` never changes text; it yields (and
:func:`find_untranslated` returns)
:class:`~copydesk.model.Finding` values (category ``Accuracy/Untranslated``, severity
major, no replacement: nobody can fix these but a translator) whose offsets index the
text it was given. The rules, their messages and examples are declared in
``untranslated.yaml`` beside this module; :class:`UntranslatedChecker` is the checker.

A *paragraph* is a non-empty line: the text split on ``\\n`` (a trailing ``\\r`` and
surrounding spaces are not part of the paragraph's span).

Two rules, tuned for precision (on the 523 distinct human reference translations of
the shared TED MQM data neither fires):

``untranslated.script``
    A run of letters of a script the article's language does not use (Cyrillic,
    Arabic, Han, Hebrew, Greek... in English) of at least :data:`MIN_SCRIPT_WORDS`
    words and :data:`MIN_SCRIPT_LETTERS` letters, or :data:`MIN_SCRIPT_LETTERS_ALONE`
    letters in any number of words, or :data:`MIN_CJK_LETTERS` characters of Han or
    kana (which do not separate words). Spaces, digits and punctuation do not end a
    run; a letter of another script does. A name in its own script ("Путин",
    "إدلب") stays below these thresholds. Languages without a known script
    (:data:`LANGUAGE_SCRIPTS`) skip this rule.

``untranslated.paragraph``
    A paragraph with no script finding that langdetect (seed fixed to 0, so runs
    are repeatable) places in another language with probability at least
    :data:`MIN_PROBABILITY`, when it holds at least :data:`MIN_PARAGRAPH_LETTERS`
    letters and :data:`MIN_PARAGRAPH_WORDS` words. Articles in a language langdetect
    does not know (:data:`LANGDETECT_LANGUAGES`, or an undetermined one) skip this
    rule. Short segments fool langdetect:
    "(Applause)" comes out as Estonian and "It sounds like ding, ding, ding." as
    Afrikaans, both with probability 0.99999.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from copydesk.findings._words import letter_script
from copydesk.findings.checker import FindContext, RuleFileChecker, rule_file_rules
from copydesk.findings.spelling import known_word_ratio
from copydesk.model import Finding
from copydesk.rules.model import Match

__all__ = [
    "LANGDETECT_LANGUAGES",
    "LANGUAGE_SCRIPTS",
    "MIN_PARAGRAPH_LETTERS",
    "MIN_PARAGRAPH_WORDS",
    "MIN_PROBABILITY",
    "MIN_SCRIPT_LETTERS",
    "MIN_SCRIPT_WORDS",
    "PARAGRAPH_RULE",
    "SCRIPT_RULE",
    "UntranslatedChecker",
    "find_untranslated",
    "iter_untranslated",
    "language_name",
    "paragraphs",
]

PARAGRAPH_RULE = "untranslated.paragraph"
SCRIPT_RULE = "untranslated.script"
# Its rules, and the values it computes for their templates (untranslated.yaml).
_FIELDS = frozenset({"size", "what", "language", "detected", "detected_name", "probability"})
_RULE_FILE = Path(__file__).with_name("untranslated.yaml")


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
_CJK = frozenset({"Han", "Japanese"})

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
#: for an article in any other language the paragraph rule is skipped.
LANGDETECT_LANGUAGES = frozenset(_LANGDETECT_CODES)

# Languages langdetect confuses with each other and that count as one here.
_SIBLINGS: tuple[frozenset[str], ...] = (
    frozenset({"hr", "sr", "bs"}),
    frozenset({"id", "ms"}),
    frozenset({"no", "nb", "nn", "da"}),
)

_LANGUAGE_NAMES = {
    "af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "ca": "Catalan", "cs": "Czech",
    "da": "Danish", "de": "German", "el": "Greek", "en": "English", "es": "Spanish",
    "et": "Estonian", "fa": "Persian", "fi": "Finnish", "fr": "French", "he": "Hebrew",
    "hr": "Croatian", "hu": "Hungarian", "hy": "Armenian", "id": "Indonesian",
    "it": "Italian", "ja": "Japanese", "ka": "Georgian", "ko": "Korean", "ku": "Kurdish",
    "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese",
    "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian",
    "sq": "Albanian", "sv": "Swedish", "tl": "Tagalog", "tr": "Turkish",
    "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip

# A run of script is named by the language langdetect gives it from this probability.
_NAMING_PROBABILITY = 0.9

_LINE_RE = re.compile(r"[^\n]+")


def _base(code: str) -> str:
    return code.strip().lower().replace("_", "-").split("-")[0]


def _same_language(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in _SIBLINGS)


def language_name(code: str) -> str:
    """An English name for a language code, or the code itself.

    >>> language_name("fr"), language_name("zh-cn"), language_name("xx")
    ('French', 'Chinese', 'xx')
    """
    return _LANGUAGE_NAMES.get(_base(code), code)


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


def _is_long_run(script: str, letters: int, words: int) -> bool:
    if script in _CJK:
        return letters >= MIN_CJK_LETTERS
    return letters >= MIN_SCRIPT_LETTERS_ALONE or (
        words >= MIN_SCRIPT_WORDS and letters >= MIN_SCRIPT_LETTERS
    )


@lru_cache(maxsize=1)
def _langdetect() -> tuple[Callable[[str], list[Any]], type[Exception]]:
    """langdetect's ``detect_langs`` with the seed fixed, and its exception (loaded once)."""
    from langdetect import (  # type: ignore[import-untyped, unused-ignore]
        DetectorFactory,
        detect_langs,
    )
    from langdetect.lang_detect_exception import (  # type: ignore[import-untyped, unused-ignore]
        LangDetectException,
    )

    DetectorFactory.seed = 0  # langdetect is random otherwise; 0 keeps runs repeatable
    return detect_langs, LangDetectException


def _top_language(paragraph: str) -> tuple[str, float] | None:
    """langdetect's most probable language for ``paragraph`` and its probability."""
    detect, error = _langdetect()
    try:
        langs = detect(paragraph)
    except error:
        return None  # nothing to go on (digits and punctuation only)
    if not langs:
        return None
    top = langs[0]
    return str(top.lang), float(top.prob)


def iter_untranslated(
    text: str, language: str, rule_ids: Collection[str] = (SCRIPT_RULE, PARAGRAPH_RULE)
) -> Iterator[Finding]:
    """Report paragraphs and runs of script that are not in the article's ``language``.

    Only the rules in ``rule_ids`` report (a paragraph with a long run of another script is
    never also a paragraph finding, reported or not).

    >>> text = "Putin (Путин) spoke.\\nПутин сказал, что сотрудничество продолжается."
    >>> [(f.rule, f.text[:5]) for f in find_untranslated(text, "en")]
    [('untranslated.script', 'Путин')]
    """
    lang = _base(language)
    native = LANGUAGE_SCRIPTS.get(lang)
    rules = rule_file_rules(_RULE_FILE, _FIELDS)
    for p_start, p_end in paragraphs(text):
        paragraph = text[p_start:p_end]
        found_script = False
        if native is not None:
            for start, end, script, letters, words in _script_runs(paragraph, native):
                if not _is_long_run(script, letters, words):
                    continue
                found_script = True
                if SCRIPT_RULE not in rule_ids:
                    break
                top = _top_language(paragraph[start:end])
                what = f"{script} script"
                if top is not None and top[1] >= _NAMING_PROBABILITY:
                    what = f"{language_name(top[0])} ({what})"
                size = f"{letters} characters" if script in _CJK else f"{words} words"
                named = {"size": size, "what": what, "language": language_name(lang)}
                yield rules[SCRIPT_RULE].finding(
                    text, Match(p_start + start, p_start + end, (), named)
                )
        if found_script or lang not in LANGDETECT_LANGUAGES or PARAGRAPH_RULE not in rule_ids:
            continue
        letters = sum(c.isalpha() for c in paragraph)
        # maxsplit: the count matters only up to the minimum, and the list stays short
        few_words = len(paragraph.split(maxsplit=MIN_PARAGRAPH_WORDS)) < MIN_PARAGRAPH_WORDS
        if letters < MIN_PARAGRAPH_LETTERS or few_words:
            continue
        # langdetect costs milliseconds per paragraph; a paragraph whose words the
        # article language's dictionary nearly all knows is in that language.
        ratio = known_word_ratio(paragraph, lang)
        if ratio is not None and ratio >= SAME_LANGUAGE_KNOWN_RATIO:
            continue
        top = _top_language(paragraph)
        if top is None:
            continue
        detected, probability = top
        if _same_language(_base(detected), lang) or probability < MIN_PROBABILITY:
            continue
        named = {
            "detected_name": language_name(detected),
            "detected": detected,
            "probability": f"{probability:.2f}",
            "language": language_name(lang),
        }
        yield rules[PARAGRAPH_RULE].finding(text, Match(p_start, p_end, (), named))


def find_untranslated(text: str, language: str) -> list[Finding]:
    """Every finding of :func:`iter_untranslated`, as a list."""
    return list(iter_untranslated(text, language))


class UntranslatedChecker(RuleFileChecker):
    """Paragraphs and runs of script left in another language (see the module docstring)."""

    name = "untranslated"
    rule_file = _RULE_FILE
    fields = _FIELDS

    def find(self, text: str, context: FindContext) -> Iterator[Finding]:
        """The findings of the enabled rules."""
        wanted = self.enabled(context)
        return iter_untranslated(text, context.language, wanted) if wanted else iter(())
