"""Named code checks: the parts of a rule that a regular expression cannot express.

A rule file names a check with ``extends: check`` and ``check: <name>``; the rule model in
:mod:`copydesk.rules.model` looks the name up in :data:`CHECKS`. A check is a pure function of
the text and a :class:`CheckContext`; it yields :class:`Hit` spans (code-point offsets into the
text) and, where it can, the ``replacement`` for the span (the text to write) or else
``advice`` (how to mend it), which the rule's ``replacement``, ``suggestion`` and ``fix``
templates reach as ``{replacement}`` and ``{advice}``. Checks never change the text.

Script-leak checks (Arabic punctuation, Eastern digits, invisible marks, tatweel) only report a
span whose nearest visible neighbours are not right-to-left letters, so that an Arabic or
Persian quotation inside an English article keeps its own punctuation, digits and joiners.
Their replacements are idempotent: replacing every hit yields text with no hit.

To add a check: write a function ``(text, context) -> Iterator[Hit]`` and decorate it with
``@register("name")``; then reference the name from a rule file with examples.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass

__all__ = ["CHECKS", "Check", "CheckContext", "Hit", "paragraphs", "register"]


@dataclass(frozen=True, slots=True)
class Hit:
    """One span a check reports, with the text that would replace it where known, else
    advice in words where the check has some."""

    start: int
    end: int
    replacement: str | None = None
    advice: str | None = None


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a check may know besides the text: the article's date, if given, and the house
    style's quotation marks for the rule pack's language (double open, double close, single
    open, single close: :meth:`copydesk.config.HouseStyle.quotes`)."""

    date: dt.date | None = None
    quotes: str = "“”‘’"


Check = Callable[[str, CheckContext], Iterator[Hit]]
CHECKS: dict[str, Check] = {}


def register(name: str) -> Callable[[Check], Check]:
    """Add a check to :data:`CHECKS` under ``name`` (the value of ``check:`` in rule files)."""

    def decorate(func: Check) -> Check:
        if name in CHECKS:
            msg = f"check {name!r} is registered twice"
            raise ValueError(msg)
        CHECKS[name] = func
        return func

    return decorate


_PARAGRAPH = re.compile(r"[^\n]+")


def paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """Yield ``(offset, line)`` for each non-empty line: a paragraph, for news copy.

    >>> list(paragraphs("One.\\n\\nTwo."))
    [(0, 'One.'), (6, 'Two.')]
    """
    for match in _PARAGRAPH.finditer(text):
        if match.group().strip():
            yield match.start(), match.group().rstrip("\r")


# --- script leaks -----------------------------------------------------------------------------

# Bidi controls and marks, zero-width characters: invisible, so skipped when looking for the
# visible neighbour of a span.
BIDI_MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ZERO_WIDTH = "\u200b\u200c\u200d\ufeff\u2060"
TATWEEL = "\u0640"
_INVISIBLE = frozenset(BIDI_MARKS + ZERO_WIDTH)
_HSPACE = frozenset(" \t\u00a0\u202f")
_RTL_MARK_NAMES = ("ARABIC", "HEBREW", "SYRIAC", "THAANA", "NKO")


def _is_rtl(char: str) -> bool:
    """A letter or mark of a right-to-left script (tatweel counts: it only joins Arabic).

    >>> _is_rtl("ب"), _is_rtl("b"), _is_rtl("٦"), _is_rtl("،")
    (True, False, False, False)
    """
    if not char:
        return False
    category = unicodedata.category(char)
    if unicodedata.bidirectional(char) in ("R", "AL"):
        return category[0] in "LM"
    return category == "Mn" and unicodedata.name(char, "").startswith(_RTL_MARK_NAMES)


def _neighbour(text: str, index: int, step: int, skip: frozenset[str]) -> str:
    """The first character from ``index`` in direction ``step`` that is not in ``skip``."""
    while 0 <= index < len(text) and text[index] in skip:
        index += step
    return text[index] if 0 <= index < len(text) else ""


def _outside_rtl(text: str, start: int, end: int, skip: frozenset[str]) -> bool:
    """True when neither visible neighbour of ``text[start:end]`` is a right-to-left letter."""
    return not (
        _is_rtl(_neighbour(text, start - 1, -1, skip)) or _is_rtl(_neighbour(text, end, 1, skip))
    )


