"""Numbers in a text: where they are, what they are worth, and which may be compared.

Contract: :func:`number_mentions` finds every number written with digits (ASCII,
Arabic-Indic, Persian or full-width) in a text and gives each the values it can stand for: a
separator that may be a decimal mark or a thousands mark ("1,500", "1.500") gives both
readings, a magnitude word or suffix after it scales it ("3万" 30000, "1,5 млн" 1500000, "2
Milliarden" 2e9), and a percent sign or word leaves its value alone. A mention is ``sure``
only when nothing around it makes its reading doubtful: a number inside a name ("G7",
"COVID-19"), an ordinal ("3rd", "3-й"), a time ("10:30", "10.30 Uhr"), a range ("10-20"), a
date or version written with dots ("12.03.2020"), or a number glued to letters ("5G") is not
sure. :func:`word_values` reads numbers written as words (English, German, Spanish, French,
Russian, Turkish, Arabic, Chinese numerals, "a dozen", "half") and is only ever used to
confirm a number of the other side, never to doubt one. :func:`same_value` compares values
with the tolerance of rounding (a value written with fewer decimals is the other rounded).
Pure and deterministic; offsets index the text as given (code points).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

__all__ = ["NumberMention", "number_mentions", "same_value", "word_values"]

# Digits of other scripts to ASCII, one code point for one, so that offsets stay put.
_DIGITS = str.maketrans(
    "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹０１２３４５６７８９٫٬",
    "012345678901234567890123456789.,",
)
# A number: space-grouped thousands first ("10 000", "1 234,5"), then digits with any
# separators a language uses ("1,234.5", "1.234,5", "1'000", "3.14").
_NUMBER = re.compile(
    r"\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?:[.,]\d+)?(?![\d.,]\d)|\d+(?:[.,'’]\d+)*"
)
_GROUP = re.compile(r"[ \u00a0\u202f\u2009'’]")

# Magnitudes written after a number (lower case; a trailing dot is optional).
_MAGNITUDE_WORDS: dict[str, float] = {
    "万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8, "千": 1e3, "百": 1e2, "十": 10,
    "тыс": 1e3, "тысяч": 1e3, "тысячи": 1e3, "тысяча": 1e3, "тысячу": 1e3,
    "млн": 1e6, "миллион": 1e6, "миллиона": 1e6, "миллионов": 1e6,
    "млрд": 1e9, "миллиард": 1e9, "миллиарда": 1e9, "миллиардов": 1e9,
    "трлн": 1e12, "триллион": 1e12, "триллиона": 1e12, "триллионов": 1e12,
    "ألف": 1e3, "آلاف": 1e3, "مليون": 1e6, "ملايين": 1e6, "مليار": 1e9, "مليارات": 1e9,
    "هزار": 1e3, "میلیون": 1e6, "میلیارد": 1e9,
    "bin": 1e3, "milyon": 1e6, "milyar": 1e9, "trilyon": 1e12,
    "thousand": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "billions": 1e9,
    "trillion": 1e12, "tausend": 1e3, "mio": 1e6, "millionen": 1e6,
    "mrd": 1e9, "milliarde": 1e9, "milliarden": 1e9, "billionen": 1e12, "billón": 1e12,
    "mil": 1e3, "millón": 1e6, "millon": 1e6, "millones": 1e6, "billones": 1e12,
    "milliard": 1e9, "milliards": 1e9,
    "k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12,
}  # fmt: skip
_MAGNITUDE = re.compile(
    r"[ \u00a0\u202f-]?(mil millones|"
    + "|".join(sorted((re.escape(w) for w in _MAGNITUDE_WORDS), key=len, reverse=True))
    + r")(?:\.|\b|(?<=[万萬亿億千百十]))",
    re.IGNORECASE,
)
# "bin", "m", "b"... are magnitudes only right after a number; the one-letter ones only
# glued to it ("$5m", "3bn").
_GLUED_ONLY = frozenset({"k", "m", "mn", "bn", "b", "tn"})
_ABBREVIATIONS = frozenset({"тыс", "млн", "млрд", "трлн", "mio", "mrd"})
_MAGNITUDE_WORDS["mil millones"] = 1e9

_LETTER = re.compile(r"[^\W\d_]")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Ordinal endings glued to a number or after a hyphen: 1st, 2nd, 3rd, 4th, 1er, 2e, 3-й...
_ORDINAL = re.compile(
    r"(?:st|nd|rd|th|er|re|e|ème|eme|º|ª|°|o|a|-?(?:й|я|е|го|му|м|х|ми|ый|ой|ая|ое|ье|ий))\b",
    re.IGNORECASE,
)
_TIME_AFTER = re.compile(
    r"\s?(?:uhr|h\b|hs\b|am\b|pm\b|a\.m\.|p\.m\.|o'clock|час|ч\.)", re.IGNORECASE
)
_RANGE_MARK = "-–—~～至到"
_RANGE_AFTER = re.compile(r"\s?(?:[-–—]\s?\d|(?:to|bis|à|a|hasta|до)\s)", re.IGNORECASE)
# A measure after a number: a translation may convert it (feet to metres, Fahrenheit to
# Celsius) and round it, so its number is never sure.
_UNIT = re.compile(
    r"[ \u00a0\u202f-]?(?:feet|foot|ft|miles?|inch(?:es)?|pounds?|lbs?|ounces?|oz|yards?|"
    r"acres?|gallons?|fahrenheit|celsius|degrees?|grad|°|(?:kilo|zenti|centi|milli)?met(?:er|re)[sn]?|m|km|cm|mm|kg|g|t|"
    r"kilo\w*|tonnen|tons?|tonnes?|hektar\w*|hectares?|square|quadrat\w*|fuß|meilen?|zoll|"
    r"pfund|metros?|millas?|pies|libras?|grados?|kilómetros?|метр\w*|км|см|кг|фут\w*|"
    r"мил[ьи]\w*|дюйм\w*|фунт\w*|градус\w*|(?:nano|micro|mikro|milli|нано|микро|милли)(?:se[ck]|met|gram|lit|сек|метр|грам|литр)\w*|"
    r"米|公里|英尺|英里|磅|度|公斤|吨|纳秒|微秒|毫秒)(?![^\W\d_])",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"\s?(?:%|٪|％|percent|per cent|prozent|por ciento|pour cent|процент)", re.I)


@dataclass(frozen=True, slots=True)
class NumberMention:
    """A number written with digits: its span, the values it may stand for, and whether it
    may be reported when the other side lacks it (``sure``)."""

    start: int
    end: int
    text: str
    values: frozenset[float]
    sure: bool


def _readings(token: str) -> tuple[set[float], bool]:
    """The values a digit token may stand for, and whether it reads as one plain number."""
    grouped = _GROUP.search(token) is not None
    body = _GROUP.sub("", token)
    if grouped and not re.fullmatch(r"\d+(?:[.,]\d+)?", body):
        return set(), False
    marks = [c for c in body if c in ".,"]
    if not marks:
        return {float(body)}, True
    parts = re.split(r"[.,]", body)
    if len(set(marks)) == 2:
        decimal = body[max(body.rfind("."), body.rfind(","))]
        whole, _, fraction = body.rpartition(decimal)
        groups = re.split(r"[.,]", whole)
        if any(len(g) != 3 for g in groups[1:]) or decimal in whole:
            return set(), False
        return {float("".join(groups) + "." + fraction)}, True
    if len(marks) > 1:
        # 1,000,000 or 1.000.000; anything else (12.03.2020, 1.2.3) is a date or a version.
        if all(len(p) == 3 for p in parts[1:]) and 1 <= len(parts[0]) <= 3:
            return {float("".join(parts))}, True
        return {float(p) for p in parts if p}, False
    whole, fraction = parts
    values = {float(f"{whole}.{fraction}")}
    if grouped:
        return values, True
    if len(fraction) == 3 and 1 <= len(whole) <= 3 and whole != "0":
        values.add(float(whole + fraction))  # "1,500": 1500 in English, 1.5 in German
    return values, True


def _neighbour_letter(text: str, index: int) -> bool:
    """Whether ``text[index]`` is a letter of an alphabet (Han characters are words, not
    letters: "2010年" is a year, "G7" a name)."""
    if not 0 <= index < len(text):
        return False
    char = text[index]
    return bool(_LETTER.match(char)) and not _HAN.match(char)


def _in_name_or_glued(text: str, start: int, end: int) -> bool:
    """A number inside a name or code: G7, COVID-19, F-16, MH17, 5G, 3D, v2."""
    if _neighbour_letter(text, start - 1):
        return True
    if start >= 2 and text[start - 1] in "-/#_@" and _neighbour_letter(text, start - 2):
        return True
    if start >= 1 and text[start - 1] in "/#@_:":
        return True
    return _neighbour_letter(text, end) or (end < len(text) and text[end] in "/_@")


def _scaled(text: str, end: int) -> tuple[tuple[float, ...], int] | None:
    """The magnitudes a word written after a number that ends at ``end`` may mean ("Billion"
    is 1e9 in English and 1e12 in German), and where it ends."""
    magnitude = _MAGNITUDE.match(text, end)
    if magnitude is None or _neighbour_letter(text, magnitude.end()):
        return None
    word = magnitude.group(1).lower()
    if word in _GLUED_ONLY and magnitude.start(1) != end:
        return None
    stop = magnitude.end()
    if text[stop - 1] == "." and word not in _ABBREVIATIONS:
        stop -= 1  # "2.5 billion." ends a sentence; "12 тыс." abbreviates
    scale = _MAGNITUDE_WORDS[word]
    return ((scale, 1e12) if word == "billion" else (scale,)), stop


def _is_ordinal_or_time(text: str, start: int, end: int) -> bool:
    after = text[end : end + 12]
    if _ORDINAL.match(after) and not _PERCENT.match(after):
        return True
    if after[:1] == "." and (len(after) < 2 or after[1] == " ") and end - start <= 2:
        # "am 3. März", "der 2. Weltkrieg": a German ordinal (a sentence may also end so).
        return True
    if (after[:1] == ":" and after[1:2].isdigit()) or text[max(0, start - 1) : start] == ":":
        return True
    if _TIME_AFTER.match(after):
        return True
    before = text[max(0, start - 3) : start]
    return before.endswith("第")


def _in_range(text: str, start: int, end: int) -> bool:
    after, before = text[end : end + 3], text[max(0, start - 3) : start]
    if re.match(rf"\s?[{_RANGE_MARK}]\s?\d", after) or re.search(
        rf"\d\s?[{_RANGE_MARK}]\s?$", before
    ):
        return True
    # "500000 to a million" may come out as "eine halbe bis eine Million": an end of a range
    # whose other end is in words is not sure either.
    return bool(_RANGE_AFTER.match(text, end))


def number_mentions(text: str) -> list[NumberMention]:
    """Every number written with digits in ``text`` (see the module docstring).

    >>> [(m.text, sorted(m.values), m.sure) for m in number_mentions("3万 and 1,5 млн, G7")]
    [('3万', [30000.0], True), ('1,5 млн', [1500000.0], True), ('7', [7.0], False)]
    >>> [(m.text, sorted(m.values)) for m in number_mentions("1万5千人")]
    [('1万5千', [15000.0])]
    """
    plain = text.translate(_DIGITS)
    found: list[NumberMention] = []
    for match in _NUMBER.finditer(plain):
        start = match.start()
        token = match.group().rstrip(".,'’")
        end = start + len(token)
        values, sure = _readings(token)
        scaled = _scaled(plain, end)
        if scaled is not None:
            values = {v * scale for v in values for scale in scaled[0]}
        # A magnitude glued to a number ("$5m", "3bn", "3万") is no sign of a name or a unit.
        glued = scaled is not None and not plain[end].isspace()
        doubtful = (
            (not glued and _in_name_or_glued(plain, start, end))
            or _is_ordinal_or_time(plain, start, end)
            or _in_range(plain, start, end)
            or (not glued and _UNIT.match(plain, end) is not None)
        )
        if scaled is not None:
            end = scaled[1]
        sure = sure and bool(values) and not doubtful
        mention = NumberMention(start, end, text[start:end], frozenset(values), sure)
        if found and _continues(found[-1], mention):
            mention = _joined(found.pop(), mention, text)
        found.append(mention)
    return found


def _continues(first: NumberMention, second: NumberMention) -> bool:
    """Whether ``second`` goes on the Chinese number ``first`` ends ("1万" then "5千")."""
    return first.end == second.start and first.text[-1:] in _HAN_LARGE and bool(second.values)


def _joined(first: NumberMention, second: NumberMention, text: str) -> NumberMention:
    values = frozenset(a + b for a in first.values for b in second.values)
    sure = first.sure and second.sure
    return NumberMention(first.start, second.end, text[first.start : second.end], values, sure)


# Whole numbers from here on may be another rounded ("1.53 million" as "1.5 million").
_ROUNDED_FROM = 1e5


def same_value(a: float, b: float) -> bool:
    """Whether ``a`` and ``b`` are one value, allowing one to be the other rounded.

    >>> same_value(1.53e6, 1.5e6), same_value(2.53, 2.5), same_value(31.0, 30.0)
    (True, True, False)
    """
    if math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9):
        return True
    small, large = sorted((abs(a), abs(b)))
    if large == 0 or (large - small) / large > 0.05:
        return False
    if a.is_integer() and b.is_integer() and large < _ROUNDED_FROM:
        return False  # 30 is not 31 rounded: whole numbers below a hundred thousand are exact
    # The shorter-written value is the other rounded to its last digit.
    for value, other in ((a, b), (b, a)):
        digits = _significant(value)
        if digits < _significant(other) and _round_to(other, digits) == _round_to(value, digits):
            return True
    return False


def _significant(value: float) -> int:
    text = f"{abs(value):.10g}".replace(".", "").lstrip("0").rstrip("0")
    return len(text) or 1


def _round_to(value: float, digits: int) -> float:
    if value == 0:
        return 0.0
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


# Number words: only ever evidence that the other side's number is there.
_UNITS: dict[str, float] = {}
for _value, _words in {
    0: "zero null cero ноль sıfır صفر",
    1: "one a an ein eine einen einem einer eines eins uno una un une один одна одно одного "
    "одной одному одним одном bir واحد واحدة یک first erste ersten erster erstes primer primera "
    "primero premier première первый",
    2: "two zwei zweier dos deux два две двух двум двумя iki اثنان اثنين دو twice double both "
    "couple pair beide beiden paar ambos second zweite zweiten segundo segunda второй "
    "doubled doppelt doppelte verdoppelt вдвое удвоилось удвоился удвоилась",
    3: "three drei tres trois три трёх трех трём трем тремя üç ثلاثة ثلاث سه third dritte "
    "dritten tercer tercero tercera третий thrice triple tripled verdreifacht втрое",
    4: "four vier cuatro quatre четыре четырёх четырех dört أربعة أربع چهار fourth vierte cuarto "
    "quadrupled vervierfacht вчетверо",
    1.5: "anderthalb eineinhalb полтора",
    5: "five fünf cinco cinq пять пяти beş خمسة خمس پنج fifth fünfte quinto",
    6: "six sechs seis шесть шести altı ستة ست شش sixth sechste sexto",
    7: "seven sieben siete sept семь семи yedi سبعة سبع هفت seventh siebte séptimo",
    8: "eight acht ocho huit восемь восьми sekiz ثمانية ثماني هشت eighth achte octavo",
    9: "nine neun nueve neuf девять девяти dokuz تسعة تسع نه ninth neunte noveno",
    10: "ten zehn diez dix десять десяти on عشرة عشر ده tenth zehnte décimo",
    11: "eleven elf once onze одиннадцать",
    12: "twelve zwölf doce douze двенадцать dozen dutzend docena douzaine дюжина",
    13: "thirteen dreizehn trece treize тринадцать",
    14: "fourteen vierzehn catorce quatorze четырнадцать",
    15: "fifteen fünfzehn quince quinze пятнадцать",
    16: "sixteen sechzehn dieciséis seize шестнадцать",
    17: "seventeen siebzehn diecisiete семнадцать",
    18: "eighteen achtzehn dieciocho восемнадцать",
    19: "nineteen neunzehn diecinueve девятнадцать",
    20: "twenty zwanzig veinte vingt двадцать yirmi عشرين عشرون",
    30: "thirty dreißig treinta trente тридцать otuz",
    40: "forty vierzig cuarenta quarante сорок kırk",
    50: "fifty fünfzig cincuenta cinquante пятьдесят elli",
    60: "sixty sechzig sesenta soixante шестьдесят altmış",
    70: "seventy siebzig setenta семьдесят yetmiş",
    80: "eighty achtzig ochenta восемьдесят seksen",
    90: "ninety neunzig noventa девяносто doksan",
    100: "hundred hundert cien ciento cent сто yüz مائة مئة صد",
    200: "مئتان مئتين مائتان مائتين",
    2000: "ألفين ألفان",
    0.5: "half halb halbe halben hälfte medio media mitad moitié demi половина yarım نصف",
}.items():
    for _word in _words.split():
        _UNITS[_word] = float(_value)
_SCALES = {"thousand": 1e3, "tausend": 1e3, "mil": 1e3, "mille": 1e3, "тысяча": 1e3,
           "тысячи": 1e3, "тысяч": 1e3, "bin": 1e3, "ألف": 1e3, "million": 1e6,
           "millionen": 1e6, "millón": 1e6, "millones": 1e6,
           "миллион": 1e6, "миллиона": 1e6, "миллионов": 1e6, "milyon": 1e6, "مليون": 1e6,
           "billion": 1e9, "milliarde": 1e9, "milliarden": 1e9, "milliard": 1e9,
           "milliards": 1e9, "миллиард": 1e9, "آلاف": 1e3, "ملايين": 1e6, "مليارات": 1e9,
           "هزار": 1e3, "میلیون": 1e6, "میلیارد": 1e9, "миллиарда": 1e9, "milyar": 1e9,
           "مليار": 1e9}  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+")
_AFTERNOON = re.compile(r"\d\s?(?:p\.m\.|pm\b)")
_ARTICLES = frozenset({"a", "an", "ein", "eine", "einen", "un", "una", "une"})
# Endings of a multiple ("zehnmal", "zehnfache", "tenfold"), longest first.
_MULTIPLE_ENDINGS = ("fachen", "facher", "faches", "fache", "times", "fach", "fold", "mal")
# German compounds: "fünfundzwanzig", "zweihundert", "dreitausend".
_DE_COMPOUND = re.compile(
    r"(?:(ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun)hundert)?"
    r"(?:(ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun)und)?"
    r"(zehn|zwanzig|dreißig|vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig|elf|zwölf|"
    r"ein|eins|zwei|drei|vier|fünf|sechs|sieben|acht|neun)?"
)
_HAN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4,
               "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "半": 0.5}  # fmt: skip
_HAN_SMALL = {"十": 10, "百": 100, "千": 1000}
_HAN_LARGE = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8}
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")
_HAN_NUMBER = re.compile(r"[零〇一二两兩三四五六七八九十百千万萬亿億半\d.]+")


def _han_value(run: str) -> float | None:
    """The value of a Chinese numeral ("三万五千" 35000, "十二" 12, "1.5亿" 1.5e8)."""
    total, section, digit = 0.0, 0.0, None
    index = 0
    while index < len(run):
        char = run[index]
        number = _DECIMAL.match(run, index)
        if number:
            digit = float(number.group())
            index = number.end()
            continue
        if char in _HAN_DIGITS:
            digit = float(_HAN_DIGITS[char]) if digit is None else digit * 10 + _HAN_DIGITS[char]
        elif char in _HAN_SMALL:
            section += (1.0 if digit is None else digit) * _HAN_SMALL[char]
            digit = None
        elif char in _HAN_LARGE:
            scale = _HAN_LARGE[char]
            section += digit or 0.0
            total = (
                (total + (section or 1.0)) * scale
                if scale > 1e4
                else total + (section or 1.0) * scale
            )
            section, digit = 0.0, None
        else:
            return None
        index += 1
    return total + section + (digit or 0.0)


def _word_value(word: str) -> float | None:
    """The value of one number word: a listed word, a German compound ("fünfundzwanzig",
    "zweieinhalb"), or a multiple ("zehnmal", "zehnfach", "tenfold", "втрое")."""
    if word in _UNITS:
        return _UNITS[word]
    for ending in _MULTIPLE_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending):
            word = word[: -len(ending)]
            if word in _UNITS:
                return _UNITS[word]
            break
    half = 0.5 if word.endswith("einhalb") and len(word) > len("einhalb") else 0.0
    if half:
        word = word[: -len("einhalb")]
    compound = _DE_COMPOUND.fullmatch(word)
    if compound and any(compound.groups()):
        return _german_compound(compound.groups()) + half
    return None


# The most words a number written in words takes ("two hundred and fifty-five thousand"):
# longer runs are read in stretches of this many, so reading stays linear in length.
_LONGEST_NUMBER = 8


def _run_values(run: list[float | str]) -> Iterator[float]:
    """The values of a run of number words (a value, or a scale word): each stretch of the
    run read as one number ("half a million" gives 0.5, 5e5 and 1e6)."""
    for first in range(len(run)):
        total, current = 0.0, 0.0
        for item in run[first : first + _LONGEST_NUMBER]:
            if isinstance(item, str):
                scale = _SCALES[item]
                total += (current or 1.0) * scale
                current = 0.0
            elif item == 100:
                current = (current or 1.0) * 100
            else:
                current += item
            yield total + current


def word_values(text: str) -> set[float]:
    """The values of the numbers ``text`` writes in words (and of every digit run, read
    loosely), to confirm a number of the other side.

    >>> {25.0, 35000.0} <= word_values("twenty-five people, fünfundzwanzig, 三万五千")
    True
    >>> 2.5e6 in word_values("zweieinhalb Millionen"), 5e5 in word_values("half a million")
    (True, True)
    """
    values: set[float] = set()
    run: list[float | str] = []
    lowered = text.translate(_DIGITS).lower()
    for match in _WORD.finditer(lowered):
        word = match.group()
        if _HAN.search(word):
            values.update(_han_values(word))
            continue
        if word in _SCALES:
            run.append(word)
            continue
        value = _word_value(word)
        if value is not None:
            if not (run and word in _ARTICLES):  # "half a million": the article is no 1
                run.append(value)
            continue
        values.update(_run_values(run))
        run = []
    values.update(_run_values(run))
    # Every digit run on its own too: "1990s", "3-year", "10:30" confirm 1990, 3, 10 and 30.
    runs = [float(d) for d in re.findall(r"\d+", lowered)]
    values.update(runs)
    if _AFTERNOON.search(lowered):  # "6-8 p.m." may be "18 bis 20 Uhr"
        values.update(run + 12 for run in runs if run <= 12)
    return values


def _han_values(word: str) -> Iterator[float]:
    """The values of the Chinese numerals in ``word``, and of each of their digits."""
    for han in _HAN_NUMBER.finditer(word):
        value = _han_value(han.group())
        if value is not None:
            yield value
        yield from (float(_HAN_DIGITS[c]) for c in han.group() if c in _HAN_DIGITS)


_DE_UNITS = {"ein": 1, "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6,
             "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12,
             "zwanzig": 20, "dreißig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60,
             "siebzig": 70, "achtzig": 80, "neunzig": 90}  # fmt: skip


def _german_compound(groups: Iterable[str | None]) -> float:
    hundreds, unit, tens = groups
    value = 100.0 * _DE_UNITS[hundreds] if hundreds else 0.0
    value += _DE_UNITS[unit] if unit else 0
    value += _DE_UNITS[tens] if tens else 0
    return value
