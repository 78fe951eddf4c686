"""``copydesk glossary discover``: unseen spellings of glossary entries, with their evidence.

Contract: :func:`discover` reads articles (text with a name) and returns
:class:`Proposal` values, best first, that never name a spelling the glossary already has
(any form in any language, any variant; compared case-folded). :func:`proposals_yaml`
writes them as YAML an editor can paste: each proposal names the entry (``<domain>.<id>``)
and its file, and ``variants:`` holds the new spelling as the glossary writes variants.

A candidate is a run of one to four capitalised words in an article (the Arabic article
may join them: "Jabhat an-Nusra"). It is proposed for an entry when

- ``key``: it has the transliteration key of one of the entry's Latin-script forms or
  variants (:func:`copydesk.translit.name_key`) and, word for word, the same vowels
  (:func:`copydesk.translit.same_vowels`) and a similarity of at least
  :data:`MIN_KEY_SIMILARITY`: "Edleb" for Idlib, "Menbij" for Manbij;
- ``similarity``: failing that, it has as many words as the form, the same first letter
  and a similarity (difflib ratio of folded names) of at least :data:`MIN_SIMILARITY`:
  "Qamishlo" for Qamishli.

Never proposed: a plural or demonym of a form ("Syrians", "Idlibi", "Kurdish"); a single
word shorter than :data:`MIN_LETTERS` letters or that the English dictionary knows in lower
case (an ordinary word at the start of a sentence: "Homes" is not Homs).

Ranking: key matches before similarity matches, then by similarity, then by how often the
spelling occurs. The evidence of each proposal: how it matched, the key, the similarity,
the count, and up to :data:`MAX_SEEN` places (file, line, the line's text around it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from copydesk.findings._words import word_scripts
from copydesk.glossary import Entry, Glossary
from copydesk.translit import (
    ARTICLES,
    is_derived,
    name_key,
    name_words,
    same_vowels,
    similarity,
)

__all__ = [
    "MAX_SEEN",
    "MIN_KEY_SIMILARITY",
    "MIN_LETTERS",
    "MIN_SIMILARITY",
    "Article",
    "Proposal",
    "Seen",
    "discover",
    "name_candidates",
    "proposals_yaml",
]

#: Similarity floor of a key match (below it the key joins other names: "Kars", "Kiros").
MIN_KEY_SIMILARITY = 0.6
#: Similarity floor of a match by similarity alone.
MIN_SIMILARITY = 0.8
#: Shortest single-word candidate, in letters: shorter names match too much.
MIN_LETTERS = 4
#: Places kept as evidence per proposal.
MAX_SEEN = 3
# Words in a name run, at most.
_MAX_WORDS = 4
# Endings that make a demonym or adjective of a place name, beyond the plural ones.
_DERIVED = frozenset({"ish", "ic", "ia", "ian", "ians", "ese", "i", "is", "an", "ans", "s", "es"})
# A word, with apostrophes and ayn/hamza marks inside or before it, hyphenated parts joined.
_TOKEN = re.compile(r"[\w'’‘ʿʾ]+(?:[-‐‑][\w'’‘ʿʾ]+)*")
_CONTEXT = 40
_SPLIT = re.compile(r"[\s\-\u2010\u2011]+")


@dataclass(frozen=True, slots=True)
class Article:
    """An article's text and the name its evidence cites."""

    name: str
    text: str


@dataclass(frozen=True, slots=True)
class Seen:
    """One place a spelling occurs."""

    file: str
    line: int
    context: str


@dataclass(slots=True)
class Proposal:
    """A new spelling of an entry, and why."""

    entry: str  # the entry's rule id, "<domain>.<id>"
    file: str  # the name of the entry's glossary file
    house_form: str
    variant: str
    match: str  # "key" or "similarity"
    key: str
    similarity: float
    count: int = 0
    seen: list[Seen] = field(default_factory=list)

    def rank(self) -> tuple[int, float, int, str]:
        return (0 if self.match == "key" else 1, -self.similarity, -self.count, self.variant)


@dataclass(frozen=True, slots=True)
class _Form:
    entry: Entry
    rule: str
    text: str
    folded: str
    key: str
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Index:
    known: frozenset[str]
    by_key: dict[str, tuple[_Form, ...]]
    by_start: dict[tuple[int, str], tuple[_Form, ...]]