_SKIP_SPACE = _INVISIBLE | _HSPACE


def _arabic_punctuation(mark: str, ascii_mark: str) -> Check:
    # The match starts only where a run of blanks starts, and the run is taken whole: a run of
    # blanks without the mark is then scanned once, not once from each of its positions.
    pattern = re.compile(rf"(?<![ \t])[ \t]*+{mark}")

    def check(text: str, context: CheckContext) -> Iterator[Hit]:
        if mark not in text:
            return  # one scan for the mark instead of the pattern tried at every blank
        for match in pattern.finditer(text):
            if not _outside_rtl(text, match.start(), match.end(), _SKIP_SPACE):
                continue
            after = text[match.end() : match.end() + 1]
            space = " " if after.isalnum() else ""
            yield Hit(match.start(), match.end(), ascii_mark + space)

    return check


register("arabic-comma")(_arabic_punctuation("\u060c", ","))
register("arabic-semicolon")(_arabic_punctuation("\u061b", ";"))
register("arabic-question-mark")(_arabic_punctuation("\u061f", "?"))

_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
_DIGIT_MAP = str.maketrans(
    {
        **{c: str(i) for i, c in enumerate(_DIGITS)},
        **{c: str(i) for i, c in enumerate(_PERSIAN_DIGITS)},
    }
    | {"\u066b": ".", "\u066c": ","}
)
# What the check changes: without one of these in the text, no run changes.
_EASTERN_MARK = re.compile(f"[{_DIGITS}{_PERSIAN_DIGITS}\u066b\u066c]")
_DIGIT_RUN = re.compile(
    rf"(?:[0-9{_DIGITS}{_PERSIAN_DIGITS}]+[\u066b\u066c])*[0-9{_DIGITS}{_PERSIAN_DIGITS}]+"
)


@register("eastern-digits")
def eastern_digits(text: str, context: CheckContext) -> Iterator[Hit]:
    """Eastern Arabic and Persian digit runs in Latin text, with their ASCII form.

    The Arabic decimal and thousands separators are converted only inside a digit run.

    >>> [h.replacement for h in eastern_digits("٦٫٥ billion", CheckContext())]
    ['6.5']
    """
    if not _EASTERN_MARK.search(text):
        return  # ASCII digit runs only: every run would stay as it is
    for match in _DIGIT_RUN.finditer(text):
        run = match.group()
        fixed = run.translate(_DIGIT_MAP)
        if fixed != run and _outside_rtl(text, match.start(), match.end(), _SKIP_SPACE):
            yield Hit(match.start(), match.end(), fixed)


def _strip_run(chars: str, skip: frozenset[str]) -> Check:
    pattern = re.compile(f"[{chars}]+")

    def check(text: str, context: CheckContext) -> Iterator[Hit]:
        if not any(char in text for char in chars):
            return  # a scan per mark is cheaper than the pattern tried at every position
        for match in pattern.finditer(text):
            if _outside_rtl(text, match.start(), match.end(), skip):
                yield Hit(match.start(), match.end(), "")

    return check


register("bidi-marks")(_strip_run(BIDI_MARKS, _SKIP_SPACE))
register("zero-width")(_strip_run(ZERO_WIDTH, _SKIP_SPACE))
# A tatweel only stretches a joined Arabic letter, so its neighbours are looked for past other
# tatweels and invisible marks but not past spaces: it stays only where it touches Arabic.
register("tatweel")(_strip_run(TATWEEL, _INVISIBLE | {TATWEEL}))


_OTHER_SCRIPT_LETTER = re.compile(r"[^\W\d_A-Za-z\u00c0-\u024f\u1e00-\u1eff]")


def _foreign_quotes(pattern: str) -> Check:
    compiled = re.compile(pattern)

    def check(text: str, context: CheckContext) -> Iterator[Hit]:
        for match in compiled.finditer(text):
            if _OTHER_SCRIPT_LETTER.search(match.group(1)):
                continue  # a quotation in Arabic or Cyrillic keeps its own marks
            yield Hit(match.start(), match.start() + 1, "“")
            yield Hit(match.end() - 1, match.end(), "”")

    return check


