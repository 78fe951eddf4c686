"""Code checks for words and numbers in German, French, Spanish and Russian text.

Contract: every check here is registered in :data:`copydesk.rules.checks.CHECKS` under its name,
is a pure function of the text, runs in time linear in its length, and yields a
:class:`~copydesk.rules.checks.Hit` with a ``replacement`` only when the replacement is the
one right form:

- ``mixed-latin-cyrillic``: a word mixing Latin and Cyrillic letters ("Сánchez", "Мoсква"),
  never with a replacement: a Latin "H" in "Hаррис" looks like Cyrillic "Н" but stands for
  "Х" (Harris), so writing look-alikes in the word's script can be wrong; the advice gives the
  one-script spelling when the other script's letters are all look-alikes.
- ``comma-thousands-{de,es,fr,ru}``: 20,000 (English grouping) with the locale's grouping;
  ``space-thousands-de``: 62 985 with dpa's point (62.985).
- ``month-day-order-{de,es,fr,ru}``: the English order "January 13(, 2024)" in the locale's
  month names, with the locale's order ("13. Januar 2024", "13 de enero de 2024",
  "13 janvier 2024", "13 января 2024 года").
- ``month-capital-{es,fr,ru}``: a month name with a capital after a day number ("13 de Enero"),
  in lower case (and, in Russian, in the genitive: "18 Декабрь" -> "декабря");
  ``month-nominative-ru``: "18 декабрь" -> "декабря".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import regex

from copydesk.rules.checks import Check, CheckContext, Hit, register

__all__ = ["CYRILLIC_TO_LATIN", "LATIN_TO_CYRILLIC", "MONTHS"]

# --- words mixing Latin and Cyrillic letters --------------------------------------------------

#: Latin letters and the Cyrillic letters that look the same in news fonts (Russian alphabet).
LATIN_TO_CYRILLIC = dict(zip("ABCEHKMOPTXaceopxy", "АВСЕНКМОРТХасеорху", strict=True))
CYRILLIC_TO_LATIN = {cyrillic: latin for latin, cyrillic in LATIN_TO_CYRILLIC.items()}

_WORD = regex.compile(r"[\p{L}\p{M}]+")
_LATIN = regex.compile(r"\p{Latin}")
_CYRILLIC = regex.compile(r"\p{Cyrillic}")


def _mixed_words(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, word)`` of each run of letters holding both Latin and Cyrillic ones."""
    if not (_CYRILLIC.search(text) and _LATIN.search(text)):
        return  # text in one script: no word can mix them (one scan instead of one per word)
    for match in _WORD.finditer(text):
        word = match.group()
        if _LATIN.search(word) and _CYRILLIC.search(word):
            yield match.start(), match.end(), word


def _in_script(word: str, own: regex.Pattern[str], lookalikes: dict[str, str]) -> str | None:
    """``word`` written wholly in the script ``own`` when its other letters all have a
    look-alike there and at least one of its own letters has none (so the script is clear);
    else None."""
    other = [c for c in word if c.isalpha() and not own.match(c)]
    if not other or any(c not in lookalikes for c in other):
        return None
    if all(c in lookalikes.values() or not c.isalpha() for c in word if own.match(c)):
        return None  # every letter is a look-alike: "Роса" or "Poca" could be either
    return "".join(lookalikes.get(c, c) for c in word)


@register("mixed-latin-cyrillic")
def mixed_latin_cyrillic(text: str, context: CheckContext) -> Iterator[Hit]:
    """Every word mixing Latin and Cyrillic letters, with advice and no replacement.

    The advice gives the word in one script when its letters of the other are all
    look-alikes; it is never a replacement, because a leak is as often a transliteration
    ("Сánchez": Cyrillic С for S; "Hаррис": Latin H for Х) as a look-alike letter.

    >>> [h.advice for h in mixed_latin_cyrillic("в Мoскве", CheckContext())]
    ["write it in one script (in Cyrillic letters it looks like 'Москве'; a name may need others)"]
    >>> [h.advice for h in mixed_latin_cyrillic("СпиллANE", CheckContext())]
    ['write it in one script']
    """
    for start, end, word in _mixed_words(text):
        cyrillic = _in_script(word, _CYRILLIC, LATIN_TO_CYRILLIC)
        latin = _in_script(word, _LATIN, CYRILLIC_TO_LATIN)
        advice = "write it in one script"
        for script, spelling in (("Cyrillic", cyrillic), ("Latin", latin)):
            if spelling is not None:
                advice += (
                    f" (in {script} letters it looks like {spelling!r}; a name may need others)"
                )
                break
        yield Hit(start, end, advice=advice)


