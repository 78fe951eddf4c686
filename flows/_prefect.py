"""Shared pieces of the flows: Prefect defaults, artifact keys and sizes.

Contract: importing this module imports neither Prefect nor copydesk's pipeline.
:func:`apply_env_defaults` sets quiet, offline defaults (analytics off, console logs at
WARNING) without overriding anything the user set; :func:`heartbeats_off` turns flow-run
heartbeats off for one-shot runs, where each sync flow run would otherwise wait about a
second for its heartbeat thread.
:func:`artifact_key` gives every article (or folder) its own valid, collision-free key, and
:func:`fit_markdown` / :func:`fit_rows` keep artifacts under :data:`ARTIFACT_LIMIT` bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

#: Environment defaults applied when ``flows`` is imported (only where unset).
ENV_DEFAULTS: dict[str, str] = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # Console only: the UI still receives INFO logs (unlike PREFECT_LOGGING_LEVEL).
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
}

#: The environment variable naming a Dask scheduler for ``clean-inbox`` (``tcp://host:8786``).
DASK_ADDRESS_ENV = "COPYDESK_DASK_ADDRESS"

#: Upper bound of one artifact's payload, in UTF-8 bytes. The server drops the event of a
#: large artifact and artifact lists return full data, so stay well under about 100 KB.
ARTIFACT_LIMIT = 90_000

_KEY_SLUG_LENGTH = 40


def apply_env_defaults(environ: MutableMapping[str, str] | None = None) -> None:
    """Set :data:`ENV_DEFAULTS` in ``environ`` (default: ``os.environ``) where unset."""
    env = os.environ if environ is None else environ
    for name, value in ENV_DEFAULTS.items():
        env.setdefault(name, value)


@contextmanager
def heartbeats_off() -> Iterator[None]:
    """Run flows without flow-run heartbeats (one-shot CLI runs and tests).

    The environment variable cannot set the frequency to None, hence temporary settings.
    """
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def slugify(text: str) -> str:
    """Lowercase ASCII letters, digits and dashes only.

    >>> slugify("Sochi Summit (2021).txt")
    'sochi-summit-2021-txt'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def artifact_key(name: str, kind: str) -> str:
    """An artifact key for ``name`` that matches ``^[a-z0-9-]*$`` and is unique per name.

    The slug keeps the key readable; the short hash of the exact name keeps two names that
    slug alike ("Sochi summit" and "sochi-summit") apart, so each keeps its own history.

    >>> artifact_key("Sochi summit", "report")
    'sochi-summit-32c61b2c-report'
    >>> artifact_key("sochi-summit", "report") != artifact_key("Sochi summit", "report")
    True
    """
    slug = slugify(name)[:_KEY_SLUG_LENGTH].strip("-") or "article"
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}-{slugify(kind)}"


def fit_markdown(
    markdown: str, limit: int = ARTIFACT_LIMIT, full_text_at: str | None = None
) -> str:
    """``markdown`` cut at a line boundary to fit ``limit`` UTF-8 bytes, with a note.

    >>> fit_markdown("a\\nb\\n", limit=100)
    'a\\nb\\n'
    >>> "truncated" in fit_markdown("line\\n" * 100, limit=300)
    True
    """
    size = len(markdown.encode("utf-8"))
    if size <= limit:
        return markdown
    from copydesk.report import code_cell

    where = f" The full report is in {code_cell(full_text_at)}." if full_text_at else ""
    note = f"\n\n> **Report truncated**: {size:,} bytes, more than an artifact holds.{where}\n"
    budget = limit - len(note.encode("utf-8"))
    kept: list[str] = []
    used = 0
    # Cut at Markdown's own line breaks only: a cut at another separator (U+2028) could
    # leave a code span open and let its contents render as markup.
    for line in markdown.split("\n"):
        line += "\n"
        used += len(line.encode("utf-8"))
        if used > budget:
            break
        kept.append(line)
    return "".join(kept).rstrip("\n") + note


def fit_rows(
    rows: list[dict[str, Any]], limit: int = ARTIFACT_LIMIT
) -> tuple[list[dict[str, Any]], int]:
    """The leading rows whose JSON fits ``limit`` bytes, and how many were left out.

    >>> fit_rows([{"a": "x" * 50}] * 10, limit=200)[1]
    7
    """
    kept: list[dict[str, Any]] = []
    used = 2
    for row in rows:
        # Prefect stores the table as json.dumps(table): ASCII-escaped, ", " between rows.
        used += len(json.dumps(row).encode("utf-8")) + 2
        if used > limit:
            break
        kept.append(row)
    return kept, len(rows) - len(kept)


def content_hash(data: bytes) -> str:
    """The SHA-256 of an article's bytes, as hex."""
    return hashlib.sha256(data).hexdigest()


def retry_unless_input_error(_task: Any, _task_run: Any, state: Any) -> bool:
    """A ``retry_condition_fn``: retry I/O failures, never a bad input or a bad glossary."""
    from copydesk.errors import CopydeskError

    exc = state.result(raise_on_failure=False)
    return not isinstance(exc, CopydeskError)