# Only the marks are reported, never the words between them, so that other fixes inside the
# quotation (digits, invisible marks) do not overlap these.
register("guillemets")(_foreign_quotes("«([^«»\n]*)»"))
register("low-high-quotes")(_foreign_quotes("„([^„“”\n]*)[“”]"))


# --- quotation marks and brackets -------------------------------------------------------------

_INCH = re.compile(r"(?<=\d)\"")
_DOUBLE_MARK = re.compile('["“”]')
_LIST_MARKER = re.compile(r"(?:^|\s)[A-Za-z0-9]{1,2}\)")
# What a straight quotation mark's neighbours say about it: an opening mark follows a space,
# the start of the paragraph or an opening bracket or dash; a closing mark follows a word or
# punctuation and comes before a space, punctuation or the end.
_OPENS_AFTER = frozenset("([{—–-/")
_CLOSES_BEFORE = frozenset(".,;:!?)]}—–-")
# A plural possessive whose apostrophe was typed as a quotation mark ("the judges" decisions",
# "airlines" safety records"): news feeds that lost their curly apostrophes write it so.
_APOSTROPHE_AS_QUOTE = re.compile(r"(?<=[a-z]s)[\"”](?= [a-z])")
# A sentence ends at . ! ? before a space and a capital (closing marks may come between).
_SENTENCE_BREAK = re.compile(r"[.!?][\"”’)\]]*\s+[\"“‘(]?[A-Z]")
_AFTER_SENTENCE = re.compile(r"(?:^|[.!?:][\"”’)\]]*)\s*\Z")
_OPEN, _CLOSE, _EITHER = "open", "close", "either"


@dataclass(frozen=True, slots=True)
class _Mark:
    """A quotation mark: its offset in the text, its paragraph's number, its role."""

    pos: int
    para: int
    role: str
    starts_para: bool


def _straight_role(line: str, index: int) -> str:
    before = line[index - 1] if index else ""
    after = line[index + 1] if index + 1 < len(line) else ""
    opens_after = not before or before.isspace() or before in _OPENS_AFTER
    if opens_after and after and not after.isspace() and after not in _CLOSES_BEFORE:
        return _OPEN
    if (
        before
        and not before.isspace()
        and (not after or after.isspace() or after in _CLOSES_BEFORE)
    ):
        return _CLOSE
    return _EITHER


def _quotation_marks(paras: list[tuple[int, str]]) -> tuple[list[_Mark], list[_Mark]]:
    """The straight and the curly double quotation marks of the text, in order."""
    straight: list[_Mark] = []
    curly: list[_Mark] = []
    for number, (offset, line) in enumerate(paras):
        first = len(line) - len(line.lstrip())
        for found in _DOUBLE_MARK.finditer(line):
            index, char = found.start(), found.group()
            if char == '"' and not _INCH.match(line, index):
                role = _straight_role(line, index)
                straight.append(_Mark(offset + index, number, role, index == first))
            elif char in "“”":
                role = _OPEN if char == "“" else _CLOSE
                curly.append(_Mark(offset + index, number, role, index == first))
    return straight, curly


def _unpaired(marks: list[_Mark], text: str, nests: bool) -> list[tuple[_Mark, str]]:
    """The marks left without a partner, each with the role it was left in.

    A quotation may run over paragraphs: a paragraph that opens with a quotation mark while a
    quotation is still open continues it (news' multi-paragraph quotes), and a later paragraph
    whose first mark closes it ends it (text that comes one sentence per line). A mark that
    opens while another quotation is still open leaves that one unpaired, unless the marks
    ``nests`` (curly marks do, within a paragraph). A straight or closing mark between a
    plural and a lower-case word is a possessive's apostrophe when no quotation is open or
    the next mark closes the open one ("the judges" decisions").
    """
    stack: list[_Mark] = []
    unpaired: list[tuple[_Mark, str]] = []
    for number, mark in enumerate(marks):
        following = marks[number + 1] if number + 1 < len(marks) else mark
        closes_next = following is not mark and following.role == _CLOSE
        if _APOSTROPHE_AS_QUOTE.match(text, mark.pos) and (
            not stack or (closes_next and following.para == mark.para)
        ):
            continue  # a possessive: no quotation open, or the next mark closes the open one
        carried = bool(stack) and stack[-1].para != mark.para
        if carried and mark.starts_para and mark.role != _CLOSE:
            stack[-1] = mark  # the quotation goes on in this paragraph
            continue
        if not stack:
            if mark.role == _CLOSE:
                unpaired.append((mark, _CLOSE))
                continue
            stack.append(mark)
        elif mark.role == _OPEN and nests and not carried:
            stack.append(mark)
        elif mark.role == _OPEN:
            unpaired.append((stack.pop(), _OPEN))
            stack.append(mark)
        else:
            stack.pop()
    unpaired.extend((mark, _OPEN) for mark in stack)
    return unpaired