def _latin(text: str) -> bool:
    return word_scripts(text) == {"Latin"}


def _build_index(glossary: Glossary) -> _Index:
    known: set[str] = set()
    by_key: dict[str, list[_Form]] = {}
    by_start: dict[tuple[int, str], list[_Form]] = {}
    for entry in glossary.entries:
        rule = entry.id
        spellings = [t for f in entry.forms.values() for t in f.texts()]
        spellings += [v.text for v in entry.variants]
        known.update(s.casefold() for s in spellings)
        seen: set[str] = set()
        for text in spellings:
            # "Hayat Tahrir al-Sham (HTS)": the name without its abbreviation
            plain = re.sub(r"\s*\([^)]*\)", "", text).strip()
            words = tuple(name_words(plain))
            if not plain or not _latin(plain) or plain in seen or len(words) > _MAX_WORDS:
                continue
            if sum(len(w) for w in words) < MIN_LETTERS:
                continue
            seen.add(plain)
            form = _Form(entry, rule, plain, " ".join(words), name_key(plain), words)
            by_key.setdefault(form.key, []).append(form)
            by_start.setdefault((len(words), form.folded[0]), []).append(form)
    return _Index(
        frozenset(known),
        {k: tuple(v) for k, v in by_key.items()},
        {k: tuple(v) for k, v in by_start.items()},
    )


