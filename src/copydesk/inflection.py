"""Russian case endings of glossary names, as closed sets (no morphology).

Contract: :func:`paradigm` splits one word of a name as written in the glossary (its
nominative) into a stem, the ending it has as written and the closed set of endings its
case forms take (:data:`ENDINGS`, chosen by the word's last letters); words that do not
decline (foreign names ending in a vowel, particles such as ``аль``) have only their own
ending. :func:`inflect` carries the endings a text gave a variant's words over to the
house form's words, or returns ``None`` when they cannot be carried over safely (different
declension classes, different word counts). :func:`is_case_form` tells whether a word of a
text is a case form of a name's word. Everything here is pure and costs a dictionary
lookup per word.

>>> paradigm("Идлиб").stem, "е" in paradigm("Идлиб").endings
('Идлиб', True)
>>> inflect("Идлиб", "Идлеб", ("е",))
'Идлибе'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")

_ADJECTIVE = frozenset({
    "ый", "ий", "ой", "ого", "его", "ому", "ему", "ым", "им", "ом", "ем", "ая", "яя", "ую",
    "юю", "ое", "ее", "ые", "ие", "ых", "их", "ыми", "ими",
})  # fmt: skip
#: Endings by declension class. The sets are generous on purpose (a few impossible forms
#: such as "Сирие" cost nothing), and closed: what is not listed is another word.
ENDINGS: Mapping[str, frozenset[str]] = MappingProxyType({
    # Idlib, Putin, Lavrov, Manbij: Идлиба, Идлибу, Идлибом, Путиным, Манбиджем, Идлибе.
    "hard": frozenset(
        {"", "а", "у", "ом", "ем", "ым", "е", "ы", "и", "ов", "ев", "ам", "ами", "ах"}
    ),
    # Hama, Ankara, Zakharova: Хамы, Анкаре, Анкару, Хамой, Захаровой.
    "a": frozenset({"а", "ы", "и", "е", "у", "ой", "ою", "ей", "ам", "ами", "ах"}),
    # Syria, Turkey: Сирии, Сирию, Сирией (the stem keeps its и: "Сири").
    "iya": frozenset({"я", "и", "ю", "ей", "ею", "ям", "ями", "ях"}),
    # Other nouns in -я: Гуя, Гуе, Гуей.
    "ya": frozenset({"я", "и", "е", "ю", "ей", "ёй", "ею", "ям", "ями", "ях"}),
    # Alexei, Sergei: Алексея, Сергею, Сергеем, Сергее.
    "y": frozenset({"й", "я", "ю", "ем", "ём", "е", "и", "ев", "ям", "ями", "ях"}),
    # Dmitry, Yuri: Дмитрия, Дмитрием (adjectives in -кий, -ский are adjectives).
    "iy": frozenset({"й", "я", "ю", "ем", "е", "и"}),
    # Plural names: Эмираты, Штаты: Эмиратов, Штатах.
    "plural": frozenset({"ы", "и", "ов", "ев", "ам", "ами", "ах", "ей"}),
    # Igor, Tver, the Kremlin: Игоря, Игорем, Твери, Тверью, Кремлём.
    "soft": frozenset({"ь", "я", "ю", "ем", "ём", "е", "и", "ью", "ей"}),
    # Adjectives: Исламское, Исламского, Свободной, Сирийскую.
    "adjective": _ADJECTIVE,
})  # fmt: skip
# The nominative endings that make a word an adjective ("-ий" only after к, г, х: Русский;
# Дмитрий is a noun).
_ADJECTIVE_BASES = frozenset({"ый", "ой", "ий", "ая", "яя", "ое", "ее", "ые", "ие"})
_ADJECTIVE_BEFORE_IY = frozenset("кгх")
# Particles inside names never decline: "аль-Асад" declines only after the hyphen, and
# "Башар аль-Асад" becomes "Башара аль-Асада", never "Башара аля Асада".
_INVARIABLE = frozenset({
    "аль", "ад", "ас", "ар", "ан", "аш", "аз", "эль", "ибн", "бен", "бин", "абу", "де", "ди",
    "да", "дель", "фон", "ван", "дер", "ла", "ле", "и", "в", "на",
})  # fmt: skip


@dataclass(frozen=True, slots=True)
class Paradigm:
    """One word of a name: stem + ``base`` is how the glossary writes it."""

    stem: str
    base: str
    cls: str  # a key of ENDINGS, or "fixed" for words that do not decline
    endings: frozenset[str]


def is_cyrillic(text: str) -> bool:
    """Does ``text`` contain a Cyrillic letter?

    >>> is_cyrillic("Идлиб"), is_cyrillic("Idlib")
    (True, False)
    """
    return _CYRILLIC.search(text) is not None


def paradigm(word: str) -> Paradigm:
    """The stem, written ending and closed ending set of one word of a name.

    >>> paradigm("Сирия")
    Paradigm(stem='Сири', base='я', cls='iya', endings=...)
    """
    lower = word.lower()
    if not is_cyrillic(word) or lower in _INVARIABLE or not lower[-1:].isalpha():
        return Paradigm(word, "", "fixed", frozenset({""}))
    last = lower[-1]
    if lower[-2:] == "ий" and lower[-3:-2] not in _ADJECTIVE_BEFORE_IY:
        return Paradigm(word[:-1], word[-1:], "iy", ENDINGS["iy"])
    if lower[-2:] in _ADJECTIVE_BASES and len(lower) > 3:
        return Paradigm(word[:-2], word[-2:], "adjective", ENDINGS["adjective"])
    if lower[-2:] == "ия":
        return Paradigm(word[:-1], word[-1:], "iya", ENDINGS["iya"])
    if last in "бвгджзклмнпрстфхцчшщ":
        return Paradigm(word, "", "hard", ENDINGS["hard"])
    classes = {"а": "a", "я": "ya", "й": "y", "ь": "soft", "ы": "plural"}
    if last in classes:
        return Paradigm(word[:-1], word[-1:], classes[last], ENDINGS[classes[last]])
    # Foreign names ending in о, е, и, у, ю, э, ы (Сочи, Баку, Кобани) do not decline.
    return Paradigm(word, "", "fixed", frozenset({""}))


def declines(text: str) -> bool:
    """Does any word of the name ``text`` take case endings?"""
    return any(paradigm(w).cls != "fixed" for w in text.split(" "))


def inflect(target: str, variant: str, endings: Sequence[str]) -> str | None:
    """``target`` with the case ``endings`` a text gave the words of ``variant``.

    ``endings`` has one ending per word of ``variant``. ``None`` when they cannot be carried
    over: the words differ in number, or a changed word is of another declension class.

    >>> inflect("Башар аль-Асад", "Башар Асад", ("а", "а"))
    'Башара аль-Асада'
    >>> inflect("Башар аль-Асад", "Асад", ("а",)) is None
    True
    >>> inflect("Сергей Лавров", "Сергей Лавров", ("я", "а"))
    'Сергея Лаврова'
    >>> inflect("Реджеп Тайип Эрдоган", "Реджеп Тайип Эрдоган", ("", "", "у"))
    'Реджеп Тайип Эрдогану'
    """
    v_words = variant.split(" ")
    v_forms = [paradigm(w) for w in v_words]
    if all(e == p.base for e, p in zip(endings, v_forms, strict=True)):
        return target
    t_words = target.split(" ")
    if len(t_words) != len(v_words):
        return None
    out = []
    for t_word, v_form, ending in zip(t_words, v_forms, endings, strict=True):
        t_form = paradigm(t_word)
        if ending == v_form.base:
            out.append(t_word)
        elif t_form.cls == v_form.cls and t_form.base == v_form.base:
            out.append(t_form.stem + ending)
        else:
            return None
    return " ".join(out)


def is_case_form(word: str, name_word: str) -> bool:
    """Is ``word`` one of the case forms of the name's word ``name_word`` (itself included)?

    For checkers that compare a text's words with glossary names: "Абдуллой" is
    "Абдулла", not a near miss of it.

    >>> is_case_form("Абдуллой", "Абдулла"), is_case_form("Анкаре", "Акар")
    (True, False)
    """
    form = paradigm(name_word)
    stem = form.stem.lower().replace("ё", "е")
    lower = word.lower().replace("ё", "е")
    return lower.startswith(stem) and lower[len(stem) :] in form.endings
