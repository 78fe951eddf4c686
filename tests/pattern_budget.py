"""A time budget for patterns on adversarial input: long runs of what a pattern repeats.

A pattern that backtracks catastrophically is fast on news text and slow on a run of the
characters it repeats: ``[ \\t]*،`` rescans a run of blanks from each of its positions, so
50 KB of blanks cost seconds. :func:`over_budget` builds such runs from a pattern's own source
(its literal characters, escapes and words), from a generic set (blanks, "1,", "a.", base64,
Arabic, ...) and from a rule's examples, and times a matcher on each.

Each run is first timed at :data:`SCREEN_SIZE` characters: one that would pass the budget at
:data:`SIZE` characters even growing linearly fails at once, one that could pass it growing
quadratically is timed again at full size, and the rest pass.
Linear patterns take well under a millisecond per screening run, so all the patterns of the
suite are screened in seconds; times are CPU time of the running thread, so a busy machine does not
make a linear pattern fail.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import re
import time
from collections.abc import Callable, Iterable

import regex

from copydesk.rules import Rule
from copydesk.rules.checks import CheckContext

#: Characters of the adversarial text a pattern must get through within :data:`BUDGET`.
SIZE = 50_000
SCREEN_SIZE = 10_000
#: CPU seconds per :data:`SIZE` characters. Shipped patterns take at most 0.15 s on their
#: worst shape; the slow-downs this catches took from 7 s to 258 s.
BUDGET = 1.0
#: Wall-clock cap on one timed run of a ``regex`` pattern, so a catastrophic one ends quickly.
WALL_CAP = 5 * BUDGET


def _base64(size: int) -> str:
    """A base64-like token of ``size`` characters (the same for the same size)."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    return "".join(random.Random(0).choices(alphabet, k=size))


#: Units that most patterns repeat: blanks, lines, list-like runs, quotes, Arabic.
GENERIC_UNITS: tuple[str, ...] = (
    " ",
    "\t",
    "\n",
    "\n\n",
    " \n",
    "\r\n",
    "\u00a0",
    "1,",
    "1.",
    "1",
    "a.",
    "a ",
    "a",
    "A",
    "Aa ",
    "a-",
    "- ",
    "-",
    ",",
    ".",
    ". ",
    '"',
    "'",
    '" ',
    "“",
    "«",
    "(",
    ")",
    "@",
    "#",
    "a@",
    "ب",
    "بب ",
    "،",
    " ،",
    "٠",
    "\u200b",
    "\u0640",
    "I ",
    "we ",
)
#: Long texts that are not runs of one unit, by size.
GENERIC_TEXTS: tuple[tuple[str, Callable[[int], str]], ...] = (
    ("base64 token", _base64),
    ("base64 token without '/'", lambda n: _base64(n).replace("/", "A")),
)

#: A rule file for tests: ``chain``, ``slow-fix`` and the exception of ``slow-exception`` rescan
#: the sentence behind every comma, quadratic on "said 1,1,1,..."; ``worth`` and
#: ``arabic-comma`` are linear.
SLOW_RULES = """\
source: "test"
defaults: {category: Style/Awkward}
rules:
  - name: chain
    extends: pattern
    pattern: ',(?<=\\bsaid\\b[^.]*,)\\s+noting'
    message: "Chain."
  - name: slow-fix
    extends: pattern
    pattern: ',(?<=\\bsaid\\b[^.]*,)x'
    message: "Slow fix."
    fix: ";"
  - name: slow-exception
    extends: pattern
    pattern: 'noting'
    exceptions: [',(?<=\\bsaid\\b[^.]*,)\\s+noting']
    message: "Slow exception."
  - name: worth
    extends: phrase
    phrases: ["worth mentioning"]
    message: "Filler."
  - name: arabic-comma
    extends: check
    check: arabic-comma
    message: "Arabic comma."
    fix: "{replacement}"
"""

_ESCAPES = {"s": " ", "d": "1", "w": "a", "n": "\n", "t": "\t", "r": "\r", "S": "a", "W": " "}
_WORD = re.compile(r"[A-Za-z]{2,}")


