"""Measuring trust: precision against professional MQM annotations, false alarms on human text.

Contract: :func:`evaluate_mqm` runs the pipeline on each MT segment of an MQM file (the
format of ``../shared/data/mqm_en_ted_eval.jsonl``) and counts a flag (a finding, mapped back
through the edits onto the MT text, or an applied edit) as right when it overlaps a human
error span of the same segment. :func:`evaluate_clean` runs it on human-written text, where
every flag is a likely false alarm. Both are deterministic and need no network.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from copydesk.edits import to_input_offset
from copydesk.errors import InputError
from copydesk.pipeline import Settings, clean
from copydesk.scores.mqm import count_words, finding_weight

MIN_FINDINGS_FOR_FIGURE = 20  # no per-category precision from fewer flags


@dataclass(frozen=True, slots=True)
class Span:
    """A human error span on the MT side."""

    start: int
    end: int
    category: str
    severity: str


@dataclass(frozen=True, slots=True)
class Segment:
    """One annotated MT segment."""

    key: str
    target: str
    reference: str
    mqm_score: float
    spans: tuple[Span, ...]
    n_errors: int
    # The target side of the row's ``lp`` ("en-de" -> "de"); for rows without one, the
    # language detected on all of them: a segment is too short to tell on its own.
    language: str = "en"
    domain: str = ""  # the row's ``domain`` ("news", "ted"); precision differs by domain
    annotated: bool = True  # False for a row whose ``errors`` is null: no annotation at all
    source: str = ""  # the row's source text ("" when it has none)
    # The categories of the errors raters marked on the source side: an omission is marked
    # on the source text, since the target has nothing to mark.
    source_categories: tuple[str, ...] = ()
    source_language: str | None = None  # the source side of ``lp`` (None: detected)


@dataclass(frozen=True, slots=True)
class Flag:
    """One copydesk flag on an MT segment, in MT-text offsets."""

    start: int
    end: int
    rule: str
    category: str
    kind: str  # "finding" or "edit"


def lp_side(lp: object, side: int) -> str | None:
    """One side of a language pair ("en-de", side 1 -> "de"); None when there is no pair.

    >>> lp_side("en-de", 1), lp_side("zh-en", 0), lp_side(None, 1)
    ('de', 'zh', None)
    """
    if not isinstance(lp, str) or "-" not in lp:
        return None
    from copydesk.langid import language_code

    return language_code(lp.split("-")[side])


def load_mqm(path: str | Path) -> list[Segment]:
    """Read an MQM JSONL file; a malformed line is an :class:`InputError` naming it.

    A row whose ``errors`` is null carries no annotation (it is not error-free): it becomes a
    segment with ``annotated=False``, which :func:`evaluate_mqm` leaves out of every figure.
    Rows without ``lp`` take the language detected on all such rows' targets together.
    """
    p = Path(path)
    if not p.is_file():
        msg = f"{p}: no such file"
        raise InputError(msg)
    segments = []
    with p.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                errors = row.get("errors", [])
                annotated = errors is not None
                spans = tuple(
                    Span(e["start"], e["end"], e["category"], e["severity"].lower())
                    for e in errors or ()
                    if e.get("side", "target") == "target"
                )
                n_errors = row.get("n_errors")
                segments.append(
                    Segment(
                        key="/".join(str(row.get(k, lineno)) for k in ("system", "doc", "seg_id")),
                        target=row["target"],
                        reference=row.get("reference") or "",
                        mqm_score=float(row.get("mqm_score") or 0.0),
                        spans=spans,
                        n_errors=int(n_errors if n_errors is not None else len(errors or ())),
                        language=lp_side(row.get("lp"), 1) or _UNKNOWN,
                        domain=str(row.get("domain") or ""),
                        annotated=annotated,
                        source=_text_or_empty(row.get("source")),
                        source_categories=tuple(
                            e["category"] for e in errors or () if e.get("side") == "source"
                        ),
                        source_language=lp_side(row.get("lp"), 0),
                    )
                )
            except (ValueError, KeyError, TypeError, AttributeError, InputError) as exc:
                msg = f"{p}:{lineno}: not an MQM segment ({exc.__class__.__name__}: {exc})"
                raise InputError(msg) from None
    unknown = [s for s in segments if s.language == _UNKNOWN]
    if unknown:
        language = _common_language(s.target for s in unknown)
        segments = [
            replace(s, language=language) if s.language == _UNKNOWN else s for s in segments
        ]
    return segments


def _text_or_empty(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        msg = f"'source' is not text but {type(value).__name__}"
        raise TypeError(msg)
    return value


# A row without ``lp``, before its file's rows are read together.
_UNKNOWN = ""


def _common_language(texts: Iterable[str]) -> str:
    """The language detected on ``texts`` together (each may be too short on its own)."""
    from copydesk.langid import SAMPLE_CHARS, detect_language

    sample: list[str] = []
    size = 0
    for text in texts:
        if size >= SAMPLE_CHARS:
            break
        sample.append(text)
        size += len(text) + 1
    return detect_language("\n".join(sample)).code


def wilson_interval(right: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval of a proportion.

    >>> [round(x, 3) for x in wilson_interval(8, 10)]
    [0.49, 0.943]
    """
    if total == 0:
        return (0.0, 1.0)
    p = right / total
    denom = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson correlation; None when a side is constant.

    >>> pearson([1, 2, 3], [2, 4, 7])
    0.9933992677987828
    """
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def kendall_tau_b(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Kendall's tau-b (ties handled); None when a side is constant.

    >>> kendall_tau_b([1, 2, 3, 4], [1, 3, 2, 4])
    0.6666666666666666
    """
    concordant = discordant = ties_x = ties_y = 0
    n = len(xs)
    for i in range(n):
        xi, yi = xs[i], ys[i]
        for j in range(i + 1, n):
            dx = xs[j] - xi
            dy = ys[j] - yi
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif (dx > 0) == (dy > 0):
                concordant += 1
            else:
                discordant += 1
    denom = math.sqrt((concordant + discordant + ties_x) * (concordant + discordant + ties_y))
    return None if denom == 0 else (concordant - discordant) / denom


