"""Reproducibility signatures, in the spirit of sacreBLEU's.

A signature pins everything that changes copydesk's output: its version, the content
hashes of the glossary, the rule pack and the house style, the language, the mode
(applying or only suggesting), the reference date used for relative dates, and the
spelling dictionary a language takes from the system (Hunspell's for de, fr, es, ru), and the
source text's language and hash when the article was checked against its source. Two runs
with the same input and the same signature give the same output.
"""

from __future__ import annotations

from dataclasses import dataclass

from copydesk._version import __version__

_SHORT = {
    "copydesk": "v",
    "glossary": "g",
    "rules": "r",
    "style": "s",
    "lang": "l",
    "mode": "m",
    "date": "d",
    "memory": "f",
    "dictionary": "h",
    "source": "o",
}


@dataclass(frozen=True, slots=True)
class Signature:
    """The settings of one run; ``str()`` gives the long form."""

    glossary: str
    rules: str
    style: str
    lang: str
    mode: str = "apply"
    date: str | None = None
    memory: str = "none"
    dictionary: str = ""  # "de_DE@HASH", "none" when missing; empty where none applies
    source: str = ""  # "LANG@HASH" of the source text; empty when there is none
    version: str = __version__

    def fields(self) -> list[tuple[str, str]]:
        """The signature's fields in a fixed order."""
        out = [
            ("copydesk", self.version),
            ("glossary", self.glossary),
            ("rules", self.rules),
            ("style", self.style),
            ("lang", self.lang),
            ("mode", self.mode),
        ]
        if self.date:
            out.append(("date", self.date))
        if self.memory != "none":
            out.append(("memory", self.memory))
        if self.dictionary:
            out.append(("dictionary", self.dictionary))
        if self.source:
            out.append(("source", self.source))
        return out

    def format(self, short: bool = False) -> str:
        """``copydesk:0.1.0|glossary:…`` or, short, ``v:0.1.0|g:…``.

        >>> Signature("a1b2", "en@3f9c", "default", "en").format(short=True)
        'v:0.1.0|g:a1b2|r:en@3f9c|s:default|l:en|m:apply'
        """
        return "|".join(f"{_SHORT[k] if short else k}:{v}" for k, v in self.fields())

    def __str__(self) -> str:
        return self.format()