# --- English thousands separators -------------------------------------------------------------

# 1,000 to 999,999,999,999 grouped with commas, not part of a longer run of digits, commas or
# points ("1,234.5", "0,125" and "2019,2020" pass): an English number in a language whose
# decimal mark is the comma.
_COMMA_THOUSANDS = regex.compile(r"(?<![\d.,])[1-9]\d{0,2}(?:,\d{3}){1,3}(?![\d,]|\.\d)")
# Five digits or more grouped with spaces (62 985, 1 200 000): four-digit numbers and years
# next to a number ("2023 200") are left alone.
_SPACE_THOUSANDS = regex.compile(
    r"(?<![\d.,])(?:[1-9]\d{1,2}(?:[ \u00a0\u202f]\d{3})++|[1-9](?:[ \u00a0\u202f]\d{3}){2,}+)"
    r"(?!\d|[.,]\d)"
)
_GROUP_MARKS = regex.compile(r"[, \u00a0\u202f]")

#: The thousands separator each locale writes in news (dpa, EFE, AFP, TASS usage).
THOUSANDS = {"de": ".", "es": ".", "fr": "\u202f", "ru": "\u00a0"}


def _regroup(pattern: regex.Pattern[str], separator: str) -> Check:
    """A check that reports each match of ``pattern``, grouped with ``separator``."""

    def check(text: str, context: CheckContext) -> Iterator[Hit]:
        for match in pattern.finditer(text):
            yield Hit(match.start(), match.end(), _GROUP_MARKS.sub(separator, match.group()))

    check.__doc__ = f"Numbers matching {pattern.pattern!r}, grouped with {separator!r}."
    return check


for _language, _separator in THOUSANDS.items():
    register(f"comma-thousands-{_language}")(_regroup(_COMMA_THOUSANDS, _separator))
register("space-thousands-de")(_regroup(_SPACE_THOUSANDS, THOUSANDS["de"]))


# --- dates ------------------------------------------------------------------------------------

#: Month names per language: the form after a day number (German and French: the name;
#: Spanish: the name; Russian: the genitive), then other forms that may stand in English order.
MONTHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "de": (
        ("Januar", "Jänner", "Jan."),
        ("Februar", "Feb."),
        ("März", "Mär."),
        ("April", "Apr."),
        ("Mai",),
        ("Juni", "Jun."),
        ("Juli", "Jul."),
        ("August", "Aug."),
        ("September", "Sep.", "Sept."),
        ("Oktober", "Okt."),
        ("November", "Nov."),
        ("Dezember", "Dez."),
    ),
    "fr": tuple(
        (m,)
        for m in [
            *("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août"),
            *("septembre", "octobre", "novembre", "décembre"),
        ]
    ),
    "es": tuple(
        (m,) if m != "septiembre" else (m, "setiembre")
        for m in [
            *("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto"),
            *("septiembre", "octubre", "noviembre", "diciembre"),
        ]
    ),
    "ru": (
        ("января", "январь"),
        ("февраля", "февраль"),
        ("марта", "март"),
        ("апреля", "апрель"),
        ("мая", "май"),
        ("июня", "июнь"),
        ("июля", "июль"),
        ("августа", "август"),
        ("сентября", "сентябрь"),
        ("октября", "октябрь"),
        ("ноября", "ноябрь"),
        ("декабря", "декабрь"),
    ),
}