def _category_matches(flag_category: str, human_category: str) -> bool:
    """Same MQM category, allowing a coarser flag ("Terminology" vs "Terminology/...")."""
    f = flag_category.split(" + ")[-1].lower()
    h = human_category.lower()
    return h.startswith(f) or f.startswith(h)


def _is_omission(category: str) -> bool:
    return category.split(" + ")[-1].lower() == "accuracy/omission"


def _flags(
    text: str,
    settings: Settings,
    language: str,
    source: str = "",
    source_language: str | None = None,
) -> tuple[list[Flag], float, int]:
    result = clean(
        text,
        settings,
        language=language,
        source=source or None,
        source_language=source_language if source else None,
    )
    flags = [
        Flag(e.start, max(e.end, e.start + 1), e.rule, e.category, "edit")
        for e in result.applied_edits
    ]
    for f in result.findings:
        start = to_input_offset(f.start, result.edits)
        end = max(start + 1, to_input_offset(f.end, result.edits))
        flags.append(Flag(start, end, f.rule, f.category, "finding"))
    penalty = sum(finding_weight(f) for f in result.findings)
    return flags, penalty, count_words(text)


@dataclass
class _Tally:
    flags: int = 0
    right: int = 0
    right_same_category: int = 0
    categories: Counter[str] = field(default_factory=Counter)

    def row(self) -> dict[str, Any]:
        low, high = wilson_interval(self.right, self.flags)
        return {
            "flags": self.flags,
            "right": self.right,
            "precision": self.right / self.flags if self.flags else None,
            "ci95": [round(low, 4), round(high, 4)],
            "right_same_category": self.right_same_category,
            "precision_same_category": (
                self.right_same_category / self.flags if self.flags else None
            ),
        }