def _reaches_the_edge(text: str, mark: _Mark, role: str, marks: list[_Mark]) -> bool:
    """In a text of one paragraph (an excerpt, a segment of a longer article), a quotation
    may have opened before the text, or go on after it.

    Closing: the first mark of the text, after punctuation, closing two sentences or more.
    Opening: the last mark, to the end of the text, which ends a sentence, with no
    attribution (", he said") inside, where the closing mark was dropped; the mark opens the
    paragraph (news' way of continuing a quotation) or opens a sentence and the quotation
    holds two sentences or more. Only the first and the last mark are looked at, so this
    stays linear.
    """
    if role == _CLOSE:
        quoted = text[: mark.pos]
        return (
            mark is marks[0]
            and quoted[-1:] in (".", ",", "!", "?")
            and bool(_SENTENCE_BREAK.search(quoted))
        )
    if mark is not marks[-1]:
        return False
    quoted = text[mark.pos + 1 :].rstrip()
    before = text[max(0, mark.pos - _WINDOW) : mark.pos]
    return (
        (
            mark.starts_para
            or bool(_AFTER_SENTENCE.search(before) and _SENTENCE_BREAK.search(quoted))
        )
        and quoted[-1:] in (".", "!", "?", "…")
        and not any(
            "," in quoted[max(0, m.start() - _WINDOW) : m.start()]
            for m in _REPORTING.finditer(quoted)
        )
    )


@register("unbalanced-quotes")
def unbalanced_quotes(text: str, context: CheckContext) -> Iterator[Hit]:
    """Double quotation marks, straight or curly, without a partner.

    A quotation may run over paragraphs (see :func:`_unpaired`). In a text of one paragraph, a
    quotation that reaches the start or the end of the text may pass: the text is part of a
    longer article (see :func:`_reaches_the_edge`). A straight mark between a plural and a
    lower-case word can be a possessive's apostrophe, not a quotation mark (see
    :func:`_unpaired`).

    >>> [h.start for h in unbalanced_quotes('He said “no.\\nShe left.', CheckContext())]
    [8]
    """
    paras = list(paragraphs(text))
    bad: list[int] = []
    straight, curly = _quotation_marks(paras)
    for marks, nests in ((straight, False), (curly, True)):
        for mark, role in _unpaired(marks, text, nests):
            if len(paras) == 1 and _reaches_the_edge(text, mark, role, marks):
                continue
            bad.append(mark.pos)
    for pos in sorted(bad):
        yield Hit(pos, pos + 1)


_PAIRS = {")": "(", "]": "["}
_BRACKET = re.compile(r"[()\[\]]")


@register("unbalanced-brackets")
def unbalanced_brackets(text: str, context: CheckContext) -> Iterator[Hit]:
    """Round and square brackets without a partner in the same paragraph.

    A list marker such as ``1)`` or ``b)`` is not a closing bracket, unless a bracket is open
    ("in the country (the UK)").

    >>> [h.start for h in unbalanced_brackets("Talks (in Ankara ended.", CheckContext())]
    [6]
    """
    for offset, line in paragraphs(text):
        brackets = list(_BRACKET.finditer(line))
        if not brackets:
            continue
        markers = {m.end() - 1 for m in _LIST_MARKER.finditer(line)} if ")" in line else set()
        stack: list[tuple[str, int]] = []
        bad: list[int] = []
        for found in brackets:
            index, char = found.start(), found.group()
            if char in "([":
                stack.append((char, index))
            elif char in _PAIRS:
                if stack and stack[-1][0] == _PAIRS[char]:
                    stack.pop()
                elif index not in markers:
                    bad.append(index)
        for index in sorted(bad + [i for _, i in stack]):
            yield Hit(offset + index, offset + index + 1)


