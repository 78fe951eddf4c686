"""Flow ``clean-article``: one article -> cleaned text, reports and Prefect artifacts.

Contract: give a ``path`` or a ``text`` with an ``article_id``, and the settings as one
``spec`` (:class:`~copydesk.settings.SettingsSpec`; none: the shipped defaults). The flow writes
``STEM.clean.txt`` and ``STEM.report.{md,json,html}`` into ``out_dir`` with
:func:`copydesk.output.write_outputs` (atomically), and publishes three artifacts keyed by
the article id (:func:`copydesk.batch.fit.artifact_key`): ``…-report`` (the Markdown diff
report), ``…-findings`` (a table) and ``…-summary`` (edits and findings per category,
scores). The flow run is named ``copyedit ARTICLE_ID``. A bad article raises
:class:`copydesk.errors.InputError`; nothing is written for it.

With ``review=True`` the outputs and artifacts first say the article awaits review; then
the flow pauses (:func:`prefect.flow_runs.pause_flow_run`, which keeps this process) with the
form :class:`copydesk_flows.review.ReviewInput`, whose description numbers the changes as
the report does. On resume the library applies the decision
(:func:`copydesk.review.apply_review`), the reviewed outputs replace the first ones
atomically and the artifacts get a reviewed version. A decision the library refuses (a
change number out of range, a prefix matching nothing) pauses again with the reason above
the form and the editor's answer filled in. No answer within ``review_timeout`` seconds
fails the run and leaves the outputs that await review.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.states import Failed

from copydesk.errors import InputError, ReviewError
from copydesk.load import Document, load_bytes, load_path
from copydesk.model import Result
from copydesk.output import article_id_of, output_stem, write_outputs
from copydesk.pipeline import clean
from copydesk.review import awaiting_review
from copydesk.settings import Settings, SettingsSpec
from copydesk_flows._artifacts import publish_article_artifacts
from copydesk_flows._prefect import retry_unless_input_error
from copydesk_flows.review import DEFAULT_REVIEW_TIMEOUT, await_review

__all__ = ["clean_article"]


@task(
    retries=2,
    retry_delay_seconds=1,
    retry_condition_fn=retry_unless_input_error,
    cache_policy=NO_CACHE,
)
def load_settings(spec: SettingsSpec | None) -> Settings:
    """Read the glossary, house style and memory the spec names (None: the defaults)."""
    return (spec or SettingsSpec()).load()


@task(
    retries=2,
    retry_delay_seconds=1,
    retry_condition_fn=retry_unless_input_error,
    cache_policy=NO_CACHE,
)
def read_article(path: str, max_mb: float | None) -> Document:
    """Read and decode one article file."""
    return load_path(path, max_mb=max_mb)


@task(cache_policy=NO_CACHE)
def clean_document(doc: Document, settings: Settings, source: Document | None = None) -> Result:
    """Clean one decoded article (against its source text, when there is one)."""
    return clean(doc, settings, source=source)


@task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
def write_article(result: Result, out_dir: str, stem: str) -> list[str]:
    """Write the cleaned text and the reports, all or nothing."""
    return [str(p) for p in write_outputs(result, Path(out_dir), stem)]


@task(cache_policy=NO_CACHE)
def publish_artifacts(result: Result, article_id: str, report_path: str) -> dict[str, str]:
    """Publish the report, findings and summary artifacts."""
    return publish_article_artifacts(result, article_id, report_path)


def _run_name() -> str:
    params = flow_run.parameters
    return f"copyedit {article_id_of(params.get('path'), params.get('article_id'))}"


@flow(name="clean-article", flow_run_name=_run_name)
def clean_article(
    path: str | None = None,
    text: str | None = None,
    article_id: str | None = None,
    out_dir: str = "out",
    spec: SettingsSpec | None = None,
    review: bool = False,
    review_timeout: int = DEFAULT_REVIEW_TIMEOUT,
    source: str | None = None,
) -> dict[str, Any]:
    """Clean one article (a file, or text with an id) into ``out_dir`` and publish artifacts.

    ``source`` is the path of the text the article was translated from (else the spec's
    ``source_dir`` is searched for the article's name).

    With ``review``, wait for an editor's decision in the UI (up to ``review_timeout``
    seconds) and write the reviewed outputs. Returns the article id, the flow run name, the
    paths written, the artifact keys, the counts of changes and findings, the signature and
    the review (None without one).
    """
    if (path is None) == (text is None) or (text is not None and not article_id):
        msg = "clean-article needs a path, or a text with an article_id (not both)"
        raise InputError(msg)
    article = article_id_of(path, article_id)
    settings = load_settings(spec)  # a bad one fails here, before anything is read or written
    # Text goes through load_bytes too, so that empty or binary text is refused alike.
    doc = (
        read_article(path, settings.max_mb)
        if path
        else load_bytes((text or "").encode("utf-8"), article, max_mb=settings.max_mb)
    )
    source_doc = read_article(source, settings.max_mb) if source else None
    result = clean_document(doc, settings, source_doc)
    if review:
        result = awaiting_review(result)
    stem = output_stem(article, path)
    written = write_article(result, out_dir, stem)
    report_path = next(p for p in written if p.endswith(".report.md"))
    keys = publish_artifacts(result, article, report_path)
    if review:
        memory = Path(settings.memory.path) if settings.memory.path else None
        try:
            result = await_review(result, settings, memory, review_timeout)
        except ReviewError as exc:
            # A failed run, and the error for the caller, without a logged traceback.
            return Failed(message=str(exc), data=exc)  # type: ignore[return-value]
        written = write_article(result, out_dir, stem)
        keys = publish_artifacts(result, article, report_path)
    return {
        "article_id": article,
        "flow_run_name": flow_run.name,
        "flow_run_id": str(flow_run.id),
        "outputs": written,
        "artifacts": keys,
        "edits": len(result.applied_edits),
        "suggested": len(result.suggested_edits),
        "findings": len(result.findings),
        "signature": str(result.signature),
        "rejected": len(result.rejected_edits),
        "review": None if result.review is None else result.review.to_dict(),
    }
