"""What a batch run plans and what happens to each article: plain, picklable values.

Contract: :class:`Planned` is an article as planning saw it (path, size, mtime), so that
cleaning can tell a file that changed since; :class:`Outcome` is what became of one article
(see its ``status``); :class:`Plan` splits an inbox into articles to
clean, articles skipped as done and files refused with their reasons. All are frozen
dataclasses that cross process boundaries (Dask workers) unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["LEFT_IN_PLACE", "Outcome", "Plan", "Planned"]

#: Statuses of an article left in the inbox for a later run.
LEFT_IN_PLACE = ("changing", "refused", "failed")


@dataclass(frozen=True, slots=True)
class Planned:
    """An article to clean, with the size and mtime it had when it was planned."""

    path: str
    size: int
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one article of the inbox."""

    name: str  # printable: undecodable bytes of the file name shown as \xNN
    # "cleaned"; "quarantined"; "vanished" (removed from the inbox meanwhile); "unchanged"
    # (another run cleaned it since this one planned it: counted as skipped); left in the
    # inbox for a later run: "changing" (still being written), "refused" (see the reason),
    # "failed" (could not even be quarantined)
    status: str
    sha256: str = ""
    edits: int = 0
    findings: int = 0
    signature: str = ""
    reason: str = ""
    words: int = 0
    penalty: float = 0.0  # the MQM-style penalty, unscaled
    stem: str = ""  # the manifest key: the file's stem, exactly
    outputs: dict[str, str] = field(default_factory=dict)  # output file name -> SHA-256
    categories: dict[str, int] = field(default_factory=dict)  # findings per category
    # name spellings the glossary lacks -> count (the summary lists those differing across articles)
    names: dict[str, int] = field(default_factory=dict)
    # the absolute folder the article was cleaned from (the manifest records it, so that an
    # outbox shared by two inboxes keeps each stem's outputs to one of them)
    inbox: str = ""


@dataclass(frozen=True, slots=True)
class Plan:
    """The inbox split: to clean, skipped as done, and refused (with reasons)."""

    todo: list[Planned]
    skipped: list[str]
    refused: list[Outcome]