# --- reported speech in the first person ------------------------------------------------------

# The look-ahead of the verbs' first letters lets most positions fail at once (4 times
# faster on news text; the same matches).
_REPORTING = re.compile(
    r"\b(?=[sncaedp])(?:said|says|stressed|noted|added|stated|announced|claimed|confirmed|affirmed|"
    r"emphasi[sz]ed|explained|declared|pointed\s+out|noting|stressing|adding|stating|"
    r"claiming|confirming|emphasi[sz]ing|pointing\s+out)\b(?:\s+that\b)?",
    re.IGNORECASE,
)
# Looked for in the few characters before a word only (a bounded window keeps it linear).
_WINDOW = 40
_FIRST_PERSON_SUBJECT = re.compile(r"\b(?:I|we|We)(?:\s+\w+)?\s*$")
_CAPITALISED_BEFORE = re.compile(r"\b[A-Z][a-z]*\s+$")
# A verb that introduces no speech: an aside opened by "as" ("As the premier said last week,
# our city ..."), or the writer in the scene ("he said to me", "she said when we met").
_ASIDE_BEFORE = re.compile(r"(?:^|[,;:(]\s*|[.!?][\"”’)]*\s+)[Aa]s\s+(?:[\w’'.-]+\s+){0,5}$")
# The look-behind and ``\s++`` scan a run of blanks once, from its start only.
_WRITER_AFTER = re.compile(
    r"(?<!\s)\s++(?:to\s+(?:me|us)|(?:when|as|after|while|before|once)\s+(?:I|we))\b"
)
# "us" and "I" are case-sensitive: "US" is the United States.
_FIRST_PERSON = re.compile(r"\b(?:(?i:we|our|ours|ourselves|my|myself|me)|us|I)\b")
# The newspaper's own voice: "our correspondent", "according to our sources". Matched right
# after "our"; the look-behind and ``\s++`` scan a run of blanks once, from its start only.
_HOUSE_VOICE = re.compile(
    r"(?<!\s)\s++(?:correspondents?|reporters?|sources?|newspaper|paper|website|channel|agency|"
    r"readers|editors?|team)\b",
    re.IGNORECASE,
)
_THIRD_PERSON = {
    "we": "his country",
    "us": "his country",
    "our": "his country's",
    "ours": "his country's",
    "ourselves": "themselves",
    "i": "he",
    "my": "his",
    "myself": "himself",
    "me": "him",
}
_QUOTE_PAIRS = {"“": "”", '"': '"', "«": "»"}
_QUOTE_OPENING = re.compile("[" + "".join(_QUOTE_PAIRS) + "]")


class _Quoted:
    """The spans of a paragraph inside quotation marks; an unclosed quotation runs to the end."""

    def __init__(self, line: str) -> None:
        self.spans: list[tuple[int, int]] = []
        index = 0
        # Only the opening marks are visited (one search each), not every character.
        while (opening := _QUOTE_OPENING.search(line, index)) is not None:
            index = opening.start()
            end = line.find(_QUOTE_PAIRS[opening.group()], index + 1)
            end = len(line) if end < 0 else end + 1
            self.spans.append((index, end))
            index = end
        self.starts = [start for start, _ in self.spans]

    def covers(self, pos: int) -> bool:
        """Whether ``pos`` is inside a quotation (spans are sorted and disjoint)."""
        index = bisect.bisect_right(self.starts, pos) - 1
        return index >= 0 and pos < self.spans[index][1]


def _roman_numeral_i(line: str, start: int) -> bool:
    """``I`` after a capitalised word is a numeral or a name part ("World War I", "Phase I")."""
    if line[start] != "I":
        return False
    return _CAPITALISED_BEFORE.search(line, max(0, start - _WINDOW), start) is not None


