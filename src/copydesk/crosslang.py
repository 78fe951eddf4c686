"""Other languages' house forms as variants: when they are applied, suggested or left alone.

Contract: an entry's house form in another language (or its English form) found in an
article in ``lang`` is wrong there unless it is also one of ``lang``'s forms ("Sochi" and
"Sotchi" in a German article become "Sotschi"). :func:`foreign_form_policy` decides, from
the spellings alone, what happens to it, so that the change stays precise:

- ``leave``: the spelling is an ordinary word of ``lang`` (:func:`is_ordinary_word`), e.g.
  an English "Mir" in German text, where "mir" is a pronoun;
- ``suggest``: the change is a matter of transliteration or of taste, not a wrong name:
  another script (Latin "Idlib" in Russian text, Cyrillic "Идлиб" in English text), the same
  letters up to accents, case and hyphens ("Vladimir"/"Vladímir"), or a spelling of three
  letters or fewer (acronyms: "UN" is also a French word in capitals);
- ``apply`` otherwise.

:func:`cross_script` is the same test for any variant: a change into another script is only
ever a suggestion. Pure functions; the word lists are read once per language.
"""

from __future__ import annotations

import gzip
import json
import unicodedata
from functools import lru_cache
from importlib import resources

from copydesk.inflection import is_cyrillic

#: Frequency in the bundled word list (per about a million words of subtitles) from which a
#: word counts as an ordinary word of the language. The lists also hold foreign names at
#: low counts ("putin" and "nato" at 50 in German); ordinary words are far above.
ORDINARY_WORD_FREQUENCY = 100


@lru_cache(maxsize=16)
def _word_counts(lang: str) -> dict[str, int]:
    """The word-frequency list pyspellchecker ships for ``lang`` (empty when it has none)."""
    try:
        data = resources.files("spellchecker").joinpath("resources", f"{lang}.json.gz")
        with data.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as text:
            counts: dict[str, int] = json.load(text)
    except (FileNotFoundError, ModuleNotFoundError, OSError, ValueError):
        return {}
    return counts


def is_ordinary_word(spelling: str, lang: str) -> bool:
    """Is the one-word ``spelling`` a common word of ``lang`` (in any case)?

    >>> is_ordinary_word("Mir", "de"), is_ordinary_word("Sochi", "de")
    (True, False)
    """
    if " " in spelling.strip():
        return False
    return _word_counts(lang).get(spelling.lower(), 0) >= ORDINARY_WORD_FREQUENCY


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


def foreign_form_policy(spelling: str, target: str, lang: str) -> str:
    """``apply``, ``suggest`` or ``leave`` for another language's form in ``lang`` text.

    >>> foreign_form_policy("Sotchi", "Sotschi", "de")
    'apply'
    >>> foreign_form_policy("Vladimir Putin", "Vladímir Putin", "es")
    'suggest'
    >>> foreign_form_policy("Mir", "Mir (Raumstation)", "de")
    'leave'
    """
    if is_ordinary_word(spelling, lang):
        return "leave"
    if cross_script(spelling, target) or _skeleton(spelling) == _skeleton(target):
        return "suggest"
    if sum(c.isalpha() for c in spelling) <= 3:
        return "suggest"
    return "apply"
