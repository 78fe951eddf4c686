"""Untranslated-text findings: text left in another language, each span flagged once.

Contract: :func:`iter_untranslated` never changes text; it yields (and
:func:`find_untranslated` returns) one :class:`~copydesk.model.Finding` (category
``Accuracy/Untranslated``, severity major, no replacement: nobody can fix these but a
translator) per span of :func:`copydesk.langid.foreign_spans`, whose offsets index the text it
was given. The spans are decided there (thresholds and the reasons for them); the pipeline
uses the same spans to keep the article language's fixes, house forms and checks out of them.
The rules, their messages and examples are declared in ``untranslated.yaml`` beside this
module; :class:`UntranslatedChecker` is the checker.

``untranslated.script``
    A long run of letters of a script the article's language does not write (Cyrillic,
    Arabic, Han... in English; Latin in Russian). A name in its own script ("Путин",
    "إدلب") stays below the thresholds.

``untranslated.paragraph``
    A paragraph langdetect (seed fixed) places in another language with probability at
    least :data:`MIN_PROBABILITY`, from :data:`MIN_PARAGRAPH_LETTERS` letters and
    :data:`MIN_PARAGRAPH_WORDS` words: short segments fool langdetect ("(Applause)" comes
    out as Estonian with probability 0.99999) and take the article's language.

``untranslated.phrase``
    English left inside a paragraph of a German, French or Spanish article (a title, a
    quotation, half a sentence): words only the English dictionary knows, read as English by
    langdetect.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from pathlib import Path

from copydesk.findings.checker import FindContext, RuleFileChecker, rule_file_rules
from copydesk.langid import (
    CJK_SCRIPTS,
    LANGDETECT_LANGUAGES,
    LANGUAGE_SCRIPTS,
    MIN_PARAGRAPH_LETTERS,
    MIN_PARAGRAPH_WORDS,
    MIN_PROBABILITY,
    MIN_SCRIPT_LETTERS,
    MIN_SCRIPT_WORDS,
    ForeignSpan,
    base_language,
    foreign_spans,
    paragraphs,
)
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
    "PHRASE_RULE",
    "SCRIPT_RULE",
    "UntranslatedChecker",
    "find_untranslated",
    "iter_untranslated",
    "language_name",
    "paragraphs",
]

PARAGRAPH_RULE = "untranslated.paragraph"
SCRIPT_RULE = "untranslated.script"
PHRASE_RULE = "untranslated.phrase"
_RULE_OF_KIND = {"paragraph": PARAGRAPH_RULE, "script": SCRIPT_RULE, "phrase": PHRASE_RULE}
# Its rules, and the values it computes for their templates (untranslated.yaml).
_FIELDS = frozenset({"size", "what", "language", "detected", "detected_name", "probability"})
_RULE_FILE = Path(__file__).with_name("untranslated.yaml")

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


def language_name(code: str) -> str:
    """An English name for a language code, or the code itself.

    >>> language_name("fr"), language_name("zh-cn"), language_name("xx")
    ('French', 'Chinese', 'xx')
    """
    return _LANGUAGE_NAMES.get(base_language(code), code)


def _named(span: ForeignSpan, article: str) -> dict[str, str]:
    """The template values of the finding for ``span``."""
    if span.kind == "script":
        what = f"{span.script} script"
        if span.language:
            what = f"{language_name(span.language)} ({what})"
        size = f"{span.letters} characters" if span.script in CJK_SCRIPTS else f"{span.words} words"
        return {"size": size, "what": what, "language": language_name(article)}
    return {
        "size": f"{span.words} words",
        "detected_name": language_name(span.language),
        "detected": span.language,
        "probability": f"{span.probability or 0:.2f}",
        "language": language_name(article),
    }


def iter_untranslated(
    text: str,
    language: str,
    rule_ids: Collection[str] = (SCRIPT_RULE, PARAGRAPH_RULE, PHRASE_RULE),
    spans: Sequence[ForeignSpan] | None = None,
) -> Iterator[Finding]:
    """Report each span of ``text`` not in the article's ``language`` once.

    ``spans`` are :func:`~copydesk.langid.foreign_spans` of ``text`` when the caller has
    them. Only the rules in ``rule_ids`` report.

    >>> text = "Putin (Путин) spoke.\\nПутин сказал, что сотрудничество продолжается."
    >>> [(f.rule, f.text[:5]) for f in find_untranslated(text, "en")]
    [('untranslated.script', 'Путин')]
    """
    lang = base_language(language)
    rules = rule_file_rules(_RULE_FILE, _FIELDS)
    for span in foreign_spans(text, lang) if spans is None else spans:
        rule_id = _RULE_OF_KIND[span.kind]
        if rule_id in rule_ids:
            match = Match(span.start, span.end, (), _named(span, lang))
            yield rules[rule_id].finding(text, match)


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
        if not wanted:
            return iter(())
        return iter_untranslated(text, context.language, wanted, context.foreign)
