"""Other languages' house forms as variants: when they are applied, suggested or left alone.

Contract: an entry's house form in another language (or its English form) found in an
article in ``lang`` is wrong there unless it is also one of ``lang``'s forms ("Sochi" and
"Sotchi" in a German article become "Sotschi"). :func:`foreign_form_policy` decides, from
the spellings alone, what happens to it, so that the change stays precise:

- ``leave``: the spelling is a word of ``lang`` (:func:`is_known_word`): an ordinary
  word (an English "Mir" in German text, where "mir" is a pronoun; the German "Libyen" in
  French text, where "Libyen" is a Libyan) or a spelling the language's dictionary accepts;
- ``suggest``: the change is a matter of transliteration or of taste, not a wrong name:
  another script (Latin "Idlib" in Russian text, Cyrillic "Идлиб" in English text), the same
  letters up to accents, case and hyphens ("Vladimir"/"Vladímir"), a spelling of three
  letters or fewer (acronyms), or a name made only of the language's words. One-word
  spellings are only suggested, too, when ``lang`` has no dictionary on this machine
  (:func:`~copydesk.findings.dictionaries.word_dictionary`): nothing then says they are
  not words of the language;
- ``apply`` otherwise.

Pure functions of the spellings and the word lists (read once per language).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from copydesk.findings.dictionaries import word_dictionary
from copydesk.inflection import is_cyrillic

#: Frequency in the bundled word list (per about a million words of subtitles) from which a
#: word counts as an ordinary word of the language. The lists also hold foreign names at
#: low counts ("putin" and "nato" at 50 in German); ordinary words are far above.
ORDINARY_WORD_FREQUENCY = 100


def _word_counts(lang: str) -> Mapping[str, int]:
    """The word-frequency list pyspellchecker ships for ``lang`` (empty when it has none),
    as the spelling checker loaded it: one load (and one disk-cache entry) for both."""
    # imported here: the spelling checker's module is only needed once a foreign form is met
    from copydesk.findings.spelling import word_counts

    return word_counts(lang)


_WORD_SPLIT = re.compile(r"[\s\-'’]+")


def has_dictionary(lang: str) -> bool:
    """Is there a dictionary for ``lang`` on this machine?"""
    return word_dictionary(lang) is not None


def is_ordinary_word(spelling: str, lang: str) -> bool:
    """Is the one-word ``spelling`` a common word of ``lang`` (in any case)?

    >>> is_ordinary_word("Mir", "de"), is_ordinary_word("Sochi", "de")
    (True, False)
    """
    if " " in spelling.strip():
        return False
    return _word_counts(lang).get(spelling.lower(), 0) >= ORDINARY_WORD_FREQUENCY


def is_known_word(spelling: str, lang: str) -> bool:
    """Is the one-word ``spelling`` common in ``lang`` or in its dictionary (as written or
    in lower case)? The dictionary knows rarer words and the language's own spellings of
    names ("Tiflis" is in the English list).

    >>> is_known_word("Libyen", "fr") == has_dictionary("fr")
    True
    """
    if is_ordinary_word(spelling, lang):
        return True
    words = word_dictionary(lang)
    return (
        words is not None
        and " " not in spelling
        and (words.known(spelling) or words.known(spelling.lower()))
    )


def _skeleton(text: str) -> str:
    """``text`` without accents, case, hyphens and spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def cross_script(before: str, after: str) -> bool:
    """Does the change from ``before`` to ``after`` go between Latin and Cyrillic?

    Only names count: a spelling with a single letter ("С-400" with a Cyrillic С) is a
    look-alike letter to fix, not a transliteration.

    >>> cross_script("Idlib", "Идлиб"), cross_script("Sochi", "Sotschi")
    (True, False)
    >>> cross_script("С-400", "S-400")
    False
    """
    if min(sum(c.isalpha() for c in before), sum(c.isalpha() for c in after)) < 2:
        return False
    return is_cyrillic(before) != is_cyrillic(after)


@lru_cache(maxsize=4096)
def foreign_form_policy(spelling: str, target: str, lang: str) -> str:
    """``apply``, ``suggest`` or ``leave`` for another language's form in ``lang`` text.

    >>> foreign_form_policy("Vladimir Poutine", "Wladimir Putin", "de")
    'apply'
    >>> foreign_form_policy("Vladimir Putin", "Vladímir Putin", "es")
    'suggest'
    >>> foreign_form_policy("Mir", "Mir (Raumstation)", "de")
    'leave'
    """
    if is_known_word(spelling, lang):
        return "leave"
    if cross_script(spelling, target) or _skeleton(spelling) == _skeleton(target):
        return "suggest"
    if sum(c.isalpha() for c in spelling) <= 3:
        return "suggest"
    if " " not in spelling and not has_dictionary(lang):
        return "suggest"
    # A name made only of the language's words ("Source de paix" is French for an
    # operation; "Rameau d'olivier" in French) may be the phrase itself: suggest it.
    if all(is_known_word(w, lang) for w in _WORD_SPLIT.split(spelling) if w):
        return "suggest"
    return "apply"