# Where the sentence of a reporting verb ends: . ! ? before a space and a capital, not after an
# abbreviation or an initial ("Mr. Smith", "the U.S. Army"). An ellipsis does not end it: machine
# translation glues sentences with one ("future… Major projects"), and the speech goes on.
# The look-ahead lets every position but a mark fail before the look-behinds are tried.
_SPEECH_END = re.compile(
    r"(?=[.!?])(?<!\b[A-Za-z])(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bNo)(?<!\bJr)(?<!\bSr)"
    r"(?<!\bGen)(?<!\bGov)(?<!\bSen)(?<!\bRep)(?<!\bCol)(?<!\bProf)(?<!\bRev)"
    r"[.!?][\"”’)\]]*\s+(?=[\"“‘(]?[A-Z])"
)


@register("first-person-reported")
def first_person_reported(text: str, context: CheckContext) -> Iterator[Hit]:
    """First-person words outside quotation marks after a reporting verb in the same sentence.

    "Lavrov said that our position is clear" is direct speech that lost its quotation marks.
    A reporting verb whose own subject is first person ("as I said"), in an aside ("as the
    premier said,") or with the writer in the scene ("he said to me") does not count. The
    verb's sentence ends the search: a later sentence is the writer's again, or a quotation
    whose own marks are missing, which the verb does not show.

    >>> [h.replacement for h in first_person_reported(
    ...     "Lavrov said that our position is clear.", CheckContext())]
    ["his country's"]
    """
    # One scan of the whole text finds the paragraphs with a reporting verb; only they are
    # read. A verb starts at the same place in the text as in its paragraph: a match that
    # runs on over a line break ("said\nthat", "pointed\nout") hides no verb start.
    starts = [verb.start() for verb in _REPORTING.finditer(text)]
    if not starts:
        return
    for offset, line in paragraphs(text):
        first = bisect.bisect_left(starts, offset)
        if first == len(starts) or starts[first] >= offset + len(line):
            continue  # no verb here: most paragraphs report no speech
        verbs = list(_REPORTING.finditer(line))
        if not verbs:
            continue
        quoted = _Quoted(line)
        reported: list[tuple[int, int]] = []
        for verb in verbs:
            if reported and verb.start() < reported[-1][1]:
                continue  # inside the sentence of a verb already taken
            window = max(0, verb.start() - _WINDOW)
            if (
                quoted.covers(verb.start())
                or _FIRST_PERSON_SUBJECT.search(line, window, verb.start())
                or _ASIDE_BEFORE.search(line, window, verb.start())
                or (
                    not verb.group().lower().endswith("that")
                    and _WRITER_AFTER.match(line, verb.end())
                )
            ):
                continue
            sentence_end = _SPEECH_END.search(line, verb.end())
            reported.append((verb.end(), sentence_end.start() if sentence_end else len(line)))
        for start, end in reported:
            for match in _FIRST_PERSON.finditer(line, start, end):
                word = match.group()
                if quoted.covers(match.start()) or _roman_numeral_i(line, match.start()):
                    continue
                if word.lower() == "our" and _HOUSE_VOICE.match(line, match.end()):
                    continue
                replacement = _THIRD_PERSON[word.lower()]
                yield Hit(offset + match.start(), offset + match.end(), replacement)


# --- relative dates ---------------------------------------------------------------------------

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_NUMBER = r"(?P<n>\d{1,2}|" + "|".join(_NUMBERS) + r")"
# The look-ahead of the phrases' first characters lets most positions fail before the
# alternatives are tried (the same matches).
_RELATIVE = re.compile(
    r"(?<![\w-])(?=[tylnaofse\d])(?:"
    r"(?P<before>the\s+day\s+before\s+yesterday)|(?P<after>the\s+day\s+after\s+tomorrow)"
    r"|(?P<yesterday>yesterday)|(?P<tomorrow>tomorrow)|(?P<lastnight>last\s+night)"
    rf"|{_NUMBER}\s+(?P<unit>days?|weeks?)\s+ago"
    r"|(?<!\bthe\s)(?<!\bthis\s)(?P<dir>last|next)\s+(?P<what>week|month|"
    + "|".join(_WEEKDAYS)
    + r")"
    r")(?![\w-])",
    re.IGNORECASE,
)


