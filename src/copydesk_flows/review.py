"""The review form of ``clean-article --review`` and the wait for an editor's answer.

Contract: :class:`ReviewInput` is the form Prefect renders when the run is paused, fields in
this order: ``reject_changes`` (change numbers as in the report), ``reject_rules`` (entry or
rule ids, prefixes allowed), ``decision`` (``accept`` or ``reject article``), ``note``,
``remember_rejections`` (save the rejections by rule to the false-alarm memory).
:func:`await_review` pauses the calling flow run with that form (the description is the
library's table of numbered changes, :func:`copydesk.review.review_form_markdown`) until the
editor resumes it, and returns the library's reviewed result; a decision the library refuses
is shown above a new form with the answer filled in. Every decision is the library's
(:mod:`copydesk.review`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from prefect import get_run_logger
from prefect.exceptions import FlowPauseTimeout
from prefect.flow_runs import pause_flow_run
from prefect.input import RunInput
from pydantic import Field

from copydesk.errors import ConfigError, ReviewError
from copydesk.model import Result
from copydesk.review import (
    ReviewDecision,
    apply_review,
    remember_rejections,
    review_form_markdown,
)
from copydesk.settings import Settings

__all__ = ["DEFAULT_REVIEW_TIMEOUT", "ReviewInput", "await_review"]

#: How long a paused run waits for the editor, in seconds (then it fails).
DEFAULT_REVIEW_TIMEOUT = 3600


class ReviewInput(RunInput):
    """An editor's answer in the Prefect UI's resume dialog."""

    reject_changes: list[int] = Field(
        default_factory=list, description="Numbers of the changes to undo, as in the report."
    )
    reject_rules: list[str] = Field(
        default_factory=list,
        description="Entry or rule ids whose changes to undo; a prefix such as 'places' "
        "takes every 'places.' entry.",
    )
    decision: Literal["accept", "reject article"] = "accept"
    note: str = Field(default="", description="Why, for the report.")
    remember_rejections: bool = Field(
        default=False,
        description="Save the changes rejected by rule to the false-alarm memory, so that "
        "they are held back as suggestions next time.",
    )

    def decision_at(self, moment: dt.datetime) -> ReviewDecision:
        """The library's decision for this answer, given at ``moment``."""
        return ReviewDecision(
            reviewed_at=moment,
            reject_changes=tuple(self.reject_changes),
            reject_rules=tuple(self.reject_rules),
            decision=self.decision,
            note=self.note,
            remember_rejections=self.remember_rejections,
        )


def await_review(result: Result, settings: Settings, memory: Path | None, timeout: int) -> Result:
    """Pause the flow run until an editor answers the form; the reviewed result.

    Raises :class:`~copydesk.errors.ReviewError` when nobody answers in ``timeout`` seconds
    (the run fails; the command line prints one ``copydesk error:`` line).
    """
    logger = get_run_logger()
    problem: str | None = None
    answer = ReviewInput()
    while True:
        form = ReviewInput.with_initial_data(
            description=review_form_markdown(result, problem),
            reject_changes=answer.reject_changes,
            reject_rules=answer.reject_rules,
            decision=answer.decision,
            note=answer.note,
            remember_rejections=answer.remember_rejections,
        )
        try:
            answer = pause_flow_run(wait_for_input=form, timeout=timeout)
        except FlowPauseTimeout:
            msg = (
                f"no review within {timeout} s: the outputs written before the pause await "
                "review (every change made)"
            )
            raise ReviewError(msg) from None
        decision = answer.decision_at(dt.datetime.now(dt.UTC))
        try:
            reviewed = apply_review(result, decision, settings)
        except ReviewError as exc:
            problem = str(exc)
            logger.warning("review not applied, asking again: %s", problem)
            continue
        break
    if decision.remember_rejections:
        if memory is None:
            logger.warning("no false-alarm memory file: rejections not remembered")
        else:
            try:
                reviewed = remember_rejections(memory, reviewed, decision)
            except ConfigError as exc:  # a read-only memory must not lose the review
                logger.warning("rejections not remembered: %s", exc)
    return reviewed