def evaluate_mqm(
    segments: Sequence[Segment],
    settings: Settings,
    language: str | None = None,
    *,
    with_source: bool = True,
) -> dict[str, Any]:
    """Precision per rule and category, recall per human category, false alarms, correlation.

    Each segment is cleaned in ``language`` when given, else in its own (its row's ``lp``),
    against its row's source text when it has one (unless ``with_source`` is False).
    Segments without annotation are left out and counted. ``groups`` gives the overall
    figures per language and domain ("de news"), which must be read apart: raters of
    different domains mark different things.
    """
    skipped = sum(1 for s in segments if not s.annotated)
    segments = [s for s in segments if s.annotated]
    by_group: dict[str, _Tally] = defaultdict(_Tally)
    group_words: Counter[str] = Counter()
    by_rule: dict[str, _Tally] = defaultdict(_Tally)
    by_category: dict[str, _Tally] = defaultdict(_Tally)
    human_total: Counter[str] = Counter()
    human_found: Counter[str] = Counter()
    clean_words = clean_flags = 0
    ours: list[float] = []
    theirs: list[float] = []
    words_total = 0
    for seg in segments:
        lang = language or seg.language
        group = f"{lang} {seg.domain}".strip()
        source = seg.source if with_source else ""
        flags, penalty, words = _flags(seg.target, settings, lang, source, seg.source_language)
        words_total += words
        group_words[group] += words
        ours.append(penalty)
        theirs.append(seg.mqm_score)
        if seg.n_errors == 0:
            clean_words += words
            clean_flags += len(flags)
        for span in seg.spans:
            human_total[span.category] += 1
            if any(f.start < span.end and span.start < f.end for f in flags):
                human_found[span.category] += 1
        for flag in flags:
            hits = [s for s in seg.spans if flag.start < s.end and s.start < flag.end]
            same = any(_category_matches(flag.category, s.category) for s in hits)
            # An omission is right when raters marked one on the source side of the segment.
            on_source = _is_omission(flag.category) and any(
                map(_is_omission, seg.source_categories)
            )
            same = same or on_source
            for tally in (by_rule[flag.rule], by_category[flag.category], by_group[group]):
                tally.flags += 1
                tally.right += bool(hits) or on_source
                tally.right_same_category += same
    categories = {}
    for name, tally in sorted(by_category.items()):
        row = tally.row()
        if tally.flags < MIN_FINDINGS_FOR_FIGURE:
            row["precision"] = row["precision_same_category"] = None
            row["note"] = f"fewer than {MIN_FINDINGS_FOR_FIGURE} flags: no figure"
        categories[name] = row
    total = _Tally(
        flags=sum(t.flags for t in by_rule.values()),
        right=sum(t.right for t in by_rule.values()),
        right_same_category=sum(t.right_same_category for t in by_rule.values()),
    )
    return {
        "segments": len(segments),
        "unannotated_segments_skipped": skipped,
        "words": words_total,
        "overall": total.row(),
        "groups": {
            name: {"words": group_words[name], **by_group[name].row()}
            for name in sorted(group_words)
        },
        "rules": {name: tally.row() for name, tally in sorted(by_rule.items())},
        "categories": categories,
        "recall": {
            cat: {"spans": n, "found": human_found[cat], "recall": human_found[cat] / n}
            for cat, n in sorted(human_total.items())
        },
        "false_alarms_on_clean_segments": {
            "segments": sum(1 for s in segments if s.n_errors == 0),
            "words": clean_words,
            "flags": clean_flags,
            "per_1000_words": 1000 * clean_flags / clean_words if clean_words else 0.0,
        },
        "correlation": {
            "pearson": pearson(ours, theirs) if len(ours) > 1 else None,
            "kendall_tau_b": kendall_tau_b(ours, theirs) if len(ours) > 1 else None,
        },
    }


@dataclass(frozen=True, slots=True)
class SourcedText:
    """A human text with the source it translates (see :func:`read_sourced_texts`)."""

    text: str
    language: str | None
    source: str
    source_language: str | None