# How each locale writes day, month and (optional) year.
_DATE_FORMS: dict[str, Callable[[str, str, str | None], str]] = {
    "de": lambda day, month, year: f"{day}. {month}" + (f" {year}" if year else ""),
    "fr": lambda day, month, year: f"{day} {month}" + (f" {year}" if year else ""),
    "es": lambda day, month, year: f"{day} de {month}" + (f" de {year}" if year else ""),
    "ru": lambda day, month, year: f"{day} {month}" + (f" {year} года" if year else ""),
}


def _month_lookup(language: str) -> dict[str, str]:
    """Every form of every month, in lower case, to the form written after a day number."""
    return {form.lower(): forms[0] for forms in MONTHS[language] for form in forms}


def _names_pattern(language: str) -> str:
    forms = sorted((f for m in MONTHS[language] for f in m), key=len, reverse=True)
    return "|".join(regex.escape(form) for form in forms)


def _month_day_order(language: str) -> Check:
    lookup = _month_lookup(language)
    # Months as the locale writes them (German with a capital, the others in lower case, so
    # that "la sonde Mars 3" passes). Month, day (one or two digits) and a year, or a day that
    # is not a count (no word follows it: "im Juli 20 Menschen" passes). The month must not
    # follow a day number itself ("am 3. März 4" is not English order).
    pattern = regex.compile(
        r"(?<![\p{L}\p{M}\d])(?<!\d\.?[ \u00a0])(?P<month>"
        + _names_pattern(language)
        + r")[ \u00a0](?P<day>[12]\d|3[01]|[1-9])"
        r"(?:,?[ \u00a0](?P<year>[12]\d{3})(?![\d.,]\d)"
        r"|(?!\d|[.,:]\d|\.[ \u00a0]*+\p{L}|[ \u00a0]*+[\p{L}\p{M}%]))",
    )
    form = _DATE_FORMS[language]

    def check(text: str, context: CheckContext) -> Iterator[Hit]:
        for match in pattern.finditer(text):
            month = lookup[match.group("month").lower()]
            yield Hit(match.start(), match.end(), form(match["day"], month, match["year"]))

    check.__doc__ = f"Dates in English order ({language}), in the locale's order."
    return check


def _month_capital(language: str) -> Check:
    # After a day number (and Spanish "de"), a month name whose first letter is a capital.
    joiner = r"[ \u00a0]de[ \u00a0]" if language == "es" else r"[ \u00a0]"
    lookup = _month_lookup(language)
    names = "|".join(regex.escape(form[0].upper() + form[1:]) for form in lookup)
    pattern = regex.compile(r"(?<=(?<![\d.,])\d{1,2}" + joiner + r")(?:" + names + r")(?![\p{L}])")

    def check(text: str, context: CheckContext) -> Iterator[Hit]:
        # The form after a day number, in lower case ("18 Декабрь" -> "декабря").
        for match in pattern.finditer(text):
            yield Hit(match.start(), match.end(), lookup[match.group().lower()])

    check.__doc__ = f"Month names with a capital after a day number ({language}), in lower case."
    return check


# A Russian day number followed by a month in the nominative ("18 декабрь"): the genitive.
_RU_NOMINATIVE = regex.compile(
    r"(?<=(?<![\d.,])\d{1,2}[ \u00a0])(?:"
    + "|".join(forms[1] for forms in MONTHS["ru"])
    + r")(?![\p{L}\p{M}])"
)


@register("month-nominative-ru")
def month_nominative_ru(text: str, context: CheckContext) -> Iterator[Hit]:
    """Russian months in the nominative after a day number, in the genitive.

    >>> [h.replacement for h in month_nominative_ru("18 декабрь", CheckContext())]
    ['декабря']
    """
    lookup = _month_lookup("ru")
    for match in _RU_NOMINATIVE.finditer(text):
        yield Hit(match.start(), match.end(), lookup[match.group()])


for _language in MONTHS:
    register(f"month-day-order-{_language}")(_month_day_order(_language))
    if _language != "de":
        register(f"month-capital-{_language}")(_month_capital(_language))