def _day(day: dt.date) -> str:
    return f"{_WEEKDAYS[day.weekday()]}, {day.day} {_MONTHS[day.month - 1]} {day.year}"


def _week(day: dt.date) -> str:
    monday = day - dt.timedelta(days=day.weekday())
    return f"in the week of Monday, {monday.day} {_MONTHS[monday.month - 1]} {monday.year}"


def _month(day: dt.date, step: int) -> str:
    index = day.year * 12 + day.month - 1 + step
    if not dt.MINYEAR <= index // 12 <= dt.MAXYEAR:
        msg = "month out of range"
        raise OverflowError(msg)
    return f"in {_MONTHS[index % 12]} {index // 12}"


def _resolve(match: re.Match[str], date: dt.date) -> str:
    """The absolute form of a relative date, counted from ``date``."""
    group = match.lastgroup
    offsets = {"before": -2, "after": 2, "yesterday": -1, "tomorrow": 1}
    if group in offsets:
        return "on " + _day(date + dt.timedelta(days=offsets[group]))
    if group == "lastnight":
        return "on the night of " + _day(date - dt.timedelta(days=1))
    if match.group("n"):
        count = (
            int(match.group("n")) if match.group("n").isdigit() else _NUMBERS[match["n"].lower()]
        )
        if match.group("unit").lower().startswith("day"):
            return "on " + _day(date - dt.timedelta(days=count))
        return _week(date - dt.timedelta(weeks=count))
    step = -1 if match.group("dir").lower() == "last" else 1
    what = match.group("what").capitalize()
    if what == "Week":
        return _week(date + dt.timedelta(weeks=step))
    if what == "Month":
        return _month(date, step)
    # "last Tuesday" is the latest Tuesday before the date; "next Tuesday" the first after it.
    target = _WEEKDAYS.index(what)
    distance = ((date.weekday() - target) * -step) % 7 or 7
    return "on " + _day(date + dt.timedelta(days=step * distance))


@register("relative-date")
def relative_date(text: str, context: CheckContext) -> Iterator[Hit]:
    """Relative dates that the article's date can anchor: "yesterday", "four days ago" ...

    With ``context.date`` the replacement names the date; without it, or when the date it
    names would fall outside years 1-9999, there is no replacement and the advice says how to
    count.

    >>> hit, = relative_date("It opened four days ago.", CheckContext(dt.date(2026, 11, 26)))
    >>> hit.replacement
    'on Sunday, 22 November 2026'
    >>> relative_date("It opened four days ago.", CheckContext()).__next__().advice
    "give the date ('four days ago', counted from the article's date)"
    """
    for match in _RELATIVE.finditer(text):
        try:
            # A day before 0001-01-01 or after 9999-12-31 has no date: say how to count.
            replacement = _resolve(match, context.date) if context.date else None
        except OverflowError:
            replacement = None
        if replacement is not None:
            yield Hit(match.start(), match.end(), replacement)
            continue
        phrase = " ".join(match.group().split())
        advice = f"give the date ('{phrase}', counted from the article's date)"
        yield Hit(match.start(), match.end(), advice=advice)


# Five to nine digits in a row with no separator. Years have four digits; decimals, codes
# glued to letters (S-400, A320), telephone numbers (ten digits or more) and numbers after
# "#", "+" or "/" are left alone.
_UNGROUPED = re.compile(r"(?<![\w.,:/#+-])[1-9]\d{4,8}(?!\w|[.,:/-]\d)")


@register("thousands-separator")
def thousands_separator(text: str, context: CheckContext) -> Iterator[Hit]:
    """Large numbers written without thousands separators, with the grouped form.

    >>> [h.replacement for h in thousands_separator("about 250000 people", CheckContext())]
    ['250,000']
    """
    for match in _UNGROUPED.finditer(text):
        yield Hit(match.start(), match.end(), f"{int(match.group()):,}")


# The checks of the target-language packs register themselves on import.
from copydesk.rules import checks_marks as _checks_marks  # noqa: E402, F401

# The checks of the de, fr, es and ru packs' words and numbers register themselves on import.
from copydesk.rules import checks_words as _checks_words  # noqa: E402, F401
