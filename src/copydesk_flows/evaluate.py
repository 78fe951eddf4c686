"""Flow ``evaluate``: does cleaning bring machine translations closer to human references?

Contract: ``folder`` holds pairs ``NAME.txt`` (machine translation) + ``NAME.ref.txt``
(reference). Each article is cleaned with copydesk, and corpus BLEU, chrF++ and TER are
computed with sacrebleu for the raw and for the cleaned text against the references,
segmented by line with the rule of every reference score (lines stripped, blank lines
dropped in each text; :mod:`copydesk.batch.evaluate`). A pair whose line counts differ, or
whose text cannot be loaded, is left out and named in the result. The scores and their
sacrebleu signatures are published as a table artifact keyed by the folder, and returned.
This module adds the tasks and the artifact; the library decides the rest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from copydesk.batch.evaluate import (
    REF_SUFFIX,
    Segments,
    corpus_scores,
    find_pairs,
    pool_segments,
    require_pairs,
    segment_pair,
)
from copydesk.batch.fit import artifact_key, fit_rows
from copydesk.batch.plan import chunked
from copydesk.settings import Settings, SettingsSpec
from copydesk_flows.article import load_settings

__all__ = ["REF_SUFFIX", "evaluate"]


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
    require_pairs(folder, pairs)
    futures = [segment_chunk.submit(chunk, settings) for chunk in chunked(pairs, chunk_size)]
    corpus = pool_segments(folder, [s for f in futures for s in f.result()])
    rows = score(corpus.raw, corpus.cleaned, corpus.references)
    key = artifact_key(str(Path(folder).resolve()), "evaluation")
    create_table_artifact(table=fit_rows(rows)[0], key=key, description=corpus.description())
    return {
        "flow_run_name": flow_run.name,
        "flow_run_id": str(flow_run.id),
        **corpus.result(rows, key),
    }