def evaluate_clean(
    texts: Iterable[str | tuple[str, str | None] | SourcedText],
    settings: Settings,
    language: str | None = None,
) -> dict[str, Any]:
    """Edits and findings per 1,000 words on human text: each one a likely false alarm.

    A text is a string, a ``(text, language)`` pair (from :func:`read_labelled_texts`) or a
    :class:`SourcedText` (checked against its source); it is cleaned in ``language`` when
    given, else in its own language, else in the detected one.
    """
    words = n_texts = 0
    edits: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    for item in texts:
        source, source_language = None, None
        if isinstance(item, SourcedText):
            text, own = item.text, item.language
            source, source_language = item.source or None, item.source_language
        else:
            text, own = (item, None) if isinstance(item, str) else item
        n_texts += 1
        result = clean(
            text,
            settings,
            language=language or own,
            source=source,
            source_language=source_language if source else None,
        )
        words += count_words(text)
        edits.update(e.rule for e in result.applied_edits)
        findings.update(f.rule for f in result.findings)
    per_k = (lambda n: 1000 * n / words) if words else (lambda n: 0.0)
    rules = sorted(set(edits) | set(findings))
    return {
        "texts": n_texts,
        "words": words,
        "edits": sum(edits.values()),
        "findings": sum(findings.values()),
        "edits_per_1000_words": per_k(sum(edits.values())),
        "findings_per_1000_words": per_k(sum(findings.values())),
        "rules": {
            r: {
                "edits": edits[r],
                "findings": findings[r],
                "per_1000_words": per_k(edits[r] + findings[r]),
            }
            for r in rules
        },
    }


def read_texts(paths: Sequence[str | Path], field_name: str = "reference") -> list[str]:
    """Texts to evaluate: ``.jsonl`` files give their distinct ``field_name`` values,
    other files are one text each."""
    return [text for text, _lang in read_labelled_texts(paths, field_name)]


def read_labelled_texts(
    paths: Sequence[str | Path], field_name: str = "reference"
) -> list[tuple[str, str | None]]:
    """Like :func:`read_texts`, each text with its language where a row says it: the
    source side of ``lp`` for the ``source`` field, the target side for any other field;
    rows without ``lp`` take the language detected on all of a file's such rows together;
    None (detect it) for plain files."""
    texts: dict[str, str | None] = {}
    side = 0 if field_name == "source" else 1
    for path in paths:
        p = Path(path)
        if p.suffix == ".jsonl":
            unknown: list[str] = []
            with p.open(encoding="utf-8") as fh:
                for lineno, line in enumerate(fh, 1):
                    if line.strip():
                        try:
                            row = json.loads(line)
                            text, language = row[field_name], lp_side(row.get("lp"), side)
                            if not isinstance(text, str):
                                msg = f"not text but {type(text).__name__}"
                                raise TypeError(msg)
                        except (ValueError, KeyError, TypeError, InputError) as exc:
                            msg = f"{p}:{lineno}: no '{field_name}' field ({exc})"
                            raise InputError(msg) from None
                        if text not in texts:
                            texts[text] = language
                            if language is None:
                                unknown.append(text)
            if unknown:
                common = _common_language(unknown)
                texts.update(dict.fromkeys(unknown, common))
        else:
            from copydesk.load import load_path

            texts.setdefault(load_path(p).text, None)
    return list(texts.items())


def read_sourced_texts(
    paths: Sequence[str | Path], field_name: str = "reference"
) -> list[SourcedText]:
    """The distinct ``field_name`` texts of JSONL files, each with its row's ``source`` and
    the languages of ``lp``; rows without one are left out (a malformed row is an
    :class:`InputError` naming its line)."""
    texts: dict[tuple[str, str], SourcedText] = {}
    for path in paths:
        p = Path(path)
        lines = p.read_text(encoding="utf-8").splitlines()
        for lineno, line in ((n, t) for n, t in enumerate(lines, 1) if t.strip()):
            try:
                row = json.loads(line)
                text, source, lp = row.get(field_name), row["source"], row.get("lp")
                if text is None or text == "":
                    continue  # a row without one (e.g. no reference)
                if not isinstance(text, str) or not isinstance(source, str):
                    msg = "not text"
                    raise TypeError(msg)
                item = SourcedText(text, lp_side(lp, 1), source, lp_side(lp, 0))
            except (ValueError, KeyError, TypeError, InputError) as exc:
                msg = f"{p}:{lineno}: no '{field_name}' and 'source' text ({exc})"
                raise InputError(msg) from None
            texts.setdefault((text, source), item)
    return list(texts.values())
