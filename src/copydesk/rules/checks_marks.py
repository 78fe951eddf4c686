"""Code checks for the quotation marks of the target-language packs (de, fr, es, ru).

Contract: the checks read the house style's quotation marks for the pack's language from
:attr:`CheckContext.quotes <copydesk.rules.checks.CheckContext>` (double open, double close,
single open, single close) and never report a mark the house style writes, so an article in
its locale's marks („…“ in German, «…» in Russian) is left alone. Each works paragraph by
paragraph (:func:`~copydesk.rules.checks.paragraphs`) in one pass, so it is linear in length.

- ``straight-double-quotes``: a pair of straight ``"`` is reported once, at its opening mark,
  with the house opening mark as replacement (professional raters mark the opening one); a
  straight closing mark with no straight opening mark (``„Koch"``) is reported with the
  house closing mark. A ``"`` right after a digit, with no straight quotation open, is an
  inch sign.
- ``straight-single-quotes``: a straight ``'`` used as a quotation mark (not between letters,
  not the apostrophe of a genitive such as ``Hans'``), with advice naming the house marks.
- ``foreign-double-quotes``: a typographic double mark that the house style does not write
  where it stands: an opening mark that is not the house's double or single opening mark
  (English “ in a German text), a closing one that is not its closing mark (”, «, » in
  German), with the house mark as replacement.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from copydesk.rules.checks import CheckContext, Hit, paragraphs, register

__all__ = [
    "DOUBLE_MARKS",
    "foreign_double_quotes",
    "straight_double_quotes",
    "straight_single_quotes",
]

#: Typographic double quotation marks of any locale.
DOUBLE_MARKS = "„“”‟«»「」『』"
# What may stand before an opening mark and after a closing one. A no-break space counts as
# part of the quotation (French « … »), an ordinary space does not.
_BEFORE_OPENING = frozenset(" \t\u00a0\u202f([{/–—-" + "„“”«»‚‘’‹›'\"")
_AFTER_CLOSING = frozenset(" \t\u00a0\u202f.,;:!?)]}/–—-…" + "„“”«»‚‘’‹›'\"")
_PLAIN_SPACE = frozenset(" \t\n\r")


def _role(line: str, index: int) -> str:
    """``open``, ``close`` or ``either`` for the mark at ``index``, from its neighbours."""
    before = line[index - 1] if index > 0 else " "
    after = line[index + 1] if index + 1 < len(line) else " "
    opens = before in _BEFORE_OPENING and after not in _PLAIN_SPACE and after not in ".,;:!?)]}"
    closes = after in _AFTER_CLOSING and before not in _PLAIN_SPACE and before not in "([{"
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    return "either"


def _advice(quotes: str) -> str:
    return f"write the quotation as {quotes[0]}…{quotes[1]} ({quotes[2]}…{quotes[3]} inside one)"


@register("straight-double-quotes")
def straight_double_quotes(text: str, context: CheckContext) -> Iterator[Hit]:
    """Straight double quotation marks: each pair once, at its opening mark.

    >>> [(h.start, h.replacement) for h in straight_double_quotes(
    ...     'Er sagte "nein" und „ja".', CheckContext(quotes="„“‚‘"))]
    [(9, '„'), (23, '“')]
    """
    quotes = context.quotes
    for offset, line in paragraphs(text):
        opening: int | None = None
        for match in re.finditer('"', line):
            index = match.start()
            if opening is None and index > 0 and line[index - 1].isdigit():
                continue  # 6'2": an inch sign
            role = _role(line, index)
            if role == "either":
                role = "close" if opening is not None else "open"
            if role == "open":
                opening = index
                yield Hit(offset + index, offset + index + 1, quotes[0], _advice(quotes))
            elif opening is not None:
                opening = None
            else:
                yield Hit(offset + index, offset + index + 1, quotes[1], _advice(quotes))


# A straight single mark with no letter before it, or none after it; a genitive apostrophe
# after s, x, z or ß at the end of a word ("Hans' Auto", "Jones'") is left alone.
_SINGLE = re.compile(r"(?<![^\W\d_])'|(?<![sxzßSXZ])'(?![^\W\d_])")
_DECADE = re.compile(r"'\d\d(?!\d)")


@register("straight-single-quotes")
def straight_single_quotes(text: str, context: CheckContext) -> Iterator[Hit]:
    """Straight single quotation marks used as quotation marks, not as apostrophes.

    >>> [h.start for h in straight_single_quotes("Sie nannte es 'dumm'.", CheckContext())]
    [14, 19]
    """
    if "'" not in text:
        return  # one scan for the mark instead of the pattern tried at every position
    for offset, line in paragraphs(text):
        if "'" not in line:
            continue
        for match in _SINGLE.finditer(line):
            index = match.start()
            if _DECADE.match(line, index) or (index > 0 and line[index - 1].isdigit()):
                continue  # the '90s; 6'2"
            yield Hit(offset + index, offset + index + 1, advice=_advice(context.quotes))


_DOUBLE = re.compile(f"[{DOUBLE_MARKS}]")


@register("foreign-double-quotes")
def foreign_double_quotes(text: str, context: CheckContext) -> Iterator[Hit]:
    """Typographic double quotation marks of another locale (English “…” in German text).

    >>> [(h.start, h.replacement) for h in foreign_double_quotes(
    ...     "Er sagte “nein” und „ja“.", CheckContext(quotes="„“‚‘"))]
    [(9, '„'), (14, '“')]
    """
    quotes = context.quotes
    openers, closers = {quotes[0], quotes[2]}, {quotes[1], quotes[3]}
    for offset, line in paragraphs(text):
        for match in _DOUBLE.finditer(line):
            mark, index = match.group(), match.start()
            role = _role(line, index)
            if role == "either":
                # Between spaces or between letters: right if the house writes it at all.
                if mark in openers or mark in closers:
                    continue
                role = "open" if mark in "„“«「『" else "close"
            if role == "open" and mark not in openers:
                yield Hit(offset + index, offset + index + 1, quotes[0], _advice(quotes))
            elif role == "close" and mark not in closers:
                yield Hit(offset + index, offset + index + 1, quotes[1], _advice(quotes))


# A sentence ends at a full stop, question or exclamation mark or ellipsis; "?" or "!" before
# a letter, digit, "=" or "/" is part of a web address or a name ("Yahoo!"), not an end.
_SENTENCE_END = re.compile(r"[.…]|[?!](?![\w=/&])")


def _inverted(closing: str, opening: str) -> Callable[[str, CheckContext], Iterator[Hit]]:
    def check(text: str, context: CheckContext) -> Iterator[Hit]:
        for offset, line in paragraphs(text):
            start = 0
            for match in _SENTENCE_END.finditer(line):
                index = match.start()
                if match.group() == closing and opening not in line[start:index]:
                    yield Hit(offset + index, offset + index + 1)
                start = index + 1

    return check


# Spanish opens a question with ¿ and an exclamation with ¡, where it starts: the check
# reports a closing mark with no opening one since the previous sentence's end.
register("inverted-question-mark")(_inverted("?", "¿"))
register("inverted-exclamation-mark")(_inverted("!", "¡"))