def units_from_source(source: str) -> set[str]:
    """The characters and words a pattern's source names, each a unit to repeat."""
    units: set[str] = set()
    index = 0
    while index < len(source):
        char = source[index]
        if char == "\\" and index + 1 < len(source):
            escaped = source[index + 1]
            if escaped in _ESCAPES:
                units.add(_ESCAPES[escaped])
            elif escaped == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", source[index + 2 : index + 6]):
                units.add(chr(int(source[index + 2 : index + 6], 16)))
                index += 4
            elif not escaped.isalnum():
                units.add(escaped)
            index += 2
            continue
        if char not in "()[]{}|*+?^$":
            units.add(char)
        index += 1
    words = set(_WORD.findall(source))
    return units | {w + " " for w in words} | {w + "," for w in words}


def repeat(unit: str, size: int) -> str:
    """``unit`` repeated to ``size`` characters."""
    return (unit * (size // len(unit) + 1))[:size]


def shapes(
    source: str = "", examples: Iterable[str] = (), size: int = SIZE
) -> list[tuple[str, Callable[[int], str]]]:
    """(description, text of a given size) for every adversarial input of a pattern."""
    units = sorted(set(GENERIC_UNITS) | units_from_source(source))
    found: list[tuple[str, Callable[[int], str]]] = [
        (f"{u!r} x {size // len(u)}", lambda n, u=u: repeat(u, n)) for u in units
    ]
    found += list(GENERIC_TEXTS)
    found += [
        (f"example {e!r} repeated", lambda n, e=e: repeat(e + " ", n))
        for e in sorted(set(examples))
    ]
    return found


def cpu_seconds(run: Callable[[str], object], text: str) -> float:
    """CPU time of this thread in ``run(text)`` (threads left running by other tests do not
    count); infinite when a wall-clock cap raised TimeoutError. The garbage collector is off
    meanwhile: a collection of the objects that earlier tests left would be charged here."""
    gc.disable()
    start = time.thread_time()
    try:
        run(text)
    except TimeoutError:
        return float("inf")
    finally:
        gc.enable()
    return time.thread_time() - start


def finditer_all(pattern: re.Pattern[str] | regex.Pattern[str]) -> Callable[[str], object]:
    """A run that consumes every match of ``pattern`` (a ``regex`` one under WALL_CAP)."""
    if isinstance(pattern, re.Pattern):
        return lambda text: sum(1 for _ in pattern.finditer(text))
    return lambda text: sum(1 for _ in pattern.finditer(text, timeout=WALL_CAP))


def rule_over_budget(rule: Rule, budget: float = BUDGET, size: int = SIZE) -> list[str]:
    """:func:`over_budget` for a rule: its pattern and exceptions (or its check) together,
    on shapes from their sources, its phrases and its examples."""
    sources = [rule._regex.pattern if rule._regex is not None else "", *rule.exceptions]
    context = CheckContext(date=dt.date(2026, 11, 26))

    def run(text: str) -> None:
        rule.hits(text, context, timeout=5 * budget)
        # A rule looks for its exceptions only once it has a hit: they are timed on their own
        # too, so an exception is held to the budget on text its pattern never matches.
        for exception in rule._exception_regexes:
            sum(1 for _ in exception.finditer(text, timeout=5 * budget))

    return over_budget(
        run,
        "\n".join(sources),
        rule.examples_flag + rule.examples_pass + rule.phrases,
        budget,
        size,
    )


def over_budget(
    run: Callable[[str], object],
    source: str = "",
    examples: Iterable[str] = (),
    budget: float = BUDGET,
    size: int = SIZE,
) -> list[str]:
    """The shapes on which ``run`` takes longer than ``budget`` on ``size`` characters, with
    times (the shapes are screened on a fifth of ``size``)."""
    screen = size * SCREEN_SIZE // SIZE
    growth = size / screen
    slow = []
    for description, make in shapes(source, examples, size):
        seconds = cpu_seconds(run, make(screen))
        if seconds == float("inf"):
            slow.append(f"{description}: stopped at its time cap on {screen} characters")
        elif seconds * growth > budget:  # over budget even if the cost were linear
            slow.append(f"{description}: {seconds:.2f} s on {screen} characters already")
        elif seconds * growth**2 > budget:  # a quadratic cost could reach the budget
            seconds = cpu_seconds(run, make(size))
            if seconds > budget:
                slow.append(f"{description}: {seconds:.2f} s")
    return slow
