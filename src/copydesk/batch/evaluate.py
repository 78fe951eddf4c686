"""Evaluating a folder against references: pairs, line alignment, corpus scores.

Contract: a folder holds pairs ``NAME.txt`` (machine translation) + ``NAME.ref.txt``
(reference; :func:`find_pairs`). Each article is cleaned, and its raw text, cleaned text
and reference are aligned line by line with the rule of every reference score
(:func:`copydesk.scores.reference.reference_lines`: lines stripped, blank lines dropped in
each text), so a text scores the same here as through ``copydesk clean --reference``. A
pair whose line counts then differ, or whose text cannot be loaded, is left out and named
(:class:`Segments` with a ``problem``). :func:`pool_segments` joins the usable pairs into
one corpus and :func:`corpus_scores` gives corpus BLEU, chrF++ and TER of the raw and the
cleaned lines, with sacrebleu's signatures, as table rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copydesk.errors import InputError
from copydesk.load import load_path
from copydesk.output import article_stem
from copydesk.pipeline import Settings, clean
from copydesk.scores.reference import reference_lines, score_segments

__all__ = [
    "REF_SUFFIX",
    "Corpus",
    "Segments",
    "align",
    "corpus_scores",
    "find_pairs",
    "pool_segments",
    "require_pairs",
    "segment_pair",
]

REF_SUFFIX = ".ref.txt"


@dataclass(frozen=True, slots=True)
class Segments:
    """The aligned lines of one article: raw, cleaned, reference. ``problem`` when left out."""

    name: str
    raw: tuple[str, ...] = ()
    cleaned: tuple[str, ...] = ()
    reference: tuple[str, ...] = ()
    problem: str = ""


def find_pairs(folder: Path) -> list[tuple[str, str]]:
    """``(NAME.txt, NAME.ref.txt)`` path pairs of ``folder``, by name.

    >>> find_pairs(Path("/nonexistent"))
    []
    """
    pairs = []
    for ref in sorted(folder.glob(f"*{REF_SUFFIX}")):
        text = ref.with_name(ref.name.removesuffix(REF_SUFFIX) + ".txt")
        if text.is_file():
            pairs.append((str(text), str(ref)))
    return pairs


def require_pairs(folder: str, pairs: Sequence[tuple[str, str]]) -> None:
    """Refuse a folder without a single pair."""
    if not pairs:
        msg = f"{folder}: no NAME.txt + NAME{REF_SUFFIX} pairs found"
        raise InputError(msg)


def align(name: str, raw: str, cleaned: str, reference: str) -> Segments:
    """Line-aligned segments of one article, or a :class:`Segments` naming the problem.

    >>> align("a", "x\\n\\ny", "X\\n\\ny", "x1\\n\\ny1\\n").cleaned
    ('X', 'y')
    >>> align("a", "x", "x", "x\\ny").problem
    '1 line(s) but the reference has 2'
    """
    raw_l, clean_l, ref_l = (reference_lines(t) for t in (raw, cleaned, reference))
    if len(raw_l) != len(ref_l) or len(clean_l) != len(ref_l):
        return Segments(name, problem=f"{len(raw_l)} line(s) but the reference has {len(ref_l)}")
    return Segments(name, tuple(raw_l), tuple(clean_l), tuple(ref_l))


def segment_pair(text_path: str, ref_path: str, settings: Settings) -> Segments:
    """Load, clean and align one pair; a load failure becomes a ``problem``."""
    name = article_stem(text_path)
    try:
        doc, ref = (load_path(p, max_mb=settings.max_mb) for p in (text_path, ref_path))
    except Exception as exc:  # one bad pair must not stop the evaluation
        return Segments(name, problem=str(exc))
    return align(name, doc.text, clean(doc, settings).cleaned, ref.text)


@dataclass(frozen=True, slots=True)
class Corpus:
    """The usable pairs of a folder joined: their lines, and the pairs left out (why)."""

    folder: str
    articles: int
    raw: list[str] = field(default_factory=list)
    cleaned: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    left_out: dict[str, str] = field(default_factory=dict)

    def description(self) -> str:
        """One line on what was scored, within the 2,000 characters a description holds."""
        text = f"{self.articles} article(s), {len(self.references)} line(s) from {self.folder}"
        if self.left_out:
            text += f"; left out: {', '.join(sorted(self.left_out))}"
        return text[:2000]

    def result(self, rows: list[dict[str, Any]], artifact: str) -> dict[str, Any]:
        """What an evaluation returns, given its score rows and the key they were published at."""
        return {
            "articles": self.articles,
            "segments": len(self.references),
            "scores": rows,
            "left_out": self.left_out,
            "artifact": artifact,
        }


def pool_segments(folder: str, segments: Sequence[Segments]) -> Corpus:
    """Join the aligned pairs into one corpus; refuse a folder where none could be scored."""
    used = [s for s in segments if not s.problem]
    if not used:
        msg = f"{folder}: no pair could be scored: " + "; ".join(
            f"{s.name}: {s.problem}" for s in segments
        )
        raise InputError(msg)
    return Corpus(
        folder,
        len(used),
        [line for s in used for line in s.raw],
        [line for s in used for line in s.cleaned],
        [line for s in used for line in s.reference],
        {s.name: s.problem for s in segments if s.problem},
    )


def corpus_scores(hypotheses: dict[str, list[str]], references: list[str]) -> list[dict[str, Any]]:
    """BLEU, chrF++ and TER of each system's lines against one reference, as table rows."""
    scores = score_segments(hypotheses, references)
    rows = []
    for metric, better in (("BLEU", "higher"), ("chrF++", "higher"), ("TER", "lower")):
        row: dict[str, Any] = {"metric": metric}
        for system in hypotheses:
            row[system] = round(scores[system][metric]["score"], 2)
        row["change"] = round(row["cleaned"] - row["raw"], 2)
        row["better"] = better
        row["signature"] = next(iter(scores.values()))[metric]["signature"]
        rows.append(row)
    return rows
