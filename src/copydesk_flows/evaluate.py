"""Flow ``evaluate``: does cleaning bring machine translations closer to human references?

Contract: ``folder`` holds pairs ``NAME.txt`` (machine translation) + ``NAME.ref.txt``
(reference). Each article is cleaned with copydesk, and corpus BLEU, chrF++ and TER are
computed with sacrebleu for the raw and for the cleaned text against the references,
segmented by line (line ``i`` of an article against line ``i`` of its reference; lines
blank on both sides are dropped). A pair whose line counts differ, or whose text cannot be
loaded, is left out and named in the result. The scores and their sacrebleu signatures are
published as a table artifact keyed by the folder, and returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from copydesk.errors import InputError
from copydesk.load import load_path
from copydesk.output import article_stem
from copydesk.pipeline import Settings, clean
from copydesk.scores.reference import score_segments
from copydesk.settings import SettingsSpec
from copydesk_flows._prefect import artifact_key, fit_rows
from copydesk_flows.article import load_settings

__all__ = ["REF_SUFFIX", "Segments", "corpus_scores", "evaluate", "find_pairs"]

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


def _lines(text: str) -> list[str]:
    return text.rstrip("\r\n").splitlines()


def align(name: str, raw: str, cleaned: str, reference: str) -> Segments:
    """Line-aligned segments of one article, or a :class:`Segments` naming the problem.

    >>> align("a", "x\\n\\ny", "X\\n\\ny", "x1\\n\\ny1\\n").cleaned
    ('X', 'y')
    >>> align("a", "x", "x", "x\\ny").problem
    '1 line(s) but the reference has 2'
    """
    raw_l, clean_l, ref_l = _lines(raw), _lines(cleaned), _lines(reference)
    if len(raw_l) != len(ref_l) or len(clean_l) != len(ref_l):
        return Segments(name, problem=f"{len(raw_l)} line(s) but the reference has {len(ref_l)}")
    keep = [i for i in range(len(ref_l)) if raw_l[i].strip() or ref_l[i].strip()]
    return Segments(
        name,
        tuple(raw_l[i] for i in keep),
        tuple(clean_l[i] for i in keep),
        tuple(ref_l[i] for i in keep),
    )


def segment_pair(text_path: str, ref_path: str, settings: Settings) -> Segments:
    """Load, clean and align one pair; a load failure becomes a ``problem``."""
    name = article_stem(text_path)
    try:
        doc, ref = (load_path(p, max_mb=settings.max_mb) for p in (text_path, ref_path))
    except Exception as exc:  # one bad pair must not stop the evaluation
        return Segments(name, problem=str(exc))
    return align(name, doc.text, clean(doc, settings).cleaned, ref.text)


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


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def list_pairs(folder: str) -> list[tuple[str, str]]:
    """Find the article/reference pairs of the folder."""
    return find_pairs(Path(folder))


@task(name="segment-chunk", cache_policy=NO_CACHE)
def segment_chunk(pairs: list[tuple[str, str]], settings: Settings) -> list[Segments]:
    """Clean and align a chunk of pairs."""
    return [segment_pair(text, ref, settings) for text, ref in pairs]


@task(cache_policy=NO_CACHE)
def score(raw: list[str], cleaned: list[str], references: list[str]) -> list[dict[str, Any]]:
    """Corpus scores of the raw and of the cleaned lines."""
    return corpus_scores({"raw": raw, "cleaned": cleaned}, references)


@flow(name="evaluate", flow_run_name="evaluate {folder}")
def evaluate(
    folder: str,
    chunk_size: int = 25,
    spec: SettingsSpec | None = None,
) -> dict[str, Any]:
    """Score raw and cleaned articles of ``folder`` against their references."""
    settings = load_settings(spec)
    pairs = list_pairs(folder)
    if not pairs:
        msg = f"{folder}: no NAME.txt + NAME{REF_SUFFIX} pairs found"
        raise InputError(msg)
    futures = [
        segment_chunk.submit(pairs[i : i + chunk_size], settings)
        for i in range(0, len(pairs), chunk_size)
    ]
    segments = [s for f in futures for s in f.result()]
    used = [s for s in segments if not s.problem]
    if not used:
        msg = f"{folder}: no pair could be scored: " + "; ".join(
            f"{s.name}: {s.problem}" for s in segments
        )
        raise InputError(msg)
    raw = [line for s in used for line in s.raw]
    cleaned = [line for s in used for line in s.cleaned]
    refs = [line for s in used for line in s.reference]
    rows = score(raw, cleaned, refs)
    key = artifact_key(str(Path(folder).resolve()), "evaluation")
    left_out = {s.name: s.problem for s in segments if s.problem}
    description = f"{len(used)} article(s), {len(refs)} line(s) from {folder}"
    if left_out:
        description += f"; left out: {', '.join(sorted(left_out))}"
    create_table_artifact(table=fit_rows(rows)[0], key=key, description=description[:2000])
    return {
        "flow_run_name": flow_run.name,
        "flow_run_id": str(flow_run.id),
        "articles": len(used),
        "segments": len(refs),
        "scores": rows,
        "left_out": left_out,
        "artifact": key,
    }
