"""Stage 3, *normalise terms*: glossary variants become the house form.

Contract: :func:`normalize_terms_and_explain` returns the text with every applied
variant replaced and one :class:`~copydesk.model.Edit` per change (offsets into the input,
the glossary entry id as ``rule``). Rules it follows:

- whole words only; at each position the longest spelling wins (a variant may carry a
  leading article, "the Syrian Liberation Committee");
- a variant is rewritten only in languages where its entry has a house form, and never
  where it is itself a house form (French "Sotchi" stays in a French article);
- the entry's house forms in the other languages are variants too, unless they are also
  one of this language's forms ("Sochi" in German text becomes "Sotschi"); whether such a
  change is applied, suggested or left is :func:`~copydesk.crosslang.foreign_form_policy`'s
  decision. A variant of the entry with the same spelling decides instead;
- Russian names keep their case ending ("Идлебе" -> "Идлибе"); an ending that cannot be
  carried over to the house form (another declension class) leaves the word alone;
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

from copydesk.crosslang import foreign_form_policy, is_ordinary_word
from copydesk.edits import apply_edits
from copydesk.glossary import Entry, Glossary
from copydesk.inflection import inflect
from copydesk.limits import check_changes
from copydesk.limits import max_changes as limit_of_changes
from copydesk.matcher import Candidate, Pattern, collapse_whitespace, iter_candidates
from copydesk.model import Edit

_GAP = re.compile(r"\s+")


_YO = str.maketrans("ёЁ", "еЕ")


def _case_ok(matched: str, spelling: str, policy: str) -> bool:
    if policy == "insensitive":
        return True
    matched, spelling = matched.translate(_YO), spelling.translate(_YO)
    shapes = {spelling, spelling[:1].upper() + spelling[1:], spelling.upper()}
    return matched in shapes


def _is_all_caps(s: str) -> bool:
    cased = [c for c in s if c.isupper() or c.islower()]
    return len(cased) >= 2 and all(c.isupper() for c in cased)


def _shape_case(target: str, matched: str, spelling: str, sentence_start: bool = False) -> str:
    """Give ``target`` the case shape of ``matched``.

    >>> _shape_case("Idlib", "IDLEB", "Idleb")
    'IDLIB'
    >>> _shape_case("the Karabakh region", "The Qarabakh region", "the Qarabakh region")
    'The Karabakh region'

    A capital that the variant's own spelling has is kept only where a sentence starts:

    >>> _shape_case("division Sultan Mourad", "Division Sultan Mourad", "Division Sultan Mourad")
    'division Sultan Mourad'
    >>> _shape_case("division Sultan", "Division Sultan", "Division Sultan", True)
    'Division Sultan'
    """
    if _is_all_caps(matched) and not _is_all_caps(spelling):
        return target.upper()
    own_capital = spelling[:1].isupper() and not sentence_start
    if matched[:1].isupper() and not own_capital and target[:1].islower():
        return target[:1].upper() + target[1:]
    return target


def _starts_sentence(text: str, start: int) -> bool:
    """Whether ``start`` opens the text, a line or a sentence (after . ! ? and quotes)."""
    before = text[max(0, start - 8) : start].rstrip(" \t\u00a0\"'«»„“”‘’(")
    return not before or before[-1] in ".!?\n\r…"


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


# How an occurrence counts in an article in a given language, best first.
_FORM, _VARIANT, _FOREIGN_FORM = 0, 1, 2


def _role(c: Candidate, entry: Entry, lang: str, text: str) -> int | None:
    """What this occurrence is in an article in ``lang`` (``None``: it does not count)."""
    if lang not in entry.forms:
        return None
    p = c.pattern
    role = _FORM
    if p.kind == "form" and p.lang != lang:
        role = _FOREIGN_FORM
    elif p.kind == "variant":
        variant = entry.variants[p.variant_index]
        if variant.to is not None and lang not in variant.to:
            return None
        role = _VARIANT
    matched = collapse_whitespace(text[c.start : c.end - len(c.ending)])
    if not _case_ok(matched, collapse_whitespace(p.matched_text), entry.case):
        return None
    return role


def _target_of_foreign_form(entry: Entry, pattern: Pattern, lang: str, is_first: bool) -> str:
    """The house form in ``lang`` for another language's first or later form."""
    form = entry.forms[lang]
    source = entry.forms[pattern.lang or lang]
    if source.later is not None and pattern.text == source.later and form.later is not None:
        return form.later
    return form.for_mention(is_first)


