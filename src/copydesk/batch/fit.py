"""Keys and sizes of what a run publishes: summaries, reports and tables cut to fit.

Contract: :func:`artifact_key` gives every article (or folder) its own valid,
collision-free key (``^[a-z0-9-]*$``: a readable slug plus a short hash of the exact name);
:func:`fit_markdown` cuts Markdown at a line boundary, with a note, and :func:`fit_rows`
keeps the leading rows of a table, so that each stays under :data:`ARTIFACT_LIMIT` UTF-8
bytes. Pure functions; importing this module imports nothing of the pipeline.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from uuid import UUID

__all__ = [
    "ARTIFACT_LIMIT",
    "UI_BASE",
    "artifact_key",
    "artifact_page",
    "fit_markdown",
    "fit_rows",
    "key_page",
    "slugify",
]

#: Upper bound of one artifact's payload, in UTF-8 bytes. The server drops the event of a
#: large artifact and artifact lists return full data, so stay well under about 100 KB.
ARTIFACT_LIMIT = 90_000

_KEY_SLUG_LENGTH = 40

#: Where the Prefect server serves its default UI (Prefect 3.9: the React UI at ``/v2``; the
#: older one at ``/``, which serves its own pages for any other path). Links in published
#: Markdown are paths from the server's root, so they work whatever host name the reader
#: uses to reach the server.
UI_BASE = "/v2"


def artifact_page(artifact_id: UUID | str) -> str:
    """The UI page of one artifact (one version of a key), from the server's root.

    >>> artifact_page("0b8f2c4e-8a61-4c1e-9b57-4e0d3f6a9c21")
    '/v2/artifacts/artifact/0b8f2c4e-8a61-4c1e-9b57-4e0d3f6a9c21'
    """
    return f"{UI_BASE}/artifacts/artifact/{UUID(str(artifact_id))}"


def key_page(key: str) -> str:
    """The UI page of an artifact key (its latest version), from the server's root.

    >>> key_page("inbox-1a2b3c4d-summary")
    '/v2/artifacts/key/inbox-1a2b3c4d-summary'
    """
    if not re.fullmatch(r"[a-z0-9-]+", key):
        msg = f"not an artifact key: {key!r}"
        raise ValueError(msg)
    return f"{UI_BASE}/artifacts/key/{key}"


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