def _capitalised(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return bool(letters) and letters[0].isupper() and not token.isupper()


def _is_article(token: str) -> bool:
    return token.casefold() in ARTICLES


def name_candidates(text: str) -> list[tuple[int, int, str]]:
    """Every run of one to four capitalised words in ``text`` (an article may join two) as
    ``(start, end, text)``: each sub-run that starts and ends with a capitalised word.

    >>> [c[2] for c in name_candidates("in Jabhat an-Nusra areas")]
    ['Jabhat', 'Jabhat an-Nusra', 'an-Nusra']
    """
    out: list[tuple[int, int, str]] = []
    run: list[tuple[int, int, str]] = []

    def flush() -> None:
        for i, (start, _, first) in enumerate(run):
            if not _name_word(first):
                continue
            for j in range(i, min(i + _MAX_WORDS, len(run))):
                if _name_word(run[j][2]):
                    out.append((start, run[j][1], text[start : run[j][1]]))
        run.clear()

    previous_end = -1
    for m in _TOKEN.finditer(text):
        token = m.group()
        joined = previous_end >= 0 and text[previous_end : m.start()] == " "
        name_like = _capitalised(token) or _is_article(token) or _article_prefixed(token)
        if not (name_like and (joined or not run)):
            flush()
        if name_like:
            run.append((m.start(), m.end(), token))
        previous_end = m.end()
    flush()
    return out


def _name_word(token: str) -> bool:
    return _capitalised(token) or _article_prefixed(token)


def _article_prefixed(token: str) -> bool:
    """ "al-Nusra", "an-Nusra": an article glued by a hyphen to a capitalised word."""
    head, _, tail = token.partition("-")
    return bool(tail) and head.casefold() in ARTICLES and _capitalised(tail)


@cache
def _english_word(word: str) -> bool:
    from copydesk.findings.spelling import dictionary_knows

    return dictionary_knows(word.lower(), "en")


def _ordinary(candidate: str) -> bool:
    """A single word the English dictionary knows in lower case ("Homes", "Kill")."""
    return " " not in candidate and "-" not in candidate and _english_word(candidate)


def _derived(folded: str, form: _Form) -> bool:
    return is_derived(folded, form.folded, _DERIVED) or is_derived(form.folded, folded, _DERIVED)


def _words_match(a: Sequence[str], b: Sequence[str]) -> bool:
    return len(a) == len(b) and all(same_vowels(x, y) for x, y in zip(a, b, strict=True))


def _match(candidate: str, index: _Index) -> tuple[_Form, str, float] | None:
    """The form ``candidate`` is a new spelling of, how it matched, and the similarity."""
    words = tuple(name_words(candidate))
    folded = " ".join(words)
    if len(words) == 1 and len(folded) < MIN_LETTERS:
        return None
    best: tuple[_Form, str, float] | None = None
    for form in index.by_key.get(name_key(candidate), ()):
        if _derived(folded, form) or not _words_match(words, form.words):
            continue
        ratio = similarity(candidate, form.text)
        if ratio >= MIN_KEY_SIMILARITY and (best is None or ratio > best[2]):
            best = (form, "key", ratio)
    if best is not None:
        return best
    for form in index.by_start.get((len(words), folded[0]), ()):
        if abs(len(form.folded) - len(folded)) > 3 or _derived(folded, form):
            continue
        ratio = similarity(candidate, form.text)
        if ratio >= MIN_SIMILARITY and (best is None or ratio > best[2]):
            best = (form, "similarity", ratio)
    return best


def _line_and_context(text: str, start: int, end: int) -> tuple[int, str]:
    line = text.count("\n", 0, start) + 1
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    left = max(line_start, start - _CONTEXT)
    right = min(line_end, end + _CONTEXT)
    context = text[left:right].strip()
    prefix = "..." if left > line_start else ""
    suffix = "..." if right < line_end else ""
    return line, f"{prefix}{context}{suffix}"


def discover(articles: Iterable[Article], glossary: Glossary) -> list[Proposal]:
    """New spellings of the glossary's entries found in ``articles``, best first."""
    index = _build_index(glossary)
    proposals: dict[tuple[str, str], Proposal] = {}
    decided: dict[str, tuple[_Form, str, float] | None] = {}
    for article in articles:
        for start, end, candidate in name_candidates(article.text):
            if candidate.casefold() in index.known or not _latin(candidate):
                continue
            if candidate not in decided:
                decided[candidate] = None if _ordinary(candidate) else _match(candidate, index)
            found = decided[candidate]
            if found is None:
                continue
            form, how, ratio = found
            key = (form.rule, candidate)
            proposal = proposals.get(key)
            if proposal is None:
                house = next(iter(form.entry.forms.values())).first
                house = form.entry.forms["en"].first if "en" in form.entry.forms else house
                proposal = proposals[key] = Proposal(
                    form.rule, Path(form.entry.file).name, house, candidate, how, form.key, ratio
                )
            proposal.count += 1
            if len(proposal.seen) < MAX_SEEN:
                line, context = _line_and_context(article.text, start, end)
                proposal.seen.append(Seen(article.name, line, context))
    # A name within a longer one of the same entry: the longer is kept when what it adds
    # is the article ("As Suwayda'" over "Suwayda'"), else the shorter ("Idleb" over
    # "Governor Idleb").
    dropped: set[tuple[str, str]] = set()
    for short in proposals.values():
        for long in proposals.values():
            if long is short or long.entry != short.entry:
                continue
            extra = _extra_words(short.variant, long.variant)
            if extra is None:
                continue
            if all(_is_article(w) for w in extra):
                dropped.add((short.entry, short.variant))
            else:
                dropped.add((long.entry, long.variant))
    kept = [p for key, p in proposals.items() if key not in dropped]
    return sorted(kept, key=Proposal.rank)


def _extra_words(short: str, long: str) -> list[str] | None:
    """The words ``long`` has around ``short`` when it holds it whole, else None."""
    inner, outer = _SPLIT.split(short), _SPLIT.split(long)
    for i in range(len(outer) - len(inner) + 1):
        if len(outer) > len(inner) and outer[i : i + len(inner)] == inner:
            return outer[:i] + outer[i + len(inner) :]
    return None


def proposals_yaml(proposals: Sequence[Proposal], articles: int) -> str:
    """The proposals as YAML: a comment, then one item per proposal with its evidence."""
    items = [
        {
            "entry": p.entry,
            "file": p.file,
            "house_form": p.house_form,
            "variants": [p.variant],
            "evidence": {
                "match": p.match,
                "key": p.key,
                "similarity": round(p.similarity, 3),
                "count": p.count,
                "seen": [{"file": s.file, "line": s.line, "context": s.context} for s in p.seen],
            },
        }
        for p in proposals
    ]
    head = (
        f"# {len(proposals)} proposed spelling(s) from {articles} article(s), best first.\n"
        "# To accept one, add its `variants` item under the entry's `variants:` in its file.\n"
    )
    body = yaml.safe_dump({"proposals": items}, allow_unicode=True, sort_keys=False, width=100)
    return head + body