def _select(
    candidates: Iterable[Candidate], glossary: Glossary, lang: str, text: str
) -> Iterator[tuple[Candidate, int]]:
    """Leftmost-longest non-overlapping occurrences, each with its role.

    ``candidates`` come sorted by start, then longest first; those of one span are
    neighbours. Among them a house form of ``lang`` beats a variant, and a variant beats
    another language's form. When another language's form belongs to two entries whose
    forms in ``lang`` differ, the span is taken but nothing is changed.
    """
    last_end = -1
    group: list[tuple[Candidate, int]] = []
    for c in itertools.chain(candidates, [None]):
        if group and (c is None or (c.start, c.end) != (group[0][0].start, group[0][0].end)):
            if group[0][0].start >= last_end:
                chosen = min(group, key=lambda g: g[1])
                last_end = chosen[0].end
                if chosen[1] != _FOREIGN_FORM or _unambiguous(group, glossary, lang):
                    yield chosen
            group = []
        if c is not None:
            role = _role(c, glossary.entries[c.pattern.entry_index], lang, text)
            if role is not None:
                group.append((c, role))


def _unambiguous(group: list[tuple[Candidate, int]], glossary: Glossary, lang: str) -> bool:
    """Do all the entries this spelling is another language's form of agree in ``lang``?"""
    targets = {glossary.entries[c.pattern.entry_index].forms[lang].first for c, _ in group}
    return len(targets) == 1


def _replacement(
    c: Candidate, role: int, entry: Entry, language: str, is_first: bool
) -> tuple[str, str, bool] | None:
    """The spelling found, the text it becomes (case endings carried) and whether the
    change is applied; ``None`` when it is left alone."""
    if role == _VARIANT:
        variant = entry.variants[c.pattern.variant_index]
        spelling = variant.text
        if variant.to is not None:
            target = variant.to[language]
        else:
            target = entry.forms[language].for_mention(is_first)
        apply = variant.apply and not (language != "en" and is_ordinary_word(spelling, language))
    else:
        spelling = c.pattern.text
        target = _target_of_foreign_form(entry, c.pattern, language, is_first)
        policy = foreign_form_policy(spelling, target, language)
        if policy == "leave":
            return None
        apply = policy == "apply"
    if c.pattern.endings is not None:
        inflected = inflect(
            target, collapse_whitespace(spelling), (*c.pattern.inner_endings, c.ending.lower())
        )
        if inflected is None:
            return None
        target = inflected
    return spelling, target, apply and entry.apply


def normalize_terms_and_explain(
    text: str,
    glossary: Glossary,
    language: str,
    *,
    suggest_only: bool = False,
    max_changes: int | None = None,
    mentioned: set[int] | None = None,
) -> tuple[str, list[Edit]]:
    """Normalise glossary terms and explain every change.

    ``mentioned`` holds the indexes of the entries named earlier in the article (a part of
    an article cleaned in parts: their first mention was there); it is updated.

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
    seen_entities: set[int] = set() if mentioned is None else mentioned
    edits: list[Edit] = []
    for c, role in chosen:
        ei = c.pattern.entry_index
        is_first = ei not in seen_entities
        seen_entities.add(ei)
        if role == _FORM:
            continue
        entry = glossary.entries[ei]
        form_spellings = {collapse_whitespace(t) for t in entry.form_texts(language)}
        if collapse_whitespace(c.pattern.text) in form_spellings:
            continue  # a house form in this language: never rewritten
        change = _replacement(c, role, entry, language, is_first)
        if change is None:
            continue
        spelling, target, apply = change
        before = text[c.start : c.end]
        shaped = _shape_case(
            target, collapse_whitespace(before), spelling, _starts_sentence(text, c.start)
        )
        after = _keep_whitespace(shaped, before)
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
                applied=apply and not suggest_only,
                note=entry.notes,
                source=entry.source,
            )
        )
        check_changes(len(edits), limit)
    return apply_edits(text, edits), edits


def normalize_terms(text: str, glossary: Glossary, language: str) -> str:
    """The text with glossary terms normalised (see :func:`normalize_terms_and_explain`)."""
    return normalize_terms_and_explain(text, glossary, language)[0]
