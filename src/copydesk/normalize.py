"""Stage 3, *normalise terms*: glossary variants become the house form.

Contract: :func:`normalize_terms_and_explain` returns the text with every applied
variant replaced and one :class:`~copydesk.model.Edit` per change (offsets into the input,
the glossary entry id as ``rule``). Rules it follows:

- whole words only; at each position the longest spelling wins (a variant may carry a
  leading article, "the Syrian Liberation Committee");
- a variant is rewritten only in languages where its entry has a house form, and never
  where it is itself a house form (French "Sotchi" stays in a French article);
- case: ``sensitive`` entries match as written, with the first letter capitalised, or in
  ALL CAPS; ``insensitive`` ones in any case. The output follows the input's shape;
- the first mention of an entity gets its ``first`` form, later ones its ``later`` form;
- possessives and hyphen compounds keep their ending ("Idleb's" -> "Idlib's"), and a
  name split by a line break keeps that line break.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator

from copydesk.edits import apply_edits
from copydesk.glossary import Entry, Glossary
from copydesk.limits import check_changes
from copydesk.limits import max_changes as limit_of_changes
from copydesk.matcher import Candidate, collapse_whitespace, iter_candidates
from copydesk.model import Edit

_GAP = re.compile(r"\s+")


def _case_ok(matched: str, spelling: str, policy: str) -> bool:
    if policy == "insensitive":
        return True
    shapes = {spelling, spelling[:1].upper() + spelling[1:], spelling.upper()}
    return matched in shapes


def _is_all_caps(s: str) -> bool:
    cased = [c for c in s if c.isupper() or c.islower()]
    return len(cased) >= 2 and all(c.isupper() for c in cased)


def _shape_case(target: str, matched: str, spelling: str) -> str:
    """Give ``target`` the case shape of ``matched``.

    >>> _shape_case("Idlib", "IDLEB", "Idleb")
    'IDLIB'
    >>> _shape_case("the Karabakh region", "The Qarabakh region", "the Qarabakh region")
    'The Karabakh region'
    """
    if _is_all_caps(matched) and not _is_all_caps(spelling):
        return target.upper()
    if matched[:1].isupper() and target[:1].islower():
        return target[:1].upper() + target[1:]
    return target


def _keep_whitespace(target: str, original: str) -> str:
    """Put the original's line breaks and odd spacing into ``target``'s word gaps."""
    gaps = _GAP.findall(original)
    if all(g == " " for g in gaps):
        return target
    words = target.split(" ")
    slots = [" "] * (len(words) - 1)
    if slots:
        for i, gap in enumerate(gaps):
            if gap != " ":
                slots[min(len(slots) - 1, i * len(slots) // len(gaps))] = gap
    out = [words[0]]
    for slot, word in zip(slots, words[1:], strict=True):
        out += [slot, word]
    return "".join(out)


def _relevant(c: Candidate, entry: Entry, lang: str, text: str) -> bool:
    """Does this occurrence count in an article in ``lang``?"""
    if lang not in entry.forms:
        return False
    p = c.pattern
    if p.kind == "form" and p.lang != lang:
        return False
    if p.kind == "variant":
        variant = entry.variants[p.variant_index]
        if variant.to is not None and lang not in variant.to:
            return False
    matched = collapse_whitespace(text[c.start : c.end])
    return _case_ok(matched, collapse_whitespace(p.text), entry.case)


def _select(
    candidates: Iterable[Candidate], glossary: Glossary, lang: str, text: str
) -> Iterator[Candidate]:
    """Leftmost-longest non-overlapping occurrences; a house form beats a variant.

    ``candidates`` come sorted by start, then longest first; those of one span are
    neighbours, and the first house form among them (else the first) is the one chosen.
    """
    last_end = -1
    group: list[Candidate] = []
    for c in itertools.chain(candidates, [None]):
        if group and (c is None or (c.start, c.end) != (group[0].start, group[0].end)):
            if group[0].start >= last_end:
                chosen = next((g for g in group if g.pattern.kind == "form"), group[0])
                last_end = chosen.end
                yield chosen
            group = []
        if c is not None and _relevant(c, glossary.entries[c.pattern.entry_index], lang, text):
            group.append(c)


def normalize_terms_and_explain(
    text: str,
    glossary: Glossary,
    language: str,
    *,
    suggest_only: bool = False,
    max_changes: int | None = None,
) -> tuple[str, list[Edit]]:
    """Normalise glossary terms and explain every change.

    More than ``max_changes`` changes (default: :func:`~copydesk.limits.max_changes`) raise
    :class:`~copydesk.limits.TooManyChanges` while they are found.

    >>> from copydesk.glossary import Entry, Form, Glossary, Variant
    >>> idlib = Entry("places.idlib", "place", {"en": Form("Idlib")}, (Variant("Idleb"),))
    >>> g = Glossary((idlib,), "doc")
    >>> normalize_terms_and_explain("Idleb’s villages", g, "en")[0]
    'Idlib’s villages'
    """
    limit = limit_of_changes(max_changes)
    chosen = _select(iter_candidates(text, glossary), glossary, language, text)
    seen_entities: set[int] = set()
    edits: list[Edit] = []
    for c in chosen:
        ei = c.pattern.entry_index
        is_first = ei not in seen_entities
        seen_entities.add(ei)
        if c.pattern.kind == "form":
            continue
        entry = glossary.entries[ei]
        variant = entry.variants[c.pattern.variant_index]
        form_spellings = {collapse_whitespace(t) for t in entry.form_texts(language)}
        if collapse_whitespace(variant.text) in form_spellings:
            continue  # a house form in this language: never rewritten
        before = text[c.start : c.end]
        if variant.to is not None:
            target = variant.to[language]
        else:
            target = entry.forms[language].for_mention(is_first)
        after = _keep_whitespace(
            _shape_case(target, collapse_whitespace(before), variant.text), before
        )
        if after == before:
            continue
        edits.append(
            Edit(
                start=c.start,
                end=c.end,
                before=before,
                after=after,
                rule=entry.id,
                category="Terminology",
                applied=entry.apply and variant.apply and not suggest_only,
                note=entry.notes,
                source=entry.source,
            )
        )
        check_changes(len(edits), limit)
    return apply_edits(text, edits), edits


def normalize_terms(text: str, glossary: Glossary, language: str) -> str:
    """The text with glossary terms normalised (see :func:`normalize_terms_and_explain`)."""
    return normalize_terms_and_explain(text, glossary, language)[0]
